"""The jobcentre's and the a-kasse's process within a stay in a group.

Conversations (*kontaktforløb*), activation offers (*tilbud*, with *ret og pligt*),
no-shows and sanctions, and their effects on the exit hazard. A ``Casework`` holds
the state of one stay; the citizen process asks it for the hazard multiplier and the
time of its next event, and hands control back to it at that time.

Conversations that change nothing are recorded in bulk when time passes them; the
process wakes only at those that end in a sanction (they change the hazard), so a
schedule of conversations costs no SimPy events of its own. No-shows and sanction
decisions are drawn per conversation from the citizen's counter-based stream, so
the result is the same whichever way the timeline is walked.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from sim.brackets import Brackets
from sim.citizen import UNSKILLED
from sim.clock import HALF_YEAR_WEEKS
from sim.groups import GROUP_INDEX, GROUPS, JOB_READY, UDDANNELSESHJAELP
from sim.random import cumulative_shares, purpose_code
from sim.rules import RuleSet

INF = math.inf
SCAN_WEEKS = 520.0  # look-ahead for the next sanctioned conversation (skips cost no draws)
EPS = 1e-9  # weeks; tolerance when the clock meets an event's time
# sanctions.forhaling: the benefit is lost for the rest of the stay, or until compliance.
FORHALING_LOSS = ("permanent", "saa_laenge")
# sanctions.kind_on_no_show: stop until contact, a sanction rate a day, or a lapse.
NO_SHOW_KINDS = ("saa_laenge", "daily", "lapse")

OFFER_TYPES = ("virksomhedspraktik", "loentilskud_privat", "loentilskud_offentlig",
               "nytteindsats", "oevrig_vejledning", "ordinaer_uddannelse", "mentor")
OFFER_INDEX = {t: i for i, t in enumerate(OFFER_TYPES)}
JOB_READY_INDEX = frozenset(GROUP_INDEX[g] for g in JOB_READY)
YOUTH_INDEX = frozenset(GROUP_INDEX[g] for g in UDDANNELSESHJAELP)
DAGPENGE = GROUP_INDEX["dagpenge"]
PRAKTIK = OFFER_INDEX["virksomhedspraktik"]
OEVRIG = OFFER_INDEX["oevrig_vejledning"]
EDUCATION = OFFER_INDEX["ordinaer_uddannelse"]

P_NOSHOW = purpose_code("conversation_no_show")
P_DECIDE = purpose_code("sanction_decision")
P_OFFER_DECIDE = purpose_code("offer_sanction_decision")
P_OFFER_TYPE = purpose_code("offer_type")
P_OFFER_LENGTH = purpose_code("offer_length")
P_OFFER_NOSHOW = purpose_code("offer_no_show")
P_TAKEUP = purpose_code("offer_takeup")
P_EXEMPTION = purpose_code("exemption")
P_KARANTAENE = purpose_code("karantaene")
P_LACKING_WILL = purpose_code("lacking_will")
P_COMPLAINT = purpose_code("complaint")
P_FORHALING = purpose_code("forhaling")


@dataclass
class ProcessRules:
    """The process layer's parameters in one regime, as tuples indexed by group or type."""

    schedule: tuple  # per group: (first, n6, interval, akasse_weeks) or None
    rp_first: tuple[float, ...]
    rp_repeat: tuple[float, ...]
    max_weeks: tuple[float, ...]
    counts: tuple[bool, ...]
    needs_weeks: tuple[float, ...]
    support: tuple[bool, ...]
    praktik_close_weeks: float
    mix: tuple  # per group: cumulative shares over OFFER_TYPES, or None
    offer_weeks: tuple[float, ...]
    takeup: tuple[float, ...]
    exemption_share: float
    exemption_weeks: float
    no_show: tuple[float, ...]
    decide: tuple[float, ...]
    kind: tuple[str, ...]
    karantaene_share: float
    karantaene_weeks: float
    daily_rate: Brackets  # kr per day by monthly benefit
    refusal_rates: float
    skaerpet_groups: frozenset
    skaerpet_lookback: float
    skaerpet_weeks: float
    saa_laenge_days: float
    daily_days: float
    lapse_weeks: float
    forhaling_max_weeks: float  # a permanent loss withholds at most this long
    no_show_fee_days: tuple[float, ...]  # days of benefit added at a sanctioned no-show
    forhaling_share: float  # share of the lapse sanctions that are for delaying recovery
    forhaling_permanent: bool  # the law: forhaling loses the rest of the stay's benefit
    lacking_will: float
    complaint_share: float
    lock_in: tuple[float, ...]
    post: tuple[float, ...]
    post_weeks: float
    post_upskilling: float  # the programme effect of ordinary education for the unskilled
    threat: tuple[float, ...]
    threat_weeks: float
    conversation: tuple[float, ...]
    sanction_mult: tuple[float, ...]
    sanction_weeks: float
    sanction_decision: Callable  # the rule at hook sanction_decision (sim/rules.py)


