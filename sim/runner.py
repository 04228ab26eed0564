"""Replications and scenarios, serially or in local worker processes.

Each task (scenario, replication) is a pure function of the experiment, so results
are identical whatever the number of workers; they are collected in task order.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pandas as pd
from tqdm import tqdm

from sim.clock import Clock
from sim.experiment import Experiment
from sim.model import Model
from sim.results import tables
from sim.scenario import ScenarioSpec


@dataclass
class TaskResult:
    scenario: str
    replication: int
    tables: dict[str, pd.DataFrame]
    events: int
    seconds: float


def run_task(experiment: Experiment, spec: ScenarioSpec, replication: int) -> TaskResult:
    t0 = time.perf_counter()
    clock = Clock(experiment.start, experiment.years)
    model = Model(spec.parameters, clock, spec.unemployment, experiment.seed, replication,
                  experiment.scale, keep_spells="spells" in experiment.outputs,
                  keep_events="events" in experiment.outputs)
    ledger = model.run()
    out = tables(ledger, clock, experiment.scale, experiment.outputs, spec.parameters)
    for df in out.values():
        df.insert(0, "replication", replication)
        df.insert(0, "scenario", spec.name)
    return TaskResult(spec.name, replication, out, model.events, time.perf_counter() - t0)


def _run_task_args(args: tuple) -> TaskResult:
    return run_task(*args)


def run_all(experiment: Experiment, specs: list[ScenarioSpec], workers: int | None = None,
            progress: bool = True) -> list[TaskResult]:
    tasks = [(experiment, spec, rep) for spec in specs for rep in range(experiment.replications)]
    if workers is None:
        workers = min(len(tasks), os.cpu_count() or 1)
    bar = tqdm(total=len(tasks), desc=f"{experiment.name}", unit="run", disable=not progress)
    results: list[TaskResult] = []
    try:
        if workers <= 1 or len(tasks) == 1:
            for t in tasks:
                results.append(run_task(*t))
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for r in pool.map(_run_task_args, tasks):
                    results.append(r)
                    bar.update()
    finally:
        bar.close()
    return results
