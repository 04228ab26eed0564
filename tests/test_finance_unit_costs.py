"""Unit costs by group and by event, worked out by hand (policies/params/finance.yaml).

A caseworker hour costs 500 kr: 1.45 hours per jobcentre conversation (725 kr), 6.1 per
offer set up (3,050 kr), 15 per rehabiliteringsteam case (7,500 kr; a case is an entry to
ressourceforløb, ledighedsydelse, førtidspension or jobafklaring from 2013). Other
jobcentre operations 3,600 kr per full-time person-year times the group's weight (fitted
to the expert group's effort cost per full-time person, calibration/effort.py). ØVO
81,400 kr and ordinary education 29,300 kr per full-time person-year times the group's
price factor (fitted so each group's HK5 per FT is VIVE's 2019 profile, calibration/hk5.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
import pytest

from sim import lawbook
from sim.clock import Clock
from sim.cost_records import activity_counts, entry_counts
from sim.finance import finance_table
from sim.groups import GROUP_INDEX
from sim.path_cost import cost_path

JAN_2024 = dt.date(2024, 1, 1)
HOUR = 500.0


def kr(df, item, payer="gross", **where) -> float:
    rows = df[(df["item"] == item) & (df["payer"] == payer)]
    for col, value in where.items():
        rows = rows[rows[col] == value]
    return float(rows["mio_kr"].sum() * 1e6)


def law(path: str, date: dt.date = JAN_2024):
    return lawbook.base().value(path, date)


# -- rehabiliteringsteam -------------------------------------------------------------------
@pytest.mark.parametrize("group", ["ressourceforloeb", "ledighedsydelse", "foertidspension",
                                   "jobafklaring"])
def test_an_entry_to_a_team_group_is_one_rehabiliteringsteam_case(group):
    df = cost_path([{"group": group, "start": JAN_2024, "weeks": 10}])
    # 15 hours x 500 kr = 7,500 kr, municipal, no refusion.
    assert kr(df, "rehabilitation_team") == pytest.approx(7_500.0, abs=1e-6)
    assert kr(df, "rehabilitation_team", "state") == 0.0


def test_no_team_case_for_other_groups_or_before_2013():
    kh = cost_path([{"group": "kontanthjaelp_aktivitetsparat", "start": JAN_2024, "weeks": 10}])
    assert kr(kh, "rehabilitation_team") == 0.0
    before = cost_path([{"group": "foertidspension", "start": dt.date(2012, 6, 1), "weeks": 10}])
    assert kr(before, "rehabilitation_team") == 0.0


def test_a_path_through_the_team_pays_each_entry():
    # Kontanthjælp, then ressourceforløb, then førtidspension: two cases, 15,000 kr.
    df = cost_path([{"group": "kontanthjaelp_aktivitetsparat", "start": 0, "weeks": 20},
                    {"group": "ressourceforloeb", "start": 20, "weeks": 40},
                    {"group": "foertidspension", "start": 60, "weeks": 10}], start=JAN_2024)
    assert kr(df, "rehabilitation_team") == pytest.approx(15_000.0, abs=1e-6)
    assert kr(df, "rehabilitation_team", group="ressourceforloeb", year=2024) == 7_500.0
    assert kr(df, "rehabilitation_team", group="foertidspension", year=2025) == 7_500.0


def test_entry_counts_are_new_spells_and_moves_in():
    flows = Counter({(2024, "ressourceforloeb", "transition_in", "ressourceforloeb"): 3,
                     (2024, "foertidspension", "inflow", "foertidspension"): 2,
                     (2024, "foertidspension", "transition_in", "foertidspension"): 1,
                     (2024, "sygedagpenge", "exit", "job"): 9,
                     (2024, "sygedagpenge", "transition_out", "jobafklaring"): 4,
                     (2024, "jobafklaring", "transition_in", "jobafklaring"): 4})
    counts = entry_counts(flows)
    got = {(g, int(n)) for g, n in zip(counts["group"], counts["count"], strict=True)}
    assert got == {("ressourceforloeb", 3), ("foertidspension", 3), ("jobafklaring", 4)}
    # Costed from the counts at scale 0.5: (3 + 3 + 4) x 7,500 / 0.5 = 150,000 kr.
    seg = pd.DataFrame({"group": [GROUP_INDEX["ressourceforloeb"]], "start": [0.0],
                        "end": [1.0], "support_weeks": [0.0]})
    df = finance_table(seg, lawbook.base(), Clock(JAN_2024, 1), 0.5, counts=counts)
    assert kr(df, "rehabilitation_team") == pytest.approx(150_000.0, abs=1e-6)


# -- offers set up and conversations --------------------------------------------------------
def test_offers_set_up_and_conversations_from_counts():
    activities = Counter({(2024, "kontanthjaelp_jobparat", "offer_start:virksomhedspraktik"): 4,
                          (2024, "kontanthjaelp_jobparat", "offer_start:mentor"): 1,
                          (2024, "dagpenge", "conversation_jobcentre"): 10,
                          (2024, "dagpenge", "conversation_akasse"): 7,
                          (2024, "dagpenge", "offer_weeks:virksomhedspraktik"): 30})
    seg = pd.DataFrame({"group": [GROUP_INDEX["dagpenge"]], "start": [0.0], "end": [1.0],
                        "support_weeks": [0.0]})
    df = finance_table(seg, lawbook.base(), Clock(JAN_2024, 1), 1.0,
                       counts=activity_counts(activities))
    # 5 offers x 6.1 hours x 500 kr = 15,250 kr; 10 jobcentre conversations x 725 = 7,250.
    assert kr(df, "offer_casework") == pytest.approx(15_250.0, abs=1e-6)
    assert kr(df, "offer_casework", group="kontanthjaelp_jobparat") == pytest.approx(15_250.0)
    assert kr(df, "conversations") == pytest.approx(7_250.0, abs=1e-6)
    assert kr(df, "offer_casework", "state") == kr(df, "conversations", "state") == 0.0


def test_unit_costs_are_hours_times_the_hourly_cost():
    assert law("finance.unit_cost.casework_hour") == HOUR
    assert law("finance.unit_cost.conversation_hours") * HOUR == 725.0
    assert law("finance.unit_cost.offer_hours") * HOUR == 3_050.0
    hours = law("finance.unit_cost.rehabilitation_team_hours")
    assert 10 <= hours <= 20  # rules.md (a): 10-20 hours per citizen


# -- jobcentre operation by group -------------------------------------------------------------
@pytest.mark.parametrize(("group", "weight"), [
    ("uddannelseshjaelp_uddannelsesparat", 4.64), ("ressourceforloeb", 0.5),
    ("kontanthjaelp_aktivitetsparat", 0.5), ("jobafklaring", 0.5), ("dagpenge", 0.883),
    ("sygedagpenge", 0.5), ("ledighedsydelse", 1.237), ("fleksjob", 0.0)])
def test_other_jobcentre_operations_by_group(group, weight):
    df = cost_path([{"group": group, "start": JAN_2024, "weeks": 52}])
    # 52 weeks = one full-time person-year x 3,600 kr x the group's weight.
    assert kr(df, "jobcentre_other") == pytest.approx(3_600.0 * weight, abs=1e-6)


def test_jobcentre_weights_share_the_table_s_groups_and_keep_the_floor():
    """One weight for each of the expert group's groups (its sub-groups alike; revalidering
    as ressourceforløb), at least the fit's floor inside the target group, 0 outside it."""
    from calibration.effort import DEFAULT_FLOOR, WEIGHT_GROUPS

    weight = law("finance.jobcentre.weight")
    for members in WEIGHT_GROUPS.values():
        assert len({weight[g] for g in members}) == 1, members
        assert weight[members[0]] >= DEFAULT_FLOOR
    assert weight["fleksjob"] == weight["foertidspension"] == 0.0


