"""The compiled kernel (sim/kernel.py): used only when built from the sources as they
are, and giving exactly the plain modules' results."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

import sim
from sim import kernel

REPO = Path(__file__).resolve().parents[1]

# A short run whose tables are hashed; the same code runs with and without the kernel.
RUN = """
import hashlib, sim
res = sim.run(dict(
    name="kernel", start="2024-01-01", years=3, scale=0.01, seed=7, replications=1,
    outputs=["stocks", "flows", "spells", "activity", "finance"],
    scenarios={"baseline": {"policies": ["current_law_2024"]}}), workers=1)
h = hashlib.sha256()
for name, table in sorted(res.tables.items()):
    h.update(name.encode()); h.update(table.to_csv(index=False).encode())
print(sim.KERNEL, sim.citizen.__file__.endswith(".py"), h.hexdigest())
"""


def _fake_build(tmp: Path, stamp: str) -> Path:
    """A package folder with the kernel's sources and a build folder stamped ``stamp``."""
    for name in kernel.MODULES:
        for suffix in (".py", ".pxd"):
            if (kernel.PACKAGE_DIR / (name + suffix)).is_file():
                shutil.copy(kernel.PACKAGE_DIR / (name + suffix), tmp / (name + suffix))
    build = tmp / kernel.KERNEL_FOLDER
    build.mkdir()
    for name in kernel.MODULES:
        (build / (name + EXTENSION_SUFFIXES[0])).write_bytes(b"")
    (build / kernel.FINGERPRINT_FILE).write_text(stamp + "\n")
    return build


def test_status_follows_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(kernel.ENV, raising=False)
    build = _fake_build(tmp_path, kernel.fingerprint(kernel.PACKAGE_DIR))
    assert kernel.status(tmp_path) == "compiled"
    # An edit to a .pxd (or a .py) makes the build stale: plain Python runs.
    pxd = tmp_path / "process.pxd"
    pxd.write_text(pxd.read_text() + "\n")
    assert kernel.status(tmp_path) == "stale"
    monkeypatch.setenv(kernel.ENV, "python")
    assert kernel.status(tmp_path) == "disabled"
    monkeypatch.delenv(kernel.ENV)
    (build / ("citizen" + EXTENSION_SUFFIXES[0])).unlink()
    assert kernel.status(tmp_path) == "absent"


def test_the_kernel_in_use_is_the_fresh_build() -> None:
    status = kernel.status()
    assert sim.KERNEL == status
    if status == "absent":
        pytest.skip("no compiled kernel here (no C compiler at install): plain Python runs")
    assert status != "stale", "sim/_kernel/ is older than the sources: pip install -e ."
    compiled = status == "compiled"
    for name in kernel.MODULES:
        module = importlib.import_module("sim." + name)
        assert (Path(module.__file__).parent == kernel.KERNEL_DIR) == compiled, name


def test_compiled_kernel_gives_the_plain_results() -> None:
    if kernel.status() != "compiled":
        pytest.skip(f"the compiled kernel is {kernel.status()}")
    out = {}
    for mode in ("compiled", "python"):
        env = {**os.environ, kernel.ENV: mode}
        done = subprocess.run([sys.executable, "-c", RUN], cwd=REPO, env=env, text=True,
                              capture_output=True, timeout=600, check=True)
        out[mode] = done.stdout.split()
    assert out["compiled"][:2] == ["compiled", "False"]
    assert out["python"][:2] == ["disabled", "True"]
    assert out["compiled"][2] == out["python"][2]
