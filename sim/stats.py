"""Statistics over replications and years: Student-t intervals of paired differences and
the steady-state test of a yearly effect."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LEVEL = 0.95


def t_quantile(df: int, level: float = LEVEL) -> float:
    """The two-sided Student-t quantile for ``level`` with ``df`` degrees of freedom."""
    from scipy import stats  # here, not at the top: scipy takes seconds to import

    return float(stats.t.ppf(0.5 + level / 2, df))


def mean_ci(diffs: np.ndarray, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Mean and Student-t half-width over the last axis (replications); NaN width if n < 2."""
    diffs = np.asarray(diffs, dtype=float)
    n = diffs.shape[-1]
    mean = diffs.mean(axis=-1)
    if n < 2:
        return mean, np.full_like(mean, np.nan)
    return mean, t_quantile(n - 1, level) * diffs.std(axis=-1, ddof=1) / math.sqrt(n)


@dataclass(frozen=True)
class SteadyState:
    """The steady-state test of a yearly effect over a window of years.

    ``level`` is the effect's mean over the window (and its 95 % half-width over the
    replications), ``slope`` the least-squares trend a year of the replications' mean
    effect over the window (and its 95 % half-width from the residuals), ``drift`` the
    change the trend implies over the window (slope x (years - 1)) and ``allowed`` the
    largest drift that counts as steady."""

    years: tuple[int, ...]
    level: float
    level_half_width: float
    slope: float
    slope_half_width: float
    drift: float
    allowed: float
    reached: bool


def steady_state(years: list[int], effect: np.ndarray, tolerance: float,
                 level: float = LEVEL) -> SteadyState:
    """Is the yearly effect (``years`` x replications) in a steady state over ``years``?

    Reached when both hold:

    1. no trend: the 95 % interval of the fitted slope (least squares on the
       replications' mean effect by year, Student-t with years - 2 degrees of freedom)
       includes zero;
    2. no material drift: the change the slope implies over the window, |slope| x
       (years - 1), is at most ``tolerance`` x |level|, or at most the 95 % half-width of
       the level itself (an effect indistinguishable from its noise counts as steady).

    A window needs at least three years.
    """
    y = np.asarray(effect, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    n = len(years)
    if n < 3 or y.shape[0] != n:
        raise ValueError(f"a window of at least 3 years with one row each (got {n} years, "
                         f"{y.shape[0]} rows)")
    x = np.asarray(years, dtype=float)
    mean_by_year = y.mean(axis=1)
    xc = x - x.mean()
    sxx = float((xc ** 2).sum())
    slope = float((xc * (mean_by_year - mean_by_year.mean())).sum() / sxx)
    resid = mean_by_year - mean_by_year.mean() - slope * xc
    se = math.sqrt(float((resid ** 2).sum()) / (n - 2) / sxx)
    slope_half = t_quantile(n - 2, level) * se
    lvl, lvl_half = mean_ci(y.mean(axis=0)[None, :], level)
    lvl_f, lvl_h = float(lvl[0]), float(lvl_half[0])
    drift = abs(slope) * (n - 1)
    allowed = max(tolerance * abs(lvl_f), 0.0 if math.isnan(lvl_h) else lvl_h)
    # A tiny relative slack so an exactly flat series is steady in floating point.
    eps = 1e-9 * max(1.0, abs(lvl_f))
    reached = abs(slope) <= slope_half + eps and drift <= allowed + eps
    return SteadyState(tuple(int(v) for v in years), lvl_f, lvl_h, slope, slope_half, drift,
                       allowed, bool(reached))
