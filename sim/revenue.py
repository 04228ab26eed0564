"""The revenue (provenu) table in the costing convention's columns (sim/convention.py).

For each reform against the baseline, and for each of its elements (step k against step
k - 1 of ``compare.elements``), the paired revenue by convention column: ``drift``,
``oevo``, ``anden_indsats`` and ``afledt_ydelse`` (minus the change in public expenditure
of the finance items in each column; public total = state + municipalities) and
``beskaeftigelse`` (the change in employment, ``sim.compare.EMPLOYMENT_DOC``, x
``convention.employment_value``), with their ``total``. By calendar year, and a
``permanent`` effect: the mean over a window of years of a run extended to a steady state
(``compare.permanent``), else the last simulated year. Means and 95 % Student-t
intervals over the paired replications (common random numbers); the state's and the
municipalities' parts of the four spending columns beside the public total (the
employment effect is not split by payer).

Revenue is positive when public finances improve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.convention import (
    COLUMNS,
    EMPLOYMENT_COLUMN,
    ITEM_COLUMN,
    SPENDING_COLUMNS,
    TOTAL,
    column_of,
    employment_value,
)
from sim.stats import SteadyState, mean_ci, steady_state

KR_PER_MIO = 1e6
PAYER_ROWS = {"gross": "public_total", "state": "state", "municipality": "municipalities"}
TABLE_COLUMNS = ["scenario", "order", "element", "period", "payer", "column", "estimate",
                 "ci_low", "ci_high", "half_width", "replications", "permanent_years",
                 "steady_state"]
WHOLE = "all elements"  # the element label of a reform's whole effect (order 0)

# (before, after) -> the paired change in employment (full-time persons), year x replication
EmploymentOf = Callable[[str, str], pd.DataFrame]


@dataclass(frozen=True)
class Pair:
    """One effect: ``after`` against ``before``; order 0 is the reform's whole effect,
    order k its k-th element."""

    scenario: str
    order: int
    element: str
    before: str
    after: str


@dataclass(frozen=True)
class Permanent:
    """How the permanent effect is taken: the mean over ``window`` (calendar years) of the
    scenarios named by ``names`` (main -> extended run), judged steady with
    ``tolerance``; without ``names``, the main run's last year, not judged."""

    window: tuple[int, ...]
    names: dict[str, str] = field(default_factory=dict)
    tolerance: float | None = None

    @property
    def tested(self) -> bool:
        return bool(self.names)

    @property
    def label(self) -> str:
        lo, hi = self.window[0], self.window[-1]
        return str(lo) if lo == hi else f"{lo}-{hi}"


def spending_columns(finance: pd.DataFrame, before: str, after: str,
                     payer: str = "gross") -> dict[str, pd.DataFrame]:
    """Revenue of ``after`` against ``before`` in each spending column: minus the paired
    change in the expenditure of the column's items over all groups, year x replication
    (the replications both ran), mio. kr; a missing row counts as zero."""
    f = finance[(finance["payer"] == payer) & finance["scenario"].isin([before, after])]
    unknown = sorted(set(f["item"]) - set(ITEM_COLUMN))
    if unknown:
        column_of(unknown[0])  # raises, naming the item
    f = f.assign(column=f["item"].map(ITEM_COLUMN))
    wide = {s: f[f["scenario"] == s].groupby(["column", "year", "replication"])["mio_kr"]
            .sum().unstack("replication") for s in (before, after)}
    reps = sorted(set(wide[before].columns) & set(wide[after].columns))
    years = sorted({int(y) for w in wide.values() for y in w.index.get_level_values("year")})
    index = pd.MultiIndex.from_product([SPENDING_COLUMNS, years], names=["column", "year"])
    b, a = (wide[s].reindex(index=index, columns=reps).fillna(0.0) for s in (before, after))
    diff = -(a - b)
    return {c: diff.loc[c] for c in SPENDING_COLUMNS}


def employment_column(employment: pd.DataFrame) -> pd.DataFrame:
    """The employment effect in mio. kr: the change in employment (full-time persons,
    year x replication) x ``convention.employment_value`` of the year."""
    value = np.array([employment_value(int(y)) for y in employment.index])
    return employment.mul(value, axis=0) / KR_PER_MIO


