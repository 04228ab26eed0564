"""The jobpræmie arithmetic (sim/jobpraemie.py) on hand-made records: exact values."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from sim import lawbook
from sim.clock import WEEKS_PER_CALENDAR_YEAR, Clock
from sim.experiment import PolicyRef
from sim.groups import GROUP_INDEX
from sim.jobpraemie import jobpraemie_table
from sim.scenario import applied_policies, law_of

CLOCK = Clock(dt.date(2025, 1, 1), 4)
T2026, T2027 = (float(w) for w in CLOCK.year_starts[1:3])
KH, DP = GROUP_INDEX["kontanthjaelp_aktivitetsparat"], GROUP_INDEX["dagpenge"]
FLEX = GROUP_INDEX["fleksjob"]


def segment(citizen, group, start, end, age_at_2026=40.0, municipality=3):
    return {"citizen": citizen, "group": group, "start": start, "end": end,
            "support_weeks": 0.0, "municipality": municipality, "cohort": 0,
            "birth": T2026 - age_at_2026 * WEEKS_PER_CALENDAR_YEAR}


def records():
    segs = pd.DataFrame([
        segment(1, KH, -200.0, T2026),            # member: 156 of 156 weeks on kontanthjælp
        segment(2, DP, -200.0, T2026),            # dagpenge does not count
        segment(3, KH, -200.0, T2026, 25.0),      # under 30
        segment(4, KH, T2026 - 100.0, T2026),     # 100 < 124.8 weeks
        segment(5, KH, -200.0, T2026 - 1.0),      # member, then fleksjob at the year end
        segment(5, FLEX, T2026 - 1.0, 500.0),
    ])
    work = pd.DataFrame({"citizen": [1, 2, 3, 4], "start": [T2026] * 4,
                         "end": [math.inf] * 4, "hours": [37.0] * 4,
                         "municipality": [3] * 4})
    return segs, work


def params(policy: bool):
    if not policy:
        return lawbook.base()
    return law_of(applied_policies([PolicyRef(name="jobpraemie")], "t", "t"), {}, "t", "t")


def test_no_premium_under_current_law():
    segs, work = records()
    table = jobpraemie_table(segs, work, params(False), CLOCK, 1.0)
    assert (table["premium_mio_kr"] == 0).all() and (table["members"] == 0).all()


@pytest.mark.parametrize("scale", [1.0, 0.25])
def test_members_hours_and_premium_are_exact(scale):
    segs, work = records()
    table = jobpraemie_table(segs, work, params(True), CLOCK, scale).set_index("year")
    hours = 37.0 * (T2027 - T2026)
    assert table.loc[2025, "members"] == 0  # the group is first fixed at the end of 2025
    assert table.loc[2026, "members"] == pytest.approx(1 / scale)
    assert table.loc[2026, "hours"] == pytest.approx(hours / scale)
    assert table.loc[2026, "premium_mio_kr"] == pytest.approx(60 * (hours - 230) / scale / 1e6)
    assert table.loc[2026, "municipalities_paid"] == 1


def test_the_floor_is_the_group_average_of_a_municipality():
    segs, work = records()
    # A second member in the same municipality who does not leave benefit doubles the
    # floor; the 10 weeks of 2026 on kontanthjælp bring 9 % x 10 hours a week of small
    # jobs (employment.hours_on_benefit_*): 9 hours.
    extra = pd.DataFrame([segment(6, KH, -200.0, T2026 + 10.0)])
    table = jobpraemie_table(pd.concat([segs, extra], ignore_index=True), work, params(True),
                             CLOCK, 1.0).set_index("year")
    hours = 37.0 * (T2027 - T2026)
    assert table.loc[2026, "members"] == 2
    assert table.loc[2026, "hours_on_benefit"] == pytest.approx(10 * 0.09 * 10)
    assert table.loc[2026, "premium_mio_kr"] == pytest.approx(
        60 * (hours + 9 - 2 * 230) / 1e6)


def test_hours_worked_while_on_benefit_count_small_jobs_included():
    """Every ordinary hour counts (seed 002_f1f51405438ca364.txt, L866-L869; L43-L56): a
    member on kontanthjælp all year works small jobs in 9 % of the weeks, 10 hours each
    (seed 002, L81-L92; L1282-L1283); before, only hours after an exit counted."""
    segs = pd.DataFrame([segment(7, KH, -200.0, 500.0)])  # on kontanthjælp throughout
    none = pd.DataFrame(columns=["citizen", "start", "end", "hours", "municipality"])
    year = T2027 - T2026
    table = jobpraemie_table(segs, none, params(True), CLOCK, 1.0).set_index("year")
    assert table.loc[2026, "members"] == 1
    assert table.loc[2026, "hours"] == table.loc[2026, "hours_on_benefit"] == \
        pytest.approx(year * 0.09 * 10)
    assert table.loc[2026, "premium_mio_kr"] == pytest.approx(
        60 * max(0.0, year * 0.9 - 230) / 1e6) == 0.0  # 47 hours: below the floor
    only_exits = law_of(applied_policies([PolicyRef(name="jobpraemie")], "t", "t"),
                        {"jobpraemie.hours_on_benefit_count": False}, "t", "t")
    table = jobpraemie_table(segs, none, only_exits, CLOCK, 1.0).set_index("year")
    assert table.loc[2026, "hours"] == table.loc[2026, "hours_on_benefit"] == 0.0


def test_the_premium_alone_leaves_every_life_unchanged():
    import sim

    exp = {"name": "jp", "start": "2025-01-01", "years": 3, "scale": 0.005, "seed": 3,
           "scenarios": {"baseline": {}, "premium": {"policies": ["current_law_2024",
                                                                  "jobpraemie"]}},
           "outputs": ["stocks", "flows", "jobpraemie"]}
    tables = sim.run(exp, workers=1).tables
    for name in ("stocks", "flows"):
        a, b = (tables[name][tables[name]["scenario"] == s].drop(columns="scenario")
                .reset_index(drop=True) for s in ("baseline", "premium"))
        pd.testing.assert_frame_equal(a, b)
    paid = tables["jobpraemie"].set_index(["scenario", "year"])["premium_mio_kr"]
    assert paid.loc[("baseline", 2027)] == 0 and paid.loc[("premium", 2027)] > 0
