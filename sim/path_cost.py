"""Cost one hand-made citizen path without simulating: spells (with their offers,
conversations, sanctions and complaints) into the segments and records of a run, and
those through the same finance table (sim/finance.py)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim import lawbook
from sim.benefits import BANDS, REFERENCE, benefit_class
from sim.clock import WEEKS_PER_CALENDAR_YEAR, Clock
from sim.finance import finance_table
from sim.groups import GROUP_INDEX, GROUPS
from sim.parameters import ParameterTree


def _week(value: dt.date | float | int, start: dt.date) -> float:
    if isinstance(value, dt.date):
        return (value - start).days / 7.0
    return float(value)


def _first_date(spells: Sequence[Mapping]) -> dt.date | None:
    dates = [s["start"] for s in spells if isinstance(s.get("start"), dt.date)]
    return min(dates) if dates else None


def _outside_staircase(spell: Mapping, i: int, fixed_municipal: Mapping | None
                       ) -> tuple[float, float]:
    """A spell's (pre_2014, fixed_state) overrides: NaN where the parameters decide."""
    cohort = spell.get("grant_cohort")
    granted = spell.get("granted_before_2014_07")
    if cohort is None:
        return (np.nan if granted is None else float(bool(granted))), np.nan
    shares = (fixed_municipal or {}).get(spell["group"])
    if granted is False or not isinstance(shares, Mapping) or cohort not in shares:
        raise ValueError(f"spell {i}: grant_cohort {cohort!r} is not a cohort of "
                         f"finance.fixed_municipal_share.{spell['group']} granted before "
                         f"July 2014; known: {', '.join(shares or {}) or 'none'}")
    return 1.0, 1.0 - float(shares[cohort])


def path_records(spells: Sequence[Mapping], start: dt.date, reset_weeks: float,
                 support_weeks: float = 0.0, municipality: int = 0,
                 fixed_municipal: Mapping | None = None, benefit_class: int = REFERENCE
                 ) -> dict[str, pd.DataFrame]:
    """Segments (with the weeks-on-support counter) and records of a hand-made path: its
    offers (each also an offer set up) and each spell's start as an entry to its group
    (a rehabiliteringsteam case where the law says so).

    The counter follows the citizen across spells and restarts at 0 when the gap
    since the last spell is at least ``reset_weeks`` (refusion.counter_reset_weeks).
    ``fixed_municipal``: ``finance.fixed_municipal_share``, for spells that name their
    ``grant_cohort``. ``benefit_class``: the person's (sim/benefits.py).
    """
    seg, offers, lt, conv, sanc, compl, starts, entries = [], [], [], [], [], [], [], []
    counter, last_end = float(support_weeks), None
    for i, spell in enumerate(sorted(spells, key=lambda s: _week(s["start"], start))):
        s = _week(spell["start"], start)
        e = _week(spell["end"], start) if "end" in spell else s + float(spell["weeks"])
        if e < s or (last_end is not None and s < last_end):
            raise ValueError(f"spell {i}: ends before it starts or overlaps the previous spell")
        group = spell["group"]
        if group not in GROUP_INDEX:
            raise ValueError(f"spell {i}: unknown group {group!r}; known: {', '.join(GROUPS)}")
        if last_end is not None and s - last_end >= reset_weeks:
            counter = 0.0
        m = int(spell.get("municipality", municipality))
        pre, fixed = _outside_staircase(spell, i, fixed_municipal)
        birth = s - float(spell["age"]) * WEEKS_PER_CALENDAR_YEAR if "age" in spell else np.nan
        seg.append((GROUP_INDEX[group], s, e, counter, m, pre, fixed, birth,
                    benefit_class))
        entries.append((s, group, m))
        for offer in spell.get("offers", ()):
            os_ = _week(offer["start"], start)
            oe = _week(offer["end"], start) if "end" in offer else os_ + float(offer["weeks"])
            starts.append((os_, group, m))
            if offer["kind"].startswith("loentilskud"):
                lt.append((offer["kind"], group, os_, oe, counter + (os_ - s), m,
                           benefit_class))
            else:
                offers.append((offer["kind"], group, os_, oe, m))
        conv += [(_week(w, start), group, m) for w in spell.get("conversations", ())]
        sanc += [(_week(w, start), group, m) for w in spell.get("sanctions", ())]
        compl += [(_week(w, start), group, m) for w in spell.get("complaints", ())]
        counter += e - s
        last_end = e
    return {
        "segments": pd.DataFrame(seg, columns=["group", "start", "end", "support_weeks",
                                               "municipality", "pre_2014", "fixed_state",
                                               "birth", "benefit_class"]),
        "offers": pd.DataFrame(offers, columns=["kind", "group", "start", "end",
                                                "municipality"]),
        "loentilskud": pd.DataFrame(lt, columns=["kind", "group", "start", "end",
                                                 "support_weeks", "municipality",
                                                 "benefit_class"]),
        "conversations": pd.DataFrame(conv, columns=["week", "group", "municipality"]),
        "sanctions": pd.DataFrame(sanc, columns=["week", "group", "municipality"]),
        "complaints": pd.DataFrame(compl, columns=["week", "group", "municipality"]),
        "offer_starts": pd.DataFrame(starts, columns=["week", "group", "municipality"]),
        "entries": pd.DataFrame(entries, columns=["week", "group", "municipality"]),
    }


