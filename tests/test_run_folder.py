"""A run folder holds one run or none: the lock, the publication of the results
together, damaged and foreign parts, a full disk, leftovers of a killed run."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import yaml

from sim.cli import main
from sim.output import FolderLock, published_run

REPO = Path(__file__).resolve().parents[1]
EXPERIMENT = dict(name="folder", start="2024-01-01", years=1, scale=0.002, seed=5,
                  replications=2, outputs=["stocks", "flows", "activity", "finance"],
                  scenarios={"baseline": {},
                             "shorter": {"parameters": {"time_limits.dagpenge.max_weeks": 52}}})


def _write(path: Path, **fields: object) -> Path:
    path.write_text(yaml.safe_dump({**EXPERIMENT, **fields}, sort_keys=False),
                    encoding="utf-8")
    return path


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _replications(out: Path) -> set[int]:
    return set(pd.read_csv(out / "stocks.csv")["replication"])


def _one_line(err: str) -> str:
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


def test_a_second_run_into_a_locked_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from sim.output import FolderLock
            with FolderLock({str(out)!r}):
                print("locked", flush=True)
                sys.stdin.readline()
            """)], cwd=REPO, env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        exp = _write(tmp_path / "e.yaml")
        assert main(["run", str(exp), "--out", str(out), "--quiet"]) == 2
        line = _one_line(capsys.readouterr().err)
        assert line.startswith(f"error: {out}: --out: ") and "no other run" in line
        assert str(holder.pid) in line
        assert sorted(p.name for p in out.iterdir()) == [".lock"]  # nothing written
    finally:
        holder.communicate("\n", timeout=60)
    # Free again once the holder has ended.
    with FolderLock(out):
        pass


