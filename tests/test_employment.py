"""Employment from the persons' own work after exits to a job (sim/results.py)."""

from __future__ import annotations

import datetime as dt

import pytest

import policies  # noqa: F401  (registers the rules)
from sim.clock import Clock
from sim.ledger import Ledger
from sim.results import employment

CLOCK = Clock(dt.date(2024, 1, 1), 2)


def test_work_is_counted_in_full_time_persons_by_year_and_by_hours():
    led = Ledger(CLOCK, keep_spells=False)
    y2025 = CLOCK.year_starts[1]
    led.employment(1, 0.0, 26.0, 37.0, 0)          # half of 2024 full time
    led.employment(2, y2025, float("inf"), 18.5, 0)  # all of 2025 at half time
    led.employment(3, y2025 - 13.0, y2025 + 13.0, 37.0, 0)  # a quarter in each year
    df = employment(led, CLOCK, scale=0.5, full_time_hours=37.0).set_index("year")
    w24, w25 = CLOCK.year_starts[1] - CLOCK.year_starts[0], CLOCK.horizon - y2025
    # person-weeks / 52 / scale; the full-time column weights by hours / 37
    assert df.loc[2024, "employed_persons"] == pytest.approx((26 + 13) / 52 / 0.5)
    assert df.loc[2025, "employed_persons"] == pytest.approx((w25 + 13) / 52 / 0.5)
    assert df.loc[2025, "employed_fulltime"] == pytest.approx((w25 / 2 + 13) / 52 / 0.5)
    assert df.loc[2024, "employed_fulltime"] == pytest.approx(39 / 52 / 0.5)
    assert w24 > 52  # 2024 has 52.3 weeks; a record's weeks count where they fall


def test_work_after_an_exit_ends_at_the_pension_age():
    from helpers import add_citizen, model_with

    from sim import lawbook

    fast = dict(lawbook.value("hazards.dagpenge"))
    fast["rates"] = [r * 50 for r in fast["rates"]]  # leaves within weeks
    fast["destinations"] = {k: float(k == "job") for k in fast["destinations"]}
    m = model_with({"hazards.dagpenge": fast}, years=2)
    age = float(m.law.regimes[0].pension_age) - 0.5  # half a year before the pension age
    add_citizen(m, 1, "dagpenge", age=age)
    m.run(populate=False)
    emp = m.ledger.employment_records()
    assert len(emp) == 1
    c_birth = 0.0 - age * 365.25 / 7.0
    assert emp["end"].iloc[0] == pytest.approx(c_birth + m.law.regimes[0].pension_age
                                               * 365.25 / 7.0)
