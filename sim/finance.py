"""Money from segments: benefits, refusion and jobcentre costs (design principle 3).

Every cost is an integral over the ledger's time segments. A segment is cut into
*pieces* where a calendar year starts, where a finance parameter changes (a benefit
rate, the staircase, the price index) and where the citizen's weeks-on-support
counter passes a step of the *refusionstrappe* (4, 26, 52 weeks). The counter is
``support_weeks`` at the segment's start and grows one per week inside it. For each
piece:

* gross = weeks x weekly rate of the group at the piece's date x price index;
* state = gross x state share (the staircase step, or a fixed share);
* municipality = gross - state, so ``gross = state + municipality`` on every row.

Dagpenge are paid by the a-kasse and refunded in full by the state; the municipality
pays *medfinansiering* (co-financing) of (1 - staircase share) to the state. The rows
say the same: gross = the dagpenge paid, state = the state's net cost, municipality =
the co-financing.

Førtidspension and fleksjob are on the staircase only when granted from 1 July 2014;
grant dates are not tracked, so a share ``finance.pre_2014_share`` of the stock is
financed with the fixed municipal share ``finance.fixed_municipal_share`` instead.

The staircase in force on a date comes from refusion.yaml: the 2016 refusionstrappe
from 1 January 2016 and, before it, a flat share at every step (35 %, an assumption,
see there); before the table's first date its first entry. All functions are
vectorised over segment arrays: a full-scale ten-year run has millions of segments.

The output is tidy: ``year, group, item, payer, mio_kr`` with ``payer`` in
``gross, state, municipality`` (plus ``municipality_id`` before ``item`` when asked
for by municipality). Items:

* ``benefit``: the benefit (transfers) less what sanctions withheld; the state's part
  of a reduction is its staircase share at the week of the sanction;
* ``activation``: operating costs of offers (HK5), weeks x unit cost of the kind, and
  for ordinary education the education pools (80 % state refusion);
* ``loentilskud``: wage subsidy net of the benefit it replaces (the citizen stays in
  the group's segment, so ``benefit`` counts those weeks), on the staircase;
* ``conversations``: jobcentre conversations x caseworker hours x hourly cost (HK6
  service, no refusion; a-kasse conversations are not a municipal cost);
* ``sanction_admin``: casework of sanction processes and complaints (HK6), hours x
  hourly cost, for the groups whose sanctions the municipality decides;
* ``jobcentre_other``: other jobcentre operations (HK6) per full-time person.

In a run, offers and reductions come from the ledger's records and conversations,
sanctions and complaints from its activity counts (sim/results.py); a hand-made
path (:func:`cost_path`) lists them one by one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import lawbook
from sim.brackets import Brackets
from sim.clock import WEEKS_PER_YEAR, Clock
from sim.groups import GROUP_INDEX, GROUPS
from sim.parameters import ParameterTree

PAYERS: tuple[str, ...] = ("gross", "state", "municipality")
ITEMS: tuple[str, ...] = ("benefit", "jobcentre_other", "activation", "loentilskud",
                          "conversations", "sanction_admin")
COLUMNS = ["year", "group", "item", "payer", "mio_kr"]
SCHEMES: tuple[str, ...] = ("staircase", "cofinancing", "fixed", "staircase_from_2014_07")
STAIRCASE, COFINANCING, FIXED, FROM_2014 = range(4)
# Parameter files whose changes cut segments into pieces.
FINANCE_PREFIXES = ("benefit_rates.", "refusion.", "finance.")
CHUNK = 1_000_000  # segments per vectorised pass (bounds memory at full scale)
KR_PER_MIO = 1e6
MUNICIPALITY_COLUMN = "municipality_id"


# -- the law in each period -------------------------------------------------------------
@dataclass(frozen=True)
class Periods:
    """Stretches of the run with one calendar year and one set of finance parameters."""

    bounds: np.ndarray       # (P + 1,) weeks
    year_index: np.ndarray   # (P,) index into clock.calendar_years
    dates: tuple[dt.date, ...]  # (P,) first date of each period


@dataclass(frozen=True)
class PeriodLaw:
    """Finance parameters of every period as arrays (P periods, G groups, K steps)."""

    rate: np.ndarray          # (P, G) benefit kr/week
    scheme: np.ndarray        # (P, G) index into SCHEMES
    lower: np.ndarray         # (P, K) counter weeks where each staircase step starts
    upper: np.ndarray         # (P, K) ... and ends (inf for the last)
    share: np.ndarray         # (P, K) state share of each step
    pre_2014: np.ndarray      # (P, G) share of the stock outside the staircase
    fixed_state: np.ndarray   # (P, G) state share outside the staircase
    price: np.ndarray         # (P,) price index
    jobcentre: np.ndarray     # (P, G) other jobcentre operations, kr per full-time week
    activation_refusion: np.ndarray  # (P,)
    conversation_cost: np.ndarray    # (P,) kr per jobcentre conversation
    loentilskud: tuple[dict[str, float], ...]  # per period: kind -> kr/week
    sanction_cost: np.ndarray        # (P,) kr per sanction process
    activation_cost: tuple[dict[str, float], ...]  # per period: kind -> kr/FT-week
    complaint_cost: np.ndarray       # (P,) kr per complaint
    casework_weight: np.ndarray      # (P, G) share of sanction casework that is municipal
    pool_cost: tuple[dict[str, float], ...]  # per period: kind -> state pool kr/FT-week
    pool_refusion: np.ndarray        # (P,) state share of the pools' costs
    # (C, P, G) benefit kr/week of each cohort's law (sim.model.Model.laws); None = rate
    cohort_rate: np.ndarray | None = None


def _finance_change_dates(params: ParameterTree) -> set[dt.date]:
    return {v.start for path, leaf in params.leaves.items()
            if path.startswith(FINANCE_PREFIXES) for v in leaf.values}


def periods(clock: Clock, params: ParameterTree) -> Periods:
    """Cut the run at calendar years and at the dates finance parameters change."""
    starts = {max(dt.date(y, 1, 1), clock.start) for y in clock.calendar_years}
    changes = {d for d in _finance_change_dates(params) if clock.start < d < clock.end_date}
    dates = sorted(starts | changes)
    weeks = np.array([clock.week_of(d) for d in dates] + [clock.horizon])
    year_index = np.array([clock.calendar_years.index(d.year) for d in dates], dtype=np.int64)
    return Periods(weeks, year_index, tuple(dates))


def _staircase(params: ParameterTree, date: dt.date) -> Brackets:
    """The refusionstrappe in force on ``date``: upper counter weeks and state shares of
    its steps. Before the table's first date, its first entry."""
    leaf = params.leaves["refusion.staircase"]
    return Brackets.parse((leaf.entry_at(date) or leaf.values[0]).value)


