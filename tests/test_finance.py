"""The money layer: refusion staircase, co-financing, year splits, the counter, hooks.

Expected values are worked out by hand from the law (rules.md (e) Finance) and the
parameters: kontanthjælp 2,869 kr/week (the average; a path of no particular person
gets each group's weekly_rate), dagpenge at most 4,546, ressourceforløbsydelse 3,099,
førtidspension 4,000 (benefit_rates.yaml); staircase 80/40/30/20 % for counter weeks
[0, 4), [4, 26), [26, 52), [52, inf) (refusion.yaml); other jobcentre operations
3,600 kr per full-time person-year times the group's weight (kontanthjælp 0.5,
dagpenge 0.883); a caseworker hour 500 kr, 1.45 hours per conversation, 6.1 per offer set
up, 2.5 per sanction process, 2.25 per complaint (finance.yaml).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import sim
from sim import lawbook
from sim.clock import Clock
from sim.finance import (
    ITEMS,
    budget_categories,
    finance_table,
    unit_costs,
    with_budget,
)
from sim.groups import GROUP_INDEX, GROUPS
from sim.path_cost import cost_path

KH = "kontanthjaelp_jobparat"
JAN_2024 = dt.date(2024, 1, 1)
JOBCENTRE_FT = {KH: 3_600 * 0.5, "dagpenge": 3_600 * 0.883}  # 1,800 and 3,178.8
JOBCENTRE_WEEK = JOBCENTRE_FT[KH] / 52
JOBCENTRE_DP_WEEK = JOBCENTRE_FT["dagpenge"] / 52


def kr(df: pd.DataFrame, item: str = "benefit", payer: str = "gross", **where) -> float:
    """Sum of a finance table's rows in kr."""
    rows = df[(df["item"] == item) & (df["payer"] == payer)]
    for col, value in where.items():
        rows = rows[rows[col] == value]
    return float(rows["mio_kr"].sum() * 1e6)


def test_kontanthjaelp_60_weeks_from_a_zero_counter():
    df = cost_path([{"group": KH, "start": JAN_2024, "weeks": 60}])
    # 60 weeks x 2,869 kr = 172,140 kr.
    assert kr(df) == pytest.approx(172_140.0, abs=1e-6)
    # State: 2,869 x (4 x 0.80 + 22 x 0.40 + 26 x 0.30 + 8 x 0.20) = 2,869 x 21.4 = 61,396.6.
    assert kr(df, payer="state") == pytest.approx(61_396.6, abs=1e-6)
    # Municipality: 172,140 - 61,396.6 = 110,743.4.
    assert kr(df, payer="municipality") == pytest.approx(110_743.4, abs=1e-6)
    # Other jobcentre operations: 60 x 3,600 x 0.5 / 52 = 2,076.92 kr, municipal, no refusion.
    assert kr(df, "jobcentre_other") == pytest.approx(60 * JOBCENTRE_WEEK, abs=1e-6)
    assert kr(df, "jobcentre_other", "state") == 0.0


def test_a_spell_crossing_new_year_is_split_by_year():
    # 4 Dec 2024 + 28 days = 1 Jan 2025: 4 weeks in 2024 (counter 0-4, 80 %),
    # 6 weeks in 2025 (counter 4-10, 40 %).
    df = cost_path([{"group": KH, "start": dt.date(2024, 12, 4), "weeks": 10}])
    assert kr(df, year=2024) == pytest.approx(4 * 2869, abs=1e-6)             # 11,476
    assert kr(df, payer="state", year=2024) == pytest.approx(9_180.8, abs=1e-6)
    assert kr(df, payer="municipality", year=2024) == pytest.approx(2_295.2, abs=1e-6)
    assert kr(df, year=2025) == pytest.approx(6 * 2869, abs=1e-6)             # 17,214
    assert kr(df, payer="state", year=2025) == pytest.approx(6_885.6, abs=1e-6)
    assert kr(df, payer="municipality", year=2025) == pytest.approx(10_328.4, abs=1e-6)
    assert kr(df, "jobcentre_other", year=2024) == pytest.approx(4 * JOBCENTRE_WEEK, abs=1e-6)
    assert kr(df, "jobcentre_other", year=2025) == pytest.approx(6 * JOBCENTRE_WEEK, abs=1e-6)


