"""Reform against baseline: paired differences with 95 % confidence intervals.

Every scenario runs the same replications with common random numbers, so the
difference reform - baseline is taken per replication (same index) and its mean and
Student-t interval over replications are reported. Money is in mio. kr at the price
level of ``finance.price_index``; *revenue* (provenu) is the change in public finances,
positive when the reform lowers expenditure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.experiment import Experiment
from sim.output import TableSet, published_run
from sim.revenue import WHOLE, Pair, Permanent, convention_table, judge
from sim.stats import LEVEL, mean_ci

__all__ = ["LEVEL", "mean_ci"]  # mean_ci lives in sim.stats; kept importable from here
STATS = ["baseline", "reform", "difference", "ci_low", "ci_high", "half_width", "replications"]
PAYERS = {"gross": "public_total", "state": "state", "municipality": "municipalities"}
# Exits that a reform's shorter stays turn into; death, emigration and pension are not.
LABOUR_EXITS = ("job", "education", "self_support", "other")
EMPLOYMENT_DOC = ("employment = change in the persons' own work after exits to a job (the "
                  "employment table: full-time persons by hours, until the next spell or the "
                  "pension age) + change in full-time persons in fleksjob")
# Without the employment table (an experiment that does not ask for it), the older
# convention: the exits a reform's shorter stays turn into are jobs in the baseline's share.
EMPLOYMENT_DOC_FROM_STOCKS = (
    "employment = -(change in full-time persons in all groups) x (baseline share of exits "
    "to a job among exits to job, education, self-support and other, same year and "
    "replication) + change in full-time persons in fleksjob")


def _wide(df: pd.DataFrame, scenario: str, keys: list[str], value: str) -> pd.DataFrame:
    part = df[df["scenario"] == scenario]
    return part.groupby([*keys, "replication"], sort=True)[value].sum().unstack("replication")


def paired(df: pd.DataFrame, keys: list[str], value: str, baseline: str,
           scenario: str) -> pd.DataFrame:
    """Paired difference ``scenario`` - ``baseline`` of ``value`` by ``keys``.

    Rows missing in one scenario count as zero; only replications run in both count.
    """
    b, r = _wide(df, baseline, keys, value), _wide(df, scenario, keys, value)
    reps = sorted(set(b.columns) & set(r.columns))
    index = b.index.union(r.index)
    base = b.reindex(index=index, columns=reps).fillna(0.0).to_numpy()
    ref = r.reindex(index=index, columns=reps).fillna(0.0).to_numpy()
    return _frame(index, scenario, base, ref)


def _frame(index: pd.Index, scenario: str, base: np.ndarray, ref: np.ndarray) -> pd.DataFrame:
    mean, half = mean_ci(ref - base)
    out = index.to_frame(index=False)
    out.insert(0, "scenario", scenario)
    out["baseline"] = base.mean(axis=1) if base.shape[1] else np.nan
    out["reform"] = ref.mean(axis=1) if ref.shape[1] else np.nan
    out["difference"] = mean
    out["ci_low"], out["ci_high"] = mean - half, mean + half
    out["half_width"] = half
    out["replications"] = base.shape[1]
    return out


def with_totals(df: pd.DataFrame, value: str, over: str = "group") -> pd.DataFrame:
    """``df`` plus rows summed over ``over`` (labelled ``total``)."""
    keys = [c for c in df.columns if c not in (value, over)]
    total = df.groupby(keys, as_index=False, sort=False)[value].sum()
    total[over] = "total"
    return pd.concat([df, total[df.columns]], ignore_index=True)


def activity_with_aggregates(activity: pd.DataFrame) -> pd.DataFrame:
    """Activity plus ``conversations``, ``offers`` (starts) and ``sanctions`` summed by kind."""
    kinds = activity["kind"]
    parts = [activity]
    for name, mask in (("conversations", kinds.str.startswith("conversation_")),
                       ("offers", kinds.str.startswith("offer_start:")),
                       ("sanctions", kinds.str.startswith("sanction:"))):
        agg = activity[mask].groupby(["scenario", "replication", "year", "group"],
                                     as_index=False)["count"].sum()
        agg["kind"] = name
        parts.append(agg[activity.columns])
    return pd.concat(parts, ignore_index=True)


def measures(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Headline measures by scenario, replication and year (levels, not differences).

    ``fulltime_persons`` (all groups), ``fulltime_persons_fleksjob``, ``job_share`` (exits to
    a job among LABOUR_EXITS), ``gross_mio_kr``, ``state_mio_kr``, ``municipality_mio_kr``,
    ``conversations``, ``offers``, ``sanctions``, ``employed_fulltime`` (the persons' own
    work, sim.results.employment), each when its table was written.
    """
    idx = ["scenario", "replication", "year"]
    parts = []

    def add(frame: pd.DataFrame, value: str, name: str) -> None:
        s = frame.groupby(idx, as_index=False)[value].sum().rename(columns={value: "value"})
        s["measure"] = name
        parts.append(s)

    if "stocks" in tables:
        st = tables["stocks"]
        add(st, "fulltime_persons", "fulltime_persons")
        add(st[st["group"] == "fleksjob"], "fulltime_persons", "fulltime_persons_fleksjob")
    if "flows" in tables:
        ex = tables["flows"]
        ex = ex[(ex["kind"] == "exit") & ex["destination"].isin(LABOUR_EXITS)]
        labour = ex.groupby(idx)["count"].sum()
        job = ex[ex["destination"] == "job"].groupby(idx)["count"].sum()
        share = (job.reindex(labour.index).fillna(0.0) / labour.where(labour > 0)).fillna(0.0)
        s = share.rename("value").reset_index()
        s["measure"] = "job_share"
        parts.append(s)
    if "finance" in tables:
        fin = tables["finance"]
        for payer in PAYERS:
            add(fin[fin["payer"] == payer], "mio_kr", f"{payer}_mio_kr")
    if "employment" in tables:
        add(tables["employment"], "employed_fulltime", "employed_fulltime")
    if "activity" in tables:
        act = activity_with_aggregates(tables["activity"])
        for name in ("conversations", "offers", "sanctions"):
            add(act[act["kind"] == name], "count", name)
    if not parts:
        return pd.DataFrame(columns=[*idx, "measure", "value"])
    return pd.concat(parts, ignore_index=True)[[*idx, "measure", "value"]]


