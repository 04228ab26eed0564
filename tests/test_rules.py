"""The law's time limits, transitions and age rules, with exact expected values.

Hazards are switched off so only rules move people; times are in weeks from the
start date (1 January 2024 unless stated).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.clock import WEEKS_PER_CALENDAR_YEAR
from tests.helpers import add_citizen, exit_of, model_with, segments_of, silent

NO_REENTRY = {f"population.reentry.{d}.share": 0.0
              for d in ("job", "self_support", "education", "other")}


def quiet(**extra) -> dict:
    return {**silent(), **NO_REENTRY, **extra}


def test_dagpenge_ends_after_104_weeks_in_kontanthjaelp_when_eligible():
    m = model_with(quiet(**{"time_limits.dagpenge.exhaustion_to_kontanthjaelp_share": 1.0}))
    add_citizen(m, 1, "dagpenge", age=40)
    m.run(populate=False)
    assert segments_of(m, 1)[:2] == [("dagpenge", 0.0, 104.0),
                                     ("kontanthjaelp_jobparat", 104.0, m.clock.horizon)]


def test_dagpenge_ends_after_104_weeks_in_self_support_when_not_eligible():
    m = model_with(quiet(**{"time_limits.dagpenge.exhaustion_to_kontanthjaelp_share": 0.0}))
    add_citizen(m, 1, "dagpenge", age=40)
    m.run(populate=False)
    assert segments_of(m, 1) == [("dagpenge", 0.0, 104.0)]
    assert exit_of(m, 1) == (104.0, "self_support")


def test_dagpenge_counts_weeks_already_used_by_the_start_stock():
    m = model_with(quiet(**{"time_limits.dagpenge.exhaustion_to_kontanthjaelp_share": 0.0}))
    add_citizen(m, 1, "dagpenge", age=40, elapsed=100.0)
    m.run(populate=False)
    assert exit_of(m, 1) == (4.0, "self_support")


@pytest.mark.parametrize("extension_weeks", [26, 0])
def test_dagpenge_period_was_four_years_before_july_2010(extension_weeks):
    """Periods begun before 1 July 2010 keep the 4 years but end by 1 July 2012 (lov nr.
    703 af 25. juni 2010 § 2, stk. 2), and the 2012 extension adds half a year to those
    ending in its second half, to at most 4 years in all."""
    m = model_with(quiet(**{"time_limits.dagpenge.exhaustion_to_kontanthjaelp_share": 0.0,
                            "time_limits.dagpenge.extension.weeks": extension_weeks}),
                   start=dt.date(2009, 1, 1), years=6)
    add_citizen(m, 1, "dagpenge", age=40, elapsed=150.0)
    add_citizen(m, 2, "dagpenge", age=40)
    m.run(populate=False)
    assert exit_of(m, 1) == (208.0 - 150.0, "self_support")  # before July 2010: 208 weeks
    # begun 1 January 2009: the last day is 1 July 2012, and half a year more is capped
    # at 4 years from the start
    july_2012 = (dt.date(2012, 7, 1) - dt.date(2009, 1, 1)).days / 7
    expected = 208.0 if extension_weeks else july_2012
    assert exit_of(m, 2)[0] == pytest.approx(expected) and exit_of(m, 2)[1] == "self_support"


def test_sygedagpenge_revurdering_at_week_22_sends_to_jobafklaring():
    m = model_with(quiet(**{"time_limits.sygedagpenge.extension_share": 0.0}))
    add_citizen(m, 1, "sygedagpenge", age=45)
    m.run(populate=False)
    assert segments_of(m, 1)[:2] == [("sygedagpenge", 0.0, 22.0),
                                     ("jobafklaring", 22.0, m.clock.horizon)]


def test_sygedagpenge_extended_at_revurdering_stays():
    m = model_with(quiet(**{"time_limits.sygedagpenge.extension_share": 1.0}))
    add_citizen(m, 1, "sygedagpenge", age=45)
    m.run(populate=False)
    assert segments_of(m, 1) == [("sygedagpenge", 0.0, m.clock.horizon)]


def test_sygedagpenge_before_2014_reform_had_52_weeks_then_kontanthjaelp():
    m = model_with(quiet(**{"time_limits.sygedagpenge.extension_share": 0.0}),
                   start=dt.date(2012, 1, 1), years=2)
    add_citizen(m, 1, "sygedagpenge", age=45)
    m.run(populate=False)
    assert segments_of(m, 1)[:2] == [("sygedagpenge", 0.0, 52.0),
                                     ("kontanthjaelp_aktivitetsparat", 52.0, m.clock.horizon)]


@pytest.mark.parametrize("youth, adult", [
    ("uddannelseshjaelp_uddannelsesparat", "kontanthjaelp_jobparat"),
    ("uddannelseshjaelp_aktivitetsparat", "kontanthjaelp_aktivitetsparat"),
])
def test_uddannelseshjaelp_moves_to_kontanthjaelp_at_30(youth, adult):
    m = model_with(quiet())
    add_citizen(m, 1, youth, age=29.5)
    m.run(populate=False)
    turns_30 = 0.5 * WEEKS_PER_CALENDAR_YEAR
    assert segments_of(m, 1)[:2] == [(youth, 0.0, pytest.approx(turns_30)),
                                     (adult, pytest.approx(turns_30), m.clock.horizon)]


def test_the_age_limit_event_moves_the_citizen_whatever_the_rounding():
    # The engine's event falls at birth week + 30 x weeks a year; the age computed back from
    # that week can round to just below 30 (29.999999999999996), which kept the citizen in
    # uddannelseshjælp and woke the same event at the same instant for ever (a 26-year run
    # of the expert group's baseline hung in 2044).
    from sim.groups import ADULT_OF_YOUTH, GROUP_INDEX, age_adjusted

    youth = GROUP_INDEX["uddannelseshjaelp_aktivitetsparat"]
    w = WEEKS_PER_CALENDAR_YEAR
    below = 0
    for birth in [1032.8868596497955 - 30.0 * w, *np.linspace(-2000.0, 1500.0, 3001)]:
        age = ((birth + 30.0 * w) - birth) / w  # as Citizen.age computes it
        below += age < 30.0
        assert age_adjusted(youth, age, 30.0) == ADULT_OF_YOUTH[youth]
    assert below > 0  # the rounding does occur
    assert age_adjusted(youth, 29.99, 30.0) == youth


def test_everyone_leaves_for_pension_at_the_pension_age():
    m = model_with(quiet())
    add_citizen(m, 1, "foertidspension", age=66.0)
    add_citizen(m, 2, "kontanthjaelp_aktivitetsparat", age=66.5)
    m.run(populate=False)
    end1, dest1 = exit_of(m, 1)
    end2, dest2 = exit_of(m, 2)
    assert (dest1, dest2) == ("pension", "pension")
    assert end1 == pytest.approx(1.0 * WEEKS_PER_CALENDAR_YEAR)
    assert end2 == pytest.approx(0.5 * WEEKS_PER_CALENDAR_YEAR)


@pytest.mark.parametrize("start, expected_years", [(dt.date(2029, 1, 1), 0.0),
                                                      (dt.date(2030, 1, 1), 0.5)])
def test_pension_age_rises_to_68_in_2030(start, expected_years):
    m = model_with(quiet(), start=start, years=2)
    add_citizen(m, 1, "foertidspension", age=67.5)
    m.run(populate=False)
    end, dest = exit_of(m, 1)
    assert dest == "pension"
    assert end == pytest.approx(expected_years * WEEKS_PER_CALENDAR_YEAR)


def _route_after_ressourceforloeb(age: float, routes: dict, n: int = 200) -> list[str]:
    m = model_with(quiet(**{"rehabilitation.routes": routes,
                            "time_limits.ressourceforloeb.max_weeks": 10}), years=1)
    for cid in range(n):
        add_citizen(m, cid, "ressourceforloeb", age=age)
    m.run(populate=False)
    return [segments_of(m, cid)[1][0] for cid in range(n)]


def test_rehabiliteringsteam_grants_foertidspension_from_40():
    routes = {"ressourceforloeb": 0.0, "ledighedsydelse": 0.0, "foertidspension": 1.0}
    assert set(_route_after_ressourceforloeb(45.0, routes)) == {"foertidspension"}


def test_rehabiliteringsteam_never_grants_foertidspension_under_40():
    routes = {"ressourceforloeb": 0.3, "ledighedsydelse": 0.2, "foertidspension": 0.5}
    under = _route_after_ressourceforloeb(35.0, routes)
    assert "foertidspension" not in under
    # The FØP share goes to the other routes in proportion: 0.3 : 0.2 -> 60 % : 40 %.
    share_rf = under.count("ressourceforloeb") / len(under)
    assert abs(share_rf - 0.6) < 3 * (0.6 * 0.4 / len(under)) ** 0.5


def test_referral_waits_for_the_team_decision():
    weeks = 8.0
    only_rehab = {"job": 0.0, "self_support": 0.0, "education": 0.0, "other": 0.0,
                  "death_emigration": 0.0, "kontanthjaelp_jobparat": 0.0,
                  "rehabiliteringsteam": 1.0}
    overrides = quiet(**{
        "hazards.kontanthjaelp_aktivitetsparat.rates": [1e-9, 1e-9, 1e-9, 1e-9, 1e-9, 1e-9, 1e-9],
        "hazards.kontanthjaelp_aktivitetsparat.destinations": only_rehab,
        "rehabilitation.routes": {"ressourceforloeb": 1.0, "ledighedsydelse": 0.0,
                                  "foertidspension": 0.0},
        "rehabilitation.decision_weeks": weeks,
    })
    overrides["hazards.kontanthjaelp_aktivitetsparat.rates"] = [0.5] * 7
    m = model_with(overrides, years=2)
    add_citizen(m, 1, "kontanthjaelp_aktivitetsparat", age=35)
    m.run(populate=False)
    (g1, s1, e1), (g2, s2, _e2) = segments_of(m, 1)[:2]
    assert g1 == "kontanthjaelp_aktivitetsparat" and g2 == "ressourceforloeb"
    assert e1 == s2 and e1 > weeks  # referral at the first hazard event, decision 8 weeks on


def test_jobparat_and_aktivitetsparat_revisitation_moves_within_the_spell():
    to_ap = {"job": 0.0, "self_support": 0.0, "education": 0.0, "other": 0.0,
             "death_emigration": 0.0, "kontanthjaelp_aktivitetsparat": 1.0}
    overrides = quiet(**{"hazards.kontanthjaelp_jobparat.destinations": to_ap})
    overrides["hazards.kontanthjaelp_jobparat.rates"] = [0.1] * 7
    m = model_with(overrides, years=3)
    add_citizen(m, 1, "kontanthjaelp_jobparat", age=35)
    m.run(populate=False)
    segs = segments_of(m, 1)
    assert [g for g, _, _ in segs] == ["kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat"]
    assert m.ledger.spells[0][3:5] == ("kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat")
    assert m.ledger.spells[0][2] is None  # one spell, still open at the horizon


@pytest.mark.parametrize("group,low,limit_key", [
    ("foertidspension", 40.0, "pension_age"),  # entrants from 40 (the law's rule)
    ("uddannelseshjaelp_aktivitetsparat", 15.0, "youth_max_age"),
])
def test_the_start_stock_is_an_entrant_aged_by_its_elapsed_stay(group, low, limit_key):
    """A start-stock citizen's age is an entrant's age plus the weeks the stay has
    lasted, below the limit that would have ended the stay (pension age; 30 in
    uddannelseshjælp). So førtidspension's stock is older than its entrants."""
    from sim.groups import GROUP_INDEX
    from sim.population import stock_samplers

    m = model_with({})
    regime = m.law.regimes[0]
    g = GROUP_INDEX[group]
    sampler = stock_samplers(regime, m.env.now)[g]
    now = m.env.now
    ages, entry_ages = [], []
    for cid in range(4000):
        c, elapsed = m.stock_citizen(cid, g, sampler, regime)
        ages.append(c.age(now))
        entry_ages.append(c.age(now) - elapsed / WEEKS_PER_CALENDAR_YEAR)
    ages, entry_ages = np.array(ages), np.array(entry_ages)
    limit = getattr(regime, limit_key)
    # a pair is kept with its entry age only after STOCK_AGE_TRIES rejections: rare
    assert (ages < limit).mean() >= 0.999
    assert (entry_ages >= low - 1e-9).mean() >= 0.999
    arrivals = np.array([m.arrival_ages.draw(g, u, v) for u, v in
                         np.random.default_rng(5).random((4000, 2))])
    if group == "foertidspension":
        assert ages.mean() > arrivals.mean() + 2  # years on førtidspension add up
    assert ages.mean() > arrivals.mean()