def test_a_second_spell_after_a_short_gap_continues_the_counter():
    # 10 weeks, 51 weeks off support (< 52), 20 weeks: the counter starts at 10.
    # Second spell: 16 weeks at 40 % (10-26) + 4 weeks at 30 % (26-30)
    # state = 2,869 x (6.4 + 1.2) = 21,804.4 of 57,380.
    df = cost_path([{"group": KH, "start": 0, "weeks": 10},
                    {"group": KH, "start": 61, "weeks": 20}], start=JAN_2024)
    assert kr(df, year=2025) == pytest.approx(57_380.0, abs=1e-6)
    assert kr(df, payer="state", year=2025) == pytest.approx(21_804.4, abs=1e-6)
    assert kr(df, payer="municipality", year=2025) == pytest.approx(35_575.6, abs=1e-6)


def test_the_counter_restarts_after_the_reset_period():
    # 52 weeks off support (= refusion.counter_reset_weeks): the counter restarts at 0.
    # Second spell: 4 weeks at 80 % + 16 at 40 %: state = 2,869 x 9.6 = 27,542.4.
    df = cost_path([{"group": KH, "start": 0, "weeks": 10},
                    {"group": KH, "start": 62, "weeks": 20}], start=JAN_2024)
    assert kr(df, year=2025) == pytest.approx(57_380.0, abs=1e-6)
    assert kr(df, payer="state", year=2025) == pytest.approx(27_542.4, abs=1e-6)
    assert kr(df, payer="municipality", year=2025) == pytest.approx(29_837.6, abs=1e-6)


def test_the_counter_follows_the_citizen_across_benefits():
    # 20 weeks of kontanthjælp, then ressourceforløb at once: its counter starts at 20.
    # 6 weeks at 40 % (20-26), 26 at 30 % (26-52), 8 at 20 % (52-60):
    # state = 3,099 x (2.4 + 7.8 + 1.6) = 3,099 x 11.8 = 36,568.2 of 40 x 3,099 = 123,960.
    df = cost_path([{"group": KH, "start": 0, "weeks": 20},
                    {"group": "ressourceforloeb", "start": 20, "weeks": 40}], start=JAN_2024)
    assert kr(df, group="ressourceforloeb") == pytest.approx(123_960.0, abs=1e-6)
    assert kr(df, payer="state", group="ressourceforloeb") == pytest.approx(36_568.2, abs=1e-6)


def test_dagpenge_are_co_financed_by_the_municipality_on_the_staircase():
    # A high earner gets the highest rate, 4,546 kr/week (0.9 x 35,000 x 12 / 52 is more).
    # 30 weeks x 4,546 = 136,380 kr paid by the a-kasse and refunded by the state.
    # Municipal co-financing = 4,546 x (4 x 0.2 + 22 x 0.6 + 4 x 0.7) = 4,546 x 16.8 = 76,372.8;
    # the state's net cost is the rest, 4,546 x 13.2 = 60,007.2.
    df = cost_path([{"group": "dagpenge", "start": JAN_2024, "weeks": 30}], earnings="high")
    assert kr(df) == pytest.approx(136_380.0, abs=1e-6)
    assert kr(df, payer="municipality") == pytest.approx(76_372.8, abs=1e-6)
    assert kr(df, payer="state") == pytest.approx(60_007.2, abs=1e-6)
    # A low earner (12,000 kr/month): 0.9 x 12,000 x 12 / 52 = 2,492.31 kr/week.
    low = cost_path([{"group": "dagpenge", "start": JAN_2024, "weeks": 30}], earnings="low")
    assert kr(low) == pytest.approx(30 * 0.9 * 12_000 * 12 / 52, abs=1e-6)


