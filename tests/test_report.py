"""The HTML report: its sections, embedded figures, and how headless Chromium renders it."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.cli import main
from tests.helpers import reform_experiment

EXPERIMENT = reform_experiment("report", seed=4, replications=2)
SECTIONS = ("headline", "convention", "paths", "revenue", "groups", "elements", "tables",
            "policies", "method")


def _run(tmp: Path, exp: dict) -> Path:
    path = tmp / "exp.yaml"
    path.write_text(yaml.safe_dump(exp, sort_keys=False), encoding="utf-8")
    out = tmp / "run"
    assert main(["run", str(path), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("report"), EXPERIMENT)


FIGURES = ("revenue.png", "fulltime_persons.png", "gross_mio_kr.png",
           "groups_fulltime_persons.png", "groups_gross_mio_kr.png", "groups_difference.png",
           "elements.png")


def test_report_has_its_sections_and_needs_no_network(run):
    text = (run / "report.html").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'<section id="{section}">' in text, section
    assert text.index('id="headline"') < text.index('id="paths"') < text.index('id="method"')
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', text)) == len(FIGURES)
    assert not re.search(r'(src|href)="(https?:)?//', text)
    for words in ("Revenue (provenu)", "dagpenge_period (weeks=52, effective=2025-01-01)",
                  "sanctions.karantaene_weeks", "STRESS-DES", "master seed 4",
                  "0.004 sample share", "Initial stock", "Versions", "Run time"):
        assert words in text.replace("<wbr>", ""), words
    for png in FIGURES:
        assert (run / "figures" / png).read_bytes()[:4] == b"\x89PNG"
    for name in ("compare_stocks", "compare_flows", "compare_activity", "compare_finance",
                 "revenue", "elements", "headline", "group_paths"):
        assert (run / f"{name}.csv").is_file() and (run / f"{name}.parquet").is_file()


def test_headline_answers_first_revenue_by_payer_employment_and_persons(run):
    text = (run / "report.html").read_text(encoding="utf-8")
    head = text[text.index('<section id="headline">'):text.index('<section id="paths">')]
    for measure in ("public_total", "state", "municipalities", "employment",
                    "fulltime_persons"):
        assert f'data-measure="{measure}"' in head, measure
    assert head.count("95 % CI: ") == 5
    # In words too, with the interval, and the revenue path figure with its band.
    assert re.search(r"In 2025, public finances (improve|worsen|do not change)", head)
    assert "confidence" in head and "Revenue (provenu) by year and payer" in head
    assert "<img" in head
    # Revenue and employment have no level: no "baseline 0" in the measures table.
    row = re.search(r"<tr><td class=\"text\">Revenue \(provenu\), mio. kr</td>(.*?)</tr>", head)
    assert row and row.group(1).startswith('<td class="num"></td><td class="num"></td>')


def test_the_convention_revenue_table_is_the_first_table(run):
    text = (run / "report.html").read_text(encoding="utf-8")
    section = text.index('<section id="convention">')
    assert text.index("<table") > section
    assert section < text.index('<section id="paths">')
    first = text[text.index("<table"):text.index("</table>")]
    for head in ("drift", "ØVO", "anden indsats", "afledt ydelse", "beskæftigelseseffekt",
                 "total"):
        assert f">{head}<" in first, head
    assert "permanent (2025)" in first and ">2024<" in first
    convention = text[section:text.index("</section>", section)]
    assert "the steady state was not tested" in convention
    assert "by element" in convention and "sanctions.karantaene_weeks" in \
        convention.replace("<wbr>", "")
    table = pd.read_csv(run / "revenue_convention.csv")
    assert set(table["column"]) == {"drift", "oevo", "anden_indsats", "afledt_ydelse",
                                    "beskaeftigelse", "total"}


def test_tables_are_readable(run):
    text = (run / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"[-\u2212]0(\.0+)?( |<)", text), "a negative zero"
    assert not re.search(r"\d\.\d*0000000000\d", text), "float noise"
    assert '<td class="date">2025-01-01</td>' in text
    # Group tables: the total is the last row and set apart; text left, numbers right.
    tables = text[text.index('<section id="tables">'):text.index('<section id="policies">')]
    persons = tables[:tables.index("</table>")]
    assert persons.rindex("<tr") == persons.index('<tr class="total">')
    assert '<td class="text">dagpenge</td><td class="num">' in persons
    # Money: one row per item, wide by payer, items that are zero in both left out.
    money = tables[tables.index("expenditure by item and payer"):]
    assert "difference, municipalities" in money and ">gross<" not in money


def test_one_scenario_gets_a_report_of_its_paths_and_groups(tmp_path):
    exp = {**EXPERIMENT, "scenarios": {"baseline": {}}, "compare": {}, "years": 1,
           "outputs": ["stocks", "finance"]}
    out = _run(tmp_path, exp)
    text = (out / "report.html").read_text(encoding="utf-8")
    assert "One scenario: no comparison" in text
    assert len(re.findall(r'src="data:image/png;base64,', text)) == 4
    assert 'id="elements"' not in text and 'id="groups"' in text
    assert sorted(p.name for p in (out / "figures").glob("*.png")) == [
        "fulltime_persons.png", "gross_mio_kr.png", "groups_fulltime_persons.png",
        "groups_gross_mio_kr.png"]


def test_effects_in_words_follow_the_sign_and_the_interval():
    from sim.compare import Comparison
    from sim.report import headline_text

    rows = []
    for measure, diff, half in (("gross_mio_kr", 0.0, 0.0), ("revenue_mio_kr", 0.0, 0.0),
                                ("state_mio_kr", 20764.0, 744.0),
                                ("municipality_mio_kr", -20764.0, 744.0),
                                ("fulltime_persons", -120.0, 300.0),
                                ("employment", 80.0, 50.0)):
        rows.append(("flat", measure, 2030, np.nan, np.nan, diff, diff - half, diff + half,
                     half, 2))
    measures = pd.DataFrame(rows, columns=["scenario", "measure", "year", "baseline",
                                           "reform", "difference", "ci_low", "ci_high",
                                           "half_width", "replications"])
    comp = Comparison({"measures": measures}, "baseline", ["flat"])
    text = "\n".join(headline_text(comp, {}))
    assert "public finances do not change (0 mio. kr in every replication)" in text
    assert ("the state's finances worsen by 20,764 mio. kr; with 95 % confidence the change "
            "is a decrease of between 20,020 and 21,508 mio. kr") in text
    assert "the municipalities' finances improve by 20,764 mio. kr" in text
    assert ("full-time persons on public support fall by 120 persons; the 95 % confidence "
            "interval, \u2212420 to 180 persons, includes zero: no clear effect") in text
    assert "employment rises by 80 full-time persons" in text


def test_numbers_have_separators_and_no_negative_zero():
    from sim.html import clean, number

    assert number(630000) == "630,000"
    assert number(-0.2) == "0" and number(-0.2, 1) == "\u22120.2"
    assert number(12.5, 1, sign=True) == "+12.5" and number(0.0, 0, sign=True) == "0"
    assert clean({"a": [0.12000000000000001, 2]}) == {"a": [0.12, 2]}


def _chromium(binary: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", f"--user-data-dir={tmp / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


# Measures the rendered page and writes the result into it, for --dump-dom.
LAYOUT_PROBE = """<script>
window.addEventListener('load', () => {
  const width = document.documentElement.clientWidth;
  const overflow = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && !el.closest('.tablewrap'))
      overflow.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  }
  const scrolling = [...document.querySelectorAll('.tablewrap')]
    .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.textContent.slice(0, 40));
  const brokenDates = [...document.querySelectorAll('td.date')].filter(td => {
    const range = document.createRange(); range.selectNodeContents(td);
    return range.getClientRects().length > 1; }).length;
  const card = document.querySelector('.card');
  const out = {width, overflow: overflow.slice(0, 5), scrolling, brokenDates,
               images: [...document.images].map(i => i.naturalWidth),
               firstCardTop: card ? card.getBoundingClientRect().top : null,
               pageWidth: document.documentElement.scrollWidth};
  const pre = document.createElement('pre'); pre.id = 'layout';
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
});
</script>"""


def _layout(chromium: str, report: Path, tmp: Path, width: int) -> dict:
    probe = tmp / f"probe-{width}.html"
    probe.write_text(report.read_text(encoding="utf-8").replace("</body>",
                                                                LAYOUT_PROBE + "</body>"),
                     encoding="utf-8")
    dom = _chromium(chromium, tmp, f"--window-size={width},1000", "--virtual-time-budget=5000",
                    "--dump-dom", probe.as_uri()).stdout
    found = re.search(r'<pre id="layout">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("width", [1200, 800])
def test_chromium_lays_the_report_out_without_overflow(run, chromium, tmp_path, width):
    layout = _layout(chromium, run / "report.html", tmp_path, width)
    assert layout["pageWidth"] <= layout["width"], layout
    assert layout["overflow"] == [], layout
    assert layout["brokenDates"] == 0
    assert len(layout["images"]) == len(FIGURES) and min(layout["images"]) > 100
    if width >= 1200:
        assert layout["scrolling"] == [], layout  # every table fits the page
        assert layout["firstCardTop"] < 400  # the answer is on the first screen


def test_chromium_renders_the_report_with_its_figures(run, chromium, tmp_path):
    url = (run / "report.html").resolve().as_uri()
    dom = _chromium(chromium, tmp_path, "--dump-dom", url).stdout
    for section in SECTIONS:
        assert f'id="{section}"' in dom
    assert dom.count("<img") == len(FIGURES)
    shot = tmp_path / "shot.png"
    _chromium(chromium, tmp_path, "--hide-scrollbars", "--window-size=1200,2200",
              f"--screenshot={shot}", url)
    import matplotlib.image

    pixels = (matplotlib.image.imread(shot)[..., :3] * 255).round()
    # The state's colour (#1f4e79) in the headline's revenue figure and the first paths.
    blue = np.all(np.abs(pixels - [0x1F, 0x4E, 0x79]) <= 6, axis=-1).sum()
    assert blue > 500
