"""Calibration: the stored fitted parameters reproduce the targets; the command runs."""

from __future__ import annotations

import time

import pandas as pd
import pytest
import yaml

from calibration import fit
from calibration.targets import FIT_TARGETS, derive, jobsamtale_share
from calibration.targets import load as load_targets
from sim.cli import main as cli
from sim.parameters import ParameterTree
from sim.scenario import base_parameters


def _settings() -> dict:
    doc = yaml.safe_load(fit.FITTED_FILE.read_text(encoding="utf-8"))
    return doc["fit"]


def test_fit_targets_file_is_the_derivation_of_the_copied_data():
    stored = load_targets()
    fresh = derive()
    assert list(stored["metric"]) == list(fresh["metric"])
    assert stored["value"].tolist() == pytest.approx(fresh["value"].tolist(), rel=1e-6)
    assert stored["source"].str.contains("seed 00").all()


def test_the_baseline_loads_the_fitted_overlay_last():
    doc = yaml.safe_load(fit.FITTED_FILE.read_text(encoding="utf-8"))
    params = base_parameters()
    for leaf, node in doc["leaves"].items():
        value = next(iter(node["values"].values()))["value"]
        assert params.value(leaf) == value
        assert params.leaves[leaf].values[0].source.startswith("fitted by python -m sim calibrate")
    hand = fit.base_tree("hand")
    assert hand.leaves["population.new_spells_per_year"].values[0].source != \
        params.leaves["population.new_spells_per_year"].values[0].source


def test_an_overlay_for_an_unknown_leaf_is_a_one_line_error(tmp_path):
    (tmp_path / "a.yaml").write_text("x:\n  values:\n    2000-01-01: {value: 1, source: s}\n")
    (tmp_path / "fitted.yaml").write_text(
        "overlay: true\nleaves:\n  y:\n    values:\n      2000-01-01: {value: 2, source: s}\n")
    from sim.errors import InputError

    with pytest.raises(InputError, match="an existing leaf path"):
        ParameterTree.load([tmp_path])
    (tmp_path / "fitted.yaml").write_text(
        "overlay: true\nleaves:\n  a.x:\n    values:\n      2000-01-01: {value: 2, source: s}\n")
    assert ParameterTree.load([tmp_path]).value("a.x") == 2
    assert ParameterTree.load([tmp_path], overlays=False).value("a.x") == 1


def test_stored_parameters_reproduce_the_targets_within_tolerance():
    """At the fit's seed and scale (20240101, 0.1) the stored values meet every fitted
    target within its tolerance in fit_targets.csv: stocks +-5 %, spells per FT +-10 %,
    exit shares +-3 pp, active shares +-5 pp, sanction shares +-2 pp, conversations per
    FT +-10 %; and the conversation and spending checks within +-10 %. Every target the
    stored fit met (calibration/fit_statistics.csv) is met again."""
    s = _settings()
    stats = fit.stored_fit(float(s["scale"]), int(s["seed"]))
    stored = pd.read_csv(fit.STATISTICS_FILE, dtype={"year": str})
    met = set(stored.loc[stored["within"], "group"] + "/" + stored.loc[stored["within"], "metric"])
    for _, r in stats.iterrows():
        if r["group"] + "/" + r["metric"] in met:
            assert r["within"], (r["metric"], r["group"], r["simulated"], r["observed"])
    goals = stats[(stats["use"] == "fit") | stats["metric"].isin(["conversations", "spending"])]
    missed = goals[~goals["within"]]
    assert missed.empty, missed[["metric", "group", "error", "tolerance"]]


def test_censored_share_is_the_mean_survival_over_the_follow_up_window():
    """Dagpenge spells are followed 1-9 years: a spell of 5 years ending in the fit year
    survives half of that window, one of 10 years all of it, one of 6 months none."""
    w = fit.WEEKS_PER_YEAR
    spells = pd.DataFrame({"start_week": [-5 * w + 10, -10 * w + 10, -0.5 * w + 10, -20 * w],
                           "end_week": [10.0, 10.0, 10.0, None],
                           "group_last": ["dagpenge"] * 4})
    out = fit.censored_shares(spells)
    assert out[("censored_share", "dagpenge")] == pytest.approx(100 * (0.5 + 1 + 0) / 3)


def test_conversations_are_compared_as_jobsamtaler():
    share, source = jobsamtale_share()
    assert share == pytest.approx(2.3 / 2.8)
    assert "seed 004_282ac59a8741076f.txt" in source
    row = load_targets().query("metric == 'conversations'").iloc[0]
    assert row["group"] == "jobsamtaler" and row["value"] == 2_400_000


def test_the_fitted_law_leaves_keep_their_dated_history():
    """Fitted leaves of the law files (rehabiliteringsteam routes, contact schedule)
    replace only the fitted entries: the 2000 routes and the pre-2014 schedule stay."""
    params = base_parameters()
    hand = fit.base_tree("hand")
    for leaf in fit.DATED_LEAVES:
        assert [v.start for v in params.leaves[leaf].values] == \
            [v.start for v in hand.leaves[leaf].values]
    routes = params.leaves["rehabilitation.routes"].values
    assert routes[0].value == hand.leaves["rehabilitation.routes"].values[0].value
    assert sum(routes[-1].value.values()) == pytest.approx(1.0)
    sched = params.leaves["contact.schedule"].values
    before_2014 = hand.leaves["contact.schedule"].values[0].value
    for g in ("dagpenge", "kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat"):
        assert sched[0].value[g] == before_2014[g]  # law: one every 3rd month
    assert sched[-1].value["sygedagpenge"]["interval_after"] == 4  # law: every 4th week


def test_stocks_hold_with_another_seed_at_a_small_scale():
    stats = fit.stored_fit(0.03, 7)
    stocks = stats[(stats["metric"] == "stock_ft") & (stats["observed"] > 10_000)]
    assert (stocks["error"].abs() <= 15).all(), stocks[["group", "error"]]


def test_calibrate_runs_end_to_end_on_a_reduced_target_set(tmp_path):
    params = tmp_path / "fitted.yaml"
    t0 = time.perf_counter()
    rc = cli(["calibrate", "--targets", "stocks,sanctions", "--scale", "0.01",
              "--iterations", "1", "--params", str(params), "--out", str(tmp_path / "out"),
              "--quiet"])
    assert rc == 0
    assert time.perf_counter() - t0 < 60
    doc = yaml.safe_load(params.read_text(encoding="utf-8"))
    assert doc["overlay"] is True and doc["version"] == 1
    assert set(doc["leaves"]) == set(fit.FITTED_LEAVES)
    assert "stocks, sanctions" in next(iter(
        doc["leaves"]["population.new_spells_per_year"]["values"].values()))["source"]
    html = (tmp_path / "out" / "calibration_report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64" in html and "Hazard shapes" in html
    assert (tmp_path / "out" / "fit_statistics.csv").exists()
    assert FIT_TARGETS.exists()


def test_calibrate_rejects_an_unknown_block(tmp_path, capsys):
    rc = cli(["calibrate", "--targets", "stocks,wishes", "--params", str(tmp_path / "f.yaml"),
              "--out", str(tmp_path / "o"), "--quiet"])
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "wishes" in err and len(err.splitlines()) == 1