def test_foertidspension_granted_before_july_2014_has_fixed_shares():
    spell = {"group": "foertidspension", "start": JAN_2024, "weeks": 52}
    # Granted after July 2014, counter past 52: 20 % state. 52 x 4,000 = 208,000 kr gross,
    # 41,600 state, 166,400 municipal (the ~166,000 kr unit price of rules.md).
    new = cost_path([{**spell, "granted_before_2014_07": False}], support_weeks=100)
    assert kr(new, payer="state") == pytest.approx(41_600.0, abs=1e-6)
    assert kr(new, payer="municipality") == pytest.approx(166_400.0, abs=1e-6)
    # Granted before: fixed municipal shares by grant cohort, 50 % before 2003 and 65 % from
    # 2003, the cohorts 0.26 : 0.74 of the pre-2014 stock in 2024 (finance.yaml):
    # municipal 0.26 x 0.5 + 0.74 x 0.65 = 0.611, state 0.389 x 208,000 = 80,912.
    old = cost_path([{**spell, "granted_before_2014_07": True}], support_weeks=100)
    assert kr(old, payer="state") == pytest.approx(80_912.0, abs=1e-6)
    # Unknown grant date: the stock share 0.62 (2024) is pre-2014:
    # 0.62 x 80,912 + 0.38 x 41,600 = 50,165.44 + 15,808 = 65,973.44.
    mixed = cost_path([spell], support_weeks=100)
    assert kr(mixed, payer="state") == pytest.approx(65_973.44, abs=1e-6)
    assert kr(mixed, "jobcentre_other") == 0.0  # not a jobcentre target group


def test_a_rate_change_inside_a_year_splits_the_segment():
    params = lawbook.base().copy()
    params.set(f"benefit_rates.weekly_rate.{KH}", 3000, "test", dt.date(2024, 7, 1))
    # 3 June + 28 days = 1 July: 4 weeks at 2,869 x 80 %, then 4 weeks at 3,000 x 40 %.
    df = cost_path([{"group": KH, "start": dt.date(2024, 6, 3), "weeks": 8}], params=params)
    assert kr(df) == pytest.approx(4 * 2869 + 4 * 3000, abs=1e-6)          # 23,476
    assert kr(df, payer="state") == pytest.approx(9_180.8 + 4_800.0, abs=1e-6)  # 13,980.8


def test_offers_conversations_and_sanctions_hooks():
    spell = {"group": "dagpenge", "start": 0, "weeks": 30,
             "offers": [{"kind": "oevrig_vejledning", "start": 5, "weeks": 4},
                        {"kind": "loentilskud_privat", "start": 10, "weeks": 10}],
             "conversations": [1, 2, 3], "sanctions": [4], "complaints": [4]}
    df = cost_path([spell], start=JAN_2024, earnings="high")
    # ØVO: 4 weeks x 81,400 x 0.905 (dagpenge's price factor) / 52 = 5,666.69 kr, no
    # refusion since 2019.
    assert kr(df, "oevo") == pytest.approx(4 * 81_400 * 0.905 / 52, abs=1e-6)
    assert kr(df, "oevo", "state") == 0.0
    assert kr(df, "activation") == 0.0  # ØVO is its own item, the other offers' is this
    # Løntilskud net of the person's dagpenge: 10 x (2,370 - 4,546) = -21,760; counter
    # 10-20 -> 40 % state.
    assert kr(df, "loentilskud") == pytest.approx(-21_760.0, abs=1e-6)
    assert kr(df, "loentilskud", "state") == pytest.approx(-8_704.0, abs=1e-6)
    # Conversations 3 x 1.45 hours x 500 kr; other operations are costed per FT beside them.
    assert kr(df, "conversations") == pytest.approx(2_175.0, abs=1e-6)
    assert kr(df, "jobcentre_other") == pytest.approx(30 * JOBCENTRE_DP_WEEK, abs=1e-6)
    # Two offers set up: 2 x 6.1 hours x 500 kr = 6,100 kr, no refusion.
    assert kr(df, "offer_casework") == pytest.approx(6_100.0, abs=1e-6)
    assert kr(df, "offer_casework", "state") == 0.0
    # The a-kasse decides dagpenge sanctions: no municipal casework.
    assert kr(df, "sanction_admin") == 0.0
    kh = cost_path([{"group": KH, "start": 0, "weeks": 10, "sanctions": [2, 3],
                     "complaints": [3]}], start=JAN_2024)
    # 2 x 2.5 hours + 2.25 hours = 7.25 hours x 500 kr, no refusion.
    assert kr(kh, "sanction_admin") == pytest.approx(3_625.0, abs=1e-6)
    assert kr(kh, "sanction_admin", "state") == 0.0
    # Ordinary education 29,300 kr/FT-yr x 0.746 (every group's price factor but
    # revalidering's), no refusion since 2019; the education pools are a
    # dated amount of the run, not of a path (tests/test_schemes.py).
    edu = cost_path([{"group": KH, "start": 0, "weeks": 10,
                      "offers": [{"kind": "ordinaer_uddannelse", "start": 0, "weeks": 4}]}],
                    start=JAN_2024)
    assert kr(edu, "activation") == pytest.approx(4 * 29_300 * 0.746 / 52, abs=1e-6)
    assert kr(edu, "activation", "state") == 0.0
    assert kr(edu, "education_pools") == 0.0
    # Before 2019 activation had 50 % refusion (ØVO for jobparate: 0 % from 2016, see
    # tests/test_finance_history.py).
    old = cost_path([{"group": "kontanthjaelp_aktivitetsparat", "start": 0, "weeks": 10,
                      "offers": [{"kind": "oevrig_vejledning", "start": 0, "weeks": 4}]}],
                    start=dt.date(2018, 1, 1))
    assert kr(old, "oevo", "state") == pytest.approx(0.5 * 4 * 81_400 * 0.945 / 52, abs=1e-6)


