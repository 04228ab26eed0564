"""The registry of named policies.

A policy is a named bundle of dated parameter changes with an effective date and a
source. Experiment files choose policies by registered name; they never carry code.
Other packages add policies through the ``caseload_sim.policies`` entry-point group:
each entry point names a callable that returns a ``Policy`` or a list of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from sim.clock import DATE_RANGE, FIRST_DATE, LAST_DATE

ENTRY_POINT_GROUP = "caseload_sim.policies"


class Options(BaseModel):
    """A policy's options: fields with defaults and bounds; an unknown option is an error.
    Every date option lies in the range an experiment's dates may take."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _dates_in_range(cls, value: Any) -> Any:
        if isinstance(value, dt.date) and not FIRST_DATE <= value <= LAST_DATE:
            raise ValueError(f"a calendar date as YYYY-MM-DD {DATE_RANGE}")
        return value


class NoOptions(Options):
    """The options of a policy that has none."""


@dataclass(frozen=True)
class ParameterChange:
    """Set ``path`` to ``value`` from ``start`` (None: the policy's effective date) on,
    or up to ``until``, where the values the parameter had return.

    A change of a ``rules.<hook>`` path puts another registered rule in force
    (rule replacement; see sim/rules.py). ``phased`` False: in full from its start,
    whatever the policy's phase-in (a rule whose own numbers ramp in, which would
    otherwise switch on only at the half-way share)."""

    path: str
    value: Any
    start: dt.date | None = None
    source: str = ""
    until: dt.date | None = None  # the change ends here (None: it holds on)
    phased: bool = True


Scope = Literal["everyone", "new_spells"]


@dataclass(frozen=True)
class Member:
    """A policy inside a bundle, with the bundle's settings for it (None: its own)."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    scope: Scope | None = None
    phase_in: dict[int, float] | None = None
    effective: dt.date | None = None


@dataclass(frozen=True)
class Policy:
    """A named policy: parameter changes (and rule replacements) with an effective date,
    a scope — everyone, or only spells that start on or after the effective date — and
    an optional phase-in: the share of the full change reached in each calendar year.

    A *bundle* has ``members`` instead of changes: other policies applied in order.
    ``not_modelled`` names what the policy's text proposes and the engine does not carry,
    each with the reason, so the listing shows the gaps beside the changes.
    """

    name: str
    description: str
    effective: dt.date
    source: str
    changes: Callable[[BaseModel], list[ParameterChange]] = field(default=lambda _opts: [])
    options: type[BaseModel] = NoOptions
    scope: Scope = "everyone"
    phase_in: dict[int, float] | None = None
    members: tuple[Member, ...] = ()
    not_modelled: tuple[tuple[str, str], ...] = ()  # (element, why not)


_REGISTRY: dict[str, Policy] = {}
_ENTRY_POINTS_LOADED = False


def register(policy: Policy) -> Policy:
    if policy.name in _REGISTRY and _REGISTRY[policy.name] is not policy:
        raise ValueError(f"policy {policy.name!r} is registered twice")
    _REGISTRY[policy.name] = policy
    return policy


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found = ep.load()()
        for policy in found if isinstance(found, list | tuple) else [found]:
            register(policy)


def registered() -> dict[str, Policy]:
    """All registered policies by name (built-in, registered when the package
    ``policies`` is imported, and from entry points)."""
    _load_entry_points()
    return dict(sorted(_REGISTRY.items()))


def get(name: str) -> Policy:
    return registered()[name]
