"""The Python entry point: ``sim.run(experiment)`` returns tables as DataFrames."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from sim import lawbook
from sim.compare import Comparison, compare, precision_reached, steady_reached
from sim.experiment import OUTPUTS, Experiment, file_sha256, load, validate
from sim.output import FolderLock, TableSet, clean_leftovers, folder_error, publish, write_tables
from sim.revenue import Permanent
from sim.runner import PartStore, TaskResult, aligned, check_workers, run_all
from sim.scenario import extensions, prepare, scenarios, steady_experiment, steady_window

TABLE_ORDER = ["stocks", "flows", "headcounts", "spells", "activity", "events", "finance",
               "budget",
               "unit_costs", "unit_costs_municipality", "jobpraemie", "employment"]


def package_version() -> str:
    """The package's version (``sim.__version__``, the one place it is written)."""
    return sys.modules["sim"].__version__  # not an import: sim imports this module


@dataclass(repr=False)
class Results(TableSet):
    """Tables of all scenarios and replications, and the run's manifest.

    Each table is an attribute (``res.stocks``) and in ``res.tables``; ``res.compare()``
    compares the reforms with the baseline; ``res.write(folder)`` publishes the tables (with
    ``report=True`` also the comparison and ``report.html``) as one run."""

    manifest: dict[str, Any] = field(default_factory=dict)
    _comparison: Any = field(default=None, compare=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name.startswith("_") or name not in OUTPUTS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        raise AttributeError(
            f"no table {name!r}: these results hold {', '.join(tables) or 'no tables'}; add "
            f"{name} to `outputs:` in the experiment and run it again")

    def compare(self) -> Comparison:
        """The comparison of each reform with the baseline (``sim.compare``), made once."""
        if self._comparison is None:
            self._comparison = compare(self)
        return self._comparison

    def write(self, out: str | Path, report: bool = False) -> list[Path]:
        """Publish the tables as CSV (and Parquet when pyarrow is present), with ``report``
        the comparison tables, figures and report.html (sim/report.py), and manifest.json,
        all together (sim.output.publish), while holding the folder's lock."""
        out = Path(out)

        def fill(staging: Path) -> None:
            write_tables(self.tables, staging)
            if report:
                from sim.report import write_report

                write_report(self, staging, self.compare())

        with FolderLock(out):
            try:
                return publish(out, fill, self.manifest)
            except OSError as exc:
                raise folder_error(out, exc) from None

    def write_report(self, out: str | Path) -> list[Path]:
        """Write the comparison tables, the figures and ``report.html`` into ``out``."""
        from sim.report import write_report

        return write_report(self, out, self.compare())

    def _summary(self) -> tuple[str, list[str], int, list[str]]:
        exp = self.manifest.get("experiment") or {}
        scenarios = self.manifest.get("user_scenarios") or sorted(
            {s for t in self.tables.values() if "scenario" in t for s in t["scenario"]})
        reps = len((self.manifest.get("seeds") or {}).get("replications", [])) or max(
            (int(t["replication"].nunique()) for t in self.tables.values()
             if "replication" in t), default=0)
        tables = [f"{k} ({len(v):,} rows)" for k, v in self.tables.items()]
        return str(exp.get("name", "?")), list(scenarios), reps, tables

    def __repr__(self) -> str:
        name, scenarios, reps, tables = self._summary()
        return (f"<Results {name!r}: scenarios {', '.join(scenarios)} (baseline first), "
                f"{reps} replication{'s' if reps != 1 else ''}; tables: "
                f"{', '.join(tables)}>")

    def _repr_html_(self) -> str:
        import html

        name, scenarios, reps, tables = self._summary()
        items = "".join(f"<li><code>res.{html.escape(t.split(' ')[0])}</code> "
                        f"{html.escape(t[t.index(' ') + 1:])}</li>" for t in tables)
        return (f"<div><b>Results {html.escape(name)}</b>: scenarios "
                f"{html.escape(', '.join(scenarios))} (baseline first), {reps} "
                f"replication{'s' if reps != 1 else ''}.<br>Tables (DataFrames):<ul>{items}"
                "</ul><code>res.compare()</code> for the comparison, "
                "<code>res.write_report(folder)</code> for report.html.</div>")


def write_run(results: Results, out: str | Path) -> list[Path]:
    """Publish everything a run folder holds, together: the tables, the comparison
    tables, the figures, ``report.html`` and the manifest."""
    return results.write(out, report=True)


def _versions() -> dict[str, str]:
    out = {"caseload-sim": package_version(), "python": platform.python_version()}
    for name in ("simpy", "numpy", "pandas", "scipy", "pyarrow", "pydantic", "matplotlib"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def code_sha256() -> str:
    """Hash of the engine, the law and the behavioural parameters (their source files)."""
    h = hashlib.sha256()
    for package in (lawbook.ROOT / "sim", lawbook.ROOT / "policies",
                    lawbook.ROOT / "calibration"):
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".pxd", ".yaml", ".csv") and path.is_file():
                h.update(path.relative_to(package.parent).as_posix().encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def task_sha256(exp: Experiment) -> str:
    """Hash of what each (scenario, replication) task depends on: the experiment less its
    replication count, precision target, cluster, description, headline years and
    permanent-effect options (an extended run's scenarios are named by their last year)."""
    data = exp.model_dump(mode="json", exclude={"replications": True, "precision": True,
                                                "cluster": True, "description": True,
                                                "compare": {"years", "permanent"}})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _experiment(experiment: str | Path | Experiment | dict) -> tuple[Experiment, str, str]:
    if isinstance(experiment, str | Path):
        return load(experiment), str(experiment), file_sha256(experiment)
    exp = experiment if isinstance(experiment, Experiment) else validate(experiment,
                                                                           "<experiment>")
    return exp, "<experiment>", hashlib.sha256(exp.model_dump_json().encode()).hexdigest()


def run(experiment: str | Path | Experiment | dict, workers: int | None = None,
        progress: bool = True, out: str | Path | None = None, dask: bool = False,
        write: bool = True) -> Results:
    """Run an experiment (a file path, a dict or an Experiment) and return its tables.

    ``progress``: a bar of the weeks simulated across all workers (on stderr).
    ``out``: a run folder where each finished (scenario, replication) is saved at once, so
    that a rerun into the same folder resumes; when the run is done, the tables,
    ``manifest.json``, the comparison and ``report.html`` are written there too (as
    ``python -m sim run`` does; ``write=False``: only the finished parts). ``dask``: run on
    a local Dask cluster (or on the experiment's ``cluster.scheduler``, which is always
    used when given).
    """
    exp, source, sha, full, specs, purposes = check(experiment)
    check_workers(workers)
    if out is None:
        return _run(exp, source, sha, full, specs, purposes, workers, progress, None, dask)
    out = Path(out)
    # One run in the folder from its first part to its published report.
    with FolderLock(out):
        try:
            clean_leftovers(out)
            res = _run(exp, source, sha, full, specs, purposes, workers, progress, out, dask)
        except OSError as exc:
            raise folder_error(out, exc) from None
        if write:
            write_run(res, out)
    return res


def check(experiment: str | Path | Experiment | dict
          ) -> tuple[Experiment, str, str, Experiment, list, dict]:
    """Every input check of an experiment, before anything is written: the file, its
    schema, the policies and parameter overrides of every scenario. InputError (one line)
    on the first problem; else the experiment, its source and sha256, the experiment with
    its element steps and channel runs, the scenarios' law and what the extra scenarios
    are for (``elements``, ``channels``)."""
    exp, source, sha = _experiment(experiment)
    full, specs, purposes = scenarios(exp, source)
    return exp, source, sha, full, specs, purposes


def _run(exp: Experiment, source: str, sha: str, full: Experiment, specs: list,
         purposes: dict, workers: int | None, progress: bool, out: Path | None,
         dask: bool) -> Results:
    users = list(exp.scenarios)
    store = None
    fingerprint = {"experiment": task_sha256(exp), "code": code_sha256()}
    if out is not None:
        store = PartStore(out, fingerprint)
        store.open()
    t0 = time.perf_counter()
    reps = exp.replications
    specs = aligned(full, specs)  # once: the precision rounds below reuse the factors
    results = run_all(full, specs, workers=workers, progress=progress,
                      replications=range(reps), store=store, dask=dask)
    precision = None
    if exp.precision is not None:
        p = exp.precision
        while True:
            half, needed = precision_reached(_tables(results), exp, users)
            if half <= p.half_width or reps >= p.max_replications:
                break
            more = min(p.max_replications, max(needed, reps + 1))
            results += run_all(full, specs, workers=workers, progress=progress,
                               replications=range(reps, more), store=store, dask=dask)
            reps = more
        precision = {**p.model_dump(mode="json"), "half_width_reached": half,
                     "replications": reps, "reached": bool(half <= p.half_width)}
    permanent = None
    if exp.compare.permanent is not None:
        longer, long_specs, permanent = _steady_runs(exp, source, full, purposes, reps,
                                                     workers, progress, store, dask)
        results += longer
        specs = [*specs, *long_specs]
    seconds = time.perf_counter() - t0
    order = {s.name: i for i, s in enumerate(specs)}
    results.sort(key=lambda r: (order[r.scenario], r.replication))
    baseline = specs[0]
    manifest = {
        "experiment": exp.model_dump(mode="json"),
        "experiment_file": source,
        "experiment_sha256": sha,
        "task_sha256": fingerprint["experiment"],
        "code_sha256": fingerprint["code"],
        "package_version": package_version(),
        "python": platform.python_version(),
        "kernel": sys.modules["sim"].KERNEL,  # compiled or plain modules (sim/kernel.py)
        "versions": _versions(),
        "platform": platform.platform(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seeds": {"seed": exp.seed, "replications": list(range(reps)),
                  "scheme": "draws keyed by (seed, replication, citizen, purpose, n, k, j)"},
        "user_scenarios": users,
        "scenarios": {s.name: {"policies": s.policies, "changes": s.changes,
                               "unemployment": s.unemployment} for s in specs},
        "elements": purposes["elements"],
        "channels": purposes["channels"],
        "sensitivity": purposes["sensitivity"],
        "precision": precision,
        "permanent": permanent,
        "initial_stock": {
            "persons": baseline.parameters.at("population.start_stock", exp.start),
            "placed_years_before_start": baseline.parameters.at("population.warmup_years",
                                                                exp.start)},
        "executor": ("dask " + exp.cluster.scheduler if exp.cluster else "dask local cluster"
                     if dask else "local processes"),
        "workers": workers,
        "runs": [{"scenario": r.scenario, "replication": r.replication, "events": r.events,
                  "seconds": round(r.seconds, 3)} for r in results],
        "wall_seconds": round(seconds, 3),
    }
    return Results(_tables(results), manifest)


def _steady_runs(exp: Experiment, source: str, full: Experiment, purposes: dict, reps: int,
                 workers: int | None, progress: bool, store: PartStore | None, dask: bool
                 ) -> tuple[list[TaskResult], list, dict[str, Any]]:
    """``compare.permanent``: run the baseline, the reforms and their element steps past
    the horizon, longer by ``extend_years`` at a time until every reform's total revenue
    is steady over the window (sim.stats.steady_state) or ``max_extend_years`` is
    reached. Returns the last extended run's results and specs, and what the manifest
    records of it."""
    p = exp.compare.permanent
    assert p is not None
    users = list(exp.scenarios)
    tried: list[int] = []
    for extend in extensions(exp):
        longer, names = steady_experiment(exp, full, purposes["elements"], extend)
        specs = prepare(longer, source)
        results = run_all(longer, specs, workers=workers, progress=progress,
                          replications=range(reps), store=store, dask=dask)
        window = steady_window(exp, extend)
        tried.append(extend)
        rule = Permanent(tuple(window), names, p.tolerance)
        reached = steady_reached(_tables(results), rule, users[0], users[1:])
        if all(reached.values()):
            break
    info = {**p.model_dump(mode="json"), "max_extend_years": p.max_years,
            "extended_years": tried[-1], "tried": tried, "end_year": window[-1],
            "window": window, "names": names, "reached": reached}
    return results, specs, info


def _tables(results: list[TaskResult]) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in TABLE_ORDER:
        parts = [r.tables[name] for r in results if name in r.tables]
        if parts:
            tables[name] = pd.concat(parts, ignore_index=True)
    return tables