def test_unknown_offer_kind_and_group_are_named():
    with pytest.raises(ValueError, match="'yoga'.*finance.unit_cost.activation"):
        cost_path([{"group": KH, "start": 0, "weeks": 10,
                    "offers": [{"kind": "yoga", "start": 0, "weeks": 1}]}], start=JAN_2024)
    with pytest.raises(ValueError, match="unknown group 'kh'"):
        cost_path([{"group": "kh", "start": 0, "weeks": 10}], start=JAN_2024)


def _reference_state(group: int, start: float, end: float, support: float, lo: float,
                     hi: float) -> tuple[float, float]:
    """Slow reference: walk the staircase steps of one segment clipped to [lo, hi)."""
    rate = [2869.0] * len(GROUPS)
    s, e = max(start, lo), min(end, hi)
    if e <= s:
        return 0.0, 0.0
    counter = support + (s - start)
    gross = state = 0.0
    t = s
    for upper, share in ((4, 0.8), (26, 0.4), (52, 0.3), (np.inf, 0.2)):
        if counter >= upper:
            continue
        step_end = min(e, t + (upper - counter))
        gross += (step_end - t) * rate[group]
        state += (step_end - t) * rate[group] * share
        counter += step_end - t
        t = step_end
        if t >= e:
            break
    return gross, state


def test_vectorised_split_matches_a_slow_reference():
    params = lawbook.base().copy()
    for g in GROUPS:
        params.set(f"benefit_rates.weekly_rate.{g}", 2869, "test")
    params.set("finance.refusion_scheme", {g: "staircase" for g in GROUPS}, "test")
    clock = Clock(JAN_2024, 3)
    rng = np.random.default_rng(5)
    n = 300
    start = rng.uniform(-60, 150, n)
    seg = pd.DataFrame({"group": rng.integers(0, len(GROUPS), n), "start": start,
                        "end": start + rng.exponential(30, n),
                        "support_weeks": rng.choice([0.0, 3.5, 20.0, 51.0, 80.0], n),
                        "municipality": 0})
    df = finance_table(seg, params, clock)
    for yi, year in enumerate(clock.calendar_years):
        lo, hi = clock.year_starts[yi], clock.year_starts[yi + 1]
        ref = np.array([_reference_state(g, s, e, c, lo, hi) for g, s, e, c in
                        seg[["group", "start", "end", "support_weeks"]].itertuples(index=False)])
        assert kr(df, year=year) == pytest.approx(ref[:, 0].sum(), rel=1e-9)
        assert kr(df, payer="state", year=year) == pytest.approx(ref[:, 1].sum(), rel=1e-9)


@pytest.fixture(scope="module")
def run() -> sim.Results:
    return sim.run(dict(name="money", start="2024-01-01", years=2, scale=0.01, seed=11,
                        replications=1, outputs=["stocks", "finance", "unit_costs"]),
                   workers=1)