def paired_measures(m: pd.DataFrame, baseline: str, scenario: str
                    ) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Each headline measure of ``baseline`` and ``scenario`` as (year x replication)
    frames over their common replications, with ``employment`` and ``revenue_mio_kr``
    (= -gross_mio_kr) derived per replication as levels relative to the baseline."""
    wide = {}
    for name in m["measure"].unique():
        if name == "job_share":
            continue
        sub = m[m["measure"] == name]
        b, r = _wide(sub, baseline, ["year"], "value"), _wide(sub, scenario, ["year"], "value")
        reps = sorted(set(b.columns) & set(r.columns))
        index = b.index.union(r.index)
        wide[name] = (b.reindex(index=index, columns=reps).fillna(0.0),
                      r.reindex(index=index, columns=reps).fillna(0.0))
    if "employed_fulltime" in wide:
        # EMPLOYMENT_DOC: the persons' own work (and fleksjob, subsidised work).
        eb, er = wide["employed_fulltime"]
        fb, fr = wide.get("fulltime_persons_fleksjob", (eb * 0.0, er * 0.0))
        wide["employment"] = (eb * 0.0, (er - eb) + (fr - fb))
    elif "fulltime_persons" in wide and (m["measure"] == "job_share").any():
        # EMPLOYMENT_DOC_FROM_STOCKS
        b, r = wide["fulltime_persons"]
        share = _wide(m[m["measure"] == "job_share"], baseline, ["year"], "value")
        share = share.reindex(index=b.index, columns=b.columns).fillna(0.0)
        fb, fr = wide.get("fulltime_persons_fleksjob", (b * 0.0, r * 0.0))
        # Levels of "employment" relative to the baseline: 0 in the baseline.
        wide["employment"] = (b * 0.0, -(r - b) * share + (fr - fb))
    if "gross_mio_kr" in wide:
        b, r = wide["gross_mio_kr"]
        wide["revenue_mio_kr"] = (b * 0.0, -(r - b))
    return wide


def measure_differences(m: pd.DataFrame, baseline: str, scenario: str) -> pd.DataFrame:
    """Paired differences by year of the headline measures (:func:`paired_measures`)."""
    rows = []
    for name, (b, r) in paired_measures(m, baseline, scenario).items():
        if name == "fulltime_persons_fleksjob":
            continue
        out = _frame(b.index, scenario, b.to_numpy(), r.to_numpy())
        out.insert(1, "measure", name)
        rows.append(out)
    if not rows:
        return pd.DataFrame(columns=["scenario", "measure", "year", *STATS])
    return pd.concat(rows, ignore_index=True)


def level_paths(m: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95 % interval over replications of each scenario's measures by year."""
    rows = []
    for (scenario, name, year), s in m.groupby(["scenario", "measure", "year"], sort=False):
        mean, half = mean_ci(s["value"].to_numpy())
        rows.append((scenario, name, year, float(mean), float(mean - half), float(mean + half),
                     len(s)))
    return pd.DataFrame(rows, columns=["scenario", "measure", "year", "mean", "ci_low",
                                       "ci_high", "replications"])


