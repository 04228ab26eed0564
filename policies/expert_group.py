"""The expert group's proposal "Fremtidens beskæftigelsesindsats" (seed 003_6dc7bdcfc6d04eb3.txt),
one policy per recommendation that changes what the simulator models, the bundle
``expert_group_2024``, and the two models the group considered and rejected.

Spec: ../shared/domain/reforms.md, section (ii). Values marked "param" there are options
with a stated default; every default cites a seed line or says "assumption". New values
are computed from the law in force at the policy's effective date (policies/params), so
a table shows "set ledighedsydelse to jobparat kontanthjælp's schedule" with the numbers.

Global rules (reforms.md (ii), Global rules):
- benefit changes (the abolished schemes 1.1-1.3) apply to new spells only; people in
  them finish their spell (seed 003_6dc7bdcfc6d04eb3.txt, L11458; L12278-L12286);
- effort changes ramp in over 3 years (L12529-L12531): a third in 2026, two thirds in
  2027, all from 2028 (numbers are interpolated, rules and switches change at the
  half-way share, i.e. in 2027);
- the whole is phased in over 2026-2030 (L12467-L12478): the ØVO cut (6.5) reaches its
  full size in 2028 ("within 2-3 years", L11039-L11143), the financing change (6.3) in 2027.

Not modelled (no caseload parameter or no engine mechanism): 1.6 (not in the text), 2.6,
2.7 (seniorjob and jobrotation are not simulated), 2.9 (contact mode), 2.10, 2.14, 2.15,
3.4, 3.7, 3.9, 3.10, chapter 4, 5.3-5.6, 6.1, 6.2, 6.4, 6.6, 6.7.
"""

# ruff: noqa: E501  (option descriptions carry their sources on one line)
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, model_validator

from policies.registry import Member, Options, ParameterChange, Policy, register
from sim import lawbook
from sim.brackets import Brackets
from sim.groups import EFFORT_CLOSE_TO_MARKET, EFFORT_JOBHJAELP, EFFORT_SICK_LISTED
from sim.rules import on_top

SEED = "seed 003_6dc7bdcfc6d04eb3.txt"
EFFECTIVE = dt.date(2026, 1, 1)
EFFORT_PHASE_IN = {2026: 1 / 3, 2027: 2 / 3, 2028: 1.0}  # L12529-L12531: over 3 years

def law(path: str, date: dt.date = EFFECTIVE) -> Any:
    """The current law's value of ``path`` on ``date`` (base parameters, no policy)."""
    return lawbook.value(path, date)


def changed(changes: list[ParameterChange], date: dt.date = EFFECTIVE
            ) -> list[ParameterChange]:
    """The changes that differ from the current law (a table lists only real changes)."""
    return [c for c in changes if law(c.path, c.start or date) != c.value]


def toward(old: float, new: float, response: float) -> int:
    """A whole number of conversations ``response`` of the way from ``old`` to ``new``."""
    return int(round(old + response * (new - old)))


# -- chapter 1: fewer target groups --------------------------------------------------------
def reroute(group: str, shares: dict[str, float]) -> list[ParameterChange]:
    """No new entrants in ``group``: its row of visitation.reroute (destination shares)
    and the visitation rule that reads it."""
    return [ParameterChange(f"visitation.reroute.{group}.{d}", float(s))
            for d, s in shares.items() if s > 0] + [
        ParameterChange(*on_top("visitation", "reroute_abolished"))]


class RessourceforloebOptions(Options):
    no_benefit: float = Field(0.10, ge=0, le=1, description=f"Share of would-be entrants who get no benefit (asset and offset rules; {SEED}, L12288-L12350: about 10 %)")
    kontanthjaelp: float = Field(0.50, ge=0, le=1, description=f"Share who get aktivitetsparat kontanthjælp, about 1,000 kr/month below ressourceforløbsydelse ({SEED}, L12288-L12350: about 50 %)")
    sygedagpenge: float = Field(0.25, ge=0, le=1, description="Share who get sygedagpenge (param; assumption: half of the rest)")
    foertidspension: float = Field(0.15, ge=0, le=1, description="Share granted førtidspension earlier (param; assumption: the other half of the rest less 10 points of 'etc.' put on sygedagpenge); only from foertidspension.min_age, else the share goes to the others")

    @model_validator(mode="after")
    def _sum_to_one(self):
        total = self.no_benefit + self.kontanthjaelp + self.sygedagpenge + self.foertidspension
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the shares must sum to 1 (they sum to {total:g})")
        return self


