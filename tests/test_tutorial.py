"""The tutorial in examples/ runs end to end, as a new analyst would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_tutorial_runs_end_to_end(tmp_path):
    out = tmp_path / "tutorial"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, str(REPO / "examples" / "tutorial.py"), "--out",
                           str(out), "--workers", "1"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    text = done.stdout
    for step in ("1. The baseline", "2. A reform", "3. Baseline and reform", "4. The report",
                 "5. One citizen's path"):
        assert step in text, step
    assert "shorter_dagpenge against baseline, 2025 (permanent effect):" in text
    assert "public finances" in text and "municipalities" in text
    assert (out / "shorter_dagpenge.yaml").is_file()
    for name in ("report.html", "headline.csv", "stocks.csv", "manifest.json"):
        assert (out / "shorter_dagpenge" / name).is_file(), name
    money = (out / "one_citizen.csv").read_text(encoding="utf-8")
    assert "dagpenge" in money and "kontanthjaelp_jobparat" in money
