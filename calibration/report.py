"""The calibration report: simulated vs observed for every target, and the hazard shapes.

Written by ``python -m sim calibrate`` (and ``--report-only``) into its ``--out`` folder
as ``calibration_report.html`` with the figures also as PNG files.
"""

from __future__ import annotations

import html as _html
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.targets import CHECK, COST_FIT, FIT
from sim import lawbook
from sim.html import figure_png, img, page, table

TITLES = {"stock_ft": "Stocks of full-time persons (2024)",
          "spells_per_ft": "Spells a year per full-time person (VIVE, 2011-19)",
          "exit_share": "Exit-route shares (% of uncensored spells, VIVE 2011-19)",
          "active_share": "Share of weeks in an offer (activation)",
          "sanction_share": "Share of persons sanctioned in the year (2022)",
          "conversations": "Conversations a year",
          "conversations_per_ft": "Conversations per full-time person (2019, VIVE)",
          "spending": "Spending (mio. kr., 2024 prices)",
          "effort_per_ft": "Effort cost per full-time person by group (1,000 kr, 2024)",
          "censored_share": "Spells of 2011-2019 still open at the end of 2019 (%)"}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _bars(df: pd.DataFrame, title: str):
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, max(2.2, 0.32 * len(df) + 1)))
    y = np.arange(len(df))
    ax.barh(y - 0.2, df["observed"], height=0.4, label="observed", color="#777")
    colors = ["#2a7" if w else "#c33" for w in df["within"]]
    ax.barh(y + 0.2, df["simulated"], height=0.4, label="simulated", color=colors)
    ax.set_yticks(y, df["group"])
    ax.invert_yaxis()
    ax.set_title(title + " (green: within tolerance, red: outside)")
    ax.legend(loc="lower right")
    return fig


def hazard_figure(values: dict, hand: dict):
    """Weekly exit hazard by weeks in the group, short and long type, by group; and the
    survival curve of the mixture. ``values`` and ``hand``: the fitted and the hand-set
    values of the fitted leaves (calibration.fit.start_values)."""
    plt = _plt()

    breaks = list(lawbook.value("hazards.breakpoints_weeks"))
    groups = [k.split(".", 1)[1] for k in values if k.startswith("hazards.")]
    fig, axes = plt.subplots(4, 3, figsize=(12, 12), sharex=True)
    weeks = np.arange(0, 261)
    for ax, g in zip(axes.flat, groups, strict=False):
        for vals, style, label in ((values, "-", "fitted"), (hand, ":", "hand-set")):
            hz = vals[f"hazards.{g}"]
            idx = np.searchsorted(breaks, weeks, side="right") - 1
            rate = np.asarray(hz["rates"])[idx]
            lm, ss = float(hz["long_multiplier"]), float(hz["short_share"])
            ax.plot(weeks, rate, style, color="C0", label=f"short type, {label}")
            ax.plot(weeks, rate * lm, style, color="C1", label=f"long type, {label}")
            surv = ss * np.exp(-np.cumsum(rate)) + (1 - ss) * np.exp(-np.cumsum(rate * lm))
            ax2 = ax.twinx() if style == "-" else ax2  # noqa: F821 - set on the first pass
            ax2.plot(weeks, surv, style, color="C2", label=f"survival, {label}")
            ax2.set_ylim(0, 1)
        ax.set_title(g, fontsize=9)
    axes.flat[0].legend(fontsize=7, loc="upper right")
    for ax in axes[-1]:
        ax.set_xlabel("weeks in the group")
    fig.suptitle("Baseline weekly exit hazard (left axis, C0 short / C1 long type) and "
                 "survival of the mixture without process effects (right axis, C2); "
                 "solid = fitted, dotted = hand-set")
    fig.tight_layout()
    return fig


def write(out: Path, stats: pd.DataFrame, history: pd.DataFrame | None, settings: dict,
          shapes: tuple[dict, dict]) -> Path:
    """The report; ``shapes``: the fitted and the hand-set values drawn in the hazard
    figure."""
    out = Path(out)
    body = []
    fitted = stats[stats["use"] == FIT]
    costs = stats[stats["use"] == COST_FIT]
    checks = stats[stats["use"] == CHECK]
    body.append(
        f'<p class="headline">Fitted targets within tolerance: '
        f'<b>{int(fitted["within"].sum())} of {len(fitted)}</b>; targets the unit costs '
        f'were fitted to: <b>{int(costs["within"].sum())} of {len(costs)}</b>; checks '
        f'(not fitted): <b>{int(checks["within"].sum())} of {len(checks)}</b>. Settings: '
        f'{_html.escape(", ".join(f"{k}={v}" for k, v in settings.items()))}.</p>')
    body.append("<p>Goals: every stock within ±5 %, every exit-route share within ±3 "
                "percentage points, conversations, spending and the effort cost by group "
                "within ±10 %. Targets and their sources: calibration/targets/fit_targets.csv. "
                "<i>fit</i> targets are moved by the parameters python -m sim calibrate "
                "fits; <i>cost_fit</i> targets are those the unit costs "
                "(policies/params/finance.yaml, schemes.yaml) were fitted to by hand (the "
                "budget lines, the effort cost by group): they show the fit holds, not an "
                "independent test; <i>check</i> targets are only compared.</p>")
    summary = (stats.assign(kind=stats["metric"])
               .groupby(["kind", "use"], as_index=False)
               .agg(targets=("within", "size"), within=("within", "sum"),
                    max_abs_error=("error", lambda e: float(np.nanmax(np.abs(e))))))
    body.append("<h2>Summary by metric</h2>" + table(summary, 2))
    for metric, part in stats.groupby("metric", sort=False):
        title = TITLES.get(metric, metric)
        body.append(f"<h2>{_html.escape(title)}</h2>")
        png = figure_png(_bars(part, title), out / f"fit_{metric}.png")
        body.append(img(png, title))
        cols = ["group", "year", "use", "observed", "simulated", "error", "error_unit",
                "tolerance", "within"]
        body.append(table(part[cols], 2))
    if history is not None and len(history):
        plt = _plt()
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.plot(history["iteration"], history["score"], "o-")
        ax.set_xlabel("iteration")
        ax.set_ylabel("mean |error| / tolerance")
        ax.set_title("Convergence of the alignment")
        body.append("<h2>Iterations</h2>" + img(figure_png(fig, out / "fit_iterations.png"),
                                                "Convergence") + table(history, 3))
    body.append("<h2>Hazard shapes by group</h2>")
    body.append("<p>Levels are fitted to stocks and spells per FT. Of the shapes, the "
                "aktivitetsparate two-type mixture is fitted to VIVE's share of spells still "
                "open at the end of 2019, at the same mean stay; the other groups' shares "
                "are checks, since their spells nearly all end within nine years and the "
                "share then measures the mean stay, not the shape. The breakpoints and "
                "the relative pieces are hand-set: the sources hold no duration "
                "distribution (calibration/README.md, Hazard shapes).</p>")
    body.append(img(figure_png(hazard_figure(*shapes), out / "hazard_shapes.png"),
                    "Baseline hazards and survival by group"))
    path = out / "calibration_report.html"
    path.write_text(page("Calibration report", body), encoding="utf-8")
    return path