GROUP_MEASURES = {"fulltime_persons": ("stocks", "fulltime_persons", None),
                  "gross_mio_kr": ("finance", "mio_kr", "gross"),
                  "state_mio_kr": ("finance", "mio_kr", "state"),
                  "municipality_mio_kr": ("finance", "mio_kr", "municipality")}


def group_paths(tables: dict[str, pd.DataFrame], scenarios: list[str]) -> pd.DataFrame:
    """Mean and 95 % interval over replications of each scenario's full-time persons and
    money (gross, state, municipality) by year and group; a group missing in a
    replication counts as zero there."""
    rows = []
    for name, (table, value, payer) in GROUP_MEASURES.items():
        if table not in tables:
            continue
        df = tables[table]
        if payer is not None:
            df = df[df["payer"] == payer]
        for scenario in scenarios:
            wide = _wide(df, scenario, ["year", "group"], value)
            if not len(wide):
                continue
            mean, half = mean_ci(wide.fillna(0.0).to_numpy())
            out = wide.index.to_frame(index=False)
            out.insert(0, "scenario", scenario)
            out.insert(1, "measure", name)
            out["mean"], out["ci_low"], out["ci_high"] = mean, mean - half, mean + half
            out["replications"] = wide.shape[1]
            rows.append(out)
    if not rows:
        return pd.DataFrame(columns=["scenario", "measure", "year", "group", "mean", "ci_low",
                                     "ci_high", "replications"])
    return pd.concat(rows, ignore_index=True)


def element_table(m: pd.DataFrame, baseline: str, reform: str,
                  steps: list[dict[str, Any]]) -> pd.DataFrame:
    """Marginal effect of each element: step k - step k-1 (step 0 = baseline), paired."""
    rows = []
    previous = baseline
    for step in steps:
        d = measure_differences(m, previous, step["scenario"])
        d = d[d["measure"].isin(["revenue_mio_kr", "gross_mio_kr", "fulltime_persons",
                                 "employment"])]
        d = d.drop(columns=["baseline", "reform"]).rename(columns={"difference": "marginal"})
        d["scenario"] = reform
        d.insert(1, "order", step["order"])
        d.insert(2, "element", step["element"])
        rows.append(d)
        previous = step["scenario"]
    if not rows:
        return pd.DataFrame()
    return pd.concat(rows, ignore_index=True)


