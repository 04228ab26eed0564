"""Spell durations as VIVE measured them: spells across VIVE's four groups and the share
of them still open at the end of the observation years ("censored").

VIVE followed the spells started 2011-2019 to December 2019 (calibration/targets/
exit_routes.csv). The fit measures the same share in a separate stationary run
(``duration_run``), since a one-year fit run sees long spells only through the start
stock; the backtest measures it on its own 2011-2019 run (calibration/backtest.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from calibration.targets import FIT_YEAR, SPELL_YEARS, VIVE_GROUPS, stock_path_factor
from sim.clock import Clock
from sim.experiment import validate
from sim.groups import GROUPS
from sim.runner import run_shard
from sim.scenario import scenarios

# The duration run: a stationary run from the fit year of a burn-in and VIVE's nine
# years, at a small scale (at most DURATION_SCALE, never above the fit's scale), its
# citizens split into shards run by DURATION_WORKERS processes (the same records).
DURATION_SCALE = 0.03
DURATION_BURN_IN = 1
DURATION_WORKERS = 2

VIVE_INDEX = {g: name for name, (_, members) in VIVE_GROUPS.items() for g in members}


def vive_spells(segments: pd.DataFrame) -> pd.DataFrame:
    """VIVE's spells from the stays (``citizen, group, start, end``; group a name or an
    index into GROUPS): consecutive stays of a citizen in VIVE's four groups, without a
    gap, are one spell (a move between the groups does not end it); a move out of them
    or a gap ends it. Columns ``start, end, group``: the VIVE group of the last stay (the
    group held just before the spell ended, or at the end of the run)."""
    seg = segments.sort_values(["citizen", "start"], kind="stable")
    groups = seg["group"].to_numpy()
    if len(groups) and not isinstance(groups[0], str):
        groups = np.asarray(GROUPS, dtype=object)[groups.astype(int)]
    vive = np.asarray([VIVE_INDEX.get(g) for g in groups], dtype=object)
    keep = vive != None  # noqa: E711 - elementwise
    cit = seg["citizen"].to_numpy()[keep]
    start = seg["start"].to_numpy(dtype=float)[keep]
    end = seg["end"].to_numpy(dtype=float)[keep]
    vive = vive[keep]
    first = np.ones(len(cit), dtype=bool)
    first[1:] = ~((cit[1:] == cit[:-1]) & (start[1:] == end[:-1]))
    idx = np.flatnonzero(first)
    last = np.r_[idx[1:] - 1, len(cit) - 1].astype(int)
    return pd.DataFrame({"start": start[idx], "end": end[last], "group": vive[last]})


def censored_shares(spells: pd.DataFrame, window_start: float, window_end: float
                    ) -> dict[tuple[str, str], float]:
    """Share of the VIVE spells started in [window_start, window_end) weeks that are
    still open at window_end, by the VIVE group they are attributed to (VIVE's measure:
    the spells of 2011-2019 still open in December 2019, "censored")."""
    out: dict[tuple[str, str], float] = {}
    inside = spells[(spells["start"] >= window_start) & (spells["start"] < window_end)]
    for name in VIVE_GROUPS:
        part = inside[inside["group"] == name]
        out[("censored_share", name)] = 100 * float((part["end"] >= window_end).mean()) \
            if len(part) else math.nan
    return out


def prepared(experiment: dict, source: str):
    """The validated experiment, with its element steps, and its first scenario's spec."""
    full, specs, _ = scenarios(validate(experiment, source), source)
    return full, specs[0]


def _duration_shard(values: dict, scale: float, seed: int, years: int, shard: int,
                    shards: int) -> pd.DataFrame:
    """The VIVE spells of one shard of the duration run (citizens do not interact, so the
    shards together give the run's records)."""
    full, spec = prepared(dict(
        name="calibrate_durations", start=f"{FIT_YEAR}-01-01", years=years, scale=scale,
        seed=seed, replications=1, outputs=["stocks"],
        scenarios={"fit": {"policies": ["current_law_2024"],
                           "parameters": copy.deepcopy(values)}}), "<calibrate>")
    ledger = run_shard(full, spec, 0, shard, shards).ledger
    return vive_spells(ledger.segments()[["citizen", "group", "start", "end"]])


def duration_run(values: dict, scale: float, seed: int,
                 workers: int = DURATION_WORKERS) -> dict[tuple[str, str], float]:
    """Censored shares without the start stock: a stationary run from 1 January of the fit
    year (current law, flat cycle) of DURATION_BURN_IN years and then VIVE's nine years;
    the spells started in those nine years and still open at their end, by VIVE group,
    carried to VIVE's stock path (calibration.targets.stock_path_factor)."""
    first, last = SPELL_YEARS
    years = DURATION_BURN_IN + last + 1 - first
    scale = min(scale, DURATION_SCALE)
    workers = max(1, min(workers, os.cpu_count() or 1))
    if workers == 1:
        spells = _duration_shard(values, scale, seed, years, 0, 1)
    else:
        with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=1) as pool:
            parts = list(pool.map(_duration_shard, *zip(*[
                (values, scale, seed, years, k, workers) for k in range(workers)],
                strict=True)))
        spells = pd.concat(parts, ignore_index=True)
    clock = Clock(dt.date(FIT_YEAR, 1, 1), years)
    start = clock.week_of(dt.date(FIT_YEAR + DURATION_BURN_IN, 1, 1))
    shares = censored_shares(spells, start, clock.horizon)
    return {key: share * stock_path_factor(key[1])[0] for key, share in shares.items()}
