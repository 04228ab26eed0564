"""Paired comparison: interval coverage, common random numbers, tables and precision."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import sim
from sim import lawbook
from sim.clock import Clock
from sim.compare import mean_ci, paired
from sim.errors import InputError
from sim.model import Model
from sim.results import spells
from tests.helpers import reform_experiment

TWO = reform_experiment("cmp", seed=5, replications=3)


def test_intervals_cover_a_known_difference_at_about_the_nominal_rate():
    rng = np.random.default_rng(2024)
    trials, n, true = 200, 8, 1.5
    common = rng.normal(100.0, 20.0, size=(trials, n))  # shared by both scenarios (CRN)
    base = common + rng.normal(0.0, 1.0, size=(trials, n))
    reform = common + true + rng.normal(0.0, 1.0, size=(trials, n))
    mean, half = mean_ci(reform - base)
    coverage = np.mean((mean - half <= true) & (true <= mean + half))
    assert 0.90 <= coverage <= 0.99
    # Without pairing the common part would swamp the difference.
    assert np.median(half) < 2.0


def test_paired_counts_missing_rows_as_zero_and_pairs_by_replication():
    df = pd.DataFrame({"scenario": ["b", "b", "b", "r", "r", "r", "r"],
                       "replication": [0, 1, 0, 0, 1, 1, 2],
                       "year": [2024, 2024, 2025, 2024, 2024, 2025, 2024],
                       "x": [1.0, 2.0, 5.0, 2.0, 4.0, 1.0, 9.0]})
    out = paired(df, ["year"], "x", "b", "r").set_index("year")
    assert out.loc[2024, "replications"] == 2  # replication 2 has no baseline
    assert out.loc[2024, "difference"] == pytest.approx(1.5)  # (2-1 + 4-2) / 2
    assert out.loc[2025, "difference"] == pytest.approx(-2.0)  # (0-5 + 1-0) / 2


def _model_spells(overrides: dict) -> tuple[pd.DataFrame, set]:
    params = lawbook.base().copy()
    params.set("population.warmup_years", 0, "test")  # every sanction falls in the record
    for path, value in overrides.items():
        params.set(path, value, "test")
    clock = Clock(dt.date(2024, 1, 1), 2)
    rate = float(params.at("cycle.base_rate", clock.start))
    model = Model(params, clock, {y: rate for y in clock.calendar_years}, 5, 0, 0.004,
                  keep_spells=True, keep_events=True)
    ledger = model.run()
    sanctioned = {c for c, _w, _g, kind, _d in ledger.events if kind == "sanction"}
    return spells(ledger), sanctioned


def test_a_sanction_policy_leaves_inflows_and_never_sanctioned_lives_unchanged():
    """With the sanction threat (ex ante, effects.sanction_threat) off, a stricter sanction
    practice changes only the lives of those it sanctions (the ex-post effect and the
    money); with it on it moves everyone subject to it (tests/test_persons.py)."""
    decide = lawbook.base().at("process.sanction_decision", dt.date(2024, 1, 1))
    no_threat = {"effects.sanction_threat": 0.0}
    a, sanctioned_a = _model_spells(no_threat)
    b, sanctioned_b = _model_spells(
        {**no_threat,
         "process.sanction_decision": {g: min(1.0, 2 * p) for g, p in decide.items()}})
    assert len(sanctioned_b) > len(sanctioned_a)
    # Same arrivals: the same citizens start their first spell at the same instant.
    first = lambda s: s.groupby("citizen")["start_week"].min()  # noqa: E731
    pd.testing.assert_series_equal(first(a), first(b))
    ever = sanctioned_a | sanctioned_b
    never_a = a[~a["citizen"].isin(ever)].reset_index(drop=True)
    never_b = b[~b["citizen"].isin(ever)].reset_index(drop=True)
    assert len(never_a) > 1000
    pd.testing.assert_frame_equal(never_a, never_b)
    # ... while the policy does change the lives of those it sanctions.
    assert not a[a["citizen"].isin(ever)].reset_index(drop=True).equals(
        b[b["citizen"].isin(ever)].reset_index(drop=True))


@pytest.fixture(scope="module")
def two() -> tuple[sim.Results, sim.Comparison]:
    res = sim.run(TWO, workers=2)
    return res, sim.compare(res)


def test_comparison_tables_per_year_and_group(two):
    res, comp = two
    for name in ("headline", "measures", "revenue", "elements", "stocks", "flows", "activity",
                 "finance", "paths"):
        assert name in comp.tables, name
    st = comp.stocks
    assert {"scenario", "year", "group", "baseline", "reform", "difference", "ci_low",
            "ci_high", "half_width", "replications"} <= set(st.columns)
    assert set(comp.activity["kind"]) >= {"conversations", "offers", "sanctions"}
    assert set(comp.finance["payer"]) == {"gross", "state", "municipality"}
    total = st[st["group"] == "total"].set_index("year")["difference"]
    by_group = st[st["group"] != "total"].groupby("year")["difference"].sum()
    pd.testing.assert_series_equal(total, by_group, check_names=False)
    # The baseline mean is the mean over replications of the baseline's own table.
    s = res.stocks
    b = s[(s["scenario"] == "baseline") & (s["year"] == 2025)]["fulltime_persons"].sum() / 3
    assert st[(st["group"] == "total") & (st["year"] == 2025)]["baseline"].iloc[0] == \
        pytest.approx(b)


def test_revenue_has_a_permanent_column_and_elements_add_up(two):
    _res, comp = two
    rev = comp.revenue
    est = rev[(rev["payer"] == "public_total") & (rev["statistic"] == "estimate")].iloc[0]
    assert est["permanent"] == est["2025"]
    gross = comp.measures.query("measure == 'gross_mio_kr' and year == 2025")["difference"]
    assert est["2025"] == pytest.approx(-gross.iloc[0])
    el = comp.elements
    assert list(el["element"].unique()) == [
        "dagpenge_period (weeks=52, effective=2025-01-01)",
        "parameter overrides: sanctions.karantaene_weeks"]
    for measure in ("revenue_mio_kr", "fulltime_persons", "employment"):
        parts = el[(el["measure"] == measure)].groupby("year")["marginal"].sum()
        total = comp.measures[comp.measures["measure"] == measure].set_index("year")
        np.testing.assert_allclose(parts.to_numpy(), total["difference"].to_numpy(),
                                   atol=1e-6)
    # Shorter dagpenge: fewer full-time persons on support, more in work.
    head = comp.headline.set_index("measure")
    assert head.loc["fulltime_persons", "difference"] < 0
    assert head.loc["employment", "difference"] > 0


def test_compare_reads_a_run_folder(two, tmp_path):
    res, comp = two
    res.write(tmp_path)
    again = sim.compare(tmp_path)
    pd.testing.assert_frame_equal(again.headline, comp.headline, check_dtype=False)
    # A folder whose tables no longer match its manifest holds no complete run.
    (tmp_path / "stocks.csv").write_text("scenario,replication\n", encoding="utf-8")
    with pytest.raises(InputError, match="one complete run"):
        sim.compare(tmp_path)


def test_precision_adds_replications_until_the_target_or_the_cap():
    exp = {**TWO, "scale": 0.002, "replications": 2, "compare": {},
           "outputs": ["stocks", "flows"],
           "precision": {"metric": "fulltime_persons", "half_width": 1e-6,
                         "max_replications": 4}}
    res = sim.run(exp, workers=2)
    assert res.manifest["precision"]["replications"] == 4
    assert not res.manifest["precision"]["reached"]
    assert sorted(res.stocks["replication"].unique()) == [0, 1, 2, 3]
    loose = sim.run({**exp, "precision": {**exp["precision"], "half_width": 1e9}}, workers=2)
    assert loose.manifest["precision"]["replications"] == 2
    assert loose.manifest["precision"]["reached"]


def test_bad_element_scenario_is_a_one_line_error():
    with pytest.raises(InputError) as err:
        sim.run({**TWO, "compare": {"elements": "nope"}})
    assert "compare.elements[0]" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(InputError):
        sim.run({**TWO, "compare": {"elements": "baseline"}})
