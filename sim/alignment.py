"""The business cycle as a statement about the number of unemployed: yearly inflow
factors that make the baseline's gross unemployment follow the experiment's path.

Gross unemployment is the full-time persons on dagpenge and jobparat kontanthjælp
(the cyclical groups, ``sim.law.CYCLICAL``). An unemployment path u_y with a labour
force L_y (``cycle.labour_force``) says that this stock in year y is

    U_y = U_flat,y x (u_y x L_y) / (u_base x L_base)

where U_flat is the same law's stock under the flat path at ``cycle.base_rate`` (the
level the calibration fits) and L_base the labour force of the run's first year. The
persons' inflow and exit hazards already move with the cycle's elasticities
(``cycle.elasticity``); the stock follows them slowly (persons stay for months), so
the inflow of the cyclical groups gets a factor a_y per year on top, found before
the run by pilot runs of the baseline law (:func:`inflow_alignment`):

1. a pilot under the flat path gives U_flat and the response of the stock to the
   inflow: the share of arrivals in the cyclical groups that are in them w weeks
   later (their moves, e.g. dagpenge run out into kontanthjælp, and their returns
   included), which, persons being independent, is the stock's response to one more
   arrival;
2. a pilot under the path with factors a gives U; the log gap e_y = ln(target_y /
   U_y) is closed by a Newton step on ln a with that response, corrected between
   pilots by a Broyden update (the cycle's own elasticities and the persons' moves
   make the response differ from the first guess);
3. step 2 is repeated ``cycle.alignment.iterations`` times.

The pilots use the experiment's seed (their own replication number), so the factors
are the same on every machine and for any number of workers; every scenario of the
experiment with that path gets them, so a reform's own effect on unemployment stays
in its comparison with the baseline.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import numpy as np

from sim.clock import WEEKS_PER_YEAR, Clock
from sim.groups import GROUP_INDEX
from sim.law import CYCLICAL
from sim.ledger import Ledger
from sim.model import Model
from sim.parameters import ParameterTree
from sim.population import ARRIVAL_ID_SHIFT
from sim.results import fulltime

# The pilots' replication number: apart from the experiment's own (0, 1, ...), so a
# pilot's draws are not those of any replication it aligns.
PILOT_REPLICATION = 1_000_003


def target_ratios(path: Mapping[int, float], params: ParameterTree, clock: Clock
                  ) -> np.ndarray:
    """Gross unemployment by year over the flat path's: (u_y L_y) / (u_base L_start)."""
    base = float(params.at("cycle.base_rate", clock.start))
    force = [float(params.at("cycle.labour_force", dt.date(y, 7, 1)))
             for y in clock.calendar_years]
    return np.array([path[y] / base * force[i] / force[0]
                     for i, y in enumerate(clock.calendar_years)])


def response(occupancy: np.ndarray, arrivals: float, stock: np.ndarray) -> np.ndarray:
    """(n, n) lower-triangular: the change in ln(mean stock of year y) per unit change
    of ln(inflow) during year y' <= y. ``occupancy[w]``: the share of the persons who
    arrive in the cyclical groups that are in them w weeks later (their moves and
    returns included); ``arrivals``: arrivals a year; ``stock``: the mean stock by year.
    A year's arrivals spread evenly over its weeks."""
    n = len(stock)
    weeks = int(round(WEEKS_PER_YEAR))
    cum = np.concatenate([[0.0], np.cumsum(occupancy)])
    kernel = []
    for k in range(n):
        # Mean over the weeks t of year k of the occupancy of arrivals at weeks s of
        # year 0: sum over s of (cum[t - s] ...), summed week by week.
        total = 0.0
        for s_ in range(weeks):
            lo, hi = max(k * weeks - s_, 0), max((k + 1) * weeks - s_, 0)
            total += cum[min(hi, len(occupancy))] - cum[min(lo, len(occupancy))]
        kernel.append(arrivals * total / weeks / weeks)
    out = np.zeros((n, n))
    for y in range(n):
        for y0 in range(y + 1):
            out[y, y0] = kernel[y - y0] / stock[y]
    return out


