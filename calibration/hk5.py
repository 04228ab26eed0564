"""The activation cost (HK5) per full-time person by group: simulated against VIVE's 2019
profile (``calibration/targets/hk5_unit_costs.csv``), and the fit of each group's price
to it.

    python -m calibration.hk5 [--scale 0.1] [--seed 20240101] [--replications 2]
    python -m calibration.hk5 --run runs/baseline     # a run folder's finance, stocks, activity
    python -m calibration.hk5 --fit                   # also the price factors that fit

VIVE gives HK5 (activation operating costs: no benefits, løntilskud, jobrotation,
seniorjob or overhead) per full-time person for its six jobcentre groups, 2014-2019
(seed 004_282ac59a8741076f.txt, L3368-L3392). The simulator's HK5 of a group is the
items :data:`HK5_ITEMS` (ØVO, ordinary education and mentor, the education pools, the
6-week course right) on the group's full-time persons over those persons. The two are
compared as profiles: each group's cost per FT over the six groups' mean (VIVE: the
groups' HK5 over their FT, its 24 % not attributed to a group left out), since the
simulator's level is the 2024 budget's, VIVE's 2019's.

The fit (:func:`fit_price_factors`) moves the price factor of one offer kind for each
VIVE group's members (``finance.unit_cost.activation_group_factor``; the kind of
:data:`KIND_OF`: ØVO, or ordinary education for revalidering) by a common multiplier, so
the members' ratios stay, until every group's profile value is VIVE's, and scales every
group's factor of a kind so the kind's total (the budget line it was fitted to) stays.
Money is linear in the factors, so the fit needs no new run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from calibration import effort
from calibration.targets import STOCK_SERIES, TARGETS_DIR

YEAR = effort.YEAR
VIVE_YEAR = 2019
HK5_FILE = TARGETS_DIR / "hk5_unit_costs.csv"
STOCKS_FILE = TARGETS_DIR / "stocks_fulltime_persons.csv"
FACTOR_LEAF = "finance.unit_cost.activation_group_factor"
UNIT_LEAF = "finance.unit_cost.activation"
KIND = "oevrig_vejledning"  # ØVO: the finance item oevo
EDUCATION = "ordinaer_uddannelse"  # ordinary education: part of the finance item activation
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
# The offer kind whose price carries each VIVE group's HK5 in the fit: ØVO, except
# revalidering, whose offers are mostly ordinary education (process.offer_mix: 0.65, an
# assumption) and whose ØVO is about a tenth of its HK5.
KIND_OF: dict[str, str] = {name: KIND for name in VIVE_HK5} | {"revalidering": EDUCATION}
# A common multiplier on every group priced by ØVO is (nearly: revalidering's ØVO is not
# moved) undone by keeping the ØVO total, so one group's multiplier is held at 1: the
# group with the most full-time persons.
ANCHOR = "kontanthjaelp_uddannelseshjaelp"


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


def kind_costs(finance: pd.DataFrame, activity: pd.DataFrame, factors: dict[str, dict],
               year: int = YEAR) -> pd.DataFrame:
    """Gross mio. kr by group (rows) of the fitted kinds (columns :data:`KIND`,
    :data:`EDUCATION`) in ``year``, means over replications: ØVO is the finance item
    ``oevo``; ordinary education, a part of the item ``activation``, is the weeks in it
    (``activity``) x the law's unit cost a week x the group's factor (``factors``, the
    leaf's value in force in the run) x the price index, as sim/cost_items.py costs it."""
    from sim import lawbook
    from sim.clock import WEEKS_PER_YEAR

    date = dt.date(year, 1, 1)
    base = lawbook.base()
    unit = float(base.value(UNIT_LEAF, date)[EDUCATION]) / WEEKS_PER_YEAR
    price = float(base.value("finance.price_index", date))
    oevo = effort.mean_by_group(finance[(finance["payer"] == "gross")
                                        & (finance["year"] == year)
                                        & (finance["item"] == "oevo")], "mio_kr")
    weeks = effort.mean_by_group(activity[(activity["year"] == year)
                                          & (activity["kind"] == f"offer_weeks:{EDUCATION}")],
                                 "count")
    edu = {g: float(w) * unit * factors.get(EDUCATION, {}).get(g, 1.0) * price / 1e6
           for g, w in weeks.items()}
    groups = sorted(set(oevo.index) | set(edu))
    return pd.DataFrame({KIND: oevo.reindex(groups, fill_value=0.0),
                         EDUCATION: pd.Series(edu).reindex(groups, fill_value=0.0)})


def fit_price_factors(finance: pd.DataFrame, stocks: pd.DataFrame, activity: pd.DataFrame,
                      factors: dict[str, dict], year: int = YEAR, vive_year: int = VIVE_YEAR,
                      digits: int = 3) -> tuple[dict[str, dict], dict[str, float],
                                                dict[str, float]]:
    """The price factors (``factors``: the leaf's value in force in the run, ``{kind:
    {group: factor}}``) with each VIVE group's members moved by one multiplier on the
    factor of its kind (:data:`KIND_OF`) until every group's HK5 per FT over the six
    groups' mean is VIVE's, and every group's factor of a kind scaled so the kind's total
    stays. Returns the new factors (every target group named, rounded to ``digits``), the
    multiplier of each VIVE group and the scale of each kind."""
    from scipy.optimize import least_squares

    by, ft = _by_group(finance, stocks, year)
    kinds = kind_costs(finance, activity, factors, year)
    groups = list(by.index)
    kinds = kinds.reindex(groups, fill_value=0.0)
    rest = by.sum(axis=1) - kinds.sum(axis=1)
    goal = observed(vive_year).set_index("group")["relative"]
    free = [name for name in VIVE_HK5 if name != ANCHOR]
    owner = {g: name for name in VIVE_HK5 for g in members(name)}

    def multipliers(x: np.ndarray) -> dict[str, float]:
        return {name: float(m) for name, m in zip(free, np.exp(x), strict=True)} \
            | {ANCHOR: 1.0}

    def moved(x: np.ndarray) -> tuple[pd.DataFrame, dict[str, float]]:
        mult = multipliers(x)
        out = kinds.copy()
        for g in groups:
            if g in owner:
                out.loc[g, KIND_OF[owner[g]]] *= mult[owner[g]]
        keep = {k: float(kinds[k].sum()) / float(out[k].sum()) if out[k].sum() else 1.0
                for k in kinds.columns}
        return out * pd.Series(keep), keep

    def gaps(x: np.ndarray) -> np.ndarray:
        out, _ = moved(x)
        sim = _profile(rest + out.sum(axis=1), ft)
        return np.array([sim[name][1] / goal[name] - 1.0 for name in VIVE_HK5])

    for name in VIVE_HK5:
        if float(kinds.loc[list(members(name)), KIND_OF[name]].sum()) <= 0.0:
            raise ValueError(f"calibration.hk5: {name} has no {KIND_OF[name]} money in "
                             f"{year}, so its price cannot be fitted (a larger scale?)")
    res = least_squares(gaps, np.zeros(len(free)), xtol=1e-14, ftol=1e-14, gtol=1e-14)
    if not res.success:
        raise RuntimeError(f"the price fit did not converge: {res.message}")
    _, keep = moved(res.x)
    mult = multipliers(res.x)
    new: dict[str, dict] = {}
    for kind in kinds.columns:
        old = factors.get(kind, {})
        new[kind] = {g: round(old.get(g, 1.0) * keep[kind]
                              * (mult[owner[g]] if KIND_OF[owner[g]] == kind else 1.0),
                              digits) for g in groups if g in owner}
    return new, mult, keep


def with_factors(finance: pd.DataFrame, activity: pd.DataFrame, old: dict[str, dict],
                 new: dict[str, dict], year: int = YEAR) -> pd.DataFrame:
    """The run's finance table as it would be with the price factors ``new`` instead of
    ``old`` in ``year`` (gross rows of the items ``oevo`` and ``activation``; the money
    of a kind is linear in its factor)."""
    fin = finance.copy()
    gross = (fin["payer"] == "gross") & (fin["year"] == year)
    oevo = gross & (fin["item"] == "oevo")
    fin.loc[oevo, "mio_kr"] *= fin.loc[oevo, "group"].map(
        lambda g: new[KIND].get(g, 1.0) / old.get(KIND, {}).get(g, 1.0))
    edu = kind_costs(finance, activity, old, year)[EDUCATION]
    ratio = {g: new.get(EDUCATION, {}).get(g, 1.0) / old.get(EDUCATION, {}).get(g, 1.0)
             for g in edu.index}
    added = {g: float(edu[g]) * (ratio[g] - 1.0) for g in edu.index}
    act = gross & (fin["item"] == "activation")
    fin.loc[act, "mio_kr"] += fin.loc[act, "group"].map(lambda g: added.get(g, 0.0))
    return fin


def format_table(df: pd.DataFrame) -> str:
    out = [f"{'group':32} {'FT':>9} {'kr/FT':>7} {'rel.':>5} {'VIVE kr/FT':>10} "
           f"{'rel.':>5} {'deviation':>9}"]
    for r in df.itertuples():
        out.append(f"{r.group:32} {r.fulltime_persons:>9,.0f} {r.kr_per_ft:>7,.0f} "
                   f"{r.relative:>5.2f} {r.vive_kr_per_ft:>10,.0f} {r.vive_relative:>5.2f} "
                   f"{100 * r.deviation:>+8.1f} %")
    return "\n".join(out)


def format_factors(new: dict[str, dict], old: dict[str, dict]) -> str:
    """The fitted factors by kind and group beside the ones they replace."""
    out = []
    for kind, by_group in new.items():
        out.append(f"  {kind}:")
        out += [f"    {g}: {f:.3f}   (was {old.get(kind, {}).get(g, 1.0)})"
                for g, f in by_group.items()]
    return "\n".join(out)


def baseline_tables(scale: float, seed: int, replications: int, workers: int | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The finance, stocks and activity tables of the current law in 2024 (one year)."""
    res = effort.baseline_run(scale, seed, replications, workers,
                              ("finance", "stocks", "activity"))
    return res.finance, res.stocks, res.activity


def read_activity(folder: Path, scenario: str = "baseline") -> pd.DataFrame:
    """The activity table of ``scenario`` in a run folder (outputs: activity)."""
    from sim.errors import InputError

    path = folder / "activity.csv"
    if not path.is_file():
        raise InputError("calibration.hk5", "--run", str(folder),
                         "a run folder with activity.csv (outputs: activity)")
    table = pd.read_csv(path)
    return table[table["scenario"] == scenario] if "scenario" in table else table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m calibration.hk5",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", default=None, help="a run folder (finance.csv, stocks.csv, "
                    "activity.csv) instead of a run")
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--replications", type=int, default=2)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--scenario", default="baseline", help="the scenario of --run to read")
    ap.add_argument("--fit", action="store_true", help=f"also print the fitted {FACTOR_LEAF}")
    args = ap.parse_args(argv)
    if args.run:
        finance, stocks = effort.read_run(Path(args.run), args.scenario, "calibration.hk5")
        activity = read_activity(Path(args.run), args.scenario)
    else:
        finance, stocks, activity = baseline_tables(args.scale, args.seed,
                                                    args.replications, args.workers)
    print(f"HK5 per full-time person {YEAR} (kr, gross; items {', '.join(HK5_ITEMS)}) and "
          f"VIVE {VIVE_YEAR} ({HK5_FILE.name}, 2019 prices); rel. = over the six groups' mean")
    print(format_table(compare(finance, stocks)))
    if args.fit:
        from sim import lawbook

        old = lawbook.base().value(FACTOR_LEAF, dt.date(YEAR, 1, 1))
        new, mult, keep = fit_price_factors(finance, stocks, activity, old)
        print(f"\nfitted {FACTOR_LEAF} (each group's kind x its multiplier, then every "
              "factor of a kind x its scale, so the kind's total stays):")
        for name, m in mult.items():
            print(f"  {name}: {KIND_OF[name]} x {m:.4f}")
        for kind, k in keep.items():
            print(f"  scale of {kind}: {k:.4f}")
        print(format_factors(new, old))
        print("\nafter the fit:")
        print(format_table(compare(with_factors(finance, activity, old, new), stocks)))
    return 0


if __name__ == "__main__":
    from sim.errors import exit_with

    exit_with(main)
