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
from typing import Any

from pydantic import BaseModel, ConfigDict

ENTRY_POINT_GROUP = "caseload_sim.policies"


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class ParameterChange:
    """Set ``path`` to ``value`` from ``start`` on."""

    path: str
    value: Any
    start: dt.date
    source: str


@dataclass(frozen=True)
class Policy:
    name: str
    description: str
    effective: dt.date
    source: str
    changes: Callable[[BaseModel], list[ParameterChange]] = field(default=lambda _opts: [])
    options: type[BaseModel] = NoOptions


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
    """All registered policies by name (built-in and from entry points)."""
    import policies.catalogue  # noqa: F401  (registers the built-in catalogue)

    _load_entry_points()
    return dict(sorted(_REGISTRY.items()))


def get(name: str) -> Policy:
    return registered()[name]
