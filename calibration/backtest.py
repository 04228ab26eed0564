"""Historical backtest 2011-2019: ``python -m sim backtest`` (``python -m calibration.backtest``).

Runs ``experiments/backtest_2011.yaml``: the observed 2011 stocks placed on 1 January
2011, the law of 2010 with the reforms of 2010-2019 applied in date order
(policies/historical.py), the fitted behavioural parameters unchanged (no per-year
tuning) and an assumed unemployment path. Compares the simulated full-time persons by
group and year with VIVE Tabel 5.4 (calibration/targets/stocks_fulltime_persons.csv) and
writes ``backtest.csv`` and ``backtest_report.html`` with PNG figures into ``--out``.
None of the 2011-2019 stocks after the 2011 start values is used (the fit year is 2024).

The seeds give no inflows of new spells by year, so the backtest needs a rule for them:

- the 2011 level is the inflow that keeps the observed 2011 stock stationary under the
  law it built up under, the law of 2010 (``--derive-inflows`` computes it; the
  experiment file holds it);
- ``--inflows held`` (the default) keeps that 2011 level: the run then uses nothing
  observed after 2011 but the law, the unemployment path and the fitted behaviour;
  ``--inflows path`` moves each group's inflow in a straight line from the 2011 level to
  the fitted 2024 level (calibration/params/fitted.yaml), one value a year. The report
  shows both: the difference is what the 2024 anchor adds.
"""

from __future__ import annotations

import datetime as dt
import html as _html
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import policies
from calibration.durations import censored_shares, prepared, vive_spells
from calibration.targets import FIT_YEAR, STOCK_SERIES, TARGETS_DIR
from calibration.targets import load as load_targets
from sim import lawbook
from sim.clock import Clock
from sim.errors import InputError, out_folder, scale_share
from sim.html import figure_png, img, page, table

EXPERIMENT = Path(__file__).resolve().parents[1] / "experiments" / "backtest_2011.yaml"
YEARS = range(2011, 2020)
INFLOWS = "population.new_spells_per_year"
INFLOW_RULES = ("held", "path")
# The law under which the 2011 stock built up, held for the derivation of the 2011
# inflows: the law of 1 January 2010, with 4 years for every dagpenge period (the 2010
# reform's 2 years reached the stock only from mid-2012, time_limits.dagpenge.transition).
STOCK_LAW = ["law_of_2010"]
# The derivation's run: DERIVE_YEARS years of STOCK_LAW from the 2011 stock; the
# stock of the years after the first is held to the 2011 stock.
DERIVE_YEARS = 3
# Series of the 2011 stock whose inflow the derivation sets: (start-stock groups summed,
# groups whose inflow moves with it). Kontanthjælp is one series, as in VIVE T5.4 (its
# split by readiness is derived from T3.3); under the law of 2010 young entrants of
# uddannelseshjælp are on kontanthjælp (sim/groups.py age_adjusted). Fleksjob,
# jobafklaring and ressourceforløb have no inflow from outside; førtidspension's stock
# is not stationary (it fell by 15 % in 2011-2019) and keeps the fitted inflow.
KH = ("kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat")
DERIVED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dagpenge": (("dagpenge",), ("dagpenge",)),
    "kontanthjaelp": (KH, KH + ("uddannelseshjaelp_uddannelsesparat",
                                "uddannelseshjaelp_aktivitetsparat")),
    "sygedagpenge": (("sygedagpenge",), ("sygedagpenge",)),
    "revalidering": (("revalidering",), ("revalidering",)),
    "ledighedsydelse": (("ledighedsydelse",), ("ledighedsydelse",)),
}


def inflow_path(first: dict[str, float], years: range = YEARS) -> dict[str, dict]:
    """Yearly inflows on a straight line from ``first`` (1 January of the first year) to
    the fitted level of 1 January of the fit year: {date: {group: spells a year}}."""
    last = lawbook.value(INFLOWS, dt.date(FIT_YEAR, 1, 1))
    span = FIT_YEAR - years[0]
    return {dt.date(y, 1, 1).isoformat(): {
                g: round(first[g] + (last[g] - first[g]) * (y - years[0]) / span, 1)
                for g in first}
            for y in years}


def experiment(scale: float, seed: int, path: Path = EXPERIMENT,
               inflows: str = "held") -> dict:
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
        if inflows == "path" and INFLOWS in scenario.get("parameters", {}):
            scenario["parameters"][INFLOWS] = inflow_path(scenario["parameters"][INFLOWS])
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