def test_two_runs_started_together_give_one_run(tmp_path):
    out = tmp_path / "out"
    a, b = _write(tmp_path / "a.yaml", seed=7), _write(tmp_path / "b.yaml", seed=8)
    procs = [subprocess.Popen([sys.executable, "-m", "sim", "run", str(e), "--out", str(out),
                               "--quiet", "--workers", "1"], cwd=REPO, env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for e in (a, b)]
    results = [p.communicate(timeout=600) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes[0] == 0 and codes[1] == 2, results  # one ran; the other was refused
    for p, (_, err) in zip(procs, results, strict=True):
        if p.returncode == 2:
            line = _one_line(err)
            assert "--out" in line and ("no other run" in line or "another" in line), line
    manifest = published_run(out)
    assert manifest is not None
    seed = manifest["experiment"]["seed"]
    tasks = [json.loads(t.read_text()) for t in (out / "parts").glob("*/*/task.json")]
    assert tasks and {t["fingerprint"]["experiment"] for t in tasks} == {
        manifest["task_sha256"]}
    assert seed in (7, 8)


KILLER = """
import os, sys
calls = 0
real = os.replace
def replace(src, dst, *a, **k):
    global calls
    calls += 1
    if calls == {n}:
        os._exit(137)  # as if killed here
    return real(src, dst, *a, **k)
os.replace = replace
from sim.cli import main
sys.exit(main({args!r}))
"""


def test_a_run_killed_while_publishing_leaves_one_run_or_none(tmp_path):
    """An older run (2 replications) is in the folder; a run with 3 is killed at steps
    of its publication (each file renamed into staging or into place). After every kill
    the folder holds a complete run, the old or the new, or none (no manifest), never a
    mix; the next run cleans the leftovers and publishes the new run whole."""
    out = tmp_path / "out"
    assert main(["run", str(_write(tmp_path / "two.yaml")), "--out", str(out),
                 "--quiet"]) == 0
    old = published_run(out)
    assert old is not None and _replications(out) == {0, 1}
    three = _write(tmp_path / "three.yaml", replications=3)
    args = ["run", str(three), "--out", str(out), "--quiet", "--workers", "1"]
    files = len(old["files"])
    states = []
    # renames: one per file written into staging, the staged manifest, one per file
    # moved into place, the manifest last; a kill in each of these stages
    for n in sorted({1, files + 1, files + 2, files + files // 2, 2 * files + 2}):
        proc = subprocess.run([sys.executable, "-c", KILLER.format(n=n, args=args)],
                              cwd=REPO, env=_env(), capture_output=True, text=True,
                              timeout=600)
        manifest = published_run(out)
        if (out / "manifest.json").exists():
            assert manifest is not None, f"kill at rename {n}: manifest and files differ"
            reps = set(manifest["seeds"]["replications"])
            assert reps in ({0, 1}, {0, 1, 2}) and _replications(out) == reps, n
            states.append("old" if reps == {0, 1} else "new")
        else:
            states.append("none")
        if proc.returncode == 0:
            assert manifest is not None and _replications(out) == {0, 1, 2}
    # the kills fell before the old manifest went (old run kept) and after (no run)
    assert "old" in states and "none" in states, states
    assert main(args) == 0
    manifest = published_run(out)
    assert manifest is not None and _replications(out) == {0, 1, 2}
    assert not list(out.glob(".staging-*")) and not list(out.glob(".*.tmp"))


def test_damaged_and_foreign_parts_are_run_again(tmp_path, capsys):
    out = tmp_path / "out"
    exp = _write(tmp_path / "e.yaml")
    assert main(["run", str(exp), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    tables = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    parts = sorted(p.parent for p in (out / "parts").glob("*/*/task.json"))
    assert len(parts) == 4
    truncated, foreign, missing, kept = parts
    stocks = truncated / "stocks.parquet"
    stocks.write_bytes(stocks.read_bytes()[:100])
    meta = json.loads((foreign / "task.json").read_text())
    meta["fingerprint"]["experiment"] = "0" * 64
    (foreign / "task.json").write_text(json.dumps(meta))
    (missing / "flows.parquet").unlink()
    (out / "parts" / "run.json").unlink()  # the per-part fingerprints still hold
    untouched = (kept / "task.json").stat().st_mtime_ns
    assert main(["run", str(exp), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    assert (kept / "task.json").stat().st_mtime_ns == untouched  # reused
    for part in (truncated, foreign, missing):
        meta = json.loads((part / "task.json").read_text())
        assert meta["fingerprint"]["experiment"] != "0" * 64
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == tables


def test_a_full_disk_is_one_line_and_the_run_resumes(tmp_path, capsys, monkeypatch):
    from sim.runner import PartStore

    out = tmp_path / "out"
    exp = _write(tmp_path / "e.yaml")
    real = PartStore.save
    saved: list[int] = []

    def save(self, result):
        if saved:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        saved.append(1)
        return real(self, result)

    monkeypatch.setattr(PartStore, "save", save)
    assert main(["run", str(exp), "--out", str(out), "--quiet", "--workers", "1"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"error: {out}: --out: ") and "No space left" in line
    assert not (out / "manifest.json").exists()
    assert len(list((out / "parts").glob("*/*/task.json"))) == 1
    monkeypatch.setattr(PartStore, "save", real)
    assert main(["run", str(exp), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    assert published_run(out) is not None


def test_leftovers_of_a_killed_run_are_removed(tmp_path):
    out = tmp_path / "out"
    exp = _write(tmp_path / "e.yaml", replications=1)
    (out / ".staging-x" / "figures").mkdir(parents=True)
    (out / ".shards-y").mkdir()
    (out / ".stocks.csv.abc.tmp").write_text("partial")
    (out / "parts" / "baseline" / ".tmp-00000-z").mkdir(parents=True)
    assert main(["run", str(exp), "--out", str(out), "--quiet"]) == 0
    assert not [p for p in out.rglob("*") if p.name.startswith((".staging", ".shards", ".tmp"))
                or p.name.endswith(".tmp")]


def test_workers_beyond_the_tasks_give_the_same_tables(tmp_path):
    """More workers than tasks and cores: no more shards than cores, and the same tables
    as one worker."""
    exp = _write(tmp_path / "e.yaml", replications=1, scenarios={"baseline": {}})
    tables = []
    for workers in (1, min(8, 4 * (os.cpu_count() or 1))):
        out = tmp_path / f"w{workers}"
        assert main(["run", str(exp), "--out", str(out), "--quiet", "--workers",
                     str(workers)]) == 0
        assert published_run(out) is not None
        tables.append({p.name: p.read_bytes() for p in out.glob("*.csv")})
    assert tables[0] == tables[1]
