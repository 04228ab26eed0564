"""The process layer: contact courses, ret og pligt offers, sanctions (rules.md (b)-(d)).

Hazards are switched off so the process runs to its schedule; expected values come
from the law's numbers in policies/params/.
"""

from __future__ import annotations

import datetime as dt

import pytest

import sim
from sim import lawbook
from sim.citizen import EDUCATION_LEVELS, SKILLED, UNSKILLED
from sim.process import daily_sanction
from tests.helpers import add_citizen, events_of, model_with, no_process, silent

NO_REENTRY = {f"population.reentry.{d}.share": 0.0
              for d in ("job", "self_support", "education", "other")}


def quiet(**extra) -> dict:
    return {**silent(), **NO_REENTRY, **no_process(), **extra}


def held_interval(group: str, date: dt.date = dt.date(2024, 1, 1)) -> float:
    """The interval after month 6 held: the law's (contact.schedule) times the
    municipalities' fitted practice (process.contact_practice_factor)."""
    base = lawbook.base()
    return base.at("contact.schedule", date)[group]["interval_after"] * \
        base.at("process.contact_practice_factor", date)[group]


def test_dagpenge_contact_course_2024_first_three_months_at_the_akasse():
    m = model_with(quiet(), years=1)
    add_citizen(m, 1, "dagpenge", age=40)
    m.run(populate=False)
    conv = events_of(m, 1, "conversation")[:9]
    # 6 conversations in months 0-6: first within 2 weeks, then evenly to week 26;
    # after month 6 at the law's interval times the fitted practice factor.
    step = held_interval("dagpenge")
    assert [w for w, _, _ in conv] == pytest.approx(
        [2, 6, 10, 14, 18, 22, 22 + step, 22 + 2 * step, 22 + 3 * step])
    # From 1 January 2024 the a-kasse holds months 0-3 (weeks 0-13).
    assert [d for _, _, d in conv] == ["akasse"] * 3 + ["jobcentre"] * 6


def test_dagpenge_contact_course_2023_all_at_the_jobcentre():
    m = model_with(quiet(), start=dt.date(2023, 1, 1), years=1)
    add_citizen(m, 1, "dagpenge", age=40)
    m.run(populate=False)
    assert {d for _, _, d in events_of(m, 1, "conversation")} == {"jobcentre"}


def test_kontanthjaelp_first_conversation_within_one_week_and_four_in_six_months():
    m = model_with(quiet(), years=1)
    add_citizen(m, 1, "kontanthjaelp_jobparat", age=40)
    m.run(populate=False)
    weeks = [w for w, _, _ in events_of(m, 1, "conversation")]
    assert weeks[0] == pytest.approx(1.0)
    assert sum(w < 26 for w in weeks) == 4


def test_contact_course_restarts_when_the_benefit_changes():
    m = model_with(quiet(**{"time_limits.sygedagpenge.extension_share": 0.0}), years=1)
    add_citizen(m, 1, "sygedagpenge", age=45)
    m.run(populate=False)
    conv = events_of(m, 1, "conversation")
    sdp = [w for w, g, _ in conv if g == "sygedagpenge"]
    ja = [w for w, g, _ in conv if g == "jobafklaring"]
    # Sygedagpenge: first by sick week 8, 4 in months 0-6 (8, 12.5, 17, 21.5; the next
    # would be at 26, after the move to jobafklaring at week 22); jobafklaring starts a
    # new course.
    assert sdp == pytest.approx([8.0, 12.5, 17.0, 21.5])
    assert ja[0] == pytest.approx(22.0 + 2.0)


def test_ret_og_pligt_dagpenge_offer_starts_at_six_months():
    m = model_with(quiet(), years=1)
    add_citizen(m, 1, "dagpenge", age=40)
    m.run(populate=False)
    starts = events_of(m, 1, "offer_start")
    assert starts[0][0] == pytest.approx(26.0)
    rules = m.law.regimes[0].process
    from sim.process import OFFER_INDEX
    assert rules.counts[OFFER_INDEX[starts[0][2]]]  # a type that counts for ret og pligt


