"""Runner: serial = parallel = Dask byte for byte; resume after a kill; folder checks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sim.cli import main

EXPERIMENT = dict(name="runner", start="2024-01-01", years=2, scale=0.006, seed=9,
                  replications=3, outputs=["stocks", "flows", "activity", "finance"],
                  scenarios={"baseline": {"policies": ["current_law_2024"]},
                             "shorter": {"policies": ["current_law_2024", {
                                 "name": "dagpenge_period",
                                 "options": {"weeks": 52, "effective": "2025-01-01"}}]}})
TASKS = 6


def _csvs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("exp") / "runner.yaml"
    path.write_text(yaml.safe_dump(EXPERIMENT, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def serial(experiment, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("serial")
    assert main(["run", str(experiment), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


def test_serial_parallel_and_dask_write_identical_tables(experiment, serial, tmp_path):
    expected = _csvs(serial)
    assert {"stocks.csv", "compare_stocks.csv", "revenue.csv", "headline.csv"} <= set(expected)
    assert main(["run", str(experiment), "--out", str(tmp_path / "par"), "--workers", "2",
                 "--quiet"]) == 0
    assert _csvs(tmp_path / "par") == expected
    pytest.importorskip("distributed")
    assert main(["run", str(experiment), "--out", str(tmp_path / "dask"), "--workers", "2",
                 "--dask-local", "--quiet"]) == 0
    assert _csvs(tmp_path / "dask") == expected


def _parts(out: Path) -> list[Path]:
    return sorted(p.parent for p in (out / "parts").glob("*/*/task.json"))


def test_a_killed_run_resumes_without_redoing_finished_replications(experiment, serial,
                                                                     tmp_path):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "sim", "run", str(experiment), "--out", str(out),
           "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(_parts(out)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    before = {p: (p / "task.json").stat().st_mtime_ns for p in _parts(out)}
    assert 2 <= len(before) < TASKS, "the run should have been killed midway"
    assert not (out / "stocks.csv").exists()
    assert main(["run", str(experiment), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    after = _parts(out)
    assert len(after) == TASKS  # nothing duplicated
    for part, mtime in before.items():
        assert (part / "task.json").stat().st_mtime_ns == mtime  # reused, not rerun
    assert not list((out / "parts").glob("*/.tmp-*"))
    assert _csvs(out) == _csvs(serial)


def test_another_experiment_in_the_same_folder_is_refused(experiment, serial, tmp_path,
                                                          capsys):
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({**EXPERIMENT, "seed": 10}), encoding="utf-8")
    assert main(["run", str(other), "--out", str(serial), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "--out" in err
    # More replications of the same experiment reuse the ones already there.
    more = tmp_path / "more.yaml"
    more.write_text(yaml.safe_dump({**EXPERIMENT, "replications": 4}), encoding="utf-8")
    before = {p: (p / "task.json").stat().st_mtime_ns for p in _parts(serial)}
    assert main(["run", str(more), "--out", str(serial), "--workers", "2", "--quiet"]) == 0
    assert len(_parts(serial)) == 8
    assert all((p / "task.json").stat().st_mtime_ns == m for p, m in before.items())


def test_a_replication_split_into_shards_gives_the_same_tables():
    """Citizens do not interact, so shards of citizens run apart and merged give the
    replication's records exactly; the tables (spells and events included) must match."""
    from sim.experiment import Experiment
    from sim.runner import run_all
    from sim.scenario import prepare

    exp = Experiment.model_validate({
        **EXPERIMENT, "replications": 1, "scale": 0.004,
        "outputs": ["stocks", "flows", "headcounts", "spells", "activity", "events",
                    "finance", "jobpraemie"]})
    specs = prepare(exp, "<test>")
    whole = run_all(exp, specs, workers=1, progress=False, shards=1)
    split = run_all(exp, specs, workers=2, progress=False, shards=3)
    assert [(r.scenario, r.replication) for r in split] == \
        [(r.scenario, r.replication) for r in whole]
    for a, b in zip(whole, split, strict=True):
        # (SimPy event counts differ a little: each shard has its own arrival process.)
        assert set(a.tables) == set(b.tables)
        for name, df in a.tables.items():
            assert len(df) > 0, name
            assert df.equals(b.tables[name]), name
