"""Historical backtest 2011-2019: ``python -m sim backtest`` (``python -m calibration.backtest``).

Runs ``experiments/backtest_2011.yaml``: the observed 2011 stocks, the law of 2010 with
the reforms of 2010-2019 applied in date order (policies/historical.py), the fitted
behavioural parameters unchanged (no per-year tuning) and an assumed unemployment path.
Compares the simulated full-time persons by group and year with VIVE Tabel 5.4
(calibration/targets/stocks_fulltime_persons.csv) and writes ``backtest.csv`` and
``backtest_report.html`` with PNG figures into ``--out``. None of the 2011-2019 stocks
after the 2011 start values is used in fitting (the fit year is 2024).
"""

from __future__ import annotations

import argparse
import html as _html
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import policies
from calibration.durations import censored_shares, prepared, vive_spells
from calibration.targets import STOCK_SERIES, TARGETS_DIR
from calibration.targets import load as load_targets
from sim.clock import Clock
from sim.errors import InputError, out_folder, scale_share
from sim.html import figure_png, img, page, table

EXPERIMENT = Path(__file__).resolve().parents[1] / "experiments" / "backtest_2011.yaml"
YEARS = range(2011, 2020)


def experiment(scale: float, seed: int, path: Path = EXPERIMENT) -> dict:
    try:
        exp = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(str(path), "file", str(path), f"a readable file ({exc.strerror})") \
            from None
    exp["scale"], exp["seed"] = scale, seed
    registry = policies.registered()
    for scenario in exp["scenarios"].values():
        names = scenario.get("policies", [])
        missing = [n for n in names if n not in registry]
        if missing:
            # Without the historical policies the base law files still hold the dated
            # history of the reforms.
            print("note: policies " + ", ".join(missing) + " not registered; running the "
                  "base law files with their dated history")
            scenario["policies"] = ["current_law_2024"]
    return exp


def observed() -> pd.DataFrame:
    stocks = pd.read_csv(TARGETS_DIR / "stocks_fulltime_persons.csv")
    rows = []
    for name, (series, _) in STOCK_SERIES.items():
        row = stocks[(stocks["dataset"] == "vive_t5.4") & (stocks["group"] == series)].iloc[0]
        for y in YEARS:
            rows.append((name, y, float(row[f"y{y}"])))
    six = stocks[(stocks["dataset"] == "vive_t5.4") & (stocks["group"] == "SUM six groups")]
    rows += [("six_groups", y, float(six.iloc[0][f"y{y}"])) for y in YEARS]
    return pd.DataFrame(rows, columns=["group", "year", "observed"])


def compare(stocks: pd.DataFrame) -> pd.DataFrame:
    ft = stocks.groupby(["year", "group"])["fulltime_persons"].mean()
    rows = []
    for name, (_, members) in STOCK_SERIES.items():
        for y in YEARS:
            rows.append((name, y, float(sum(ft.get((y, g), 0.0) for g in members))))
    sim = pd.DataFrame(rows, columns=["group", "year", "simulated"])
    six = sim[~sim["group"].isin(["fleksjob", "foertidspension"])].groupby("year",
                                                                          as_index=False).sum()
    sim = pd.concat([sim, six.assign(group="six_groups")[["group", "year", "simulated"]]])
    out = observed().merge(sim, on=["group", "year"])
    out["error"] = out["simulated"] - out["observed"]
    out["error_pct"] = np.where(out["observed"] > 0, 100 * out["error"] / out["observed"],
                                np.nan)
    return out