def _inf(x) -> float:
    return INF if x is None else float(x)


def compile_process(p: dict, hooks: RuleSet) -> ProcessRules:
    sched, offers, sanc, beh = p["contact"]["schedule"], p["offers"], p["sanctions"], \
        p["process"]
    eff = p["effects"]
    types = offers["types"]
    def per_group(table: dict, default: float) -> tuple[float, ...]:
        return tuple(float(table.get(g, default)) for g in GROUPS)

    # A cap on an offer type's activity (process.offer_volume, 1: none) takes that many
    # fewer of it: the offers taken up a week scale by the weighted mix and the mix by
    # the factors, so the other types' offers stay; a mandatory offer is drawn from the
    # same weights among the types that count.
    volume = [float(beh["offer_volume"].get(t, 1.0)) for t in OFFER_TYPES]
    mix, takeup = [], list(per_group(beh["takeup_per_week"], 0.0))
    for i, g in enumerate(GROUPS):
        shares = beh["offer_mix"].get(g)
        if not shares:
            mix.append(None)
            continue
        plain = [float(shares.get(t, 0.0)) for t in OFFER_TYPES]
        weighted = [s * f for s, f in zip(plain, volume, strict=True)]
        kept = sum(weighted)
        # (With every factor 1 the weighted mix is the plain one, exactly.)
        takeup[i] *= kept / sum(plain)
        # Every type the group uses capped to nothing: no offers taken up, and the law's
        # mandatory ones still drawn from the plain mix.
        mix.append(cumulative_shares(weighted if kept > 0.0 else plain))
    days = beh["sanction_days"]
    skaerpet = sanc["skaerpet"]
    # The interval after month 6 held: the law's times the municipalities' practice.
    practice = beh["contact_practice_factor"]
    return ProcessRules(
        schedule=tuple(
            # A phased-in count of conversations is rounded, not cut: 6 -> 5.33 -> 4.67
            # -> 4 gives 5, 5, 4 (a third of the way each year), not 5, 4, 4.
            _schedule(float(s["first_week"]), math.floor(float(s["first_6_months"]) + 0.5),
                      _inf(s["interval_after"]) * float(practice.get(g, 1.0)),
                      float(s["akasse_weeks"]))
            if (s := sched.get(g)) else None for g in GROUPS),
        rp_first=tuple(_inf(offers["ret_og_pligt"].get(g, {}).get("first_week")) for g in GROUPS),
        rp_repeat=tuple(_inf(offers["ret_og_pligt"].get(g, {}).get("repeat_weeks"))
                        for g in GROUPS),
        max_weeks=tuple(_inf(types[t]["max_weeks"]) for t in OFFER_TYPES),
        counts=tuple(bool(types[t]["counts"]) for t in OFFER_TYPES),
        needs_weeks=tuple(float(types[t]["needs_weeks"]) for t in OFFER_TYPES),
        support=tuple(bool(types[t]["support"]) for t in OFFER_TYPES),
        praktik_close_weeks=float(offers["close_to_market_praktik_weeks"]),
        mix=tuple(mix),
        offer_weeks=tuple(float(beh["offer_weeks"][t]) for t in OFFER_TYPES),
        takeup=tuple(takeup),
        exemption_share=float(beh["exemption_share"]),
        exemption_weeks=float(offers["exemption_max_weeks"]),
        no_show=per_group(beh["no_show"], 0.0),
        decide=_decide(per_group(beh["sanction_decision"], 0.0),
                       per_group(sanc["joblog_automatic"], 0.0),
                       float(beh["joblog_breach_share"])),
        kind=tuple(sanc["kind_on_no_show"].get(g, "daily") for g in GROUPS),
        karantaene_share=float(beh["karantaene_share"]),
        karantaene_weeks=float(sanc["karantaene_weeks"]),
        daily_rate=Brackets.parse(sanc["daily_rate"]),
        refusal_rates=float(sanc["refusal_reduction_rates"]),
        skaerpet_groups=frozenset(GROUP_INDEX[g] for g in skaerpet["groups"]),
        skaerpet_lookback=float(skaerpet["lookback_weeks"]),
        skaerpet_weeks=min(float(days["skaerpet_weeks"]), float(skaerpet["max_weeks"])),
        saa_laenge_days=float(days["saa_laenge_days"]),
        daily_days=float(days["daily_days"]),
        lapse_weeks=float(days["lapse_weeks"]),
        forhaling_max_weeks=float(days["forhaling_max_weeks"]),
        no_show_fee_days=per_group(sanc["no_show_fee_days"], 0.0),
        forhaling_share=float(beh["forhaling_share"]),
        forhaling_permanent=_forhaling_permanent(sanc["forhaling"]),
        lacking_will=float(beh["lacking_will_share"]),
        complaint_share=float(beh["complaint_share"]),
        lock_in=tuple(float(eff["lock_in"][t]) for t in OFFER_TYPES),
        post=tuple(float(eff["post"][t]) for t in OFFER_TYPES),
        post_weeks=float(eff["post_weeks"]),
        post_upskilling=float(eff["post_upskilling"]),
        threat=per_group(eff["threat"], 1.0),
        threat_weeks=float(eff["threat_weeks"]),
        conversation=per_group(eff["conversation"], 0.0),
        sanction_mult=per_group(eff["sanction"], 1.0),
        sanction_weeks=float(eff["sanction_weeks"]),
        sanction_decision=hooks.sanction_decision,
    )


