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

A leaf declares the bounds of its numbers beside its values (``bounds``): one kind for
every number in the value (``bounds: weeks``), or kinds by key path inside it, where
``*`` matches any key or list position and the longest matching path decides::

    bounds: {rates: per_week, short_share: share, destinations: distribution}

The kinds are in :data:`KINDS` (a range with its unit), ``[low, high]`` for another
range, ``distribution`` (shares that sum to 1) and ``distribution_or_none`` (shares
that sum to 1, or all 0). ``<kind> or null`` also allows null where the law has "no
limit". Every number must be finite. The bounds are checked when the files are loaded
and whenever a value is set (an override, a policy's change, a phase-in step); the
sums of distributions once a scenario's law is complete (sim/scenario.py), since
policies change a table one key at a time.

A leaf whose value holds texts lists the texts allowed (``texts``), for the whole value
or by key path as ``bounds`` does; ``groups`` stands for every benefit group, ``exits``
for every exit and ``date`` for a date written YYYY-MM-DD (quoted)::

    texts: [groups, none]
    texts: {"*.account": [HK5, HK6], "*.category": [by_group, service]}

A text outside its list is refused like a number outside its bounds, and a leaf that
holds a text where it lists none is refused when its file is loaded. Rule stacks (unit
``rule``) are checked against the registered rules instead (sim/rules.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError
from sim.groups import EXITS, GROUPS

EARLIEST = dt.date(1900, 1, 1)

# Kinds of numbers in the parameter files: (lowest, highest, what is allowed in words).
KINDS: dict[str, tuple[float, float, str]] = {
    "share": (0.0, 1.0, "a share from 0 to 1"),
    "weeks": (0.0, 5200.0, "weeks from 0 to 5200 (100 years)"),
    "years": (0.0, 120.0, "years from 0 to 120"),
    "year": (1900.0, 2199.0, "a calendar year from 1900 to 2199"),
    "kr": (0.0, 1e9, "an amount in kr from 0 to 1e9"),
    "hours": (0.0, 8784.0, "hours from 0 to 8784 (a year)"),
    "per_week": (0.0, 100.0, "a rate per week from 0 to 100"),
    "multiplier": (0.0, 100.0, "a multiplier from 0 to 100"),
    "persons": (0.0, 1e6, "a number of persons from 0 to 1,000,000"),
    "count": (0.0, 1000.0, "a count from 0 to 1000"),
    "percent": (0.0, 100.0, "a percentage from 0 to 100"),
    "elasticity": (-10.0, 10.0, "an elasticity from -10 to 10"),
}
DISTRIBUTIONS = ("distribution", "distribution_or_none")
# Words of a leaf's ``texts`` list that stand for a set of texts.
TEXT_SETS: dict[str, tuple[str, ...]] = {"groups": GROUPS, "exits": EXITS}
# The word of ``texts`` for a date written as YYYY-MM-DD (quoted in the files).
DATE_TEXT = "date"
# Units whose texts are checked elsewhere: a rule stack against the registered rules.
CHECKED_ELSEWHERE = ("rule",)
SUM_TOLERANCE = 1e-3  # the files round shares to five decimals


@dataclass(frozen=True)
class Texts:
    """The texts allowed at a key path inside a leaf's value."""

    words: frozenset[str]
    dates: bool  # also a date written YYYY-MM-DD

    @classmethod
    def parse(cls, spec: object) -> Texts:
        """From a ``texts`` list of a parameter file; ValueError when it is not one."""
        if not (isinstance(spec, list) and spec and all(isinstance(w, str) for w in spec)):
            raise ValueError("a list of the texts the value may hold ('groups': every "
                             "benefit group, 'exits': every exit, 'date': a date as "
                             "YYYY-MM-DD)")
        return cls(frozenset(t for w in spec if w != DATE_TEXT for t in TEXT_SETS.get(w, (w,))),
                   DATE_TEXT in spec)

    def allows(self, text: str) -> bool:
        return text in self.words or (self.dates and _is_date(text))

    def text(self) -> str:
        """What is allowed, in words."""
        words = sorted(self.words) + (["a date as YYYY-MM-DD"] if self.dates else [])
        return words[0] if len(words) == 1 and self.dates else "one of " + ", ".join(words)


def _longest(patterns: dict[tuple[str, ...], Any], keys: tuple[str, ...]
             ) -> tuple[int, Any] | None:
    """The entry of the longest pattern that matches the start of ``keys`` (``*`` matches
    any key), with its length."""
    best: tuple[int, Any] | None = None
    for pattern, entry in patterns.items():
        if len(pattern) <= len(keys) and all(
                p in ("*", k) for p, k in zip(pattern, keys, strict=False)):
            if best is None or len(pattern) > best[0]:
                best = (len(pattern), entry)
    return best


def _patterns(spec: object) -> dict[tuple[str, ...], object]:
    """A ``bounds`` or ``texts`` spec as {key path: entry}: a mapping by dotted key path,
    or one entry for the whole value."""
    if isinstance(spec, dict):
        return {tuple(k for k in str(pattern).split(".") if k): e
                for pattern, e in spec.items()}
    return {} if spec is None else {(): spec}


@dataclass(frozen=True)
class Bound:
    """What one leaf allows for the numbers at a key path inside its value."""

    low: float
    high: float
    text: str
    nullable: bool = False
    total: str | None = None  # "distribution": sums to 1; "distribution_or_none": or 0

    @classmethod
    def parse(cls, spec: object) -> Bound:
        """A bound from its spec in a parameter file; ValueError when it is not one."""
        if isinstance(spec, list) and len(spec) == 2 and all(
                isinstance(x, int | float) and not isinstance(x, bool) for x in spec):
            low, high = float(spec[0]), float(spec[1])
            return cls(low, high, f"a number from {spec[0]} to {spec[1]}")
        if not isinstance(spec, str):
            raise ValueError("a kind of number (" + ", ".join([*KINDS, *DISTRIBUTIONS])
                             + "), optionally 'or null', or [low, high]")
        name, nullable = spec, spec.endswith(" or null")
        if nullable:
            name = spec.removesuffix(" or null")
        if name in DISTRIBUTIONS:
            low, high, text = KINDS["share"]
            return cls(low, high, text + (" (of shares that sum to 1)" if name == "distribution"
                                          else " (of shares that sum to 1, or are all 0)"),
                       nullable, name)
        if name not in KINDS:
            raise ValueError("a kind of number (" + ", ".join([*KINDS, *DISTRIBUTIONS])
                             + "), optionally 'or null', or [low, high]")
        low, high, text = KINDS[name]
        return cls(low, high, text + (" or null" if nullable else ""), nullable)


class OutOfBounds(ValueError):
    """A value that a leaf's bounds or shape do not allow: where inside the value
    (``keys``, relative to the path that was set), what was found and what is allowed."""

    def __init__(self, keys: tuple[str, ...], value: object, allowed: str) -> None:
        super().__init__(allowed)
        self.keys, self.value, self.allowed = keys, value, allowed


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
    bounds: dict[tuple[str, ...], Bound] = field(default_factory=dict)
    # An assumption's plausible range (low, high) for every number in its value: the
    # ends at which the comparison's sensitivity runs put it (compare.sensitivity).
    plausible_range: tuple[float, float] | None = None
    # The texts its value may hold, by key path as the bounds (``texts`` of its file).
    texts: dict[tuple[str, ...], Texts] = field(default_factory=dict)

    def match(self, keys: tuple[str, ...]) -> tuple[int, Bound] | None:
        """The bound of the numbers at ``keys`` inside the value, with the length of its
        key path: the longest declared path that matches the start of ``keys`` (``*``
        matches any key)."""
        return _longest(self.bounds, keys)

    def texts_at(self, keys: tuple[str, ...]) -> Texts | None:
        """The texts allowed at ``keys`` inside the value (as :meth:`match`)."""
        found = _longest(self.texts, keys)
        return found[1] if found else None

    def check(self, value: object, keys: tuple[str, ...] = (), old: object = None,
              shape: bool = False, sums: bool = False) -> None:
        """Raise OutOfBounds unless ``value`` (at ``keys`` inside this leaf's value) has
        numbers in their bounds, finite; with ``shape``, also the shape of ``old`` (the
        same kinds of values, keys and list lengths); with ``sums``, distributions that
        sum as declared."""
        _check(self, value, keys, old, shape, sums, len(keys))

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
                # Checked against the leaf it overlays (its bounds and texts).
                values = cls._leaf(file, path, node, check=False).values
                for v in values:
                    try:
                        leaves[path].check(v.value, sums=True)
                    except OutOfBounds as exc:
                        raise InputError(str(file), ".".join(["leaves", path, *exc.keys]),
                                         exc.value, exc.allowed) from None
                leaves[path].values = values
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
    def _leaf(file: Path, path: str, node: dict, check: bool = True) -> Parameter:
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
        bounds: dict[tuple[str, ...], Bound] = {}
        texts: dict[tuple[str, ...], Texts] = {}
        for field_name, kind, out in (("bounds", Bound, bounds), ("texts", Texts, texts)):
            for pattern, spec in _patterns(node.get(field_name)).items():
                try:
                    out[pattern] = kind.parse(spec)
                except ValueError as exc:
                    raise InputError(str(file), f"{path}.{field_name}", spec,
                                     exc.args[0]) from None
        span = node.get("plausible_range")
        if span is not None and not (
                isinstance(span, list) and len(span) == 2
                and all(isinstance(x, int | float) and not isinstance(x, bool) for x in span)
                and span[0] <= span[1]):
            raise InputError(str(file), f"{path}.plausible_range", span,
                             "[low, high]: two numbers, low <= high")
        leaf = Parameter(path, str(node.get("description", "")), str(node.get("unit", "")),
                         values, bounds,
                         (float(span[0]), float(span[1])) if span is not None else None,
                         texts)
        for v in values if check else ():
            try:
                leaf.check(v.value, sums=True)
            except OutOfBounds as exc:
                raise InputError(str(file), ".".join([path, *exc.keys]), exc.value,
                                 exc.allowed) from None
        return leaf

    # -- reading -----------------------------------------------------------------------
    def at(self, path: str, date: dt.date) -> Any:
        value = self.leaves[path].at(date)
        return copy.deepcopy(value) if self.frozen else value

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
        return copy.deepcopy(out) if self.frozen else out

    def change_dates(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Dates strictly inside (start, end) at which some parameter changes."""
        dates = {v.start for leaf in self.leaves.values() for v in leaf.values}
        return sorted(d for d in dates if start < d < end)

    def check_sums(self, head: str) -> None:
        """OutOfBounds (keys from the leaf's path) unless every dated value of the leaf
        ``head`` has its distributions summing as declared."""
        leaf = self.leaves[head]
        if any(b.total for b in leaf.bounds.values()):
            for v in leaf.values:
                leaf.check(v.value, sums=True)

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

        OutOfBounds when the value has another shape than the one it replaces, or numbers
        outside the leaf's bounds (sums of distributions: :meth:`check_sums`).

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
            leaf.check(value, tuple(inner), node[inner[-1]], shape=True)
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
            leaf.check(value, (), base.value, shape=True)
            new_value = value
        leaf.values = kept + [DatedValue(start, new_value, source)] + later


def _is_date(text: str) -> bool:
    """Whether ``text`` is a date written YYYY-MM-DD."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _kind(x: object) -> str:
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


def _check(leaf: Parameter, value: object, keys: tuple[str, ...], old: object, shape: bool,
           sums: bool, base: int) -> None:
    """Parameter.check: ``keys`` is where ``value`` is inside the leaf's value, ``base``
    how many of them lead to what was set (errors name the rest)."""
    here = keys[base:]
    match = leaf.match(keys)
    bound = match[1] if match else None
    if shape:
        was, now = _kind(old), _kind(value)
        if was != now and not (bound is not None and bound.nullable
                               and {was, now} == {"a number", "null"}):
            raise OutOfBounds(here, value, "a number or null" if bound is not None
                              and bound.nullable and "a number" in (was, now) else was)
    if isinstance(value, dict):
        if shape and set(value) != set(old):  # type: ignore[arg-type]
            raise OutOfBounds(here, value, "a mapping with keys " + ", ".join(map(str, old)))
        for k, v in value.items():
            _check(leaf, v, (*keys, str(k)), old[k] if shape else None,  # type: ignore[index]
                   shape, sums, base)
        children = list(value.values())
    elif isinstance(value, list):
        # A list of numbers keeps its length (a hazard's pieces match its breakpoints); a
        # list of names (a rule stack, a set of groups; an empty list where the leaf
        # declares texts) may grow or shrink.
        names = shape and (all(isinstance(x, str) for x in old) if old  # type: ignore
                           else leaf.texts_at(keys) is not None)
        if names and not all(isinstance(x, str) for x in value):
            raise OutOfBounds(here, value, "a list of names")
        if shape and not names and len(old) != len(value):  # type: ignore[arg-type]
            raise OutOfBounds(here, value, f"a list of {len(old)} values")  # type: ignore
        for i, v in enumerate(value):
            _check(leaf, v, (*keys, str(i)), old[i] if shape and not names else None,  # type: ignore
                   shape and not names, sums, base)
        children = value
    else:
        if isinstance(value, dt.date):  # an unquoted date in a parameter file
            raise OutOfBounds(here, value, "a date as 'YYYY-MM-DD', quoted")
        if isinstance(value, str) and leaf.unit not in CHECKED_ELSEWHERE:
            allowed = leaf.texts_at(keys)
            if allowed is None:
                raise OutOfBounds(here, value, bound.text if bound else "a number")
            if not allowed.allows(value):
                raise OutOfBounds(here, value, allowed.text())
        if value is None:
            if bound is not None and not bound.nullable:
                raise OutOfBounds(here, value, bound.text)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise OutOfBounds(here, value, bound.text if bound else "a finite number")
            if bound is not None and not bound.low <= value <= bound.high:
                raise OutOfBounds(here, value, bound.text)
        return
    if sums and match is not None and match[0] == len(keys) and bound.total:  # type: ignore
        total = sum(float(v) for v in children
                    if isinstance(v, int | float) and not isinstance(v, bool))
        if not (abs(total - 1) <= SUM_TOLERANCE
                or (bound.total == "distribution_or_none" and total == 0)):  # type: ignore
            raise OutOfBounds(here, value, "shares that sum to 1" + (  # type: ignore[union-attr]
                ", or are all 0" if bound.total == "distribution_or_none" else "")
                + f" (these sum to {total:.6g})")