CHANNEL_MEASURES = ("employment", "fulltime_persons", "revenue_mio_kr")


def channel_table(m: pd.DataFrame, baseline: str, reform: str,
                  runs: list[dict[str, Any]]) -> pd.DataFrame:
    """The part of a reform's effect each behaviour channel carries: the paired effect
    (reform - baseline) less the same effect with the channel switched off in both
    (common random numbers, replication by replication). What no single channel carries
    (the law's routing and money, and the channels' interactions) is ``other``."""
    on = paired_measures(m, baseline, reform)
    rows, carried = [], {}
    for run in runs:
        off = paired_measures(m, run["baseline"], run["reform"])
        for name in CHANNEL_MEASURES:
            if name not in on or name not in off:
                continue
            b, r = on[name]
            bo, ro = off[name]
            reps = sorted(set(b.columns) & set(bo.columns))
            years = b.index.intersection(bo.index)
            part = (r - b).loc[years, reps] - (ro - bo).loc[years, reps]
            carried[name] = carried.get(name, 0.0) + part
            rows.append(_effect_rows(part, scenario=reform, channel=run["channel"],
                                     measure=name))
    for name, total in carried.items():
        b, r = on[name]
        rows.append(_effect_rows((r - b).loc[total.index, total.columns] - total,
                                 scenario=reform, channel="other", measure=name))
    if not rows:
        return pd.DataFrame()
    return pd.concat(rows, ignore_index=True)


def _effect_rows(part: pd.DataFrame, **labels: Any) -> pd.DataFrame:
    """Rows of ``labels`` by year with the mean and 95 % interval over the replications
    of ``part`` (year x replication)."""
    mean, half = mean_ci(part.to_numpy())
    return pd.DataFrame({**labels, "year": part.index, "effect": mean, "ci_low": mean - half,
                         "ci_high": mean + half, "half_width": half,
                         "replications": part.shape[1]})


def sensitivity_table(m: pd.DataFrame, baseline: str, reform: str,
                      runs: list[dict[str, Any]]) -> pd.DataFrame:
    """The reform's effect with each assumption at the ends of its plausible range (the
    baseline and the reform both at that end, paired), beside the central effect."""
    central = paired_measures(m, baseline, reform)
    rows = []
    for run in runs:
        ends = paired_measures(m, run["baseline"], run["reform"])
        for name in CHANNEL_MEASURES:
            if name not in ends or name not in central:
                continue
            b, r = ends[name]
            cb, cr = central[name]
            rows.append(_effect_rows(
                r - b, scenario=reform, parameter=run["parameter"], end=run["end"],
                value=run["value"], measure=name).assign(
                central=(cr - cb).reindex(b.index).mean(axis=1).to_numpy()))
    if not rows:
        return pd.DataFrame()
    return pd.concat(rows, ignore_index=True)


# --- the comparison as a whole -----------------------------------------------------------

MONEY_MEASURES = {"gross_mio_kr": "public_total", "state_mio_kr": "state",
                  "municipality_mio_kr": "municipalities"}


