"""The parameters of one scenario compiled into fast per-regime tables.

A *regime* is a period in which no parameter changes. The engine looks up the
regime in force at a week and reads plain tuples indexed by group number.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from sim import lawbook
from sim.benefits import BANDS, rates_of
from sim.citizen import EDUCATION_LEVELS
from sim.clock import Clock
from sim.groups import EXITS, GROUP_INDEX, GROUPS, REHABILITATION
from sim.parameters import ParameterTree
from sim.process import ProcessRules, compile_process
from sim.random import cumulative_shares
from sim.rules import RuleSet

CYCLICAL = ("dagpenge", "kontanthjaelp_jobparat")
# Parameter files that only money reads (sim/finance.py, sim/jobpraemie.py): a date at
# which only they change is no regime boundary for citizens.
MONEY_ONLY = frozenset({"finance", "refusion", "jobpraemie", "schemes"})


@dataclass
class Regime:
    start_week: float = field(compare=False)
    date: dt.date = field(compare=False)
    params: dict  # the parameter snapshot of the regime, for rules that read their own leaves
    breaks: tuple[float, ...]
    rates: tuple[tuple[float, ...], ...]
    short_share: tuple[float, ...]
    long_multiplier: tuple[float, ...]
    destinations: tuple[tuple[str, ...], ...]
    destination_cum: tuple[tuple[float, ...], ...]  # a person far from the market
    # A person close to the market: the referral share scaled by
    # hazards.referral_close_factor (the team is for complex cases), the rest in proportion.
    destination_cum_close: tuple[tuple[float, ...], ...]
    # [benefit class][group]: what a person of the class is paid a week (sim/benefits.py)
    person_rate: tuple[tuple[float, ...], ...]
    # [benefit class][paying group][profile]: the benefit-level channel, (the person's
    # benefit paid / their benefit in the profile's group under the calibration's law,
    # reference_rates) ^ -effects.benefit_level; 1 under that law in the profile's group.
    benefit_multiplier: tuple[tuple[tuple[float, ...], ...], ...]
    # [paying group][profile]: the sanction-threat channel (ex ante), exp(
    # effects.sanction_threat x (the paying group's expected days lost per no-show - the
    # profile's under the calibration's law, reference_severity)).
    sanction_threat: tuple[tuple[float, ...], ...]
    new_spells_per_year: tuple[float, ...]
    dagpenge_max_weeks: float
    # The dagpenge transitional rule and temporary extension in weeks of the run's clock
    # (time_limits.dagpenge.transition, .extension; see dagpenge_end).
    dagpenge_transition_week: float
    dagpenge_old_max_weeks: float
    dagpenge_transition_end: float
    dagpenge_extension_from: float
    dagpenge_extension_to: float
    dagpenge_extension_weeks: float
    dagpenge_extension_total_weeks: float
    dagpenge_to_kontanthjaelp_share: float
    sygedagpenge_revurdering_week: float
    sygedagpenge_extension_share: float
    sygedagpenge_next_group: int
    ressourceforloeb_max_weeks: float
    youth_max_age: float
    foertidspension_min_age: float
    pension_age: float
    support_reset_weeks: float  # weeks off support that reset the refusion counter
    rehabilitation_decision_weeks: float
    rehabilitation_wait: float  # exit-hazard multiplier while the team decides (effects)
    # [paying group]: exit-hazard multiplier in the exhaustion_weeks before the group's
    # time limit (effects.exhaustion; 1 where none is given)
    exhaustion: tuple[float, ...]
    exhaustion_weeks: float
    rehabilitation_routes: tuple[tuple[int, float], ...]
    reentry: dict[str, tuple[float, float]]
    process: ProcessRules
    rules: RuleSet
    job_hours: tuple[float, float, float]  # full-time hours, part-time hours, part-time share
    compliance_sd: float  # log-sd of the persons' no-show factor (drawn at creation)
    # Drawn at creation: cumulative shares of the earnings bands for a close and a far
    # type (population.earnings_shares), and the share of providers.
    earnings_cum: tuple[tuple[float, ...], tuple[float, ...]]
    provider_share: float
    # Cumulative shares of the education levels by earnings band
    # (population.education_shares; sim/citizen.py EDUCATION_LEVELS).
    education_cum: tuple[tuple[float, ...], ...]

    def dagpenge_end(self, entry: float) -> float:
        """The week a dagpenge period begun in week ``entry`` ends (dagpengeperiode).
        A period begun before a shortening keeps the earlier limit but ends by the
        transitional rule's last day (overgangsregel), never before the new limit; a
        period that would end inside the window of a temporary extension is extended, to
        at most the extension's total limit."""
        end = entry + self.dagpenge_max_weeks
        if entry < self.dagpenge_transition_week:
            end = max(end, min(entry + self.dagpenge_old_max_weeks,
                               self.dagpenge_transition_end))
        if self.dagpenge_extension_from <= end < self.dagpenge_extension_to:
            end = max(end, min(end + self.dagpenge_extension_weeks,
                               entry + self.dagpenge_extension_total_weeks))
        return end