register(Policy(
    name="eg_abolish_ressourceforloeb",
    description="1.1 No new ressourceforløb: would-be entrants get no benefit (~10 %), "
                "aktivitetsparat kontanthjælp (~50 %) or sygedagpenge/førtidspension",
    effective=EFFECTIVE, scope="new_spells",
    source=f"{SEED}, L12583; L12288-L12350",
    options=RessourceforloebOptions,
    changes=lambda o: [
        *reroute("ressourceforloeb", {
            "self_support": o.no_benefit, "kontanthjaelp_aktivitetsparat": o.kontanthjaelp,
            "sygedagpenge": o.sygedagpenge, "foertidspension": o.foertidspension}),
    ],
))

register(Policy(
    name="eg_abolish_jobafklaring",
    description="1.2 No new jobafklaringsforløb: at revurdering the citizen stays on "
                "sygedagpenge (extended)",
    effective=EFFECTIVE, scope="new_spells",
    source=f"{SEED}, L12585; L12352-L12360 (they stay on sygedagpenge: [inferred], reforms.md)",
    changes=lambda o: [
        *reroute("jobafklaring", {"sygedagpenge": 1.0}),
    ],
))


class RevalideringOptions(Options):
    kontanthjaelp: float = Field(1.0, ge=0, le=1, description="Share of would-be entrants on aktivitetsparat kontanthjælp (assumption: revalidering is for people with permanent limitations, the alternative route is education (2.12) while on kontanthjælp)")
    sygedagpenge: float = Field(0.0, ge=0, le=1, description="Share on sygedagpenge (param)")

    @model_validator(mode="after")
    def _sum_to_one(self):
        if abs(self.kontanthjaelp + self.sygedagpenge - 1.0) > 1e-6:
            raise ValueError("kontanthjaelp and sygedagpenge must sum to 1")
        return self


register(Policy(
    name="eg_abolish_revalidering",
    description="1.3 No new revalidering: would-be entrants go to aktivitetsparat "
                "kontanthjælp (option: part to sygedagpenge)",
    effective=EFFECTIVE, scope="new_spells",
    source=f"{SEED}, L12587; L2186-L2202",
    options=RevalideringOptions,
    changes=lambda o: [
        *reroute("revalidering", {"kontanthjaelp_aktivitetsparat": o.kontanthjaelp,
                                  "sygedagpenge": o.sygedagpenge}),
    ],
))


class YoungOptions(Options):
    repeat_weeks: float | None = Field(None, ge=1, description="Longest gap between offers for uddannelsesparate after the first (param; None: no repeat, as jobsøgning)")


register(Policy(
    name="eg_young_individual_focus",
    description="1.4 Young people in the kontanthjælp system: uddannelseshjælp's fixed "
                "offer rhythm (1 month, then every 4) replaced by the adult effort group's "
                "ret og pligt",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L12589 (content not in the text: param); L141-L153 (current youth rule)",
    options=YoungOptions,
    changes=lambda o: changed([
        ParameterChange("offers.ret_og_pligt.uddannelseshjaelp_uddannelsesparat",
                        {**law("offers.ret_og_pligt.kontanthjaelp_jobparat"),
                         "repeat_weeks": o.repeat_weeks}),
        ParameterChange("offers.ret_og_pligt.uddannelseshjaelp_aktivitetsparat",
                        law("offers.ret_og_pligt.kontanthjaelp_aktivitetsparat")),
    ]),
))

