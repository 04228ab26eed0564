"""Engine speed benchmark: model events per second against bare SimPy, and full runs.

Run from the repository root:

    .venv/bin/python benchmarks/engine_speed.py [--scales 0.1 1.0] [--workers 1 2] [--years 10]
                                                [--skip-speed] [--repeat 3] [--json out.json]

Part 1 runs the baseline experiment in this process and times ``Model.run()`` only
(simulated events per second), and a bare SimPy loop with as many concurrent processes
as the model had at its peak, run for the same number of events; each is timed
``--repeat`` times and the best run counts. Part 2 runs one
replication of the whole caseload per scale (and worker count: several workers run it
as shards of citizens) in a fresh subprocess and reports its wall time and peak memory.
See benchmarks/README.md for the targets.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Generator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import simpy

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EXPERIMENT = ROOT / "experiments" / "baseline_2024.yaml"

TARGET_RATIO = 0.5  # model events/s over bare SimPy events/s, at least
TARGET_SECONDS = 600.0  # a 10-year run at scale 1.0, at most
TARGET_MEMORY_GIB = 4.0  # peak resident memory of that run, at most
TARGET_SCALE = 1.0


@dataclass
class SpeedResult:
    scale: float
    years: int
    events: int
    model_seconds: float
    model_events_per_s: float
    processes: int
    processes_source: str
    bare_seconds: float
    bare_events_per_s: float
    ratio: float
    kernel: str  # compiled or plain modules (sim/kernel.py)
    repeat: int  # timed runs of each; the rates are the best of them
    target_ratio: float = TARGET_RATIO


@dataclass
class FullRunResult:
    scale: float
    years: int
    workers: int
    events: int
    task_seconds: float
    wall_seconds: float
    peak_rss_gib: float
    target_seconds: float | None
    target_memory_gib: float | None
    ok: bool | None


def maxrss_bytes(ru: resource.struct_rusage) -> int:
    """ru_maxrss in bytes (kibibytes on Linux, bytes on macOS)."""
    return ru.ru_maxrss if sys.platform == "darwin" else ru.ru_maxrss * 1024


def experiment_for(path: Path, scale: float, years: int) -> Any:
    """The experiment at ``path`` with one replication, the given scale and horizon."""
    from sim.experiment import load

    exp = load(path)
    return exp.model_copy(update={"scale": scale, "years": years, "replications": 1})


def baseline_spec(exp: Any, source: str) -> Any:
    from sim.scenario import prepare

    return prepare(exp, source)[0]


# --- Part 1: model events per second against bare SimPy -----------------------------------

def timed_model_class(count_processes: bool) -> type:
    """A Model subclass that times run() only; with ``count_processes`` it also counts
    live SimPy processes.

    The model has no hook for its number of live processes, so the instance's
    ``env.process`` is wrapped: a counter on creation and a callback on termination.
    That costs a few per cent, so the counting run is not one of the timed ones.
    """
    from sim.model import Model

    class TimedModel(Model):
        last: TimedModel | None = None

        def run(self) -> Any:
            self.live = self.peak_live = 0
            env = self.env
            if count_processes:
                start_process = env.process

                def ended(_event: simpy.Event) -> None:
                    self.live -= 1

                def process(generator: Generator) -> simpy.Process:
                    proc = start_process(generator)
                    proc.callbacks.append(ended)
                    self.live += 1
                    if self.live > self.peak_live:
                        self.peak_live = self.live
                    return proc

                env.process = process  # type: ignore[method-assign]
            self.start_now = env.now
            t0 = time.perf_counter()
            ledger = super().run()
            self.run_seconds = time.perf_counter() - t0
            TimedModel.last = self
            return ledger

    return TimedModel


@dataclass
class ModelRun:
    events: int
    seconds: float  # in Model.run() only
    peak_processes: int  # 0 when not counted
    start_stock: int
    weeks: float  # simulated span, warm-up included


def run_model(exp: Any, spec: Any, count_processes: bool = False) -> ModelRun:
    """Run one replication through sim.runner.run_task with the timed model."""
    import sim.runner as runner

    timed = timed_model_class(count_processes)
    original = runner.Model
    runner.Model = timed
    try:
        runner.run_task(exp, spec, 0)
    finally:
        runner.Model = original
    model, timed.last = timed.last, None
    assert model is not None
    return ModelRun(model.events, model.run_seconds, model.peak_live, sum(model.start_stock),
                    model.clock.horizon - model.start_now)


def bare_simpy(processes: int, events: int, mean: float, seed: int = 1) -> float:
    """Seconds for ``events`` steps of ``processes`` SimPy processes that only sleep."""
    env = simpy.Environment()
    rng = np.random.default_rng(seed)

    def sleeper() -> Generator:
        while True:
            yield env.timeout(rng.exponential(mean))

    for _ in range(processes):
        env.process(sleeper())
    t0 = time.perf_counter()
    count = 0
    # The same step loop as Model.run().
    while count < events and env.peek() < float("inf"):
        env.step()
        count += 1
    return time.perf_counter() - t0


def model_speed(path: Path, scale: float, years: int, repeat: int = 3) -> SpeedResult:
    """Events per second of the model and of the bare loop, each the best of ``repeat``
    timed runs (taken in turns, the bare loop first), after one run that counts the
    model's concurrent processes. Best-of is the usual way to time on a shared machine:
    noise only ever slows a run down."""
    exp = experiment_for(path, scale, years)
    spec = baseline_spec(exp, str(path))
    counted = run_model(exp, spec, count_processes=True)
    procs, source = counted.peak_processes, "peak live processes"
    if procs <= 0:  # the wrapper saw nothing: fall back to the start stock
        procs, source = counted.start_stock, "start stock"
    events = counted.events
    mean = counted.weeks * procs / max(events, 1)  # about the model's simulated span
    model_seconds, bare_seconds = [], []
    for _ in range(repeat):
        gc.collect()  # do not let the model's leftovers slow the bare loop's collections
        bare_seconds.append(bare_simpy(procs, events, mean))
        run = run_model(exp, spec)
        if run.events != events:
            raise RuntimeError(f"the model ran {run.events} events, then {events}")
        model_seconds.append(run.seconds)
        print(f"  run {len(model_seconds)}: model {events / run.seconds:,.0f} events/s, "
              f"bare {events / bare_seconds[-1]:,.0f} events/s", flush=True)
    model_rate = events / min(model_seconds)
    bare_rate = events / min(bare_seconds)
    import sim

    return SpeedResult(scale, years, events, min(model_seconds), model_rate, procs, source,
                       min(bare_seconds), bare_rate, model_rate / bare_rate, sim.KERNEL,
                       repeat)


# --- Part 2: full runs in a fresh subprocess ---------------------------------------------

def child(path: Path, scale: float, years: int, workers: int) -> None:
    """Run one replication in this (fresh) process and print a JSON line. With several
    workers the replication runs as that many shards of citizens in worker processes."""
    from sim.runner import run_all

    t0 = time.perf_counter()
    exp = experiment_for(path, scale, years)
    spec = baseline_spec(exp, str(path))
    [result] = run_all(exp, [spec], workers=workers, progress=False, shards=workers)
    out = {"events": result.events, "task_seconds": result.seconds,
           "seconds": time.perf_counter() - t0,
           "maxrss": maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF))}
    print(json.dumps(out), flush=True)


def _tree_pss(root: int) -> int:
    """Proportional set size (bytes) of ``root`` and its descendants: shared pages are
    split among the processes that share them, so the sum is the memory they use."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child_pid, parent in parents.items():
            if parent == pid and child_pid not in tree:
                tree.add(child_pid)
                frontier.append(child_pid)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


