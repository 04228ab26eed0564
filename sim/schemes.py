"""The special schemes and the pools as cost items (policies/params/schemes.yaml).

Two kinds, each item with its own gross and state kr per key (year, group[,
municipality], sim/cost_keys.py):

* **Volume schemes** (seniorjob, jobrotation, voksenlærling, personlig assistance, the
  6-week course right; and ``seniorjob_benefit``, the benefit of those who would have
  held a seniorjob, weighted by the share of its places closed): the person-weeks of the
  scheme's *driver* times kr per full-time person-year, less an offset for the net
  schemes. The driver is the weeks that segments
  of the scheme's groups spend (weighted by ``schemes.<item>.groups``) at an age inside
  ``schemes.<item>.ages`` and with a weeks-on-support counter of at least
  ``schemes.<item>.after_weeks``. Gross = weeks / 52 x (kr_per_ft - offset_per_ft);
  state = gross x state_share.
* **Dated amounts** (the education pools, the state pools, the caseworker upskilling
  pool): a fixed amount a year (mio.
  kr), prorated by the share of the year each period covers and spread over the keys in
  proportion to the weighted person-weeks of ``schemes.<item>.groups`` (a pool is an
  appropriation, not a price per person: it does not follow the caseload). They are
  costs of a run, not of a person: a hand-made path (sim/path_cost.py) leaves them out.

The finance law of every period is read once into arrays (:func:`scheme_law`); a change
of a ``schemes.`` parameter cuts the run into periods (sim/finance_law.py).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.clock import WEEKS_PER_CALENDAR_YEAR, WEEKS_PER_YEAR
from sim.cost_keys import Keys, Sums, group_codes, municipality_codes, sum_by_key
from sim.finance_law import Periods
from sim.groups import GROUPS
from sim.intervals import cut
from sim.parameters import ParameterTree

VOLUME_SCHEMES: tuple[str, ...] = ("seniorjob", "jobrotation", "voksenlaerling",
                                   "personal_assistance", "six_week_course",
                                   "seniorjob_benefit")
DATED_AMOUNTS: tuple[str, ...] = ("education_pools", "state_pools", "upskilling_pool")
SCHEME_ITEMS: tuple[str, ...] = VOLUME_SCHEMES + DATED_AMOUNTS
KR_PER_MIO = 1e6
CHUNK = 1_000_000  # segments per vectorised pass


@dataclass(frozen=True)
class SchemeLaw:
    """The schemes' parameters of every period as arrays (S volume schemes, F dated
    amounts, P periods, G groups)."""

    weight: np.ndarray        # (S, P, G) weight of a group's weeks in the driver
    min_age: np.ndarray       # (S, P) years: the driver's ages [min_age, max_age)
    max_age: np.ndarray       # (S, P)
    after: np.ndarray         # (S, P) counter weeks from which a week counts
    net_week: np.ndarray      # (S, P) kr per weighted driver week (kr_per_ft - offset) / 52
    state: np.ndarray         # (S, P) state share
    amount_week: np.ndarray   # (F, P) kr per week of the calendar year (amount / its weeks)
    amount_weight: np.ndarray  # (F, P, G) weight of a group's weeks in the spread
    amount_state: np.ndarray  # (F, P) state share


def _weights(table: dict, path: str) -> np.ndarray:
    unknown = set(table) - set(GROUPS)
    if unknown:
        raise ValueError(f"{path}: unknown group {sorted(unknown)[0]!r}; known: "
                         + ", ".join(GROUPS))
    return np.array([float(table.get(g, 0.0)) for g in GROUPS])


def scheme_law(params: ParameterTree, per: Periods) -> SchemeLaw:
    """Read the schemes' parameters at the first date of every period."""
    n_p, n_g, n_s, n_f = len(per.dates), len(GROUPS), len(VOLUME_SCHEMES), len(DATED_AMOUNTS)
    weight = np.zeros((n_s, n_p, n_g))
    min_age, max_age, after = np.zeros((n_s, n_p)), np.zeros((n_s, n_p)), np.zeros((n_s, n_p))
    net, state = np.zeros((n_s, n_p)), np.zeros((n_s, n_p))
    amount, amount_weight = np.zeros((n_f, n_p)), np.zeros((n_f, n_p, n_g))
    amount_state = np.zeros((n_f, n_p))
    for p, d in enumerate(per.dates):
        price = float(params.at("finance.price_index", d))
        for s, name in enumerate(VOLUME_SCHEMES):
            leaf = f"schemes.{name}"
            weight[s, p] = _weights(params.at(f"{leaf}.groups", d), f"{leaf}.groups")
            ages = params.at(f"{leaf}.ages", d)
            min_age[s, p], max_age[s, p] = float(ages["from"]), float(ages["to"])
            after[s, p] = float(params.at(f"{leaf}.after_weeks", d))
            net[s, p] = (float(params.at(f"{leaf}.kr_per_ft", d))
                         - float(params.at(f"{leaf}.offset_per_ft", d))) * price / WEEKS_PER_YEAR
            state[s, p] = float(params.at(f"{leaf}.state_share", d))
        year_weeks = (366 if calendar.isleap(d.year) else 365) / 7.0
        for f, name in enumerate(DATED_AMOUNTS):
            leaf = f"schemes.{name}"
            amount[f, p] = (float(params.at(f"{leaf}.amount", d)) * KR_PER_MIO * price
                            / year_weeks)
            amount_weight[f, p] = _weights(params.at(f"{leaf}.groups", d), f"{leaf}.groups")
            amount_state[f, p] = float(params.at(
                "finance.pool_refusion" if name == "education_pools" else f"{leaf}.state_share",
                d))
    return SchemeLaw(weight, min_age, max_age, after, net, state, amount, amount_weight,
                     amount_state)