register(Policy(
    name="eg_ledighedsydelse_jobsoegning",
    description="1.5 Ledighedsydelse follows the jobsøgning rules of jobparat kontanthjælp: "
                "contact course, ret og pligt and sanction decision",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L12591",
    changes=lambda o: changed([
        ParameterChange("contact.schedule.ledighedsydelse",
                        law("contact.schedule.kontanthjaelp_jobparat")),
        ParameterChange("offers.ret_og_pligt.ledighedsydelse",
                        law("offers.ret_og_pligt.kontanthjaelp_jobparat")),
        ParameterChange("process.sanction_decision.ledighedsydelse",
                        law("process.sanction_decision.kontanthjaelp_jobparat")),
    ]),
))

register(Policy(
    name="eg_effort_groups",
    description="1.7 Visitation into 4 effort groups: the contact course of ressourceforløb "
                "and revalidering follows jobhjælp (aktivitetsparat kontanthjælp), that of "
                "jobafklaring the sygedagpengeindsats",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L12593; L1315-L1325; L1422-L1424 (mapping: reforms.md (ii) [inferred])",
    changes=lambda o: changed([
        ParameterChange(f"contact.schedule.{g}",
                        law("contact.schedule.kontanthjaelp_aktivitetsparat"))
        for g in ("ressourceforloeb", "revalidering")
    ] + [ParameterChange("contact.schedule.jobafklaring", law("contact.schedule.sygedagpenge"))]),
))


# -- chapter 2: individually planned effort -------------------------------------------------
class ContactOptions(Options):
    jobhjaelp_conversations: int = Field(1, ge=0, le=6, description=f"Conversations in months 0-6 for jobhjælp ({SEED}, L1327-L1450: 4 -> 1)")
    sick_conversations: int = Field(1, ge=0, le=6, description=f"Conversations in months 0-6 for sygedagpenge ({SEED}, L1327-L1450: 4 -> 1)")
    close_to_market_conversations: int = Field(4, ge=2, le=6, description=f"Conversations in months 0-6 for dagpenge and jobsøgning, 'harmonised' (param: the number is in a lost figure, {SEED}, L1327-L1450; assumption 4, so the a-kasse holds the first 2 in months 0-3, L7794-L7827)")
    effort_response: float = Field(1.0, ge=0, le=1, description="muni.effort_response (param, reforms.md (ii)): how far municipalities go from today's number to the new minimum (1 = all the way)")


def _contact_changes(o: ContactOptions) -> list[ParameterChange]:
    out = []
    for groups, n in ((EFFORT_JOBHJAELP, o.jobhjaelp_conversations), (EFFORT_SICK_LISTED, o.sick_conversations),
                      (EFFORT_CLOSE_TO_MARKET, o.close_to_market_conversations)):
        for g in groups:
            old = law(f"contact.schedule.{g}.first_6_months")
            out.append(ParameterChange(f"contact.schedule.{g}.first_6_months",
                                       toward(old, n, o.effort_response)))
    out += [
        ParameterChange(*on_top("contact_clock", "spell_start")),
        ParameterChange(*on_top("offer_timing", "spell_start")),
        ParameterChange("offers.ret_og_pligt.uddannelseshjaelp_aktivitetsparat",
                        {"first_week": None, "repeat_weeks": None}),
        ParameterChange("offers.types.oevrig_vejledning.counts", True),
    ]
    return changed(out)


register(Policy(
    name="eg_contact_courses",
    description="2.1 New contact courses: 4 -> 1 conversations in months 0-6 for jobhjælp "
                "and sygedagpenge, close to the market harmonised (a-kasse first 2), no "
                "restart at a change of benefit, ret og pligt only for dagpenge and "
                "jobsøgning, ØVO counts again",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L1327-L1450; L7794-L7827 (5.1)",
    options=ContactOptions,
    changes=_contact_changes,
))


class ExemptOptions(Options):
    share: float = Field(0.25, ge=0, le=0.25, description=f"Share of close-to-market stays exempted from conversations in months 0-6 ({SEED}, L1454-L1483: up to 1 in 4; how many municipalities use it is param)")


