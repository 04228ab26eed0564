"""Who is on support at the start, who arrives, and their personal characteristics.

Each citizen carries a municipality (one of the 98), an age (from an age band),
a frailty type and the weeks-on-support counter. Every characteristic is drawn
from the citizen's own counter-based stream, so it does not depend on scenario.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from sim.groups import GROUP_INDEX, GROUPS
from sim.hazards import ElapsedSampler
from sim.lawbook import MUNICIPALITIES_FILE
from sim.random import generator, purpose_code, uniform_array

P_MUNICIPALITY = purpose_code("municipality")
P_AGE_BAND = purpose_code("age_band")
P_AGE_WITHIN = purpose_code("age_within")
P_STOCK = purpose_code("stock_elapsed")
P_STOCK_WITHIN = purpose_code("stock_within")
P_ACCEPT = purpose_code("arrival_accept")

# Citizen ids: the start stock is numbered 0, 1, ...; arrivals of group g are
# numbered (g + 1) << 40 | k for the k-th candidate, so ids never depend on scenario.
ARRIVAL_ID_SHIFT = 40


@dataclass(frozen=True)
class Municipalities:
    codes: tuple[int, ...]
    names: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def load(cls) -> Municipalities:
        with open(MUNICIPALITIES_FILE, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        weights = np.array([float(r["population_2024"]) for r in rows])
        cum = np.cumsum(weights) / weights.sum()
        cum[-1] = 1.0
        return cls(tuple(int(r["code"]) for r in rows), tuple(r["name"] for r in rows),
                   tuple(float(x) for x in cum))

    def draw(self, u: float) -> int:
        return bisect_right(self.cumulative, u)


class AgeSampler:
    """Ages at entry by group from band shares, uniform within a band."""

    def __init__(self, bands: dict[str, list[float]], distribution: dict[str, list[float]],
                 min_age: dict[str, float] | None = None) -> None:
        self.bounds = [tuple(map(float, b)) for b in bands.values()]
        self.cum: dict[int, tuple[float, ...]] = {}
        for g, shares in distribution.items():
            s = np.asarray(shares, dtype=float)
            if min_age and g in min_age:
                s = np.where([lo >= min_age[g] for lo, _ in self.bounds], s, 0.0)
            c = np.cumsum(s) / s.sum()
            c[-1] = 1.0
            self.cum[GROUP_INDEX[g]] = tuple(float(x) for x in c)

    def draw(self, group: int, u_band: float, u_within: float) -> float:
        lo, hi = self.bounds[bisect_right(self.cum[group], u_band)]
        return lo + (hi - lo) * u_within


def stock_samplers(regime, now: float) -> list[ElapsedSampler]:
    """Stationary elapsed-duration samplers for the start stock placed in week ``now``,
    respecting the time limits: a dagpenge period with ``w`` weeks elapsed is in the
    stock only if it has not ended by ``now`` (Regime.dagpenge_end, so a period begun
    before a shortening can be longer than the new limit)."""
    samplers = []
    weeks = np.arange(1560, dtype=float) + 0.5
    for gi, g in enumerate(GROUPS):
        factor = np.ones_like(weeks)
        if g == "dagpenge":
            ended = np.array([regime.dagpenge_end(now - w) <= now for w in weeks])
            factor[ended] = 0.0
        elif g == "sygedagpenge":
            factor[weeks >= regime.sygedagpenge_revurdering_week] = \
                regime.sygedagpenge_extension_share
        elif g == "ressourceforloeb":
            factor[weeks >= regime.ressourceforloeb_max_weeks] = 0.0
        samplers.append(ElapsedSampler(regime.breaks, regime.rates[gi], regime.short_share[gi],
                                       regime.long_multiplier[gi], factor))
    return samplers


def stock_sizes(start_stock: dict[str, float], scale: float) -> list[int]:
    return [int(round(float(start_stock[g]) * scale)) for g in GROUPS]


def arrival_times(law, seed: int, replication: int, scale: float, first_week: float = 0.0
                  ) -> list[tuple[int, float, int]]:
    """Accepted arrivals of new spells: (group index, week, citizen id), in time order.

    Candidates come from a Poisson process at cap x the start rate and are thinned by
    the current rate (policy and business cycle); candidates and their acceptance
    draws are the same in every scenario, which keeps common random numbers.
    """
    clock = law.clock
    first = law.regimes[0]
    starts = np.asarray(law.starts)
    year_starts = np.asarray(clock.year_starts[:-1])
    groups, times_all, ids = [], [], []
    for gi, g in enumerate(GROUPS):
        base = first.new_spells_per_year[gi]
        if base <= 0:
            continue
        lam_max = law.cap * base * scale / 52.0
        rng = generator(seed, replication, f"arrivals:{g}")
        n = int(rng.poisson(lam_max * (clock.horizon - first_week)))
        times = np.sort(rng.uniform(first_week, clock.horizon, size=n))
        regime_rate = np.array([r.new_spells_per_year[gi] for r in law.regimes])
        year_mult = law.inflow_mult[gi]
        rate = (regime_rate[np.maximum(np.searchsorted(starts, times, side="right") - 1, 0)]
                * year_mult[np.maximum(np.searchsorted(year_starts, times, side="right") - 1, 0)])
        if n and rate.max() > law.cap * base * (1 + 1e-12):
            raise ValueError(f"inflow multiplier {rate.max() / base:.2f} for {g} exceeds "
                             f"cycle.inflow_thinning_cap {law.cap}")
        cids = (np.int64(gi + 1) << np.int64(ARRIVAL_ID_SHIFT)) | np.arange(n, dtype=np.int64)
        u = uniform_array(seed, replication, cids, P_ACCEPT)
        keep = u * (law.cap * base) < rate
        groups.append(np.full(int(keep.sum()), gi))
        times_all.append(times[keep])
        ids.append(cids[keep])
    if not times_all:
        return []
    g_arr, t_arr, id_arr = (np.concatenate(x) for x in (groups, times_all, ids))
    order = np.argsort(t_arr, kind="stable")
    return list(zip(g_arr[order].tolist(), t_arr[order].tolist(), id_arr[order].tolist(),
                    strict=True))
