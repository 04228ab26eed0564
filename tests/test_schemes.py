"""The special schemes and pools (policies/params/schemes.yaml, sim/schemes.py) and the
expert group's money-only elements, worked out by hand.

2024 law: seniorjob 22,000 kr per full-time dagpenge recipient aged 57-63, 30 % state;
jobrotation 430 kr (net) per FT of dagpenge and jobparat kontanthjælp, 60 % state;
voksenlærling 378 kr subsidy less 724 kr benefit saved per FT of the same groups from 25,
100 % state; personlig assistance 1,900 kr per FT of the jobcentres' target group, no
refusion since 2019; the 6-week course right 2,470 kr per FT of dagpenge and
ledighedsydelse past 5 weeks on support, no refusion since 2019. Education pools 170 mio.
kr a year (80 % state) over dagpenge, state pools 30 mio. kr (all state) over the target
group. The benefit of those who would have held a seniorjob (2.7's afledt ydelse): 3,218
kr per FT of the seniorjob driver where every place is closed (0.0431 places per driver
FT x half of them on kontanthjælp x 149,200 kr), 20 % state; none under current law.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from calibration import spending
from policies import expert_group
from sim import lawbook
from sim.clock import WEEKS_PER_CALENDAR_YEAR, Clock
from sim.convention import column_of
from sim.experiment import PolicyRef, validate
from sim.finance import ITEMS, finance_table
from sim.groups import GROUPS
from sim.path_cost import cost_path
from sim.scenario import applied_policies, law_of, sensitivity_runs
from sim.schemes import SCHEME_ITEMS, _weights, driver_weeks

JAN_2024 = dt.date(2024, 1, 1)


def kr(df, item, payer="gross", **where) -> float:
    rows = df[(df["item"] == item) & (df["payer"] == payer)]
    for col, value in where.items():
        rows = rows[rows[col] == value]
    return float(rows["mio_kr"].sum() * 1e6)


def law(*refs) -> object:
    return law_of(applied_policies([r if isinstance(r, PolicyRef) else PolicyRef(name=r)
                                    for r in refs], "test", "scenario"), {}, "test", "scenario")


def one(group: str, weeks: float = 10.0, start=JAN_2024, params=None, **spell):
    return cost_path([{"group": group, "start": 0, "weeks": weeks, **spell}], start=start,
                     params=params)


# -- the volume schemes ---------------------------------------------------------------------
def test_seniorjob_is_the_older_dagpenge_weeks_times_its_unit_cost():
    df = one("dagpenge", age=60)
    assert kr(df, "seniorjob") == pytest.approx(10 * 22_000 / 52, abs=1e-6)
    assert kr(df, "seniorjob", "state") == pytest.approx(0.3 * 10 * 22_000 / 52, abs=1e-6)
    assert kr(df, "seniorjob", "municipality") == pytest.approx(0.7 * 10 * 22_000 / 52,
                                                                 abs=1e-6)
    # Outside the band, or without an age, nothing; a spell crossing 57 counts from 57.
    assert kr(one("dagpenge", age=50), "seniorjob") == 0.0
    assert kr(one("dagpenge"), "seniorjob") == 0.0
    assert kr(one("kontanthjaelp_jobparat", age=60), "seniorjob") == 0.0
    before = 4 / WEEKS_PER_CALENDAR_YEAR  # 4 weeks before the 57th birthday
    assert kr(one("dagpenge", age=57 - before), "seniorjob") == pytest.approx(
        6 * 22_000 / 52, abs=1e-6)


def test_jobrotation_and_voksenlaerling_are_net_amounts_of_the_unemployed():
    df = one("kontanthjaelp_jobparat", age=30)
    assert kr(df, "jobrotation") == pytest.approx(10 * 430 / 52, abs=1e-6)
    assert kr(df, "jobrotation", "state") == pytest.approx(0.6 * 10 * 430 / 52, abs=1e-6)
    # Subsidy less the benefit an apprentice would draw: negative, all state.
    assert kr(df, "voksenlaerling") == pytest.approx(10 * (378 - 724) / 52, abs=1e-6)
    assert kr(df, "voksenlaerling", "state") == pytest.approx(10 * (378 - 724) / 52, abs=1e-6)
    assert kr(one("dagpenge", age=20), "voksenlaerling") == 0.0  # adult apprentices from 25
    assert kr(one("kontanthjaelp_aktivitetsparat", age=30), "jobrotation") == 0.0
    # Jobrotation was refunded in full before the 2015 cut to 60 %.
    old = one("dagpenge", start=dt.date(2014, 1, 1), age=30)
    assert kr(old, "jobrotation", "state") == pytest.approx(kr(old, "jobrotation"), abs=1e-9)


def test_personal_assistance_follows_the_target_group():
    df = one("kontanthjaelp_aktivitetsparat")
    assert kr(df, "personal_assistance") == pytest.approx(10 * 1_900 / 52, abs=1e-6)
    assert kr(df, "personal_assistance", "state") == 0.0
    ly = one("ledighedsydelse", start=dt.date(2018, 1, 1))
    assert kr(ly, "personal_assistance", "state") == pytest.approx(0.5 * 10 * 1_900 / 52,
                                                                   abs=1e-6)
    assert kr(one("dagpenge"), "personal_assistance") == pytest.approx(10 * 1_900 / 52,
                                                                       abs=1e-6)
    # Fleksjob and førtidspension are outside the target group.
    assert kr(one("fleksjob"), "personal_assistance") == 0.0
    assert kr(one("foertidspension"), "personal_assistance") == 0.0


def test_the_course_right_counts_the_weeks_past_the_fifth_on_support():
    df = one("dagpenge")  # counter 0-10: weeks 5-10 count
    assert kr(df, "six_week_course") == pytest.approx(5 * 2_470 / 52, abs=1e-6)
    assert kr(df, "six_week_course", "state") == 0.0
    later = cost_path([{"group": "ledighedsydelse", "start": 0, "weeks": 10}],
                      start=JAN_2024, support_weeks=3)  # counter 3-13: 8 weeks
    assert kr(later, "six_week_course") == pytest.approx(8 * 2_470 / 52, abs=1e-6)
    assert kr(one("kontanthjaelp_jobparat"), "six_week_course") == 0.0


def test_driver_weeks_clip_at_the_counter_and_the_age_band():
    start, end = np.array([0.0, 0.0, 0.0]), np.array([10.0, 10.0, 10.0])
    counter, birth = np.array([0.0, 8.0, 0.0]), np.array([np.nan, np.nan, -60 * 52.0])
    everyone = driver_weeks(start, end, counter, birth, np.zeros(3), np.full(3, 120.0),
                            np.full(3, 5.0))
    assert everyone.tolist() == [5.0, 10.0, 5.0]
    band = driver_weeks(start, end, counter, birth, np.full(3, 57.0), np.full(3, 64.0),
                        np.zeros(3))
    assert band.tolist() == [0.0, 0.0, 10.0]  # an unknown birth is outside a band


def test_a_group_table_naming_an_unknown_group_is_an_error():
    with pytest.raises(ValueError, match="schemes.x.groups: unknown group 'kh'"):
        _weights({"kh": 1.0}, "schemes.x.groups")


# -- the dated amounts -----------------------------------------------------------------
def _segments(rows):
    return pd.DataFrame(rows, columns=["group", "start", "end", "support_weeks",
                                       "municipality"])


def test_pools_are_their_dated_amount_spread_by_the_groups_weeks():
    clock = Clock(JAN_2024, 1)
    seg = _segments([("dagpenge", 0.0, 30.0, 0.0, 1), ("dagpenge", 0.0, 10.0, 0.0, 2),
                     ("kontanthjaelp_aktivitetsparat", 0.0, 40.0, 0.0, 1)])
    scale = 0.5
    df = finance_table(seg, lawbook.base(), clock, scale, by_municipality=True)
    # Education pools: 170 mio. kr, 80 % state, all on dagpenge, 30:10 by municipality.
    assert kr(df, "education_pools") == pytest.approx(170e6, rel=1e-12)
    assert kr(df, "education_pools", "state") == pytest.approx(0.8 * 170e6, rel=1e-12)
    assert kr(df, "education_pools", municipality_id=1) == pytest.approx(0.75 * 170e6,
                                                                          rel=1e-12)
    # State pools: 30 mio. kr, all state, over the target group's weeks (40 : 40).
    assert kr(df, "state_pools", group="dagpenge") == pytest.approx(15e6, rel=1e-12)
    assert kr(df, "state_pools", "state") == pytest.approx(30e6, rel=1e-12)
    # A hand-made path does not carry them.
    path = one("dagpenge")
    assert kr(path, "education_pools") == 0.0 and kr(path, "state_pools") == 0.0


def test_a_part_year_carries_its_share_of_the_amount():
    clock = Clock(dt.date(2023, 7, 1), 1)  # 2023-07-01 to 2024-07-01
    seg = _segments([("dagpenge", 0.0, 60.0, 0.0, 0)])
    df = finance_table(seg, lawbook.base(), clock, 1.0)
    # 2023 (217.5 mio.): 184 of 365 days; 2024 (170 mio.): 182 of 366 days.
    assert kr(df, "education_pools", year=2023) == pytest.approx(217.5e6 * 184 / 365)
    assert kr(df, "education_pools", year=2024) == pytest.approx(170e6 * 182 / 366)


def test_every_item_has_a_budget_account_and_the_state_pays_a_share_of_it():
    items = lawbook.value("finance.budget.items", JAN_2024)
    assert set(items) == set(ITEMS) and set(SCHEME_ITEMS) <= set(ITEMS)
    clock = Clock(JAN_2024, 2)
    seg = pd.DataFrame({"group": list(GROUPS), "start": 0.0, "end": 80.0,
                        "support_weeks": 10.0, "municipality": 0,
                        "birth": -60.0 * WEEKS_PER_CALENDAR_YEAR})
    p = law("expert_group_2024")
    df = finance_table(seg, p, Clock(dt.date(2027, 1, 1), 2), 0.01)
    for frame in (df, finance_table(seg, lawbook.base(), clock, 0.01)):
        wide = frame.pivot_table(index=["year", "group", "item"], columns="payer",
                                 values="mio_kr")
        # The municipality's part is gross less state by construction; what can fail is
        # the state's share: between 0 and 1 of every costed item (net items, such as
        # voksenlærling's, negative on both sides).
        costed = wide[wide["gross"].abs() > 1e-9]
        share = costed["state"] / costed["gross"]
        assert ((share >= -1e-12) & (share <= 1 + 1e-12)).all(), share[(share < 0) | (share > 1)]
        assert len(costed) > 20


# -- the expert group's elements ------------------------------------------------------------
def at(tree, path, year):
    return tree.value(path, dt.date(year, 6, 1))


def test_run_off_is_the_mean_share_of_places_left_each_year():
    assert expert_group.run_off(5) == {2026: 0.9, 2027: 0.7, 2028: 0.5, 2029: 0.3,
                                       2030: 0.1, 2031: 0.0}
    assert expert_group.run_off(0.5) == {2026: 0.25, 2027: 0.0}


def test_2_7_phases_seniorjob_and_jobrotation_out():
    p = law("eg_phase_out_seniorjob_jobrotation")
    assert [at(p, "schemes.seniorjob.kr_per_ft", y) for y in range(2025, 2032)] == \
        pytest.approx([22_000, 19_800, 15_400, 11_000, 6_600, 2_200, 0])
    assert [at(p, "schemes.jobrotation.kr_per_ft", y) for y in (2025, 2026, 2027)] == \
        pytest.approx([430, 107.5, 0])
    df = one("dagpenge", start=dt.date(2028, 1, 1), params=p, age=60)
    assert kr(df, "seniorjob") == pytest.approx(10 * 11_000 / 52, abs=1e-6)


def test_no_seniorjob_place_is_closed_under_current_law():
    assert kr(one("dagpenge", age=60), "seniorjob_benefit") == 0.0
    assert kr(one("dagpenge", age=60, start=dt.date(2035, 1, 1)), "seniorjob_benefit") == 0.0
    assert set(lawbook.value("schemes.seniorjob_benefit.groups", JAN_2024).values()) == {0.0}


def test_the_would_be_seniorjob_holders_benefit_is_an_assumption_with_a_range():
    """Places per driver FT: 500 holders / 11,600 driver FT = 22,000 kr (seniorjob's
    kr_per_ft) / 510,000 kr a place; half of them on kontanthjælp at 149,200 kr a year;
    a quarter to all of them at the ends of the range, which the sensitivity runs use."""
    leaf = lawbook.base().leaves["schemes.seniorjob_benefit.kr_per_ft"]
    places = 22_000 / (255e6 / 500)
    assert places == pytest.approx(500 / 11_600, rel=0.02)
    assert leaf.values[-1].value == round(places * 0.5 * 149_200) == 3_218
    assert leaf.plausible_range == (round(places * 0.25 * 149_200), round(places * 149_200))
    assert leaf.values[-1].source.startswith("assumption:")
    # About 37 mio. kr a year over the 11,600 driver FT once every place is closed, 19-75
    # mio. kr at the ends of the range.
    assert 11_600 * 3_218 / 1e6 == pytest.approx(37.3, abs=0.05)
    assert 11_600 * np.array(leaf.plausible_range) / 1e6 == pytest.approx([18.7, 74.7],
                                                                            abs=0.05)


def test_the_sensitivity_runs_vary_the_would_be_holders_benefit_in_both_scenarios():
    exp = validate({"name": "s", "start": "2025-01-01", "years": 1, "scale": 0.001, "seed": 1,
                    "scenarios": {"baseline": {"policies": ["current_law_2024"]},
                                  "reform": {"policies": ["current_law_2024",
                                                          "eg_phase_out_seniorjob_jobrotation"]}},
                    "compare": {"sensitivity": ["reform"]}}, "test")
    extra, info = sensitivity_runs(exp, "test")
    path = "schemes.seniorjob_benefit.kr_per_ft"
    runs = [r for r in info["reform"] if r["parameter"] == path]
    assert [(r["end"], r["value"]) for r in runs] == [("low", 1_609), ("high", 6_436)]
    for r in runs:
        for role in ("baseline", "reform"):
            assert extra[r[role]].parameters[path] == r["value"]


def test_2_7_gives_those_without_a_seniorjob_their_alternative_benefit():
    p = law("eg_phase_out_seniorjob_jobrotation")
    closed = [at(p, "schemes.seniorjob_benefit.groups", y)["dagpenge"] for y in range(2025, 2033)]
    assert closed == pytest.approx([0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 1.0])
    # 10 weeks at 60 in 2028: half the places closed. The benefit 10 x 0.5 x 3,218 / 52 kr,
    # 20 % state (the staircase past 52 weeks); the seniorjob money 10 x 11,000 / 52.
    df = one("dagpenge", start=dt.date(2028, 1, 1), params=p, age=60)
    assert kr(df, "seniorjob_benefit") == pytest.approx(10 * 0.5 * 3_218 / 52, abs=1e-6)
    assert kr(df, "seniorjob_benefit", "state") == pytest.approx(0.2 * 10 * 0.5 * 3_218 / 52,
                                                                 abs=1e-6)
    assert kr(df, "seniorjob_benefit", "municipality") == pytest.approx(
        0.8 * 10 * 0.5 * 3_218 / 52, abs=1e-6)
    assert kr(df, "seniorjob") + kr(df, "seniorjob_benefit") == pytest.approx(
        10 * (11_000 + 1_609) / 52, abs=1e-6)
    # Every place closed from 2031: a full year of the driver costs 3,218 kr, no seniorjob.
    full = one("dagpenge", weeks=52, start=dt.date(2031, 1, 1), params=p, age=60)
    assert kr(full, "seniorjob_benefit") == pytest.approx(3_218.0, abs=1e-6)
    assert kr(full, "seniorjob") == 0.0
    # Only the seniorjob driver: dagpenge recipients aged 57-63.
    assert kr(one("dagpenge", start=dt.date(2031, 1, 1), params=p, age=50),
              "seniorjob_benefit") == 0.0
    assert kr(one("kontanthjaelp_jobparat", start=dt.date(2031, 1, 1), params=p, age=60),
              "seniorjob_benefit") == 0.0
    assert column_of("seniorjob_benefit") == "afledt_ydelse"
    longer = law(PolicyRef(name="eg_phase_out_seniorjob_jobrotation",
                           options={"seniorjob_years": 2}))
    assert [at(longer, "schemes.seniorjob_benefit.groups", y)["dagpenge"]
            for y in (2026, 2027, 2028)] == pytest.approx([0.25, 0.75, 1.0])


def test_2_12_and_2_13_course_right_pools_and_voksenlaerling():
    p = law("eg_education_skilled_and_courses")
    assert [at(p, "schemes.six_week_course.after_weeks", y) for y in range(2025, 2029)] == \
        pytest.approx([5, 12, 19, 26])
    assert at(p, "schemes.six_week_course.groups", 2028)["kontanthjaelp_jobparat"] == 1.0
    assert at(p, "schemes.six_week_course.state_share", 2028) == 0.8
    assert [at(p, "schemes.education_pools.amount", y) for y in range(2025, 2029)] == \
        pytest.approx([170, 170 * 2 / 3, 170 / 3, 0])
    # 45 -> 50 kr an hour: the subsidy per driver FT x 50 / 45; the benefit saved stays.
    assert at(p, "schemes.voksenlaerling.kr_per_ft", 2028) == pytest.approx(420.0)
    assert at(p, "schemes.voksenlaerling.offset_per_ft", 2028) == 724
    more = law(PolicyRef(name="eg_education_skilled_and_courses",
                         options={"voksenlaerling_more_places": 0.2}))
    assert at(more, "schemes.voksenlaerling.kr_per_ft", 2028) == pytest.approx(504.0)
    assert at(more, "schemes.voksenlaerling.offset_per_ft", 2028) == pytest.approx(868.8)
    # From 2028 the right starts after 26 weeks, for jobparat kontanthjælp too, 80 % state.
    kh = one("kontanthjaelp_jobparat", weeks=30, start=dt.date(2028, 1, 1), params=p)
    assert kr(kh, "six_week_course") == pytest.approx(4 * 2_470 / 52, abs=1e-6)
    assert kr(kh, "six_week_course", "state") == pytest.approx(0.8 * 4 * 2_470 / 52, abs=1e-6)
    assert expert_group.VOKSENLAERLING_KR_PER_HOUR * 1_924 == 86_580  # schemes.yaml source


def test_2_3_adds_the_yearly_review_as_caseworker_hours():
    p = law("eg_fremdriftsgaranti")
    shares = [at(p, "finance.unit_cost.yearly_review_share", y) for y in (2025, 2026, 2028)]
    assert [s["kontanthjaelp_aktivitetsparat"] for s in shares] == pytest.approx([0, 1 / 3, 1])
    assert shares[-1]["uddannelseshjaelp_aktivitetsparat"] == 1.0
    assert shares[-1]["kontanthjaelp_jobparat"] == 0.0
    # As written the conversations after month 6 stay as they are.
    assert at(p, "contact.schedule.kontanthjaelp_aktivitetsparat", 2028) == \
        lawbook.value("contact.schedule.kontanthjaelp_aktivitetsparat", dt.date(2028, 6, 1))
    # One review a person-year: 3 hours x 500 kr, no refusion; none under the 2024 law.
    df = one("kontanthjaelp_aktivitetsparat", weeks=52, start=dt.date(2028, 1, 1), params=p)
    assert kr(df, "yearly_review") == pytest.approx(1_500.0, abs=1e-6)
    assert kr(df, "yearly_review", "state") == 0.0
    assert kr(one("kontanthjaelp_aktivitetsparat", weeks=52), "yearly_review") == 0.0


def test_2_5_frees_half_of_the_team_casework():
    p = law("eg_rehabiliteringsteam_optional")
    assert [at(p, "finance.unit_cost.rehabilitation_team_share", y)
            for y in (2025, 2026, 2027, 2028)] == pytest.approx([1, 5 / 6, 2 / 3, 0.5])
    df = one("ressourceforloeb", start=dt.date(2028, 1, 1), params=p)
    assert kr(df, "rehabilitation_team") == pytest.approx(0.5 * 15 * 500, abs=1e-6)
    # The half still taken through a team keeps its 8 weeks, the other half waits 4:
    # a mean wait of 6 weeks once phased in (8 before).
    assert [at(p, "rehabilitation.decision_weeks", y)
            for y in (2025, 2026, 2028)] == pytest.approx([8.0, 8 - 2 / 3, 6.0])


def test_chapter_6_administration_service_frame_and_pools():
    p = law("eg_steering_targets", "eg_activation_in_service_frame", "eg_abolish_pools")
    assert at(p, "finance.jobcentre.other_per_ft", 2025) == 3_600
    assert at(p, "finance.jobcentre.other_per_ft", 2026) == pytest.approx(3_528.0)
    items = at(p, "finance.budget.items", 2027)
    assert items["personal_assistance"]["category"] == "service"
    assert items["six_week_course"]["category"] == "transfer_guaranteed"  # a right stays
    assert [at(p, "schemes.state_pools.amount", y) for y in (2025, 2026)] == [30, 0.0]
    topped = law(PolicyRef(name="eg_abolish_pools", options={"varslingspulje_mio_kr": 25}))
    assert at(topped, "schemes.state_pools.amount", 2026) == 25.0


def test_2_15_adds_a_100_mio_kr_upskilling_pool_over_2026_2029():
    p = law("eg_caseworker_upskilling_pool")
    assert [at(p, "schemes.upskilling_pool.amount", y) for y in range(2025, 2031)] == \
        [0, 25.0, 25.0, 25.0, 25.0, 0.0]
    # A whole year of 2027: 25 mio. kr, all state, spread over the target group's weeks.
    seg = _segments([("dagpenge", 0.0, 52.0, 0.0, 1), ("fleksjob", 0.0, 52.0, 0.0, 1)])
    df = finance_table(seg, p, Clock(dt.date(2027, 1, 1), 1), 1.0)
    assert kr(df, "upskilling_pool") == pytest.approx(25e6, rel=1e-12)
    assert kr(df, "upskilling_pool", "state") == pytest.approx(25e6, rel=1e-12)
    assert kr(df, "upskilling_pool", group="fleksjob") == 0.0
    assert kr(finance_table(seg, lawbook.base(), Clock(dt.date(2027, 1, 1), 1), 1.0),
              "upskilling_pool") == 0.0  # none under current law


def test_the_bundle_holds_the_new_elements_in_their_chapters():
    names = [m.name for m in expert_group._BUNDLE_MEMBERS]
    ch2 = expert_group._CHAPTERS["expert_group_2024_ch2_effort"]
    ch6 = expert_group._CHAPTERS["expert_group_2024_ch6_financing"]
    assert {"eg_phase_out_seniorjob_jobrotation",
            "eg_caseworker_upskilling_pool"} <= set(names[ch2[1]:ch2[2]])
    assert {"eg_steering_targets", "eg_abolish_pools"} <= set(names[ch6[1]:ch6[2]])


# -- the spending check -----------------------------------------------------------------
def test_spending_lines_sum_their_items_and_leave_the_premium_out():
    items = {"activation": 4000.0, "loentilskud": -200.0, "six_week_course": 200.0,
             "education_pools": 170.0, "seniorjob": 255.0, "jobrotation": 45.0,
             "voksenlaerling": -35.0, "personal_assistance": 570.0, "conversations": 5000.0,
             "state_pools": 30.0}
    rows = [(r, 2024, i, p, v if p == "gross" else 0.0) for r in (0, 1)
            for i, v in items.items() for p in ("gross", "state")]
    fin = pd.DataFrame(rows, columns=["replication", "year", "item", "payer", "mio_kr"])
    out = spending.lines(fin).set_index("line")
    assert out.loc["aktivering m.v.", "simulated"] == pytest.approx(4170.0)
    assert out.loc["andre beskæftigelsesordninger", "simulated"] == pytest.approx(835.0)
    assert np.isnan(out.loc["- job- og seniorpræmie", "simulated"])
    assert out.loc["total", "simulated"] == pytest.approx(4170 + 835 + 5000 + 30)
    assert out.loc["total excl. job- og seniorpræmie", "budget"] == 11_370 - 630
    assert out.loc["- voksenlærlinge (net)", "deviation"] == pytest.approx(0.0)
