"""Bracket parameters: the refusion staircase and the daily sanction rate, read at and
around their bounds.

Expected values are the law's: the 2016 refusionstrappe gives the state 80 % for counter
weeks [0, 4), 40 % for [4, 26), 30 % for [26, 52) and 20 % from week 52, a step starting
at its lower week (refusion.yaml); the kontanthjælp sanction is 200 kr a day up to a
monthly benefit of 5,751 kr, 400 up to 10,144, 650 up to 13,803 and 750 above, a bound
belonging to the rate below it (sanctions.yaml).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from sim import lawbook
from sim.brackets import Brackets
from sim.clock import Clock
from sim.finance_law import period_law, periods
from sim.groups import GROUP_INDEX
from sim.intervals import state_share
from sim.process import daily_sanction
from tests.helpers import model_with

STAIRCASE_2016 = [(0, 0.80), (4, 0.40), (4.5, 0.40), (26, 0.30), (27, 0.30), (52, 0.20),
                  (53, 0.20)]
DAILY_RATE = [(0, 200), (5750.99, 200), (5751, 200), (5751.01, 400), (10144, 400),
              (10144.01, 650), (13803, 650), (13803.01, 750), (1e6, 750)]


def staircase(date: dt.date) -> Brackets:
    return Brackets.parse(lawbook.base().at("refusion.staircase", date))


def test_parse_reads_the_yaml_form():
    b = Brackets.parse({"26": 0.4, "inf": 0.2, 4: 0.8, "52": 0.3})
    assert b.thresholds == (4.0, 26.0, 52.0, math.inf)
    assert b.values == (0.8, 0.4, 0.3, 0.2)
    assert b.lower_bounds() == (0.0, 4.0, 26.0, 52.0)


@pytest.mark.parametrize("counter, share", STAIRCASE_2016)
def test_the_2016_staircase_steps_up_at_each_step_s_first_week(counter, share):
    assert staircase(dt.date(2016, 1, 1)).step_at(counter) == share
    assert staircase(dt.date(2024, 1, 1)).step_at(counter) == share


@pytest.mark.parametrize("counter, share", STAIRCASE_2016)
def test_the_finance_layer_reads_the_staircase_as_step_at(counter, share):
    params = lawbook.base()
    law = period_law(params, periods(Clock(dt.date(2024, 1, 1), 1), params))
    got = state_share(np.array([float(counter)]), np.array([0]),
                      np.array([GROUP_INDEX["kontanthjaelp_jobparat"]]), law)
    assert got[0] == share


def test_before_2016_the_staircase_is_flat():
    flat = staircase(dt.date(2015, 12, 31))
    assert {flat.step_at(c) for c, _ in STAIRCASE_2016} == {0.35}


@pytest.mark.parametrize("monthly, per_day", DAILY_RATE)
def test_the_daily_sanction_rate_includes_its_upper_bound(monthly, per_day):
    rates = Brackets.parse(lawbook.base().at("sanctions.daily_rate", dt.date(2024, 1, 1)))
    assert rates.at(monthly) == per_day
    assert rates.at(monthly, tol=1e-9) == per_day
    rules = model_with({}).law.regimes[0].process
    assert daily_sanction(rules, monthly * 12 / 52) == per_day


def test_tolerance_keeps_a_rounding_error_above_a_bound_at_it():
    b = Brackets.parse({"5751": 200, "inf": 400})
    assert b.at(5751 + 5e-10) == 400
    assert b.at(5751 + 5e-10, tol=1e-9) == 200
    # The two readings differ only exactly at a bound.
    assert (b.at(5751), b.step_at(5751)) == (200, 400)


def test_above_a_finite_last_bound_the_last_value_holds():
    b = Brackets.parse({"10": 1.0, "20": 2.0})
    assert b.at(25) == b.step_at(25) == 2.0


@pytest.mark.parametrize("bad", [
    {}, [4, 0.8], None, {"four": 0.8}, {"4": "high"}, {"4": None}, {"nan": 0.8},
    {"4": math.nan}, {True: 0.8}, {"4": 0.8, 4: 0.4}, {"4": 0.8, "4.0": 0.4},
])
def test_a_bad_mapping_is_a_value_error(bad):
    with pytest.raises(ValueError, match="brackets"):
        Brackets.parse(bad)


def test_bounds_must_ascend():
    with pytest.raises(ValueError, match="ascend"):
        Brackets((26.0, 4.0), (0.4, 0.8))
    with pytest.raises(ValueError, match="as many"):
        Brackets((4.0,), (0.8, 0.4))