def revenue_table(diffs: pd.DataFrame,
                  permanent: dict[tuple[str, str], tuple[float, float]] | None = None,
                  permanent_years: str | None = None) -> pd.DataFrame:
    """Revenue (provenu) by year with a ``permanent`` column: estimate and 95 % half-width
    of the change in public finances by payer, mio. kr. ``permanent`` ((scenario,
    measure) -> (difference, half-width)): the permanent effect from a run extended to a
    steady state (:func:`permanent_money`), averaged over ``permanent_years``; without it,
    the last simulated year. Column ``permanent_years`` names the years."""
    rows = []
    for (scenario, measure), d in diffs.groupby(["scenario", "measure"], sort=False):
        if measure not in MONEY_MEASURES:
            continue
        d = d.sort_values("year")
        years = [str(int(y)) for y in d["year"]]
        steady = (permanent or {}).get((scenario, measure))
        for k, (stat, values) in enumerate((("estimate", -d["difference"]),
                                            ("half_width", d["half_width"]))):
            row = {"scenario": scenario, "payer": MONEY_MEASURES[measure], "statistic": stat}
            row.update(dict(zip(years, values.to_numpy(), strict=True)))
            if steady is None:
                row["permanent"] = float(values.iloc[-1])
                row["permanent_years"] = years[-1]
            else:
                row["permanent"] = -steady[0] if k == 0 else steady[1]
                row["permanent_years"] = permanent_years
            rows.append(row)
    return pd.DataFrame(rows)


def permanent_rule(manifest: dict[str, Any]) -> Permanent | None:
    """The permanent effect's run and window from the manifest (``compare.permanent``);
    None when the run was not extended."""
    p = manifest.get("permanent")
    if not p:
        return None
    return Permanent(tuple(int(y) for y in p["window"]), dict(p["names"]),
                     float(p["tolerance"]))


def permanent_money(m: pd.DataFrame, rule: Permanent, baseline: str, reforms: list[str]
                    ) -> dict[tuple[str, str], tuple[float, float]]:
    """Each reform's paired change in expenditure by payer, averaged over the permanent
    window of the extended run per replication, with its 95 % half-width."""
    out = {}
    for reform in reforms:
        wide = paired_measures(m, rule.names[baseline], rule.names[reform])
        for measure in MONEY_MEASURES:
            if measure not in wide:
                continue
            b, r = wide[measure]
            window = [y for y in rule.window if y in b.index]
            mean, half = mean_ci((r - b).loc[window].mean(axis=0).to_numpy()[None, :])
            out[(reform, measure)] = (float(mean[0]), float(half[0]))
    return out


def employment_effects(m: pd.DataFrame):
    """(before, after) -> the paired change in employment, year x replication (cached)."""

    @cache
    def employment_of(before: str, after: str) -> pd.DataFrame:
        b, r = paired_measures(m, before, after)["employment"]
        return r - b

    return employment_of


def convention_pairs(manifest: dict[str, Any], baseline: str, reforms: list[str]
                     ) -> list[Pair]:
    """Each reform against the baseline, then each of its elements (compare.elements)
    against the step before it."""
    pairs = []
    for reform in reforms:
        pairs.append(Pair(reform, 0, WHOLE, baseline, reform))
        before = baseline
        for step in (manifest.get("elements") or {}).get(reform, []):
            pairs.append(Pair(reform, int(step["order"]), str(step["element"]), before,
                              step["scenario"]))
            before = step["scenario"]
    return pairs


def steady_reached(tables: dict[str, pd.DataFrame], rule: Permanent, baseline: str,
                   reforms: list[str]) -> dict[str, bool]:
    """Whether each reform's total revenue in the convention's columns is steady over the
    window of the extended run (sim.revenue.judge)."""
    emp = employment_effects(measures(tables))
    return {r: judge(tables["finance"], emp, Pair(r, 0, WHOLE, baseline, r), rule).reached
            for r in reforms}


CONVENTION_TABLES = ("stocks", "flows", "finance")