def within(df: pd.DataFrame, band: float = 10.0) -> str:
    """'k of n': group-years within ``band`` % of the observed, of those compared."""
    err = df["error_pct"].dropna()
    return f"{int((err.abs() <= band).sum())} of {len(err)}"


def write(out: Path, runs: dict[str, pd.DataFrame], cens: pd.DataFrame, exp: dict) -> Path:
    """The report: ``runs`` holds the comparison of each inflow rule, the first shown in
    full."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    both = pd.concat([df.assign(inflows=rule) for rule, df in runs.items()],
                     ignore_index=True)
    both.to_csv(out / "backtest.csv", index=False)
    cens.to_csv(out / "backtest_censored.csv", index=False)
    main_rule = next(iter(runs))
    df = runs[main_rule]
    groups = list(dict.fromkeys(df["group"]))
    fig, axes = plt.subplots(3, 3, figsize=(12, 10))
    for ax, g in zip(axes.flat, groups, strict=False):
        part = df[df["group"] == g]
        ax.plot(part["year"], part["observed"], "o-", color="#555", label="observed")
        for k, (rule, run) in enumerate(runs.items()):
            sim = run[run["group"] == g]
            ax.plot(sim["year"], sim["simulated"], "s--" if k == 0 else ":", color=f"C{k}",
                    label=f"simulated, inflows {rule}")
        ax.set_title(g, fontsize=9)
        ax.set_ylim(bottom=0)
    axes.flat[0].legend(fontsize=7)
    fig.suptitle("Full-time persons 2011-2019: observed (VIVE T5.4) and simulated")
    fig.tight_layout()
    counts = "; ".join(f"inflows {rule}: {within(run)}"
                       for rule, run in runs.items())
    body = [f'<p class="headline">Experiment {_html.escape(exp["name"])}: start '
            f'{exp["start"]}, {exp["years"]} years, scale {exp["scale"]}, seed {exp["seed"]}; '
            f'policies: {_html.escape(", ".join(exp["scenarios"]["backtest"]["policies"]))}; '
            f'unemployment {exp.get("unemployment")}. Behavioural parameters: the fitted '
            "2024 values, unchanged in every year. The observed 2011 stocks are placed on "
            "1 January 2011.</p>"
            "<p>Inflows of new spells (the seeds give none by year): <b>held</b> keeps the "
            "2011 level, the inflow that holds the 2011 stock stationary under the law of "
            "1 January 2010 and the 2011 unemployment (experiments/backtest_2011.yaml); "
            "<b>path</b> moves it in a straight line to the fitted 2024 level. "
            "Group-years within &plusmn;10 % "
            f"of the observed: {_html.escape(counts)}.</p>",
            img(figure_png(fig, out / "backtest_stocks.png"), "Observed and simulated FT")]
    for rule, run in runs.items():
        wide = run.pivot_table(index="group", columns="year", values="error_pct")
        wide = wide.reset_index()
        wide.columns = [str(c) for c in wide.columns]
        wide["mean |error| %"] = wide[[str(y) for y in YEARS]].abs().mean(axis=1)
        body.append(f"<h2>Error per year, inflows {rule} (simulated - observed, % of "
                    "observed)</h2>" + table(wide, 1))
    body.append(f"<h2>Spells of 2011-2019 still open at the end of 2019 (%), inflows "
                f"{main_rule}</h2>"
                "<p>VIVE's spells (moves between its four groups continue a spell) started "
                "in the run and still open at its end, against VIVE's censored shares "
                "(calibration/targets/exit_routes.csv). The fit matches the "
                "aktivitetsparate share in a stationary run carried to VIVE's stock path; "
                "here the simulated 2011-2019 path carries it.</p>" + table(cens, 1))
    body.append("<h2>All values</h2>" + table(both, 0))
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


def _run(exp: dict, source: str):
    """One run of an experiment dict: its stocks table and its VIVE spells."""
    from sim.runner import finish, run_shard

    full, spec = prepared(exp, source)
    part = run_shard(full, spec, 0)
    spells = vive_spells(part.ledger.segments()[["citizen", "group", "start", "end"]])
    return full, finish(full, spec, [part]).tables["stocks"], spells


def run_backtest(scale: float, seed: int, inflows: str = "held", path: Path = EXPERIMENT
                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Stocks by group and year against VIVE T5.4, and the censored shares against VIVE's."""
    exp = experiment(scale, seed, path, inflows)
    full, stocks, spells = _run(exp, str(path))
    end = Clock(full.start, full.years).horizon
    return compare(stocks), censored(spells, end), exp


