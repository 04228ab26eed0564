"""Piecewise-constant, duration-dependent exit hazards and the integrated-hazard clock.

A stay in a group draws one unit-exponential budget. The cumulative hazard grows at
``rate(d) x multiplier`` where d is weeks in the group; the stay ends when it reaches
the budget (design principle 2). Between events the multiplier is constant, so the
exit time follows in closed form by walking the pieces.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence

import numpy as np


def time_to_budget(breaks: tuple[float, ...], rates: tuple[float, ...], d: float,
                   remaining: float, multiplier: float) -> float:
    """Weeks from duration ``d`` until the cumulative hazard grows by ``remaining``.

    Returns ``math.inf`` when the hazard is zero from some point on. ``breaks`` and
    ``rates`` are tuples, as in sim.law.Regime (the compiled kernel requires it).
    """
    if remaining <= 0.0:
        return 0.0
    i = bisect_right(breaks, d) - 1
    t = 0.0
    n = len(breaks)
    while True:
        q = rates[i] * multiplier
        piece_end = breaks[i + 1] if i + 1 < n else math.inf
        length = piece_end - d
        if q > 0.0:
            need = remaining / q
            if need <= length:
                return t + need
            remaining -= q * length
        elif piece_end == math.inf:
            return math.inf
        t += length
        d = piece_end
        i += 1


def cumulative(breaks: tuple[float, ...], rates: tuple[float, ...], d0: float, d1: float,
               multiplier: float) -> float:
    """Cumulative hazard between durations d0 and d1 at a constant multiplier."""
    total = 0.0
    i = bisect_right(breaks, d0) - 1
    n = len(breaks)
    d = d0
    while d < d1:
        piece_end = breaks[i + 1] if i + 1 < n else math.inf
        upper = min(piece_end, d1)
        total += rates[i] * multiplier * (upper - d)
        d = upper
        i += 1
    return total


class ElapsedSampler:
    """Draws (type, elapsed weeks) for a person in a stationary stock.

    In a steady state with constant inflow the density of elapsed duration among
    those present is proportional to survival; for a mixture of types, to
    share x survival of that type. ``survival_cap`` cuts survival at a time limit
    (or scales it beyond a decision point) so the stock respects the law.
    """

    def __init__(self, breaks: Sequence[float], rates: Sequence[float], short_share: float,
                 long_multiplier: float, survival_factor: np.ndarray | None = None,
                 max_weeks: int = 1560) -> None:
        w = np.arange(max_weeks, dtype=float)
        idx = np.searchsorted(np.asarray(breaks, dtype=float), w + 0.5, side="right") - 1
        h = np.asarray(rates, dtype=float)[idx]
        weights = []
        for share, mult in ((short_share, 1.0), (1.0 - short_share, long_multiplier)):
            cum = np.concatenate([[0.0], np.cumsum(h * mult)[:-1]])
            s = np.exp(-cum) * share
            if survival_factor is not None:
                s = s * survival_factor[:max_weeks]
            weights.append(s)
        cdf = np.cumsum(np.concatenate(weights))
        self.cdf = cdf / cdf[-1]
        self.max_weeks = max_weeks

    def draw(self, u_type_week: float, u_within: float) -> tuple[bool, float]:
        """Return (is_short_type, elapsed weeks) from two uniforms."""
        k = int(np.searchsorted(self.cdf, u_type_week, side="right"))
        k = min(k, 2 * self.max_weeks - 1)
        is_short = k < self.max_weeks
        week = k if is_short else k - self.max_weeks
        return is_short, week + u_within
