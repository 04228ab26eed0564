"""Replications and scenarios: serially, in local worker processes, or on Dask.

Each task (scenario, replication) is a pure function of the experiment, so results
are identical whatever the number of workers or where they ran; they are collected in
task order. With a run folder, each finished task is saved as soon as it is done
(``parts/<scenario>/<replication>/``, renamed into place whole) and a rerun with the
same folder and experiment reuses it instead of running it again. Each saved task records
the fingerprint of the experiment and code that produced it and the sha256 of its tables;
a part that is damaged (truncated, edited, missing a table) or foreign (another
experiment's) is removed and run again.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import multiprocessing
import os
import pickle
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from sim.alignment import inflow_alignment
from sim.clock import Clock
from sim.errors import InputError
from sim.experiment import Experiment
from sim.ledger import Ledger
from sim.model import Model
from sim.output import SPILL, atomic_text, sha256_file, umask_mode
from sim.results import tables
from sim.scenario import ScenarioSpec

WORKERS_PER_CORE = 4


def max_workers() -> int:
    """The most worker processes a run may ask for on this machine."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


def check_workers(workers: object) -> None:
    """``--workers``: None (one per core) or a whole number from 1 to max_workers()."""
    if workers is None:
        return
    top = max_workers()
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= top:
        raise InputError("run", "--workers", workers,
                         f"a whole number from 1 to {top} ({WORKERS_PER_CORE} per core)")


@dataclass
class TaskResult:
    scenario: str
    replication: int
    tables: dict[str, pd.DataFrame]
    events: int
    seconds: float


@dataclass
class ShardResult:
    """The records of one shard of a replication (sim.model.Model ``shard``)."""

    scenario: str
    replication: int
    shard: int
    ledger: Ledger | Path  # a Path: spilled to that file by a local worker
    events: int
    seconds: float


# -- progress within a run: each shard reports its simulated weeks as it goes --------------

PROGRESS_WEEKS = 4.0  # how often a shard reports (simulated weeks)
# Where a shard's reports go: set in the parent for serial runs, and by the pool's
# initializer in a worker process (a queue the parent reads); None: no reports.
_progress_sink: Callable[[tuple[str, int, int, float]], None] | None = None


def _set_progress_queue(queue) -> None:
    """Initializer of a worker process: send progress reports to ``queue``."""
    global _progress_sink
    _progress_sink = queue.put


def _ticker(env, start: float, end: float, key: tuple[str, int, int],
            sink: Callable[[tuple[str, int, int, float]], None], fired: list[int]):
    """A SimPy process that reports the weeks simulated every PROGRESS_WEEKS. It draws no
    random numbers and wakes no one, so the other processes run exactly as without it."""
    t = start
    while t < end:
        t = min(t + PROGRESS_WEEKS, end)
        yield env.timeout(t - env.now)
        fired[0] += 1
        sink((*key, t - start))


def task_weeks(experiment: Experiment, spec: ScenarioSpec) -> float:
    """The weeks one task simulates: the warm-up before the start date and the horizon."""
    warmup = float(spec.parameters.at("population.warmup_years", experiment.start)) * 52.0
    return warmup + Clock(experiment.start, experiment.years).horizon


def run_shard(experiment: Experiment, spec: ScenarioSpec, replication: int, shard: int = 0,
              shards: int = 1) -> ShardResult:
    """Simulate the citizens of one shard of a replication; its records."""
    t0 = time.perf_counter()
    clock = Clock(experiment.start, experiment.years)
    model = Model(spec.parameters, clock, spec.unemployment, experiment.seed, replication,
                  experiment.scale, keep_spells="spells" in experiment.outputs,
                  keep_events="events" in experiment.outputs, cohorts=spec.cohorts,
                  shard=(shard, shards), alignment=spec.alignment)
    fired = [0]
    if _progress_sink is not None:
        model.env.process(_ticker(model.env, model.env.now, clock.horizon,
                                  (spec.name, replication, shard), _progress_sink, fired))
    ledger = model.run()
    # Not the model's events: the ticker's start and its timeouts.
    events = model.events - (fired[0] + 1 if _progress_sink is not None else 0)
    # The citizens' processes are no longer needed: free them before anything else is
    # built (at full scale they hold more memory than the records).
    del model
    gc.collect()
    return ShardResult(spec.name, replication, shard, ledger, events,
                       time.perf_counter() - t0)