def _decide(decision: tuple[float, ...], automatic: tuple[float, ...],
            joblog_share: float) -> tuple[float, ...]:
    """The chance a breach is sanctioned, by group. The fitted no-shows stand for every
    breach that was sanctioned (process.no_show); the municipality or the a-kasse decides
    on each (process.sanction_decision), except where the law sanctions a missed joblog
    entry without a decision (sanctions.joblog_automatic, a weight that phases in): that
    part of the breaches (process.joblog_breach_share) is then always sanctioned."""
    return tuple(d + a * joblog_share * (1.0 - d)
                 for d, a in zip(decision, automatic, strict=True))


def _forhaling_permanent(loss: str) -> bool:
    if loss not in FORHALING_LOSS:
        raise ValueError(f"sanctions.forhaling: got {loss!r}; allowed: "
                         + " or ".join(FORHALING_LOSS))
    return loss == "permanent"


def _schedule(first: float, n6: int, interval: float, akasse: float) -> tuple:
    """A contact course as (first, n6, interval, akasse_weeks, after): ``after`` is the
    week of the first conversation after month 6 (kept so it is not recomputed)."""
    last6 = first + (n6 - 1) * (HALF_YEAR_WEEKS - first) / n6 if n6 else -INF
    return (first, n6, interval, akasse, max(last6 + interval, HALF_YEAR_WEEKS))


def conversation_week(schedule: tuple, k: int) -> float:
    """Week in the group of conversation k (0-based) of a contact course.

    The n6 conversations of months 0-6 run evenly from the first one to week 26; after
    that one every ``interval`` weeks, the first of them after month 6.
    """
    first, n6, interval, _, after = schedule
    if k < n6:
        return first + k * (HALF_YEAR_WEEKS - first) / n6
    if interval == INF:
        return INF
    return after + (k - n6) * interval


def first_conversation_from(schedule: tuple, d: float) -> int:
    """Index of the first conversation at or after week ``d`` in the group."""
    first, n6, interval, _, after = schedule
    if n6 and d <= first:
        return 0
    if n6:
        step = (HALF_YEAR_WEEKS - first) / n6
        k = math.ceil((d - first) / step - 1e-12)
        if k < n6:
            return max(k, 0)
    if interval == INF:
        return 1 << 30
    return n6 + max(math.ceil((d - after) / interval - 1e-12), 0)


def conversations_before(schedule: tuple, origin: float, until: float, inclusive: bool,
                         k_from: int) -> int:
    """The first conversation from ``k_from`` on that is after ``until`` (or at it, when
    not ``inclusive``): so conversations k_from, ... up to it are held by ``until``.

    The index is guessed in weeks and then settled by comparing the conversations' own
    clock times, so it agrees exactly with walking them one by one (times rise with k).
    """
    k = max(first_conversation_from(schedule, until - origin), k_from)
    while k > k_from and _held(origin + conversation_week(schedule, k - 1), until, inclusive):
        k -= 1
    while _held(origin + conversation_week(schedule, k), until, inclusive):
        k += 1
    return k


