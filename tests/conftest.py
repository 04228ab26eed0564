"""Shared test set-up: headless Chromium for the report test (installed when missing)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

CHROMIUM = "/usr/bin/chromium"


def _install_chromium() -> None:
    """Install Debian's chromium when we are root on a Debian-like system."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        subprocess.run(cmd, env=env, check=False, timeout=1200, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a headless-capable Chromium; skipped where it cannot be had (fails in CI)."""
    path = shutil.which("chromium") or CHROMIUM
    if not os.path.exists(path):
        _install_chromium()
        path = shutil.which("chromium") or CHROMIUM
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing and could not be installed with apt-get")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path