def _week(start_week: float, date: dt.date, text: str) -> float:
    """The week of the run's clock of the date ``text`` (YYYY-MM-DD), given that
    ``date`` is week ``start_week``. Counted in whole days from the clock's start, so
    every regime gets the same number (equal regimes stay equal)."""
    days = round(start_week * 7.0) + (dt.date.fromisoformat(text) - date).days
    return days / 7.0


def _cum(shares: dict[str, float], where: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    names = tuple(shares)
    allowed = set(EXITS) | set(GROUPS) | {REHABILITATION}
    for name in names:
        if name not in allowed:
            raise ValueError(f"{where}: unknown destination {name!r}")
    values = [shares[name] for name in names]
    if sum(values) <= 0 or any(v < 0 for v in values):
        raise ValueError(f"{where}: shares must be non-negative with a positive sum")
    return names, cumulative_shares(values)



def _referral_scaled(shares: dict[str, float], factor: float) -> dict[str, float]:
    """The destination shares of a person close to the labour market: the referral to
    the rehabiliteringsteam times ``factor`` (its order kept, so the same draw picks the
    same destination where nothing changes), the other shares scaled up to sum to 1."""
    referral = float(shares.get(REHABILITATION, 0.0))
    total = sum(float(v) for v in shares.values())
    rest = total - referral
    if rest <= 0.0 or factor == 1.0:
        return dict(shares)
    kept = referral * factor
    scale = (total - kept) / rest
    return {k: (kept if k == REHABILITATION else float(v) * scale) for k, v in shares.items()}


# The law the baseline hazards were fitted under (calibration/targets.py FIT_YEAR): its
# benefits are in the fitted hazards, so only a benefit that differs from it moves them.
REFERENCE_DATE = dt.date(2024, 1, 1)


@cache
def _reference() -> dict:
    """The law files' snapshot at REFERENCE_DATE (the law the fit ran under)."""
    return lawbook.base().snapshot(REFERENCE_DATE)


@cache
def reference_rates() -> tuple[tuple[float, ...], ...]:
    """Weekly benefit by [class][group] under the law the fit ran under (rates are in
    2024 prices at every date, so they compare)."""
    return rates_of(_reference())


def sanction_severity(rules: ProcessRules) -> tuple[float, ...]:
    """Days of benefit a no-show is expected to cost, by group, from the compiled
    process: the chance it is sanctioned x (the days its kind withholds, a lapse in weeks
    of five days, + the fee for not cancelling). What the sanction rules stacked on top
    decide case by case (a rule that spares a first no-show, say) is not in it."""
    days = {"saa_laenge": rules.saa_laenge_days, "daily": rules.daily_days,
            "lapse": 5.0 * rules.lapse_weeks}
    return tuple(decide * (days.get(kind, 0.0) + fee) for decide, kind, fee in
                 zip(rules.decide, rules.kind, rules.no_show_fee_days, strict=True))


@cache
def reference_severity() -> tuple[float, ...]:
    """:func:`sanction_severity` under the law the fit ran under."""
    p = _reference()
    return sanction_severity(compile_process(p, RuleSet.from_stacks(p["rules"])))


def threat_multipliers(severity: tuple[float, ...], reference: tuple[float, ...],
                       per_day: float) -> tuple[tuple[float, ...], ...]:
    """The sanction-threat channel for each (paying group, profile): the fitted hazard
    holds the profile's reference severity, so a stricter or milder sanction regime in
    the group that pays moves it by exp(per_day x the difference in days)."""
    return tuple(tuple(1.0 if now == ref else math.exp(per_day * (now - ref))
                       for ref in reference) for now in severity)


def benefit_multipliers(paid: tuple[float, ...], reference: tuple[float, ...],
                        elasticity: float) -> tuple[tuple[float, ...], ...]:
    """The benefit-level channel of one person for each (paying group, profile), from
    the person's weekly benefit in each group now (``paid``) and under the calibration's
    law (``reference``): the profile's baseline hazard holds the person's reference
    benefit in the profile's group, so a benefit paid that differs from it, in another
    group (a reform pays them there) or in the same group (a reform changes its rate),
    changes the hazard by (paid / reference) ^ -elasticity (1 where either is 0)."""
    return tuple(tuple(1.0 if now == ref or now <= 0.0 or ref <= 0.0
                       else (now / ref) ** -elasticity for ref in reference)
                 for now in paid)


def compile_regime(p: dict, start_week: float, date: dt.date) -> Regime:
    hz = p["hazards"]
    pop = p["population"]
    tl = p["time_limits"]
    dests = [_cum(hz[g]["destinations"], f"hazards.{g}.destinations") for g in GROUPS]
    close_factor = float(hz["referral_close_factor"])
    dests_close = [_cum(_referral_scaled(hz[g]["destinations"], close_factor),
                        f"hazards.{g}.destinations") for g in GROUPS]
    routes = p["rehabilitation"]["routes"]
    rules = RuleSet.from_stacks(p["rules"])
    process = compile_process(p, rules)
    person_rate = rates_of(p)
    elasticity = float(p["effects"]["benefit_level"])
    shares = p["population"]["earnings_shares"]
    return Regime(
        start_week=start_week,
        date=date,
        params={k: v for k, v in p.items() if k not in MONEY_ONLY},
        breaks=tuple(float(b) for b in hz["breakpoints_weeks"]),
        rates=tuple(tuple(float(r) for r in hz[g]["rates"]) for g in GROUPS),
        short_share=tuple(float(hz[g]["short_share"]) for g in GROUPS),
        long_multiplier=tuple(float(hz[g]["long_multiplier"]) for g in GROUPS),
        destinations=tuple(d[0] for d in dests),
        destination_cum=tuple(d[1] for d in dests),
        destination_cum_close=tuple(d[1] for d in dests_close),
        person_rate=person_rate,
        benefit_multiplier=tuple(benefit_multipliers(r, ref, elasticity)
                                 for r, ref in zip(person_rate, reference_rates(),
                                                   strict=True)),
        sanction_threat=threat_multipliers(sanction_severity(process), reference_severity(),
                                           float(p["effects"]["sanction_threat"])),
        new_spells_per_year=tuple(float(pop["new_spells_per_year"][g]) for g in GROUPS),
        dagpenge_max_weeks=float(tl["dagpenge"]["max_weeks"]),
        dagpenge_transition_week=_week(start_week, date,
                                       tl["dagpenge"]["transition"]["begun_before"]),
        dagpenge_old_max_weeks=float(tl["dagpenge"]["transition"]["old_max_weeks"]),
        dagpenge_transition_end=_week(start_week, date, tl["dagpenge"]["transition"]["ends_by"]),
        dagpenge_extension_from=_week(start_week, date, tl["dagpenge"]["extension"]["from"]),
        dagpenge_extension_to=_week(start_week, date, tl["dagpenge"]["extension"]["to"]),
        dagpenge_extension_weeks=float(tl["dagpenge"]["extension"]["weeks"]),
        dagpenge_extension_total_weeks=float(tl["dagpenge"]["extension"]["total_max_weeks"]),
        dagpenge_to_kontanthjaelp_share=float(tl["dagpenge"]["exhaustion_to_kontanthjaelp_share"]),
        sygedagpenge_revurdering_week=float(tl["sygedagpenge"]["revurdering_week"]),
        sygedagpenge_extension_share=float(tl["sygedagpenge"]["extension_share"]),
        sygedagpenge_next_group=GROUP_INDEX[tl["sygedagpenge"]["next_group"]],
        ressourceforloeb_max_weeks=float(tl["ressourceforloeb"]["max_weeks"]),
        youth_max_age=float(tl["uddannelseshjaelp"]["max_age"]),
        foertidspension_min_age=float(tl["foertidspension"]["min_age"]),
        pension_age=float(tl["pension_age"]),
        support_reset_weeks=float(p["refusion"]["counter_reset_weeks"]),
        rehabilitation_decision_weeks=float(p["rehabilitation"]["decision_weeks"]),
        rehabilitation_wait=float(p["effects"]["rehabilitation_wait"]),
        exhaustion=tuple(float(p["effects"]["exhaustion"].get(g, 1.0)) for g in GROUPS),
        exhaustion_weeks=float(p["effects"]["exhaustion_weeks"]),
        rehabilitation_routes=tuple((GROUP_INDEX[g], float(s)) for g, s in routes.items()),
        reentry={k: (float(v["share"]), float(v["mean_gap_weeks"]))
                 for k, v in pop["reentry"].items()},
        process=process,
        rules=rules,
        job_hours=(float(p["employment"]["full_time_hours"]),
                   float(p["employment"]["part_time_hours"]),
                   float(p["employment"]["part_time_share"])),
        compliance_sd=float(p["process"]["compliance_sd"]),
        earnings_cum=(cumulative_shares([float(x) for x in shares["close"]]),
                      cumulative_shares([float(x) for x in shares["far"]])),
        provider_share=float(p["population"]["provider_share"]),
        education_cum=education_cum(p["population"]["education_shares"]),
    )


def education_cum(shares: dict) -> tuple[tuple[float, ...], ...]:
    """Cumulative shares of the education levels for each earnings band."""
    if sorted(shares) != sorted(BANDS):
        raise ValueError(f"population.education_shares needs the bands {', '.join(BANDS)}, "
                         f"got {', '.join(sorted(shares))}")
    out = []
    for band in BANDS:
        row = [float(x) for x in shares[band]]
        if len(row) != len(EDUCATION_LEVELS):
            raise ValueError(f"population.education_shares.{band}: {len(row)} shares; one "
                             f"for each of {', '.join(EDUCATION_LEVELS)}")
        out.append(cumulative_shares(row))
    return tuple(out)


class Law:
    """Regimes over the run and the business-cycle multipliers by calendar year.

    ``alignment``: yearly factors on the cyclical groups' inflow that make gross
    unemployment follow the path (sim/alignment.py); none = the elasticities alone."""

    def __init__(self, params: ParameterTree, clock: Clock, unemployment: dict[int, float],
                 alignment: dict[int, float] | None = None):
        self.clock = clock
        dates = [clock.start] + params.change_dates(clock.start, clock.end_date)
        self.regimes: list[Regime] = []
        for d in dates:
            regime = compile_regime(params.snapshot(d), clock.week_of(d), d)
            # A date that changes nothing the engine reads (money, say) is no regime
            # boundary: citizens are not woken for it.
            if not self.regimes or regime != self.regimes[-1]:
                self.regimes.append(regime)
        self.starts = [r.start_week for r in self.regimes]
        snap = params.snapshot(clock.start)
        cyc = snap["cycle"]
        base = float(cyc["base_rate"])
        self.cap = float(cyc["inflow_thinning_cap"])
        n_years = len(clock.calendar_years)
        self.inflow_mult = np.ones((len(GROUPS), n_years))
        self.exit_mult = np.ones((len(GROUPS), n_years))
        for g, el in cyc["elasticity"].items():
            gi = GROUP_INDEX[g]
            for yi, year in enumerate(clock.calendar_years):
                ratio = unemployment[year] / base
                self.inflow_mult[gi, yi] = ratio ** float(el["inflow"])
                self.exit_mult[gi, yi] = ratio ** float(el["exit"])
                if alignment and g in CYCLICAL:
                    self.inflow_mult[gi, yi] *= alignment.get(year, 1.0)
        # Years at whose start a group's exit multiplier changes (cyclical wake-ups).
        self._year_starts = [float(w) for w in clock.year_starts[:-1]]
        self._exit_rows = [list(map(float, row)) for row in self.exit_mult]
        self.cycle_changes = [
            [clock.year_starts[yi] for yi in range(1, n_years)
             if self.exit_mult[gi, yi] != self.exit_mult[gi, yi - 1]]
            for gi in range(len(GROUPS))
        ]

    def regime_index(self, week: float) -> int:
        """Regime in force at ``week``; the warm-up before the start uses the start's law."""
        return max(bisect_right(self.starts, week) - 1, 0)

    def regime_at(self, week: float) -> Regime:
        return self.regimes[max(bisect_right(self.starts, week) - 1, 0)]

    def next_cycle_change(self, group: int, week: float) -> float:
        for w in self.cycle_changes[group]:
            if w > week:
                return float(w)
        return float("inf")

    def exit_multiplier(self, group: int, week: float) -> float:
        return self._exit_rows[group][self._year_index(week)]

    def _year_index(self, week: float) -> int:
        return max(bisect_right(self._year_starts, week) - 1, 0)