def driver_weeks(start: np.ndarray, end: np.ndarray, counter: np.ndarray, birth: np.ndarray,
                 min_age: np.ndarray, max_age: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Weeks of pieces [start, end) (counter at the start, birth week) with the counter at
    least ``after`` and the age in [min_age, max_age). A band from 0 to 120 years or more
    takes every piece, an unknown birth (NaN) included; a narrower band needs the birth."""
    lo = np.maximum(start, start + (after - counter))
    hi = end.copy()
    band = (min_age > 0.0) | (max_age < 120.0)
    with np.errstate(invalid="ignore"):
        lo = np.where(band, np.maximum(lo, birth + min_age * WEEKS_PER_CALENDAR_YEAR), lo)
        hi = np.where(band, np.minimum(hi, birth + max_age * WEEKS_PER_CALENDAR_YEAR), hi)
    weeks = hi - lo
    return np.where(np.isfinite(weeks) & (weeks > 0.0), weeks, 0.0)


def scheme_sums(segments: pd.DataFrame, per: Periods, law: SchemeLaw, keys: Keys,
                scale: float = 1.0, dated: bool = True) -> dict[str, Sums]:
    """Gross and state kr per key of each of SCHEME_ITEMS.

    ``segments``: group, start, end, support_weeks, optional municipality and birth (the
    birth week; without it, only schemes open to every age count). Dated amounts are
    weighted by ``scale`` so that the finance table's 1 / scale gives them whole, and
    left out (zero) unless ``dated``; a year whose groups have no person-weeks carries
    none of them.
    """
    zero = np.zeros(keys.size)
    gross = {item: np.zeros(keys.size) for item in SCHEME_ITEMS}
    state = {item: np.zeros(keys.size) for item in SCHEME_ITEMS}
    spread = np.zeros((len(DATED_AMOUNTS), keys.size))  # weighted weeks per key
    for lo in range(0, len(segments), CHUNK):
        chunk = segments.iloc[lo:lo + CHUNK]
        start = chunk["start"].to_numpy(dtype=float)
        pieces = cut(start, chunk["end"].to_numpy(dtype=float), per.bounds)
        r, p = pieces.row, pieces.period
        group = group_codes(chunk["group"])[r]
        counter = chunk["support_weeks"].to_numpy(dtype=float)[r] + (pieces.start - start[r])
        birth = (chunk["birth"].to_numpy(dtype=float)[r] if "birth" in chunk
                 else np.full(len(r), np.nan))
        key = keys.of(per.year_index[p], group, municipality_codes(chunk)[r])
        for s, item in enumerate(VOLUME_SCHEMES):
            w = law.weight[s, p, group]
            if not w.any():
                continue
            weeks = driver_weeks(pieces.start, pieces.end, counter, birth, law.min_age[s, p],
                                 law.max_age[s, p], law.after[s, p]) * w
            kr = weeks * law.net_week[s, p]
            gross[item] += sum_by_key(keys, key, kr)
            state[item] += sum_by_key(keys, key, kr * law.state[s, p])
        if dated:
            for f in range(len(DATED_AMOUNTS)):
                spread[f] += sum_by_key(keys, key, pieces.weeks * law.amount_weight[f, p, group])
    out = {item: (gross[item], state[item]) for item in VOLUME_SCHEMES}
    for f, item in enumerate(DATED_AMOUNTS):
        out[item] = _dated_amount(spread[f], per, law, f, keys, scale) if dated else (zero, zero)
    return out


def _dated_amount(spread: np.ndarray, per: Periods, law: SchemeLaw, f: int, keys: Keys,
                  scale: float) -> Sums:
    """A dated amount's gross and state kr per key: each period's share of its year's
    amount (its weeks x amount per week), spread over the keys of that year in proportion
    to ``spread`` (weighted person-weeks), times ``scale``."""
    n_y = keys.n_years
    weeks = np.diff(per.bounds)
    kr = np.bincount(per.year_index, weights=weeks * law.amount_week[f], minlength=n_y)
    kr_state = np.bincount(per.year_index, weights=weeks * law.amount_week[f]
                           * law.amount_state[f], minlength=n_y)
    by_year = spread.reshape(n_y, -1)
    total = by_year.sum(axis=1, keepdims=True)
    share = np.where(total > 0, by_year / np.where(total > 0, total, 1.0), 0.0)
    return ((share * kr[:, None]).ravel() * scale, (share * kr_state[:, None]).ravel() * scale)