def period_law(params: ParameterTree, per: Periods) -> PeriodLaw:
    """Read the finance parameters at the first date of every period."""
    n_p, n_g = len(per.dates), len(GROUPS)
    stairs = [_staircase(params, d) for d in per.dates]
    n_k = max(len(s.thresholds) for s in stairs)
    lower = np.full((n_p, n_k), np.inf)
    upper = np.full((n_p, n_k), np.inf)
    share = np.zeros((n_p, n_k))
    rate, scheme = np.zeros((n_p, n_g)), np.zeros((n_p, n_g), dtype=np.int64)
    pre, fixed_state, jobcentre = np.zeros((n_p, n_g)), np.zeros((n_p, n_g)), np.zeros((n_p, n_g))
    casework = np.zeros((n_p, n_g))
    # Named as PeriodLaw's fields.
    scalars = {k: np.zeros(n_p) for k in ("price", "activation_refusion", "conversation_cost",
                                          "sanction_cost", "complaint_cost", "pool_refusion")}
    activation, subsidy, pools = [], [], []
    for p, d in enumerate(per.dates):
        # A step's share applies from its lower counter week up to, not at, its upper.
        n = len(stairs[p].thresholds)
        upper[p, :n] = stairs[p].thresholds
        lower[p, :n] = stairs[p].lower_bounds()
        share[p, :n] = stairs[p].values
        schemes = params.at("finance.refusion_scheme", d)
        pre_share = params.at("finance.pre_2014_share", d)
        fixed_muni = params.at("finance.fixed_municipal_share", d)
        weight = params.at("finance.jobcentre.weight", d)
        municipal = params.at("finance.unit_cost.sanction_municipal", d)
        per_week = float(params.at("finance.jobcentre.other_per_ft", d)) / WEEKS_PER_YEAR
        for g, name in enumerate(GROUPS):
            rate[p, g] = float(params.at(f"benefit_rates.weekly_rate.{name}", d))
            scheme[p, g] = SCHEMES.index(schemes.get(name, "staircase"))
            pre[p, g] = float(pre_share.get(name, 0.0))
            fixed_state[p, g] = 1.0 - float(fixed_muni.get(name, 1.0))
            jobcentre[p, g] = per_week * float(weight.get(name, 0.0))
            casework[p, g] = float(municipal.get(name, 1.0))
        hour = float(params.at("finance.unit_cost.casework_hour", d))
        scalars["price"][p] = float(params.at("finance.price_index", d))
        scalars["activation_refusion"][p] = float(params.at("finance.activation_refusion", d))
        for task in ("conversation", "sanction", "complaint"):  # kr per task, from hours
            hours = float(params.at(f"finance.unit_cost.{task}_hours", d))
            scalars[f"{task}_cost"][p] = hours * hour
        activation.append({k: float(v) / WEEKS_PER_YEAR
                           for k, v in params.at("finance.unit_cost.activation", d).items()})
        pools.append({k: float(v) / WEEKS_PER_YEAR
                      for k, v in params.at("finance.unit_cost.education_pools", d).items()})
        scalars["pool_refusion"][p] = float(params.at("finance.pool_refusion", d))
        subsidy.append({k: float(v) for k, v in params.at("finance.unit_cost.loentilskud",
                                                          d).items()})
    return PeriodLaw(rate=rate, scheme=scheme, lower=lower, upper=upper, share=share,
                     pre_2014=pre, fixed_state=fixed_state, jobcentre=jobcentre,
                     loentilskud=tuple(subsidy), activation_cost=tuple(activation),
                     casework_weight=casework, pool_cost=tuple(pools), **scalars)


# -- cutting segments into pieces -------------------------------------------------------
@dataclass(frozen=True)
class Pieces:
    """Parts of intervals inside one period each: ``row`` points back to the interval."""

    row: np.ndarray
    period: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @property
    def weeks(self) -> np.ndarray:
        return self.end - self.start


