"""Tidy tables from a replication's ledger, in the analysts' conventions.

Full-time persons are person-weeks / 52; every count is weighted by 1 / scale so
tables speak of the whole population whatever the sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.clock import WEEKS_PER_YEAR, Clock
from sim.groups import GROUPS
from sim.ledger import Ledger

KEYS = ["scenario", "replication"]


def stocks(ledger: Ledger, clock: Clock, scale: float) -> pd.DataFrame:
    seg = ledger.segments()
    weeks = clock.split_by_year(seg["start"].to_numpy(), seg["end"].to_numpy())
    groups = seg["group"].to_numpy()
    rows = []
    for gi, g in enumerate(GROUPS):
        per_year = weeks[groups == gi].sum(axis=0) / WEEKS_PER_YEAR / scale
        for yi, year in enumerate(clock.calendar_years):
            rows.append((year, g, float(per_year[yi])))
    return pd.DataFrame(rows, columns=["year", "group", "fulltime_persons"])


def flows(ledger: Ledger, scale: float) -> pd.DataFrame:
    rows = [(y, g, k, d, n / scale) for (y, g, k, d), n in ledger.flows.items()]
    df = pd.DataFrame(rows, columns=["year", "group", "kind", "destination", "count"])
    return df.sort_values(["year", "group", "kind", "destination"], ignore_index=True)


def headcounts(ledger: Ledger, clock: Clock, scale: float) -> pd.DataFrame:
    """Persons in each group at the start and end of each calendar year.

    A person is counted at instant t when start < t <= end of a segment, which
    matches flows dated at the instant they happen (stock + in - out = next stock).
    The run starts with a warm-up, so people present at the start date entered before it.
    """
    seg = ledger.segments()
    start, end, groups = seg["start"].to_numpy(), seg["end"].to_numpy(), seg["group"].to_numpy()
    rows = []
    bounds = clock.year_starts
    for gi, g in enumerate(GROUPS):
        s, e = np.sort(start[groups == gi]), np.sort(end[groups == gi])

        def present(t: float, s=s, e=e) -> float:
            return float(np.searchsorted(s, t, side="left") - np.searchsorted(e, t, side="left"))

        for yi, year in enumerate(clock.calendar_years):
            rows.append((year, g, present(bounds[yi]) / scale, present(bounds[yi + 1]) / scale))
    return pd.DataFrame(rows, columns=["year", "group", "persons_start", "persons_end"])


def spells(ledger: Ledger) -> pd.DataFrame:
    df = pd.DataFrame(ledger.spells, columns=["citizen", "start_week", "end_week", "group_first",
                                              "group_last", "destination"])
    return df.sort_values(["citizen", "start_week"], ignore_index=True)


def tables(ledger: Ledger, clock: Clock, scale: float, outputs: list[str]
           ) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    if "stocks" in outputs:
        out["stocks"] = stocks(ledger, clock, scale)
    if "flows" in outputs:
        out["flows"] = flows(ledger, scale)
    if "headcounts" in outputs:
        out["headcounts"] = headcounts(ledger, clock, scale)
    if "spells" in outputs:
        out["spells"] = spells(ledger)
    return out
