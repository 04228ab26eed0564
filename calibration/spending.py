"""The active effort's spending by budget line: simulated against the 2024 budget
(``calibration/targets/active_effort_spending_2022_2024.csv``).

    python -m calibration.spending [--scale 0.1] [--seed 20240101] [--replications 2]
    python -m calibration.spending --finance runs/baseline/finance.csv

runs the baseline (current law, 2024, one year) or reads a run's finance table, and prints
for each budget line the budget, the simulated gross (mean over replications) and the
deviation. Each line names the finance table's items that make it (:data:`LINES`); the
line the simulator does not cost (job- og seniorpræmie) is shown with no simulated value,
and the totals are given with and without it.
"""

from __future__ import annotations

import argparse
import csv
import math

import pandas as pd

from calibration import TARGETS_DIR

SPENDING_FILE = TARGETS_DIR / "active_effort_spending_2022_2024.csv"
YEAR = 2024
NOT_COSTED = "- job- og seniorpræmie"
OTHER_SCHEMES = "andre beskæftigelsesordninger"
MODELLED = "total excl. job- og seniorpræmie"
# Budget line (as in SPENDING_FILE) -> the finance table's items that make it. Indented
# lines ("- ...") are parts of the line above them. The one place that maps lines to
# items: the spending targets (calibration/targets.py), the fit's measure of them
# (calibration/fit.py) and the effort by group (calibration/effort.py) read it.
LINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("aktivering m.v.", ("oevo", "activation", "loentilskud", "six_week_course",
                         "education_pools")),
    ("- regional pulje + pulje til uddannelsesløft", ("education_pools",)),
    ("- løntilskud (net of alternative benefit)", ("loentilskud",)),
    (OTHER_SCHEMES, ("voksenlaerling", "jobrotation", "seniorjob",
                                       "personal_assistance")),
    ("- voksenlærlinge (net)", ("voksenlaerling",)),
    ("- jobrotation (net)", ("jobrotation",)),
    ("- seniorjob", ("seniorjob",)),
    (NOT_COSTED, ()),
    ("- personlig assistance", ("personal_assistance",)),
    ("drift af jobcentrene", ("conversations", "offer_casework", "rehabilitation_team",
                              "jobcentre_other", "sanction_admin", "yearly_review")),
    ("særlige indsatser, puljer", ("state_pools", "upskilling_pool")),
)
TOP_LINES = tuple(name for name, _ in LINES if not name.startswith("-"))
# The spending targets of fit_targets.csv: metric -> the line of :func:`lines` it is
# compared with. Every one of them is a line whose items' unit costs were fitted to it
# (policies/params/finance.yaml, schemes.yaml: "fitted: ... line / simulated ...") or an
# amount that is the line itself (the pools), so they are targets the costs were fitted
# to (``use: cost_fit``), not independent checks.
CHECKS: dict[str, str] = {
    "activation": "aktivering m.v.",
    "jobcentre_operation": "drift af jobcentrene",
    "seniorjob": "- seniorjob",
    "jobrotation": "- jobrotation (net)",
    "voksenlaerling": "- voksenlærlinge (net)",
    "personal_assistance": "- personlig assistance",
    "state_pools": "særlige indsatser, puljer",
    "modelled_items": MODELLED,
}


def items_of(line: str) -> tuple[str, ...]:
    """The finance items of a budget line of :data:`LINES`; for :data:`MODELLED`, every
    item of the top lines."""
    if line == MODELLED:
        return tuple(dict.fromkeys(i for name, items in LINES if name in TOP_LINES
                                   for i in items))
    return dict(LINES)[line]


def budget(year_column: str = "y2024_budget") -> dict[str, tuple[float, int]]:
    """Each line's amount (mio. kr, 2024 prices) and its line number in SPENDING_FILE."""
    with SPENDING_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {r["item_mio_kr_2024_prices"]: (float(r[year_column]), i + 2)
            for i, r in enumerate(rows) if r[year_column]}


def lines(finance: pd.DataFrame, year: int = YEAR) -> pd.DataFrame:
    """Budget and simulated gross (mio. kr, mean over replications) by budget line, then
    the lines without the job- og seniorpræmie (not costed) and the totals: ``total``
    (the budget's total) and ``total excl. job- og seniorpræmie``.

    ``finance``: a finance table (sim/finance.py), optionally with a ``replication``
    column (the mean over replications is taken)."""
    amounts = budget()
    gross = finance[(finance["payer"] == "gross") & (finance["year"] == year)]
    n = gross["replication"].nunique() if "replication" in gross else 1
    by_item = gross.groupby("item")["mio_kr"].sum() / max(n, 1)
    rows = []
    for name, items in LINES:
        simulated = float(sum(by_item.get(i, 0.0) for i in items)) if items else math.nan
        rows.append((name, amounts[name][0], simulated, ", ".join(items)))
    top = [r for r in rows if r[0] in TOP_LINES]
    total = sum(r[2] for r in top)
    premium = amounts[NOT_COSTED][0]
    other = next(r for r in rows if r[0] == OTHER_SCHEMES)
    rows.append((f"{OTHER_SCHEMES} excl. job- og seniorpræmie", other[1] - premium, other[2],
                 "[derived]"))
    rows.append(("total", amounts["total"][0], total, "the lines above"))
    rows.append((MODELLED, amounts["total"][0] - premium, total, "[derived]"))
    df = pd.DataFrame(rows, columns=["line", "budget", "simulated", "items"])
    df["deviation"] = (df["simulated"] - df["budget"]) / df["budget"].abs()
    return df


def baseline_finance(scale: float, seed: int, replications: int,
                     workers: int | None = None) -> pd.DataFrame:
    """The finance table of the current law in 2024 (one year)."""
    from sim.api import run

    res = run({"name": "spending_check", "start": f"{YEAR}-01-01", "years": 1,
               "scale": scale, "seed": seed, "replications": replications,
               "scenarios": {"baseline": {"policies": ["current_law_2024"]}},
               "outputs": ["finance"]}, workers=workers, progress=False)
    return res.finance


def format_lines(df: pd.DataFrame) -> str:
    out = [f"{'line':56} {'budget':>8} {'simulated':>10} {'deviation':>9}"]
    for r in df.itertuples():
        sim = "not costed" if math.isnan(r.simulated) else f"{r.simulated:,.0f}"
        dev = "" if math.isnan(r.deviation) else f"{100 * r.deviation:+.1f} %"
        out.append(f"{r.line:56} {r.budget:>8,.0f} {sim:>10} {dev:>9}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m calibration.spending", description=__doc__
                                 .split("\n\n")[0])
    ap.add_argument("--finance", default=None, help="a run's finance.csv instead of a run")
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--replications", type=int, default=2)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args(argv)
    if args.finance:
        finance = pd.read_csv(args.finance)
    else:
        finance = baseline_finance(args.scale, args.seed, args.replications, args.workers)
    print(f"Active effort {YEAR}, mio. kr (2024 prices), gross: budget "
          f"({SPENDING_FILE.name}) and simulated")
    print(format_lines(lines(finance)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