def test_finance_table_of_a_run(run):
    f = run.finance
    assert list(f.columns) == ["scenario", "replication", "year", "group", "item", "payer",
                               "mio_kr"]
    assert set(f["payer"]) == {"gross", "state", "municipality"}
    assert set(f["item"]) == set(ITEMS)
    assert set(f["group"]) == set(GROUPS) and set(f["year"]) == {2024, 2025}
    uc = run.unit_costs
    assert list(uc.columns) == ["scenario", "replication", "year", "group", "item",
                                "fulltime_persons", "gross_kr_per_ft", "municipality_kr_per_ft",
                                "average_refusion"]
    assert set(uc["item"]) == {*ITEMS, "total"}
    # The unit-cost table is the finance table per full-time person of the stocks table.
    total = uc[uc["item"] == "total"].set_index(["year", "group"])
    gross = f[f["payer"] == "gross"].groupby(["year", "group"])["mio_kr"].sum()
    ft = run.stocks.set_index(["year", "group"])["fulltime_persons"]
    np.testing.assert_allclose(total["fulltime_persons"], ft.loc[total.index], rtol=1e-9)
    np.testing.assert_allclose(total["gross_kr_per_ft"], gross.loc[total.index] * 1e6
                               / ft.loc[total.index], rtol=1e-9)


def test_gross_is_state_plus_municipality_on_every_row(run):
    wide = run.finance.pivot_table(index=["year", "group", "item"], columns="payer",
                                   values="mio_kr")
    np.testing.assert_allclose(wide["gross"], wide["state"] + wide["municipality"],
                               rtol=1e-12, atol=1e-9)
    path = cost_path([{"group": "dagpenge", "start": 0, "weeks": 70},
                      {"group": KH, "start": 70, "weeks": 90}], start=JAN_2024)
    wide = path.pivot_table(index=["year", "group", "item"], columns="payer", values="mio_kr")
    np.testing.assert_allclose(wide["gross"], wide["state"] + wide["municipality"],
                               rtol=1e-12, atol=1e-12)


def test_average_refusion_is_within_the_staircase(run):
    uc = unit_costs(run.finance, run.stocks)
    benefit = uc[(uc["item"] == "benefit") & (uc["fulltime_persons"] > 0)]
    assert len(benefit) > 0
    assert benefit["average_refusion"].between(0.20, 0.80).all()
    # Other operations: 3,600 kr x the group's weight per full-time person, no refusion.
    for group, per_ft in JOBCENTRE_FT.items():
        jc = uc[(uc["item"] == "jobcentre_other") & (uc["group"] == group)]
        np.testing.assert_allclose(jc["gross_kr_per_ft"], per_ft, rtol=1e-9)


def test_by_municipality_adds_up_to_the_national_table():
    params = lawbook.base()
    clock = Clock(JAN_2024, 2)
    seg = pd.DataFrame({"group": [GROUP_INDEX[KH], GROUP_INDEX["dagpenge"], GROUP_INDEX[KH]],
                        "start": [-10.0, 5.0, 30.0], "end": [40.0, 80.0, 90.0],
                        "support_weeks": [0.0, 12.0, 60.0], "municipality": [3, 7, 7]})
    national = finance_table(seg, params, clock, 0.5)
    local = finance_table(seg, params, clock, 0.5, by_municipality=True)
    assert set(local["municipality_id"]) == {3, 7}
    summed = local.groupby(["year", "group", "item", "payer"])["mio_kr"].sum()
    joined = national.set_index(["year", "group", "item", "payer"])["mio_kr"]
    pd.testing.assert_series_equal(summed, joined.loc[summed.index], check_names=False)


def test_budget_categories():
    params = lawbook.base()
    before = budget_categories(params, dt.date(2019, 6, 1)).set_index(["group", "item"])
    after = budget_categories(params, dt.date(2020, 6, 1)).set_index(["group", "item"])
    # Dagpenge came under the budget guarantee in 2020 (beskæftigelsestilskud ended).
    assert before.loc[("dagpenge", "benefit"), "category"] == "transfer_other"
    assert after.loc[("dagpenge", "benefit"), "category"] == "transfer_guaranteed"
    assert after.loc[("sygedagpenge", "benefit"), "category"] == "transfer_other"
    assert tuple(after.loc[(KH, "jobcentre_other")]) == ("HK6", "service")
    df = with_budget(cost_path([{"group": KH, "start": JAN_2024, "weeks": 5}]), params)
    assert set(df["account"]) == {"HK5", "HK6"}


