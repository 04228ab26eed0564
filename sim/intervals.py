"""Interval arithmetic on weeks: intervals cut into pieces at period bounds, and weeks
weighted by the state's share of the refusion staircase.

A piece lies inside one period (sim/finance_law.py). The weeks-on-support counter
(*anciennitet på offentlig forsørgelse*) runs one per week inside a piece, so a piece
of ``weeks`` starting at counter ``c`` covers the counter interval [c, c + weeks), and
its state-share-weighted weeks are the overlap with each staircase step times the
step's share. All functions are vectorised over arrays of pieces.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.finance_law import FIXED, FROM_2014, PeriodLaw


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
                law: PeriodLaw, pre_2014: np.ndarray | None = None,
                fixed_state: np.ndarray | None = None) -> np.ndarray:
    """Weeks weighted by the state's share under each group's refusion scheme.

    ``pre_2014`` overrides ``finance.pre_2014_share`` and ``fixed_state`` the state's
    share outside the staircase per piece where they are not NaN (a hand-made path
    knows whether, and in which cohort, a førtidspension was granted before July 2014).
    """
    scheme = law.scheme[period, group]
    stair = staircase_weeks(counter, weeks, period, law)
    outside = law.fixed_state[period, group]
    if fixed_state is not None:
        outside = np.where(np.isnan(fixed_state), outside, fixed_state)
    fixed = weeks * outside
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