def test_ret_og_pligt_uddannelseshjaelp_after_one_month_then_at_most_four_months_apart():
    m = model_with(quiet(), years=2)
    add_citizen(m, 1, "uddannelseshjaelp_uddannelsesparat", age=20)
    m.run(populate=False)
    starts = [w for w, _, _ in events_of(m, 1, "offer_start")]
    ends = [w for w, _, _ in events_of(m, 1, "offer_end")]
    assert starts[0] == pytest.approx(4.3)
    for end, nxt in zip(ends, starts[1:], strict=False):
        assert nxt - end == pytest.approx(17.3)


def test_exemption_postpones_the_offer_by_three_months():
    m = model_with(quiet(**{"process.exemption_share": 1.0}), years=1)
    add_citizen(m, 1, "dagpenge", age=40)
    m.run(populate=False)
    ex = [w for w, _, _ in events_of(m, 1, "exemption")]
    assert ex[:2] == pytest.approx([26.0, 39.0])


@pytest.mark.parametrize("weekly, per_day", [
    (5751 * 12 / 52, 200),    # exactly the first bound: 200 kr
    (5752 * 12 / 52, 400),
    (1615, 400),              # uddannelseshjælp ~7,000 kr/month
    (2869, 650),              # kontanthjælp 149,200 kr/yr = 12,433 kr/month
    (14000 * 12 / 52, 750),
])
def test_daily_sanction_rate_by_monthly_benefit(weekly, per_day):
    rules = model_with({}).law.regimes[0].process
    assert daily_sanction(rules, weekly) == per_day


def test_karantaene_is_three_weeks_of_dagpenge_at_entry():
    m = model_with(quiet(**{"process.karantaene_share": 1.0}), years=1)
    c = add_citizen(m, 1, "dagpenge", age=40)
    # The start stock is not a new spell; a new one starts with from_stock False.
    assert c is not None
    m.run(populate=False)
    red = m.ledger.reductions()
    assert list(red["kind"]) == ["karantaene"]
    # A citizen made by hand has the reference class: the highest dagpenge rate.
    assert red["amount"].iloc[0] == pytest.approx(3 * 4546)


def test_skaerpet_sanction_no_longer_applies_to_aktivitetsparate_from_2025():
    m = model_with({}, start=dt.date(2024, 6, 1), years=1)
    from sim.groups import GROUP_INDEX
    ap = GROUP_INDEX["kontanthjaelp_aktivitetsparat"]
    jp = GROUP_INDEX["kontanthjaelp_jobparat"]
    before, after = m.law.regimes[0].process, m.law.regime_at(m.clock.week_of(
        dt.date(2025, 1, 1))).process
    assert ap in before.skaerpet_groups and jp in before.skaerpet_groups
    assert ap not in after.skaerpet_groups and jp in after.skaerpet_groups


def offer_multipliers(offer: str, education: int = SKILLED, close: bool = True
                      ) -> tuple[list, list, float]:
    """One dagpenge citizen of the given education and distance to the labour market
    whose offers are all ``offer``: the
    stay's hazard multiplier during the first offer and in the post weeks after it, and
    the conversations' factor after month 6."""
    mix = {t: 0.0 for t in lawbook.value("effects.post")}
    mix[offer] = 1.0
    m = model_with(quiet(**{"process.offer_mix.dagpenge": mix}), years=1)
    c = add_citizen(m, 1, "dagpenge", age=40)
    c.education, c.close = education, close
    # Step the one citizen's process by hand and read its stay's multiplier after every
    # event, as the process does before it computes its next wake-up.
    env, seen = m.env, []
    while env.peek() < m.clock.horizon:
        env.step()
        casework = c.casework
        if casework is not None and casework.g == 0:
            seen.append((env.now, casework.offer, casework.multiplier(env.now)))
    eff = lawbook.base().snapshot(dt.date(2024, 1, 1))["effects"]
    conv = 1 + eff["conversation"]["dagpenge"] * (52 / 12 / held_interval("dagpenge"))
    end = events_of(m, c.id, "offer_end")[0][0]
    in_offer = [v for _, o, v in seen if o >= 0]
    after = [v for t, o, v in seen if o < 0 and end <= t < end + eff["post_weeks"]]
    assert in_offer and after
    return in_offer, after, conv