register(Policy(
    name="eg_exempt_close_to_market",
    description="2.2 Up to 1 in 4 close to the market exempted from conversations in "
                "months 0-6 (their course starts at month 6)",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L1454-L1483",
    options=ExemptOptions,
    changes=lambda o: [ParameterChange(f"contact.exempt_first_6_months.{g}", o.share)
                       for g in EFFORT_CLOSE_TO_MARKET] + [
        ParameterChange(*on_top("contact_clock", "exempt_first_6_months"))],
))


class ReviewOptions(Options):
    review_weeks: float = Field(52.0, gt=0, description=f"Yearly case review and plan ({SEED}, L1485-L1547)")
    effort_response: float = Field(0.25, ge=0, le=1, description="muni.effort_response (param): how far the interval between conversations after month 6 moves from today's practice to the yearly review (assumption 0.25)")


register(Policy(
    name="eg_fremdriftsgaranti",
    description="2.3 Fremdriftsgaranti for jobhjælp: a yearly review and plan; conversations "
                "after month 6 spaced toward the yearly review by muni.effort_response",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L1485-L1547",
    options=ReviewOptions,
    changes=lambda o: changed([
        ParameterChange(f"contact.schedule.{g}.interval_after",
                        round(law(f"contact.schedule.{g}.interval_after") + o.effort_response
                              * (o.review_weeks - law(f"contact.schedule.{g}.interval_after")), 1))
        for g in ("kontanthjaelp_aktivitetsparat", "uddannelseshjaelp_aktivitetsparat")]),
))

register(Policy(
    name="eg_longer_pauses",
    description="2.4 Exemption from availability up to 6 months at a time (was 3)",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L1591-L1611",
    changes=lambda o: [ParameterChange("offers.exemption_max_weeks", 26)],
))


class RehabOptions(Options):
    decision_weeks: float = Field(4.0, ge=0, description="Weeks from referral to decision without the mandatory team (param; assumption: half of rehabilitation.decision_weeks)")


register(Policy(
    name="eg_rehabiliteringsteam_optional",
    description="2.5 Rehabiliteringsteam no longer mandatory: faster decisions on "
                "fleksjob/førtidspension",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L1615-L1670",
    options=RehabOptions,
    changes=lambda o: [ParameterChange("rehabilitation.decision_weeks", o.decision_weeks)],
))


class SickOptions(Options):
    share: float = Field(0.4, ge=0, le=1, description="Share of sygedagpenge stays of employees with a job to return to, expected back within 26 weeks (param; assumption: the seeds give no share)")


register(Policy(
    name="eg_sick_leave_outside_effort",
    description="2.8 No required conversations in months 0-6 for sick-listed employees "
                "expected back within 26 weeks (2.9 contact mode and 5.2 a-kasse weeks are "
                "not modelled)",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L1838-L1888 (2.8); L1902-L1928 (2.9); L7875-L7907 (5.2)",
    options=SickOptions,
    changes=lambda o: [
        ParameterChange("contact.exempt_first_6_months.sygedagpenge", o.share),
        ParameterChange(*on_top("contact_clock", "exempt_first_6_months"))],
))

register(Policy(
    name="eg_first_conversation_2_weeks",
    description="2.11 First conversation within 2 weeks for dagpenge, kontanthjælp and "
                "ledighedsydelse",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L2127-L2157",
    changes=lambda o: changed([
        ParameterChange(f"contact.schedule.{g}.first_week", 2)
        for g in ("kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat",
                  "ledighedsydelse")]),
))


class EducationOptions(Options):
    shift: float = Field(0.05, ge=0, le=0.3, description="Share of offers moved from ØVO to ordinary education for dagpenge and jobparat kontanthjælp (param; assumption)")


def _education_changes(o: EducationOptions) -> list[ParameterChange]:
    out = []
    for g in ("dagpenge", "kontanthjaelp_jobparat"):
        mix = dict(law(f"process.offer_mix.{g}"))
        moved = min(o.shift, mix["oevrig_vejledning"])
        out.append(ParameterChange(f"process.offer_mix.{g}.oevrig_vejledning",
                                   round(mix["oevrig_vejledning"] - moved, 4)))
        out.append(ParameterChange(f"process.offer_mix.{g}.ordinaer_uddannelse",
                                   round(mix["ordinaer_uddannelse"] + moved, 4)))
    return changed(out)


