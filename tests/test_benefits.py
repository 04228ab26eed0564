"""What a person is paid: benefits by prior earnings and family status (sim/benefits.py).

Exact arithmetic from the rules in policies/params/benefit_rates.yaml, the persons'
characteristics persisting, and the proposal's own check that keeping would-be
jobafklaring entrants on sygedagpenge leaves the average benefit unchanged
(reforms.md 1.2).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_persons import NO_CHANNELS, law, run

from sim import lawbook
from sim.benefits import BANDS, REFERENCE, benefit_class, rate_table, rates_of
from sim.finance import finance_table
from sim.groups import GROUP_INDEX, GROUPS
from sim.path_cost import cost_path

DATE = dt.date(2024, 1, 1)
RATES = np.array(rates_of(lawbook.base().snapshot(DATE)))
LOW, MIDDLE, HIGH = (BANDS.index(b) for b in BANDS)


def rate(group: str, band: int, provider: bool = False) -> float:
    return float(RATES[benefit_class(band, provider), GROUP_INDEX[group]])


# -- the rules, exactly --------------------------------------------------------------------
def test_dagpenge_are_90_percent_of_prior_earnings_up_to_the_highest_rate():
    # low band 12,000 kr/month: 0.9 x 12,000 x 12 / 52 = 2,492.31 kr/week, under 4,546
    assert rate("dagpenge", LOW) == pytest.approx(0.9 * 12_000 * 12 / 52)
    # middle (20,911 kr/month): 0.9 x 4,825.6 = 4,343.0, still under the maximum
    assert rate("dagpenge", MIDDLE) == pytest.approx(0.9 * 20_911 * 12 / 52)
    assert rate("dagpenge", HIGH) == 4546.0  # 35,000 kr/month: capped


def test_sygedagpenge_are_the_prior_earnings_up_to_the_maximum():
    assert rate("sygedagpenge", LOW) == pytest.approx(12_000 * 12 / 52)  # 2,769.23
    assert rate("sygedagpenge", MIDDLE) == 4550.0  # 4,825.6 capped at 4,550
    assert rate("ledighedsydelse", MIDDLE) == 4038.0  # 0.9 x 4,825.6 = 4,343 > 4,038


def test_a_provider_gets_four_thirds_and_the_average_is_the_observed_rate():
    share = lawbook.value("population.provider_share", DATE)
    for g in ("kontanthjaelp_jobparat", "jobafklaring", "ressourceforloeb"):
        single, provider = rate(g, LOW), rate(g, LOW, True)
        assert provider / single == pytest.approx(1.3333)
        weekly = lawbook.value(f"benefit_rates.weekly_rate.{g}", DATE)
        assert (1 - share) * single + share * provider == pytest.approx(weekly)
        assert rate(g, HIGH, True) == provider  # family status, not earnings


def test_flat_benefits_and_the_reference_class_pay_the_weekly_rate():
    for g in ("revalidering", "fleksjob", "foertidspension", "uddannelseshjaelp_uddannelsesparat"):
        weekly = lawbook.value(f"benefit_rates.weekly_rate.{g}", DATE)
        assert {rate(g, b, p) for b in range(3) for p in (False, True)} == {weekly}
    assert tuple(RATES[REFERENCE]) == tuple(
        lawbook.value(f"benefit_rates.weekly_rate.{g}", DATE) for g in GROUPS)


def test_a_group_both_by_earnings_and_by_family_status_is_an_error():
    with pytest.raises(ValueError, match="both follow"):
        rate_table([1.0] * len(GROUPS), {"dagpenge": 0.9}, ["dagpenge"], 1.3,
                   dict.fromkeys(BANDS, 1.0), 0.2)
    with pytest.raises(ValueError, match="unknown group 'dagpengge'"):
        rate_table([1.0] * len(GROUPS), {"dagpengge": 0.9}, [], 1.3,
                   dict.fromkeys(BANDS, 1.0), 0.2)


def test_cost_path_pays_the_person_their_own_rate():
    spell = [{"group": "sygedagpenge", "start": DATE, "weeks": 10}]
    gross = cost_path(spell, earnings="low").query(
        "item == 'benefit' and payer == 'gross'")["mio_kr"].sum() * 1e6
    assert gross == pytest.approx(10 * 12_000 * 12 / 52)  # 27,692.31 kr
    maximum = cost_path(spell).query("item == 'benefit' and payer == 'gross'")["mio_kr"]
    assert maximum.sum() * 1e6 == pytest.approx(10 * 4550)
    with pytest.raises(ValueError, match="earnings 'rich': one of low, middle, high"):
        cost_path(spell, earnings="rich")


# -- the persons ---------------------------------------------------------------------------
def test_a_persons_benefit_class_persists_and_follows_the_distance_to_the_market():
    m = run(law({}), years=3)
    seg = m.ledger.segments()
    per_citizen = seg.groupby("citizen")["benefit_class"].nunique()
    assert (per_citizen == 1).all()
    assert seg.groupby("citizen")["group"].nunique().max() > 1  # people do move
    assert (seg["benefit_class"] < REFERENCE).all()
    # far types (the long sygedagpenge stays) are mostly in the low earnings band
    sdp = seg[seg["group"] == GROUP_INDEX["sygedagpenge"]]
    long = sdp[sdp["end"] - sdp["start"] > 40]
    low = [float((s["benefit_class"] // 2 == LOW).mean()) for s in (sdp, long)]
    assert low[1] > low[0] + 0.10, low


def test_a_sanction_withholds_the_persons_own_daily_benefit():
    """The so-længe sanction is days x the person's weekly benefit / 5."""
    m = run(law({}), years=2)
    red = m.ledger.reductions()
    red = red[red["kind"] == "karantaene"]
    assert len(red) > 10
    seg = m.ledger.segments().drop_duplicates("citizen").set_index("citizen")
    klass = seg.loc[red["citizen"], "benefit_class"].to_numpy()
    regime = m.law.regimes[0]
    expected = [3 * regime.person_rate[k][GROUP_INDEX["dagpenge"]] for k in klass]
    np.testing.assert_allclose(red["amount"].to_numpy(), expected)
    assert len(set(red["amount"].round(2))) > 1  # not one amount for everybody


