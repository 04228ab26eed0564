"""The SimPy process of one citizen: spells, stays in groups, rule events and exits.

The process sleeps until its next event (design principle 1): the moment its
integrated hazard reaches its budget, or the next rule event, whichever is first.
Rule events are the law's time limits (dagpenge week 104, sygedagpenge revurdering),
age limits (uddannelseshjælp at 30, pension age), the rehabiliteringsteam's
decision, and the dates at which parameters or the business cycle change.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Generator

from sim.citizen import Citizen
from sim.clock import WEEKS_PER_CALENDAR_YEAR
from sim.groups import ADULT_OF_YOUTH, GROUP_INDEX, GROUPS, REHABILITATION
from sim.hazards import cumulative, time_to_budget
from sim.process import casework_for
from sim.random import purpose_code

P_BUDGET = purpose_code("budget")
P_DESTINATION = purpose_code("destination")
P_REENTRY = purpose_code("reentry")
P_GAP = purpose_code("reentry_gap")
P_JOB_HOURS = purpose_code("job_hours")

DAGPENGE = GROUP_INDEX["dagpenge"]
SYGEDAGPENGE = GROUP_INDEX["sygedagpenge"]
RESSOURCEFORLOEB = GROUP_INDEX["ressourceforloeb"]
INF = math.inf

# Rule events, in the order they win ties; PROCESS is the casework's next event.
# EXHAUSTION: the window before a time limit starts (effects.exhaustion); it only
# changes the hazard. COURSE_END: the rehabiliteringsteam decides again where a
# ressourceforløb would have ended, for a person the current law assesses to
# ressourceforløb while a reform pays them in another group (Stay.course_end).
PENSION, YOUTH_LIMIT, TIME_LIMIT, REHAB_DECISION, COURSE_END, REGIME, CYCLE, EXHAUSTION, \
    PROCESS = range(9)
BUDGET = 9  # not a rule: the hazard reached its budget (the stay ends or moves on)


def life(model, c: Citizen, g: int, d0: float, from_stock: bool) -> Generator:
    """A spell of citizen ``c``, starting in group ``g`` with ``d0`` weeks elapsed, and
    the citizen's return after it (sim.model.Model.await_reentry starts the next one).

    Each stay is paid by a group (its law: time limits, casework, money); the person's
    hazard follows their profile (the group the current law assesses them to), which a
    reform that abolishes or merges groups does not change (sim/citizen.py)."""
    env = model.env
    ledger = model.ledger
    draws = c.draws
    now = env.now
    # The law of a spell is the one in force when it started: a policy for new
    # spells only leaves spells begun before its effective date on the old law.
    c.cohort = model.cohort_of(now - d0)
    law = model.laws[c.cohort]
    regime = law.regime_at(now)
    profile = g
    if not from_stock:
        # Decisions about the person are keyed by the episode they open (the next of the
        # person's count), not by the stay: where a reform pays someone must not change
        # the draws of their life, and no two decisions of one purpose share a draw.
        entered = regime.rules.visitation(c, g, now, regime, c.episode)
        if entered.__class__ is str:
            return  # the law gives this citizen no benefit in any group
        profile = assessed(c, g, entered, now, regime, c.episode)
        g = entered
    if now - c.last_exit >= regime.support_reset_weeks:
        c.support_weeks = 0.0
    c.spell_start = now - d0
    c.first_group = g
    support_base = c.support_weeks + (d0 if from_stock else 0.0)
    if not from_stock:
        ledger.flow(now, GROUPS[g], "inflow", GROUPS[g])
    model.active[c.id] = c
    c.group, c.seg_start, c.seg_support = g, now, support_base
    extended = g == SYGEDAGPENGE and d0 >= regime.sygedagpenge_revurdering_week
    while True:  # stays in one group
        n = c.n
        c.n += 1
        stay = Stay(model, c, g, profile, now - d0, now, n, extended, law, regime,
                    not from_stock and now == c.spell_start)
        outcome = None
        while outcome is None:
            wait = stay.next_wake(now)
            if wait >= 0.0:
                # The timeout's value is the clock at the wake-up: SimPy schedules it at
                # now + wait (reading env.now instead costs a Python call per event).
                now = yield env.timeout(wait, now + wait)
            outcome = stay.wake(now)
        regime, last = stay.regime, stay.episode
        # The stay ends: close its casework and its segment.
        stay.casework.close(model, c, now, regime)
        ledger.segment(c.id, g, c.seg_start, now, c.seg_support, c.municipality,
                       c.cohort, c.birth_week, c.benefit_class)
        moved, target, profile = outcome
        support_now = c.seg_support + (now - c.seg_start)
        if moved:
            ledger.flow(now, GROUPS[g], "transition_out", GROUPS[target])
            ledger.flow(now, GROUPS[target], "transition_in", GROUPS[target])
            g, d0, extended = target, 0.0, False
            c.group, c.seg_start, c.seg_support = g, now, support_now
            continue
        ledger.flow(now, GROUPS[g], "exit", target)
        ledger.spell(c.id, c.spell_start, now, c.first_group, g, target)
        c.support_weeks = support_now
        c.last_exit = now
        del model.active[c.id]
        break
    # Re-entry: a new spell after a gap, in the group the law and the person's past give.
    share_gap = regime.reentry.get(target)
    back = model.reentry_group[profile]
    returns = share_gap is not None and back is not None and \
        draws.uniform(P_REENTRY, last) < share_gap[0]
    gap = share_gap[1] * draws.exponential(P_GAP, last) if returns else INF
    if target == "job":
        # Ordinary work until the next spell or the pension age (the jobpræmie counts
        # its hours; the employment table its full-time persons).
        full, part, part_share = regime.job_hours
        hours = part if draws.uniform(P_JOB_HOURS, last) < part_share else full
        pension = c.birth_week + regime.pension_age * WEEKS_PER_CALENDAR_YEAR
        ledger.employment(c.id, now, min(now + gap, pension), hours, c.municipality)
    if not returns:
        return
    model.await_reentry(c, g, target, back, gap)


class Stay:
    """A stay in one paying group: the integrated-hazard clock of the person's profile
    against its budget, the rule events that may end or change the stay, and its
    casework (sim.process).

    The citizen's process asks :meth:`next_wake` how long to sleep and hands the
    wake-up to :meth:`wake`; the stay keeps everything in between. A new assessment
    that leaves the person in the paying group starts a new profile episode in the
    same stay (:meth:`reprofile`).
    """

    __slots__ = ("model", "c", "g", "profile", "entry", "hazard_start", "episode",
                 "extended", "law", "regime", "casework", "budget", "k_budget", "used",
                 "rehab_at", "course_end", "regime_end", "cycle_end", "cycle_mult", "static_t",
                 "static_rule", "rule", "breaks", "rates", "long_multiplier",
                 "level_mult")

    def __init__(self, model, c: Citizen, g: int, profile: int, entry: float, now: float,
                 n: int, extended: bool, law, regime, new_spell: bool) -> None:
        self.model, self.c, self.g, self.entry = model, c, g, entry
        self.extended, self.law, self.regime = extended, law, regime
        self.rehab_at = self.course_end = INF
        self.start_episode(profile, entry)
        self.casework = c.casework = casework_for(model, c, g, entry, now, n, regime,
                                                  new_spell)
        # Cached until they change: the regime (with its rates), the business-cycle
        # multiplier and the stay's next rule event (pension, age limit, time limit).
        self.regime_end = -INF
        self.cycle_end = -INF
        self.cycle_mult = 1.0
        self.static_t, self.static_rule = INF, PENSION
        self.rule = PENSION  # the event the next wake-up is for
        self.breaks = self.rates = ()
        self.long_multiplier = self.level_mult = 1.0

    def start_episode(self, profile: int, start: float) -> None:
        """A profile assigned at ``start``: the hazard clock starts anew, with a budget
        keyed by the citizen's episode count (not the stay's, so where a reform pays
        the person changes none of their behavioural draws)."""
        c = self.c
        c.profile = self.profile = profile
        self.episode = c.episode
        c.episode += 1
        self.hazard_start = start
        # Assessed to ressourceforløb but paid by another group (a reform abolished it):
        # the team still decides when the course would have ended, since how long the
        # person's work capacity takes to clarify is theirs, not the paying group's.
        self.course_end = start + self.regime.ressourceforloeb_max_weeks \
            if profile == RESSOURCEFORLOEB and self.g != RESSOURCEFORLOEB else INF
        self.budget = c.draws.exponential(P_BUDGET, self.episode)
        self.k_budget = 0
        self.used = 0.0

    def reprofile(self, now: float, profile: int) -> None:
        """The person is assessed anew but stays in the group that pays them: as at a
        move, the hazard clock starts again and a pending referral lapses."""
        self.start_episode(profile, now)
        self.rehab_at = INF
        self.casework.set_profile(profile, self.c, now)
        self.regime_end = self.cycle_end = -INF  # the rates and cycle of the new profile

    def next_wake(self, now: float) -> float:
        """Weeks from ``now`` to the stay's next event, or -1.0 when a rule event is due
        at ``now`` (the process handles it without sleeping)."""
        g, p, law, casework = self.g, self.profile, self.law, self.casework
        if now >= self.regime_end:
            i = law.regime_index(now)
            regime = self.regime = law.regimes[i]
            self.regime_end = law.starts[i + 1] if i + 1 < len(law.starts) else INF
            casework.rules = regime.process
            self.static_t, self.static_rule = stay_rule(self.c, g, self.entry, regime,
                                                        self.extended)
            self.breaks, self.rates = regime.breaks, regime.rates[p]
            self.long_multiplier = regime.long_multiplier[p]
            # The channels constant within a regime: benefit level and sanction threat.
            self.level_mult = regime.benefit_multiplier[self.c.benefit_class][g][p] * \
                regime.sanction_threat[g][p]
        if now >= self.cycle_end:
            self.cycle_mult = law.exit_multiplier(p, now)
            self.cycle_end = law.next_cycle_change(p, now)
        mult = self.cycle_mult * self.level_mult * casework.multiplier(now)
        if not self.c.close:
            mult *= self.long_multiplier
        rule_t, rule = self.static_t, self.static_rule
        if self.rehab_at < rule_t:
            rule_t, rule = self.rehab_at, REHAB_DECISION
        if self.course_end < rule_t:
            rule_t, rule = self.course_end, COURSE_END
        if self.rehab_at < INF:  # waiting for the rehabiliteringsteam (effects.yaml)
            mult *= self.regime.rehabilitation_wait
        if self.static_rule == TIME_LIMIT and self.regime.exhaustion[g] != 1.0:
            # The weeks before the benefit runs out (effects.exhaustion), by the paying
            # group's law: a rule event where the window starts, the multiplier inside.
            t = self.static_t - self.regime.exhaustion_weeks
            if now >= t - 1e-9:
                mult *= self.regime.exhaustion[g]
            elif t < rule_t:
                rule_t, rule = t, EXHAUSTION
        if self.regime_end < rule_t:
            rule_t, rule = self.regime_end, REGIME
        if self.cycle_end < rule_t:
            rule_t, rule = self.cycle_end, CYCLE
        t = casework.next_event(now)
        if t < rule_t:
            rule_t, rule = t, PROCESS
        if rule_t < now:
            rule_t = now
        d = now - self.hazard_start
        wait = time_to_budget(self.breaks, self.rates, d, self.budget - self.used, mult)
        if now + wait < rule_t:
            self.rule = BUDGET
            return wait
        self.rule = rule
        if rule_t > now:
            self.used += cumulative(self.breaks, self.rates, d, rule_t - self.hazard_start,
                                    mult)
            return rule_t - now
        return -1.0

    def wake(self, now: float) -> tuple | None:
        """Handle the event :meth:`next_wake` slept for; returns the stay's outcome
        (moved, group or exit, profile), or None while the stay goes on."""
        rule, c, g, regime = self.rule, self.c, self.g, self.regime
        e = c.episode  # the episode a decision here would open keys its draws
        if rule == BUDGET:
            dest = _destination(regime, self.profile,
                                c.draws.uniform(P_DESTINATION, self.episode, self.k_budget),
                                c.close)
            if dest == REHABILITATION:
                if self.rehab_at == INF:
                    self.rehab_at = now + regime.rehabilitation_decision_weeks
                    self.model.ledger.event(c.id, now, GROUPS[g], "referral",
                                            "close" if c.close else "far")
                # A new budget for the rest of the episode (memoryless).
                self.k_budget += 1
                self.budget = c.draws.exponential(P_BUDGET, self.episode, self.k_budget)
                self.used = 0.0
                return None
            if dest in GROUP_INDEX:
                return self.settle(enter(c, g, GROUP_INDEX[dest], now, regime, e), now)
            return (False, dest, self.profile)
        if rule == PROCESS:
            self.casework.advance(self.model, c, now, regime)
        elif rule == REGIME:
            # Only rates change; make sure the cache is refreshed at the boundary.
            self.regime_end = min(self.regime_end, now)
        elif rule == CYCLE:
            self.cycle_end = min(self.cycle_end, now)
        elif rule == EXHAUSTION:
            pass  # the window has started: next_wake applies its multiplier from now
        elif rule == COURSE_END:
            self.course_end = INF
            return self.settle(enter(c, g, regime.rules.rehabilitation_route(c, now, regime, e),
                                     now, regime, e), now)
        else:
            outcome, self.extended, self.rehab_at = apply_rule(
                rule, c, g, now, regime, self.extended, self.rehab_at, e)
            self.static_t, self.static_rule = stay_rule(c, g, self.entry, regime,
                                                        self.extended)
            return self.settle(outcome, now)
        return None

    def settle(self, outcome: tuple | None, now: float) -> tuple | None:
        """An outcome that keeps the person in the paying group (a reform pays them
        here) but assesses them anew starts a new profile episode in this stay."""
        if outcome is not None and outcome[0] is None:
            self.reprofile(now, outcome[2])
            return None
        return outcome


def _destination(regime, g: int, u: float, close: bool) -> str:
    """Where a hazard exit of profile ``g`` goes: the shares of a person close to or far
    from the labour market (sim.law.Regime)."""
    cum = regime.destination_cum_close[g] if close else regime.destination_cum[g]
    return regime.destinations[g][min(bisect_right(cum, u), len(cum) - 1)]


def stay_rule(c: Citizen, g: int, entry: float, regime, extended: bool) -> tuple[float, int]:
    """The next rule event of a stay that depends only on the law and the citizen:
    the pension age, the uddannelseshjælp age limit and the group's time limit
    (none once the time limit has been extended)."""
    best_t, best = c.birth_week + regime.pension_age * WEEKS_PER_CALENDAR_YEAR, PENSION
    if g in ADULT_OF_YOUTH:
        t = c.birth_week + regime.youth_max_age * WEEKS_PER_CALENDAR_YEAR
        if t < best_t:
            best_t, best = t, YOUTH_LIMIT
    if extended:
        t = INF
    elif g == DAGPENGE:
        t = regime.dagpenge_end(entry)
    elif g == SYGEDAGPENGE:
        t = entry + regime.sygedagpenge_revurdering_week
    elif g == RESSOURCEFORLOEB:
        t = entry + regime.ressourceforloeb_max_weeks
    else:
        t = INF
    if t < best_t:
        best_t, best = t, TIME_LIMIT
    return best_t, best


def assessed(c: Citizen, target: int, entered: int, now: float, regime, n: int) -> int:
    """The person's profile after a move towards ``target``: the group the current law
    alone (the bottom of the visitation stack) puts them in, whichever group a reform
    above it makes pay; the paying group where the law's own rule gives no group."""
    profile = regime.rules.assessment(c, target, now, regime, n)
    return entered if profile.__class__ is str else profile


