"""Tidy tables from a replication's ledger, in the analysts' conventions.

Full-time persons are person-weeks / 52; every count is weighted by 1 / scale so
tables speak of the whole population whatever the sample.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.clock import WEEKS_PER_YEAR, Clock
from sim.cost_keys import group_codes, keys_for, municipality_codes, sum_by_key
from sim.cost_records import (
    activity_counts,
    entry_counts,
    offer_records,
    reduction_records,
)
from sim.finance import finance_table, unit_costs, with_budget
from sim.finance_law import Periods
from sim.groups import GROUPS
from sim.intervals import cut
from sim.jobpraemie import jobpraemie_table
from sim.ledger import Ledger
from sim.parameters import ParameterTree
from sim.process import OFFER_TYPES


def stocks(ledger: Ledger, clock: Clock, scale: float) -> pd.DataFrame:
    seg = ledger.segments()
    weeks = clock.weeks_by_year(seg["start"].to_numpy(), seg["end"].to_numpy(),
                                seg["group"].to_numpy().astype(np.intp), len(GROUPS))
    rows = []
    for gi, g in enumerate(GROUPS):
        per_year = weeks[gi] / WEEKS_PER_YEAR / scale
        for yi, year in enumerate(clock.calendar_years):
            rows.append((year, g, float(per_year[yi])))
    return pd.DataFrame(rows, columns=["year", "group", "fulltime_persons"])


def year_periods(clock: Clock) -> Periods:
    """The run cut at calendar years only (for counts of weeks, not money)."""
    return Periods(clock.year_starts, np.arange(len(clock.calendar_years)),
                   tuple(dt.date(y, 1, 1) for y in clock.calendar_years))


def fulltime(segments: pd.DataFrame, clock: Clock, scale: float = 1.0,
             by_municipality: bool = False) -> pd.DataFrame:
    """*Fuldtidspersoner* (person-weeks / 52) by year and group[, municipality_id] of
    segments (group, start, end[, municipality]), as the finance table's keys."""
    per = year_periods(clock)
    keys = keys_for(clock, by_municipality, segments)
    pieces = cut(segments["start"].to_numpy(dtype=float), segments["end"].to_numpy(dtype=float),
                 per.bounds)
    r = pieces.row
    key = keys.of(per.year_index[pieces.period], group_codes(segments["group"])[r],
                  municipality_codes(segments)[r])
    df = keys.frame(clock)
    df["fulltime_persons"] = sum_by_key(keys, key, pieces.weeks) / WEEKS_PER_YEAR / scale
    return df


def flows(ledger: Ledger, scale: float) -> pd.DataFrame:
    rows = [(y, g, k, d, n / scale) for (y, g, k, d), n in ledger.flows.items()]
    df = pd.DataFrame(rows, columns=["year", "group", "kind", "destination", "count"])
    return df.sort_values(["year", "group", "kind", "destination"], ignore_index=True)


def headcounts(ledger: Ledger, clock: Clock, scale: float) -> pd.DataFrame:
    """Persons in each group at the start and end of each calendar year.

    A person is counted at instant t when start < t <= end of a segment, which
    matches flows dated at the instant they happen (stock + in - out = next stock).
    The run starts with a warm-up, so people present at the start date entered before it.
    """
    seg = ledger.segments()
    start, end, groups = seg["start"].to_numpy(), seg["end"].to_numpy(), seg["group"].to_numpy()
    rows = []
    bounds = clock.year_starts
    for gi, g in enumerate(GROUPS):
        s, e = np.sort(start[groups == gi]), np.sort(end[groups == gi])

        def present(t: float, s=s, e=e) -> float:
            return float(np.searchsorted(s, t, side="left") - np.searchsorted(e, t, side="left"))

        for yi, year in enumerate(clock.calendar_years):
            rows.append((year, g, present(bounds[yi]) / scale, present(bounds[yi + 1]) / scale))
    return pd.DataFrame(rows, columns=["year", "group", "persons_start", "persons_end"])


