"""The effort cost per full-time person by group: simulated against the expert group's
table (``calibration/targets/unit_costs_expert_group.csv``), and the fit of the profile
of the other jobcentre operations (``finance.jobcentre.weight``) to it.

    python -m calibration.effort [--scale 0.1] [--seed 20240101] [--replications 2]
    python -m calibration.effort --run runs/baseline     # a run folder's finance and stocks
    python -m calibration.effort --fit [--floor 0.5]     # also the weights that fit the table

The effort of a group is every item of the active effort's budget lines
(:data:`calibration.spending.LINES`: activation, løntilskud, the schemes and pools, the
jobcentre operation; not the benefit) on the group's full-time persons in the year, over
those full-time persons. The table's groups are sums of the simulator's groups
(:data:`TABLE_GROUPS`). The targets are the ``effort_per_ft`` checks of
``calibration/targets/fit_targets.csv``: the table's values at the level of the 2024
budget (``calibration/targets.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from calibration import spending
from calibration.targets import EFFORT_GROUPS as TABLE_GROUPS
from calibration.targets import FIT_TARGETS
from calibration.targets import load as load_targets

YEAR = spending.YEAR
METRIC = "effort_per_ft"
WEIGHT_LEAF = "finance.jobcentre.weight"
# The simulator's groups that share one fitted weight. Revalidering (not in the table)
# keeps the ressourceforløb weight; fleksjob and førtidspension are outside the
# jobcentres' target group (weight 0, not fitted).
WEIGHT_GROUPS: dict[str, tuple[str, ...]] = {
    "uddannelseshjaelp": ("uddannelseshjaelp_uddannelsesparat",
                          "uddannelseshjaelp_aktivitetsparat"),
    "ressourceforloeb": ("ressourceforloeb", "revalidering"),
    "kontanthjaelp": ("kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat"),
    "jobafklaring": ("jobafklaring",),
    "dagpenge": ("dagpenge",),
    "sygedagpenge": ("sygedagpenge",),
    "ledighedsydelse_fleksjob": ("ledighedsydelse",),
}
DEFAULT_FLOOR = 0.5
EFFORT_ITEMS: tuple[str, ...] = spending.items_of(spending.MODELLED)


def mean_by_group(table: pd.DataFrame, column: str) -> pd.Series:
    """``column`` summed by group, the mean over the table's replications."""
    n = table["replication"].nunique() if "replication" in table else 1
    return table.groupby("group")[column].sum() / max(n, 1)


def group_costs(finance: pd.DataFrame, stocks: pd.DataFrame, year: int = YEAR,
                items: tuple[str, ...] = EFFORT_ITEMS) -> tuple[pd.DataFrame, pd.Series]:
    """Gross mio. kr by simulator group and item (``items``, a column each), and full-time
    persons by group, in ``year`` (means over replications)."""
    fin = finance[(finance["payer"] == "gross") & (finance["year"] == year)
                  & finance["item"].isin(items)]
    n = fin["replication"].nunique() if "replication" in fin else 1
    cost = fin.pivot_table(index="group", columns="item", values="mio_kr", aggfunc="sum",
                           fill_value=0.0) / max(n, 1)
    ft = mean_by_group(stocks[stocks["year"] == year], "fulltime_persons")
    return cost, ft


def by_group(finance: pd.DataFrame, stocks: pd.DataFrame, year: int = YEAR) -> pd.DataFrame:
    """The effort cost per full-time person of each table group in ``year``: columns
    ``group, label, fulltime_persons, mio_kr, kr1000_per_ft``."""
    cost, ft = group_costs(finance, stocks, year)
    total = cost.sum(axis=1)
    rows = []
    for name, (label, members) in TABLE_GROUPS.items():
        persons = float(sum(ft.get(g, 0.0) for g in members))
        mio = float(sum(total.get(g, 0.0) for g in members))
        rows.append((name, label, persons, mio, mio * 1e3 / persons if persons else np.nan))
    return pd.DataFrame(rows, columns=["group", "label", "fulltime_persons", "mio_kr",
                                       "kr1000_per_ft"])


def targets(path: Path | str = FIT_TARGETS) -> pd.DataFrame:
    """The ``effort_per_ft`` checks (group, value, tolerance) of the targets file."""
    t = load_targets(path)
    return t[t["metric"] == METRIC][["group", "value", "tolerance", "source"]]


def compare(effort: pd.DataFrame, path: Path | str = FIT_TARGETS) -> pd.DataFrame:
    """:func:`by_group` with the target, the deviation (share of the target) and whether
    it is within the tolerance."""
    out = effort.merge(targets(path), on="group", how="left")
    out["deviation"] = out["kr1000_per_ft"] / out["value"] - 1
    out["within"] = out["deviation"].abs() <= out["tolerance"]
    return out


