"""The built-in policies: current law and dated changes to it."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from policies.registry import Options, ParameterChange, Policy, register

register(Policy(
    name="current_law_2024",
    description="Current law as in force in 2024 (the baseline); changes nothing",
    effective=dt.date(2024, 1, 1),
    source="seed 003_6dc7bdcfc6d04eb3.txt (rules in force 2024), see policies/params/",
))


class DagpengePeriodOptions(Options):
    weeks: int = Field(104, ge=26, le=260, description="Length of the dagpengeperiode")
    effective: dt.date = Field(dt.date(2026, 1, 1), description="Date the new length applies")


register(Policy(
    name="dagpenge_period",
    description="Change the length of the dagpengeperiode (2 years under current law)",
    effective=dt.date(2026, 1, 1),
    source="seed 004_282ac59a8741076f.txt, L475-L484 (4 years before 2010, 2 years since)",
    options=DagpengePeriodOptions,
    changes=lambda o: [ParameterChange("time_limits.dagpenge.max_weeks", o.weeks, o.effective,
                                       "policy dagpenge_period")],
))

# The historical reforms 2010-2019 (registered on import).
import policies.expert_group  # noqa: E402, F401  (seed 003, expert group)
import policies.financing  # noqa: E402, F401
import policies.historical  # noqa: E402, F401


class JobpraemieOptions(Options):
    kr_per_hour: float = Field(60, ge=0, description="Premium per ordinary hour above the floor")
    floor_hours: float = Field(230, ge=0, description="Average hours per member before the "
                                                      "premium starts")
    effective: dt.date = Field(dt.date(2026, 1, 1), description="First year paid; the group is "
                                                                "fixed at the year end before")


register(Policy(
    name="jobpraemie",
    description="The commission's jobpræmie: 60 kr per ordinary hour of target-group members "
                "above 230 hours per member a year, paid by the state to the municipality",
    effective=dt.date(2026, 1, 1),
    source="seed 002_f1f51405438ca364.txt, L850-L887; L1099-L1283 (rules.md (e))",
    options=JobpraemieOptions,
    changes=lambda o: [
        # The group is fixed at the year end before the first year paid.
        ParameterChange("jobpraemie.active", True, o.effective - dt.timedelta(days=1),
                        "seed 002_f1f51405438ca364.txt, L866-L869"),
        ParameterChange("jobpraemie.kr_per_hour", o.kr_per_hour, o.effective,
                        "seed 002_f1f51405438ca364.txt, L782-L786"),
        ParameterChange("jobpraemie.floor_hours", o.floor_hours, o.effective,
                        "seed 002_f1f51405438ca364.txt, L869-L871"),
    ],
))
