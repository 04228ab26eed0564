"""The business cycle as a number of unemployed (sim/alignment.py): the targets, the
response of the stock to its inflow, and no alignment where the path is flat."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim import lawbook
from sim.alignment import inflow_alignment, response, target_ratios
from sim.clock import Clock

CLOCK = Clock(dt.date(2024, 1, 1), 3)


def test_the_target_is_the_rate_times_the_labour_force_over_the_base_year():
    params = lawbook.base().copy()
    params.set("cycle.labour_force", 3_300_000, "test", dt.date(2026, 1, 1))
    got = target_ratios({2024: 2.9, 2025: 4.35, 2026: 4.35}, params, CLOCK)
    # 4.35 / 2.9 = 1.5; in 2026 the labour force is 10 % larger: 1.65 times the unemployed.
    np.testing.assert_allclose(got, [1.0, 1.5, 1.65])


def test_a_flat_path_needs_no_alignment_and_runs_no_pilot():
    params = lawbook.base()
    flat = dict.fromkeys(CLOCK.calendar_years, float(params.at("cycle.base_rate", CLOCK.start)))
    assert inflow_alignment(params, CLOCK, flat, seed=1) == {}


def test_zero_iterations_leave_the_elasticities_alone():
    params = lawbook.base().copy()
    params.set("cycle.alignment", {"iterations": 0, "pilot_scale": 0.02}, "test")
    assert inflow_alignment(params, CLOCK, {2024: 2.9, 2025: 4.5, 2026: 4.5}, seed=1) == {}


def test_the_response_of_a_stock_whose_arrivals_stay_exactly_one_year():
    """Arrivals of 52 a year who stay 52 weeks: the stock is 52 persons. One more unit of
    ln inflow during year 0 adds, on average over year 0, half a year's arrivals (0.5),
    over year 1 the other half (0.5) and nothing later (ln changes per stock of 52)."""
    occupancy = np.r_[np.ones(52), np.zeros(200)]
    got = response(occupancy, arrivals=52.0, stock=np.full(3, 52.0))
    week = 1 / 52
    first = sum((52 - s) for s in range(52)) * week * week  # mean over the year of the weeks in
    np.testing.assert_allclose(got[:, 0], [first, 1 - first, 0.0], atol=1e-12)
    assert got[0, 1] == got[0, 2] == got[1, 2] == 0.0  # a year moves only later years
    assert got[1, 1] == pytest.approx(first)
