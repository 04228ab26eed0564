"""The law and the behavioural parameters, loaded from their files once.

``policies/params/*.yaml`` hold the law, ``calibration/params/*.yaml`` the behaviour,
with the fitted overlay of ``python -m sim calibrate`` applied last (see
:meth:`sim.parameters.ParameterTree.load`). Every reader shares one read-only tree:
the engine, the policies that compute their values from the law in force, the
scenario builder (which copies it once per scenario before applying policies) and
the costing of a single path. Neither the engine nor the policies import each other
to reach it.

The data folders are found beside this package, as they are installed side by side
(an editable checkout or a wheel).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from sim.parameters import ParameterTree

ROOT = Path(__file__).resolve().parent.parent
LAW_DIR = ROOT / "policies" / "params"             # the law: dated values with sources
BEHAVIOUR_DIR = ROOT / "calibration" / "params"    # hazards, inflows, process behaviour
CONVENTION_DIR = ROOT / "policies" / "costing"     # the costing convention (sim/convention.py)
MUNICIPALITIES_FILE = ROOT / "calibration" / "municipalities.csv"


@cache
def base() -> ParameterTree:
    """The shared, read-only tree of the law and the behaviour (fitted overlay applied).
    Copy it (``base().copy()``) to change values."""
    tree = ParameterTree.load([LAW_DIR, BEHAVIOUR_DIR])
    tree.freeze()
    return tree


@cache
def convention() -> ParameterTree:
    """The costing convention's values (``policies/costing/*.yaml``), read-only: used by
    the comparison after the runs, the same for every scenario, so not in :func:`base`."""
    tree = ParameterTree.load([CONVENTION_DIR])
    tree.freeze()
    return tree


def hand_set() -> ParameterTree:
    """A fresh, changeable tree of the hand-set values alone (no fitted overlay): the
    calibration's starting point."""
    return ParameterTree.load([LAW_DIR, BEHAVIOUR_DIR], overlays=False)


def value(path: str, date: dt.date | None = None) -> Any:
    """The base value of a dotted path on ``date`` (a copy: the tree stays unchanged)."""
    return base().value(path, date)