def write(out: Path, df: pd.DataFrame, cens: pd.DataFrame, exp: dict) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "backtest.csv", index=False)
    cens.to_csv(out / "backtest_censored.csv", index=False)
    groups = list(dict.fromkeys(df["group"]))
    fig, axes = plt.subplots(3, 3, figsize=(12, 10))
    for ax, g in zip(axes.flat, groups, strict=False):
        part = df[df["group"] == g]
        ax.plot(part["year"], part["observed"], "o-", color="#555", label="observed")
        ax.plot(part["year"], part["simulated"], "s--", color="C0", label="simulated")
        ax.set_title(g, fontsize=9)
        ax.set_ylim(bottom=0)
    axes.flat[0].legend()
    fig.suptitle("Full-time persons 2011-2019: observed (VIVE T5.4) and simulated")
    fig.tight_layout()
    body = [f'<p class="headline">Experiment {_html.escape(exp["name"])}: start '
            f'{exp["start"]}, {exp["years"]} years, scale {exp["scale"]}, seed {exp["seed"]}; '
            f'policies: {_html.escape(", ".join(exp["scenarios"]["backtest"]["policies"]))}; '
            f'unemployment {exp.get("unemployment")}. Behavioural parameters: the fitted '
            "2024 values, unchanged in every year.</p>",
            img(figure_png(fig, out / "backtest_stocks.png"), "Observed and simulated FT")]
    wide = df.pivot_table(index="group", columns="year", values="error_pct").reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide["mean |error| %"] = wide[[str(y) for y in YEARS]].abs().mean(axis=1)
    body.append("<h2>Error per year (simulated - observed, % of observed)</h2>"
                + table(wide, 1))
    body.append("<h2>Spells of 2011-2019 still open at the end of 2019 (%)</h2>"
                "<p>VIVE's spells (moves between its four groups continue a spell) started "
                "in the run and still open at its end, against VIVE's censored shares "
                "(calibration/targets/exit_routes.csv). The fit matches the "
                "aktivitetsparate share in a stationary run carried to VIVE's stock path; "
                "here the simulated 2011-2019 path carries it.</p>" + table(cens, 1))
    body.append("<h2>All values</h2>" + table(df, 0))
    path = out / "backtest_report.html"
    path.write_text(page("Historical backtest 2011-2019", body), encoding="utf-8")
    return path


def censored(spells: pd.DataFrame, end: float) -> pd.DataFrame:
    """VIVE's spells started in the run (the start stock's, at time 0, left out) and still
    open at its end (week ``end``), by VIVE group, against VIVE's shares (exit_routes.csv,
    "censored")."""
    sim = censored_shares(spells[spells["start"] > 0], 0.0, end)
    targets = load_targets()
    rows = targets[targets["metric"] == "censored_share"]
    out = pd.DataFrame({"group": rows["group"], "observed": rows["value"].astype(float),
                        "simulated": [sim[("censored_share", g)] for g in rows["group"]]})
    out["error_pp"] = out["simulated"] - out["observed"]
    return out.reset_index(drop=True)


def run_backtest(scale: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Stocks by group and year against VIVE T5.4, and the censored shares against VIVE's."""
    from sim.runner import finish, run_shard

    exp = experiment(scale, seed)
    full, spec = prepared(exp, str(EXPERIMENT))
    part = run_shard(full, spec, 0)
    spells = vive_spells(part.ledger.segments()[["citizen", "group", "start", "end"]])
    stocks = finish(full, spec, [part]).tables["stocks"]
    end = Clock(full.start, full.years).horizon
    return compare(stocks), censored(spells, end), exp


def main(args) -> int:
    out = out_folder(args.out)
    scale_share("backtest", args.scale)
    df, cens, exp = run_backtest(args.scale, args.seed)
    path = write(out, df, cens, exp)
    if not args.quiet:
        wide = df.pivot_table(index="group", columns="year", values="error_pct").round(1)
        print("error, % of observed (simulated - observed):")
        print(wide.to_string())
        print("spells of 2011-2019 still open at the end of 2019, %:")
        print(cens.round(1).to_string(index=False))
        print(f"report: {path}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument("--out", default="runs/backtest")
    parser.add_argument("--quiet", action="store_true")
    raise SystemExit(main(parser.parse_args()))
