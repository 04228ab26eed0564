"""The revenue table in the costing convention's columns (design principle 10): every cost
item in one column, the columns adding up to the public total, the employment column as
the change in employment x the value per full-time person, the steady-state test of the
permanent effect, and the experiment's compare.permanent option."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import sim
from sim import lawbook
from sim.api import task_sha256
from sim.convention import (
    COLUMNS,
    EMPLOYMENT_COLUMN,
    ITEM_COLUMN,
    SPENDING_COLUMNS,
    TOTAL,
    column_of,
    employment_value,
)
from sim.errors import InputError
from sim.experiment import validate
from sim.finance import ITEMS, PAYERS
from sim.path_cost import cost_path
from sim.revenue import Pair, Permanent, convention_table, spending_columns
from sim.scenario import scenarios
from sim.schemes import SCHEME_ITEMS
from sim.stats import steady_state
from tests.helpers import reform_experiment

# -- every cost item in exactly one column -------------------------------------------------


def test_every_finance_item_has_exactly_one_column():
    # A new item in sim.finance.ITEMS fails here until sim/convention.py classifies it.
    assert set(ITEM_COLUMN) == set(ITEMS)
    assert set(ITEM_COLUMN.values()) == set(SPENDING_COLUMNS)
    assert ITEM_COLUMN["oevo"] == "oevo" and ITEM_COLUMN["benefit"] == "afledt_ydelse"
    # The benefit of those who would have held a seniorjob (2.7) is a derived benefit.
    assert {i for i, c in ITEM_COLUMN.items() if c == "afledt_ydelse"} == {
        "benefit", "seniorjob_benefit"}
    assert {i for i, c in ITEM_COLUMN.items() if c == "drift"} == {
        "jobcentre_other", "conversations", "offer_casework", "rehabilitation_team",
        "sanction_admin", "yearly_review", "upskilling_pool"}
    assert {i for i, c in ITEM_COLUMN.items() if c == "anden_indsats"} == {
        "activation", "loentilskud", *SCHEME_ITEMS} - {"upskilling_pool", "seniorjob_benefit"}


def test_every_item_a_costed_path_produces_is_classified():
    kinds = lawbook.value("finance.unit_cost.activation", dt.date(2024, 1, 1))
    offers = [{"kind": k, "start": 2 * i, "weeks": 2} for i, k in enumerate(kinds)]
    offers.append({"kind": "loentilskud_privat", "start": 30, "weeks": 4})
    df = cost_path([{"group": "kontanthjaelp_jobparat", "start": 0, "weeks": 40,
                     "offers": offers, "conversations": [1, 2], "sanctions": [3],
                     "complaints": [3]},
                    {"group": "ressourceforloeb", "start": 40, "weeks": 10}],
                   start=dt.date(2024, 1, 1))
    # The schemes (they need an age, a group or a run's dated amounts) and the yearly review
    # (not in the 2024 law) aside, a path like this one costs every item.
    assert set(ITEMS) - set(SCHEME_ITEMS) - {"yearly_review"} <= set(df["item"]) <= set(ITEMS)
    assert {column_of(i) for i in df["item"]} == set(SPENDING_COLUMNS)


def test_an_unclassified_item_is_an_error_naming_where_to_classify_it():
    with pytest.raises(ValueError, match="'jobpraemie'.*sim/convention.py ITEM_COLUMN"):
        column_of("jobpraemie")
    fin = _finance(np.random.default_rng(1))
    fin.loc[0, "item"] = "new_item"
    with pytest.raises(ValueError, match="'new_item' has no column"):
        spending_columns(fin, "b", "r")


def test_the_employment_value_is_a_sourced_bounded_assumption():
    leaf = lawbook.convention().leaves["convention.employment_value"]
    assert leaf.values[-1].source.startswith("assumption:")
    assert leaf.plausible_range == (50_000.0, 200_000.0)
    assert leaf.plausible_range[0] <= employment_value(2030) <= leaf.plausible_range[1]
    # Not part of a scenario's law: no override reaches it and no sensitivity run varies it.
    assert not any(p.startswith("convention.") for p in lawbook.base().leaves)


# -- the table from hand-made tables -------------------------------------------------------

YEARS = [2025, 2026]
REPS = [0, 1, 2]


def _finance(rng: np.random.Generator, scenarios_: tuple[str, ...] = ("b", "r"),
             years: list[int] = YEARS) -> pd.DataFrame:
    rows = []
    for s in scenarios_:
        for rep in REPS:
            for y in years:
                for g in ("dagpenge", "kontanthjaelp_jobparat"):
                    for item in ITEMS:
                        gross = float(rng.normal(100.0, 30.0))
                        state = 0.4 * gross
                        for payer, v in zip(PAYERS, (gross, state, gross - state),
                                            strict=True):
                            rows.append((s, rep, y, g, item, payer, v))
    return pd.DataFrame(rows, columns=["scenario", "replication", "year", "group", "item",
                                       "payer", "mio_kr"])


def _employment(rng: np.random.Generator, years: list[int] = YEARS) -> pd.DataFrame:
    return pd.DataFrame(rng.normal(500.0, 100.0, size=(len(years), len(REPS))),
                        index=pd.Index(years, name="year"), columns=REPS)


def _est(table: pd.DataFrame, period: str, column: str, payer: str = "public_total",
         order: int = 0) -> float:
    row = table[(table["period"] == period) & (table["column"] == column)
                & (table["payer"] == payer) & (table["order"] == order)]
    assert len(row) == 1, (period, column, payer, order)
    return float(row["estimate"].iloc[0])


def test_columns_add_up_to_the_public_total_and_employment_is_persons_times_value():
    rng = np.random.default_rng(7)
    fin, emp = _finance(rng), _employment(rng)
    table, tests = convention_table(fin, lambda a, b: emp, [Pair("r", 0, "all", "b", "r")])
    assert tests.empty
    gross = fin[fin["payer"] == "gross"].groupby(["scenario", "year", "replication"])[
        "mio_kr"].sum()
    for year in YEARS:
        revenue = -(gross.loc["r", year] - gross.loc["b", year]).mean()
        spent = sum(_est(table, str(year), c) for c in SPENDING_COLUMNS)
        assert spent == pytest.approx(revenue, rel=1e-12)
        # Employment: the change in full-time persons x the value per person, exactly.
        assert _est(table, str(year), EMPLOYMENT_COLUMN) == pytest.approx(
            emp.loc[year].mean() * employment_value(year) / 1e6, rel=1e-12)
        assert _est(table, str(year), TOTAL) == pytest.approx(
            sum(_est(table, str(year), c) for c in COLUMNS), rel=1e-12)
        # The payers' parts add up to the public total in every spending column.
        for c in SPENDING_COLUMNS:
            assert _est(table, str(year), c, "state") + _est(table, str(year), c,
                                                              "municipalities") == \
                pytest.approx(_est(table, str(year), c), rel=1e-9, abs=1e-9)
    # Without an extended run, permanent = the last year, and the table says so.
    perm = table[table["period"] == "permanent"]
    assert set(perm["permanent_years"]) == {"2026"}
    assert set(perm["steady_state"]) == {"not tested: the last simulated year"}
    assert _est(table, "permanent", TOTAL) == pytest.approx(_est(table, "2026", TOTAL))
    ok = table[table["payer"] == "public_total"]
    assert (ok["ci_low"] <= ok["estimate"]).all() and (ok["replications"] == 3).all()


def test_elements_add_up_to_the_reform_in_every_spending_column():
    rng = np.random.default_rng(8)
    fin = _finance(rng, ("b", "r+1", "r"))
    emp = _employment(rng)
    pairs = [Pair("r", 0, "all", "b", "r"), Pair("r", 1, "first", "b", "r+1"),
             Pair("r", 2, "second", "r+1", "r")]
    table, _ = convention_table(fin, lambda a, b: emp, pairs)
    for period in ("2025", "2026", "permanent"):
        for c in SPENDING_COLUMNS:
            assert _est(table, period, c, order=1) + _est(table, period, c, order=2) == \
                pytest.approx(_est(table, period, c), rel=1e-9, abs=1e-9)


def test_permanent_is_the_mean_over_the_window_of_the_extended_run():
    rng = np.random.default_rng(9)
    long_years = list(range(2025, 2031))
    fin = pd.concat([_finance(rng), _finance(rng, ("b-to2030", "r-to2030"), long_years)],
                    ignore_index=True)
    emp = {("b", "r"): _employment(rng), ("b-to2030", "r-to2030"): _employment(rng,
                                                                                long_years)}
    rule = Permanent((2028, 2029, 2030), {"b": "b-to2030", "r": "r-to2030"}, 0.1)
    table, tests = convention_table(fin, lambda a, b: emp[(a, b)],
                                    [Pair("r", 0, "all", "b", "r")], rule)
    long_table, _ = convention_table(fin, lambda a, b: emp[(a, b)],
                                     [Pair("r", 0, "all", "b-to2030", "r-to2030")])
    for c in (*COLUMNS, TOTAL):
        mean = np.mean([_est(long_table, str(y), c) for y in (2028, 2029, 2030)])
        assert _est(table, "permanent", c) == pytest.approx(mean, rel=1e-9, abs=1e-9)
    perm = table[table["period"] == "permanent"]
    assert set(perm["permanent_years"]) == {"2028-2030"}
    verdict = "reached" if bool(tests["reached"].iloc[0]) else "not reached"
    assert set(perm["steady_state"]) == {verdict}
    assert tests["window"].iloc[0] == "2028-2030"
    # The years themselves still come from the reporting run.
    assert set(table["period"]) == {"2025", "2026", "permanent"}


# -- the steady-state criterion --------------------------------------------------------------

WINDOW = [2046, 2047, 2048, 2049, 2050]


def test_a_flat_effect_is_steady():
    flat = np.full((5, 3), 1_000.0)
    st = steady_state(WINDOW, flat, 0.1)
    assert st.reached and st.slope == pytest.approx(0.0) and st.level == 1_000.0
    wobble = 1_000.0 + np.array([[3.0], [-2.0], [1.0], [-3.0], [1.0]]) + np.zeros((5, 3))
    assert steady_state(WINDOW, wobble, 0.1).reached
    assert steady_state(WINDOW, np.zeros((5, 2)), 0.1).reached  # no effect at all


def test_a_trending_effect_is_not_steady():
    trend = (1_000.0 + 50.0 * np.arange(5))[:, None] + np.zeros((5, 3))
    st = steady_state(WINDOW, trend, 0.1)
    assert not st.reached and st.slope == pytest.approx(50.0) and st.drift == \
        pytest.approx(200.0)
    noisy = trend + np.array([[4.0], [-6.0], [5.0], [-3.0], [2.0]])
    assert not steady_state(WINDOW, noisy, 0.1).reached


def test_a_drift_large_against_the_level_is_not_steady_even_if_not_significant():
    # A noisy slope whose interval includes zero, but whose drift (about 4 x 30 = 120)
    # exceeds 10 % of a level of 100 and the level's own tiny interval.
    y = (100.0 + np.array([0.0, 90.0, -30.0, 150.0, 60.0]))[:, None] + np.array(
        [[-0.1, 0.0, 0.1]])
    st = steady_state(WINDOW, y, 0.1)
    assert abs(st.slope) <= st.slope_half_width
    assert st.drift > st.allowed and not st.reached


def test_a_window_needs_three_years():
    with pytest.raises(ValueError, match="at least 3 years"):
        steady_state([2049, 2050], np.ones((2, 2)), 0.1)


# -- compare.permanent in an experiment --------------------------------------------------------

BASE = reform_experiment("conv", seed=6, replications=2)


def _check(compare: dict, **changes) -> None:
    exp = validate({**BASE, **changes, "compare": compare}, "exp.yaml")
    scenarios(exp, "exp.yaml")


@pytest.mark.parametrize(("permanent", "changes", "message"), [
    ({"window_years": 2}, {}, "exp.yaml: compare.permanent.window_years: got 2; allowed: an "
                              "integer at least 3 and at most 20"),
    ({"extend_years": 0}, {}, "compare.permanent.extend_years: got 0; allowed: an integer "
                              "at least 1 and at most 59"),
    ({"tolerance": 0}, {}, "compare.permanent.tolerance: got 0; allowed: a number greater "
                           "than 0 and at most 1"),
    ({"tolerance": 1.5}, {}, "compare.permanent.tolerance: got 1.5"),
    ({"window": 5}, {}, "compare.permanent.window: got 'window'; allowed: one of "
                        "extend_years, max_extend_years, window_years, tolerance"),
    ({"extend_years": 10, "max_extend_years": 5}, {},
     "compare.permanent.max_extend_years: got 5; allowed: at least extend_years (10)"),
    ({"extend_years": 10, "max_extend_years": 59}, {},
     "compare.permanent.max_extend_years: got 59; allowed: at most 58: the horizon (2 "
     "years) and the extension together run at most 60 years"),
    ({"extend_years": 3, "window_years": 5}, {},
     "compare.permanent.window_years: got 5; allowed: at most extend_years (3)"),
    ({}, {"outputs": ["stocks", "finance"]},
     "outputs: got ['stocks', 'finance']; allowed: tables that include stocks, flows, "
     "finance when compare.permanent is given"),
])
def test_bad_permanent_options_are_one_line_errors(permanent, changes, message):
    with pytest.raises(InputError) as err:
        _check({"permanent": permanent}, **changes)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_permanent_needs_a_reform_and_names_of_its_own():
    with pytest.raises(InputError, match="compare.permanent: got 'given'; allowed: a "
                                         "reform scenario"):
        _check({"permanent": {}}, scenarios={"baseline": {}})
    taken = {**BASE["scenarios"], "reform-to2040": {}}  # 2024-2025 and 15 years more
    with pytest.raises(InputError, match=r"scenarios.reform-to2040: .*named "
                                         r"<scenario>-to<last year>"):
        _check({"permanent": {"extend_years": 15}}, scenarios=taken)


def test_permanent_options_do_not_change_the_runs_fingerprint():
    a = validate(BASE, "a")
    b = validate({**BASE, "compare": {**BASE["compare"], "permanent": {"extend_years": 4}}},
                 "b")
    assert task_sha256(a) == task_sha256(b)


# -- a run: the table against the run's own tables ------------------------------------------

@pytest.fixture(scope="module")
def extended():
    exp = {**BASE, "compare": {"elements": "reform", "permanent": {
        "extend_years": 3, "max_extend_years": 6, "window_years": 3}}}
    res = sim.run(exp, workers=2, progress=False)
    return res, res.compare()


def test_a_run_extends_the_baseline_the_reform_and_its_steps(extended):
    res, _ = extended
    p = res.manifest["permanent"]
    assert p["tried"][0] == 3 and p["tried"] in ([3], [3, 6])
    last = 2025 + p["extended_years"]
    assert p["names"] == {"baseline": f"baseline-to{last}", "reform": f"reform-to{last}",
                          "reform+1": f"reform+1-to{last}"}
    assert p["window"] == [last - 2, last - 1, last]
    st = res.stocks
    assert st.loc[st["scenario"] == f"reform-to{last}", "year"].max() == last
    assert st.loc[st["scenario"] == "reform", "year"].max() == 2025
    # The extended runs pair with each other (same seeds and replications): their own
    # effect, not the reporting run's, gives the permanent effect.
    assert set(st.loc[st["scenario"] == f"reform-to{last}", "replication"]) == {0, 1}


def test_the_run_table_adds_up_to_the_revenue_table_and_the_employment_measure(extended):
    res, comp = extended
    table, rev, meas = comp.revenue_convention, comp.revenue, comp.measures
    est = rev[(rev["statistic"] == "estimate")].set_index("payer")
    for year in (2024, 2025):
        spent = sum(_est(table, str(year), c) for c in SPENDING_COLUMNS)
        assert spent == pytest.approx(est.loc["public_total", str(year)], abs=1e-6)
        for payer in ("state", "municipalities"):
            assert sum(_est(table, str(year), c, payer) for c in SPENDING_COLUMNS) == \
                pytest.approx(est.loc[payer, str(year)], abs=1e-6)
        persons = meas[(meas["measure"] == "employment") & (meas["year"] == year)]
        assert _est(table, str(year), EMPLOYMENT_COLUMN) == pytest.approx(
            float(persons["difference"].iloc[0]) * employment_value(year) / 1e6, abs=1e-9)
    # The permanent effect: over the window of the extended run, in both tables.
    window = res.manifest["permanent"]["window"]
    label = f"{window[0]}-{window[-1]}"
    perm = table[table["period"] == "permanent"]
    assert set(perm["permanent_years"]) == {label}
    assert set(perm["steady_state"]) <= {"reached", "not reached"}
    assert set(est["permanent_years"]) == {label}
    spent = sum(_est(table, "permanent", c) for c in SPENDING_COLUMNS)
    assert spent == pytest.approx(est.loc["public_total", "permanent"], abs=1e-6)
    assert comp.steady_state["window"].iloc[0] == label
    # Rows for the reform and each element.
    assert sorted(set(table["order"])) == [0, 1, 2]
