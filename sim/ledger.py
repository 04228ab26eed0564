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
    def __init__(self, clock: Clock, keep_spells: bool) -> None:
        self.clock = clock
        self.seg_citizen = array("q")
        self.seg_group = array("b")
        self.seg_start = array("d")
        self.seg_end = array("d")
        self.seg_support_weeks = array("d")  # weeks on public support at the segment's start
        self.seg_municipality = array("h")
        # (year, group, kind, destination) -> count
        self.flows: Counter = Counter()
        self.keep_spells = keep_spells
        self.spells: list[tuple] = []

    def segment(self, citizen: int, group: int, start: float, end: float, support_weeks: float,
                municipality: int) -> None:
        if end > start:
            self.seg_citizen.append(citizen)
            self.seg_group.append(group)
            self.seg_start.append(start)
            self.seg_end.append(end)
            self.seg_support_weeks.append(support_weeks)
            self.seg_municipality.append(municipality)

    def flow(self, week: float, group: str, kind: str, destination: str) -> None:
        """Count a flow; flows during the warm-up (week < 0) are not reported."""
        if week >= 0.0:
            self.flows[(self.clock.year_of(week), group, kind, destination)] += 1

    def spell(self, citizen: int, start: float, end: float | None, first: int, last: int,
              destination: str) -> None:
        if self.keep_spells and (end is None or end >= 0.0):
            self.spells.append((citizen, start, end, GROUPS[first], GROUPS[last], destination))

    def segments(self) -> pd.DataFrame:
        return pd.DataFrame({
            "citizen": np.frombuffer(self.seg_citizen, dtype=np.int64),
            "group": np.frombuffer(self.seg_group, dtype=np.int8),
            "start": np.frombuffer(self.seg_start, dtype=np.float64),
            "end": np.frombuffer(self.seg_end, dtype=np.float64),
            "support_weeks": np.frombuffer(self.seg_support_weeks, dtype=np.float64),
            "municipality": np.frombuffer(self.seg_municipality, dtype=np.int16),
        })
