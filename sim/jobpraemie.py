"""The commission's jobpræmie from a run's records (seed 002, recommendation 1.10).

At each year end the group is fixed: citizens over ``min_age`` who spent at least
``benefit_share`` of the last ``lookback_weeks`` on counting temporary benefits and are
not in fleksjob, ledighedsydelse or førtidspension. A member stays ``membership_years``
(renewed while qualifying). Each municipality receives, per year,
``kr_per_hour * max(0, H - floor_hours * N)`` with H the members' ordinary hours in the
year and N the number of members (rules.md (e): the formula is inferred; N counts
persons). Every ordinary hour counts: the hours of work after an exit to a job (the
ledger's employment records) and, where ``hours_on_benefit_count`` (the design: small
jobs are the way to more hours), the hours of small jobs while still on benefit, which
the engine does not simulate one by one: their expected number, a member's weeks in each
group x ``employment.hours_on_benefit_share`` x ``employment.hours_on_benefit_per_week``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.clock import WEEKS_PER_CALENDAR_YEAR, Clock
from sim.groups import GROUP_INDEX, GROUPS
from sim.parameters import ParameterTree

COLUMNS = ["year", "members", "hours", "hours_on_benefit", "hours_per_member",
           "premium_mio_kr", "municipalities_paid"]


def _overlap(start: np.ndarray, end: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0.0, None)


def jobpraemie_table(segments: pd.DataFrame, work: pd.DataFrame, params: ParameterTree,
                     clock: Clock, scale: float) -> pd.DataFrame:
    """Members, their ordinary hours and the premium by calendar year (weighted 1/scale)."""
    years = clock.calendar_years
    starts = [float(w) for w in clock.year_starts]
    rows = []
    if not len(segments):
        return pd.DataFrame(columns=COLUMNS)
    citizens, inverse = np.unique(segments["citizen"].to_numpy(), return_inverse=True)
    n_c = len(citizens)
    group = segments["group"].to_numpy().astype(np.int64)
    start = segments["start"].to_numpy(dtype=float)
    end = segments["end"].to_numpy(dtype=float)
    # A stock spell's first segment begins at the run's first week; its elapsed weeks
    # (the counter at that point) stand for the history before it.
    first = start.min()
    start_eff = np.where(start <= first, start - segments["support_weeks"].to_numpy(), start)
    birth = np.zeros(n_c)
    birth[inverse] = segments["birth"].to_numpy(dtype=float)
    municipality = np.zeros(n_c, dtype=np.int64)
    municipality[inverse] = segments["municipality"].to_numpy().astype(np.int64)
    # qualified[c, i]: fixed as a member at the end of years[i] (the start of year i+1).
    qualified = np.zeros((n_c, len(years)), dtype=bool)
    for i in range(len(years)):
        t = starts[i + 1]
        date = dt.date(years[i] + 1, 1, 1)
        p = {k: params.value(f"jobpraemie.{k}", date) for k in (
            "active", "min_age", "benefit_share", "lookback_weeks", "counting_groups",
            "excluded_groups")}
        if not p["active"]:
            continue
        counting = np.isin(group, [GROUP_INDEX[g] for g in p["counting_groups"]])
        weeks = np.bincount(inverse, weights=np.where(
            counting, _overlap(start_eff, end, t - float(p["lookback_weeks"]), t), 0.0),
            minlength=n_c)
        excluded = np.isin(group, [GROUP_INDEX[g] for g in p["excluded_groups"]]) & \
            (start <= t) & (end > t)
        out = np.bincount(inverse, weights=excluded, minlength=n_c) > 0
        age = (t - birth) / WEEKS_PER_CALENDAR_YEAR
        qualified[:, i] = (weeks >= float(p["benefit_share"]) * float(p["lookback_weeks"])) & \
            (age > float(p["min_age"])) & ~out
    # Work records of citizens with segments (``citizens`` is sorted by np.unique).
    worker = work["citizen"].to_numpy()
    w_c = np.minimum(np.searchsorted(citizens, worker), n_c - 1)
    known = citizens[w_c] == worker
    w_c = w_c[known]
    w_start = work["start"].to_numpy(dtype=float)[known]
    w_end = work["end"].to_numpy(dtype=float)[known]
    w_hours = work["hours"].to_numpy(dtype=float)[known]
    n_m = int(municipality.max()) + 1
    for i, year in enumerate(years):
        date = dt.date(year, 1, 1)
        p = {k: params.value(f"jobpraemie.{k}", date) for k in (
            "active", "kr_per_hour", "floor_hours", "membership_years",
            "hours_on_benefit_count")}
        span = int(p["membership_years"])
        member = qualified[:, max(0, i - span):i].any(axis=1) if i else np.zeros(n_c, bool)
        if not p["active"] or not member.any():
            rows.append((year, 0.0, 0.0, 0.0, 0.0, 0.0, 0))
            continue
        hours = np.bincount(w_c, weights=w_hours * _overlap(w_start, w_end, starts[i],
                                                             starts[i + 1]), minlength=n_c)
        on_benefit = np.zeros(n_c)
        if p["hours_on_benefit_count"]:
            on_benefit = np.bincount(inverse, weights=_overlap(
                start, end, starts[i], starts[i + 1]) * hours_on_benefit(params, date)[group],
                minlength=n_c)
        hours = np.where(member, hours + on_benefit, 0.0)
        on_benefit = np.where(member, on_benefit, 0.0)
        h_m = np.bincount(municipality, weights=hours, minlength=n_m)
        n_m_members = np.bincount(municipality, weights=member, minlength=n_m)
        excess = np.clip(h_m - float(p["floor_hours"]) * n_m_members, 0.0, None)
        premium = float(p["kr_per_hour"]) * excess.sum() / scale / 1e6
        members = member.sum() / scale
        total = hours.sum() / scale
        rows.append((year, members, total, on_benefit.sum() / scale, total / members, premium,
                     int((excess > 0).sum())))
    return pd.DataFrame(rows, columns=COLUMNS)


def hours_on_benefit(params: ParameterTree, date: dt.date) -> np.ndarray:
    """Expected ordinary hours a week on benefit by group index (small jobs beside it):
    the share of weeks with paid hours times the hours in such a week."""
    share = params.value("employment.hours_on_benefit_share", date)
    per_week = float(params.value("employment.hours_on_benefit_per_week", date))
    return np.array([float(share.get(g, 0.0)) * per_week for g in GROUPS])
