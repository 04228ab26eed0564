"""The built-in policies: current law and dated changes to it."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from policies.registry import ParameterChange, Policy, register

register(Policy(
    name="current_law_2024",
    description="Current law as in force in 2024 (the baseline); changes nothing",
    effective=dt.date(2024, 1, 1),
    source="seed 003_6dc7bdcfc6d04eb3.txt (rules in force 2024), see policies/params/",
))


class DagpengePeriodOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
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
import policies.historical  # noqa: E402, F401
