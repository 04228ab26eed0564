"""The run report: one self-contained HTML file with embedded figures, plus PNG and tables.

The answer first: each reform's revenue (provenu) by payer, employment and full-time
persons on public support in the chosen years, in words and numbers with 95 % confidence
intervals; then the first table, the revenue in the costing convention's columns by year,
permanent and by element (sim/revenue.py), and the revenue path by payer. Then stock and
cost paths with 95 % bands, the revenue table by payer, figures by benefit group (for a
single scenario too), element and group tables, the policy changes of each scenario and
a method appendix in the spirit of the STRESS-DES checklist (Monks et al. 2019).
"""

from __future__ import annotations

import html
import json
import math
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.compare import EMPLOYMENT_DOC, EMPLOYMENT_DOC_FROM_STOCKS, Comparison, compare
from sim.convention import COLUMNS, LABELS, TOTAL, employment_source, employment_value
from sim.groups import GROUPS
from sim.html import clean, figure_png, img, number, page, table
from sim.output import atomic_text, write_tables

MEASURES = {
    "revenue_mio_kr": ("Revenue (provenu), mio. kr", "positive = lower public expenditure"),
    "gross_mio_kr": ("Public expenditure, mio. kr", "gross: state refusion + municipal net"),
    "state_mio_kr": ("State (refusion), mio. kr", "expenditure"),
    "municipality_mio_kr": ("Municipalities (net), mio. kr", "expenditure"),
    "fulltime_persons": ("Full-time persons on public support", "all groups"),
    "employment": ("Employment, full-time persons", "see method"),
    "conversations": ("Conversations", "jobcentre and a-kasse"),
    "offers": ("Activation offers started", ""),
    "sanctions": ("Sanctions", ""),
}
# Measures that exist only as a difference: no level in either scenario.
DERIVED = ("revenue_mio_kr", "employment")
MONEY = "mio. kr a year (2024 prices)"
PATHS = (("fulltime_persons", "Full-time persons on public support", "full-time persons"),
         ("gross_mio_kr", "Public expenditure", MONEY))
PAYER_LABELS = {"public_total": "public finances, total", "state": "state",
                "municipalities": "municipalities"}