def cut(start: np.ndarray, end: np.ndarray, bounds: np.ndarray) -> Pieces:
    """Cut intervals [start, end) at ``bounds``; parts outside [bounds[0], bounds[-1]) go."""
    s = np.maximum(start, bounds[0])
    e = np.minimum(end, bounds[-1])
    rows = np.flatnonzero(e > s)
    s, e = s[rows], e[rows]
    first = np.searchsorted(bounds, s, side="right") - 1
    last = np.searchsorted(bounds, e, side="left") - 1
    n = last - first + 1
    row = np.repeat(rows, n)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(n) - n, n)
    period = np.repeat(first, n) + offset
    ps = np.maximum(np.repeat(s, n), bounds[period])
    pe = np.minimum(np.repeat(e, n), bounds[period + 1])
    return Pieces(row, period, ps, pe)


def staircase_weeks(counter: np.ndarray, weeks: np.ndarray, period: np.ndarray,
                    law: PeriodLaw) -> np.ndarray:
    """State-share-weighted weeks of pieces: sum over steps of weeks in the step x share.

    ``counter`` is the weeks-on-support counter at each piece's start (*anciennitet på
    offentlig forsørgelse*); a piece of ``weeks`` covers [counter, counter + weeks).
    """
    top = counter + weeks
    out = np.zeros_like(weeks)
    for k in range(law.upper.shape[1]):
        lo, hi = law.lower[period, k], law.upper[period, k]
        out += np.clip(np.minimum(top, hi) - np.maximum(counter, lo), 0.0, None) * law.share[
            period, k]
    return out


def state_weeks(counter: np.ndarray, weeks: np.ndarray, period: np.ndarray, group: np.ndarray,
                law: PeriodLaw, pre_2014: np.ndarray | None = None) -> np.ndarray:
    """Weeks weighted by the state's share under each group's refusion scheme.

    ``pre_2014`` overrides ``finance.pre_2014_share`` per piece where it is not NaN
    (a hand-made path knows whether a førtidspension was granted before July 2014).
    """
    scheme = law.scheme[period, group]
    stair = staircase_weeks(counter, weeks, period, law)
    fixed = weeks * law.fixed_state[period, group]
    pre = law.pre_2014[period, group]
    if pre_2014 is not None:
        pre = np.where(np.isnan(pre_2014), pre, pre_2014)
    mixed = pre * fixed + (1.0 - pre) * stair
    return np.select([scheme == FIXED, scheme == FROM_2014], [fixed, mixed], default=stair)


def state_share(counter: np.ndarray, period: np.ndarray, group: np.ndarray, law: PeriodLaw
                ) -> np.ndarray:
    """The state's share at an instant: the staircase step of ``counter`` (or the group's
    fixed share), as :func:`state_weeks` for a piece of vanishing length."""
    upper = law.upper[period]
    step = np.minimum((counter[:, None] >= upper).sum(axis=1), upper.shape[1] - 1)
    stair = law.share[period, step]
    fixed = law.fixed_state[period, group]
    pre = law.pre_2014[period, group]
    scheme = law.scheme[period, group]
    return np.select([scheme == FIXED, scheme == FROM_2014],
                     [fixed, pre * fixed + (1.0 - pre) * stair], default=stair)


