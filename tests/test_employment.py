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


def test_the_employment_effect_is_the_change_in_work_not_in_support():
    """With the employment table, a reform's employment effect is its change in the
    persons' own work (plus fleksjob): people who leave support without a job (e.g.
    those a reform gives no benefit) add nothing."""
    import pandas as pd

    from sim.compare import measures, paired_measures

    def frames(scenario: str, support: float, work: float, fleks: float) -> dict:
        return {"stocks": pd.DataFrame({
                    "scenario": scenario, "replication": [0, 0], "year": [2030, 2030],
                    "group": ["kontanthjaelp_aktivitetsparat", "fleksjob"],
                    "fulltime_persons": [support, fleks]}),
                "employment": pd.DataFrame({
                    "scenario": [scenario], "replication": [0], "year": [2030],
                    "employed_persons": [work], "employed_fulltime": [work]})}

    base, reform = frames("base", 1000.0, 500.0, 80.0), frames("reform", 900.0, 520.0, 85.0)
    tables = {k: pd.concat([base[k], reform[k]]) for k in base}
    b, r = paired_measures(measures(tables), "base", "reform")["employment"]
    # 100 fewer on support, of whom 20 more in work; 5 more in fleksjob: +25.
    assert float(r.loc[2030, 0] - b.loc[2030, 0]) == pytest.approx(25.0)
