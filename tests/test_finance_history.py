"""Refusion and budget history: the dated finance law before 2024, worked out by hand.

Parameters (policies/params): dagpenge at most 4,546 kr/week (a path of no particular
person gets it), kontanthjælp 2,928 kr/week before
October 2016, førtidspension 4,000 kr/week (benefit_rates.yaml); before 2016 a flat 35 %
state share at every step of the staircase (refusion.yaml); activation 50 % refusion
before 2019 with 0 % for ØVO for dagpenge from 2015 and for jobparate (ØVO and mentor)
from 2016; ØVO 81,400 kr per full-time person-year times the group's price factor
(dagpenge 0.905, kontanthjælp 0.945), mentor 32,000 kr; førtidspension granted before
July 2014 with fixed municipal shares of 50 % (granted before 2003) and 65 % (2003 to
June 2014) (finance.yaml).
"""

from __future__ import annotations

import datetime as dt

import pytest

from sim import lawbook
from sim.clock import Clock
from sim.finance_law import fixed_municipal, period_law, periods
from sim.groups import GROUP_INDEX
from sim.law import Law
from sim.path_cost import cost_path
from sim.process import OFFER_TYPES

DP, JP, AP, FOEP = ("dagpenge", "kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat",
                    "foertidspension")
# ØVO: 81,400 kr a year times the group's price factor (dagpenge 0.905, kontanthjælp 0.945).
OEVRIG_KR_WEEK = {g: 81_400 * f / 52 for g, f in ((DP, 0.905), (JP, 0.945), (AP, 0.945))}
MENTOR_KR_WEEK = 32_000 / 52


def kr(df, item="benefit", payer="gross", **where) -> float:
    rows = df[(df["item"] == item) & (df["payer"] == payer)]
    for col, value in where.items():
        rows = rows[rows[col] == value]
    return float(rows["mio_kr"].sum() * 1e6)


# -- dagpenge: municipal co-financing from 2010 ------------------------------------------
def test_dagpenge_before_2010_are_paid_by_the_state_alone():
    df = cost_path([{"group": DP, "start": dt.date(2009, 3, 2), "weeks": 10}])
    # 10 x 4,546 = 45,460 kr, all state.
    assert kr(df) == pytest.approx(45_460.0, abs=1e-6)
    assert kr(df, payer="state") == pytest.approx(45_460.0, abs=1e-6)
    assert kr(df, payer="municipality") == 0.0


def test_dagpenge_co_financing_starts_on_1_january_2010():
    # 4 Dec 2009 + 28 days = 1 Jan 2010: 4 weeks state only, then 4 weeks co-financed at
    # the flat 35 % state share of before 2016: municipality 4 x 4,546 x 0.65 = 11,819.6.
    df = cost_path([{"group": DP, "start": dt.date(2009, 12, 4), "weeks": 8}])
    assert kr(df, year=2009) == pytest.approx(18_184.0, abs=1e-6)
    assert kr(df, payer="municipality", year=2009) == 0.0
    assert kr(df, payer="state", year=2010) == pytest.approx(4 * 4546 * 0.35, abs=1e-6)
    assert kr(df, payer="municipality", year=2010) == pytest.approx(11_819.6, abs=1e-6)


# -- ØVO and mentor refusion: 0 % for dagpenge from 2015 and jobparate from 2016 ----------
def _offer(group: str, year: int, kind: str = "oevrig_vejledning"):
    return cost_path([{"group": group, "start": 0, "weeks": 10,
                       "offers": [{"kind": kind, "start": 0, "weeks": 4}]}],
                     start=dt.date(year, 3, 2))


@pytest.mark.parametrize(("group", "year", "share"), [
    (DP, 2014, 0.5), (DP, 2015, 0.0), (DP, 2018, 0.0),
    (JP, 2015, 0.5), (JP, 2016, 0.0),
    (AP, 2016, 0.5), (AP, 2018, 0.5), (AP, 2019, 0.0),
])
def test_oevrig_vejledning_refusion_by_group_and_year(group, year, share):
    df = _offer(group, year)
    # 4 weeks x 81,400 x factor / 52 gross (dagpenge 5,666.69 kr); state = share x gross.
    gross = 4 * OEVRIG_KR_WEEK[group]
    assert kr(df, "oevo") == pytest.approx(gross, abs=1e-6)
    assert kr(df, "oevo", "state") == pytest.approx(share * gross, abs=1e-6)


@pytest.mark.parametrize(("group", "year", "share"), [
    (DP, 2015, 0.5), (DP, 2016, 0.0), (JP, 2016, 0.0), (AP, 2016, 0.5)])
def test_mentor_refusion_by_group_and_year(group, year, share):
    df = _offer(group, year, "mentor")
    assert kr(df, "activation", "state") == pytest.approx(share * 4 * MENTOR_KR_WEEK, abs=1e-6)


