"""Append-only columnar records of one replication: segments, flows and spells.

A *segment* is a stretch of time a citizen spends in one group (design principle 3);
costs, refusion and full-time persons are integrals over segments. Columns are
Python arrays, turned into numpy/pandas only when the run ends.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections import Counter

import numpy as np
import pandas as pd

from sim.clock import Clock
from sim.groups import GROUPS


def _column(values: array) -> np.ndarray:
    """A record column as numpy, without a copy; the dtype is the array's own typecode."""
    return np.frombuffer(values, dtype=values.typecode)


class Ledger:
    def __init__(self, clock: Clock, keep_spells: bool, keep_events: bool = False) -> None:
        self._year_starts = [float(w) for w in clock.year_starts]
        self._years = list(clock.calendar_years)
        # The year of the latest record and its span: records mostly come in time order,
        # so most find their year without a search.
        self._year, self._lo, self._hi = None, -math.inf, 0.0
        self.seg_citizen = array("q")
        self.seg_group = array("b")
        self.seg_start = array("d")
        self.seg_end = array("d")
        self.seg_support_weeks = array("d")  # weeks on public support at the segment's start
        self.seg_municipality = array("h")
        self.seg_cohort = array("b")  # the law the spell follows (sim.model.Model.laws)
        self.seg_birth = array("f")  # the citizen's birth week
        # Work after exits to a job: start, end (re-entry or inf), hours a week.
        self.emp_citizen = array("q")
        self.emp_start = array("d")
        self.emp_end = array("d")
        self.emp_hours = array("f")
        self.emp_municipality = array("h")
        # (year, group, kind, destination) -> count
        self.flows: Counter = Counter()
        self.keep_spells = keep_spells
        self.spells: list[tuple] = []
        # Process layer: (year, group, kind) -> count; offers as segments; benefit
        # reductions from sanctions; persons sanctioned per year and group.
        self.activities: Counter = Counter()
        self.off_citizen = array("q")
        self.off_group = array("b")
        self.off_type = array("b")
        self.off_start = array("d")
        self.off_end = array("d")
        self.red_citizen = array("q")
        self.red_week = array("d")
        self.red_group = array("b")
        self.red_kind: list[str] = []
        self.red_amount = array("d")
        self.sanctioned_persons: set[tuple[int, int, int, bool]] = set()
        self.keep_events = keep_events
        self.events: list[tuple] = []

    # Record families: columns with this prefix, sorted by citizen and then this column.
    RECORDS = {"seg_": "seg_start", "emp_": "emp_start", "off_": "off_start",
               "red_": "red_week"}

    def merge(self, others: list[Ledger]) -> Ledger:
        """Add the records of other shards' ledgers of the same replication to this one."""
        for other in others:
            for name, value in vars(other).items():
                if name.startswith("_") or not isinstance(value, (array, list, Counter, set)):
                    continue
                mine = getattr(self, name)
                if isinstance(value, (array, list)):
                    mine.extend(value)
                else:
                    mine.update(value)
        return self

    def sort_records(self) -> None:
        """Put every record family in (citizen, time) order, so the tables sum in the same
        order whatever the number of shards the replication ran in. The sort is stable:
        a citizen's records at one time keep the order the citizen made them in."""
        for prefix, time in self.RECORDS.items():
            order = np.lexsort((_column(getattr(self, time)),
                                _column(getattr(self, prefix + "citizen"))))
            for name, value in vars(self).items():
                if not name.startswith(prefix):
                    continue
                if isinstance(value, array):
                    setattr(self, name, array(value.typecode, _column(value)[order].tobytes()))
                else:
                    setattr(self, name, [value[i] for i in order])

    def segment(self, citizen: int, group: int, start: float, end: float, support_weeks: float,
                municipality: int, cohort: int = 0, birth: float = 0.0) -> None:
        if end > start:
            self.seg_cohort.append(cohort)
            self.seg_birth.append(birth)
            self.seg_citizen.append(citizen)
            self.seg_group.append(group)
            self.seg_start.append(start)
            self.seg_end.append(end)
            self.seg_support_weeks.append(support_weeks)
            self.seg_municipality.append(municipality)

    def employment(self, citizen: int, start: float, end: float, hours: float,
                   municipality: int) -> None:
        self.emp_citizen.append(citizen)
        self.emp_start.append(start)
        self.emp_end.append(end)
        self.emp_hours.append(hours)
        self.emp_municipality.append(municipality)

    def employment_records(self) -> pd.DataFrame:
        """Ordinary work after exits to a job (citizen, start, end, hours a week)."""
        return pd.DataFrame({
            "citizen": _column(self.emp_citizen),
            "start": _column(self.emp_start),
            "end": _column(self.emp_end),
            "hours": _column(self.emp_hours).astype(np.float64),
            "municipality": _column(self.emp_municipality),
        })

    def _year_at(self, week: float) -> int | None:
        """The calendar year of ``week``, None in the warm-up (week < 0)."""
        if not self._lo <= week < self._hi:
            self._year, self._lo, self._hi = self.year_span(week)
        return self._year

    def flow(self, week: float, group: str, kind: str, destination: str) -> None:
        """Count a flow; flows during the warm-up (week < 0) are not reported."""
        year = self._year if self._lo <= week < self._hi else self._year_at(week)
        if year is not None:
            self.flows[(year, group, kind, destination)] += 1

    def spell(self, citizen: int, start: float, end: float | None, first: int, last: int,
              destination: str) -> None:
        if self.keep_spells and (end is None or end >= 0.0):
            self.spells.append((citizen, start, end, GROUPS[first], GROUPS[last], destination))

    def activity(self, week: float, group: str, kind: str) -> None:
        year = self._year if self._lo <= week < self._hi else self._year_at(week)
        if year is not None:
            self.activities[(year, group, kind)] += 1

    def activity_count(self, year: int, group: str, kind: str, n: int) -> None:
        """Add ``n`` to a count of a year (see :meth:`year_span`)."""
        if n:
            self.activities[(year, group, kind)] += n

    def year_span(self, week: float) -> tuple[int | None, float, float]:
        """The calendar year of ``week`` (None in the warm-up) and the weeks it starts and
        ends (the last year runs on past the horizon)."""
        starts, years = self._year_starts, self._years
        i = bisect_right(starts, week) - 1
        if i < 0:
            return None, -math.inf, starts[0]
        if i >= len(years) - 1:
            return years[-1], starts[len(years) - 1], math.inf
        return years[i], starts[i], starts[i + 1]

    def event(self, citizen: int, week: float, group: str, kind: str, detail: str) -> None:
        if self.keep_events and week >= 0.0:
            self.events.append((citizen, week, group, kind, detail))

    def offer(self, citizen: int, group: int, kind: int, start: float, end: float) -> None:
        if end > start and end > 0.0:
            self.off_citizen.append(citizen)
            self.off_group.append(group)
            self.off_type.append(kind)
            self.off_start.append(start)
            self.off_end.append(end)

    def reduction(self, citizen: int, week: float, group: int, kind: str, amount: float) -> None:
        """Benefit withheld by a sanction (kr), for the money layer."""
        if week >= 0.0:
            self.red_citizen.append(citizen)
            self.red_week.append(week)
            self.red_group.append(group)
            self.red_kind.append(kind)
            self.red_amount.append(amount)

    def sanctioned(self, week: float, group: int, citizen: int, kind: str) -> None:
        year = self._year_at(week)
        if year is not None:
            self.sanctioned_persons.add((year, group, citizen, kind == "karantaene"))

    def offers(self) -> pd.DataFrame:
        return pd.DataFrame({
            "citizen": _column(self.off_citizen),
            "group": _column(self.off_group),
            "type": _column(self.off_type),
            "start": _column(self.off_start),
            "end": _column(self.off_end),
        })

    def reductions(self) -> pd.DataFrame:
        return pd.DataFrame({
            "citizen": _column(self.red_citizen),
            "week": _column(self.red_week),
            "group": _column(self.red_group),
            "kind": pd.Series(self.red_kind, dtype=object),
            "amount": _column(self.red_amount),
        })

    def segments(self) -> pd.DataFrame:
        return pd.DataFrame({
            "citizen": _column(self.seg_citizen),
            "group": _column(self.seg_group),
            "start": _column(self.seg_start),
            "end": _column(self.seg_end),
            "support_weeks": _column(self.seg_support_weeks),
            "municipality": _column(self.seg_municipality),
            "cohort": _column(self.seg_cohort),
            "birth": _column(self.seg_birth).astype(np.float64),
        })
