"""The activation cost (HK5) per full-time person by group: simulated against VIVE's 2019
profile (``calibration/targets/hk5_unit_costs.csv``), and the fit of the ØVO price of
sygedagpenge and jobafklaring to it.

    python -m calibration.hk5 [--scale 0.1] [--seed 20240101] [--replications 2]
    python -m calibration.hk5 --run runs/baseline     # a run folder's finance and stocks
    python -m calibration.hk5 --fit                   # also the ØVO price factors that fit

VIVE gives HK5 (activation operating costs: no benefits, løntilskud, jobrotation,
seniorjob or overhead) per full-time person for its six jobcentre groups, 2014-2019
(seed 004_282ac59a8741076f.txt, L3368-L3392). The simulator's HK5 of a group is the
items :data:`HK5_ITEMS` (ØVO, ordinary education and mentor, the education pools, the
6-week course right) on the group's full-time persons over those persons. The two are
compared as profiles: each group's cost per FT over the six groups' mean (VIVE: the
groups' HK5 over their FT, its 24 % not attributed to a group left out), since the
simulator's level is the 2024 budget's, VIVE's 2019's.

The fit (:func:`fit_oevo_factor`) moves the ØVO price factor of one VIVE group's members
(``finance.unit_cost.activation_group_factor.oevrig_vejledning``) by a common multiplier,
so their ratio stays, until the group's profile value is VIVE's, and scales every
group's factor so the ØVO total (the budget line it was fitted to) stays.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import pandas as pd

from calibration import effort
from calibration.targets import STOCK_SERIES, TARGETS_DIR

YEAR = effort.YEAR
VIVE_YEAR = 2019
HK5_FILE = TARGETS_DIR / "hk5_unit_costs.csv"
STOCKS_FILE = TARGETS_DIR / "stocks_fulltime_persons.csv"
FACTOR_LEAF = "finance.unit_cost.activation_group_factor"
KIND = "oevrig_vejledning"
HK5_ITEMS: tuple[str, ...] = ("oevo", "activation", "education_pools", "six_week_course")
# VIVE's six groups: the label in hk5_unit_costs.csv and the T5.4 series of
# targets.STOCK_SERIES (its label and the simulator's groups).
VIVE_HK5: dict[str, str] = {
    "dagpenge": "dagpenge",
    "kontanthjaelp_uddannelseshjaelp": "kontanthjælp+uddannelseshjælp, selvforsørgende mv.",
    "revalidering": "revalidering+forrevalidering",
    "ledighedsydelse": "ledighedsydelse",
    "sygedagpenge_jobafklaring": "sygedagpenge incl. jobafklaring",
    "ressourceforloeb": "ressourceforløb",
}
FITTED_GROUP = "sygedagpenge_jobafklaring"


def members(name: str) -> tuple[str, ...]:
    return STOCK_SERIES[name][1]


def observed(year: int = VIVE_YEAR) -> pd.DataFrame:
    """VIVE's HK5 per FT (kr, 2019 prices) of its six groups in ``year``, the FT (T5.4)
    and each group's value over the six groups' mean: columns ``group, kr_per_ft,
    fulltime_persons, relative``, with the file lines in ``source``."""
    with HK5_FILE.open(encoding="utf-8") as fh:
        hk5 = {r["group"]: (float(r[f"y{year}"]), i + 2) for i, r in
               enumerate(csv.DictReader(fh))}
    with STOCKS_FILE.open(encoding="utf-8") as fh:
        ft = {r["group"]: (float(r[f"y{year}"]), i + 2) for i, r in
              enumerate(csv.DictReader(fh)) if r["dataset"] == "vive_t5.4"}
    rows = []
    for name, label in VIVE_HK5.items():
        series = STOCK_SERIES[name][0]
        (kr, hl), (persons, sl) = hk5[label], ft[series]
        rows.append((name, kr, persons, f"{HK5_FILE.name} L{hl}; {STOCKS_FILE.name} L{sl}"))
    df = pd.DataFrame(rows, columns=["group", "kr_per_ft", "fulltime_persons", "source"])
    mean = float((df["kr_per_ft"] * df["fulltime_persons"]).sum() / df["fulltime_persons"].sum())
    df["relative"] = df["kr_per_ft"] / mean
    return df


def _by_group(finance: pd.DataFrame, stocks: pd.DataFrame, year: int
              ) -> tuple[pd.DataFrame, pd.Series]:
    """Gross mio. kr of the HK5 items by simulator group (rows) and item (columns), and
    full-time persons by group, means over replications."""
    cost, ft = effort.group_costs(finance, stocks, year, HK5_ITEMS)
    return cost.reindex(columns=list(HK5_ITEMS), fill_value=0.0), ft


def _profile(cost: pd.Series, ft: pd.Series) -> dict[str, tuple[float, float]]:
    """kr per FT and its value over the six groups' mean, by VIVE group, from mio. kr and
    FT by simulator group."""
    def per_ft(groups: list[str]) -> float:
        return (float(cost.reindex(groups, fill_value=0.0).sum())
                / float(ft.reindex(groups, fill_value=0.0).sum()))

    mean = per_ft([g for name in VIVE_HK5 for g in members(name)])
    return {name: (per_ft(list(members(name))) * 1e6, per_ft(list(members(name))) / mean)
            for name in VIVE_HK5}


def compare(finance: pd.DataFrame, stocks: pd.DataFrame, year: int = YEAR,
            vive_year: int = VIVE_YEAR) -> pd.DataFrame:
    """The simulated HK5 per FT of VIVE's six groups in ``year`` beside VIVE's in
    ``vive_year``: columns ``group, fulltime_persons, kr_per_ft, relative, vive_kr_per_ft,
    vive_relative, deviation`` (the relative values' ratio less 1)."""
    by, ft = _by_group(finance, stocks, year)
    cost = by.sum(axis=1)
    sim = _profile(cost, ft)
    obs = observed(vive_year).set_index("group")
    rows = [(name, float(ft.reindex(list(members(name)), fill_value=0.0).sum()), *sim[name],
             float(obs.loc[name, "kr_per_ft"]), float(obs.loc[name, "relative"]))
            for name in VIVE_HK5]
    df = pd.DataFrame(rows, columns=["group", "fulltime_persons", "kr_per_ft", "relative",
                                     "vive_kr_per_ft", "vive_relative"])
    df["deviation"] = df["relative"] / df["vive_relative"] - 1
    return df


def fit_oevo_factor(finance: pd.DataFrame, stocks: pd.DataFrame, factors: dict[str, float],
                    group: str = FITTED_GROUP, year: int = YEAR, vive_year: int = VIVE_YEAR,
                    digits: int = 3) -> tuple[dict[str, float], float, float]:
    """The ØVO price factors (``factors``: the ones in force in the run, by simulator
    group) with ``group``'s members moved by one common multiplier until the group's HK5
    per FT over the six groups' mean is VIVE's, and every factor scaled so the ØVO total
    stays. Returns the new factors (rounded to ``digits``), the group's multiplier and the
    scale of every factor.

    ØVO money is linear in the factor (``finance.unit_cost.activation`` x factor x weeks
    in ØVO), so the run's ØVO by group times new / old factor is the ØVO with the new
    factors, with no run again."""
    from scipy.optimize import brentq

    by, ft = _by_group(finance, stocks, year)
    oevo, rest = by["oevo"], by.drop(columns="oevo").sum(axis=1)
    fitted = set(members(group))
    goal = float(observed(vive_year).set_index("group").loc[group, "relative"])

    def scaled(multiplier: float) -> tuple[pd.Series, float]:
        moved = oevo * [multiplier if g in fitted else 1.0 for g in oevo.index]
        keep = float(oevo.sum()) / float(moved.sum())
        return moved * keep, keep

    def gap(multiplier: float) -> float:
        moved, _ = scaled(multiplier)
        return _profile(rest.add(moved, fill_value=0.0), ft)[group][1] - goal

    multiplier = float(brentq(gap, 1e-3, 1e3, xtol=1e-12))
    _, keep = scaled(multiplier)
    new = {g: round(f * (multiplier if g in fitted else 1.0) * keep, digits)
           for g, f in factors.items()}
    return new, multiplier, keep


def format_table(df: pd.DataFrame) -> str:
    out = [f"{'group':32} {'FT':>9} {'kr/FT':>7} {'rel.':>5} {'VIVE kr/FT':>10} "
           f"{'rel.':>5} {'deviation':>9}"]
    for r in df.itertuples():
        out.append(f"{r.group:32} {r.fulltime_persons:>9,.0f} {r.kr_per_ft:>7,.0f} "
                   f"{r.relative:>5.2f} {r.vive_kr_per_ft:>10,.0f} {r.vive_relative:>5.2f} "
                   f"{100 * r.deviation:>+8.1f} %")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m calibration.hk5",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", default=None, help="a run folder (finance.csv, stocks.csv) "
                    "instead of a run")
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--replications", type=int, default=2)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--scenario", default="baseline", help="the scenario of --run to read")
    ap.add_argument("--fit", action="store_true", help=f"also print the fitted {FACTOR_LEAF}"
                    f".{KIND} of {FITTED_GROUP}")
    args = ap.parse_args(argv)
    if args.run:
        finance, stocks = effort.read_run(Path(args.run), args.scenario)
    else:
        finance, stocks = effort.baseline_tables(args.scale, args.seed, args.replications,
                                                 args.workers)
    print(f"HK5 per full-time person {YEAR} (kr, gross; items {', '.join(HK5_ITEMS)}) and "
          f"VIVE {VIVE_YEAR} ({HK5_FILE.name}, 2019 prices); rel. = over the six groups' mean")
    print(format_table(compare(finance, stocks)))
    if args.fit:
        from sim import lawbook

        old = lawbook.base().value(FACTOR_LEAF, dt.date(YEAR, 1, 1))[KIND]
        new, multiplier, keep = fit_oevo_factor(finance, stocks, old)
        print(f"\nfitted {FACTOR_LEAF}.{KIND} ({FITTED_GROUP} x {multiplier:.4f}, then "
              f"every factor x {keep:.4f} so the ØVO total stays):")
        for g, f in new.items():
            print(f"  {g}: {f:.3f}   (was {old[g]})")
    return 0


if __name__ == "__main__":
    from sim.errors import exit_with

    exit_with(main)
