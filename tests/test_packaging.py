"""Packaging for institutions: a wheel that carries the licence, the version, the typing
marker and the bundled experiments; an installed package that lists and copies them and
runs the backtest outside the checkout; results the group can read; a quick --help."""

from __future__ import annotations

import os
import shutil
import site
import stat
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import sim

REPO = Path(__file__).resolve().parents[1]
EXPERIMENTS = sorted(p.name for p in (REPO / "experiments").glob("*.yaml"))


def test_version_has_one_place():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text and 'version = {attr = "sim.__version__"}' in text
    assert "\nversion =" not in text.split("[tool.setuptools.dynamic]")[0]
    done = subprocess.run([sys.executable, "-m", "sim", "--version"], cwd=REPO,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"caseload-sim {sim.__version__}"
    assert f"## {sim.__version__}" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_help_does_not_import_scipy_or_matplotlib():
    code = ("import sys, sim.cli\n"
            "heavy = [m for m in ('scipy', 'matplotlib') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True,
                   env={**os.environ, "PYTHONPATH": str(REPO)})


def _modes(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"),
                         [(0o022, 0o644, 0o755), (0o002, 0o664, 0o775), (0o077, 0o600, 0o700)])
def test_outputs_follow_the_umask(tmp_path, umask, file_mode, dir_mode):
    from sim.output import atomic_text, write_tables
    from sim.runner import PartStore, TaskResult

    df = pd.DataFrame({"scenario": ["b"], "replication": [0], "x": [1.0]})
    old = os.umask(umask)
    try:
        written = write_tables({"stocks": df}, tmp_path / "run")
        written.append(atomic_text(tmp_path / "run" / "manifest.json", "{}\n"))
        store = PartStore(tmp_path / "run", {"experiment": "e", "code": "c"})
        store.open()
        store.save(TaskResult("b", 0, {"stocks": df}, 1, 0.1))
    finally:
        os.umask(old)
    for path in written:
        assert _modes(path) == file_mode, path
    part = store.path("b", 0)
    assert _modes(part) == dir_mode
    assert _modes(part / "stocks.parquet") == file_mode
    assert _modes(part / "task.json") == file_mode


def _wheel_builder() -> bool:
    """setuptools builds wheels itself from 70.1, before that with the wheel package."""
    try:
        import wheel  # noqa: F401
    except ImportError:
        import setuptools

        return tuple(int(p) for p in setuptools.__version__.split(".")[:2]) >= (70, 1)
    return True


@pytest.fixture(scope="module")
def wheel_file(tmp_path_factory) -> Path:
    if not _wheel_builder():
        pytest.skip("building a wheel needs setuptools >= 70.1 or the wheel package")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "runs", "*.egg-info", "__pycache__", "_kernel", ".*cache"))
    # Without Cython in this interpreter the build is plain Python (no kernel): quick.
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-q", "-w", str(tmp / "dist"), str(src)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    [whl] = (tmp / "dist").glob("caseload_sim-*.whl")
    return whl


def test_the_wheel_carries_licence_typing_marker_and_experiments(wheel_file):
    assert wheel_file.name.startswith(f"caseload_sim-{sim.__version__}-")
    names = zipfile.ZipFile(wheel_file).namelist()
    for name in ["sim/py.typed", "policies/params/refusion.yaml",
                 "policies/costing/convention.yaml",
                 *(f"experiments/{e}" for e in EXPERIMENTS)]:
        assert name in names, name
    assert any(n.endswith(".dist-info/LICENSE") or "/licenses/LICENSE" in n for n in names)


@pytest.fixture(scope="module")
def installed(wheel_file, tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel installed; the
    dependencies come from this interpreter's site-packages (no network needed)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"], check=True,
                             capture_output=True, text=True).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
            *site.getsitepackages()}
    (Path(purelib) / "_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "--no-deps", "--no-index", "-q", str(wheel_file)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return python


def _in(python: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["CASELOAD_SIM_KERNEL"] = "python"
    return subprocess.run([str(python), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def test_installed_package_lists_and_copies_the_bundled_experiments(installed, tmp_path):
    where = _in(installed, tmp_path, "-c", "import sim; print(sim.__file__)")
    assert where.returncode == 0, where.stderr
    assert not where.stdout.startswith(str(REPO)) and "site-packages" in where.stdout
    assert _in(installed, tmp_path, "-m", "sim", "--version").stdout.strip() == \
        f"caseload-sim {sim.__version__}"
    listed = _in(installed, tmp_path, "-m", "sim", "experiments")
    assert listed.returncode == 0, listed.stderr
    for name in EXPERIMENTS:
        assert name in listed.stdout
    copied = _in(installed, tmp_path, "-m", "sim", "experiments", "flat_refusion",
                 "--copy", "mine")
    assert copied.returncode == 0, copied.stderr
    assert (tmp_path / "mine" / "flat_refusion.yaml").read_text(encoding="utf-8") == \
        (REPO / "experiments" / "flat_refusion.yaml").read_text(encoding="utf-8")
    again = _in(installed, tmp_path, "-m", "sim", "experiments", "flat_refusion",
                "--copy", "mine")
    assert again.returncode == 2 and "--force" in again.stderr


def test_installed_package_runs_the_backtest(installed, tmp_path):
    done = _in(installed, tmp_path, "-m", "sim", "backtest", "--scale", "0.002", "--out",
               "bt", "--quiet")
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "bt").is_dir() and any((tmp_path / "bt").iterdir())
