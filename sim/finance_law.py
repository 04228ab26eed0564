"""The finance law as arrays: the run cut into periods, and every finance parameter of
each period read once into arrays indexed by period, group and staircase step.

A period is a stretch of the run with one calendar year and one set of finance
parameters: the run is cut where a calendar year starts and where a parameter of
benefit_rates.yaml, refusion.yaml, finance.yaml or schemes.yaml changes. The cost items
(sim/cost_items.py) look their rates, shares and unit costs up by period.

The staircase in force on a date comes from refusion.yaml: the 2016 refusionstrappe
from 1 January 2016 and, before it, a flat share at every step (35 %, an assumption,
see there); before the table's first date its first entry.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from sim.benefits import N_CLASSES, PERSON_LEAVES, rates_read
from sim.brackets import Brackets
from sim.clock import WEEKS_PER_YEAR, Clock
from sim.groups import GROUPS
from sim.parameters import ParameterTree

SCHEMES: tuple[str, ...] = ("staircase", "cofinancing", "fixed", "staircase_from_2014_07")
STAIRCASE, COFINANCING, FIXED, FROM_2014 = range(4)
# Parameters whose changes cut segments into pieces (the persons' earnings and provider
# share set what they are paid, sim/benefits.py).
FINANCE_PREFIXES = ("benefit_rates.", "refusion.", "finance.", "schemes.", *PERSON_LEAVES)


@dataclass(frozen=True)
class Periods:
    """Stretches of the run with one calendar year and one set of finance parameters."""

    bounds: np.ndarray       # (P + 1,) weeks
    year_index: np.ndarray   # (P,) index into clock.calendar_years
    dates: tuple[dt.date, ...]  # (P,) first date of each period


@dataclass(frozen=True)
class PeriodLaw:
    """Finance parameters of every period as arrays (P periods, G groups, K steps)."""

    rate: np.ndarray          # (P, G, B) benefit kr/week by benefit class (sim/benefits.py)
    scheme: np.ndarray        # (P, G) index into SCHEMES
    lower: np.ndarray         # (P, K) counter weeks where each staircase step starts
    upper: np.ndarray         # (P, K) ... and ends (inf for the last)
    share: np.ndarray         # (P, K) state share of each step
    pre_2014: np.ndarray      # (P, G) share of the stock outside the staircase
    fixed_state: np.ndarray   # (P, G) state share outside the staircase
    price: np.ndarray         # (P,) price index
    jobcentre: np.ndarray     # (P, G) other jobcentre operations, kr per full-time week
    review: np.ndarray        # (P, G) yearly case review (fremdriftsgaranti), kr per FT week
    activation_refusion: np.ndarray  # (P,) state share of activation operating costs
    # per period: kind -> group -> state share where it differs from activation_refusion
    activation_exceptions: tuple[dict[str, dict[str, float]], ...]
    conversation_cost: np.ndarray    # (P,) kr per jobcentre conversation
    loentilskud: tuple[dict[str, float], ...]  # per period: kind -> kr/week
    sanction_cost: np.ndarray        # (P,) kr per sanction process
    activation_cost: tuple[dict[str, float], ...]  # per period: kind -> kr/FT-week
    # per period: kind -> group -> factor on the kind's unit cost (1 where not named)
    activation_factor: tuple[dict[str, dict[str, float]], ...]
    offer_cost: np.ndarray           # (P,) kr of casework per offer set up
    team_cost: np.ndarray            # (P,) kr of casework per rehabiliteringsteam case
    team_case: np.ndarray            # (P, G) share of entries to the group that are team cases
    complaint_cost: np.ndarray       # (P,) kr per complaint
    casework_weight: np.ndarray      # (P, G) share of sanction casework that is municipal
    # (C, P, G, B) benefit kr/week of each cohort's law (sim.model.Model.laws); None = rate
    cohort_rate: np.ndarray | None = None


def fixed_municipal(share: float | dict, cohorts: dict | None) -> float:
    """A group's municipal share outside the staircase: a number, or a share per grant
    cohort weighted by the cohorts' shares of the stock (``finance.pre_2014_cohorts``)."""
    if not isinstance(share, dict):
        return float(share)
    weights = cohorts or {}
    if set(weights) != set(share) or not math.isclose(sum(weights.values()), 1.0):
        raise ValueError(f"finance.pre_2014_cohorts {weights} must give a share to each "
                         f"cohort of finance.fixed_municipal_share {share}, summing to 1")
    return sum(float(weights[c]) * float(m) for c, m in share.items())


def _finance_change_dates(params: ParameterTree) -> set[dt.date]:
    return {v.start for path, leaf in params.leaves.items()
            if path.startswith(FINANCE_PREFIXES) for v in leaf.values}


def periods(clock: Clock, params: ParameterTree) -> Periods:
    """Cut the run at calendar years and at the dates finance parameters change."""
    starts = {max(dt.date(y, 1, 1), clock.start) for y in clock.calendar_years}
    changes = {d for d in _finance_change_dates(params) if clock.start < d < clock.end_date}
    dates = sorted(starts | changes)
    weeks = np.array([clock.week_of(d) for d in dates] + [clock.horizon])
    year_index = np.array([clock.calendar_years.index(d.year) for d in dates], dtype=np.int64)
    return Periods(weeks, year_index, tuple(dates))


