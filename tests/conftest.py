"""Shared test set-up: headless Chromium for the report's screenshot tests."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a headless-capable Chromium; the test is skipped where there is none
    (``apt-get install chromium`` on Debian)."""
    path = shutil.which("chromium") or CHROMIUM
    if not os.path.exists(path):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path
