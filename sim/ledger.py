"""Append-only columnar records of one replication: segments, flows and spells.

A *segment* is a stretch of time a citizen spends in one group (design principle 3);
costs, refusion and full-time persons are integrals over segments. Columns are
Python arrays, turned into numpy/pandas only when the run ends.
"""

from __future__ import annotations

from array import array
from collections import Counter

import numpy as np
import pandas as pd

from sim.clock import Clock
from sim.groups import GROUPS


class Ledger:
    def __init__(self, clock: Clock, keep_spells: bool, keep_events: bool = False) -> None:
        self.year_of = clock.year_of
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
            "citizen": np.frombuffer(self.emp_citizen, dtype=np.int64),
            "start": np.frombuffer(self.emp_start, dtype=np.float64),
            "end": np.frombuffer(self.emp_end, dtype=np.float64),
            "hours": np.frombuffer(self.emp_hours, dtype=np.float32).astype(np.float64),
            "municipality": np.frombuffer(self.emp_municipality, dtype=np.int16),
        })

    def flow(self, week: float, group: str, kind: str, destination: str) -> None:
        """Count a flow; flows during the warm-up (week < 0) are not reported."""
        if week >= 0.0:
            self.flows[(self.year_of(week), group, kind, destination)] += 1

    def spell(self, citizen: int, start: float, end: float | None, first: int, last: int,
              destination: str) -> None:
        if self.keep_spells and (end is None or end >= 0.0):
            self.spells.append((citizen, start, end, GROUPS[first], GROUPS[last], destination))

    def activity(self, week: float, group: str, kind: str) -> None:
        if week >= 0.0:
            self.activities[(self.year_of(week), group, kind)] += 1

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
        if week >= 0.0:
            self.sanctioned_persons.add((self.year_of(week), group, citizen,
                                         kind == "karantaene"))

    def offers(self) -> pd.DataFrame:
        return pd.DataFrame({
            "citizen": np.frombuffer(self.off_citizen, dtype=np.int64),
            "group": np.frombuffer(self.off_group, dtype=np.int8),
            "type": np.frombuffer(self.off_type, dtype=np.int8),
            "start": np.frombuffer(self.off_start, dtype=np.float64),
            "end": np.frombuffer(self.off_end, dtype=np.float64),
        })

    def reductions(self) -> pd.DataFrame:
        return pd.DataFrame({
            "citizen": np.frombuffer(self.red_citizen, dtype=np.int64),
            "week": np.frombuffer(self.red_week, dtype=np.float64),
            "group": np.frombuffer(self.red_group, dtype=np.int8),
            "kind": pd.Series(self.red_kind, dtype=object),
            "amount": np.frombuffer(self.red_amount, dtype=np.float64),
        })

    def segments(self) -> pd.DataFrame:
        return pd.DataFrame({
            "citizen": np.frombuffer(self.seg_citizen, dtype=np.int64),
            "group": np.frombuffer(self.seg_group, dtype=np.int8),
            "start": np.frombuffer(self.seg_start, dtype=np.float64),
            "end": np.frombuffer(self.seg_end, dtype=np.float64),
            "support_weeks": np.frombuffer(self.seg_support_weeks, dtype=np.float64),
            "municipality": np.frombuffer(self.seg_municipality, dtype=np.int16),
            "cohort": np.frombuffer(self.seg_cohort, dtype=np.int8),
            "birth": np.frombuffer(self.seg_birth, dtype=np.float32).astype(np.float64),
        })