def _staircase(params: ParameterTree, date: dt.date) -> Brackets:
    """The refusionstrappe in force on ``date``: upper counter weeks and state shares of
    its steps. Before the table's first date, its first entry."""
    leaf = params.leaves["refusion.staircase"]
    return Brackets.parse((leaf.entry_at(date) or leaf.values[0]).value)


def period_law(params: ParameterTree, per: Periods) -> PeriodLaw:
    """Read the finance parameters at the first date of every period."""
    n_p, n_g = len(per.dates), len(GROUPS)
    stairs = [_staircase(params, d) for d in per.dates]
    n_k = max(len(s.thresholds) for s in stairs)
    lower = np.full((n_p, n_k), np.inf)
    upper = np.full((n_p, n_k), np.inf)
    share = np.zeros((n_p, n_k))
    rate = np.zeros((n_p, n_g, N_CLASSES + 1))
    scheme = np.zeros((n_p, n_g), dtype=np.int64)
    pre, fixed_state, jobcentre = np.zeros((n_p, n_g)), np.zeros((n_p, n_g)), np.zeros((n_p, n_g))
    casework, team, review = np.zeros((n_p, n_g)), np.zeros((n_p, n_g)), np.zeros((n_p, n_g))
    # Named as PeriodLaw's fields.
    scalars = {k: np.zeros(n_p) for k in ("price", "activation_refusion", "conversation_cost",
                                          "sanction_cost", "complaint_cost",
                                          "offer_cost", "team_cost")}
    activation, subsidy, exceptions, factors = [], [], [], []
    for p, d in enumerate(per.dates):
        # A step's share applies from its lower counter week up to, not at, its upper.
        n = len(stairs[p].thresholds)
        upper[p, :n] = stairs[p].thresholds
        lower[p, :n] = stairs[p].lower_bounds()
        share[p, :n] = stairs[p].values
        schemes = params.at("finance.refusion_scheme", d)
        pre_share = params.at("finance.pre_2014_share", d)
        fixed_muni = params.at("finance.fixed_municipal_share", d)
        cohorts = params.at("finance.pre_2014_cohorts", d)
        weight = params.at("finance.jobcentre.weight", d)
        municipal = params.at("finance.unit_cost.sanction_municipal", d)
        per_week = float(params.at("finance.jobcentre.other_per_ft", d)) / WEEKS_PER_YEAR
        team_groups = set(params.at("finance.unit_cost.rehabilitation_team_groups", d))
        team_share = float(params.at("finance.unit_cost.rehabilitation_team_share", d))
        hour = float(params.at("finance.unit_cost.casework_hour", d))
        review_kr = float(params.at("finance.unit_cost.yearly_review_hours", d)) * hour
        review_share = params.at("finance.unit_cost.yearly_review_share", d)
        rate[p] = np.array(rates_read(lambda path, d=d: params.at(path, d))).T
        for g, name in enumerate(GROUPS):
            scheme[p, g] = SCHEMES.index(schemes.get(name, "staircase"))
            pre[p, g] = float(pre_share.get(name, 0.0))
            fixed_state[p, g] = 1.0 - fixed_municipal(fixed_muni.get(name, 1.0),
                                                      cohorts.get(name))
            jobcentre[p, g] = per_week * float(weight.get(name, 0.0))
            casework[p, g] = float(municipal.get(name, 1.0))
            team[p, g] = team_share * float(name in team_groups)
            review[p, g] = review_kr * float(review_share.get(name, 0.0)) / WEEKS_PER_YEAR
        scalars["price"][p] = float(params.at("finance.price_index", d))
        scalars["activation_refusion"][p] = float(params.at("finance.activation_refusion", d))
        factors.append({k: {g: float(v) for g, v in by_group.items()} for k, by_group in
                        params.at("finance.unit_cost.activation_group_factor", d).items()})
        exceptions.append({k: {g: float(v) for g, v in by_group.items()} for k, by_group in
                           params.at("finance.activation_refusion_exceptions", d).items()})
        for task, leaf in (("conversation", "conversation"), ("sanction", "sanction"),
                           ("complaint", "complaint"), ("offer", "offer"),
                           ("team", "rehabilitation_team")):  # kr per task, from hours
            hours = float(params.at(f"finance.unit_cost.{leaf}_hours", d))
            scalars[f"{task}_cost"][p] = hours * hour
        activation.append({k: float(v) / WEEKS_PER_YEAR
                           for k, v in params.at("finance.unit_cost.activation", d).items()})
        subsidy.append({k: float(v) for k, v in params.at("finance.unit_cost.loentilskud",
                                                          d).items()})
    return PeriodLaw(rate=rate, scheme=scheme, lower=lower, upper=upper, share=share,
                     pre_2014=pre, fixed_state=fixed_state, jobcentre=jobcentre, review=review,
                     loentilskud=tuple(subsidy), activation_cost=tuple(activation),
                     activation_exceptions=tuple(exceptions),
                     activation_factor=tuple(factors), team_case=team,
                     casework_weight=casework, **scalars)

