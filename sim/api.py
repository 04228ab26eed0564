"""The Python entry point: ``sim.run(experiment)`` returns tables as DataFrames."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment import Experiment, file_sha256, load, validate
from sim.runner import run_all
from sim.scenario import prepare

TABLE_ORDER = ["stocks", "flows", "headcounts", "spells", "activity", "events", "finance",
               "budget",
               "unit_costs", "unit_costs_municipality"]


def package_version() -> str:
    try:
        return version("caseload-sim")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass
class Results:
    """Tables of all scenarios and replications, and the run's manifest."""

    tables: dict[str, pd.DataFrame]
    manifest: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def write(self, out: str | Path) -> list[Path]:
        """Write CSV (and Parquet when pyarrow is present) and manifest.json atomically."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, df in self.tables.items():
            written.append(_atomic(out / f"{name}.csv", lambda p, df=df: df.to_csv(p, index=False)))
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                continue
            written.append(_atomic(out / f"{name}.parquet",
                                   lambda p, df=df: df.to_parquet(p, index=False)))
        written.append(_atomic(out / "manifest.json", lambda p: Path(p).write_text(
            json.dumps(self.manifest, indent=2, default=str) + "\n", encoding="utf-8")))
        return written


def _atomic(path: Path, write) -> Path:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def run(experiment: str | Path | Experiment | dict, workers: int | None = None,
        progress: bool = False) -> Results:
    """Run an experiment (a file path, a dict or an Experiment) and return its tables."""
    if isinstance(experiment, str | Path):
        source = str(experiment)
        sha = file_sha256(experiment)
        exp = load(experiment)
    else:
        exp = experiment if isinstance(experiment, Experiment) else validate(experiment,
                                                                               "<experiment>")
        source = "<experiment>"
        sha = hashlib.sha256(exp.model_dump_json().encode()).hexdigest()
    specs = prepare(exp, source)
    t0 = time.perf_counter()
    results = run_all(exp, specs, workers=workers, progress=progress)
    seconds = time.perf_counter() - t0
    tables = {}
    for name in TABLE_ORDER:
        parts = [r.tables[name] for r in results if name in r.tables]
        if parts:
            tables[name] = pd.concat(parts, ignore_index=True)
    manifest = {
        "experiment": exp.model_dump(mode="json"),
        "experiment_file": source,
        "experiment_sha256": sha,
        "package_version": package_version(),
        "python": platform.python_version(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seeds": {"seed": exp.seed, "replications": list(range(exp.replications)),
                  "scheme": "draws keyed by (seed, replication, citizen, purpose, n)"},
        "scenarios": {s.name: {"policies": s.policies, "changes": s.changes,
                               "unemployment": s.unemployment} for s in specs},
        "runs": [{"scenario": r.scenario, "replication": r.replication, "events": r.events,
                  "seconds": round(r.seconds, 3)} for r in results],
        "wall_seconds": round(seconds, 3),
    }
    return Results(tables, manifest)
