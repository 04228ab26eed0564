"""Simulated time: weeks since the experiment's start date, and calendar years.

The clock unit is one week (README of the domain: 1 month = 52/12 weeks).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right

import numpy as np

DAYS_PER_WEEK = 7.0
WEEKS_PER_YEAR = 52.0  # full-time persons = person-weeks / 52 (fuldtidspersoner)
WEEKS_PER_CALENDAR_YEAR = 365.25 / 7.0  # ages and years of life
HALF_YEAR_WEEKS = 26.0  # months 0-6 of a contact course (6 x 52/12 weeks)
# Dates and years an experiment or a policy option may name: the law files start in the
# 20th century, and a horizon of at most 60 years from the last start date stays well
# inside Python's dates.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
DATE_RANGE = f"from {FIRST_DATE} to {LAST_DATE}"


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

    def weeks_by_year(self, start: np.ndarray, end: np.ndarray, key: np.ndarray,
                      n_keys: int) -> np.ndarray:
        """Weeks of the intervals [start, end) in each calendar year, summed by ``key``
        (integers below ``n_keys``). Returns an array of shape (n_keys, n_years).

        One year at a time, so memory stays a few vectors however many intervals.
        """
        out = np.zeros((n_keys, len(self.calendar_years)))
        for i in range(len(self.calendar_years)):
            lo, hi = self.year_starts[i], self.year_starts[i + 1]
            weeks = np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0.0, None)
            out[:, i] = np.bincount(key, weights=weeks, minlength=n_keys)
        return out