def fit_weights(finance: pd.DataFrame, stocks: pd.DataFrame, weights: dict[str, float],
                floor: float = DEFAULT_FLOOR, path: Path | str = FIT_TARGETS
                ) -> dict[str, float]:
    """The weights of the other jobcentre operations that bring the table groups' effort
    nearest their targets (least squares of the relative deviations), each at least
    ``floor``, with the weighted full-time persons of ``weights`` kept, so the item's
    total and ``finance.jobcentre.other_per_ft`` stay.

    ``finance``/``stocks``: a run with ``weights`` in force. The other items stay as they
    are; the other operations of group g become total x w_g FT_g / sum w FT."""
    from scipy.optimize import minimize

    cost, ft = group_costs(finance, stocks)
    groups = list(weights)
    ft = pd.Series({g: float(ft.get(g, 0.0)) for g in groups})
    other = cost["jobcentre_other"] if "jobcentre_other" in cost else pd.Series(dtype=float)
    fixed = cost.sum(axis=1).reindex(groups, fill_value=0.0) - other.reindex(groups,
                                                                             fill_value=0.0)
    weighted = sum(weights[g] * ft[g] for g in groups)
    per_weighted_ft = float(other.sum()) / weighted  # mio. kr per weighted FT
    goal = targets(path).set_index("group")["value"]
    names = list(WEIGHT_GROUPS)

    def expand(x: np.ndarray) -> dict[str, float]:
        w = dict(weights)
        for name, value in zip(names, x, strict=True):
            for g in WEIGHT_GROUPS[name]:
                w[g] = float(value)
        return w

    def deviations(x: np.ndarray) -> np.ndarray:
        w = expand(x)
        out = []
        for name, (_, members) in TABLE_GROUPS.items():
            mio = sum(fixed[g] + per_weighted_ft * w[g] * ft[g] for g in members)
            out.append(mio * 1e3 / sum(ft[g] for g in members) / goal[name] - 1)
        return np.array(out)

    x0 = np.array([max(weights[WEIGHT_GROUPS[n][0]], floor) for n in names])
    keep = {"type": "eq",
            "fun": lambda x: sum(expand(x)[g] * ft[g] for g in groups) / weighted - 1}
    res = minimize(lambda x: float(np.sum(deviations(x) ** 2)), x0, method="SLSQP",
                   bounds=[(floor, 100.0)] * len(names), constraints=[keep],
                   options={"ftol": 1e-12, "maxiter": 500})
    if not res.success:
        raise RuntimeError(f"the weight fit did not converge: {res.message}")
    return expand(res.x)


def baseline_run(scale: float, seed: int, replications: int, workers: int | None = None,
                 outputs: tuple[str, ...] = ("finance", "stocks"),
                 parameters: dict | None = None):
    """The current law in 2024 (one year) with ``parameters`` overridden: the run's
    results (sim.api.Results) with ``outputs``."""
    from sim.api import run

    return run({"name": "effort_check", "start": f"{YEAR}-01-01", "years": 1,
                "scale": scale, "seed": seed, "replications": replications,
                "scenarios": {"baseline": {"policies": ["current_law_2024"],
                                           "parameters": parameters or {}}},
                "outputs": list(outputs)}, workers=workers, progress=False)


def baseline_tables(scale: float, seed: int, replications: int,
                    workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The finance and stocks tables of the current law in 2024 (one year)."""
    res = baseline_run(scale, seed, replications, workers)
    return res.finance, res.stocks


def read_run(folder: Path, scenario: str = "baseline", command: str = "calibration.effort"
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The finance and stocks tables of ``scenario`` in a run folder (``command`` names
    the reader in an error)."""
    from sim.errors import InputError

    tables = []
    for name in ("finance.csv", "stocks.csv"):
        if not (folder / name).is_file():
            raise InputError(command, "--run", str(folder),
                             "a run folder with finance.csv and stocks.csv (outputs: "
                             "finance, stocks)")
        table = pd.read_csv(folder / name)
        if "scenario" in table:
            if scenario not in set(table["scenario"]):
                raise InputError(str(folder / name), "--scenario", scenario, ", ".join(
                    sorted(set(table["scenario"]))))
            table = table[table["scenario"] == scenario]
        tables.append(table)
    return tables[0], tables[1]


def format_table(df: pd.DataFrame) -> str:
    out = [f"{'group':26} {'FT':>9} {'mio. kr':>8} {'sim':>6} {'target':>6} {'deviation':>9}"]
    for r in df.itertuples():
        out.append(f"{r.label:26} {r.fulltime_persons:>9,.0f} {r.mio_kr:>8,.0f} "
                   f"{r.kr1000_per_ft:>6.1f} {r.value:>6.1f} {100 * r.deviation:>+8.1f} %"
                   + ("" if r.within else "  outside"))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m calibration.effort",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", default=None, help="a run folder (finance.csv, stocks.csv) "
                    "instead of a run")
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--replications", type=int, default=2)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--fit", action="store_true", help="also print the fitted "
                    f"{WEIGHT_LEAF}")
    ap.add_argument("--floor", type=float, default=DEFAULT_FLOOR,
                    help="the least weight a group may get in the fit")
    ap.add_argument("--scenario", default="baseline", help="the scenario of --run to read")
    args = ap.parse_args(argv)
    if args.run:
        finance, stocks = read_run(Path(args.run), args.scenario)
    else:
        finance, stocks = baseline_tables(args.scale, args.seed, args.replications,
                                          args.workers)
    print(f"Effort cost per full-time person {YEAR}, 1,000 kr (2024 prices), gross: "
          f"simulated and the expert group's table at the 2024 level ({FIT_TARGETS.name})")
    print(format_table(compare(by_group(finance, stocks))))
    if args.fit:
        from sim import lawbook

        old = lawbook.base().value(WEIGHT_LEAF, dt.date(YEAR, 1, 1))
        new = fit_weights(finance, stocks, old, args.floor)
        print(f"\nfitted {WEIGHT_LEAF} (floor {args.floor}; weighted full-time persons "
              "kept):")
        for g, w in new.items():
            print(f"  {g}: {w:.3f}   (was {old[g]})")
    return 0


if __name__ == "__main__":
    from sim.errors import exit_with

    exit_with(main)
