"""The integrated-hazard clock and the duration model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import lawbook
from sim.groups import GROUPS
from sim.hazards import ElapsedSampler, cumulative, time_to_budget


def test_time_to_budget_walks_the_pieces():
    breaks, rates = (0.0, 10.0), (0.1, 0.2)
    # 10 weeks at 0.1 use 1.0 of the budget; the remaining 0.5 at 0.2 take 2.5 weeks.
    assert time_to_budget(breaks, rates, 0.0, 1.5, 1.0) == pytest.approx(12.5)
    # A multiplier of 2 doubles every rate: 1.5 / 0.2 = 7.5 weeks, within the first piece.
    assert time_to_budget(breaks, rates, 0.0, 1.5, 2.0) == pytest.approx(7.5)
    # Starting at duration 4: 6 weeks at 0.1 = 0.6, then 0.4 / 0.2 = 2 weeks.
    assert time_to_budget(breaks, rates, 4.0, 1.0, 1.0) == pytest.approx(8.0)


def test_time_to_budget_is_infinite_when_the_hazard_stops():
    assert time_to_budget((0.0, 5.0), (0.1, 0.0), 0.0, 1.0, 1.0) == math.inf


def test_cumulative_is_the_inverse_of_time_to_budget():
    breaks, rates = (0.0, 4.0, 13.0, 26.0), (0.3, 0.1, 0.05, 0.02)
    for d0, budget, mult in [(0.0, 0.7, 1.0), (5.0, 2.0, 0.5), (30.0, 0.1, 3.0)]:
        t = time_to_budget(breaks, rates, d0, budget, mult)
        assert cumulative(breaks, rates, d0, d0 + t, mult) == pytest.approx(budget)


def test_stationary_stock_of_a_constant_hazard_has_mean_elapsed_one_over_rate():
    rate = 0.05
    sampler = ElapsedSampler([0.0], [rate], 1.0, 1.0, max_weeks=1560)
    rng = np.random.default_rng(3)
    elapsed = [sampler.draw(u1, u2)[1] for u1, u2 in rng.random((20_000, 2))]
    # Discretised survival over whole weeks: mean 1/(1-exp(-rate)) - 1/2 ~ 20.0 weeks.
    expected = 1.0 / (1.0 - math.exp(-rate)) - 0.5
    assert np.mean(elapsed) == pytest.approx(expected, rel=0.03)  # 20,000 draws: se ~0.7 %


@pytest.mark.parametrize("group", [g for g in GROUPS if g not in ("foertidspension",)])
def test_spell_lengths_are_long_tailed(group):
    """Without time limits, the standard deviation of a stay is at least its mean."""
    hz = lawbook.base().snapshot(lawbook.base().leaves["hazards.dagpenge"].values[0].start)
    hz = hz["hazards"]
    spec, breaks = hz[group], tuple(float(b) for b in hz["breakpoints_weeks"])
    rng = np.random.default_rng(11)
    n = 20_000
    short = rng.random(n) < spec["short_share"]
    mult = np.where(short, 1.0, spec["long_multiplier"])
    stays = np.array([time_to_budget(breaks, tuple(spec["rates"]), 0.0, b, m)
                      for b, m in zip(rng.exponential(size=n), mult, strict=True)])
    assert stays.std() >= 0.95 * stays.mean()