def revenue_convention(tables: dict[str, pd.DataFrame], m: pd.DataFrame,
                       manifest: dict[str, Any], baseline: str, reforms: list[str]
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The revenue table in the costing convention's columns and the steady-state tests
    (sim/revenue.py); empty frames without the tables it needs (CONVENTION_TABLES)."""
    if not reforms or not all(t in tables for t in CONVENTION_TABLES):
        return pd.DataFrame(), pd.DataFrame()
    return convention_table(tables["finance"], employment_effects(m),
                            convention_pairs(manifest, baseline, reforms),
                            permanent_rule(manifest))


@dataclass(repr=False)
class Comparison(TableSet):
    """Comparison tables by name (DataFrames), as written to the run folder; each is also
    an attribute (``cmp.headline``)."""

    baseline: str = ""
    reforms: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name.startswith("_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        why = {"elements": " (it needs `compare: {elements: [reform]}` in the experiment)",
               "headline": " (it needs a reform: a second scenario)",
               "revenue_convention": " (it needs a reform and the stocks, flows and finance "
                                     "tables among the outputs)",
               "steady_state": " (it needs `compare: {permanent: {...}}` in the "
                               "experiment)"}.get(
            name, " (it needs a reform and the table it compares among the outputs)")
        raise AttributeError(f"no comparison table {name!r}{why}; this comparison has "
                             f"{', '.join(tables) or 'none'}")

    def __repr__(self) -> str:
        tables = ", ".join(f"{k} ({len(v):,} rows)" for k, v in self.tables.items())
        return (f"<Comparison of {', '.join(self.reforms) or 'no reform'} against "
                f"{self.baseline!r}; tables: {tables}>")

    def _repr_html_(self) -> str:
        import html

        head = self.tables.get("headline")
        body = (head.to_html(index=False, float_format=lambda v: f"{v:,.1f}", border=0)
                if head is not None and len(head) else "<p>One scenario: no comparison.</p>")
        return (f"<div><b>Comparison</b> of {html.escape(', '.join(self.reforms) or 'no reform')}"
                f" against {html.escape(self.baseline)}: the last year's effects "
                f"(<code>.headline</code>); tables: {html.escape(', '.join(self.tables))}"
                f"{body}</div>")


def _load_folder(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise InputError(str(folder), "run folder", str(folder),
                         "a run folder with manifest.json (from `python -m sim run`)")
    manifest = published_run(folder)
    if manifest is None:
        raise InputError(str(folder), "run folder", str(folder),
                         "a run folder holding one complete run (every file listed in "
                         "manifest.json, unchanged); run the experiment into it again")
    tables = {}
    for name in ("stocks", "flows", "activity", "finance"):
        for ext, reader in ((".parquet", pd.read_parquet), (".csv", pd.read_csv)):
            if (folder / f"{name}{ext}").is_file():
                tables[name] = reader(folder / f"{name}{ext}")
                break
    return tables, manifest


def compare(results: Any, baseline: str | None = None,
            scenarios: list[str] | None = None) -> Comparison:
    """Compare each reform with the baseline (default: the experiment's first scenario).

    ``results``: a ``sim.Results`` or a run folder. Returns a Comparison whose tables are
    ``headline`` (last year), ``measures`` (headline measures by year), ``revenue``,
    ``revenue_convention`` (revenue in the costing convention's columns by element, year
    and permanent, sim/revenue.py), ``steady_state`` (its steady-state test, when the run
    was extended: ``compare.permanent``),
    ``elements`` (when ``compare.elements`` was set), ``channels`` (when
    ``compare.channels`` was set), ``stocks``, ``flows``, ``activity``
    and ``finance`` (paired differences by year and group, ``group == 'total'`` summed),
    ``paths`` (each scenario's levels with intervals, also for a single scenario) and
    ``group_paths`` (the same by group, of full-time persons and money).
    """
    if isinstance(results, str | Path):
        tables, manifest = _load_folder(Path(results))
    else:
        tables, manifest = results.tables, results.manifest
    user = manifest.get("user_scenarios") or list(manifest.get("scenarios", {}))
    if not user and "stocks" in tables:
        user = list(dict.fromkeys(tables["stocks"]["scenario"]))
    baseline = baseline or (user[0] if user else None)
    present = set().union(*(set(t["scenario"]) for t in tables.values() if "scenario" in t))
    if baseline not in present:
        raise InputError("compare", "baseline", baseline,
                         "a scenario of the run: " + ", ".join(sorted(present)))
    reforms = [s for s in (scenarios or user) if s != baseline]
    for s in reforms:
        if s not in present:
            raise InputError("compare", "scenarios", s,
                             "a scenario of the run: " + ", ".join(sorted(present)))
    m = measures(tables)
    out: dict[str, pd.DataFrame] = {}
    out["paths"] = level_paths(m[m["scenario"].isin([baseline, *reforms])
                                 & (m["measure"] != "fulltime_persons_fleksjob")])
    out["group_paths"] = group_paths(tables, [baseline, *reforms])
    if not reforms:
        return Comparison(out, baseline, reforms)
    diffs = pd.concat([measure_differences(m, baseline, s) for s in reforms],
                      ignore_index=True)
    last = diffs.groupby("scenario")["year"].transform("max")
    out["headline"] = diffs[diffs["year"] == last].reset_index(drop=True)
    out["measures"] = diffs
    rule = permanent_rule(manifest)
    out["revenue"] = revenue_table(
        diffs, permanent_money(m, rule, baseline, reforms) if rule else None,
        rule.label if rule else None)
    conv, steady = revenue_convention(tables, m, manifest, baseline, reforms)
    if len(conv):
        out["revenue_convention"] = conv
    if len(steady):
        out["steady_state"] = steady
    # The extra scenarios' tables: each reform's element steps and channel runs.
    for name, table_of in (("elements", element_table), ("channels", channel_table),
                           ("sensitivity", sensitivity_table)):
        parts = [table_of(m, baseline, r, extra)
                 for r, extra in (manifest.get(name) or {}).items() if r in reforms]
        parts = [p for p in parts if len(p)]
        if parts:
            out[name] = pd.concat(parts, ignore_index=True)
    specs = {"stocks": (["year", "group"], "fulltime_persons", None),
             "flows": (["year", "group", "kind", "destination"], "count", None),
             "activity": (["year", "group", "kind"], "count", activity_with_aggregates),
             "finance": (["year", "group", "item", "payer"], "mio_kr", None)}
    for name, (keys, value, prepare) in specs.items():
        if name not in tables:
            continue
        df = tables[name]
        df = df[df["scenario"].isin([baseline, *reforms])]
        if prepare is not None:
            df = prepare(df)
        df = with_totals(df, value)
        if name == "finance":
            df = with_totals(df, value, over="item")
        out[name] = pd.concat([paired(df, keys, value, baseline, s) for s in reforms],
                              ignore_index=True)
    return Comparison(out, baseline, reforms)


def precision_reached(tables: dict[str, pd.DataFrame], experiment: Experiment,
                      scenarios: list[str]) -> tuple[float, int]:
    """Half-width now of the precision metric (widest over reforms, or the baseline's level
    when there is no reform) and the replications the t-interval suggests for the target."""
    p = experiment.precision
    assert p is not None
    m = measures(tables)
    years = sorted(m["year"].unique())
    year = years[-1] if p.year == "permanent" else p.year
    baseline, reforms = scenarios[0], scenarios[1:]
    samples = []
    if reforms:
        for s in reforms:
            d = measure_differences(m, baseline, s)
            d = d[(d["measure"] == p.metric) & (d["year"] == year)]
            if len(d):
                samples.append((float(d["half_width"].iloc[0]), int(d["replications"].iloc[0])))
    else:
        s = m[(m["scenario"] == baseline) & (m["measure"] == p.metric) & (m["year"] == year)]
        _, half = mean_ci(s["value"].to_numpy())
        samples.append((float(half), len(s)))
    if not samples:
        return math.inf, p.max_replications
    half, n = max(samples)
    if not np.isfinite(half):
        return math.inf, n + 1
    # h ~ t s / sqrt(n): n' = n (h / target)^2
    needed = math.ceil(n * (half / p.half_width) ** 2)
    return half, max(needed, n)