def _held(t: float, until: float, inclusive: bool) -> bool:
    return t < until or (inclusive and t == until)


def daily_sanction(rules: ProcessRules, weekly_benefit: float) -> float:
    """Kontanthjælp sanction per day by the monthly benefit (200/400/650/750 kr in 2023).
    A benefit at a bound gets that bound's rate, also when the monthly amount computed
    from the weekly one lands a rounding error above it."""
    return rules.daily_rate.at(weekly_benefit * 52.0 / 12.0, tol=1e-9)


class Casework:
    """Process state of one stay: contact course, offer, ret og pligt and sanctions.

    Conversations are not walked one by one: the stay's contact course is a fixed
    schedule, so the conversations held between two times follow by arithmetic
    (:func:`conversations_before`) and are counted by year when the stay ends. Only the
    no-shows found by the scan are kept singly, until the clock passes them.
    """

    __slots__ = ("g", "profile", "origin", "n", "rules", "sched", "k", "last_due", "conv_at",
                 "conv_k", "scan_k", "pending_no_show", "no_show_draws", "no_shows",
                 "offer", "offer_start", "offer_end", "post_until", "post_mult", "rp_due",
                 "voluntary_at", "sanction_until", "k_offer", "phase_at", "forfeit_from",
                 "forfeit_until", "forfeit_weekly")

    def __init__(self, model, c, g: int, entry: float, now: float, n: int, regime,
                 new_spell: bool) -> None:
        rules = regime.process
        # The contact course counts from the stay's entry under current law; a rule
        # may count it from elsewhere (e.g. the spell's start: no restart on a move).
        origin = regime.rules.contact_clock(c, entry, regime)
        self.g, self.origin, self.n, self.rules = g, origin, n, rules
        # The person's profile: who they are, for the effects and the no-shows; the
        # paying group g gives the law (conversations, offers, sanctions).
        self.profile = c.profile
        self.sched = rules.schedule[g]
        self.offer = -1
        self.offer_start = self.offer_end = INF
        self.post_until, self.post_mult = -INF, 1.0
        self.sanction_until = -INF
        # Benefit lost for good (forhaling) from, to at most, at the weekly amount:
        self.forfeit_from, self.forfeit_until, self.forfeit_weekly = INF, INF, 0.0
        self.k_offer = 0
        self.last_due = -INF  # the latest time advance() handled (conversations held)
        d = now - origin
        # Ret og pligt: a stock person past the first deadline is taken to have met it.
        self.rp_due = regime.rules.offer_timing(c, g, entry, regime)
        if self.rp_due < now:
            repeat = rules.rp_repeat[g]
            self.rp_due = now + repeat * c.draws.uniform(P_TAKEUP, n) \
                if repeat < INF else INF
        self.voluntary_at = self._voluntary(c, now)
        self.phase_at = origin + HALF_YEAR_WEEKS \
            if rules.conversation[self.profile] and d < HALF_YEAR_WEEKS else INF
        self.no_shows: list[int] = []
        self.pending_no_show, self.no_show_draws = -1, 0
        if self.sched is not None:
            # k: the stay's first conversation (those before it fell in an earlier stay).
            self.k = self.scan_k = first_conversation_from(self.sched, d)
            self._scan(c, now, self.k)
        else:
            self.k, self.scan_k, self.conv_at, self.conv_k = 0, 0, INF, -1
        if new_spell and g == DAGPENGE and rules.karantaene_share > 0 and \
                c.draws.uniform(P_KARANTAENE, n) < rules.karantaene_share:
            self._sanction(model, c, now, regime, "karantaene", self.k, behavioural=False)

    # -- timing -------------------------------------------------------------------------
    def _voluntary(self, c, now: float) -> float:
        rate = self.rules.takeup[self.g]
        if rate <= 0.0 or self.rules.mix[self.g] is None:
            return INF
        self.k_offer += 1
        return now - math.log(c.draws.uniform(P_TAKEUP, self.n, self.k_offer)) / rate

    def _held_by(self, until: float, inclusive: bool) -> int:
        """The first conversation of the stay not yet held at ``until``."""
        return conversations_before(self.sched, self.origin, until, inclusive, self.k)

    def _scan(self, c, now: float, held: int) -> None:
        """Find the next conversation that ends in a sanction (or a time to look again).

        No-shows are found by geometric skips over the conversations (one draw per
        no-show, not per conversation) from ``held``, the first conversation not yet
        held; no-shows without a sanction are remembered until the clock passes them.
        The scan looks ``SCAN_WEEKS`` ahead and resumes where it stopped.
        """
        p_no = min(1.0, self.rules.no_show[self.profile] * c.compliance)
        if self.sched is None or p_no <= 0.0:
            self.conv_at, self.conv_k = INF, -1
            return
        p_dec = self.rules.decide[self.g]
        limit = now + SCAN_WEEKS
        draws = c.draws
        while True:
            if self.pending_no_show < 0:
                u = draws.uniform(P_NOSHOW, self.n, self.no_show_draws)
                self.no_show_draws += 1
                skip = 0 if p_no >= 1.0 else int(math.log(u) / math.log1p(-p_no))
                self.pending_no_show = max(self.scan_k, held) + skip
            k = self.pending_no_show
            t = self.origin + conversation_week(self.sched, k)
            if t == INF:
                self.conv_at, self.conv_k = INF, -1
                return
            if t > limit:
                self.conv_at, self.conv_k = limit, -1
                return
            self.pending_no_show, self.scan_k = -1, k + 1
            if self.rules.sanction_decision(self, c, k, draws.uniform(P_DECIDE, self.n, k),
                                            p_dec):
                self.conv_at, self.conv_k = t, k
                return
            self.no_shows.append(k)

    def next_event(self, now: float) -> float:
        """Time of the next event that changes the hazard or starts or ends an offer."""
        t = self.conv_at
        if self.offer >= 0:
            if self.offer_end < t:
                t = self.offer_end
        else:
            due = self.rp_due if self.rp_due < self.voluntary_at else self.voluntary_at
            if due < t:
                t = due
            threat_start = self.rp_due - self.rules.threat_weeks
            if self.rules.threat[self.profile] != 1.0 and now < threat_start < t:
                t = threat_start
        x = self.post_until
        if now < x < t:
            t = x
        x = self.sanction_until
        if now < x < t:
            t = x
        x = self.phase_at
        if now < x < t:
            t = x
        return t

    def set_profile(self, profile: int, c, now: float) -> None:
        """The person was assessed anew within the stay (sim.spell.Stay.reprofile): the
        effects' phase and the no-shows found ahead follow the new profile from ``now``
        (those already passed stay as they were)."""
        self.profile = profile
        d = now - self.origin
        self.phase_at = self.origin + HALF_YEAR_WEEKS \
            if self.rules.conversation[profile] and d < HALF_YEAR_WEEKS else INF
        if self.sched is not None:
            held = self._held_by(now, False)
            self.no_shows = [k for k in self.no_shows if k < held]
            self.pending_no_show, self.scan_k = -1, held
            if self.conv_k >= held:
                self.conv_k = -1
            self._scan(c, now, held)

    def multiplier(self, now: float) -> float:
        """The channels of the process: offers (lock-in, post effect, threat),
        conversations and sanctions, by the person's profile."""
        rules, p = self.rules, self.profile
        m = 1.0
        if self.offer >= 0:
            m *= rules.lock_in[self.offer]
        elif now < self.post_until:
            m *= self.post_mult
        elif rules.threat[p] != 1.0 and self.rp_due - rules.threat_weeks <= now < self.rp_due:
            m *= rules.threat[p]
        beta = rules.conversation[p]
        if beta and self.sched is not None:
            # Effect of conversations: beta per conversation a month in the current phase.
            _, n6, interval, _, _ = self.sched
            per_month = n6 / 6.0 if now - self.origin < HALF_YEAR_WEEKS else (
                52.0 / 12.0 / interval if interval < INF else 0.0)
            m *= 1.0 + beta * per_month
        if now < self.sanction_until:
            m *= rules.sanction_mult[p]
        return m

    # -- events -------------------------------------------------------------------------
    def advance(self, model, c, now: float, regime) -> None:
        """Handle everything due at ``now`` (the time ``next_event`` gave).

        Times are compared with a small tolerance: the clock reaches an event's time
        by adding a delay, which may land one rounding step short of it.
        """
        due = now + EPS
        self.last_due = due
        if self.conv_at <= due:
            # The sanctioned conversation (or the scan's look-ahead limit) is reached.
            held = self._held_by(due, True)  # a course exists: conv_at is finite
            self._pass(model, c, held, now, regime)
            self._scan(c, due, held)
        if due >= self.post_until:
            self.post_until, self.post_mult = -INF, 1.0
        if due >= self.sanction_until:
            self.sanction_until = -INF
        if due >= self.phase_at:
            self.phase_at = INF
        if self.offer >= 0 and due >= self.offer_end:
            self._end_offer(model, c, now)
        if self.offer < 0:
            if due >= self.rp_due:
                self._start_offer(model, c, now, regime, mandatory=True)
            elif due >= self.voluntary_at:
                self._start_offer(model, c, now, regime, mandatory=False)

    def close(self, model, c, now: float, regime) -> None:
        """The stay ends at ``now``: record what happened up to it."""
        if self.sched is not None:
            held = self._held_by(now, False)
            if self.last_due >= now:  # an advance at this instant held a little more
                held = max(held, self._held_by(self.last_due, True))
            self._pass(model, c, held, now, regime)
            record_conversations(model.ledger, c.id, GROUPS[self.g], self.sched,
                                 self.origin, self.k, held, now)
        if self.offer >= 0:
            self._end_offer(model, c, now)
        if self.forfeit_from < now:
            record_forfeit(model.ledger, c.id, self.g, self.forfeit_from,
                           min(now, self.forfeit_until), self.forfeit_weekly)

    def _pass(self, model, c, held: int, now: float, regime) -> None:
        """Record the no-shows among the conversations before ``held`` and sanction the
        scan's sanctioned conversation when it is among them."""
        no_shows = self.no_shows
        ledger, group = model.ledger, GROUPS[self.g]
        while no_shows and no_shows[0] < held:
            k = no_shows.pop(0)
            t = min(self.origin + conversation_week(self.sched, k), now)
            ledger.activity(t, group, "no_show")
            if ledger.keep_events:
                ledger.event(c.id, t, group, "no_show", "conversation")
        if 0 <= self.conv_k < held:
            t = min(self.conv_at, now)
            ledger.activity(t, group, "no_show")
            if ledger.keep_events:
                ledger.event(c.id, t, group, "no_show", "conversation")
            self._sanction(model, c, t, regime, self.rules.kind[self.g], self.conv_k,
                           True, self.rules.no_show_fee_days[self.g])
            self.conv_k = -1

    def _start_offer(self, model, c, now: float, regime, mandatory: bool) -> None:
        rules, g, draws = self.rules, self.g, c.draws
        n, k = self.n, self.k_offer  # this offer's draws: (stay, offer)
        ledger, group = model.ledger, GROUPS[g]
        if mandatory and rules.exemption_share > 0 and \
                draws.uniform(P_EXEMPTION, n, k) < rules.exemption_share:
            ledger.activity(now, group, "exemption")
            if ledger.keep_events:
                ledger.event(c.id, now, group, "exemption", "")
            self.rp_due = now + rules.exemption_weeks
            self.k_offer += 1
            return
        kind = self._offer_type(draws.uniform(P_OFFER_TYPE, n, k), mandatory)
        if now - c.spell_start < rules.needs_weeks[kind]:
            kind = PRAKTIK  # public løntilskud needs 26 weeks of unemployment first
        length = rules.offer_weeks[kind] * (0.5 + draws.uniform(P_OFFER_LENGTH, n, k))
        cap = rules.praktik_close_weeks if kind == PRAKTIK and g in JOB_READY_INDEX else \
            rules.max_weeks[kind]
        self.offer, self.offer_start, self.offer_end = kind, now, now + min(length, cap)
        self.voluntary_at = INF
        name = OFFER_TYPES[kind]
        ledger.activity(now, group, "offer_start:" + name)
        if ledger.keep_events:
            ledger.event(c.id, now, group, "offer_start", name)
        p_no = min(1.0, rules.no_show[self.profile] * c.compliance)
        if p_no > 0 and draws.uniform(P_OFFER_NOSHOW, n, k) < p_no:
            ledger.activity(now, group, "no_show")
            if ledger.keep_events:
                ledger.event(c.id, now, group, "no_show", "offer")
            if draws.uniform(P_OFFER_DECIDE, n, k) < rules.decide[g]:
                sanction = "nedsaettelse" if rules.kind[g] == "daily" else rules.kind[g]
                held = self.k if self.sched is None else self._held_by(now + EPS, True)
                self._sanction(model, c, now, regime, sanction, held)
        if rules.counts[kind] or (kind == OEVRIG and g in YOUTH_INDEX):
            self.rp_due = INF
        elif self.rp_due < self.offer_end:
            self.rp_due = self.offer_end  # the mandatory offer follows this one
        self.k_offer += 1

    def _offer_type(self, u: float, mandatory: bool) -> int:
        cum = self.rules.mix[self.g]
        if not mandatory:
            return bisect_right(cum, u)
        # A mandatory offer is drawn among the types that count for ret og pligt.
        ok = [i for i in range(len(OFFER_TYPES))
              if self.rules.counts[i] or (i == OEVRIG and self.g in YOUTH_INDEX)]
        weights = [cum[i] - (cum[i - 1] if i else 0.0) for i in ok]
        total = sum(weights)
        if total <= 0:
            return PRAKTIK
        acc = 0.0
        for i, w in zip(ok, weights, strict=True):
            acc += w / total
            if u < acc:
                return i
        return ok[-1]

    def _end_offer(self, model, c, now: float) -> None:
        rules, g = self.rules, self.g
        kind = self.offer
        model.ledger.offer(c.id, g, kind, self.offer_start, now)
        if model.ledger.keep_events:
            model.ledger.event(c.id, now, GROUPS[g], "offer_end", OFFER_TYPES[kind])
        self.offer = -1
        self.offer_start = self.offer_end = INF
        post = rules.post[kind]
        if kind == EDUCATION and c.education == UNSKILLED and c.close:
            post = rules.post_upskilling  # upskilling to skilled level (rules.md (c))
        if post != 1.0:
            self.post_until, self.post_mult = now + rules.post_weeks, post
        if rules.counts[kind] or (kind == OEVRIG and g in YOUTH_INDEX):
            repeat = rules.rp_repeat[g]
            self.rp_due = now + repeat if repeat < INF else INF
        self.voluntary_at = self._voluntary(c, now)

    def _sanction(self, model, c, now: float, regime, kind: str, k: int,
                  behavioural: bool = True, fee_days: float = 0.0) -> None:
        """Decide the sanction's type and size, record it and start its ex-post effect.
        ``k``: the conversation it follows, or the first not yet held (keys its draws).
        ``fee_days``: days of benefit added for a no-show without cancelling."""
        rules, g = self.rules, self.g
        weekly = regime.person_rate[c.benefit_class][g]
        if kind == "daily" and g in rules.skaerpet_groups and \
                now - c.last_sanction <= rules.skaerpet_lookback and \
                c.draws.uniform(P_LACKING_WILL, self.n, self.k_offer, k) < rules.lacking_will:
            kind = "skaerpet"
        if kind == "lapse" and rules.forhaling_share > 0.0 and \
                c.draws.uniform(P_FORHALING, self.n, self.k_offer, k) < rules.forhaling_share:
            kind = "forhaling"  # delaying recovery, not only not cooperating
        if kind == "saa_laenge":
            amount = rules.saa_laenge_days * weekly / 5.0
        elif kind == "daily":
            amount = rules.daily_days * daily_sanction(rules, weekly)
        elif kind == "nedsaettelse":
            amount = rules.refusal_rates * daily_sanction(rules, weekly)
        elif kind == "skaerpet":
            amount = rules.skaerpet_weeks * weekly
        elif kind == "lapse":
            amount = rules.lapse_weeks * weekly
        elif kind == "forhaling":
            if rules.forhaling_permanent:
                # Lost for the rest of the stay (at most forhaling_max_weeks, when the
                # citizen has other support or work): recorded when the stay ends (close).
                amount = 0.0
                if now >= self.forfeit_until:  # an earlier loss has run out: record it
                    record_forfeit(model.ledger, c.id, g, self.forfeit_from,
                                   self.forfeit_until, self.forfeit_weekly)
                    self.forfeit_from = INF
                if self.forfeit_from == INF:
                    self.forfeit_from, self.forfeit_weekly = now, weekly
                    self.forfeit_until = now + rules.forhaling_max_weeks
            else:  # så længe: until the citizen complies, as a lapse
                amount = rules.lapse_weeks * weekly
        else:  # karantaene
            amount = rules.karantaene_weeks * weekly
        if self.forfeit_from < now < self.forfeit_until:
            amount = fee_days = 0.0  # nothing left to withhold
        ledger, group = model.ledger, GROUPS[g]
        ledger.activity(now, group, "sanction:" + kind)
        if ledger.keep_events:
            ledger.event(c.id, now, group, "sanction", kind)
        if amount > 0.0:
            ledger.reduction(c.id, now, g, kind, amount)
        ledger.sanctioned(now, g, c.id, kind)
        if fee_days > 0.0:
            # Not cancelled: fee_days of the benefit on top, automatic, so no casework of
            # its own (counted as no_show_fee, not as a sanction).
            ledger.activity(now, group, "no_show_fee")
            ledger.reduction(c.id, now, g, "no_show_fee", fee_days * weekly / 5.0)
        if c.draws.uniform(P_COMPLAINT, self.n, self.k_offer, k) < rules.complaint_share:
            ledger.activity(now, group, "complaint")
        if behavioural:
            c.last_sanction = now
            if rules.sanction_mult[self.profile] != 1.0:
                self.sanction_until = now + rules.sanction_weeks