def spells(ledger: Ledger) -> pd.DataFrame:
    df = pd.DataFrame(ledger.spells, columns=["citizen", "start_week", "end_week", "group_first",
                                              "group_last", "destination"])
    return df.sort_values(["citizen", "start_week"], ignore_index=True)


def activity(ledger: Ledger, clock: Clock, scale: float) -> pd.DataFrame:
    """Conversations, offers, no-shows, exemptions and sanctions by year and group.

    Kinds: ``conversation_jobcentre``, ``conversation_akasse``, ``offer_start:<type>``,
    ``offer_weeks:<type>`` (person-weeks), ``no_show``, ``exemption``,
    ``sanction:<type>``, ``complaint``, ``persons`` (persons in the group in the year),
    ``persons_sanctioned`` and ``persons_sanctioned_excl_karantaene``.
    """
    rows = [(y, g, k, n / scale) for (y, g, k), n in ledger.activities.items()]
    off = ledger.offers()
    if len(off):
        keys = off["group"].to_numpy().astype(np.intp) * 64 + off["type"].to_numpy()
        weeks = clock.weeks_by_year(off["start"].to_numpy(), off["end"].to_numpy(), keys,
                                    len(GROUPS) * 64)
        for key in np.unique(keys):
            per_year = weeks[key] / scale
            g, t = GROUPS[key // 64], OFFER_TYPES[key % 64]
            rows += [(year, g, f"offer_weeks:{t}", float(per_year[yi]))
                     for yi, year in enumerate(clock.calendar_years) if per_year[yi] > 0]
    seg = ledger.segments()
    seg = seg[seg["end"] > 0.0]
    years = np.asarray(clock.calendar_years)
    for yi, year in enumerate(years):
        lo, hi = clock.year_starts[yi], clock.year_starts[yi + 1]
        inside = seg[(seg["start"] < hi) & (seg["end"] > lo)]
        counts = inside.drop_duplicates(["citizen", "group"])["group"].value_counts()
        rows += [(int(year), GROUPS[g], "persons", n / scale) for g, n in counts.items()]
    sanctioned: dict[tuple, set] = {}
    for y, g, cid, karantaene in ledger.sanctioned_persons:
        sanctioned.setdefault((y, g, "persons_sanctioned"), set()).add(cid)
        if not karantaene:
            sanctioned.setdefault((y, g, "persons_sanctioned_excl_karantaene"), set()).add(cid)
    rows += [(y, GROUPS[g], k, len(ids) / scale) for (y, g, k), ids in sanctioned.items()]
    df = pd.DataFrame(rows, columns=["year", "group", "kind", "count"])
    return df.sort_values(["year", "group", "kind"], ignore_index=True)


def events(ledger: Ledger) -> pd.DataFrame:
    df = pd.DataFrame(ledger.events, columns=["citizen", "week", "group", "kind", "detail"])
    # Conversations are recorded when their stay ends; at equal times they come first
    # (a no-show and its sanction follow the conversation).
    later = (df["kind"] != "conversation").rename("later")
    order = pd.concat([df[["citizen", "week"]], later], axis=1)
    return df.loc[order.sort_values(["citizen", "week", "later"], kind="stable").index
                  ].reset_index(drop=True)


def budget(money: pd.DataFrame, params: ParameterTree) -> pd.DataFrame:
    """Money by budget account (HK5/HK6) and category (budget-guaranteed transfer, other
    transfer, service), so reforms that move items between them show."""
    tagged = with_budget(money, params)
    out = tagged.groupby(["year", "account", "category", "payer"], as_index=False)["mio_kr"].sum()
    return out.sort_values(["year", "account", "category", "payer"], ignore_index=True)


def finance(ledger: Ledger, clock: Clock, scale: float, params: ParameterTree,
            by_municipality: bool = False,
            cohort_params: list[ParameterTree] | None = None) -> pd.DataFrame:
    """Money by year, group, item and payer in mio. kr (see sim/finance.py).

    Benefits from the segments less the sanctions' reductions; activation and
    løntilskud from the offers; conversations (jobcentre only), offers set up, sanction
    processes and complaints from the activity counts; rehabiliteringsteam cases from the
    entries to the groups the team decides on (flows).
    """
    seg = ledger.segments()
    offers, wage = offer_records(ledger.offers(), seg, OFFER_TYPES)
    return finance_table(seg, params, clock, scale, offers=offers, loentilskud=wage,
                         counts=pd.concat([activity_counts(ledger.activities),
                                           entry_counts(ledger.flows)], ignore_index=True),
                         reductions=reduction_records(ledger.reductions(), seg),
                         by_municipality=by_municipality, cohort_params=cohort_params)


def unit_cost_tables(ledger: Ledger, clock: Clock, scale: float, params: ParameterTree,
                     by_municipality: bool = False, money: pd.DataFrame | None = None,
                     cohort_params: list[ParameterTree] | None = None) -> pd.DataFrame:
    """*Enhedspris* (gross kr per full-time person) and average refusion by year, group
    (and municipality_id) and item, with ``total`` over items (sim.finance.unit_costs)."""
    if money is None:
        money = finance(ledger, clock, scale, params, by_municipality, cohort_params)
    return unit_costs(money, fulltime(ledger.segments(), clock, scale, by_municipality))


def employment(ledger: Ledger, clock: Clock, scale: float, full_time_hours: float
               ) -> pd.DataFrame:
    """Ordinary work after exits to a job, by year: ``employed_persons`` (person-weeks in
    work / 52) and ``employed_fulltime`` (weighted by hours / ``full_time_hours``). Work
    lasts from the exit until the person's next spell or the pension age; the work of
    persons who never were on support in the run is not in it, so only differences
    between scenarios are employment effects."""
    emp = ledger.employment_records()
    per = year_periods(clock)
    pieces = cut(emp["start"].to_numpy(dtype=float), emp["end"].to_numpy(dtype=float),
                 per.bounds)
    n = len(clock.calendar_years)
    year = per.year_index[pieces.period]
    hours = emp["hours"].to_numpy(dtype=float)[pieces.row] / full_time_hours
    weeks = np.bincount(year, weights=pieces.weeks, minlength=n)
    fulltime = np.bincount(year, weights=pieces.weeks * hours, minlength=n)
    return pd.DataFrame({"year": list(clock.calendar_years),
                         "employed_persons": weeks / WEEKS_PER_YEAR / scale,
                         "employed_fulltime": fulltime / WEEKS_PER_YEAR / scale})


def tables(ledger: Ledger, clock: Clock, scale: float, outputs: list[str],
           params: ParameterTree | None = None,
           cohort_params: list[ParameterTree] | None = None) -> dict[str, pd.DataFrame]:
    """The tables named in ``outputs``. ``cohort_params``: see sim.finance.finance_table."""
    ledger.sort_records()
    out: dict[str, pd.DataFrame] = {}
    if "stocks" in outputs:
        out["stocks"] = stocks(ledger, clock, scale)
    if "flows" in outputs:
        out["flows"] = flows(ledger, scale)
    if "headcounts" in outputs:
        out["headcounts"] = headcounts(ledger, clock, scale)
    if "spells" in outputs:
        out["spells"] = spells(ledger)
    if "activity" in outputs:
        out["activity"] = activity(ledger, clock, scale)
    if "events" in outputs:
        out["events"] = events(ledger)
    if params is not None:
        if "finance" in outputs or "unit_costs" in outputs:
            money = finance(ledger, clock, scale, params, cohort_params=cohort_params)
            if "finance" in outputs:
                out["finance"] = money
                out["budget"] = budget(money, params)
            if "unit_costs" in outputs:
                out["unit_costs"] = unit_cost_tables(ledger, clock, scale, params, money=money)
        if "employment" in outputs:
            hours = float(params.at("employment.full_time_hours", clock.start))
            out["employment"] = employment(ledger, clock, scale, hours)
        if "jobpraemie" in outputs:
            out["jobpraemie"] = jobpraemie_table(ledger.segments(), ledger.employment_records(),
                                                 params, clock, scale)
        if "unit_costs_municipality" in outputs:
            out["unit_costs_municipality"] = unit_cost_tables(
                ledger, clock, scale, params, by_municipality=True, cohort_params=cohort_params)
    return out
