"""Registered policies: each changes what its table says and nothing else; scope (new
spells keep the old law), phase-in, composition order, bundles and one-line errors."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

import policies
from policies.current_law import sanction_decision_current_law, visitation_current_law
from policies.rules import (
    offer_timing_spell_start,
    sanction_jobhjaelp_repeated_only,
    sanction_sick_spared_first,
    visitation_reroute_abolished,
)
from sim import lawbook
from sim.citizen import Citizen
from sim.cli import main
from sim.clock import WEEKS_PER_CALENDAR_YEAR, Clock
from sim.experiment import PolicyRef
from sim.groups import GROUP_INDEX, GROUPS
from sim.model import Model
from sim.parameters import EARLIEST, ParameterTree
from sim.random import Draws
from sim.rules import RuleSet
from sim.scenario import applied_policies, law_of
from sim.spell import life
from tests.helpers import process_at, segments_of, silent

OURS = ("eg_", "expert_group", "akasse_responsibility", "free_choice", "flat_refusion")
YEARS = [dt.date(y, 1, 1) for y in range(2000, 2041)]
NO_REENTRY = {f"population.reentry.{d}.share": 0.0
              for d in ("job", "self_support", "education", "other")}


def applied(*refs):
    return applied_policies([r if isinstance(r, PolicyRef) else PolicyRef(name=r)
                             for r in refs], "test", "scenario")


def law(*refs, overrides=None) -> ParameterTree:
    return law_of(applied(*refs), overrides or {}, "test", "scenario")


def changed_leaves(base: ParameterTree, new: ParameterTree) -> set[str]:
    out = set()
    for path, leaf in new.leaves.items():
        old = base.leaves[path]
        dates = {v.start for v in leaf.values} | {v.start for v in old.values} | set(YEARS)
        dates.add(EARLIEST)
        if any(old.entry_at(d) and leaf.entry_at(d) and old.at(d) != leaf.at(d)
               or bool(old.entry_at(d)) != bool(leaf.entry_at(d)) for d in dates):
            out.add(path)
    return out


@pytest.mark.parametrize("name", sorted(policies.registered()))
def test_policy_changes_exactly_the_paths_of_its_table(name):
    base = lawbook.base()
    a = applied(name)
    expected = {base.resolve(c.path)[0] for p in a for c in p.changes}
    changed = changed_leaves(base, law(name))
    assert changed <= expected  # nothing outside the table changes
    if name.startswith(OURS):
        # ... and every row of the table changes something (historical policies may
        # restate the law's own dated values on purpose).
        assert changed == expected


def test_every_policy_has_description_date_and_source():
    for p in policies.registered().values():
        assert p.description and "\n" not in p.description
        assert p.source and isinstance(p.effective, dt.date)


def test_bundle_is_its_chapters_in_order():
    whole = law("expert_group_2024")
    chapters = law(*(f"expert_group_2024_{c}" for c in
                     ("ch1_target_groups", "ch2_effort", "ch3_sanctions", "ch6_financing")))
    for path, leaf in whole.leaves.items():
        assert [(v.start, v.value) for v in leaf.values] == \
               [(v.start, v.value) for v in chapters.leaves[path].values], path


def test_bundle_abolitions_from_the_date_for_everyone_effort_phased():
    # "No new ressourceforløb (jobafklaring, revalidering) spells" (reforms.md 1.1-1.3):
    # no entries from the date, whenever the person's support spell began; the rules act
    # only at an entry, so those in the schemes finish their spell (reforms.md, Global
    # rules).
    by_name = {a.name: a for a in applied("expert_group_2024")}
    for n in ("eg_abolish_ressourceforloeb", "eg_abolish_jobafklaring",
              "eg_abolish_revalidering"):
        assert by_name[n].scope == "everyone" and by_name[n].phase_in is None
    assert by_name["eg_contact_courses"].scope == "everyone"
    assert by_name["eg_contact_courses"].phase_in == {2026: 1 / 3, 2027: 2 / 3, 2028: 1.0}


# -- phase-in and composition -------------------------------------------------------------
def test_phase_in_interpolates_numbers_by_year_and_switches_rules_half_way():
    p = law("eg_longer_pauses", "eg_contact_courses")
    weeks = [p.value("offers.exemption_max_weeks", dt.date(y, 6, 1)) for y in range(2025, 2030)]
    assert weeks == pytest.approx([13, 13 + 13 / 3, 13 + 26 / 3, 26, 26])
    clock = [p.value("rules.contact_clock", dt.date(y, 6, 1)) for y in (2025, 2026, 2027, 2028)]
    assert clock == [["current_law"], ["current_law"], ["spell_start", "current_law"],
                     ["spell_start", "current_law"]]


def test_exemption_rules_are_in_force_from_2026_while_their_shares_ramp_in():
    # 2.2 and 2.8: the rule that reads the shares is in force from the start (a third of
    # the share in 2026), not only from the half-way share in 2027
    p = law("eg_contact_courses", "eg_exempt_close_to_market", "eg_sick_leave_outside_effort")
    stacks = [p.value("rules.contact_clock", dt.date(y, 6, 1)) for y in (2025, 2026, 2027)]
    assert stacks == [["current_law"], ["exempt_first_6_months", "current_law"],
                      ["exempt_first_6_months", "spell_start", "current_law"]]
    shares = [p.value("contact.exempt_first_6_months", dt.date(y, 6, 1))
              for y in (2025, 2026, 2027, 2028)]
    assert [s["dagpenge"] for s in shares] == pytest.approx([0, 0.25 / 3, 0.5 / 3, 0.25])
    assert [s["sygedagpenge"] for s in shares] == pytest.approx([0, 0.4 / 3, 0.8 / 3, 0.4])


def test_two_phased_policies_on_one_table_keep_both_ramps():
    p = law("eg_contact_courses",
            PolicyRef(name="eg_fremdriftsgaranti", options={"effort_response": 0.25}))
    kh = [p.value("contact.schedule.kontanthjaelp_aktivitetsparat", dt.date(y, 6, 1))
          for y in (2025, 2026, 2027, 2028)]
    assert [s["first_6_months"] for s in kh] == pytest.approx([4, 3, 2, 1])
    # With effort_response 0.25 the review spaces conversations a quarter of the way from
    # today's interval to 52 (as written, 0, it leaves them alone).
    today = kh[0]["interval_after"]
    end = round(today + 0.25 * (52 - today), 1)
    assert end > today
    assert [s["interval_after"] for s in kh] == pytest.approx(
        [today, today + (end - today) / 3, today + 2 * (end - today) / 3, end])


def test_a_phased_in_number_of_conversations_is_rounded_a_third_a_year():
    p = law("eg_contact_courses")
    dp = GROUP_INDEX["dagpenge"]
    held = []
    for y in (2025, 2026, 2027, 2028):
        held.append(process_at(p, dt.date(y, 6, 1)).schedule[dp][1])
    # 6 -> 5.33 -> 4.67 -> 4 in the law; a cut (int) gave 6, 5, 4, 4
    assert [p.value("contact.schedule.dagpenge.first_6_months", dt.date(y, 6, 1))
            for y in (2025, 2026, 2027, 2028)] == pytest.approx([6, 16 / 3, 14 / 3, 4])
    assert held == [6, 5, 5, 4]


def test_composition_order_the_last_policy_wins():
    short = PolicyRef(name="dagpenge_period", options={"weeks": 52})
    long = PolicyRef(name="dagpenge_period", options={"weeks": 156})
    at = dt.date(2027, 1, 1)
    assert law(short, long).value("time_limits.dagpenge.max_weeks", at) == 156
    assert law(long, short).value("time_limits.dagpenge.max_weeks", at) == 52
    # A later policy on one key of a table leaves the earlier one's other keys alone.
    p = law("eg_ledighedsydelse_jobsoegning", "eg_first_conversation_2_weeks")
    ly = p.value("contact.schedule.ledighedsydelse", dt.date(2029, 1, 1))
    jobparat = law().value("contact.schedule.kontanthjaelp_jobparat", dt.date(2029, 1, 1))
    own = law().value("contact.schedule.ledighedsydelse", dt.date(2029, 1, 1))
    assert jobparat["first_week"] != 2
    assert (ly["first_week"], ly["first_6_months"], ly["interval_after"]) == \
        (2, jobparat["first_6_months"], own["interval_after"])


def test_options_change_the_table():
    p = law(PolicyRef(name="flat_refusion", options={"share": 0.4}))
    assert p.value("refusion.staircase", dt.date(2026, 1, 1)) == \
        {"4": 0.4, "26": 0.4, "52": 0.4, "inf": 0.4}
    assert p.value("refusion.staircase", dt.date(2025, 1, 1))["4"] == 0.8
    p = law(PolicyRef(name="akasse_responsibility_6_months", options={"months": 12}))
    assert p.value("contact.schedule.dagpenge.akasse_weeks", dt.date(2026, 1, 1)) == 52


# -- scope: following single citizens ------------------------------------------------------
START = dt.date(2025, 1, 1)
EFFECTIVE_WEEK = (dt.date(2026, 1, 1) - START).days / 7


def model_under(name: str, extra: dict | None = None) -> Model:
    """A model of policy ``name``; for a policy for new spells only, with the base law for
    spells begun before its date (as the runner builds it)."""
    overrides = {**silent(), **NO_REENTRY, "population.warmup_years": 0, **(extra or {})}
    a = applied(name)
    params = law_of(a, overrides, "test", "scenario")
    before = law_of([], overrides, "test", "scenario")
    clock = Clock(START, 3)
    base = float(params.at("cycle.base_rate", START))
    return Model(params, clock, {y: base for y in clock.calendar_years}, 1, 0, 1.0,
                 keep_spells=True, keep_events=True,
                 cohorts=[(a[0].effective, before)] if a[0].scope == "new_spells" else None)


def start_spell(model: Model, cid: int, group: str, age: float, week: float) -> None:
    c = Citizen(cid, Draws(model.seed, 0, cid), 0, week - age * WEEKS_PER_CALENDAR_YEAR)

    def begin():
        yield model.env.timeout(week)
        yield model.env.process(life(model, c, GROUP_INDEX[group], 0.0, False))

    model.env.process(begin())


def test_ressourceforloeb_takes_no_entrants_from_the_date_and_those_in_it_finish():
    m = model_under("eg_abolish_ressourceforloeb")
    start_spell(m, 1, "ressourceforloeb", age=45, week=10.0)
    for cid in range(2, 40):
        start_spell(m, cid, "ressourceforloeb", age=45, week=EFFECTIVE_WEEK + 1)
    m.run(populate=False)
    assert segments_of(m, 1)[0][0] == "ressourceforloeb"
    after = [segments_of(m, cid) for cid in range(2, 40)]
    entered = [s[0][0] for s in after if s]
    assert "ressourceforloeb" not in entered
    assert set(entered) <= {"kontanthjaelp_aktivitetsparat", "sygedagpenge", "foertidspension"}
    assert any(not s for s in after)  # some get no benefit at all (~10 %)


def test_a_ressourceforloeb_begun_before_the_date_ends_without_a_new_course():
    # in ressourceforløb from 2025 with a 60-week course: it ends in 2026, and the team's
    # renewal is a new ressourceforløb the law no longer has (reforms.md 1.1), so the
    # person goes where a would-be entrant goes
    m = model_under("eg_abolish_ressourceforloeb",
                    {"time_limits.ressourceforloeb.max_weeks": 60})
    for cid in range(1, 41):
        start_spell(m, cid, "ressourceforloeb", age=45 if cid % 2 else 25, week=10.0)
    m.run(populate=False)
    after = []
    for cid in range(1, 41):
        seg = segments_of(m, cid)
        assert seg[0][0] == "ressourceforloeb"  # the course begun before the date goes on
        assert all(g != "ressourceforloeb" for g, start, _ in seg[1:]), seg
        if seg[0][2] == pytest.approx(70.0):  # ended by the course's limit in 2026
            after.append(seg[1][0] if len(seg) > 1 else "exit")
    assert len(after) > 10
    assert set(after) <= {"kontanthjaelp_aktivitetsparat", "sygedagpenge", "foertidspension",
                          "ledighedsydelse", "exit"}


def test_jobafklaring_takes_no_entrants_from_the_date_whenever_the_spell_began():
    m = model_under("eg_abolish_jobafklaring",
                    {"time_limits.sygedagpenge.extension_share": 0.0})
    start_spell(m, 1, "sygedagpenge", age=45, week=EFFECTIVE_WEEK - 30)  # revurdering before
    start_spell(m, 2, "sygedagpenge", age=45, week=EFFECTIVE_WEEK - 10)  # revurdering in 2026
    start_spell(m, 3, "sygedagpenge", age=45, week=EFFECTIVE_WEEK + 1)
    m.run(populate=False)
    # entered before the date: finishes the jobafklaring it began
    first = segments_of(m, 1)
    assert [g for g, _, _ in first][:2] == ["sygedagpenge", "jobafklaring"]
    assert first[0][2] == pytest.approx(EFFECTIVE_WEEK - 8)
    assert first[1][2] > EFFECTIVE_WEEK
    # at revurdering after the date, whenever the sick spell began: stays on sygedagpenge
    assert [g for g, _, _ in segments_of(m, 2)] == ["sygedagpenge"]
    assert segments_of(m, 2)[0][2] > EFFECTIVE_WEEK + 12
    assert [g for g, _, _ in segments_of(m, 3)] == ["sygedagpenge"]  # stays, extended


# -- the rules themselves ---------------------------------------------------------------
def test_reroute_sends_under_40s_nowhere_near_foertidspension():
    p = law("eg_abolish_ressourceforloeb").snapshot(dt.date(2027, 1, 1))
    regime = SimpleNamespace(params=p, foertidspension_min_age=40.0, youth_max_age=30.0)
    rf = GROUP_INDEX["ressourceforloeb"]
    young = [visitation_reroute_abolished(
        SimpleNamespace(age=lambda now: 35.0, profile=-1, draws=Draws(1, 0, i)), rf, 0.0,
        regime, 0, below=visitation_current_law) for i in range(300)]
    assert GROUP_INDEX["foertidspension"] not in young and rf not in young
    assert 0.05 < young.count("self_support") / 300 < 0.2
    kh = GROUP_INDEX["kontanthjaelp_aktivitetsparat"]
    assert visitation_reroute_abolished(SimpleNamespace(age=lambda now: 35.0), kh, 0.0,
                                        regime, 0, below=visitation_current_law) == kh


def test_sanction_rules_spare_first_jobhjaelp_no_show_and_first_sick_conversation():
    ap, jp, sdp = (GROUP_INDEX[g] for g in ("kontanthjaelp_aktivitetsparat",
                                            "kontanthjaelp_jobparat", "sygedagpenge"))
    first = SimpleNamespace(g=ap, no_shows=[])
    repeated = SimpleNamespace(g=ap, no_shows=[3])
    law = sanction_decision_current_law
    assert not sanction_jobhjaelp_repeated_only(first, None, 5, 0.0, 1.0, below=law)
    assert sanction_jobhjaelp_repeated_only(repeated, None, 5, 0.0, 1.0, below=law)
    assert not sanction_jobhjaelp_repeated_only(repeated, None, 5, 0.5, 0.4, below=law)
    assert sanction_jobhjaelp_repeated_only(SimpleNamespace(g=jp, no_shows=[]), None, 5, 0.0,
                                            1.0, below=law)
    sick = SimpleNamespace(g=sdp, no_shows=[])
    assert not sanction_sick_spared_first(sick, None, 0, 0.0, 1.0, below=law)
    assert sanction_sick_spared_first(sick, None, 1, 0.0, 1.0, below=law)


def _stack_of(*refs) -> list[str]:
    return law(*refs).value("rules.sanction_decision", dt.date(2030, 1, 1))


def test_two_recommendations_on_one_hook_stack_in_either_order():
    """3.1 and 3.5 both change the sanction decision, for disjoint groups: stacked in
    either order on the current law they decide every case alike (a stack, not a
    hand-written combined rule)."""

    one = _stack_of("eg_sanction_jobhjaelp", "eg_sanction_sick_first_conversation")
    other = _stack_of("eg_sanction_sick_first_conversation", "eg_sanction_jobhjaelp")
    assert one == ["sick_spared_first_conversation", "jobhjaelp_repeated_only", "current_law"]
    assert other == ["jobhjaelp_repeated_only", "sick_spared_first_conversation", "current_law"]
    stacks = lawbook.base().snapshot(dt.date(2030, 1, 1))["rules"]
    decide_one = RuleSet.from_stacks({**stacks, "sanction_decision": one}).sanction_decision
    decide_other = RuleSet.from_stacks({**stacks, "sanction_decision": other}).sanction_decision
    cases = [(SimpleNamespace(g=g, no_shows=shows), k, u)
             for g in range(len(GROUPS)) for shows in ([], [1]) for k in (0, 1, 4)
             for u in (0.1, 0.5, 0.9)]
    decisions = [decide_one(cw, None, k, u, 0.6) for cw, k, u in cases]
    assert decisions == [decide_other(cw, None, k, u, 0.6) for cw, k, u in cases]
    assert 0 < sum(decisions) < len(decisions)  # some spared, some sanctioned


def test_a_stack_must_end_in_a_complete_rule(tmp_path, capsys):
    import yaml

    file = tmp_path / "exp.yaml"
    file.write_text(yaml.safe_dump({
        "name": "x", "start": "2025-01-01", "years": 1, "scale": 0.001, "seed": 1,
        "scenarios": {"baseline": {"policies": ["current_law_2024"], "parameters": {
            "rules.sanction_decision": ["jobhjaelp_repeated_only"]}}}}))
    assert main(["run", str(file), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "complete rule" in err


def test_ret_og_pligt_counts_from_the_spell_start():
    jp = GROUP_INDEX["kontanthjaelp_jobparat"]
    rp = [float("inf")] * len(GROUPS)
    rp[jp] = 26.0
    regime = SimpleNamespace(process=SimpleNamespace(rp_first=tuple(rp)))
    assert offer_timing_spell_start(SimpleNamespace(spell_start=0.0), jp, 10.0, regime) == 26.0
    assert offer_timing_spell_start(SimpleNamespace(spell_start=0.0), jp, 30.0, regime) == 30.0


# -- errors and the CLI -------------------------------------------------------------------
@pytest.mark.parametrize("policy, problem", [
    ("no_such_policy", "a registered policy"),
    ({"name": "flat_refusion", "options": {"shares": 0.5}}, "options"),
    ({"name": "eg_abolish_ressourceforloeb", "options": {"kontanthjaelp": 0.9}}, "sum to 1"),
])
def test_unknown_policy_or_option_is_a_one_line_error(tmp_path, capsys, policy, problem):
    import yaml

    file = tmp_path / "exp.yaml"
    file.write_text(yaml.safe_dump({
        "name": "x", "start": "2025-01-01", "years": 1, "scale": 0.001, "seed": 1,
        "scenarios": {"baseline": {"policies": ["current_law_2024", policy]}}}))
    assert main(["run", str(file), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and problem in err


def test_cli_lists_and_shows_policies(capsys):
    assert main(["policies"]) == 0
    out = capsys.readouterr().out
    for name in policies.registered():
        assert name in out
    assert main(["policies", "eg_abolish_jobafklaring"]) == 0
    out = capsys.readouterr().out
    assert "visitation.reroute.jobafklaring.sygedagpenge" in out and "reroute_abolished" in out
    assert main(["policies", "no_such_policy"]) == 2


def test_a_rule_stacked_earlier_keeps_a_rule_stacked_later_on_the_same_hook():
    """3.5 stacked with its own phase-in (in force from 2027), then 3.1 from 2026 at
    once: both stay on the stack from 2027, in either order of the policies."""
    late_31 = PolicyRef(name="eg_sanction_jobhjaelp", effective=dt.date(2026, 1, 1),
                        phase_in={2026: 1.0})
    for refs in (("eg_sanction_sick_first_conversation", late_31),
                 (late_31, "eg_sanction_sick_first_conversation")):
        stack = law(*refs).value("rules.sanction_decision", dt.date(2028, 1, 1))
        assert set(stack) == {"sick_spared_first_conversation", "jobhjaelp_repeated_only",
                              "current_law"}, (refs, stack)