def finish(experiment: Experiment, spec: ScenarioSpec, parts: list[ShardResult]
           ) -> TaskResult:
    """The tables of a replication from the records of all its shards."""
    t0 = time.perf_counter()
    parts = sorted(parts, key=lambda p: p.shard)
    ledger = _ledger(parts[0])
    for part in parts[1:]:  # one at a time: a shard read, added and let go
        ledger.merge([_ledger(part)])
    clock = Clock(experiment.start, experiment.years)
    out = tables(ledger, clock, experiment.scale, experiment.outputs, spec.parameters,
                 [tree for _, tree in spec.cohorts])
    replication = parts[0].replication
    for df in out.values():
        df.insert(0, "replication", replication)
        df.insert(0, "scenario", spec.name)
    seconds = sum(p.seconds for p in parts) + time.perf_counter() - t0
    return TaskResult(spec.name, replication, out, sum(p.events for p in parts), seconds)


def run_task(experiment: Experiment, spec: ScenarioSpec, replication: int) -> TaskResult:
    """One replication of one scenario, in this process."""
    return finish(experiment, spec, [run_shard(experiment, spec, replication)])


def _work(experiment: Experiment, spec: ScenarioSpec, replication: int, shard: int,
          shards: int, spill: str | None = None) -> TaskResult | ShardResult:
    """A worker's job: a whole replication with its tables, or one shard's records.

    ``spill``: a folder on the same machine where a shard's records are written (the
    result then names the file), so they do not travel as one large message, which
    would hold them twice in the worker and again in the parent at the same time."""
    if shards == 1:
        return run_task(experiment, spec, replication)
    result = run_shard(experiment, spec, replication, shard, shards)
    if spill is not None:
        fd, name = tempfile.mkstemp(dir=spill, suffix=".pickle")
        path = Path(name)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(result.ledger, fh, protocol=pickle.HIGHEST_PROTOCOL)
        result.ledger = path
    return result


def _ledger(part: ShardResult) -> Ledger:
    """A shard's records, read back (and the file removed) when it was spilled."""
    if isinstance(part.ledger, Path):
        with open(part.ledger, "rb") as fh:
            ledger = pickle.load(fh)
        part.ledger.unlink()
        return ledger
    return part.ledger


