"""Financing policies: changes to how the state shares in the municipalities' costs."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from policies.registry import Options, ParameterChange, Policy, register


class FlatRefusionOptions(Options):
    share: float = Field(0.5, ge=0, le=1, description="State refusion share at every week "
                                                      "on public support")


register(Policy(
    name="flat_refusion",
    description="What if: the refusion staircase (80/40/30/20 %) replaced by one flat state "
                "share (50 %) at every seniority",
    effective=dt.date(2026, 1, 1),
    source="what-if, not a proposal: current staircase seed 000_d1cd35c8394f9931.txt, "
           "L439-L447; seed 003_6dc7bdcfc6d04eb3.txt, L9375-L9387",
    options=FlatRefusionOptions,
    # Every step gets the same share (the table keeps its steps).
    changes=lambda o: [ParameterChange("refusion.staircase",
                                       {"4": o.share, "26": o.share, "52": o.share,
                                        "inf": o.share})],
))