# -- ØVO price by group ------------------------------------------------------------------------
@pytest.mark.parametrize(("group", "factor"), [
    ("dagpenge", 0.905), ("kontanthjaelp_jobparat", 0.945), ("sygedagpenge", 1.143),
    ("revalidering", 0.471), ("ressourceforloeb", 1.475), ("jobafklaring", 0.678),
    ("ledighedsydelse", 0.744)])
def test_oevrig_vejledning_price_by_group(group, factor):
    df = cost_path([{"group": group, "start": 0, "weeks": 20,
                     "offers": [{"kind": "oevrig_vejledning", "start": 0, "weeks": 13}]}],
                   start=JAN_2024)
    # 13 weeks x 81,400 x factor / 52 = 20,350 x factor kr.
    assert kr(df, "oevo") == pytest.approx(20_350.0 * factor, abs=1e-6)


def test_ordinary_education_is_dearer_for_revalidering_and_mentor_has_one_price():
    """Ordinary education 29,300 kr/FT-yr x the group's factor: revalidering 3.608, every
    other group 0.746 (its HK5 per FT is VIVE's, calibration/hk5.py); mentor 32,000 for
    every group."""
    for group, factor in (("revalidering", 3.608), ("kontanthjaelp_aktivitetsparat", 0.746)):
        df = cost_path([{"group": group, "start": 0, "weeks": 20,
                         "offers": [{"kind": "ordinaer_uddannelse", "start": 0, "weeks": 13}]}],
                       start=JAN_2024)
        assert kr(df, "activation") == pytest.approx(13 * 29_300 * factor / 52, abs=1e-6)
    for group in ("dagpenge", "sygedagpenge"):
        df = cost_path([{"group": group, "start": 0, "weeks": 20,
                         "offers": [{"kind": "mentor", "start": 0, "weeks": 13}]}],
                       start=JAN_2024)
        assert kr(df, "activation") == pytest.approx(13 * 32_000 / 52, abs=1e-6)