def test_ledger_offers_get_the_counter_of_their_segment():
    from sim.cost_records import offer_records

    kinds = ("virksomhedspraktik", "loentilskud_privat")
    seg = pd.DataFrame({"citizen": [1, 1, 2], "group": [0, 1, 1], "start": [0.0, 10.0, 5.0],
                        "end": [10.0, 50.0, 40.0], "support_weeks": [0.0, 10.0, 30.0],
                        "municipality": [4, 4, 9]})
    offers = pd.DataFrame({"citizen": [1, 2], "group": [1, 1], "type": [1, 0],
                           "start": [20.0, 6.0], "end": [30.0, 10.0]})
    activation, wage = offer_records(offers, seg, kinds)
    # Citizen 1's løntilskud starts 10 weeks into a segment that began at counter 10.
    assert wage[["kind", "support_weeks", "municipality"]].values.tolist() == [
        ["loentilskud_privat", 20.0, 4]]
    assert activation[["kind", "support_weeks", "municipality"]].values.tolist() == [
        ["virksomhedspraktik", 31.0, 9]]


# -- a run's ledger: every item, sanction reductions, counts ------------------------------
SCALE = 0.01


@pytest.fixture(scope="module")
def ledger_run():
    from sim.model import Model

    params = lawbook.base()
    clock = Clock(JAN_2024, 1)
    base = float(params.at("cycle.base_rate", JAN_2024))
    model = Model(params, clock, {y: base for y in clock.calendar_years}, 7, 0, SCALE,
                  keep_spells=False)
    return model.run(), clock, params


def test_a_run_has_every_item_and_gross_is_state_plus_municipality(ledger_run):
    from sim.results import finance

    ledger, clock, params = ledger_run
    df = finance(ledger, clock, SCALE, params)
    assert set(df["item"]) == set(ITEMS) and set(df["group"]) == set(GROUPS)
    totals = df[df["payer"] == "gross"].groupby("item")["mio_kr"].sum()
    # Net items may be negative; the yearly review, the upskilling pool and the benefit of
    # closed seniorjob places are not in the 2024 law.
    assert (totals.drop(["loentilskud", "voksenlaerling", "yearly_review",
                         "upskilling_pool", "seniorjob_benefit"]) > 0).all()
    assert totals["voksenlaerling"] < 0
    assert totals["yearly_review"] == totals["upskilling_pool"] == 0.0
    assert totals["seniorjob_benefit"] == 0.0
    wide = df.pivot_table(index=["year", "group", "item"], columns="payer", values="mio_kr")
    np.testing.assert_allclose(wide["gross"], wide["state"] + wide["municipality"],
                               rtol=1e-12, atol=1e-9)


def _staircase_share(counter: float) -> float:
    for upper, share in ((4, 0.8), (26, 0.4), (52, 0.3)):
        if counter < upper:
            return share
    return 0.2


def test_sanction_reductions_lower_the_benefit_by_their_sum(ledger_run):
    from sim.cost_records import activity_counts, entry_counts, offer_records
    from sim.process import OFFER_TYPES
    from sim.results import finance

    ledger, clock, params = ledger_run
    red = ledger.reductions()
    assert len(red) > 20 and (red["amount"] > 0).all()
    seg = ledger.segments()
    offers, wage = offer_records(ledger.offers(), seg, OFFER_TYPES)
    counts = pd.concat([activity_counts(ledger.activities), entry_counts(ledger.flows)])
    without = finance_table(seg, params, clock, SCALE, offers=offers, loentilskud=wage,
                            counts=counts)
    with_red = finance(ledger, clock, SCALE, params)
    for payer in ("gross", "state"):
        lost = (kr(without, payer=payer) - kr(with_red, payer=payer)) * SCALE
        if payer == "gross":
            # Exactly the sum of the withheld amounts (price index 1), group by group.
            assert lost == pytest.approx(red["amount"].sum(), rel=1e-9)
            for g, amount in red.groupby("group")["amount"].sum().items():
                drop = kr(without, group=GROUPS[g]) - kr(with_red, group=GROUPS[g])
                assert drop * SCALE == pytest.approx(amount, rel=1e-9)
        else:
            # The state's part: its staircase share at the counter of the reduction's week
            # (no sanctions in fleksjob or førtidspension), found by a slow lookup.
            ref = 0.0
            for cid, week, g, amount in red[["citizen", "week", "group", "amount"]].itertuples(
                    index=False):
                rows = seg[(seg["citizen"] == cid) & (seg["group"] == g)
                           & (seg["start"] <= week) & (seg["end"] >= week)]
                row = rows.iloc[-1]
                ref += amount * _staircase_share(row["support_weeks"] + week - row["start"])
            assert lost == pytest.approx(ref, rel=1e-9)
    # The other items do not move.
    for item in ITEMS[1:]:
        assert kr(with_red, item) == pytest.approx(kr(without, item), rel=1e-12)