def record_conversations(ledger, citizen: int, group: str, sched: tuple, origin: float,
                         k0: int, k1: int, now: float) -> None:
    """Count conversations k0 .. k1-1 of a contact course by year and holder (the
    a-kasse's in its first ``akasse_weeks``, the jobcentre's after), cutting the run of
    conversations at the year starts and at the a-kasse's end by exact comparison."""
    if k1 <= k0:
        return
    akasse = sched[3]
    last = origin + conversation_week(sched, k1 - 1)
    k = k0
    while k < k1:
        t = origin + conversation_week(sched, k)
        year, _, year_end = ledger.year_span(t)
        end = k1 if last < year_end else _first_from(sched, origin, k, k1, year_end)
        if t - origin < akasse:  # the a-kasse's share of [k, end)
            split = _first_from(sched, origin, k, end, akasse, since=origin)
            if year is not None:
                ledger.activity_count(year, group, "conversation_akasse", split - k)
                ledger.activity_count(year, group, "conversation_jobcentre", end - split)
        elif year is not None:
            ledger.activity_count(year, group, "conversation_jobcentre", end - k)
        k = end
    if ledger.keep_events:
        for k in range(k0, k1):
            t = origin + conversation_week(sched, k)
            holder = "akasse" if t - origin < akasse else "jobcentre"
            ledger.event(citizen, min(t, now), group, "conversation", holder)