def cost_path(spells: Sequence[Mapping], start: dt.date | None = None,
              params: ParameterTree | None = None, *, support_weeks: float = 0.0,
              municipality: int = 0, by_municipality: bool = False,
              earnings: str | None = None, provider: bool = False) -> pd.DataFrame:
    """Cost one citizen's path without running the simulation.

    Each spell is a dict: ``group``, ``start`` and ``end`` (dates, or weeks from
    ``start``) or ``weeks`` instead of ``end``; optional ``municipality``,
    ``granted_before_2014_07`` (fleksjob/førtidspension: fixed shares instead of the
    staircase, mixed over the grant cohorts by ``finance.pre_2014_cohorts``),
    ``grant_cohort`` (instead: that cohort's own fixed share, e.g. ``before_2003`` or
    ``from_2003`` for førtidspension, see ``finance.fixed_municipal_share``),
    ``offers`` (dicts with kind, start, end/weeks; kinds ``loentilskud_*`` are the wage
    subsidy), ``conversations`` (jobcentre conversations), ``sanctions`` and
    ``complaints`` (dates or weeks), ``age`` (years at the spell's start: the schemes
    that serve an age band, e.g. seniorjob, need it).
    The pools' dated amounts are costs of a run, not of a person: a path leaves them out.
    ``earnings`` (a band of ``population.earnings``: low, middle, high) and ``provider``
    are the person's, and set what they are paid (sim/benefits.py); without
    ``earnings`` each group pays its ``benefit_rates.weekly_rate`` (the maximum of a
    benefit that follows prior earnings, the average of one that follows family status).
    ``support_weeks`` is the counter before the first spell. ``start`` defaults to
    1 January of the first spell's year; time before it is not costed. Returns the
    finance table (mio. kr; x 1e6 for kr) without all-zero rows.
    """
    if params is None:
        params = lawbook.base()
    if start is None:
        first = _first_date(spells)
        if first is None:
            raise ValueError("give start: the spells are in weeks and need a start date")
        start = dt.date(first.year, 1, 1)
    if earnings is None:
        klass = REFERENCE
    elif earnings in BANDS:
        klass = benefit_class(BANDS.index(earnings), provider)
    else:
        raise ValueError(f"earnings {earnings!r}: one of {', '.join(BANDS)}")
    reset = float(params.at("refusion.counter_reset_weeks", start))
    rec = path_records(spells, start, reset, support_weeks, municipality,
                       params.at("finance.fixed_municipal_share", start), klass)
    last = float(rec["segments"]["end"].max()) if len(rec["segments"]) else 0.0
    last_date = start + dt.timedelta(days=math.ceil(last * 7.0))
    clock = Clock(start, max(1, last_date.year - start.year + 1))
    return finance_table(rec["segments"], params, clock, 1.0,
                         offers=rec["offers"], loentilskud=rec["loentilskud"],
                         conversations=rec["conversations"], sanctions=rec["sanctions"],
                         complaints=rec["complaints"], offer_starts=rec["offer_starts"],
                         entries=rec["entries"], by_municipality=by_municipality,
                         complete=False, dated_amounts=False)