class PartStore:
    """Finished tasks of one run folder: ``parts/<scenario>/<replication>/<table>.parquet``
    plus ``task.json``; ``parts/run.json`` holds the fingerprint of what produced them."""

    def __init__(self, folder: Path, fingerprint: dict[str, str]) -> None:
        self.root = Path(folder) / "parts"
        self.fingerprint = fingerprint

    def open(self) -> None:
        """Create the store, or check that an existing one belongs to the same experiment.
        A missing or unreadable ``run.json`` is written anew: each part carries its own
        fingerprint, so a foreign part is still found (and run again)."""
        stamp = self.root / "run.json"
        old: object = None
        if stamp.is_file():
            try:
                old = json.loads(stamp.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = None
        if isinstance(old, dict) and set(self.fingerprint) <= set(old):
            for key, value in self.fingerprint.items():
                if old.get(key) != value:
                    raise InputError(
                        str(self.root.parent), "--out", str(self.root.parent),
                        f"a new folder, or this one for the same experiment and code: its "
                        f"finished parts have another {key} ({str(old.get(key))[:12]}, now "
                        f"{value[:12]}); delete {self.root} to start over")
        else:
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_text(stamp, json.dumps(self.fingerprint, indent=2) + "\n")
        for stale in self.root.glob("*/.tmp-*"):  # left by a run killed while saving
            shutil.rmtree(stale, ignore_errors=True)

    def path(self, scenario: str, replication: int) -> Path:
        return self.root / scenario / f"{replication:05d}"

    def done(self, scenario: str, replication: int) -> bool:
        return (self.path(scenario, replication) / "task.json").is_file()

    def reuse(self, scenario: str, replication: int) -> TaskResult | None:
        """The saved task when it is there, whole and of this experiment and code; a
        damaged or foreign part is removed (to be run again) and None returned."""
        if not self.done(scenario, replication):
            return None
        try:
            return self.load(scenario, replication)
        except (ValueError, KeyError, TypeError, FileNotFoundError, IsADirectoryError,
                NotADirectoryError):  # other OSErrors (a failing disk) are not damage
            shutil.rmtree(self.path(scenario, replication), ignore_errors=True)
            return None

    def save(self, result: TaskResult) -> None:
        final = self.path(result.scenario, result.replication)
        if final.exists():
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".tmp-{final.name}-"))
        os.chmod(tmp, umask_mode(directory=True))  # mkdtemp's is 0700
        try:
            for name, df in result.tables.items():
                df.to_parquet(tmp / f"{name}.parquet", index=False)
            (tmp / "task.json").write_text(json.dumps(
                {"scenario": result.scenario, "replication": result.replication,
                 "events": result.events, "seconds": result.seconds,
                 "tables": list(result.tables), "fingerprint": self.fingerprint,
                 "sha256": {name: sha256_file(tmp / f"{name}.parquet")
                            for name in result.tables}}), encoding="utf-8")
            os.rename(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def load(self, scenario: str, replication: int) -> TaskResult:
        """A saved task; ValueError when it is not whole or not of this experiment."""
        folder = self.path(scenario, replication)
        meta = json.loads((folder / "task.json").read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("fingerprint") != self.fingerprint or \
                meta.get("scenario") != scenario or meta.get("replication") != replication:
            raise ValueError(f"{folder}: a part of another experiment or code")
        hashes = meta["sha256"]
        out = {}
        for name in meta["tables"]:
            path = folder / f"{name}.parquet"
            if sha256_file(path) != hashes[name]:
                raise ValueError(f"{path}: its content differs from when it was saved")
            out[name] = pd.read_parquet(path)
        return TaskResult(scenario, replication, out, int(meta["events"]),
                          float(meta["seconds"]))


def _local(tasks: list[tuple], workers: int, done: Callable[[int, object], None],
           spill: str | None = None, tick: Callable[[tuple], None] | None = None) -> None:
    """Run ``tasks`` here or in a pool of ``workers`` processes. ``spill``: the tasks are
    shards, whose workers write their records there (see ``_work``) and end after one
    shard, so their memory is back before the parent merges the shards. ``tick``: called
    with each progress report (scenario, replication, shard, weeks simulated)."""
    global _progress_sink
    if workers <= 1 or len(tasks) == 1:
        _progress_sink = tick
        try:
            for i, t in enumerate(tasks):
                done(i, _work(*t))
        finally:
            _progress_sink = None
        return
    if spill is not None:
        tasks = [(*t, spill) for t in tasks]
    # A pool whose workers end after one task starts them by spawn (as Python's own
    # default for max_tasks_per_child); the progress queue must come from the same context.
    context = multiprocessing.get_context("spawn" if spill is not None else None)
    queue = reader = None
    if tick is not None:
        queue = context.Queue()
        reader = threading.Thread(target=_read_progress, args=(queue, tick), daemon=True)
        reader.start()
    try:
        # On an error (a full disk while saving a part), tasks not yet started are
        # dropped rather than run to no end (cancel_futures); the saved parts stay.
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context,
                                 max_tasks_per_child=1 if spill is not None else None,
                                 initializer=_set_progress_queue if queue else None,
                                 initargs=(queue,) if queue else ()) as pool:
            pending = {pool.submit(_work, *t): i for i, t in enumerate(tasks)}
            try:
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for f in finished:
                        done(pending.pop(f), f.result())
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        if queue is not None and reader is not None:
            queue.put(None)
            reader.join(timeout=10)
            queue.close()


def _read_progress(queue, tick: Callable[[tuple], None]) -> None:
    """The parent's reader of the workers' progress reports, until a None."""
    while (report := queue.get()) is not None:
        tick(report)


class Progress:
    """The weeks simulated across all tasks and their shards, on a tqdm bar.

    Shards of a replication simulate the same weeks for different citizens, so each
    counts 1/shards of its task. Reports come from the worker processes (through a
    queue read by a thread) and a task's finish completes its weeks."""

    def __init__(self, bar: tqdm, weeks: dict[tuple[str, int], float], shards: int,
                 runs: int, runs_done: int) -> None:
        self.bar, self.weeks, self.shards = bar, weeks, shards
        self.seen: dict[tuple[str, int, int], float] = {}
        self.runs, self.runs_done = runs, runs_done
        self.lock = threading.Lock()
        self._postfix()

    def _postfix(self) -> None:
        self.bar.set_postfix_str(f"runs {self.runs_done}/{self.runs}", refresh=False)

    def tick(self, report: tuple) -> None:
        """A worker's report (scenario, replication, shard, weeks simulated)."""
        scenario, replication, shard, weeks = report
        self._advance((scenario, replication, shard), weeks)

    def _advance(self, key: tuple[str, int, int], weeks: float) -> None:
        # Reports may come late (the queue is read by a thread while the parent already
        # finished the task): only a shard's furthest week counts.
        with self.lock:
            old = self.seen.get(key, 0.0)
            if weeks > old:
                self.seen[key] = weeks
                # (never past the total: the sums of fractions of weeks round)
                self.bar.update(max(0.0, min((weeks - old) / self.shards,
                                             self.bar.total - self.bar.n)))

    def finish(self, scenario: str, replication: int) -> None:
        total = self.weeks[(scenario, replication)]
        for shard in range(self.shards):
            self._advance((scenario, replication, shard), total)
        with self.lock:
            self.runs_done += 1
            self._postfix()
            self.bar.refresh()


def _dask(tasks: list[tuple], workers: int, scheduler: str | None,
          done: Callable[[int, object], None]) -> None:
    """Run on the Dask scheduler at ``scheduler``, or on a LocalCluster of ``workers``."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError("cluster", "dask", "not installed",
                         "pip install 'caseload-sim[dask]' (dask[distributed])") from None
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            try:
                client = Client(scheduler, timeout=30)
            except OSError as exc:
                raise InputError("cluster", "cluster.scheduler", scheduler,
                                 f"a reachable Dask scheduler ({exc})") from None
        with client:
            index = {}
            for i, t in enumerate(tasks):
                index[client.submit(_work, *t, pure=False)] = i
            for future in as_completed(list(index)):
                done(index[future], future.result())
                future.release()
    finally:
        if cluster is not None:
            cluster.close()


def aligned(experiment: Experiment, specs: list[ScenarioSpec]) -> list[ScenarioSpec]:
    """The specs with the yearly inflow factors that make gross unemployment follow each
    one's unemployment path (sim/alignment.py), found with the baseline's law (so a
    reform's own effect on unemployment stays in the comparison); one alignment per
    distinct path. Specs already aligned (``alignment`` not None; {} for a flat path)
    keep theirs, so more replications later (sim.api's precision rounds) run no pilot."""
    if all(s.alignment is not None for s in specs):
        return specs
    base = next((s for s in specs if s.name == experiment.baseline), None)
    if base is None:
        raise ValueError(f"the baseline {experiment.baseline!r} is not among the scenarios "
                         "to run; it is needed to align the unemployment path")
    clock = Clock(experiment.start, experiment.years)
    found: dict[tuple, dict[int, float]] = {}
    out = []
    for spec in specs:
        if spec.alignment is not None:
            out.append(spec)
            continue
        key = tuple(sorted(spec.unemployment.items()))
        if key not in found:
            found[key] = inflow_alignment(base.parameters, clock, spec.unemployment,
                                          experiment.seed, base.cohorts)
        out.append(dataclasses.replace(spec, alignment=found[key]))
    return out


def run_all(experiment: Experiment, specs: list[ScenarioSpec], workers: int | None = None,
            progress: bool = True, replications: Iterable[int] | None = None,
            store: PartStore | None = None, dask: bool = False,
            shards: int | None = None) -> list[TaskResult]:
    """Run every (scenario, replication) task; results in task order.

    ``replications``: indices to run (default ``range(experiment.replications)``).
    ``store``: save each finished task and reuse those saved by an earlier run.
    ``dask``: on a local Dask cluster, or on ``experiment.cluster`` when it names one.
    ``shards``: split each replication into this many shards of citizens run in
    parallel (default: enough to give every worker work when there are fewer tasks
    than workers). The tables are the same for any number of shards.
    """
    reps = list(range(experiment.replications) if replications is None else replications)
    specs = aligned(experiment, specs)
    tasks = [(experiment, spec, rep) for spec in specs for rep in reps]
    results: list[TaskResult | None] = [None] * len(tasks)
    todo = []
    for i, (_, spec, rep) in enumerate(tasks):
        results[i] = store.reuse(spec.name, rep) if store is not None else None
        if results[i] is None:
            todo.append(i)
    cores = os.cpu_count() or 1
    if workers is None:
        workers = min(len(todo), cores)
    if shards is None:
        # More shards than cores only add processes and memory.
        shards = max(1, min(workers, cores) // len(todo)) if todo else 1
    weeks = {(spec.name, rep): task_weeks(experiment, spec) for _, spec, rep in tasks}
    todo_keys = {(tasks[i][1].name, tasks[i][2]) for i in todo}
    bar = tqdm(total=sum(weeks.values()),
               initial=sum(w for k, w in weeks.items() if k not in todo_keys),
               desc=f"{experiment.name}", unit="week", disable=not progress,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:,.0f}/{total:,.0f} simulated "
                          "weeks [{elapsed}<{remaining}{postfix}]")
    meter = Progress(bar, weeks, shards, len(tasks), len(tasks) - len(todo))
    tick = meter.tick if progress else None
    waiting: dict[int, list[ShardResult]] = {}

    def done(j: int, result: TaskResult | ShardResult) -> None:
        i = todo[j // shards]
        if isinstance(result, ShardResult):
            parts = waiting.setdefault(i, [])
            parts.append(result)
            if len(parts) < shards:
                return
            result = finish(*tasks[i][:2], waiting.pop(i))
        if store is not None:  # read back, so fresh and reused parts are the same data
            store.save(result)
            result = store.load(result.scenario, result.replication)
        results[i] = result
        meter.finish(result.scenario, result.replication)

    try:
        work = [(*tasks[i], k, shards) for i in todo for k in range(shards)]
        if work and (dask or experiment.cluster is not None):
            scheduler = experiment.cluster.scheduler if experiment.cluster else None
            _dask(work, max(1, workers), scheduler, done)
        elif work and shards > 1:
            # In the run folder when there is one, so a killed run's records are removed
            # by the next run (sim.output.clean_leftovers).
            where = store.root.parent if store is not None else None
            with tempfile.TemporaryDirectory(prefix=SPILL, dir=where) as spill:
                _local(work, workers, done, spill, tick)
        elif work:
            _local(work, workers, done, tick=tick)
    finally:
        bar.close()
    return [r for r in results if r is not None]