register(Policy(
    name="eg_education_skilled_and_courses",
    description="2.12+2.13 Education to skilled level and one course right (also for "
                "kontanthjælp, after 6 months, 80 % refusion): offers shift from ØVO to "
                "ordinary education",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L2176-L2240 (2.12); L2259-L2377 (2.13); pool_refusion stays 80 %",
    options=EducationOptions,
    changes=_education_changes,
))


# -- chapter 3: sanctions ---------------------------------------------------------------
class JobhjaelpSanctionOptions(Options):
    multiplier: float = Field(0.25, ge=0, le=1, description="sanction.jobhjaelp_multiplier (param, reforms.md 3.1: << 1): factor on jobhjælp's sanction decision probability (assumption 0.25)")


register(Policy(
    name="eg_sanction_jobhjaelp",
    description="3.1 Jobhjælp: no sanction by default, only at a repeated no-show, with a "
                "lower decision probability",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L3618-L3692",
    options=JobhjaelpSanctionOptions,
    changes=lambda o: changed([
        ParameterChange(f"process.sanction_decision.{g}",
                        round(law(f"process.sanction_decision.{g}") * o.multiplier, 4))
        for g in EFFORT_JOBHJAELP] + [
        ParameterChange(*on_top("sanction_decision", "jobhjaelp_repeated_only"))]),
))


class JoblogOptions(Options):
    decision: float = Field(1.0, ge=0, le=1, description=f"Chance a missed duty is sanctioned, close to the market: automatic ({SEED}, L3744-L3766)")


register(Policy(
    name="eg_sanction_joblog",
    description="3.2 Close to the market: automatic sanction after a reminder (1 week "
                "dagpenge, 3 sanction rates kontanthjælp: the current sanction sizes)",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L3744-L3766 (the monthly joblog itself is not modelled)",
    options=JoblogOptions,
    changes=lambda o: changed([
        ParameterChange(f"process.sanction_decision.{g}", o.decision)
        for g in EFFORT_CLOSE_TO_MARKET]),
))


class NoShowFeeOptions(Options):
    amount_dagpenge: float = Field(500.0, gt=0, description=f"Sanction for a no-show without cancelling, dagpenge, kr ({SEED}, L3790-L3810: about 500 kr)")


def _fee_changes(o: NoShowFeeOptions) -> list[ParameterChange]:
    dp_day = law("benefit_rates.weekly_rate.dagpenge") / 5.0
    kh_weekly = law("benefit_rates.weekly_rate.kontanthjaelp_jobparat")
    kh_amount = o.amount_dagpenge * kh_weekly / law("benefit_rates.weekly_rate.dagpenge")
    monthly = kh_weekly * 52 / 12
    kh_rate = Brackets.parse(law("sanctions.daily_rate")).at(monthly)
    return [
        ParameterChange("process.sanction_days.saa_laenge_days", round(o.amount_dagpenge / dp_day, 3)),
        ParameterChange("process.sanction_days.daily_days", round(kh_amount / kh_rate, 3)),
    ]


register(Policy(
    name="eg_sanction_no_show_fee",
    description="3.3 No-show without cancelling: about 500 kr for dagpenge, the same scaled "
                "by benefit for kontanthjælp (days of sanction set to that amount)",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L3790-L3810",
    options=NoShowFeeOptions,
    changes=_fee_changes,
))


register(Policy(
    name="eg_sanction_sick_first_conversation",
    description="3.5 Sick-listed not sanctioned for missing the first conversation",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L3870-L3886",
    changes=lambda o: [
        ParameterChange(*on_top("sanction_decision", "sick_spared_first_conversation"))],
))


class SaaLaengeOptions(Options):
    lapse_weeks: float = Field(1.0, gt=0, description="Weeks without sygedagpenge until the citizen cooperates (param; assumption: one week, like the så længe days of dagpenge)")


