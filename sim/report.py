"""The run report: one self-contained HTML file with embedded figures, plus PNG and tables.

Headline numbers first, then stock and cost paths with 95 % bands, revenue and element
tables, the policy changes of each scenario and a method appendix in the spirit of the
STRESS-DES checklist (Monks et al. 2019).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.compare import EMPLOYMENT_DOC, Comparison, compare
from sim.html import figure_png, img, page, table
from sim.output import atomic_text, write_tables

MEASURES = {
    "revenue_mio_kr": ("Revenue (provenu), mio. kr", "positive = lower public expenditure"),
    "gross_mio_kr": ("Public expenditure, mio. kr", "gross: state refusion + municipal net"),
    "state_mio_kr": ("State (refusion), mio. kr", ""),
    "municipality_mio_kr": ("Municipalities (net), mio. kr", ""),
    "fulltime_persons": ("Full-time persons on public support", "all groups"),
    "employment": ("Employment, full-time persons", "see method"),
    "conversations": ("Conversations", "jobcentre and a-kasse"),
    "offers": ("Activation offers started", ""),
    "sanctions": ("Sanctions", ""),
}
PATHS = (("fulltime_persons", "Full-time persons on public support"),
         ("gross_mio_kr", "Public expenditure, mio. kr"))
COLORS = ["#1f4e79", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#17a589", "#7f8c8d"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _fmt(v: float, digits: int = 0) -> str:
    return f"{v:+,.{digits}f}" if pd.notna(v) else "n/a"


def _ci(row: pd.Series, digits: int = 0) -> str:
    if pd.isna(row["half_width"]):
        return "n/a (one replication)"
    return f"{row['ci_low']:,.{digits}f} to {row['ci_high']:,.{digits}f}"


def path_figure(comp: Comparison, measure: str, title: str, path: Path | None) -> bytes | None:
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
        c = COLORS[i % len(COLORS)]
        ax.plot(s["year"], s["mean"], marker="o", color=c, label=scenario)
        ax.fill_between(s["year"], s["ci_low"], s["ci_high"], color=c, alpha=0.2, lw=0)
    ax.set_title(title)
    ax.set_xlabel("year")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    if two:
        ax = axes[0][1]
        d = diffs[diffs["measure"] == measure]
        for i, (scenario, s) in enumerate(d.groupby("scenario", sort=False)):
            c = COLORS[(i + 1) % len(COLORS)]
            ax.plot(s["year"], s["difference"], marker="o", color=c, label=scenario)
            ax.fill_between(s["year"], s["ci_low"], s["ci_high"], color=c, alpha=0.2, lw=0)
        ax.axhline(0, color="#444", lw=0.8)
        ax.set_title(f"Difference to {comp.baseline} (95 % CI)")
        ax.set_xlabel("year")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    for a in axes[0]:
        a.xaxis.get_major_locator().set_params(integer=True)
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
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.5 * len(el)))
    labels = [f"{r.scenario}: {r.order}. {r.element}"[:70] for r in el.itertuples()]
    ax.barh(range(len(el)), el["marginal"], xerr=el["half_width"].fillna(0), color=COLORS[0],
            capsize=3)
    ax.set_yticks(range(len(el)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#444", lw=0.8)
    ax.set_xlabel(f"permanent revenue ({int(el['year'].max())}), mio. kr; bars: 95 % CI")
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return figure_png(fig, path)


def _headline(comp: Comparison) -> list[str]:
    h = comp.tables.get("headline")
    if h is None or not len(h):
        return ['<section id="headline"><h2>Headline</h2><p class="headline">One scenario: '
                "no comparison. The paths below show its levels with 95 % intervals over "
                "replications.</p></section>"]
    out = ['<section id="headline"><h2>Headline</h2>']
    for scenario, d in h.groupby("scenario", sort=False):
        d = d.set_index("measure")
        year = int(d["year"].iloc[0])
        reps = int(d["replications"].iloc[0])
        items = []
        for key in ("revenue_mio_kr", "fulltime_persons", "employment"):
            if key in d.index:
                r = d.loc[key]
                items.append(f"<li><b>{html.escape(MEASURES[key][0])}: "
                             f"{_fmt(r['difference'])}</b> (95 % CI {_ci(r)})</li>")
        out.append(f'<div class="headline"><p><b>{html.escape(scenario)}</b> against '
                   f"<b>{html.escape(comp.baseline)}</b>, permanent effect ({year}), "
                   f"{reps} paired replications:</p><ul>{''.join(items)}</ul></div>")
        rows = [(MEASURES[m][0], r["baseline"], r["reform"], r["difference"], _ci(r),
                 MEASURES[m][1]) for m, r in d.iterrows() if m in MEASURES]
        out.append(table(pd.DataFrame(rows, columns=[
            "measure", comp.baseline, scenario, "difference", "95 % CI", "note"]), 0))
    out.append("</section>")
    return out


def _wide_revenue(rev: pd.DataFrame) -> pd.DataFrame:
    years = [c for c in rev.columns if c not in ("scenario", "payer", "statistic")]
    est = rev[rev["statistic"] == "estimate"].set_index(["scenario", "payer"])[years]
    half = rev[rev["statistic"] == "half_width"].set_index(["scenario", "payer"])[years]
    cells = est.copy().astype(object)
    for c in years:
        cells[c] = [f"{e:,.0f} ± {h:,.0f}" if pd.notna(h) else f"{e:,.0f}"
                    for e, h in zip(est[c], half[c], strict=True)]
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
        rev = d[d["measure"] == "revenue_mio_kr"].pivot_table(
            index=["order", "element"], columns="year", values="marginal", aggfunc="sum")
        rev.columns = [str(c) for c in rev.columns]
        rev["permanent"] = rev[str(last)]
        for key in ("fulltime_persons", "employment"):
            k = d[(d["measure"] == key) & (d["year"] == last)].set_index(["order", "element"])
            rev[f"{key} (permanent)"] = [
                f"{m:+,.0f} ± {h:,.0f}" if pd.notna(h) else f"{m:+,.0f}"
                for m, h in zip(k["marginal"], k["half_width"], strict=True)]
        out.append(f"<h3>{html.escape(scenario)}: revenue (provenu) by element, mio. kr</h3>")
        out.append(table(rev.reset_index(), 0))
    out.append("</section>")
    return out


def _short(v: Any) -> str:
    text = v if isinstance(v, str) else json.dumps(v, default=str)
    return text if len(text) <= 90 else text[:87] + "..."


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
            out.append(table(df))
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
        ("Employment", EMPLOYMENT_DOC),
        ("Revenue (provenu)", "minus the change in public expenditure (gross = state + "
                              "municipalities), mio. kr at the parameters' price level; "
                              "'permanent' = the last simulated year"),
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
           "<p>All years and groups are in the compare_*.csv files of the run folder.</p>"]
    st = comp.tables.get("stocks")
    if st is not None and len(st):
        last = st[st["year"] == st["year"].max()]
        out.append("<h3>Full-time persons</h3>")
        out.append(table(last[["scenario", "group", "baseline", "reform", "difference",
                               "ci_low", "ci_high"]], 0))
    fin = comp.tables.get("finance")
    if fin is not None and len(fin):
        last = fin[(fin["year"] == fin["year"].max()) & (fin["group"] == "total")]
        out.append("<h3>Money by item and payer (all groups), mio. kr</h3>")
        out.append(table(last[["scenario", "item", "payer", "baseline", "reform",
                               "difference", "ci_low", "ci_high"]], 1))
    out.append("</section>")
    return out


def render(comp: Comparison, manifest: dict[str, Any], figures: Path | None = None) -> str:
    """The report as one HTML document; PNGs also written to ``figures`` when given."""
    if figures is not None:
        figures.mkdir(parents=True, exist_ok=True)
    name = (manifest.get("experiment") or {}).get("name", "run")
    body = _headline(comp)
    body.append('<section id="paths"><h2>Paths</h2><p>Means over replications with 95 % '
                "bands.</p>")
    for measure, title in PATHS:
        png = path_figure(comp, measure, title,
                          figures / f"{measure}.png" if figures else None)
        if png is not None:
            body.append(img(png, f"{title} by year"))
    body.append("</section>")
    rev = comp.tables.get("revenue")
    if rev is not None and len(rev):
        body.append('<section id="revenue"><h2>Revenue (provenu) by year</h2><p>Change in '
                    "public finances, mio. kr (positive = lower expenditure than the "
                    "baseline), ± 95 % half-width; permanent = the last simulated year.</p>")
        body.append(table(_wide_revenue(rev)))
        body.append("</section>")
    if comp.reforms:
        body += _elements(comp)
        png = element_figure(comp, figures / "elements.png" if figures else None)
        if png is not None:
            body.append(img(png, "Permanent revenue by policy element"))
        body += _group_tables(comp)
    body += _policies(manifest)
    body += _method(manifest)
    return page(f"Caseload simulation: {name}", body)


def write_report(results: Any, out: str | Path) -> list[Path]:
    """Write the comparison tables (``compare_*``, ``revenue``, ``elements``, ``headline``,
    ``paths``), the figures (``figures/*.png``) and ``report.html`` into ``out``."""
    out = Path(out)
    comp = compare(results)
    named = {(f"compare_{k}" if k in ("stocks", "flows", "activity", "finance", "measures")
              else k): v for k, v in comp.tables.items()}
    written = write_tables(named, out)
    text = render(comp, results.manifest, out / "figures")
    written += sorted((out / "figures").glob("*.png"))
    written.append(atomic_text(out / "report.html", text))
    return written