def enter(c: Citizen, g: int, target: int | str, now: float, regime, n: int) -> tuple:
    """The outcome of a move from ``g`` towards ``target`` (a group, or an exit) after
    visitation, as (moved, group or exit, profile): True, a new stay in the group that
    pays (also the same group when the law says so); False, an exit (also when the law
    gives no benefit); None, the person stays in ``g`` (a reform pays them here),
    assessed anew."""
    if target.__class__ is str:
        return (False, target, c.profile)
    entered = regime.rules.visitation(c, target, now, regime, n)
    if entered.__class__ is str:
        return (False, entered, c.profile)
    profile = assessed(c, target, entered, now, regime, n)
    if entered == g and target != g:
        return (None, g, profile)
    return (True, entered, profile)


def apply_rule(rule: int, c: Citizen, g: int, now: float, regime, extended: bool,
               rehab_at: float, n: int) -> tuple[tuple | None, bool, float]:
    """Apply a rule event; returns (outcome or None to go on, extended, rehab_at).
    ``n``: the episode a decision would open, which keys the rules' draws."""
    if rule == PENSION:
        return (False, "pension", c.profile), extended, rehab_at
    if rule == YOUTH_LIMIT:
        return enter(c, g, ADULT_OF_YOUTH[g], now, regime, n), extended, rehab_at
    if rule == REHAB_DECISION:
        return enter(c, g, regime.rules.rehabilitation_route(c, now, regime, n), now,
                     regime, n), extended, INF
    if rule == TIME_LIMIT:
        decided = regime.rules.time_limit(c, g, now, regime, n)
        if decided is None:
            return None, True, rehab_at  # extended: the stay goes on without a limit
        moved, target = decided
        if not moved:
            return (False, target, c.profile), extended, rehab_at
        outcome = enter(c, g, target, now, regime, n)
        # Kept in the group (a reform pays them here): the stay goes on without a limit.
        stays = outcome[0] is None
        return outcome, stays or extended, INF if g == RESSOURCEFORLOEB else rehab_at
    return None, extended, rehab_at  # regime or cycle change: only rates change
