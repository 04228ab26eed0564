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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.benefits import REFERENCE
from sim.clock import Clock
from sim.groups import GROUPS


def _column(values: array) -> np.ndarray:
    """A record column as numpy, without a copy; the dtype is the array's own typecode."""
    return np.frombuffer(values, dtype=values.typecode)


@dataclass(frozen=True)
class RecordKind:
    """The declared schema of one kind of record: its columns (name, array typecode, or
    ``text`` for a list of strings) kept as ``<prefix><name>`` attributes of the ledger,
    and the time column that orders a citizen's records."""

    prefix: str
    columns: tuple[tuple[str, str], ...]
    time: str

    def attributes(self) -> list[str]:
        return [self.prefix + name for name, _ in self.columns]


RECORD_KINDS: dict[str, RecordKind] = {
    # A stretch of time in one group; support_weeks: weeks on public support at its start;
    # cohort: the law the spell follows (sim.model.Model.laws); birth: the birth week;
    # benefit_class: what the person is paid in each group (sim/benefits.py).
    "segment": RecordKind("seg_", (("citizen", "q"), ("group", "b"), ("start", "d"),
                                   ("end", "d"), ("support_weeks", "d"),
                                   ("municipality", "h"), ("cohort", "b"), ("birth", "f"),
                                   ("benefit_class", "b")),
                          "start"),
    # Ordinary work after an exit to a job: until re-entry (or inf), hours a week.
    "employment": RecordKind("emp_", (("citizen", "q"), ("start", "d"), ("end", "d"),
                                      ("hours", "f"), ("municipality", "h")), "start"),
    # An activation offer as a segment of time.
    "offer": RecordKind("off_", (("citizen", "q"), ("group", "b"), ("type", "b"),
                                 ("start", "d"), ("end", "d")), "start"),
    # Benefit withheld by a sanction (kr).
    "reduction": RecordKind("red_", (("citizen", "q"), ("week", "d"), ("group", "b"),
                                     ("kind", "text"), ("amount", "d")), "week"),
}
# Counts and lists that shards add up: (year, group, kind, destination) -> count;
# (year, group, kind) -> count; (year, group, citizen, karantæne) persons sanctioned;
# spells and events when kept.
TALLIES = ("flows", "activities", "sanctioned_persons", "spells", "events")


class Ledger:
    def __init__(self, clock: Clock, keep_spells: bool, keep_events: bool = False) -> None:
        self._year_starts = [float(w) for w in clock.year_starts]
        self._years = list(clock.calendar_years)
        # The year of the latest record and its span: records mostly come in time order,
        # so most find their year without a search.
        self._year, self._lo, self._hi = None, -math.inf, 0.0
        for kind in RECORD_KINDS.values():
            for name, code in kind.columns:
                setattr(self, kind.prefix + name, [] if code == "text" else array(code))
        # (year, group, kind, destination) -> count
        self.flows: Counter = Counter()
        self.keep_spells = keep_spells
        self.spells: list[tuple] = []
        self.activities: Counter = Counter()
        self.sanctioned_persons: set[tuple[int, int, int, bool]] = set()
        self.keep_events = keep_events
        self.events: list[tuple] = []

    def merge(self, others: list[Ledger]) -> Ledger:
        """Add the records of other shards' ledgers of the same replication to this one."""
        names = [a for kind in RECORD_KINDS.values() for a in kind.attributes()] + \
            list(TALLIES)
        for other in others:
            for name in names:
                mine, theirs = getattr(self, name), getattr(other, name)
                if isinstance(mine, array | list):
                    mine.extend(theirs)
                else:
                    mine.update(theirs)
        return self

    def sort_records(self) -> None:
        """Put every record kind in (citizen, time) order, so the tables sum in the same
        order whatever the number of shards the replication ran in. The sort is stable:
        a citizen's records at one time keep the order the citizen made them in."""
        for kind in RECORD_KINDS.values():
            order = np.lexsort((_column(getattr(self, kind.prefix + kind.time)),
                                _column(getattr(self, kind.prefix + "citizen"))))
            for name in kind.attributes():
                value = getattr(self, name)
                if isinstance(value, array):
                    setattr(self, name, array(value.typecode, _column(value)[order].tobytes()))
                else:
                    setattr(self, name, [value[i] for i in order])

    def records(self, kind: str) -> pd.DataFrame:
        """The records of one kind as a DataFrame with its declared columns (single
        precision columns widened to float64, text as objects)."""
        schema = RECORD_KINDS[kind]
        out = {}
        for name, code in schema.columns:
            value = getattr(self, schema.prefix + name)
            if code == "text":
                out[name] = pd.Series(value, dtype=object)
            else:
                column = _column(value)
                out[name] = column.astype(np.float64) if code == "f" else column
        return pd.DataFrame(out)

    def segment(self, citizen: int, group: int, start: float, end: float, support_weeks: float,
                municipality: int, cohort: int = 0, birth: float = 0.0,
                benefit_class: int = REFERENCE) -> None:
        if end > start:
            self.seg_benefit_class.append(benefit_class)
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
        return self.records("employment")

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
        return self.records("offer")

    def reductions(self) -> pd.DataFrame:
        return self.records("reduction")

    def segments(self) -> pd.DataFrame:
        return self.records("segment")
