"""Dense integer keys (year, group[, municipality]) and the sums over them that every
cost item and the tables use: one np.bincount per item instead of a group-by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.benefits import REFERENCE
from sim.clock import Clock
from sim.groups import GROUP_INDEX, GROUPS

MUNICIPALITY_COLUMN = "municipality_id"
Sums = tuple[np.ndarray, np.ndarray]  # gross and state kr per key


@dataclass(frozen=True)
class Keys:
    """Dense integer keys (year, group[, municipality]) for np.bincount."""

    n_years: int
    n_municipalities: int  # 1 when not by municipality
    by_municipality: bool = False

    @property
    def size(self) -> int:
        return self.n_years * len(GROUPS) * self.n_municipalities

    def of(self, year_index: np.ndarray, group: np.ndarray, municipality: np.ndarray | None
           ) -> np.ndarray:
        key = year_index * len(GROUPS) + group
        if self.by_municipality and municipality is not None:
            key = key * self.n_municipalities + municipality
        return key

    def frame(self, clock: Clock) -> pd.DataFrame:
        idx = np.arange(self.size)
        m = idx % self.n_municipalities
        g = (idx // self.n_municipalities) % len(GROUPS)
        y = idx // (self.n_municipalities * len(GROUPS))
        df = pd.DataFrame({"year": np.asarray(clock.calendar_years)[y],
                           "group": np.asarray(GROUPS, dtype=object)[g]})
        if self.by_municipality:
            df[MUNICIPALITY_COLUMN] = m
        return df


def sum_by_key(keys: Keys, key: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` summed by ``key``: one entry per key of ``keys``."""
    return np.bincount(key, weights=values, minlength=keys.size)


def group_codes(values: Iterable) -> np.ndarray:
    """Group codes (index into GROUPS) of codes or names; an unknown name is an error."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    try:
        return np.array([GROUP_INDEX[v] for v in arr], dtype=np.int64)
    except KeyError as exc:
        raise ValueError(f"unknown group {exc.args[0]!r}; known: {', '.join(GROUPS)}") from None


def municipality_codes(df: pd.DataFrame) -> np.ndarray:
    """The frame's municipality column, or municipality 0 for every row."""
    if "municipality" in df:
        return df["municipality"].to_numpy().astype(np.int64)
    return np.zeros(len(df), dtype=np.int64)


def benefit_classes(df: pd.DataFrame) -> np.ndarray:
    """The frame's benefit classes (sim/benefits.py), or the reference class (the
    group's weekly_rate) for every row."""
    if "benefit_class" in df:
        return df["benefit_class"].to_numpy().astype(np.int64)
    return np.full(len(df), REFERENCE, dtype=np.int64)


def keys_for(clock: Clock, by_municipality: bool, *frames: pd.DataFrame | None) -> Keys:
    """Keys of the run's years and the groups, by municipality up to the highest one in
    ``frames`` when asked."""
    n_m = 1
    if by_municipality:
        n_m = 1 + max((int(municipality_codes(f).max()) for f in frames
                       if f is not None and len(f)), default=0)
    return Keys(len(clock.calendar_years), n_m, by_municipality)