def pilot(params: ParameterTree, clock: Clock, path: Mapping[int, float], seed: int,
          scale: float, factors: Mapping[int, float] | None,
          cohorts: list | None = None) -> tuple[np.ndarray, Ledger]:
    """Gross unemployment by year (full-time persons) of one pilot, and its ledger."""
    model = Model(params, clock, dict(path), seed, PILOT_REPLICATION, scale,
                  cohorts=cohorts, alignment=factors)
    ledger = model.run()
    ft = fulltime(ledger.segments(), clock, scale)
    ft = ft[ft["group"].isin(CYCLICAL)].groupby("year")["fulltime_persons"].sum()
    return ft.reindex(clock.calendar_years).to_numpy(dtype=float), ledger


def occupancy(ledger: Ledger, clock: Clock, scale: float) -> tuple[np.ndarray, float]:
    """From a pilot: the share of arrivals in the cyclical groups still (or again) in
    them by whole weeks since arrival, each week over the arrivals followed that long,
    and the arrivals a year (full scale)."""
    seg = ledger.segments()
    cyclical = [GROUP_INDEX[g] for g in CYCLICAL]
    group_of_id = (seg["citizen"].to_numpy() >> ARRIVAL_ID_SHIFT) - 1
    seg = seg[np.isin(group_of_id, cyclical)]
    first = seg.groupby("citizen")["start"].min()
    first = first[(first >= 0.0)]  # arrivals in the run, not in the warm-up
    seg = seg[seg["citizen"].isin(first.index) & seg["group"].isin(cyclical)]
    arrival = seg["citizen"].map(first).to_numpy()
    horizon = clock.horizon
    n_weeks = int(horizon)
    # Whole weeks since arrival in the groups (a week counts when it starts inside): +1
    # where a segment's weeks begin, -1 where they end, summed up.
    steps = np.zeros(n_weeks + 2)
    np.add.at(steps, (seg["start"].to_numpy() - arrival).astype(np.int64), 1.0)
    np.add.at(steps, (seg["end"].clip(upper=horizon).to_numpy() - arrival).astype(np.int64),
              -1.0)
    covered = np.cumsum(steps)[:n_weeks + 1]
    followed = np.array([(first < horizon - w).sum() for w in range(n_weeks + 1)], float)
    share = np.where(followed > 0, covered / np.maximum(followed, 1.0), 0.0)
    return share, len(first) / scale / (horizon / WEEKS_PER_YEAR)


def inflow_alignment(params: ParameterTree, clock: Clock, path: Mapping[int, float],
                     seed: int, cohorts: list | None = None) -> dict[int, float]:
    """Yearly inflow factors of the cyclical groups that make the law's gross
    unemployment follow ``path`` (module docstring); {} for the flat path or when
    ``cycle.alignment.iterations`` is 0."""
    base = float(params.at("cycle.base_rate", clock.start))
    settings = params.at("cycle.alignment", clock.start)
    iterations, scale = int(settings["iterations"]), float(settings["pilot_scale"])
    target = target_ratios(path, params, clock)
    if iterations == 0 or np.allclose(target, 1.0):
        return {}
    flat = dict.fromkeys(clock.calendar_years, base)
    reference, ledger = pilot(params, clock, flat, seed, scale, None, cohorts)
    share, arrivals = occupancy(ledger, clock, scale)
    # The largest factor the inflow sampler can follow (cycle.inflow_thinning_cap).
    cap = float(params.at("cycle.inflow_thinning_cap", clock.start))
    elasticity = params.at("cycle.elasticity", clock.start)
    room = np.array([min(math.log(cap) - float(elasticity[g]["inflow"]) *
                         math.log(path[y] / base) for g in CYCLICAL) - 1e-6
                     for y in clock.calendar_years])
    jacobian = response(share, arrivals, reference)
    log_a = np.zeros(len(target))
    causal = np.tril(np.ones_like(jacobian))
    before = None
    for _ in range(iterations):
        factors = dict(zip(clock.calendar_years, np.exp(log_a).tolist(), strict=True))
        stock, _ = pilot(params, clock, path, seed, scale, factors, cohorts)
        log_ratio = np.log(stock / reference)
        if before is not None:
            # Broyden: the response seen between two pilots corrects the first guess;
            # a year's inflow moves only that year and later ones.
            dx, dz = log_a - before[0], log_ratio - before[1]
            if dx @ dx > 0:
                jacobian = jacobian + causal * np.outer(dz - jacobian @ dx, dx) / (dx @ dx)
        before = (log_a, log_ratio)
        step = np.linalg.solve(jacobian, np.log(target) - log_ratio)
        log_a = np.minimum(log_a + step, room)
    return {y: float(a) for y, a in zip(clock.calendar_years, np.exp(log_a), strict=True)}