register(Policy(
    name="eg_sanction_saa_laenge_recovery",
    description="3.6 Delaying recovery: sygedagpenge stops only until the citizen complies "
                "(så længe) instead of being lost",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L3894-L3908",
    options=SaaLaengeOptions,
    changes=lambda o: changed([ParameterChange("process.sanction_days.lapse_weeks", o.lapse_weeks)]),
))

MONTH = round(52 / 12, 2)  # weeks (domain README, Conventions: 1 month = 52/12 weeks)

register(Policy(
    name="eg_sanction_skaerpet_fixed",
    description="3.8 Skærpet sanction: a fixed month, automatic at the 2nd breach, no "
                "assessment of will",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L3975-L4003",
    changes=lambda o: changed([
        ParameterChange("sanctions.skaerpet.max_weeks", MONTH),
        ParameterChange("process.sanction_days.skaerpet_weeks", MONTH),
        ParameterChange("process.lacking_will_share", 1.0),
    ]),
))


# -- chapter 6: financing ------------------------------------------------------------------
register(Policy(
    name="eg_activation_in_service_frame",
    description="6.3 ØVO, ordinary education and mentor (the oevo and activation items) move "
                "inside the service ceiling; the staircase is unchanged",
    effective=dt.date(2027, 1, 1),
    source=f"{SEED}, L10753-L10792; L12467-L12478 (2027: assumption, inside the 2026-2030 phase-in)",
    changes=lambda o: [ParameterChange(f"finance.budget.items.{item}.category", "service")
                       for item in ("oevo", "activation")],
))


class OevoCutOptions(Options):
    cut: float = Field(0.10, ge=0, le=1, description=f"ovo.volume_cut: cut in ØVO spending as a share of 2024 ØVO spending ({SEED}, L11039-L11143: about 10 %)")


register(Policy(
    name="eg_cut_oevo",
    description="6.5 Cut ØVO by about 10 % of 2024 ØVO spending (cost per full-time "
                "person in ØVO), reached over 3 years",
    effective=EFFECTIVE, phase_in=EFFORT_PHASE_IN,
    source=f"{SEED}, L11039-L11143 (statutory caps if not met within 2-3 years)",
    options=OevoCutOptions,
    changes=lambda o: [ParameterChange(
        "finance.unit_cost.activation.oevrig_vejledning",
        round(law("finance.unit_cost.activation.oevrig_vejledning", dt.date(2024, 1, 1))
              * (1 - o.cut)))],
))


# -- the bundle ------------------------------------------------------------------------
register(Policy(
    name="expert_group_2024",
    description="The expert group's proposal (2024): all modelled recommendations, benefit "
                "changes for new spells from 2026, effort changes over 2026-2028, financing "
                "to 2028",
    effective=EFFECTIVE,
    source=f"{SEED}, L12467-L12478; L12529-L12531; L11458; L12278-L12286",
    members=(_BUNDLE_MEMBERS := (
        Member("eg_abolish_ressourceforloeb"),
        Member("eg_abolish_jobafklaring"),
        Member("eg_abolish_revalidering"),
        Member("eg_young_individual_focus"),
        Member("eg_ledighedsydelse_jobsoegning"),
        Member("eg_effort_groups"),
        Member("eg_contact_courses"),
        Member("eg_exempt_close_to_market"),
        Member("eg_fremdriftsgaranti"),
        Member("eg_longer_pauses"),
        Member("eg_rehabiliteringsteam_optional"),
        Member("eg_sick_leave_outside_effort"),
        Member("eg_first_conversation_2_weeks"),
        Member("eg_education_skilled_and_courses"),
        Member("eg_sanction_jobhjaelp"),
        Member("eg_sanction_joblog"),
        Member("eg_sanction_no_show_fee"),
        Member("eg_sanction_sick_first_conversation"),
        Member("eg_sanction_saa_laenge_recovery"),
        Member("eg_sanction_skaerpet_fixed"),
        Member("eg_activation_in_service_frame"),
        Member("eg_cut_oevo"),
    )),
))