def test_conversations_and_sanction_casework_are_costed_from_the_counts(ledger_run):
    from sim.results import finance

    ledger, clock, params = ledger_run
    df = finance(ledger, clock, SCALE, params)
    n = {}
    for (_year, group, kind), count in ledger.activities.items():
        key = "sanction" if kind.startswith("sanction:") else kind
        n[(group, key)] = n.get((group, key), 0) + count
    # Jobcentre conversations only: 1.45 hours x 500 kr; a-kasse conversations cost nothing.
    jobcentre = sum(v for (_g, k), v in n.items() if k == "conversation_jobcentre")
    assert sum(v for (_g, k), v in n.items() if k == "conversation_akasse") > 0
    assert kr(df, "conversations") * SCALE == pytest.approx(jobcentre * 725.0, rel=1e-9)
    # Sanction processes 2.5 h, complaints 2.25 h, except dagpenge (the a-kasse decides).
    hours = sum(v * (2.5 if k == "sanction" else 2.25) for (g, k), v in n.items()
                if k in ("sanction", "complaint") and g != "dagpenge")
    assert hours > 0
    assert kr(df, "sanction_admin") * SCALE == pytest.approx(hours * 500.0, rel=1e-9)
    assert kr(df, "sanction_admin", group="dagpenge") == 0.0
    assert kr(df, "conversations", "state") == kr(df, "sanction_admin", "state") == 0.0


def test_unit_costs_by_municipality_add_up_to_the_national_table(ledger_run):
    from sim.results import unit_cost_tables

    ledger, clock, params = ledger_run
    national = unit_cost_tables(ledger, clock, SCALE, params)
    local = unit_cost_tables(ledger, clock, SCALE, params, by_municipality=True)
    assert local["municipality_id"].nunique() > 50
    for table in (national, local):
        table["gross_mio"] = (table["gross_kr_per_ft"].fillna(0.0)
                              * table["fulltime_persons"].fillna(0.0) / 1e6)
    keys = ["year", "group", "item"]
    # All-zero rows of a municipality are left out, so full-time persons add up on ``total``.
    summed = local.groupby(keys)["gross_mio"].sum()
    np.testing.assert_allclose(summed, national.set_index(keys)["gross_mio"].loc[summed.index],
                               rtol=1e-9, atol=1e-6)
    ft = local[local["item"] == "total"].groupby(["year", "group"])["fulltime_persons"].sum()
    ref = national[national["item"] == "total"].set_index(["year", "group"])["fulltime_persons"]
    np.testing.assert_allclose(ft, ref.loc[ft.index], rtol=1e-9)
    total = national[national["item"] == "total"]
    assert (total.loc[total["fulltime_persons"] > 0, "gross_kr_per_ft"] > 0).all()


def test_budget_table_regroups_the_finance_table_by_account_and_category():
    import sim as simpkg

    r = simpkg.run(dict(name="b", start="2024-01-01", years=1, scale=0.005, seed=2,
                        replications=1, outputs=["finance"]), workers=1)
    money = r.finance.groupby("payer")["mio_kr"].sum()
    budget = r.budget.groupby("payer")["mio_kr"].sum()
    assert budget.to_dict() == pytest.approx(money.to_dict())
    service = r.budget[(r.budget["category"] == "service") & (r.budget["payer"] == "state")]
    assert service["mio_kr"].sum() == 0.0  # HK6 service has no refusion
    assert set(r.budget["account"]) == {"HK5", "HK6"}