def full_run(path: Path, scale: float, years: int, workers: int = 1) -> FullRunResult:
    """One replication in a fresh interpreter: wall time, and the peak memory of the
    child with its workers (their summed PSS, sampled twice a second, or the child's own
    peak RSS when that is larger)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--experiment", str(path),
           "--scale", str(scale), "--years", str(years), "--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.5):
            peak[0] = max(peak[0], _tree_pss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, ru = os.wait4(proc.pid, 0)  # this child's own rusage
    stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child run at scale {scale} failed ({proc.returncode})")
    report = json.loads(out.strip().splitlines()[-1])
    rss = max(maxrss_bytes(ru), int(report["maxrss"]), peak[0]) / 2**30
    at_target = abs(scale - TARGET_SCALE) < 1e-9 and years == 10
    ok = (wall < TARGET_SECONDS and rss < TARGET_MEMORY_GIB) if at_target else None
    return FullRunResult(scale, years, workers, int(report["events"]),
                         float(report["task_seconds"]), wall, rss,
                         TARGET_SECONDS if at_target else None,
                         TARGET_MEMORY_GIB if at_target else None, ok)


# --- Report ------------------------------------------------------------------------------

def print_speed(r: SpeedResult) -> None:
    print(f"model ({r.kernel} kernel): scale {r.scale}, {r.years} years: {r.events:,} events in "
          f"{r.model_seconds:.2f} s of Model.run() = {r.model_events_per_s:,.0f} events/s "
          f"(best of {r.repeat})")
    print(f"bare SimPy: {r.processes:,} processes ({r.processes_source}), same events, "
          f"{r.bare_seconds:.2f} s = {r.bare_events_per_s:,.0f} events/s")
    print(f"ratio model/bare: {r.ratio:.3f} (target >= {r.target_ratio})")


def print_full(r: FullRunResult) -> None:
    print(f"full run: scale {r.scale}, {r.years} years, {r.workers} worker(s): "
          f"{r.events:,} events, "
          f"wall {r.wall_seconds:.1f} s (run_task {r.task_seconds:.1f} s), "
          f"peak RSS {r.peak_rss_gib:.3f} GiB")


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "FAIL")


def summary(speed: SpeedResult | None, runs: list[FullRunResult]) -> str:
    rows = [("measure", "value", "target", "ok")]
    if speed is not None:
        rows += [(f"model events/s (scale {speed.scale})", f"{speed.model_events_per_s:,.0f}",
                  "", ""),
                 (f"bare SimPy events/s ({speed.processes:,} procs)",
                  f"{speed.bare_events_per_s:,.0f}", "", ""),
                 ("ratio model/bare", f"{speed.ratio:.3f}", f">= {speed.target_ratio}",
                  verdict(speed.ratio >= speed.target_ratio))]
    for r in runs:
        seconds_target = f"< {r.target_seconds:.0f} s" if r.target_seconds else ""
        memory_target = f"< {r.target_memory_gib:.0f} GiB" if r.target_memory_gib else ""
        seconds_ok = None if r.target_seconds is None else r.wall_seconds < r.target_seconds
        memory_ok = (None if r.target_memory_gib is None
                     else r.peak_rss_gib < r.target_memory_gib)
        run = f"scale {r.scale}, {r.years} y, {r.workers} worker(s)"
        rows.append((f"wall, {run}", f"{r.wall_seconds:.1f} s", seconds_target,
                     verdict(seconds_ok)))
        rows.append((f"peak memory, {run}", f"{r.peak_rss_gib:.3f} GiB", memory_target,
                     verdict(memory_ok)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--experiment", type=Path, default=DEFAULT_EXPERIMENT,
                   help="experiment file (default: experiments/baseline_2024.yaml)")
    p.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0],
                   help="scales of the full runs in subprocesses (default: 0.1 1.0)")
    p.add_argument("--speed-scale", type=float, default=0.1,
                   help="scale of the in-process events/s measurement (default: 0.1)")
    p.add_argument("--years", type=int, default=10, help="horizon in years (default: 10)")
    p.add_argument("--repeat", type=int, default=3,
                   help="timed runs of the model and of the bare loop in part 1; the best "
                        "of each counts (default: 3)")
    p.add_argument("--workers", type=int, nargs="+", default=[1],
                   help="worker processes of each full run; several split the replication "
                        "into shards of citizens (default: 1)")
    p.add_argument("--skip-speed", action="store_true",
                   help="leave out part 1 (the in-process events/s measurement)")
    p.add_argument("--json", type=Path, default=None, help="also write the summary as JSON")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--scale", type=float, default=0.1, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args.experiment, args.scale, args.years, args.workers[0])
        return 0
    print(f"python {sys.version.split()[0]}, simpy {simpy.__version__}, "
          f"{os.cpu_count()} cpus, experiment {args.experiment}")
    speed = None
    if not args.skip_speed:
        print("== 1. model speed (in process) ==", flush=True)
        speed = model_speed(args.experiment, args.speed_scale, args.years, args.repeat)
        print_speed(speed)
    print("== 2. full runs (fresh subprocess each) ==", flush=True)
    runs = []
    for scale in args.scales:
        for workers in args.workers:
            runs.append(full_run(args.experiment, scale, args.years, workers))
            print_full(runs[-1])
    print("== summary ==")
    print(summary(speed, runs))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"speed": asdict(speed) if speed else None,
                                         "full_runs": [asdict(r) for r in runs]},
                                        indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