# -- the two models considered and rejected (chapter 5) -------------------------------------
class AkasseOptions(Options):
    months: int | str = Field(6, description=f"How long the a-kasse runs the contact course: 6, 12 or 'whole' spell ({SEED}, L8154-L8340)")

    @model_validator(mode="after")
    def _allowed(self):
        if self.months not in (6, 12, "whole"):
            raise ValueError("months must be 6, 12 or 'whole'")
        return self


register(Policy(
    name="akasse_responsibility_6_months",
    description="Rejected model: the a-kasse runs the dagpenge contact course in months 0-6 "
                "(or 1 year, or the whole spell); the municipality keeps offers and financing",
    effective=EFFECTIVE,
    source=f"{SEED}, L8154-L8340 (akasse.months = 6)",
    options=AkasseOptions,
    changes=lambda o: [ParameterChange(
        "contact.schedule.dagpenge.akasse_weeks",
        {6: 26, 12: 52, "whole": law("time_limits.dagpenge.max_weeks")}[o.months])],
))


class FreeChoiceOptions(Options):
    akasse: float = Field(0.6, ge=0, le=1, description="Share choosing the a-kasse for months 0-3 (param; assumption)")
    private: float = Field(0.2, ge=0, le=1, description="Share choosing a private provider (param; assumption)")
    municipality: float = Field(0.2, ge=0, le=1, description="Share choosing the jobcentre (param; assumption)")
    provider_bonus_kr: float = Field(0.0, ge=0, description=f"Private provider's bonus per job or education exit, kr (results-based pay, {SEED}, L8341-L8547; param)")
    conversations_months_0_3: int = Field(2, ge=2, le=6, description=f"Conversations in months 0-3 (at least 2, {SEED}, L8341-L8547)")

    @model_validator(mode="after")
    def _sum_to_one(self):
        if abs(self.akasse + self.private + self.municipality - 1.0) > 1e-6:
            raise ValueError("akasse, private and municipality must sum to 1")
        return self


def _free_choice_changes(o: FreeChoiceOptions) -> list[ParameterChange]:
    # The engine gives a conversation to the a-kasse when it falls in the first
    # akasse_weeks of the course, so the expected a-kasse share of the months 0-3
    # conversations is carried by shortening that window; the others' conversations
    # are jobcentre conversations with a public cost (private providers paid about a
    # jobcentre conversation's cost: assumption).
    return changed([
        ParameterChange("contact.schedule.dagpenge.akasse_weeks", round(13 * o.akasse, 2)),
        ParameterChange("contact.schedule.dagpenge.first_6_months",
                        2 * o.conversations_months_0_3),
        ParameterChange("actors.free_choice", {
            "akasse": o.akasse, "private": o.private, "municipality": o.municipality,
            "provider_bonus_kr": o.provider_bonus_kr}),
    ])


register(Policy(
    name="free_choice_of_actor",
    description="Rejected model: free choice of a-kasse, private provider or jobcentre for "
                "dagpenge months 0-3 (at least 2 conversations); conversation holders by "
                "the choice shares",
    effective=EFFECTIVE,
    source=f"{SEED}, L8341-L8547 (dp_actor_choice)",
    options=FreeChoiceOptions,
    changes=_free_choice_changes,
))


# -- the bundle by chapter (for element attribution: compare.elements) ----------------------
_CHAPTERS = {
    "expert_group_2024_ch1_target_groups": ("Chapter 1: fewer target groups (1.1-1.7)", 0, 6),
    "expert_group_2024_ch2_effort": ("Chapter 2: individually planned effort (2.1-2.13)", 6, 14),
    "expert_group_2024_ch3_sanctions": ("Chapter 3: sanctions (3.1-3.8)", 14, 20),
    "expert_group_2024_ch6_financing": ("Chapter 6: financing (6.3, 6.5)", 20, 22),
}
for _name, (_title, _first, _last) in _CHAPTERS.items():
    register(Policy(
        name=_name,
        description=f"The expert group's proposal, {_title}; the four chapters in order "
                    "are expert_group_2024",
        effective=EFFECTIVE,
        source=f"{SEED}, L12467-L12478; see expert_group_2024",
        members=_BUNDLE_MEMBERS[_first:_last],
    ))
