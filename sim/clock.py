"""Simulated time: weeks since the experiment's start date, and calendar years.

The clock unit is one week (README of the domain: 1 month = 52/12 weeks).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right

import numpy as np

DAYS_PER_WEEK = 7.0
WEEKS_PER_YEAR = 52.0  # full-time persons = person-weeks / 52


class Clock:
    """Converts between calendar dates and simulated weeks for one run."""

    def __init__(self, start: dt.date, years: int) -> None:
        self.start = start
        self.years = years
        end = dt.date(start.year + years, start.month, start.day) if not (
            start.month == 2 and start.day == 29
        ) else dt.date(start.year + years, 3, 1)
        self.end_date = end
        self.horizon = self.week_of(end)
        # Calendar years touched by the run and their first week (clipped to the run).
        last_day = end - dt.timedelta(days=1)
        self.calendar_years = list(range(start.year, last_day.year + 1))
        self.year_starts = np.array(
            [max(0.0, self.week_of(dt.date(y, 1, 1))) for y in self.calendar_years]
            + [self.horizon]
        )
        self._starts = [float(w) for w in self.year_starts]

    def week_of(self, date: dt.date) -> float:
        return (date - self.start).days / DAYS_PER_WEEK

    def year_of(self, week: float) -> int:
        """Calendar year containing simulated ``week``."""
        i = bisect_right(self._starts, week) - 1
        return self.calendar_years[min(max(i, 0), len(self.calendar_years) - 1)]

    def split_by_year(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Weeks of each interval [start, end) falling in each calendar year.

        Returns an array of shape (len(start), n_years).
        """
        lo = self.year_starts[:-1][None, :]
        hi = self.year_starts[1:][None, :]
        return np.clip(np.minimum(end[:, None], hi) - np.maximum(start[:, None], lo), 0.0, None)