# -- aggregation ------------------------------------------------------------------------
@dataclass(frozen=True)
class Keys:
    """Dense integer keys (year, group[, municipality]) for np.bincount."""

    n_years: int
    n_municipalities: int  # 1 when not by municipality
    by_municipality: bool = False

    @property
    def size(self) -> int:
        return self.n_years * len(GROUPS) * self.n_municipalities

    def of(self, year_index: np.ndarray, group: np.ndarray, municipality: np.ndarray | None
           ) -> np.ndarray:
        key = year_index * len(GROUPS) + group
        if self.by_municipality and municipality is not None:
            key = key * self.n_municipalities + municipality
        return key

    def frame(self, clock: Clock) -> pd.DataFrame:
        idx = np.arange(self.size)
        m = idx % self.n_municipalities
        g = (idx // self.n_municipalities) % len(GROUPS)
        y = idx // (self.n_municipalities * len(GROUPS))
        df = pd.DataFrame({"year": np.asarray(clock.calendar_years)[y],
                           "group": np.asarray(GROUPS, dtype=object)[g]})
        if self.by_municipality:
            df[MUNICIPALITY_COLUMN] = m
        return df


def _sum(keys: Keys, key: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.bincount(key, weights=values, minlength=keys.size)


def _group_codes(values: Iterable) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    try:
        return np.array([GROUP_INDEX[v] for v in arr], dtype=np.int64)
    except KeyError as exc:
        raise ValueError(f"unknown group {exc.args[0]!r}; known: {', '.join(GROUPS)}") from None


def _municipality(df: pd.DataFrame) -> np.ndarray:
    if "municipality" in df:
        return df["municipality"].to_numpy().astype(np.int64)
    return np.zeros(len(df), dtype=np.int64)


def _keys(clock: Clock, by_municipality: bool, *frames: pd.DataFrame | None) -> Keys:
    n_m = 1
    if by_municipality:
        n_m = 1 + max((int(_municipality(f).max()) for f in frames if f is not None and len(f)),
                      default=0)
    return Keys(len(clock.calendar_years), n_m, by_municipality)


def benefit_sums(segments: pd.DataFrame, clock: Clock, per: Periods, law: PeriodLaw,
                 keys: Keys) -> dict[str, np.ndarray]:
    """Weeks, benefit gross and state, and jobcentre cost (kr) per key.

    ``segments`` has the ledger's columns: group (code or name), start, end,
    support_weeks, municipality; optionally pre_2014 (share, NaN = the parameter).
    """
    out = {k: np.zeros(keys.size) for k in ("weeks", "gross", "state", "jobcentre")}
    for lo in range(0, len(segments), CHUNK):
        chunk = segments.iloc[lo:lo + CHUNK]
        start = chunk["start"].to_numpy(dtype=float)
        pieces = cut(start, chunk["end"].to_numpy(dtype=float), per.bounds)
        r, p, w = pieces.row, pieces.period, pieces.weeks
        group = _group_codes(chunk["group"])[r]
        counter = chunk["support_weeks"].to_numpy(dtype=float)[r] + (pieces.start - start[r])
        pre = chunk["pre_2014"].to_numpy(dtype=float)[r] if "pre_2014" in chunk else None
        key = keys.of(per.year_index[p], group, _municipality(chunk)[r])
        if law.cohort_rate is not None and "cohort" in chunk:
            cohort = chunk["cohort"].to_numpy().astype(np.int64)[r]
            kr_week = law.cohort_rate[cohort, p, group] * law.price[p]
        else:
            kr_week = law.rate[p, group] * law.price[p]
        out["weeks"] += _sum(keys, key, w)
        out["gross"] += _sum(keys, key, w * kr_week)
        out["state"] += _sum(keys, key, state_weeks(counter, w, p, group, law, pre) * kr_week)
        out["jobcentre"] += _sum(keys, key, w * law.jobcentre[p, group] * law.price[p])
    return out


def _long(keys: Keys, clock: Clock, item: str, gross: np.ndarray, state: np.ndarray,
          scale: float) -> pd.DataFrame:
    """Rows gross, state, municipality (= gross - state) of one item, in mio. kr."""
    base = keys.frame(clock)
    g, s = gross / KR_PER_MIO / scale, state / KR_PER_MIO / scale
    parts = [base.assign(item=item, payer=payer, mio_kr=v)
             for payer, v in zip(PAYERS, (g, s, g - s), strict=True)]
    return pd.concat(parts, ignore_index=True)


def _tidy(frames: list[pd.DataFrame], complete: bool) -> pd.DataFrame:
    df = pd.concat(frames, ignore_index=True)
    keys = [c for c in df.columns if c not in ("item", "payer", "mio_kr")]
    if not complete:
        nonzero = df["mio_kr"].ne(0).groupby([df[k] for k in [*keys, "item"]]).transform("any")
        df = df[nonzero.to_numpy(dtype=bool)]
    order = {"group": {g: i for i, g in enumerate(GROUPS)},
             "item": {x: i for i, x in enumerate(ITEMS)},
             "payer": {x: i for i, x in enumerate(PAYERS)}}
    sort_cols = ["year", "group", *[c for c in keys if c not in ("year", "group")], "item",
                 "payer"]
    df = df.sort_values(sort_cols, key=lambda s: s.map(order[s.name]) if s.name in order else s,
                        ignore_index=True)
    cols = [*keys, "item", "payer", "mio_kr"]
    return df[cols]


# -- records of the process layer ---------------------------------------------------------
Sums = tuple[np.ndarray, np.ndarray]  # gross and state kr per key


def _unit_by_kind(kinds: pd.Series, tables: tuple[dict[str, float], ...], path: str,
                  required: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(P, n_kinds) unit costs and each record's kind code; an unknown kind is an error
    when ``required``, else costs 0."""
    codes, names = pd.factorize(kinds)
    unit = np.zeros((len(tables), len(names)))
    for period, costs in enumerate(tables):
        for j, kind in enumerate(names):
            if kind in costs:
                unit[period, j] = costs[kind]
            elif required:
                raise ValueError(f"offer kind {kind!r} has no unit cost in {path}; known: "
                                 + ", ".join(costs))
    return unit, codes


def activation_sums(offers: pd.DataFrame, per: Periods, law: PeriodLaw, keys: Keys) -> Sums:
    """*Driftsudgifter til aktivering* (HK5): weeks in an offer x unit cost of its kind.

    ``offers``: kind, start, end (weeks), group; optional municipality. Refusion is
    ``finance.activation_refusion`` (50 % before 2019, 0 % since). Kinds must be in
    ``finance.unit_cost.activation``; løntilskud kinds go to :func:`loentilskud_sums`.
    Kinds in ``finance.unit_cost.education_pools`` (ordinary education) also draw on the
    education pools, refunded at ``finance.pool_refusion`` (80 %).
    """
    pieces = cut(offers["start"].to_numpy(dtype=float), offers["end"].to_numpy(dtype=float),
                 per.bounds)
    r, p, w = pieces.row, pieces.period, pieces.weeks
    table, codes = _unit_by_kind(offers["kind"], law.activation_cost,
                                 "finance.unit_cost.activation")
    pools, _ = _unit_by_kind(offers["kind"], law.pool_cost, "", required=False)
    key = keys.of(per.year_index[p], _group_codes(offers["group"])[r], _municipality(offers)[r])
    own = w * table[p, codes[r]] * law.price[p]
    pool = w * pools[p, codes[r]] * law.price[p]
    return (_sum(keys, key, own + pool),
            _sum(keys, key, own * law.activation_refusion[p] + pool * law.pool_refusion[p]))


def loentilskud_sums(records: pd.DataFrame, per: Periods, law: PeriodLaw, keys: Keys,
                     net_of_benefit: bool = True) -> Sums:
    """*Løntilskud* (wage subsidy): weeks x ``finance.unit_cost.loentilskud`` of the kind,
    refunded by the staircase without a ceiling (2016 rules).

    ``records``: start, end (weeks), group, support_weeks (counter at the start);
    optional kind (default loentilskud_privat) and municipality. With ``net_of_benefit``
    (default) the group's benefit rate is subtracted: the citizen stays in the group's
    segment while on løntilskud, so the benefit item already counts those weeks (the
    spending tables also show løntilskud net of the alternative benefit).
    """
    start = records["start"].to_numpy(dtype=float)
    pieces = cut(start, records["end"].to_numpy(dtype=float), per.bounds)
    r, p, w = pieces.row, pieces.period, pieces.weeks
    group = _group_codes(records["group"])[r]
    counter = records["support_weeks"].to_numpy(dtype=float)[r] + (pieces.start - start[r])
    kinds = records["kind"] if "kind" in records else pd.Series(["loentilskud_privat"]
                                                                 * len(records))
    table, codes = _unit_by_kind(kinds, law.loentilskud, "finance.unit_cost.loentilskud")
    kr_week = table[p, codes[r]] - (law.rate[p, group] if net_of_benefit else 0.0)
    kr_week = kr_week * law.price[p]
    key = keys.of(per.year_index[p], group, _municipality(records)[r])
    return (_sum(keys, key, w * kr_week),
            _sum(keys, key, staircase_weeks(counter, w, p, law) * kr_week))


def _dated(events: pd.DataFrame, per: Periods) -> tuple[np.ndarray, np.ndarray]:
    """Rows of dated records inside the run and the period of each."""
    week = events["week"].to_numpy(dtype=float)
    inside = np.flatnonzero((week >= per.bounds[0]) & (week < per.bounds[-1]))
    return inside, np.searchsorted(per.bounds, week[inside], side="right") - 1


def _event_sums(events: pd.DataFrame, per: Periods, keys: Keys, unit: np.ndarray,
                price: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """Gross kr per key of one-by-one records (week, group[, municipality]): unit x price
    (x weight by group) at the record's date. Service costs: no refusion."""
    rows, p = _dated(events, per)
    group = _group_codes(events["group"])[rows]
    kr = unit[p] * price[p]
    if weight is not None:
        kr = kr * weight[p, group]
    return _sum(keys, keys.of(per.year_index[p], group, _municipality(events)[rows]), kr)


def reduction_sums(reductions: pd.DataFrame, per: Periods, law: PeriodLaw, keys: Keys) -> Sums:
    """Benefit withheld by sanctions (kr), to subtract from the benefit item.

    ``reductions``: week, group, amount (kr at the parameters' price level),
    support_weeks (the counter at that week); optional municipality. The state's part is
    its share at that instant (the staircase step of the counter, or the group's
    scheme), so the municipality saves the rest (see :func:`reduction_records`).
    """
    rows, p = _dated(reductions, per)
    group = _group_codes(reductions["group"])[rows]
    kr = reductions["amount"].to_numpy(dtype=float)[rows] * law.price[p]
    counter = reductions["support_weeks"].to_numpy(dtype=float)[rows]
    key = keys.of(per.year_index[p], group, _municipality(reductions)[rows])
    return _sum(keys, key, kr), _sum(keys, key, kr * state_share(counter, p, group, law))


# Activity kinds (sim.ledger.Ledger.activities) costed from counts, and their cost.
CONVERSATION_KINDS = ("conversation_jobcentre",)  # a-kasse conversations: not municipal
SANCTION_PREFIX = "sanction:"
COMPLAINT_KIND = "complaint"


def activity_counts(activities: Mapping[tuple, float]) -> pd.DataFrame:
    """The costed kinds of a ledger's ``activities`` Counter ((year, group, kind) -> n)
    as rows ``year, group, kind, count`` (unweighted: the finance table weights)."""
    rows = [(y, g, k, n) for (y, g, k), n in sorted(activities.items())
            if k in CONVERSATION_KINDS or k == COMPLAINT_KIND or k.startswith(SANCTION_PREFIX)]
    return pd.DataFrame(rows, columns=["year", "group", "kind", "count"])


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
    """Conversations and sanction casework (HK6 service, no refusion) from counts.

    ``counts``: year, group, kind, count (see :func:`activity_counts`); optional
    municipality. The unit cost of a year is its time-weighted mean over the year's
    periods (hours x ``unit_cost.casework_hour`` x price index). Sanctions and
    complaints are weighted by ``unit_cost.sanction_municipal`` (a-kasse decisions are
    no municipal cost). Counts without a municipality are spread over municipalities in
    proportion to the group's person-weeks (``weeks`` per key) when the table is by
    municipality. Returns gross kr per key of ``conversations`` and ``sanction_admin``.
    """
    n_y, n_g = len(clock.calendar_years), len(GROUPS)
    out = {"conversations": np.zeros(keys.size), "sanction_admin": np.zeros(keys.size)}
    if counts is None or not len(counts):
        return out
    year_pos = {y: i for i, y in enumerate(clock.calendar_years)}
    yi = counts["year"].map(year_pos)
    inside = yi.notna().to_numpy()
    c = counts[inside]
    yi = yi[inside].to_numpy(dtype=np.int64)
    group = _group_codes(c["group"])
    kind = c["kind"].astype(str)
    conv = _by_year(per, n_y, law.conversation_cost * law.price)
    sanc = _by_year(per, n_y, (law.sanction_cost * law.price)[:, None] * law.casework_weight)
    compl = _by_year(per, n_y, (law.complaint_cost * law.price)[:, None] * law.casework_weight)
    n = c["count"].to_numpy(dtype=float)
    is_conv = kind.isin(CONVERSATION_KINDS).to_numpy()
    is_sanc = kind.str.startswith(SANCTION_PREFIX).to_numpy()
    is_compl = (kind == COMPLAINT_KIND).to_numpy()
    kr = {"conversations": np.where(is_conv, n * conv[yi], 0.0),
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
            out[item] = _sum(keys, keys.of(yi, group, _municipality(c)), values)
    return out


def _with_counter(records: pd.DataFrame, segments: pd.DataFrame, on: str, by: list[str]
                  ) -> pd.DataFrame:
    """Records (in ``on`` order) with the municipality and weeks-on-support counter (at
    ``on``) of the citizen's segment that holds them: the last segment (matching ``by``)
    starting at or before ``on``; counter = support_weeks + weeks since the segment began
    (0 and municipality 0 where there is none).

    An as-of join done with one sort of segments and records together: records and
    segments are ordered by ``by`` and time (a segment before a record at the same time),
    and each record takes the last segment before it, if that one has the same ``by``.
    Memory stays a few integer columns, not copies of both frames.
    """
    rec = records.sort_values(on, kind="stable").reset_index(drop=True)
    n_seg = len(segments)
    cols = [np.concatenate([segments[b].to_numpy(np.int64), rec[b].to_numpy(np.int64)])
            for b in by]
    seg_start = segments["start"].to_numpy(dtype=float)
    when = rec[on].to_numpy(dtype=float)
    is_record = np.concatenate([np.zeros(n_seg, np.int8), np.ones(len(rec), np.int8)])
    order = np.lexsort((is_record, np.concatenate([seg_start, when]), *cols[::-1]))
    at_record = order >= n_seg
    # Position (in the joint order) of the last segment at or before each entry.
    last = np.maximum.accumulate(np.where(at_record, -1, np.arange(len(order))))[at_record]
    seg = np.where(last >= 0, order[np.maximum(last, 0)], -1)
    row = order[at_record] - n_seg
    found = seg >= 0
    for col in cols:
        found &= col[np.maximum(seg, 0)] == col[n_seg + row]
    j = np.where(found, seg, 0)
    support = np.zeros(len(rec))
    municipality = np.zeros(len(rec), dtype=np.int64)
    support[row] = np.where(found, segments["support_weeks"].to_numpy(dtype=float)[j]
                            + (when[row] - seg_start[j]), 0.0)
    municipality[row] = np.where(found, segments["municipality"].to_numpy(np.int64)[j], 0)
    return rec.assign(support_weeks=support, municipality=municipality)


def offer_records(offers: pd.DataFrame, segments: pd.DataFrame, kinds: Sequence[str]
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the ledger's offers into activation and løntilskud records for the hooks.

    ``offers``: citizen, group, type (code into ``kinds``), start, end. Each offer gets
    the municipality and the weeks-on-support counter of the citizen's segment that
    holds its start (counter = support_weeks + weeks since the segment began). Kinds
    starting with ``loentilskud`` go to the second frame.
    """
    off = offers.assign(kind=np.asarray(kinds, dtype=object)[offers["type"].to_numpy()])
    merged = _with_counter(off, segments, "start", ["citizen"])
    cols = ["kind", "group", "start", "end", "support_weeks", "municipality"]
    wage = merged["kind"].str.startswith("loentilskud").to_numpy(dtype=bool)
    return merged.loc[~wage, cols].reset_index(drop=True), merged.loc[wage, cols].reset_index(
        drop=True)


def reduction_records(reductions: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The ledger's benefit reductions (citizen, week, group, kind, amount) with the
    municipality and the counter of the citizen's segment in that group at that week."""
    merged = _with_counter(reductions, segments, "week", ["citizen", "group"])
    return merged[["week", "group", "kind", "amount", "support_weeks", "municipality"]
                  ].reset_index(drop=True)


# -- the finance table ------------------------------------------------------------------
def finance_table(segments: pd.DataFrame, params: ParameterTree, clock: Clock,
                  scale: float = 1.0, *, offers: pd.DataFrame | None = None,
                  loentilskud: pd.DataFrame | None = None,
                  conversations: pd.DataFrame | None = None,
                  sanctions: pd.DataFrame | None = None,
                  complaints: pd.DataFrame | None = None,
                  counts: pd.DataFrame | None = None,
                  reductions: pd.DataFrame | None = None,
                  by_municipality: bool = False, complete: bool = True,
                  cohort_params: list[ParameterTree] | None = None) -> pd.DataFrame:
    """Tidy money table ``year, group[, municipality_id], item, payer, mio_kr``.

    Records are optional: ``offers`` and ``loentilskud`` (:func:`offer_records`),
    ``reductions`` (:func:`reduction_records`, subtracted from ``benefit``), one-by-one
    ``conversations``, ``sanctions`` and ``complaints`` (week, group) and/or ``counts``
    of them (:func:`activity_counts`). Amounts are weighted by 1 / ``scale``.
    ``complete`` keeps every year x group x item row, zeros included, so replications
    stack; otherwise all-zero items go. ``cohort_params``: the laws of spells begun
    before new-spells policies took effect (segments' ``cohort`` indexes them, and
    ``params`` after them), for benefit rates that change for new spells only.
    """
    per = periods(clock, params)
    law = period_law(params, per)
    if cohort_params:
        law = dataclasses.replace(law, cohort_rate=np.stack(
            [period_law(t, per).rate for t in cohort_params] + [law.rate]))
    keys = _keys(clock, by_municipality, segments, offers, loentilskud, conversations,
                 sanctions, complaints, reductions,
                 counts if counts is not None and "municipality" in counts else None)
    zero = np.zeros(keys.size)
    sums = benefit_sums(segments, clock, per, law, keys)
    money: dict[str, Sums] = {item: (zero, zero) for item in ITEMS}
    benefit = (sums["gross"], sums["state"])
    if reductions is not None and len(reductions):
        red = reduction_sums(reductions, per, law, keys)
        benefit = (benefit[0] - red[0], benefit[1] - red[1])
    money["benefit"] = benefit
    money["jobcentre_other"] = (sums["jobcentre"], zero)
    if offers is not None and len(offers):
        money["activation"] = activation_sums(offers, per, law, keys)
    if loentilskud is not None and len(loentilskud):
        money["loentilskud"] = loentilskud_sums(loentilskud, per, law, keys)
    counted = count_sums(counts, clock, per, law, keys, sums["weeks"])
    conv, admin = counted["conversations"], counted["sanction_admin"]
    if conversations is not None and len(conversations):
        conv = conv + _event_sums(conversations, per, keys, law.conversation_cost, law.price)
    for records, unit in ((sanctions, law.sanction_cost), (complaints, law.complaint_cost)):
        if records is not None and len(records):
            admin = admin + _event_sums(records, per, keys, unit, law.price, law.casework_weight)
    money["conversations"] = (conv, zero)
    money["sanction_admin"] = (admin, zero)
    frames = [_long(keys, clock, item, gross, state, scale)
              for item, (gross, state) in money.items()]
    return _tidy(frames, complete and not by_municipality)


def fulltime(segments: pd.DataFrame, clock: Clock, scale: float = 1.0,
             by_municipality: bool = False) -> pd.DataFrame:
    """*Fuldtidspersoner* (person-weeks / 52) by year and group[, municipality_id]."""
    per = Periods(clock.year_starts, np.arange(len(clock.calendar_years)),
                  tuple(dt.date(y, 1, 1) for y in clock.calendar_years))
    keys = _keys(clock, by_municipality, segments)
    pieces = cut(segments["start"].to_numpy(dtype=float), segments["end"].to_numpy(dtype=float),
                 per.bounds)
    r = pieces.row
    key = keys.of(per.year_index[pieces.period], _group_codes(segments["group"])[r],
                  _municipality(segments)[r])
    df = keys.frame(clock)
    df["fulltime_persons"] = _sum(keys, key, pieces.weeks) / WEEKS_PER_YEAR / scale
    return df


def unit_costs(finance: pd.DataFrame, fulltime_persons: pd.DataFrame) -> pd.DataFrame:
    """*Enhedspris* and *gennemsnitlig refusion* by key and item (and item ``total``).

    Columns: the keys, item, fulltime_persons, gross_kr_per_ft (enhedspris),
    municipality_kr_per_ft (municipal net per full-time person) and average_refusion
    (state / gross). ``fulltime_persons`` has the keys and a ``fulltime_persons`` column
    (e.g. :func:`fulltime` or the run's ``stocks`` table).
    """
    keys = [c for c in finance.columns if c not in ("item", "payer", "mio_kr")]
    wide = finance.pivot_table(index=[*keys, "item"], columns="payer", values="mio_kr",
                               aggfunc="sum", fill_value=0.0).reset_index()
    total = wide.groupby(keys, as_index=False)[list(PAYERS)].sum().assign(item="total")
    wide = pd.concat([wide, total], ignore_index=True)
    out = wide.merge(fulltime_persons[[*keys, "fulltime_persons"]], on=keys, how="left")
    ft = out["fulltime_persons"].where(out["fulltime_persons"] > 0)
    gross = out["gross"].where(out["gross"] != 0)
    out["gross_kr_per_ft"] = out["gross"] * KR_PER_MIO / ft
    out["municipality_kr_per_ft"] = out["municipality"] * KR_PER_MIO / ft
    out["average_refusion"] = out["state"] / gross
    cols = [*keys, "item", "fulltime_persons", "gross_kr_per_ft", "municipality_kr_per_ft",
            "average_refusion"]
    return out[cols].sort_values([*keys, "item"], ignore_index=True)


def unit_cost_table(segments: pd.DataFrame, params: ParameterTree, clock: Clock,
                    scale: float = 1.0, by_municipality: bool = False, **records
                    ) -> pd.DataFrame:
    """:func:`unit_costs` straight from segments (and optional records, as finance_table)."""
    money = finance_table(segments, params, clock, scale, by_municipality=by_municipality,
                          **records)
    return unit_costs(money, fulltime(segments, clock, scale, by_municipality))


def budget_categories(params: ParameterTree, date: dt.date) -> pd.DataFrame:
    """Account (HK5/HK6) and budget category (budgetgaranti, other transfer, service)
    of every group x item on ``date``: columns group, item, account, category."""
    items = params.at("finance.budget.items", date)
    benefit = params.at("finance.budget.benefit", date)
    rows = []
    for g in GROUPS:
        for item, spec in items.items():
            category = benefit[g] if spec["category"] == "by_group" else spec["category"]
            rows.append((g, item, spec["account"], category))
    return pd.DataFrame(rows, columns=["group", "item", "account", "category"])


def with_budget(finance: pd.DataFrame, params: ParameterTree) -> pd.DataFrame:
    """The finance table with ``account`` and ``category`` (as on 1 January of each year)."""
    parts = [budget_categories(params, dt.date(int(y), 1, 1)).assign(year=y)
             for y in finance["year"].unique()]
    cats = pd.concat(parts, ignore_index=True)
    return finance.merge(cats, on=["year", "group", "item"], how="left")


# -- a hand-made citizen path -----------------------------------------------------------
def _week(value: dt.date | float | int, start: dt.date) -> float:
    if isinstance(value, dt.date):
        return (value - start).days / 7.0
    return float(value)


def _first_date(spells: Sequence[Mapping]) -> dt.date | None:
    dates = [s["start"] for s in spells if isinstance(s.get("start"), dt.date)]
    return min(dates) if dates else None


def path_records(spells: Sequence[Mapping], start: dt.date, reset_weeks: float,
                 support_weeks: float = 0.0, municipality: int = 0
                 ) -> dict[str, pd.DataFrame]:
    """Segments (with the weeks-on-support counter) and records of a hand-made path.

    The counter follows the citizen across spells and restarts at 0 when the gap
    since the last spell is at least ``reset_weeks`` (refusion.counter_reset_weeks).
    """
    seg, offers, lt, conv, sanc, compl = [], [], [], [], [], []
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
        granted = spell.get("granted_before_2014_07")
        pre = np.nan if granted is None else float(bool(granted))
        seg.append((GROUP_INDEX[group], s, e, counter, m, pre))
        for offer in spell.get("offers", ()):
            os_ = _week(offer["start"], start)
            oe = _week(offer["end"], start) if "end" in offer else os_ + float(offer["weeks"])
            if offer["kind"].startswith("loentilskud"):
                lt.append((offer["kind"], group, os_, oe, counter + (os_ - s), m))
            else:
                offers.append((offer["kind"], group, os_, oe, m))
        conv += [(_week(w, start), group, m) for w in spell.get("conversations", ())]
        sanc += [(_week(w, start), group, m) for w in spell.get("sanctions", ())]
        compl += [(_week(w, start), group, m) for w in spell.get("complaints", ())]
        counter += e - s
        last_end = e
    return {
        "segments": pd.DataFrame(seg, columns=["group", "start", "end", "support_weeks",
                                               "municipality", "pre_2014"]),
        "offers": pd.DataFrame(offers, columns=["kind", "group", "start", "end",
                                                "municipality"]),
        "loentilskud": pd.DataFrame(lt, columns=["kind", "group", "start", "end",
                                                 "support_weeks", "municipality"]),
        "conversations": pd.DataFrame(conv, columns=["week", "group", "municipality"]),
        "sanctions": pd.DataFrame(sanc, columns=["week", "group", "municipality"]),
        "complaints": pd.DataFrame(compl, columns=["week", "group", "municipality"]),
    }


def cost_path(spells: Sequence[Mapping], start: dt.date | None = None,
              params: ParameterTree | None = None, *, support_weeks: float = 0.0,
              municipality: int = 0, by_municipality: bool = False) -> pd.DataFrame:
    """Cost one citizen's path without running the simulation.

    Each spell is a dict: ``group``, ``start`` and ``end`` (dates, or weeks from
    ``start``) or ``weeks`` instead of ``end``; optional ``municipality``,
    ``granted_before_2014_07`` (fleksjob/førtidspension: fixed shares instead of the
    staircase), ``offers`` (dicts with kind, start, end/weeks; kinds ``loentilskud_*``
    are the wage subsidy), ``conversations`` (jobcentre conversations), ``sanctions``
    and ``complaints`` (dates or weeks).
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
    reset = float(params.at("refusion.counter_reset_weeks", start))
    rec = path_records(spells, start, reset, support_weeks, municipality)
    last = float(rec["segments"]["end"].max()) if len(rec["segments"]) else 0.0
    last_date = start + dt.timedelta(days=math.ceil(last * 7.0))
    clock = Clock(start, max(1, last_date.year - start.year + 1))
    return finance_table(rec["segments"], params, clock, 1.0,
                         offers=rec["offers"], loentilskud=rec["loentilskud"],
                         conversations=rec["conversations"], sanctions=rec["sanctions"],
                         complaints=rec["complaints"],
                         by_municipality=by_municipality, complete=False)
