"""Bracket parameters: a value that depends on the bracket a quantity falls in.

A bracket is a range of a quantity (weeks on public support, a monthly benefit in kr)
with one value: a step (*trin*) of the refusion staircase, a rate (*sats*) of the
daily sanction. The parameter files write a table of brackets as a mapping from each
bracket's upper bound to its value; an upper bound ``inf`` makes the last open-ended::

    {"4": 0.80, "26": 0.40, "52": 0.30, "inf": 0.20}

The brackets are contiguous: each starts where the one before ends, the first at 0.
Exactly at a bound the law reads a table one of two ways, so both readings are here:

* :meth:`Brackets.at`: the upper bound belongs to the bracket (lower < x <= upper).
  A monthly benefit of exactly 5,751 kr gets the 200 kr daily sanction rate.
* :meth:`Brackets.step_at`: a bracket starts at its lower bound (lower <= x < upper).
  At exactly 4 weeks on support the refusion staircase is on its second step, 40 %;
  :meth:`Brackets.lower_bounds` gives where each step starts, for vectorised code.

Above the last upper bound (a table without ``inf``) both give the last value.
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Brackets:
    """A table of brackets: ascending upper bounds (the last may be ``math.inf``) and the
    value of each bracket."""

    thresholds: tuple[float, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.thresholds or len(self.thresholds) != len(self.values):
            raise ValueError(f"brackets: need as many values as upper bounds, at least one; "
                             f"got {self.thresholds!r} and {self.values!r}")
        if any(a >= b for a, b in pairwise(self.thresholds)):
            raise ValueError(f"brackets: upper bounds must ascend strictly, got "
                             f"{self.thresholds!r}")

    @classmethod
    def parse(cls, mapping: Mapping) -> Brackets:
        """Brackets from the parameter files' form ``{upper bound: value}``: bounds are
        numbers or numeric strings ("26", "inf"), values numbers, in any order."""
        if not isinstance(mapping, Mapping) or not mapping:
            raise ValueError(f"brackets: expected a non-empty mapping of upper bound -> "
                             f"value, got {mapping!r}")
        pairs = sorted((_bound(k, mapping), _value(v, k, mapping)) for k, v in mapping.items())
        for (a, _), (b, _) in pairwise(pairs):
            if a == b:
                raise ValueError(f"brackets: upper bound {a:g} given twice in {mapping!r}")
        return cls(tuple(b for b, _ in pairs), tuple(v for _, v in pairs))

    def at(self, x: float, tol: float = 0.0) -> float:
        """The value of the first bracket whose upper bound is >= ``x`` (the bound belongs
        to the bracket below it). With ``tol`` > 0, an ``x`` less than ``tol`` above a
        bound still counts as at it, for an ``x`` computed back from a bound with rounding
        error: the first bracket whose upper bound is > ``x - tol``."""
        i = bisect_right(self.thresholds, x - tol) if tol > 0 else bisect_left(self.thresholds, x)
        return self.values[min(i, len(self.values) - 1)]

    def step_at(self, x: float) -> float:
        """The value of the step with lower bound <= ``x`` < upper bound (a step starts at
        its lower bound): the first bracket whose upper bound is > ``x``."""
        i = bisect_right(self.thresholds, x)
        return self.values[min(i, len(self.values) - 1)]

    def lower_bounds(self, start: float = 0.0) -> tuple[float, ...]:
        """Where each bracket starts: ``start`` for the first, then the upper bound of the
        one before."""
        return (start, *self.thresholds[:-1])


def _bound(key: object, mapping: Mapping) -> float:
    # YAML keys are strings ("4", "inf") or numbers; bool is an int but not a bound.
    if isinstance(key, str | numbers.Real) and not isinstance(key, bool):
        try:
            bound = float(key)
        except ValueError:
            bound = math.nan
        if not math.isnan(bound) and bound != -math.inf:
            return bound
    raise ValueError(f"brackets: upper bound {key!r} is not a number or inf in {mapping!r}")


def _value(value: object, key: object, mapping: Mapping) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool) \
            and math.isfinite(value):
        return float(value)
    raise ValueError(f"brackets: value {value!r} of upper bound {key!r} is not a finite "
                     f"number in {mapping!r}")
