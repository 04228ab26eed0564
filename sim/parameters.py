"""Parameters as dated values with sources (the OpenFisca habit).

A parameter file is a YAML tree. A *leaf* is a mapping with ``values``::

    max_weeks:
      description: Longest dagpenge spell (dagpengeperiode)
      unit: weeks
      values:
        2010-07-01: {value: 104, source: "seed 004_282ac59a8741076f.txt, L475-L484"}

Each dated value carries its own ``source`` (or inherits the leaf's). A value may
itself be a mapping (a table of shares, a hazard shape); overrides can reach into
it by dotted path. The tree's top-level keys are the file stems, so the path of
the leaf above in ``time_limits.yaml`` is ``time_limits.dagpenge.max_weeks``.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError

EARLIEST = dt.date(1900, 1, 1)


@dataclass
class DatedValue:
    start: dt.date
    value: Any
    source: str


@dataclass
class Parameter:
    path: str
    description: str
    unit: str
    values: list[DatedValue] = field(default_factory=list)

    def at(self, date: dt.date) -> Any:
        current = None
        for v in self.values:
            if v.start <= date:
                current = v
        if current is None:
            raise KeyError(f"{self.path} has no value on {date}")
        return current.value

    def entry_at(self, date: dt.date) -> DatedValue | None:
        current = None
        for v in self.values:
            if v.start <= date:
                current = v
        return current


def _as_date(key: object) -> dt.date | None:
    if isinstance(key, dt.datetime):
        return key.date()
    if isinstance(key, dt.date):
        return key
    if isinstance(key, str):
        try:
            return dt.date.fromisoformat(key)
        except ValueError:
            return None
    return None


def is_dated_mapping(value: object) -> bool:
    return isinstance(value, dict) and bool(value) and all(_as_date(k) for k in value)


class ParameterTree:
    """All parameters of a scenario: the law and the behavioural (calibrated) values."""

    def __init__(self, leaves: dict[str, Parameter]) -> None:
        self.leaves = leaves
        self.frozen = False  # a shared tree (sim.lawbook.base) refuses changes

    def freeze(self) -> None:
        """Make the tree read-only: :meth:`set` raises and :meth:`value` returns copies."""
        self.frozen = True

    # -- loading -----------------------------------------------------------------------
    @classmethod
    def load(cls, directories: Iterable[Path], overlays: bool = True) -> ParameterTree:
        """Load every ``*.yaml`` of ``directories``; each leaf may be defined once.

        Precedence: a file whose top level holds ``overlay: true`` (the fitted values of
        ``python -m sim calibrate``, calibration/params/fitted.yaml) is applied after all
        other files, in name order: each entry of its ``leaves`` (a dotted leaf path with
        ``values``) replaces the dated values of that existing leaf. ``overlays=False``
        skips such files (the hand-set values alone). Policies and experiment parameters
        apply on top of the loaded tree.
        """
        leaves: dict[str, Parameter] = {}
        pending: list[tuple[Path, dict]] = []
        for directory in directories:
            for file in sorted(Path(directory).glob("*.yaml")):
                with open(file, encoding="utf-8") as fh:
                    tree = yaml.safe_load(fh)
                if isinstance(tree, dict) and tree.get("overlay") is True:
                    pending.append((file, tree))
                    continue
                cls._collect(file, file.stem, tree, leaves)
        for file, tree in pending if overlays else []:
            entries = tree.get("leaves")
            if not isinstance(entries, dict):
                raise InputError(str(file), "leaves", entries, "a mapping of leaf paths to leaves")
            for path, node in entries.items():
                if path not in leaves:
                    raise InputError(str(file), f"leaves.{path}", path, "an existing leaf path")
                if not isinstance(node, dict) or "values" not in node:
                    raise InputError(str(file), f"leaves.{path}", node, "a leaf with values")
                leaves[path].values = cls._leaf(file, path, node).values
        return cls(leaves)

    @classmethod
    def _collect(cls, file: Path, path: str, node: object, leaves: dict[str, Parameter]) -> None:
        if not isinstance(node, dict):
            raise InputError(str(file), path, node, "a mapping of parameters or a leaf with values")
        if "values" in node:
            if path in leaves:
                raise InputError(str(file), path, "duplicate", "each parameter defined once")
            leaves[path] = cls._leaf(file, path, node)
            return
        for key, child in node.items():
            cls._collect(file, f"{path}.{key}", child, leaves)

    @staticmethod
    def _leaf(file: Path, path: str, node: dict) -> Parameter:
        default_source = node.get("source")
        values = []
        raw = node["values"]
        if not is_dated_mapping(raw):
            raise InputError(str(file), f"{path}.values", raw, "a mapping of ISO dates to values")
        for key, entry in raw.items():
            if isinstance(entry, dict) and "value" in entry:
                value, source = entry["value"], entry.get("source", default_source)
            else:
                value, source = entry, default_source
            if not source:
                raise InputError(str(file), f"{path}.values.{key}", entry,
                                 "a value with a source (seed file and line, law, or assumption)")
            values.append(DatedValue(_as_date(key), value, str(source)))
        values.sort(key=lambda v: v.start)
        return Parameter(path, str(node.get("description", "")), str(node.get("unit", "")),
                         values)

    # -- reading -----------------------------------------------------------------------
    def at(self, path: str, date: dt.date) -> Any:
        return self.leaves[path].at(date)

    def value(self, path: str, date: dt.date | None = None) -> Any:
        """The value of a dotted path (a leaf or a key inside one) on ``date``; the first
        value when ``date`` is None or precedes it. Raises KeyError for unknown paths."""
        head, inner = self.resolve(path)
        leaf = self.leaves[head]
        value = ((leaf.entry_at(date) if date else None) or leaf.values[0]).value
        for key in inner:
            value = value[key]
        return copy.deepcopy(value) if self.frozen else value

    def snapshot(self, date: dt.date) -> dict:
        """Nested plain dict of every parameter's value on ``date``."""
        out: dict = {}
        for path, leaf in self.leaves.items():
            entry = leaf.entry_at(date)
            if entry is None:
                continue
            node = out
            *parents, last = path.split(".")
            for p in parents:
                node = node.setdefault(p, {})
            node[last] = entry.value
        return out

    def change_dates(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Dates strictly inside (start, end) at which some parameter changes."""
        dates = {v.start for leaf in self.leaves.values() for v in leaf.values}
        return sorted(d for d in dates if start < d < end)

    def copy(self) -> ParameterTree:
        return ParameterTree(copy.deepcopy(self.leaves))

    # -- changing ----------------------------------------------------------------------
    def resolve(self, path: str) -> tuple[str, list[str]]:
        """Split a dotted path into (leaf path, keys inside the leaf's value)."""
        parts = path.split(".")
        for i in range(len(parts), 0, -1):
            head = ".".join(parts[:i])
            if head in self.leaves:
                inner = parts[i:]
                sample = self.leaves[head].values[-1].value
                for k, key in enumerate(inner):
                    if not isinstance(sample, dict) or key not in sample:
                        raise KeyError(self._suggest(path, head, inner[:k], sample))
                    sample = sample[key]
                return head, inner
        raise KeyError(self._suggest(path, None, [], None))

    def _suggest(self, path: str, head: str | None, inner: list[str], sample: object) -> str:
        if head is not None and isinstance(sample, dict):
            base = ".".join([head, *inner])
            options = [f"{base}.{k}" for k in sample]
        else:
            options = list(self.leaves)
        close = difflib.get_close_matches(path, options, n=3, cutoff=0.5)
        if close:
            return "a known parameter path, e.g. " + ", ".join(close)
        return "a known parameter path (see policies/params/ and calibration/params/)"

    def set(self, path: str, value: Any, source: str, start: dt.date | None = None,
            until: dt.date | None = None) -> None:
        """Give ``path`` the value ``value`` from ``start`` on (from the beginning if None).

        Later dated values of the parameter are dropped: the override holds to the end
        of the run, or, with ``until``, up to that date, where the values the parameter
        had from then on return.
        """
        if self.frozen:
            raise TypeError("the shared parameter tree is read-only; change a copy()")
        head, inner = self.resolve(path)
        leaf = self.leaves[head]
        start = start or EARLIEST
        base = leaf.entry_at(start) or leaf.values[0]
        kept = [v for v in leaf.values if v.start < start]
        later: list[DatedValue] = []
        if until is not None and until > start:
            back = leaf.entry_at(until) or leaf.values[0]
            later = [DatedValue(until, back.value, back.source)] + \
                [v for v in leaf.values if v.start > until]
        if inner:
            new_value = copy.deepcopy(base.value)
            node = new_value
            for key in inner[:-1]:
                node = node[key]
            _check_type(path, node[inner[-1]], value)
            node[inner[-1]] = value
            if until is None:
                # A key inside a table: later dated values keep their other keys (set by
                # other policies, e.g. their phase-in steps) and get this key's value, so
                # the override still holds to the end of the run.
                for v in leaf.values:
                    if v.start > start:
                        later_value = copy.deepcopy(v.value)
                        try:
                            node = later_value
                            for key in inner[:-1]:
                                node = node[key]
                            node[inner[-1]] = value
                        except (KeyError, TypeError):
                            continue  # a later table without this key: dropped as before
                        later.append(DatedValue(v.start, later_value, v.source))
        else:
            _check_type(path, base.value, value)
            new_value = value
        leaf.values = kept + [DatedValue(start, new_value, source)] + later


def _check_type(path: str, old: object, new: object) -> None:
    def kind(x: object) -> str:
        if isinstance(x, bool):
            return "a boolean"
        if isinstance(x, int | float):
            return "a number"
        if isinstance(x, str):
            return "a text"
        if isinstance(x, list):
            return "a list"
        if isinstance(x, dict):
            return "a mapping"
        return "null"

    if kind(old) != kind(new):
        raise TypeError(kind(old))
    # A list of numbers keeps its length (a hazard's pieces match its breakpoints); a list
    # of names (a rule stack, a set of groups) may grow or shrink.
    if isinstance(old, list):
        if old and all(isinstance(x, str) for x in old):
            if not all(isinstance(x, str) for x in new):
                raise TypeError("a list of names")
        elif len(old) != len(new):
            raise TypeError(f"a list of {len(old)} values")
    if isinstance(old, dict) and set(old) != set(new):
        raise TypeError("a mapping with keys " + ", ".join(map(str, old)))