def test_an_offer_locks_in_and_the_post_programme_effect_follows():
    """The exit hazard during a private løntilskud is lock_in x baseline and after it post."""
    eff = lawbook.base().snapshot(dt.date(2024, 1, 1))["effects"]
    in_offer, after, conv = offer_multipliers("loentilskud_privat")
    assert all(v == pytest.approx(eff["lock_in"]["loentilskud_privat"] * conv)
               for v in in_offer)
    assert all(v == pytest.approx(eff["post"]["loentilskud_privat"] * conv) for v in after)


def test_ordinary_education_upskills_the_unskilled_close_to_the_market_only():
    """After ordinary education an unskilled person close to the labour market has the
    upskilling effect (effects.post_upskilling); a skilled or higher-educated one, and
    an unskilled one far from the market (the evidence is unclear there), the offer
    type's post effect; during it all are locked in alike."""
    eff = lawbook.base().snapshot(dt.date(2024, 1, 1))["effects"]
    assert eff["post_upskilling"] != eff["post"]["ordinaer_uddannelse"]
    education_post = eff["post"]["ordinaer_uddannelse"]
    for education, close, post in ((UNSKILLED, True, eff["post_upskilling"]),
                                   (UNSKILLED, False, education_post),
                                   (SKILLED, True, education_post),
                                   (EDUCATION_LEVELS.index("higher"), True, education_post)):
        in_offer, after, conv = offer_multipliers("ordinaer_uddannelse", education, close)
        lock = eff["lock_in"]["ordinaer_uddannelse"] * conv
        assert all(v == pytest.approx(lock) for v in in_offer)
        assert all(v == pytest.approx(post * conv) for v in after), (education, close)


def test_baseline_process_is_plausible_against_observed_levels():
    """Conversations (2.4 mio. in 2023), share of months in an offer (~30 %) and shares
    sanctioned in a year (DP 15 % incl. karantæne and 6 % without, jobparate 20 %,
    aktivitetsparate 6 %) within +-25 % (seed 003_6dc7bdcfc6d04eb3.txt, L609-L615;
    L3132-L3176; seed 004_282ac59a8741076f.txt, L1329-L1331). Fixed seed, scale 0.02."""
    r = sim.run(dict(name="p", start="2024-01-01", years=1, scale=0.02, seed=5,
                     replications=1, outputs=["stocks", "activity"]), workers=1)
    a = r.activity.pivot_table(index="group", columns="kind", values="count", aggfunc="sum")
    a = a.fillna(0.0)
    ft = r.stocks.set_index("group")["fulltime_persons"]
    conversations = a["conversation_jobcentre"].sum() + a["conversation_akasse"].sum()
    assert conversations == pytest.approx(2_400_000, rel=0.25)
    target = [g for g in ft.index if g not in ("fleksjob", "foertidspension")]
    weeks = a[[k for k in a.columns if k.startswith("offer_weeks:")
               and not k.endswith("mentor")]].sum(axis=1)
    assert weeks[target].sum() / (ft[target].sum() * 52) == pytest.approx(0.30, rel=0.25)
    share = a["persons_sanctioned"] / a["persons"]
    excl = a["persons_sanctioned_excl_karantaene"] / a["persons"]
    assert share["dagpenge"] == pytest.approx(0.15, rel=0.25)
    assert excl["dagpenge"] == pytest.approx(0.06, rel=0.25)
    assert share["kontanthjaelp_jobparat"] == pytest.approx(0.20, rel=0.25)
    assert share["kontanthjaelp_aktivitetsparat"] == pytest.approx(0.06, rel=0.25)
