"""The Python API as a notebook user meets it: one call writes the run folder, results
print briefly, and a table that was not asked for says how to get it."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from tests.helpers import reform_experiment

EXPERIMENT = {**reform_experiment("api", seed=5, replications=1), "years": 1,
              "outputs": ["stocks", "finance"], "compare": {}}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("api") / "run"
    res = sim.run(EXPERIMENT, workers=1, out=out, progress=False)
    return res, out


def test_run_with_out_writes_tables_manifest_comparison_and_report(folder):
    _res, out = folder
    for name in ("stocks.csv", "finance.parquet", "manifest.json", "headline.csv",
                 "revenue.csv", "report.html", "figures/revenue.png", "parts/run.json"):
        assert (out / name).is_file(), name


def test_results_print_briefly_and_as_html(folder):
    res, _ = folder
    text = repr(res)
    assert text.startswith("<Results 'api': scenarios baseline, reform")
    assert "stocks (" in text and "finance (" in text and len(text) < 300
    assert "fulltime_persons" not in text  # no DataFrame printed
    page = res._repr_html_()
    assert "<code>res.stocks</code>" in page and "res.compare()" in page
    cmp = res.compare()
    assert res.compare() is cmp  # made once
    assert repr(cmp).startswith("<Comparison of reform against 'baseline'; tables: paths")
    assert "<table" in cmp._repr_html_()


def test_a_table_not_asked_for_says_how_to_get_it(folder):
    res, _ = folder
    with pytest.raises(AttributeError, match=r"no table 'flows': these results hold stocks, "
                                             r"finance, budget; add flows to `outputs:`"):
        res.flows  # noqa: B018
    assert not hasattr(res, "flows")
    with pytest.raises(AttributeError, match="has no attribute 'stokcs'"):
        res.stokcs  # noqa: B018
    with pytest.raises(AttributeError, match=r"no comparison table 'elements' \(it needs "
                                             r"`compare: \{elements"):
        res.compare().elements  # noqa: B018


def test_progress_is_on_by_default(tmp_path, capfd):
    exp = {**EXPERIMENT, "scenarios": {"baseline": {}}, "scale": 0.001}
    sim.run(exp, workers=1)
    err = capfd.readouterr().err
    assert "simulated weeks" in err and "runs 1/1" in err


BUNDLED = sorted((Path(__file__).resolve().parent.parent / "experiments").glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_experiment_passes_every_input_check(path):
    """Each bundled experiment file builds the law of all its scenarios, element steps,
    channel and sensitivity runs (sim.api.check) without running them."""
    from sim.api import check

    exp, _source, _sha, full, specs, _purposes = check(path)
    assert len(specs) >= len(exp.scenarios) and set(exp.scenarios) <= set(full.scenarios)
