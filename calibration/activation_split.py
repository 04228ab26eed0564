"""How VIVE's pooled activation of "sygedagpenge incl. jobafklaring" is split between
sygedagpenge and jobafklaring, fitted to the expert group's effort table.

    python -m calibration.activation_split [--ratios 1.5 2 2.5 3 3.5 4 4.5] [--scale 0.1]
                                           [--seed 20240101] [--replications 2]

VIVE counts sygedagpenge and jobafklaring as one group: one share of weeks in an offer
(21 % in 2019) and one activation cost per full-time person (HK5). The calibration fits
``process.takeup_per_week`` of the two by one common factor to that share, so the ratio
of their take-up (jobafklaring over sygedagpenge) is not fitted there. The expert
group's effort table does separate them (jobafklaring 44, sygedagpenge 23 thousand kr
per FT), so the ratio is fitted here, to the table:

1. for each ratio, simulate the 2024 baseline with the two take-ups at that ratio, their
   level set so the pooled share of weeks in an offer is the current law's (from a first
   run at the current level, a step that takes the share as proportional to the level,
   then a secant step: :func:`at_ratio`);
2. refit every group's price to VIVE's HK5 profile (:func:`calibration.hk5.
   fit_price_factors`) and the weights of the other jobcentre operations to the table
   (:func:`calibration.effort.fit_weights`), both without a new run (money is linear in
   them);
3. keep the ratio with the least sum of squared relative deviations of the table's
   seven groups.

It prints the take-ups, price factors and weights to write into ``calibration/params/
fitted.yaml`` and ``policies/params/finance.yaml``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math

import numpy as np
import pandas as pd

from calibration import effort, hk5
from calibration.fit import active_share

YEAR = effort.YEAR
TAKEUP_LEAF = "process.takeup_per_week"
LOW, HIGH = "sygedagpenge", "jobafklaring"  # VIVE's one group, split here
DEFAULT_RATIOS = (1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5)


def pooled_run(takeup: dict[str, float], scale: float, seed: int, replications: int,
               workers: int | None
               ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, float]:
    """The 2024 baseline with ``takeup``: finance, stocks, activity and the pooled share
    of weeks in an offer of the two groups (as the calibration's target measures it)."""
    res = effort.baseline_run(scale, seed, replications, workers,
                              ("finance", "stocks", "activity"), {TAKEUP_LEAF: takeup})
    share = active_share(res.activity, res.stocks, (LOW, HIGH), YEAR)
    return res.finance, res.stocks, res.activity, share


def at_ratio(takeup: dict[str, float], ratio: float, share: float, runs: tuple
             ) -> tuple[dict[str, float], tuple[pd.DataFrame, ...], float]:
    """The take-ups at ``ratio`` whose pooled share of weeks in an offer is ``share``
    (from the current sygedagpenge level: a step with the share taken as proportional to
    the level, then a secant step in logs), the last run's
    finance, stocks and activity, and its pooled share. The share rises less than in
    proportion to the take-up (a person in an offer starts no other), hence not one
    multiplicative step."""
    def at(level: float) -> dict[str, float]:
        return {**takeup, LOW: round(level, 5), HIGH: round(level * ratio, 5)}

    level = takeup[LOW]
    *_, got = pooled_run(at(level), *runs)
    slope = 1.0
    for _ in range(2):
        new = level * (share / got) ** (1.0 / slope)
        *tables, new_got = pooled_run(at(new), *runs)
        if new != level and new_got != got:
            slope = max(math.log(new_got / got) / math.log(new / level), 0.1)
        level, got = new, new_got
    return at(level), tuple(tables), got


def refitted(finance: pd.DataFrame, stocks: pd.DataFrame, activity: pd.DataFrame,
             factors: dict[str, dict], weights: dict[str, float],
             floor: float = effort.DEFAULT_FLOOR
             ) -> tuple[pd.DataFrame, dict[str, dict], dict[str, float]]:
    """The effort comparison (:func:`calibration.effort.compare`) after every group's
    price is refitted to VIVE's HK5 profile and the weights of the other jobcentre
    operations to the table; with the new factors and weights.

    ``factors`` (the leaf's value, by kind and group) and ``weights`` are the ones in
    force in the run. Money is linear in a kind's factor, and the other operations of
    group g are the item's total x w_g FT_g / sum w FT with sum w FT kept by the fit, so
    both are applied to the run's money."""
    new_factors, _, _ = hk5.fit_price_factors(finance, stocks, activity, factors)
    fin = hk5.with_factors(finance, activity, factors, new_factors)
    new_weights = effort.fit_weights(fin, stocks, weights, floor)
    other = (fin["item"] == "jobcentre_other") & (fin["payer"] == "gross") \
        & (fin["year"] == YEAR)
    fin.loc[other, "mio_kr"] *= fin.loc[other, "group"].map(
        lambda g: new_weights[g] / weights[g] if weights.get(g) else 1.0)
    return effort.compare(effort.by_group(fin, stocks)), new_factors, new_weights


def main(argv: list[str] | None = None) -> int:
    from sim import lawbook

    ap = argparse.ArgumentParser(prog="python -m calibration.activation_split",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--ratios", type=float, nargs="+", default=list(DEFAULT_RATIOS),
                    help=f"take-up of {HIGH} over {LOW} to try")
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--replications", type=int, default=2)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--floor", type=float, default=effort.DEFAULT_FLOOR)
    args = ap.parse_args(argv)
    if any(r <= 0 for r in args.ratios):
        from sim.errors import InputError
        raise InputError("calibration.activation_split", "--ratios", str(args.ratios),
                         "positive numbers")

    date = dt.date(YEAR, 1, 1)
    base = lawbook.base()
    takeup = dict(base.value(TAKEUP_LEAF, date))
    factors = dict(base.value(hk5.FACTOR_LEAF, date))
    weights = dict(base.value(effort.WEIGHT_LEAF, date))
    runs = (args.scale, args.seed, args.replications, args.workers)
    *_, share = pooled_run(takeup, *runs)
    print(f"{LOW} and {HIGH} under the law now: take-up {takeup[LOW]} and {takeup[HIGH]} "
          f"a week (ratio {takeup[HIGH] / takeup[LOW]:.2f}); pooled share of weeks in an "
          f"offer {100 * share:.2f} %, kept at each ratio")

    results = []
    for ratio in args.ratios:
        trial, tables, got = at_ratio(takeup, ratio, share, runs)
        table, new_factors, new_weights = refitted(*tables, factors, weights, args.floor)
        dev = table.set_index("group")["deviation"]
        results.append((ratio, float(np.sum(dev ** 2)), trial, got, table, new_factors,
                        new_weights))
        print(f"ratio {ratio:4.2f}: {LOW} {trial[LOW]}, {HIGH} {trial[HIGH]}, pooled "
              f"{100 * got:.2f} %; sum of squared deviations {1e4 * results[-1][1]:7.1f} "
              f"(%^2), largest {100 * float(dev.abs().max()):.1f} %")

    ratio, _, trial, got, table, new_factors, new_weights = min(results, key=lambda r: r[1])
    print(f"\nbest ratio {ratio}: {TAKEUP_LEAF} {LOW} {trial[LOW]}, {HIGH} {trial[HIGH]} "
          f"(pooled share {100 * got:.2f} %)")
    print(effort.format_table(table))
    print(f"\n{hk5.FACTOR_LEAF}:")
    print(hk5.format_factors(new_factors, factors))
    print(f"\n{effort.WEIGHT_LEAF} (floor {args.floor}):")
    for g, w in new_weights.items():
        print(f"  {g}: {w:.3f}   (was {weights[g]})")
    return 0


if __name__ == "__main__":
    from sim.errors import exit_with

    exit_with(main)
