"""The cost items: each turns segments or records into gross and state kr per key
(year, group[, municipality], sim/cost_keys.py) under the period's law
(sim/finance_law.py).

* benefit: weeks x weekly rate of the group at the piece's date x price index; the
  state's part by the group's refusion scheme (:func:`sim.intervals.state_weeks`);
  less what sanctions withheld (:func:`reduction_sums`); the other jobcentre
  operations per full-time person come from the same pieces;
* activation: weeks in an offer x unit cost of its kind (HK5);
* løntilskud: wage subsidy net of the benefit it replaces, on the staircase;
* conversations and sanction casework: counts or one-by-one records x caseworker hours
  x hourly cost (HK6 service, no refusion).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.clock import Clock
from sim.cost_keys import (
    Keys,
    Sums,
    benefit_classes,
    group_codes,
    municipality_codes,
    sum_by_key,
)
from sim.finance_law import PeriodLaw, Periods
from sim.groups import GROUP_INDEX, GROUPS
from sim.intervals import cut, staircase_weeks, state_share, state_weeks

CHUNK = 1_000_000  # segments per vectorised pass (bounds memory at full scale)


def benefit_sums(segments: pd.DataFrame, clock: Clock, per: Periods, law: PeriodLaw,
                 keys: Keys) -> dict[str, np.ndarray]:
    """Weeks, benefit gross and state, other jobcentre operations and the yearly case
    review (*fremdriftsgaranti*, ``finance.unit_cost.yearly_review_*``) (kr) per key.

    ``segments`` has the ledger's columns: group (code or name), start, end,
    support_weeks, municipality; optionally benefit_class (the person's, sim/benefits.py;
    without it the group's weekly_rate), pre_2014 (share, NaN = the parameter) and
    fixed_state (the state's share outside the staircase, NaN = the parameter).
    """
    out = {k: np.zeros(keys.size) for k in ("weeks", "gross", "state", "jobcentre", "review")}
    for lo in range(0, len(segments), CHUNK):
        chunk = segments.iloc[lo:lo + CHUNK]
        start = chunk["start"].to_numpy(dtype=float)
        pieces = cut(start, chunk["end"].to_numpy(dtype=float), per.bounds)
        r, p, w = pieces.row, pieces.period, pieces.weeks
        group = group_codes(chunk["group"])[r]
        counter = chunk["support_weeks"].to_numpy(dtype=float)[r] + (pieces.start - start[r])
        pre = chunk["pre_2014"].to_numpy(dtype=float)[r] if "pre_2014" in chunk else None
        fixed = (chunk["fixed_state"].to_numpy(dtype=float)[r] if "fixed_state" in chunk
                 else None)
        key = keys.of(per.year_index[p], group, municipality_codes(chunk)[r])
        klass = benefit_classes(chunk)[r]
        if law.cohort_rate is not None and "cohort" in chunk:
            cohort = chunk["cohort"].to_numpy().astype(np.int64)[r]
            kr_week = law.cohort_rate[cohort, p, group, klass] * law.price[p]
        else:
            kr_week = law.rate[p, group, klass] * law.price[p]
        out["weeks"] += sum_by_key(keys, key, w)
        out["gross"] += sum_by_key(keys, key, w * kr_week)
        state = state_weeks(counter, w, p, group, law, pre, fixed)
        out["state"] += sum_by_key(keys, key, state * kr_week)
        out["jobcentre"] += sum_by_key(keys, key, w * law.jobcentre[p, group] * law.price[p])
        out["review"] += sum_by_key(keys, key, w * law.review[p, group] * law.price[p])
    return out



def _unit_by_kind(kinds: pd.Series, tables: tuple[dict[str, float], ...], path: str
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(P, n_kinds) unit costs and each record's kind code; an unknown kind is an error."""
    codes, names = pd.factorize(kinds)
    unit = np.zeros((len(tables), len(names)))
    for period, costs in enumerate(tables):
        for j, kind in enumerate(names):
            if kind in costs:
                unit[period, j] = costs[kind]
            else:
                raise ValueError(f"offer kind {kind!r} has no unit cost in {path}; known: "
                                 + ", ".join(costs))
    return unit, codes


def _by_kind_and_group(kinds: pd.Series, default: np.ndarray,
                       tables: tuple[dict[str, dict[str, float]], ...]
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(P, n_kinds, G) values: ``default`` (P,), except where a period's table names the
    kind and the group; and each record's kind code."""
    codes, names = pd.factorize(kinds)
    out = np.repeat(default[:, None, None], len(names), axis=1)
    out = np.repeat(out, len(GROUPS), axis=2)
    for period, table in enumerate(tables):
        for j, kind in enumerate(names):
            for group, value in table.get(kind, {}).items():
                out[period, j, GROUP_INDEX[group]] = value
    return out, codes


def activation_refusion(kinds: pd.Series, law: PeriodLaw) -> tuple[np.ndarray, np.ndarray]:
    """(P, n_kinds, G) state share of each kind's operating costs by period and group, and
    each record's kind code: ``finance.activation_refusion``, except where
    ``finance.activation_refusion_exceptions`` names the kind and the group."""
    return _by_kind_and_group(kinds, law.activation_refusion, law.activation_exceptions)


def activation_factor(kinds: pd.Series, law: PeriodLaw) -> tuple[np.ndarray, np.ndarray]:
    """(P, n_kinds, G) factor on each kind's unit cost by group
    (``finance.unit_cost.activation_group_factor``, 1 where not named)."""
    return _by_kind_and_group(kinds, np.ones(len(law.price)), law.activation_factor)


# Offer kinds of *øvrig vejledning og opkvalificering* (ØVO): the finance table's item
# ``oevo``; the other offers' operating costs are its item ``activation``.
OEVO_KINDS: tuple[str, ...] = ("oevrig_vejledning",)


def activation_sums(offers: pd.DataFrame, per: Periods, law: PeriodLaw, keys: Keys) -> Sums:
    """*Driftsudgifter til aktivering* (HK5): weeks in an offer x unit cost of its kind.

    ``offers``: kind, start, end (weeks), group; optional municipality. The unit cost is
    the kind's times its factor for the group (``finance.unit_cost.activation_group_factor``,
    :func:`activation_factor`: ØVO and ordinary education prices differ by group). Refusion is
    ``finance.activation_refusion`` (50 % before 2019, 0 % since), by kind and group
    where ``finance.activation_refusion_exceptions`` says otherwise (ØVO for dagpenge
    from 2015, for jobparate from 2016: 0 %; :func:`activation_refusion`). Kinds must be
    in ``finance.unit_cost.activation``; løntilskud kinds go to :func:`loentilskud_sums`.
    The education pools are a dated amount of their own (sim/schemes.py).
    """
    pieces = cut(offers["start"].to_numpy(dtype=float), offers["end"].to_numpy(dtype=float),
                 per.bounds)
    r, p, w = pieces.row, pieces.period, pieces.weeks
    table, codes = _unit_by_kind(offers["kind"], law.activation_cost,
                                 "finance.unit_cost.activation")
    refusion, _ = activation_refusion(offers["kind"], law)
    factor, _ = activation_factor(offers["kind"], law)
    group = group_codes(offers["group"])[r]
    key = keys.of(per.year_index[p], group, municipality_codes(offers)[r])
    own = w * table[p, codes[r]] * factor[p, codes[r], group] * law.price[p]
    return (sum_by_key(keys, key, own),
            sum_by_key(keys, key, own * refusion[p, codes[r], group]))


def loentilskud_sums(records: pd.DataFrame, per: Periods, law: PeriodLaw, keys: Keys,
                     net_of_benefit: bool = True) -> Sums:
    """*Løntilskud* (wage subsidy): weeks x ``finance.unit_cost.loentilskud`` of the kind,
    refunded by the staircase without a ceiling (2016 rules).

    ``records``: start, end (weeks), group, support_weeks (counter at the start);
    optional kind (default loentilskud_privat), municipality and benefit_class. With
    ``net_of_benefit`` (default) the person's benefit in the group is subtracted: the
    citizen stays in the group's segment while on løntilskud, so the benefit item
    already counts those weeks (the spending tables also show løntilskud net of the
    alternative benefit).
    """
    start = records["start"].to_numpy(dtype=float)
    pieces = cut(start, records["end"].to_numpy(dtype=float), per.bounds)
    r, p, w = pieces.row, pieces.period, pieces.weeks
    group = group_codes(records["group"])[r]
    counter = records["support_weeks"].to_numpy(dtype=float)[r] + (pieces.start - start[r])
    kinds = records["kind"] if "kind" in records else pd.Series(["loentilskud_privat"]
                                                                 * len(records))
    table, codes = _unit_by_kind(kinds, law.loentilskud, "finance.unit_cost.loentilskud")
    benefit = law.rate[p, group, benefit_classes(records)[r]]
    kr_week = table[p, codes[r]] - (benefit if net_of_benefit else 0.0)
    kr_week = kr_week * law.price[p]
    key = keys.of(per.year_index[p], group, municipality_codes(records)[r])
    return (sum_by_key(keys, key, w * kr_week),
            sum_by_key(keys, key, staircase_weeks(counter, w, p, law) * kr_week))


def _dated(events: pd.DataFrame, per: Periods) -> tuple[np.ndarray, np.ndarray]:
    """Rows of dated records inside the run and the period of each."""
    week = events["week"].to_numpy(dtype=float)
    inside = np.flatnonzero((week >= per.bounds[0]) & (week < per.bounds[-1]))
    return inside, np.searchsorted(per.bounds, week[inside], side="right") - 1


def event_sums(events: pd.DataFrame, per: Periods, keys: Keys, unit: np.ndarray,
                price: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """Gross kr per key of one-by-one records (week, group[, municipality]): unit x price
    (x weight by group) at the record's date. Service costs: no refusion."""
    rows, p = _dated(events, per)
    group = group_codes(events["group"])[rows]
    kr = unit[p] * price[p]
    if weight is not None:
        kr = kr * weight[p, group]
    return sum_by_key(keys, keys.of(per.year_index[p], group, municipality_codes(events)[rows]), kr)


def reduction_sums(reductions: pd.DataFrame, per: Periods, law: PeriodLaw, keys: Keys) -> Sums:
    """Benefit withheld by sanctions (kr), to subtract from the benefit item.

    ``reductions``: week, group, amount (kr at the parameters' price level),
    support_weeks (the counter at that week); optional municipality. The state's part is
    its share at that instant (the staircase step of the counter, or the group's
    scheme), so the municipality saves the rest (see :func:`reduction_records`).
    """
    rows, p = _dated(reductions, per)
    group = group_codes(reductions["group"])[rows]
    kr = reductions["amount"].to_numpy(dtype=float)[rows] * law.price[p]
    counter = reductions["support_weeks"].to_numpy(dtype=float)[rows]
    key = keys.of(per.year_index[p], group, municipality_codes(reductions)[rows])
    return (sum_by_key(keys, key, kr),
            sum_by_key(keys, key, kr * state_share(counter, p, group, law)))


# Activity kinds (sim.ledger.Ledger.activities) costed from counts, and their cost.
CONVERSATION_KINDS = ("conversation_jobcentre",)  # a-kasse conversations: not municipal
SANCTION_PREFIX = "sanction:"
COMPLAINT_KIND = "complaint"
OFFER_PREFIX = "offer_start:"   # an offer set up: finding and establishing it
ENTRY_KIND = "entry"            # a spell or stay entering the group (sim.cost_records)
# The casework items costed from counts or one-by-one records (HK6 service, no refusion).
CASEWORK_ITEMS = ("conversations", "offer_casework", "rehabilitation_team", "sanction_admin")


def _by_year(per: Periods, n_years: int, values: np.ndarray) -> np.ndarray:
    """Time-weighted mean of per-period values (P, ...) over each calendar year."""
    w = np.diff(per.bounds)
    shape = (-1,) + (1,) * (values.ndim - 1)
    out = np.zeros((n_years, *values.shape[1:]))
    np.add.at(out, per.year_index, values * w.reshape(shape))
    total = np.bincount(per.year_index, weights=w, minlength=n_years)
    return out / np.where(total > 0, total, 1.0).reshape(shape)


def count_sums(counts: pd.DataFrame, clock: Clock, per: Periods, law: PeriodLaw, keys: Keys,
               weeks: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Casework (HK6 service, no refusion) from counts: jobcentre conversations, offers
    set up, rehabiliteringsteam cases and sanction processes and complaints.

    ``counts``: year, group, kind, count (see :func:`sim.cost_records.activity_counts`);
    optional municipality. The unit cost of a year is its time-weighted mean over the
    year's periods (hours x ``unit_cost.casework_hour`` x price index). Entries to a
    group are rehabiliteringsteam cases where ``unit_cost.rehabilitation_team_groups``
    names the group, a share ``unit_cost.rehabilitation_team_share`` of them. Sanctions
    and complaints are weighted by ``unit_cost.sanction_municipal`` (a-kasse decisions
    are no municipal cost). Counts without a municipality are spread over
    municipalities in proportion to the group's person-weeks (``weeks`` per key) when
    the table is by municipality. Returns gross kr per key of each of CASEWORK_ITEMS.
    """
    n_y, n_g = len(clock.calendar_years), len(GROUPS)
    out = {item: np.zeros(keys.size) for item in CASEWORK_ITEMS}
    if counts is None or not len(counts):
        return out
    year_pos = {y: i for i, y in enumerate(clock.calendar_years)}
    yi = counts["year"].map(year_pos)
    inside = yi.notna().to_numpy()
    c = counts[inside]
    yi = yi[inside].to_numpy(dtype=np.int64)
    group = group_codes(c["group"])
    kind = c["kind"].astype(str)
    conv = _by_year(per, n_y, law.conversation_cost * law.price)
    sanc = _by_year(per, n_y, (law.sanction_cost * law.price)[:, None] * law.casework_weight)
    compl = _by_year(per, n_y, (law.complaint_cost * law.price)[:, None] * law.casework_weight)
    offer = _by_year(per, n_y, law.offer_cost * law.price)
    team = _by_year(per, n_y, (law.team_cost * law.price)[:, None] * law.team_case)
    n = c["count"].to_numpy(dtype=float)
    is_conv = kind.isin(CONVERSATION_KINDS).to_numpy()
    is_sanc = kind.str.startswith(SANCTION_PREFIX).to_numpy()
    is_compl = (kind == COMPLAINT_KIND).to_numpy()
    is_offer = kind.str.startswith(OFFER_PREFIX).to_numpy()
    is_entry = (kind == ENTRY_KIND).to_numpy()
    kr = {"conversations": np.where(is_conv, n * conv[yi], 0.0),
          "offer_casework": np.where(is_offer, n * offer[yi], 0.0),
          "rehabilitation_team": np.where(is_entry, n * team[yi, group], 0.0),
          "sanction_admin": np.where(is_sanc, n * sanc[yi, group], 0.0)
          + np.where(is_compl, n * compl[yi, group], 0.0)}
    spread = keys.by_municipality and "municipality" not in c
    for item, values in kr.items():
        if spread:
            per_group = np.bincount(yi * n_g + group, weights=values, minlength=n_y * n_g)
            w = (weeks if weeks is not None else np.zeros(keys.size)).reshape(
                n_y * n_g, keys.n_municipalities)
            total = w.sum(axis=1, keepdims=True)
            share = np.where(total > 0, w / np.where(total > 0, total, 1.0), 0.0)
            share[total[:, 0] <= 0, 0] = 1.0  # no person-weeks: municipality 0
            out[item] = (per_group[:, None] * share).ravel()
        else:
            out[item] = sum_by_key(keys, keys.of(yi, group, municipality_codes(c)), values)
    return out