def test_an_offer_across_new_year_2016_changes_refusion_at_the_date():
    # Jobparat ØVO 2 weeks in 2015 (50 %) and 2 weeks in 2016 (0 %).
    df = cost_path([{"group": JP, "start": 0, "weeks": 10,
                     "offers": [{"kind": "oevrig_vejledning", "start": 0, "weeks": 4}]}],
                   start=dt.date(2015, 12, 18))
    assert kr(df, "oevo", "state", year=2015) == pytest.approx(
        0.5 * 2 * OEVRIG_KR_WEEK[JP], abs=1e-6)
    assert kr(df, "oevo", "state", year=2016) == 0.0


# -- førtidspension granted before July 2014: cohorts at 50 % and 65 % ---------------------
def test_foertidspension_by_grant_cohort():
    spell = {"group": FOEP, "start": dt.date(2024, 1, 1), "weeks": 52}
    # 52 x 4,000 = 208,000 kr. Before 2003: 50 % municipal; 2003-2014: 65 % municipal.
    before = cost_path([{**spell, "grant_cohort": "before_2003"}], support_weeks=100)
    assert kr(before, payer="state") == pytest.approx(104_000.0, abs=1e-6)
    assert kr(before, payer="municipality") == pytest.approx(104_000.0, abs=1e-6)
    after = cost_path([{**spell, "grant_cohort": "from_2003"}], support_weeks=100)
    assert kr(after, payer="state") == pytest.approx(72_800.0, abs=1e-6)
    assert kr(after, payer="municipality") == pytest.approx(135_200.0, abs=1e-6)


def test_foertidspension_stock_in_2011_mixes_the_cohorts():
    # 2011: the whole stock is pre-2014 (pre_2014_share 1.0), 0.68 of it granted before
    # 2003: municipal 0.68 x 0.5 + 0.32 x 0.65 = 0.548; state 0.452 x 208,000 = 94,016.
    df = cost_path([{"group": FOEP, "start": dt.date(2011, 1, 1), "weeks": 52}])
    assert kr(df, payer="state") == pytest.approx(94_016.0, abs=1e-6)
    assert kr(df, payer="municipality") == pytest.approx(113_984.0, abs=1e-6)


def test_an_unknown_grant_cohort_is_named():
    with pytest.raises(ValueError, match="grant_cohort 'in_1990'.*before_2003, from_2003"):
        cost_path([{"group": FOEP, "start": dt.date(2024, 1, 1), "weeks": 4,
                    "grant_cohort": "in_1990"}])
    with pytest.raises(ValueError, match="grant_cohort"):
        cost_path([{"group": "kontanthjaelp_jobparat", "start": dt.date(2024, 1, 1),
                    "weeks": 4, "grant_cohort": "before_2003"}])


def test_fixed_municipal_share_of_cohorts():
    shares = {"before_2003": 0.5, "from_2003": 0.65}
    assert fixed_municipal(0.5, None) == 0.5
    assert fixed_municipal(shares, {"before_2003": 0.26, "from_2003": 0.74}) == pytest.approx(
        0.611, abs=1e-12)
    with pytest.raises(ValueError, match="pre_2014_cohorts"):
        fixed_municipal(shares, {"before_2003": 0.5, "from_2003": 0.4})
    with pytest.raises(ValueError, match="pre_2014_cohorts"):
        fixed_municipal(shares, None)


def test_period_law_state_share_outside_the_staircase_by_year():
    params = lawbook.base()
    clock = Clock(dt.date(2013, 1, 1), 13)
    per = periods(clock, params)
    law = period_law(params, per)
    g = GROUP_INDEX[FOEP]
    by_year = {d.year: law.fixed_state[p, g] for p, d in enumerate(per.dates)}
    # 1 - (w x 0.5 + (1 - w) x 0.65) = 0.35 + 0.15 w, w = the pre-2003 cohort's share.
    for year, w in ((2013, 0.6), (2016, 0.51), (2024, 0.26), (2025, 0.21)):
        assert by_year[year] == pytest.approx(0.35 + 0.15 * w, abs=1e-12), year
    d = GROUP_INDEX[DP]
    assert all(law.scheme[p, d] == 1 for p in range(len(per.dates)))  # cofinancing


# -- ØVO counted toward ret og pligt until June 2022 ---------------------------------------
def test_oevrig_vejledning_counts_for_ret_og_pligt_until_june_2022():
    law = Law(lawbook.base(), Clock(dt.date(2022, 1, 1), 1), {2022: 2.9})
    oevrig = OFFER_TYPES.index("oevrig_vejledning")
    may = law.regime_at(law.clock.week_of(dt.date(2022, 5, 31)))
    june = law.regime_at(law.clock.week_of(dt.date(2022, 6, 1)))
    assert may.process.counts[oevrig] is True
    assert june.process.counts[oevrig] is False
    assert june.process.counts[OFFER_TYPES.index("ordinaer_uddannelse")] is True