def public_columns(finance: pd.DataFrame, employment: pd.DataFrame, before: str,
                   after: str) -> dict[str, pd.DataFrame]:
    """Every convention column and the total, public finances (state + municipalities),
    year x replication, on the years and replications both sources have."""
    cols = spending_columns(finance, before, after)
    emp = employment_column(employment)
    years = cols[SPENDING_COLUMNS[0]].index.intersection(emp.index)
    reps = [r for r in cols[SPENDING_COLUMNS[0]].columns if r in set(emp.columns)]
    out = {c: cols[c].loc[years, reps] for c in SPENDING_COLUMNS}
    out[EMPLOYMENT_COLUMN] = emp.loc[years, reps]
    out[TOTAL] = sum(out[c] for c in COLUMNS)
    return out


def _rows(pair: Pair, period: str, payer: str, values: dict[str, pd.Series],
          permanent_years: str = "", steady: str = "") -> list[dict]:
    rows = []
    for column, v in values.items():
        mean, half = mean_ci(np.asarray(v, dtype=float)[None, :])
        m, h = float(mean[0]), float(half[0])
        rows.append({"scenario": pair.scenario, "order": pair.order, "element": pair.element,
                     "period": period, "payer": payer, "column": column, "estimate": m,
                     "ci_low": m - h, "ci_high": m + h, "half_width": h,
                     "replications": len(v), "permanent_years": permanent_years,
                     "steady_state": steady})
    return rows


def judge(finance: pd.DataFrame, employment_of: EmploymentOf, pair: Pair,
          permanent: Permanent) -> SteadyState:
    """The steady-state test of a pair's total revenue over the permanent window of the
    extended run (sim.stats.steady_state)."""
    total = public_columns(finance, employment_of(permanent.names[pair.before],
                                                  permanent.names[pair.after]),
                           permanent.names[pair.before], permanent.names[pair.after])[TOTAL]
    window = list(permanent.window)
    return steady_state(window, total.loc[window].to_numpy(), permanent.tolerance or 0.0)


def convention_table(finance: pd.DataFrame, employment_of: EmploymentOf, pairs: list[Pair],
                     permanent: Permanent | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The revenue table in the convention's columns (``TABLE_COLUMNS``), and the
    steady-state test of each reform's total (empty without an extended run).

    ``permanent``: how the permanent effect is taken (default: the last year of each
    pair's run). The steady-state verdict of a reform holds for its elements too.
    """
    rows: list[dict] = []
    tests: list[dict] = []
    verdict: dict[str, str] = {}
    for pair in sorted(pairs, key=lambda p: p.order):  # the whole reform first
        main = public_columns(finance, employment_of(pair.before, pair.after), pair.before,
                              pair.after)
        payers = {p: spending_columns(finance, pair.before, pair.after, p)
                  for p in ("state", "municipality")}
        years = list(main[TOTAL].index)
        for year in years:
            rows += _rows(pair, str(year), "public_total",
                          {c: main[c].loc[year] for c in (*COLUMNS, TOTAL)})
            for p, cols in payers.items():
                rows += _rows(pair, str(year), PAYER_ROWS[p],
                              {c: cols[c].loc[year, main[TOTAL].columns]
                               for c in SPENDING_COLUMNS})
        rule = permanent if permanent is not None and permanent.tested else \
            Permanent((int(years[-1]),))
        if rule.tested:
            before, after = rule.names[pair.before], rule.names[pair.after]
            frames = public_columns(finance, employment_of(before, after), before, after)
            payers = {p: spending_columns(finance, before, after, p)
                      for p in ("state", "municipality")}
            if pair.order == 0:
                st = judge(finance, employment_of, pair, rule)
                verdict[pair.scenario] = "reached" if st.reached else "not reached"
                tests.append({"scenario": pair.scenario, "measure": "total revenue, mio. kr",
                              "window": rule.label, "end_year": rule.window[-1],
                              "level": st.level, "level_half_width": st.level_half_width,
                              "slope": st.slope, "slope_half_width": st.slope_half_width,
                              "drift": st.drift, "allowed_drift": st.allowed,
                              "tolerance": rule.tolerance, "reached": st.reached})
            steady = verdict.get(pair.scenario, "")
        else:
            frames, steady = main, "not tested: the last simulated year"
        window = list(rule.window)
        reps = frames[TOTAL].columns
        rows += _rows(pair, "permanent", "public_total",
                      {c: frames[c].loc[window].mean(axis=0) for c in (*COLUMNS, TOTAL)},
                      rule.label, steady)
        for p, cols in payers.items():
            rows += _rows(pair, "permanent", PAYER_ROWS[p],
                          {c: cols[c].loc[window, reps].mean(axis=0)
                           for c in SPENDING_COLUMNS}, rule.label, steady)
    return pd.DataFrame(rows, columns=TABLE_COLUMNS), pd.DataFrame(tests)