def _stationary_run(scale: float, seed: int, path: Path) -> tuple[dict, dict, dict, int]:
    """The derivation's experiment (DERIVE_YEARS years of STOCK_LAW and the 2011
    unemployment rate from the 2011 stock), its parameters, the stock it holds and its
    first year."""
    exp = experiment(scale, seed, path, "held")
    scenario = next(iter(exp["scenarios"].values()))
    params = scenario.setdefault("parameters", {})
    first = int(str(exp["start"])[:4])
    exp.update(years=DERIVE_YEARS, outputs=["stocks"],
               unemployment={first + k: exp["unemployment"][first]
                             for k in range(DERIVE_YEARS)})
    scenario["policies"] = list(STOCK_LAW)
    return exp, params, params["population.start_stock"], first


def stationarity(inflows: dict[str, float], scale: float, seed: int,
                 path: Path = EXPERIMENT) -> dict[str, float]:
    """Simulated over observed 2011 stock of each series in ``DERIVED``: the mean
    full-time persons of the years after the first of the derivation's run with
    ``inflows``, over the start stock. 1.0 = the inflows hold the 2011 stock."""
    exp, params, target, first = _stationary_run(scale, seed, path)
    params[INFLOWS] = {g: round(float(v), 1) for g, v in inflows.items()}
    _, stocks, _ = _run(exp, str(path))
    later = stocks[stocks["year"] > first].groupby("group")["fulltime_persons"].mean()
    return {name: sum(float(later.get(g, 0.0)) for g in groups)
            / max(sum(target[g] for g in groups), 1)
            for name, (groups, _) in DERIVED.items()}


def derive_inflows(scale: float, seed: int, iterations: int = 10, path: Path = EXPERIMENT,
                   echo=print) -> dict[str, float]:
    """The 2011 inflows: those that hold the 2011 stock of each series in ``DERIVED``
    stationary (:func:`stationarity`), by fixed-point steps: the inflows of a series
    over its simulated/observed ratio (a step at most halves or doubles them). Starts
    from the experiment file's 2011 inflows, or the fitted ones where it has none."""
    params = _stationary_run(scale, seed, path)[1]
    inflow = {g: float(v) for g, v in
              params.get(INFLOWS, lawbook.value(INFLOWS, dt.date(FIT_YEAR, 1, 1))).items()}
    for step in range(iterations):
        ratios = stationarity(inflow, scale, seed, path)
        echo(f"step {step + 1}: simulated / observed 2011 stock: "
             + ", ".join(f"{n} {r:.3f}" for n, r in ratios.items()))
        for name, (_, fed) in DERIVED.items():
            for g in fed:
                inflow[g] /= min(max(ratios[name], 0.5), 2.0)
    return {g: round(v, -1) for g, v in inflow.items()}


def main(args) -> int:
    """``python -m sim backtest`` (options in sim/cli.py)."""
    scale_share("backtest", args.scale)
    if args.derive_inflows:
        if args.iterations < 1:
            raise InputError("backtest", "--iterations", str(args.iterations),
                             "a whole number of at least 1")
        inflows = derive_inflows(args.scale, args.seed, args.iterations,
                                 echo=(lambda _line: None) if args.quiet else print)
        print("population.new_spells_per_year:")
        for g, v in inflows.items():
            print(f"  {g}: {v:.0f}")
        return 0
    out = out_folder(args.out)
    # The chosen rule first (the report shows it in full, with its censored shares).
    df, cens, exp = run_backtest(args.scale, args.seed, args.inflows)
    runs = {args.inflows: df}
    for rule in INFLOW_RULES:
        if rule not in runs:
            runs[rule] = run_backtest(args.scale, args.seed, rule)[0]
    path = write(out, runs, cens, exp)
    if not args.quiet:
        wide = df.pivot_table(index="group", columns="year", values="error_pct").round(1)
        print(f"error, % of observed (simulated - observed), inflows {args.inflows}:")
        print(wide.to_string())
        for rule, run in runs.items():
            print(f"group-years within 10 %, inflows {rule}: {within(run)}")
        print("spells of 2011-2019 still open at the end of 2019, %:")
        print(cens.round(1).to_string(index=False))
        print(f"report: {path}")
    return 0


if __name__ == "__main__":
    import sys

    from sim.cli import main as cli

    raise SystemExit(cli(["backtest", *sys.argv[1:]]))