# -- reforms.md 1.2: the average benefit is unchanged -------------------------------------
def test_keeping_would_be_jobafklaring_entrants_on_sygedagpenge_keeps_the_average():
    """'Sygedagpenge is income-based, while jobafklaring depends on provider status, so
    money shifts from providers to high earners. The average benefit is unchanged'
    (reforms.md 1.2, seed 003_6dc7bdcfc6d04eb3.txt, L12352-L12360). With every channel
    off the people are the same in both runs, so the sick's benefit money may change
    only by what the two rules pay the same persons: within 5 % of the jobafklaring
    money it replaces (paying the sygedagpenge maximum instead gave +47 %)."""
    before = law(NO_CHANNELS)
    reform = law(NO_CHANNELS, ("eg_abolish_jobafklaring",))
    effective = dt.date(2026, 1, 1)
    money = []
    for p in (before, reform):
        m = run(p, years=6, cohorts=[(effective, before)])
        f = finance_table(m.ledger.segments(), p, m.clock, 0.01)
        f = f[(f["item"] == "benefit") & (f["payer"] == "gross") & (f["year"] >= 2027)]
        money.append(f.pivot_table(index="group", values="mio_kr", aggfunc="sum")["mio_kr"])
    sick = [float(s[["sygedagpenge", "jobafklaring"]].sum()) for s in money]
    assert money[1]["jobafklaring"] < 0.3 * money[0]["jobafklaring"]  # mostly gone
    assert abs(sick[1] - sick[0]) < 0.05 * money[0]["jobafklaring"], (sick, money)


# -- the benefit-level channel against the calibration's law --------------------------------
def test_a_lower_rate_in_the_same_group_raises_its_exit_hazard_by_the_elasticity():
    """The fitted hazards hold the benefits of the law the fit ran under (2024); a reform
    that lowers jobparat kontanthjælp by 10 % from 2026 multiplies the exit hazard of
    its recipients by 0.9 ^ -elasticity (1.0541 at 0.5) in every benefit class, and
    leaves every other group's at 1. Before the cut, and with the channel off, it is 1."""
    from sim.clock import Clock
    from sim.law import Law

    kh = GROUP_INDEX["kontanthjaelp_jobparat"]
    path = "benefit_rates.weekly_rate.kontanthjaelp_jobparat"
    cut_date = dt.date(2026, 1, 1)
    for elasticity, factor in ((0.5, 0.9 ** -0.5), (0.0, 1.0)):
        params = law({"effects.benefit_level": elasticity}).copy()
        params.set(path, 0.9 * lawbook.base().at(path, DATE), "test cut", start=cut_date)
        regimes = Law(params, Clock(DATE, 4), {y: 2.9 for y in range(2024, 2028)}).regimes
        before = regimes[0]
        after = next(r for r in regimes if r.date >= cut_date)
        for klass in range(len(after.benefit_multiplier)):
            assert before.benefit_multiplier[klass][kh][kh] == 1.0
            assert after.benefit_multiplier[klass][kh][kh] == pytest.approx(factor, rel=1e-12)
            for g in range(len(GROUPS)):
                if g != kh:
                    assert after.benefit_multiplier[klass][g][g] == 1.0
    assert 0.9 ** -0.5 == pytest.approx(1.0541, abs=1e-4)


def test_the_benefit_reference_is_the_law_the_fit_ran_under():
    from calibration.targets import FIT_YEAR
    from sim.law import REFERENCE_DATE

    assert REFERENCE_DATE == dt.date(FIT_YEAR, 1, 1)