def record_forfeit(ledger, citizen: int, g: int, start: float, end: float,
                   weekly: float) -> None:
    """Benefit lost for good from ``start`` to the stay's end ``end`` (forhaling under
    current law), as one reduction per calendar year, dated at the start of its part."""
    t = start
    while t < end:
        _, _, year_end = ledger.year_span(t)
        stop = min(end, year_end)
        ledger.reduction(citizen, t, g, "forhaling", (stop - t) * weekly)
        t = stop


def _first_from(sched: tuple, origin: float, lo: int, hi: int, bound: float,
                since: float = 0.0) -> int:
    """The first k in [lo, hi) whose conversation time t has t - ``since`` at or after
    ``bound`` (else hi): a clock time, or with ``since`` = origin weeks into the course,
    computed as the conversations' own times are, so the cut is exact."""
    while lo < hi:
        mid = (lo + hi) // 2
        if origin + conversation_week(sched, mid) - since < bound:
            lo = mid + 1
        else:
            hi = mid
    return lo


class NoCasework(Casework):
    """The casework of groups outside the employment effort (fleksjob, førtidspension):
    no conversations, offers or sanctions. One shared instance saves memory. A subclass
    so that the compiled kernel can call either kind without a type check."""

    __slots__ = ()

    def __init__(self) -> None:
        self.rules = None

    def set_profile(self, profile: int, c, now: float) -> None:
        return None

    def multiplier(self, now: float) -> float:
        return 1.0

    def next_event(self, now: float) -> float:
        return INF

    def advance(self, model, c, now: float, regime) -> None:
        return None

    def close(self, model, c, now: float, regime) -> None:
        return None


NO_CASEWORK = NoCasework()


def casework_for(model, c, g: int, entry: float, now: float, n: int, regime,
                 new_spell: bool) -> Casework | NoCasework:
    """The process state of a stay, or the shared empty one where the group has none."""
    rules = regime.process
    if rules.schedule[g] is None and rules.mix[g] is None and rules.rp_first[g] == INF \
            and g != DAGPENGE:
        return NO_CASEWORK
    return Casework(model, c, g, entry, now, n, regime, new_spell)