PAYER_COLORS = {"public_total": "#222222", "state": "#1f4e79", "municipalities": "#d68910"}
BASELINE_STYLE = {"color": "#9aa5b1", "lw": 5, "alpha": 0.8, "zorder": 1}
COLORS = ["#1f4e79", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#17a589", "#7f8c8d"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _thousands(ax, axis: str = "y") -> None:
    """Tick labels with thousands separators and a minus sign, like the tables, with as
    many decimals as the tick spacing needs."""
    from matplotlib.ticker import FuncFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis

    def fmt(v: float, _pos: int) -> str:
        locs = target.get_majorticklocs()
        step = min((abs(b - a) for a, b in zip(locs, locs[1:], strict=False) if b != a),
                   default=1.0)
        digits = 0 if step >= 1 else min(3, math.ceil(-math.log10(step) - 1e-9))
        return number(v, digits)

    target.set_major_formatter(FuncFormatter(fmt))
    if axis == "x":  # long numbers side by side: fewer ticks
        from matplotlib.ticker import MaxNLocator

        target.set_major_locator(MaxNLocator(nbins=5))


def _zero_axis(ax, values, axis: str = "y") -> None:
    """An axis of differences that are all zero shows -1 to 1, not a scale of 0.01s."""
    v = np.asarray(pd.to_numeric(pd.Series(list(values)), errors="coerce"), dtype=float)
    if len(v) and np.nanmax(np.abs(np.nan_to_num(v))) < 0.5:
        (ax.set_ylim if axis == "y" else ax.set_xlim)(-1, 1)


def _years_axis(ax) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year")


def _line(ax, years, mean, low, high, label: str, baseline: bool, color: str) -> None:
    """A path with its 95 % band; the baseline broad and grey under the reforms' lines, so a
    reform equal to the baseline still shows both."""
    if baseline:
        ax.plot(years, mean, label=label, solid_capstyle="round", **BASELINE_STYLE)
        ax.fill_between(years, low, high, color=BASELINE_STYLE["color"], alpha=0.25, lw=0,
                        zorder=0)
    else:
        ax.plot(years, mean, marker="o", ms=3.5, lw=1.6, color=color, label=label, zorder=3)
        ax.fill_between(years, low, high, color=color, alpha=0.15, lw=0, zorder=2)


def _ci(row: pd.Series, digits: int = 0) -> str:
    if pd.isna(row["half_width"]):
        return "n/a (one replication)"
    return f"{number(row['ci_low'], digits)} to {number(row['ci_high'], digits)}"


def path_figure(comp: Comparison, measure: str, title: str, unit: str,
                path: Path | None) -> bytes | None:
    """Levels by scenario (left) and differences to the baseline (right), with 95 % bands."""
    paths = comp.tables.get("paths")
    if paths is None or not (paths["measure"] == measure).any():
        return None
    plt = _plt()
    diffs = comp.tables.get("measures")
    two = diffs is not None and (diffs["measure"] == measure).any()
    fig, axes = plt.subplots(1, 2 if two else 1, figsize=(11 if two else 6.5, 3.8),
                             squeeze=False)
    ax = axes[0][0]
    p = paths[paths["measure"] == measure]
    for i, (scenario, s) in enumerate(p.groupby("scenario", sort=False)):
        _line(ax, s["year"], s["mean"], s["ci_low"], s["ci_high"], scenario,
              scenario == comp.baseline and bool(comp.reforms), COLORS[i % len(COLORS)])
    ax.set_title(title)
    ax.set_ylabel(unit)
    ax.legend(fontsize=8)
    if two:
        ax = axes[0][1]
        d = diffs[diffs["measure"] == measure]
        for i, (scenario, s) in enumerate(d.groupby("scenario", sort=False)):
            _line(ax, s["year"], s["difference"], s["ci_low"], s["ci_high"], scenario, False,
                  COLORS[(i + 1) % len(COLORS)])
        ax.axhline(0, color="#444", lw=0.8)
        _zero_axis(ax, [*d["ci_low"], *d["ci_high"], *d["difference"]])
        ax.set_title(f"Difference to {comp.baseline} (95 % CI)")
        ax.set_ylabel(f"difference, {unit}")
        ax.legend(fontsize=8)
    for a in axes[0]:
        _years_axis(a)
        _thousands(a)
        a.grid(alpha=0.3)
    fig.tight_layout()
    return figure_png(fig, path)


def _payer_paths(comp: Comparison, scenario: str) -> dict[str, pd.DataFrame]:
    """Revenue by payer and year (difference, ci_low, ci_high) of one reform."""
    d = comp.tables["measures"]
    d = d[d["scenario"] == scenario].sort_values("year")
    out = {}
    for payer, measure, sign in (("public_total", "revenue_mio_kr", 1),
                                 ("state", "state_mio_kr", -1),
                                 ("municipalities", "municipality_mio_kr", -1)):
        m = d[d["measure"] == measure]
        if not len(m):
            continue
        lo, hi = m["ci_low"] * sign, m["ci_high"] * sign
        out[payer] = pd.DataFrame({"year": m["year"].to_numpy(),
                                   "difference": (m["difference"] * sign).to_numpy(),
                                   "ci_low": np.minimum(lo, hi).to_numpy(),
                                   "ci_high": np.maximum(lo, hi).to_numpy(),
                                   "half_width": m["half_width"].to_numpy()})
    return out


def revenue_figure(comp: Comparison, path: Path | None) -> bytes | None:
    """Each reform's revenue (provenu) by year and payer with 95 % bands."""
    diffs = comp.tables.get("measures")
    if diffs is None or not (diffs["measure"] == "revenue_mio_kr").any():
        return None
    plt = _plt()
    n = len(comp.reforms)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 + 3.4 * cols if cols > 1 else 8,
                                                  3.6 * rows), squeeze=False)
    for k, scenario in enumerate(comp.reforms):
        ax = axes[k // cols][k % cols]
        for payer, d in _payer_paths(comp, scenario).items():
            c = PAYER_COLORS[payer]
            ax.plot(d["year"], d["difference"], marker="o", ms=3.5,
                    lw=2.2 if payer == "public_total" else 1.5, color=c,
                    label=PAYER_LABELS[payer], zorder=3 if payer == "public_total" else 2)
            ax.fill_between(d["year"], d["ci_low"], d["ci_high"], color=c, alpha=0.18, lw=0)
        ax.axhline(0, color="#444", lw=0.8)
        ax.set_title(f"{scenario} against {comp.baseline}")
        ax.set_ylabel(f"revenue, {MONEY}")
        _years_axis(ax)
        _thousands(ax)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.tight_layout()
    return figure_png(fig, path)


def _group_order(groups) -> list[str]:
    present = set(groups)
    return [g for g in GROUPS if g in present] + sorted(present - set(GROUPS) - {"total"})


def group_figure(comp: Comparison, measure: str, title: str, unit: str,
                 path: Path | None) -> bytes | None:
    """Small multiples: each group's path by scenario with 95 % bands."""
    gp = comp.tables.get("group_paths")
    if gp is None or not (gp["measure"] == measure).any():
        return None
    gp = gp[gp["measure"] == measure]
    active = gp.groupby("group")["mean"].apply(lambda v: bool((v.abs() > 0).any()))
    groups = _group_order(active[active].index)
    if not groups:
        return None
    plt = _plt()
    cols = 4
    rows = -(-len(groups) // cols)
    fig = plt.figure(figsize=(11, 2.3 * rows + 0.8), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    scenarios = list(dict.fromkeys(gp["scenario"]))
    for k, group in enumerate(groups):
        ax = axes[k // cols][k % cols]
        g = gp[gp["group"] == group]
        for i, scenario in enumerate(scenarios):
            s = g[g["scenario"] == scenario].sort_values("year")
            _line(ax, s["year"], s["mean"], s["ci_low"], s["ci_high"], scenario,
                  scenario == comp.baseline and bool(comp.reforms), COLORS[i % len(COLORS)])
        ax.set_title(group, fontsize=8.5)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        _years_axis(ax)
        ax.set_xlabel("")
        _thousands(ax)
        if k % cols == 0:
            ax.set_ylabel(unit, fontsize=8)
    for k in range(len(groups), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.suptitle(title, fontsize=11)
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 4),
               fontsize=8, frameon=False)
    return figure_png(fig, path)


def group_difference_figure(comp: Comparison, path: Path | None) -> bytes | None:
    """Each reform's effect by group in the last year: full-time persons, and revenue by
    payer, with 95 % intervals."""
    st, fin = comp.tables.get("stocks"), comp.tables.get("finance")
    if st is None or not len(st) or not comp.reforms:
        return None
    last = int(st["year"].max())
    plt = _plt()
    money = fin is not None and len(fin)
    groups = _group_order(st["group"])
    n = len(comp.reforms)
    fig, axes = plt.subplots(n, 2 if money else 1, figsize=(11, 0.6 + 0.32 * len(groups) * n),
                             squeeze=False)
    ypos = np.arange(len(groups))
    for r, scenario in enumerate(comp.reforms):
        s = st[(st["scenario"] == scenario) & (st["year"] == last)].set_index("group")
        s = s.reindex(groups)
        ax = axes[r][0]
        ax.barh(ypos, s["difference"].fillna(0), xerr=s["half_width"].fillna(0),
                color=COLORS[1], capsize=2)
        ax.set_yticks(ypos, groups, fontsize=7.5)
        ax.invert_yaxis()
        ax.axvline(0, color="#444", lw=0.8)
        _zero_axis(ax, [*(s["difference"].fillna(0) - s["half_width"].fillna(0)),
                        *(s["difference"].fillna(0) + s["half_width"].fillna(0))], "x")
        ax.set_xlabel(f"difference in full-time persons, {last}")
        ax.set_title(f"{scenario}: full-time persons by group", fontsize=9.5)
        _thousands(ax, "x")
        ax.grid(alpha=0.3, axis="x")
        if money:
            ax = axes[r][1]
            f = fin[(fin["scenario"] == scenario) & (fin["year"] == last)
                    & (fin["item"] == "total")]
            for j, (payer, label) in enumerate((("state", "state"),
                                                 ("municipality", "municipalities"))):
                p = f[f["payer"] == payer].set_index("group").reindex(groups)
                ax.barh(ypos + (j - 0.5) * 0.38, -p["difference"].fillna(0), height=0.38,
                        xerr=p["half_width"].fillna(0), capsize=2,
                        color=PAYER_COLORS["state" if payer == "state" else "municipalities"],
                        label=label)
            ax.set_yticks(ypos, groups, fontsize=7.5)
            ax.invert_yaxis()
            ax.axvline(0, color="#444", lw=0.8)
            ax.set_xlabel(f"revenue, mio. kr ({last}, 2024 prices)")
            ax.set_title(f"{scenario}: revenue by group and payer", fontsize=9.5)
            ax.legend(fontsize=8)
            _thousands(ax, "x")
            ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return figure_png(fig, path)


def element_figure(comp: Comparison, path: Path | None) -> bytes | None:
    el = comp.tables.get("elements")
    if el is None or not len(el):
        return None
    el = el[(el["measure"] == "revenue_mio_kr")]
    el = el[el["year"] == el["year"].max()]
    if not len(el):
        return None
    plt = _plt()
    labels = ["\n".join(textwrap.wrap(f"{r.scenario}: {r.order}. {r.element}", 48))
              for r in el.itertuples()]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(9, 0.8 + 0.28 * lines + 0.2 * len(el)))
    ax.barh(range(len(el)), el["marginal"], xerr=el["half_width"].fillna(0), color=COLORS[0],
            capsize=3)
    ax.set_yticks(range(len(el)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#444", lw=0.8)
    ax.set_xlabel(f"permanent revenue ({int(el['year'].max())}), {MONEY}; bars: 95 % CI")
    _thousands(ax, "x")
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return figure_png(fig, path)


def tornado_figure(comp: Comparison, scenario: str, measure: str, unit: str,
                   path: Path | None) -> bytes | None:
    """The reform's effect in the last year with each assumption at the low and the high
    end of its range: one bar per assumption from one end's effect to the other's,
    around the central effect, the widest swing on top."""
    s = comp.tables.get("sensitivity")
    if s is None or not len(s):
        return None
    s = s[(s["scenario"] == scenario) & (s["measure"] == measure)]
    s = s[s["year"] == s["year"].max()]
    if not len(s):
        return None
    wide = s.pivot_table(index="parameter", columns="end", values="effect")
    values = s.pivot_table(index="parameter", columns="end", values="value")
    wide["swing"] = (wide["high"] - wide["low"]).abs()
    wide = wide.sort_values("swing")
    central = float(s["central"].iloc[0])
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 1.0 + 0.4 * len(wide)))
    y = range(len(wide))
    for end, color in (("low", COLORS[1]), ("high", COLORS[0])):
        ax.barh(y, wide[end] - central, left=central, color=color, alpha=0.8,
                label=f"{end} end of the plausible range")
    ax.set_yticks(list(y), [f"{p} ({values.loc[p, 'low']:g} … {values.loc[p, 'high']:g})"
                            for p in wide.index], fontsize=8)
    ax.axvline(central, color="#444", lw=1.0)
    ax.set_xlabel(f"{scenario}: {measure.replace('_', ' ')} in {int(s['year'].max())} "
                  f"({unit}); line: the central assumptions")
    _thousands(ax, "x")
    ax.grid(alpha=0.3, axis="x")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return figure_png(fig, path)


def _sensitivity(comp: Comparison, figures: Path | None) -> list[str]:
    """Uncertainty from assumptions (compare.sensitivity): tornado charts and a table."""
    s = comp.tables.get("sensitivity")
    if s is None or not len(s):
        return []
    last = int(s["year"].max())
    out = ['<section id="sensitivity"><h2>Uncertainty from assumptions</h2>'
           f"<p>Each reform's effect in {last} with one assumption at the low and the high "
           "end of its plausible range, in the baseline and the reform alike (common random "
           "numbers), against the effect with the central assumptions. This uncertainty "
           "adds to the sampling intervals above.</p>"]
    for scenario in dict.fromkeys(s["scenario"]):
        for measure, unit in (("revenue_mio_kr", MONEY), ("employment", "full-time persons")):
            name = f"tornado_{scenario}_{measure}.png"
            png = tornado_figure(comp, scenario, measure, unit,
                                 figures / name if figures else None)
            if png is not None:
                out.append(img(png, f"{scenario}: {measure.replace('_', ' ')} by assumption"))
        d = s[(s["scenario"] == scenario) & (s["year"] == last)]
        rows = []
        for (param, end), g in d.groupby(["parameter", "end"], sort=False):
            row = {"assumption": param, "end": end, "value": float(g["value"].iloc[0])}
            for measure in ("revenue_mio_kr", "employment"):
                m = g[g["measure"] == measure]
                row[measure] = _pm(float(m["effect"].iloc[0]), float(m["half_width"].iloc[0])) \
                    if len(m) else ""
            rows.append(row)
        out.append(f"<h3>{html.escape(scenario)}</h3>")
        out.append(table(pd.DataFrame(rows), 2))
    out.append("</section>")
    return out


# -- the headline: the reform's effect in words and numbers -------------------------------

# measure: (card label, subject of the sentence, word up, word down, unit)
EFFECTS = {
    "public_total": ("Public finances (provenu)", "public finances", "improve", "worsen",
                     "mio. kr"),
    "state": ("State", "the state's finances", "improve", "worsen", "mio. kr"),
    "municipalities": ("Municipalities", "the municipalities' finances", "improve", "worsen",
                       "mio. kr"),
    "employment": ("Employment", "employment", "rises", "falls", "full-time persons"),
    "fulltime_persons": ("Full-time persons on public support",
                         "full-time persons on public support", "rise", "fall", "persons"),
}


NO_EMPLOYMENT = ("not measured: employment needs the flows table (add flows to the "
                 "experiment's outputs)")


def effect_words(key: str, diff: float, low: float, high: float, half: float,
                 year: int) -> str:
    """One sentence: the effect and its 95 % confidence interval in words."""
    _label, subject, up, down, unit = EFFECTS[key]
    size = number(abs(diff))
    if pd.isna(half):
        ci = "one replication, so no confidence interval"
    elif number(diff) == "0" and number(half) == "0":
        return f"In {year}, {subject} do not change (0 {unit} in every replication)." \
            if key != "employment" else f"In {year}, employment does not change (0 {unit} " \
                                        "in every replication)."
    elif low > 0 or high < 0:
        a, b = sorted((abs(low), abs(high)))
        ci = (f"with 95 % confidence the change is {'an increase' if low > 0 else 'a decrease'}"
              f" of between {number(a)} and {number(b)} {unit}")
    else:
        ci = (f"the 95 % confidence interval, {number(low)} to {number(high)} {unit}, "
              "includes zero: no clear effect")
    if number(diff) == "0":
        return f"In {year}, {subject}: 0 {unit}; {ci}."
    verb = up if diff > 0 else down
    return f"In {year}, {subject} {verb} by {size} {unit}; {ci}."


def _card(key: str, d: pd.Series, year: int) -> str:
    label, *_ = EFFECTS[key]
    unit = EFFECTS[key][4]
    diff = float(d["difference"])
    cls = "" if number(diff) == "0" else (" pos" if diff > 0 else " neg")
    if key == "fulltime_persons" and cls:  # more people on support is the bad direction
        cls = " neg" if diff > 0 else " pos"
    ci = ("95 % CI: n/a (one replication)" if pd.isna(d["half_width"]) else
          f"95 % CI: {number(d['ci_low'])} to {number(d['ci_high'])}")
    words = effect_words(key, diff, d["ci_low"], d["ci_high"], d["half_width"], year)
    return (f'<div class="card" data-measure="{key}"><div class="label">'
            f"{html.escape(label)}</div>"
            f'<div class="value{cls}">{number(diff, 0, sign=True)} '
            f'<span style="font-size:0.55em">{html.escape(unit)}</span></div>'
            f'<div class="ci">{ci}</div><div class="words">{html.escape(words)}</div></div>')


def headline_years(comp: Comparison, manifest: dict[str, Any]) -> list[int]:
    """The years the headline states: ``compare.years`` of the experiment, else the last."""
    d = comp.tables.get("measures")
    if d is None or not len(d):
        return []
    present = sorted(int(y) for y in d["year"].unique())
    chosen = ((manifest.get("experiment") or {}).get("compare") or {}).get("years") or []
    years = [int(y) for y in chosen if int(y) in present]
    return years or present[-1:]


def headline_effects(comp: Comparison, scenario: str, year: int) -> dict[str, pd.Series]:
    """The headline's effects of ``scenario`` in ``year``: revenue by payer (positive =
    better public finances), employment and full-time persons on support."""
    out = {}
    for payer, d in _payer_paths(comp, scenario).items():
        row = d[d["year"] == year]
        if len(row):
            out[payer] = row.iloc[0]
    m = comp.tables["measures"]
    for key in ("employment", "fulltime_persons"):
        row = m[(m["scenario"] == scenario) & (m["measure"] == key) & (m["year"] == year)]
        if len(row):
            out[key] = row.iloc[0]
    return out


def headline_text(comp: Comparison, manifest: dict[str, Any]) -> list[str]:
    """The headline as plain sentences (also printed by ``python -m sim run``)."""
    lines = []
    last = None
    if comp.tables.get("measures") is not None and len(comp.tables["measures"]):
        last = int(comp.tables["measures"]["year"].max())
    rc = comp.tables.get("revenue_convention")
    for scenario in comp.reforms:
        for year in headline_years(comp, manifest):
            effects = headline_effects(comp, scenario, year)
            tag = "" if year != last else " (the last simulated year)" \
                if manifest.get("permanent") else " (permanent effect)"
            lines.append(f"{scenario} against {comp.baseline}, {year}{tag}:")
            for key, d in effects.items():
                lines.append("  " + effect_words(key, float(d["difference"]), d["ci_low"],
                                                 d["ci_high"], d["half_width"], year))
            if "employment" not in effects:
                lines.append(f"  Employment: {NO_EMPLOYMENT}")
        if rc is not None and len(rc) and manifest.get("permanent"):
            row = rc[(rc["scenario"] == scenario) & (rc["order"] == 0)
                     & (rc["period"] == "permanent") & (rc["payer"] == "public_total")
                     & (rc["column"] == TOTAL)]
            if len(row):
                r = row.iloc[0]
                lines.append(f"  Permanent (varig) revenue with the employment effect, mean of "
                             f"{r['permanent_years']} (steady state {r['steady_state']}): "
                             f"{_pm(r['estimate'], r['half_width'])} mio. kr.")
    return lines


def _levels(comp: Comparison) -> str:
    """The baseline's levels in its last year, as cards (a run without a reform)."""
    paths = comp.tables.get("paths")
    if paths is None or not len(paths):
        return ""
    last = int(paths["year"].max())
    cards = []
    for measure, label, unit in (("fulltime_persons", "Full-time persons on public support",
                                  "persons"),
                                 ("gross_mio_kr", "Public expenditure", "mio. kr"),
                                 ("state_mio_kr", "State (refusion)", "mio. kr"),
                                 ("municipality_mio_kr", "Municipalities (net)", "mio. kr")):
        row = paths[(paths["measure"] == measure) & (paths["year"] == last)]
        if not len(row):
            continue
        r = row.iloc[0]
        ci = ("95 % CI: n/a (one replication)" if pd.isna(r["ci_low"]) else
              f"95 % CI: {number(r['ci_low'])} to {number(r['ci_high'])}")
        cards.append(f'<div class="card" data-measure="{measure}"><div class="label">'
                     f"{html.escape(label)}, {last}</div><div class=\"value\">"
                     f"{number(r['mean'])} <span style=\"font-size:0.55em\">{unit}</span>"
                     f'</div><div class="ci">{ci}</div></div>')
    return '<div class="cards">' + "".join(cards) + "</div>"


def _headline(comp: Comparison, manifest: dict[str, Any],
              figures: Path | None) -> list[str]:
    h = comp.tables.get("headline")
    if h is None or not len(h):
        return ['<section id="headline"><h2>Headline</h2><div class="headline"><p>One '
                "scenario: no comparison. The figures below show its levels, in all and by "
                "group, with 95 % intervals over replications.</p>"
                + _levels(comp) + "</div></section>"]
    out = ['<section id="headline"><h2>Headline</h2>']
    years = headline_years(comp, manifest)
    last = int(comp.tables["measures"]["year"].max())
    for scenario, d in h.groupby("scenario", sort=False):
        reps = int(d["replications"].iloc[0])
        out.append(f'<div class="headline" data-scenario="{html.escape(scenario)}">'
                   f"<p><b>{html.escape(scenario)}</b> against "
                   f"<b>{html.escape(comp.baseline)}</b>, {reps} paired replications; "
                   "revenue (provenu) is the change in public finances, positive when "
                   "expenditure falls; 95 % confidence intervals.</p>")
        for year in years:
            tag = ("" if year != last else " (the last simulated year)"
                   if manifest.get("permanent") else " (the last simulated year: permanent effect)")
            effects = headline_effects(comp, scenario, year)
            cards = [_card(k, v, year) for k, v in effects.items()]
            if "employment" not in effects:
                cards.insert(3, f'<div class="card" data-measure="employment"><div '
                                f'class="label">Employment</div><div class="value">n/a</div>'
                                f'<div class="words">{NO_EMPLOYMENT}</div></div>')
            out.append(f"<h3>{year}{tag}</h3><div class=\"cards\">" + "".join(cards)
                       + "</div>")
        out.append("</div>")
    out += _convention(comp, manifest)
    png = revenue_figure(comp, figures / "revenue.png" if figures else None)
    if png is not None:
        out.append(img(png, "Revenue (provenu) by year and payer, mio. kr at 2024 prices, "
                            "with 95 % bands (positive = lower public expenditure)"))
    for scenario, d in h.groupby("scenario", sort=False):
        d = d.set_index("measure")
        year = int(d["year"].iloc[0])
        rows = [(MEASURES[m][0], np.nan if m in DERIVED else r["baseline"],
                 np.nan if m in DERIVED else r["reform"], r["difference"], _ci(r),
                 MEASURES[m][1]) for m, r in d.iterrows() if m in MEASURES]
        out.append(f"<h3>{html.escape(scenario)}: all measures in {year}</h3>")
        out.append(table(pd.DataFrame(rows, columns=[
            "measure", comp.baseline, scenario, "difference", "95 % CI", "note"]), 0))
    out.append("<p>Revenue and employment exist only as differences, so they have no "
               "level in either scenario.</p></section>")
    return out


def _permanent_words(manifest: dict[str, Any], rows: pd.DataFrame) -> str:
    """How the permanent effect was taken, in words."""
    years = str(rows["permanent_years"].iloc[0])
    steady = str(rows["steady_state"].iloc[0])
    p = manifest.get("permanent")
    if not p:
        return (f"permanent = the last simulated year ({years}); the steady state was not "
                "tested (add <code>compare: {permanent: {...}}</code> to the experiment to "
                "take it from a run extended to a steady state)")
    tried = ", ".join(str(e) for e in p["tried"])
    return (f"permanent (varig) = the mean of {years} in a run of the baseline, the reform "
            f"and its element steps extended {p['extended_years']} years past the horizon "
            f"(same seeds and replications; extensions tried: {tried} years, at most "
            f"{p['max_extend_years']}); steady state <b>{html.escape(steady)}</b>")


def _convention(comp: Comparison, manifest: dict[str, Any]) -> list[str]:
    """The revenue table in the costing convention's columns: the report's first table."""
    rc = comp.tables.get("revenue_convention")
    if rc is None or not len(rc):
        return []
    steady = comp.tables.get("steady_state")
    labels = [LABELS[c] for c in (*COLUMNS, TOTAL)]
    pub = rc[rc["payer"] == "public_total"]
    years = [p for p in dict.fromkeys(pub["period"]) if p != "permanent"]
    value = employment_value(int(years[-1]))
    out = ['<section id="convention"><h2>Revenue (provenu) in the costing convention\'s '
           "columns</h2>"
           "<p>The change in public finances (state and municipalities together), mio. kr a "
           "year at 2024 prices, positive when public finances improve, ± the 95 % "
           "half-width over paired replications: drift (jobcentre operation: conversations, "
           "casework, offers set up, rehabiliteringsteam, other operation), ØVO, anden "
           "indsats (løntilskud, ordinary education, mentor), afledt ydelse (benefits less "
           "sanction reductions) and the beskæftigelseseffekt: the change in employment x "
           f"{number(value)} kr a year per full-time person "
           f"(<code>convention.employment_value</code>, {html.escape(employment_source())})."
           " The state's and the municipalities' parts of the first four columns are in "
           "revenue_convention.csv.</p>"]
    for scenario, d in pub.groupby("scenario", sort=False):
        whole = d[d["order"] == 0]
        cells = whole.assign(cell=[_pm(e, h) for e, h in
                                   zip(whole["estimate"], whole["half_width"], strict=True)])
        wide = cells.pivot(index="period", columns="column", values="cell")
        wide = wide.reindex(index=[*years, "permanent"], columns=[*COLUMNS, TOTAL])
        wide.columns = labels
        label = whole.loc[whole["period"] == "permanent", "permanent_years"].iloc[0]
        wide.index = [*years, f"permanent ({label})"]
        out.append(f"<h3>{html.escape(scenario)} against {html.escape(comp.baseline)}</h3>")
        out.append(table(wide.reset_index(names="year"), 0))
        out.append(f"<p>{_permanent_words(manifest, whole[whole['period'] == 'permanent'])}"
                   ".</p>")
        if steady is not None and len(steady) and (steady["scenario"] == scenario).any():
            st = steady[steady["scenario"] == scenario].iloc[0]
            out.append(
                f"<p>Steady-state test of the total over {html.escape(str(st['window']))}: "
                f"fitted slope {number(st['slope'], 1, sign=True)} ± "
                f"{number(st['slope_half_width'], 1)} mio. kr a year (steady needs the 95 % "
                "interval to include zero) and the drift it implies over the window, "
                f"{number(st['drift'], 1)}, at most {number(st['allowed_drift'], 1)} (the "
                f"larger of {number(st['tolerance'] * 100)} % of the level, "
                f"{number(st['level'])}, and the level's 95 % half-width, "
                f"{number(st['level_half_width'])}).</p>")
        parts = d[d["order"] > 0]
        if len(parts):
            perm = parts[parts["period"] == "permanent"]
            rows = perm.assign(cell=[_pm(e, h) for e, h in
                                     zip(perm["estimate"], perm["half_width"], strict=True)])
            wide = rows.pivot_table(index=["order", "element"], columns="column",
                                    values="cell", aggfunc="first")
            wide = wide.reindex(columns=[*COLUMNS, TOTAL])
            wide.columns = labels
            out.append(f"<h3>{html.escape(scenario)}: permanent effect by element "
                       f"({html.escape(str(perm['permanent_years'].iloc[0]))})</h3>")
            out.append(table(wide.reset_index(), 0))
            tot = parts[parts["column"] == TOTAL].assign(
                cell=lambda f: [_pm(e, h) for e, h in
                                zip(f["estimate"], f["half_width"], strict=True)])
            tot = tot.assign(label=[f"{o}. {e}" for o, e in zip(tot["order"], tot["element"],
                                                                  strict=True)])
            wide = tot.pivot_table(index="period", columns="label", values="cell",
                                   aggfunc="first")
            wide = wide.reindex(index=[*years, "permanent"],
                                columns=list(dict.fromkeys(tot["label"])))
            out.append(f"<h3>{html.escape(scenario)}: total by element and year</h3>")
            out.append(table(wide.reset_index(names="year"), 0))
            out.append("<p>Elements added one at a time in the listed order; each row is "
                       "the marginal effect of its element (paired replications).</p>")
    out.append("</section>")
    return out


def _pm(est: float, half: float, digits: int = 0) -> str:
    if pd.isna(half):
        return number(est, digits, sign=True)
    return f"{number(est, digits, sign=True)} ± {number(half, digits)}"


def _wide_revenue(rev: pd.DataFrame) -> pd.DataFrame:
    years = [c for c in rev.columns if c not in ("scenario", "payer", "statistic",
                                                 "permanent_years")]
    est = rev[rev["statistic"] == "estimate"].set_index(["scenario", "payer"])[years]
    half = rev[rev["statistic"] == "half_width"].set_index(["scenario", "payer"])[years]
    cells = est.copy().astype(object)
    for c in years:
        cells[c] = [_pm(e, h) for e, h in zip(est[c], half[c], strict=True)]
    return cells.reset_index()


def _elements(comp: Comparison) -> list[str]:
    el = comp.tables.get("elements")
    out = ['<section id="elements"><h2>Elements</h2>']
    if el is None or not len(el):
        out.append("<p>No element attribution was asked for (experiment key "
                   "<code>compare: {elements: [scenario]}</code>).</p></section>")
        return out
    out.append("<p>Policy elements added one at a time in the listed order; each row is the "
               "marginal effect of adding that element to the ones above it (paired "
               "replications, ± 95 % half-width). The rows add up to the scenario's total.</p>")
    last = el["year"].max()
    for scenario, d in el.groupby("scenario", sort=False):
        rev = d[d["measure"] == "revenue_mio_kr"]
        keys = ["order", "element"]
        wide = rev.set_index([*keys, "year"])["marginal"].unstack("year")
        halves = rev.set_index([*keys, "year"])["half_width"].unstack("year")
        cells = wide.astype(object)
        for c in wide.columns:
            cells[c] = [_pm(e, h) for e, h in zip(wide[c], halves[c], strict=True)]
        cells.columns = [str(c) for c in cells.columns]
        for key in ("fulltime_persons", "employment"):
            k = d[(d["measure"] == key) & (d["year"] == last)].set_index(keys)
            k = k.reindex(cells.index)
            cells[f"{key} ({last})"] = [_pm(m, h) for m, h in
                                        zip(k["marginal"], k["half_width"], strict=True)]
        out.append(f"<h3>{html.escape(scenario)}: revenue (provenu) by element, mio. kr "
                   f"(last column: {last}, the permanent effect)</h3>")
        out.append(table(cells.reset_index(), 0))
    out.append("</section>")
    return out


CHANNEL_NAMES = {"benefit_level": "benefit level", "conversations": "conversations",
                 "offers": "offers (lock-in, post effect, threat)", "sanctions": "sanctions",
                 "exhaustion": "exhaustion (the weeks before a benefit runs out)",
                 "other": "other: the law's routing and money, and interactions"}


def _channels(comp: Comparison) -> list[str]:
    """Which behaviour channel carries each reform's effect (compare.channels)."""
    ch = comp.tables.get("channels")
    if ch is None or not len(ch):
        return []
    last = int(ch["year"].max())
    out = ['<section id="channels"><h2>Channels: why employment moves</h2>'
           f"<p>Each reform's effect in {last} split by the behaviour channel that carries "
           "it: the effect less the same effect with that channel switched off in the "
           "baseline and the reform (paired replications, ± 95 % half-width). The rows add "
           "up to the reform's total.</p>"]
    for scenario, d in ch[ch["year"] == last].groupby("scenario", sort=False):
        rows = []
        for channel, c in d.groupby("channel", sort=False):
            row = {"channel": CHANNEL_NAMES.get(channel, channel)}
            for measure in ("employment", "fulltime_persons", "revenue_mio_kr"):
                m = c[c["measure"] == measure]
                row[measure] = _pm(float(m["effect"].iloc[0]), float(m["half_width"].iloc[0])) \
                    if len(m) else ""
            rows.append(row)
        out.append(f"<h3>{html.escape(scenario)}</h3>")
        out.append(table(pd.DataFrame(rows), 0))
    out.append("</section>")
    return out


def _short(v: Any) -> str:
    v = clean(v)
    text = v if isinstance(v, str) else json.dumps(v, default=str, ensure_ascii=False)
    return text if len(text) <= 90 else text[:87] + "..."


POLICY_COLUMNS = {"by": "policy", "parameter": "parameter", "baseline_value": "was",
                  "new_value": "becomes", "effective": "from", "until": "until",
                  "scope": "scope", "phase_in_share": "phase-in share", "source": "source"}


def _policies(manifest: dict[str, Any]) -> list[str]:
    out = ['<section id="policies"><h2>What changed: policies and parameters</h2>']
    users = manifest.get("user_scenarios") or list(manifest.get("scenarios", {}))
    for name in users:
        sc = manifest["scenarios"].get(name, {})
        out.append(f"<h3>{html.escape(name)}</h3><p>Policies: "
                   f"{html.escape(', '.join(sc.get('policies', [])) or 'none')}</p>")
        changes = sc.get("changes") or []
        if changes:
            df = pd.DataFrame(changes)
            for c in ("baseline_value", "new_value"):
                if c in df:
                    df[c] = df[c].map(_short)
            df = df[[c for c in POLICY_COLUMNS if c in df]].rename(columns=POLICY_COLUMNS)
            out.append(table(df, 2))
        else:
            out.append("<p>No parameter changes (the law as in the parameter files).</p>")
    out.append("</section>")
    return out


def _method(manifest: dict[str, Any]) -> list[str]:
    exp = manifest.get("experiment", {})
    runs = manifest.get("runs", [])
    stock = manifest.get("initial_stock") or {}
    prec = manifest.get("precision")
    rows = [
        ("Objective", exp.get("description") or exp.get("name", "")),
        ("Scenarios", ", ".join(manifest.get("user_scenarios", []))
         + f" (baseline: {(manifest.get('user_scenarios') or ['?'])[0]})"),
        ("Model", "event-driven SimPy model of individual benefit spells; exits by an "
                  "integrated competing-risk hazard clock; law as dated parameters "
                  "(policies/params) and behaviour in calibration/params"),
        ("Start, horizon", f"{exp.get('start')}, {exp.get('years')} years (calendar years "
                           "reported; results from the start date)"),
        ("Scale", f"{exp.get('scale')} sample share; counts weighted by 1/scale"),
        ("Initial stock", f"{sum((stock.get('persons') or {}).values()):,} persons placed "
                          f"{stock.get('placed_years_before_start')} year(s) before the "
                          "start (warm-up) with elapsed durations"),
        ("Seeds", f"master seed {exp.get('seed')}; "
                  + (manifest.get("seeds") or {}).get("scheme", "")),
        ("Replications", f"{len((manifest.get('seeds') or {}).get('replications', []))} per "
                         "scenario, common random numbers across scenarios"),
        ("Precision rule", "none" if not prec else
         f"{prec['metric']} ({prec['year']}): half-width {prec['half_width_reached']:,.1f} "
         f"after {prec['replications']} replications, target {prec['half_width']:,.1f} "
         f"({'reached' if prec['reached'] else 'not reached'})"),
        ("Intervals", "95 % Student-t over paired replication differences (reform - baseline, "
                      "same replication index)"),
        ("Employment", EMPLOYMENT_DOC if "employment" in (exp.get("outputs") or [])
         else EMPLOYMENT_DOC_FROM_STOCKS),
        ("Revenue (provenu)", "minus the change in public expenditure (gross = state + "
                              "municipalities), mio. kr at the parameters' price level; "
                              + ("'permanent' = the mean over the last years of a run "
                                 "extended to a steady state (compare.permanent)"
                                 if manifest.get("permanent") else
                                 "'permanent' = the last simulated year")),
        ("Executor", f"{manifest.get('executor')}, workers: {manifest.get('workers') or 'auto'}"),
        ("Run time", f"{manifest.get('wall_seconds', 0):,.1f} s wall; "
                     f"{sum(r['seconds'] for r in runs):,.1f} s over {len(runs)} tasks; "
                     f"{sum(r['events'] for r in runs):,} events"),
        ("Versions", ", ".join(f"{k} {v}" for k, v in (manifest.get("versions") or {}).items())),
        ("Platform", manifest.get("platform", "")),
        ("Experiment", f"{manifest.get('experiment_file')} sha256 "
                       f"{str(manifest.get('experiment_sha256'))[:16]}; code sha256 "
                       f"{str(manifest.get('code_sha256'))[:16]}"),
        ("Created", manifest.get("created", "")),
    ]
    return ['<section id="method"><h2>Method appendix</h2><p>Reporting items after the '
            "STRESS-DES checklist. The full experiment and every scenario's parameter "
            "changes are in manifest.json.</p>",
            '<div class="text">', table(pd.DataFrame(rows, columns=["item", "value"])),
            "</div></section>"]


def _group_tables(comp: Comparison) -> list[str]:
    out = ['<section id="tables"><h2>Comparison by group (permanent year)</h2>'
           "<p>All years and groups are in the compare_*.csv files of the run folder. "
           "Differences are reform − baseline, ± the 95 % half-width.</p>"]
    st = comp.tables.get("stocks")
    if st is not None and len(st):
        last = int(st["year"].max())
        for scenario, d in st[st["year"] == last].groupby("scenario", sort=False):
            d = d.set_index("group").reindex([*_group_order(d["group"]), "total"])
            rows = pd.DataFrame({"group": d.index, comp.baseline: d["baseline"].to_numpy(),
                                 scenario: d["reform"].to_numpy(),
                                 "difference": [_pm(m, h) for m, h in
                                                zip(d["difference"], d["half_width"],
                                                    strict=True)]})
            out.append(f"<h3>{html.escape(scenario)}: full-time persons by group, {last}</h3>")
            out.append(table(rows, 0, total="group"))
    fin = comp.tables.get("finance")
    if fin is not None and len(fin):
        last = int(fin["year"].max())
        f = fin[(fin["year"] == last) & (fin["group"] == "total")]
        for scenario, d in f.groupby("scenario", sort=False):
            items = [i for i in dict.fromkeys(d["item"]) if i != "total"] + ["total"]
            rows = []
            for item in items:
                by = d[d["item"] == item].set_index("payer")
                if not {"gross", "state", "municipality"} <= set(by.index):
                    continue
                values = by.loc[["gross", "state", "municipality"],
                                ["baseline", "reform", "difference"]].to_numpy(dtype=float)
                if not np.abs(values).round(1).any():
                    continue  # nothing in either scenario
                g, s_, m_ = (by.loc[p] for p in ("gross", "state", "municipality"))
                rows.append({"item": item, f"{comp.baseline}, gross": g["baseline"],
                             f"{scenario}, gross": g["reform"],
                             "difference, gross": _pm(g["difference"], g["half_width"], 1),
                             "difference, state": _pm(s_["difference"], s_["half_width"], 1),
                             "difference, municipalities": _pm(m_["difference"],
                                                               m_["half_width"], 1)})
            out.append(f"<h3>{html.escape(scenario)}: expenditure by item and payer, all "
                       f"groups, {last}, mio. kr (2024 prices)</h3>")
            out.append(table(pd.DataFrame(rows), 1, total="item"))
    out.append("</section>")
    return out


def _group_figures(comp: Comparison, figures: Path | None) -> list[str]:
    out = ['<section id="groups"><h2>By group</h2><p>Each benefit group\'s full-time persons '
           "and public expenditure by year, means over replications with 95 % bands"
           + (f"; the baseline ({html.escape(comp.baseline)}) as a broad grey line"
              if comp.reforms else "") + ".</p>"]
    for measure, title, unit in (("fulltime_persons", "Full-time persons by group",
                                  "full-time persons"),
                                 ("gross_mio_kr", "Public expenditure by group (gross)",
                                  "mio. kr (2024 prices)")):
        png = group_figure(comp, measure, title, unit,
                           figures / f"groups_{measure}.png" if figures else None)
        if png is not None:
            out.append(img(png, f"{title}, by year"))
    png = group_difference_figure(comp, figures / "groups_difference.png" if figures else None)
    if png is not None:
        out.append(img(png, "Effect by group in the last simulated year: full-time persons, "
                            "and revenue by payer (positive = lower expenditure), 95 % CI"))
    out.append("</section>")
    return out


def render(comp: Comparison, manifest: dict[str, Any], figures: Path | None = None) -> str:
    """The report as one HTML document; PNGs also written to ``figures`` when given."""
    if figures is not None:
        figures.mkdir(parents=True, exist_ok=True)
    name = (manifest.get("experiment") or {}).get("name", "run")
    body = _headline(comp, manifest, figures)
    body.append('<section id="paths"><h2>Paths</h2><p>Means over replications with 95 % '
                "bands" + (f"; the baseline ({html.escape(comp.baseline)}) as a broad grey "
                           "line under the reforms'" if comp.reforms else "") + ".</p>")
    for measure, title, unit in PATHS:
        png = path_figure(comp, measure, title, unit,
                          figures / f"{measure}.png" if figures else None)
        if png is not None:
            body.append(img(png, f"{title} by year ({unit})"))
    body.append("</section>")
    rev = comp.tables.get("revenue")
    if rev is not None and len(rev):
        body.append('<section id="revenue"><h2>Revenue (provenu) by year</h2><p>Change in '
                    "public finances, mio. kr at 2024 prices (positive = lower expenditure "
                    "than the baseline), ± 95 % half-width; permanent = "
                    + (f"the mean of {html.escape(str(rev['permanent_years'].iloc[0]))} in "
                       "the run extended to a steady state"
                       if manifest.get("permanent") else "the last simulated year") + ".</p>")
        body.append(table(_wide_revenue(rev)))
        body.append("</section>")
    body += _group_figures(comp, figures)
    if comp.reforms:
        body += _elements(comp)
        png = element_figure(comp, figures / "elements.png" if figures else None)
        if png is not None:
            body.append(img(png, "Permanent revenue by policy element"))
        body += _channels(comp)
        body += _sensitivity(comp, figures)
        body += _group_tables(comp)
    body += _policies(manifest)
    body += _method(manifest)
    return page(f"Caseload simulation: {name}", body)


def write_report(results: Any, out: str | Path, comparison: Comparison | None = None
                 ) -> list[Path]:
    """Write the comparison tables (``compare_*``, ``revenue``, ``revenue_convention``,
    ``elements``, ``headline``, ``paths``, ``group_paths``), the figures
    (``figures/*.png``) and ``report.html`` into ``out``. ``results``: a ``sim.Results``
    (or anything with ``tables`` and ``manifest``); ``comparison``: its
    ``sim.compare(results)`` when already made."""
    out = Path(out)
    comp = comparison if comparison is not None else compare(results)
    named = {(f"compare_{k}" if k in ("stocks", "flows", "activity", "finance", "measures",
                                       "channels", "sensitivity", "steady_state")
              else k): v for k, v in comp.tables.items()}
    written = write_tables(named, out)
    text = render(comp, results.manifest, out / "figures")
    written += sorted((out / "figures").glob("*.png"))
    written.append(atomic_text(out / "report.html", text))
    return written
