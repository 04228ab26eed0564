"""Wall time of an experiment and parallel efficiency over worker counts.

    .venv/bin/python benchmarks/experiment_speed.py [EXPERIMENT] [--workers 1 2] [--json F]

Each worker count runs the whole experiment (all scenarios and replications, tables,
comparison and report) as ``python -m sim run`` in a fresh subprocess into a new folder,
so nothing is reused. Efficiency with N workers = time(1 worker) / (N x time(N workers)).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = Path("experiments/expert_group_2024.yaml")


def run_once(experiment: Path, workers: int, extra: list[str]) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-") as out:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim", "run", str(experiment), "--out",
                        str(Path(out) / "run"), "--workers", str(workers), "--quiet", *extra],
                       check=True)
        return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiment", nargs="?", default=str(DEFAULT))
    parser.add_argument("--workers", type=int, nargs="+",
                        default=sorted({1, os.cpu_count() or 1}))
    parser.add_argument("--dask-local", action="store_true", help="run on a local Dask cluster")
    parser.add_argument("--json", help="also write the results as JSON")
    args = parser.parse_args()
    experiment = Path(args.experiment)
    if not experiment.is_file():
        print(f"error: {experiment}: no such experiment file", file=sys.stderr)
        return 2
    extra = ["--dask-local"] if args.dask_local else []
    rows = []
    for n in args.workers:
        seconds = run_once(experiment, n, extra)
        rows.append({"workers": n, "seconds": round(seconds, 2), "efficiency": None})
        print(f"{experiment.name}: workers {n:3d}  wall {seconds:8.2f} s", flush=True)
    # Efficiency against the 1-worker run, whatever order the runs came in.
    base = next((r["seconds"] for r in rows if r["workers"] == 1), None)
    for r in rows:
        if base is not None:
            r["efficiency"] = round(base / (r["workers"] * r["seconds"]), 3)
        print(f"efficiency at {r['workers']:3d} workers: "
              f"{'n/a (no 1-worker run)' if base is None else r['efficiency']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"experiment": str(experiment), "cpus":
                                               os.cpu_count(), "runs": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
