"""The HTML report: its sections, embedded figures, and how headless Chromium renders it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.cli import main
from tests.helpers import reform_experiment

EXPERIMENT = reform_experiment("report", seed=4, replications=2)
SECTIONS = ("headline", "paths", "revenue", "elements", "tables", "policies", "method")


def _run(tmp: Path, exp: dict) -> Path:
    path = tmp / "exp.yaml"
    path.write_text(yaml.safe_dump(exp, sort_keys=False), encoding="utf-8")
    out = tmp / "run"
    assert main(["run", str(path), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("report"), EXPERIMENT)


def test_report_has_its_sections_and_needs_no_network(run):
    text = (run / "report.html").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'<section id="{section}">' in text, section
    assert text.index('id="headline"') < text.index('id="paths"') < text.index('id="method"')
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', text)) == 3
    assert not re.search(r'(src|href)="(https?:)?//', text)
    for words in ("Revenue (provenu)", "dagpenge_period (weeks=52, effective=2025-01-01)",
                  "sanctions.karantaene_weeks", "STRESS-DES", "master seed 4",
                  "0.004 sample share", "Initial stock", "Versions", "Run time"):
        assert words in text, words
    for png in ("fulltime_persons.png", "gross_mio_kr.png", "elements.png"):
        assert (run / "figures" / png).read_bytes()[:4] == b"\x89PNG"
    for name in ("compare_stocks", "compare_flows", "compare_activity", "compare_finance",
                 "revenue", "elements", "headline"):
        assert (run / f"{name}.csv").is_file() and (run / f"{name}.parquet").is_file()


def test_one_scenario_gets_a_report_of_its_paths(tmp_path):
    exp = {**EXPERIMENT, "scenarios": {"baseline": {}}, "compare": {}, "years": 1,
           "outputs": ["stocks", "finance"]}
    text = (_run(tmp_path, exp) / "report.html").read_text(encoding="utf-8")
    assert "One scenario: no comparison" in text
    assert len(re.findall(r'src="data:image/png;base64,', text)) == 2
    assert 'id="elements"' not in text


def _chromium(binary: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", f"--user-data-dir={tmp / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def test_chromium_renders_the_report_with_its_figures(run, chromium, tmp_path):
    url = (run / "report.html").resolve().as_uri()
    dom = _chromium(chromium, tmp_path, "--dump-dom", url).stdout
    for section in SECTIONS:
        assert f'id="{section}"' in dom
    assert dom.count("<img") == 3
    shot = tmp_path / "shot.png"
    _chromium(chromium, tmp_path, "--window-size=1200,2200", f"--screenshot={shot}", url)
    import matplotlib.image

    pixels = (matplotlib.image.imread(shot)[..., :3] * 255).round()
    # The baseline's line colour (#1f4e79) appears only inside the figures.
    blue = np.all(np.abs(pixels - [0x1F, 0x4E, 0x79]) <= 6, axis=-1).sum()
    assert blue > 500
