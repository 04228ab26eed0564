"""Rules that reforms stack on the current law at the engine's hooks (sim/rules.py).

Each rule is registered under a name and stacked by a policy with
``ParameterChange(*on_top("<hook>", "<name>"))``. A *layer* decides only where it has
something to say and hands the rest to the rule below it (``below``), so two
recommendations at one hook compose in either order. Rules that need numbers read them
from their own parameter leaves through ``regime.params`` (the regime's parameter
snapshot), so the numbers are dated, phased in and listed in the policy tables like any
other parameter. The expert group's proposal (seed 003_6dc7bdcfc6d04eb3.txt) is the main
user; see policies/expert_group.py.
"""

from __future__ import annotations

from sim.clock import HALF_YEAR_WEEKS
from sim.groups import EFFORT_JOBHJAELP, EFFORT_SICK_LISTED, EXITS, GROUP_INDEX, GROUPS
from sim.random import purpose_code
from sim.rules import rule

P_REROUTE = purpose_code("reroute_abolished")
P_EXEMPT_0_6 = purpose_code("exempt_first_6_months")
PROPORTIONAL = "proportional"  # visitation.foertidspension_fallback: spread in proportion

FOERTIDSPENSION = GROUP_INDEX["foertidspension"]
JOBHJAELP = frozenset(GROUP_INDEX[g] for g in EFFORT_JOBHJAELP)
SICK_LISTED = frozenset(GROUP_INDEX[g] for g in EFFORT_SICK_LISTED)


# -- visitation: abolished groups -------------------------------------------------------
def _reroute_table(regime) -> tuple:
    """visitation.reroute compiled once per regime: per group None (not abolished) or
    ((destinations, shares), (destinations, shares) under foertidspension.min_age), a
    destination as a group index or an exit name. Under the age the førtidspension share
    goes to the group's visitation.foertidspension_fallback, or, where that is
    ``proportional``, to the other destinations in proportion (the draw renormalises)."""
    cached = regime.__dict__.get("_reroute")
    if cached is None:
        table = regime.params["visitation"]["reroute"]
        fallbacks = regime.params["visitation"]["foertidspension_fallback"]
        out = []
        for g in GROUPS:
            shares = table.get(g) or {}
            shares = {d: float(s) for d, s in shares.items() if float(s) > 0.0}
            if not shares:
                out.append(None)
                continue
            for d in shares:
                if d not in GROUP_INDEX and d not in EXITS:
                    raise ValueError(f"visitation.reroute.{g}: unknown destination {d!r}")
            young = dict(shares)
            foep = young.pop("foertidspension", 0.0)
            fallback = fallbacks.get(g, PROPORTIONAL)
            if foep and fallback != PROPORTIONAL:
                if fallback not in GROUP_INDEX and fallback not in EXITS or \
                        fallback == "foertidspension":
                    raise ValueError(f"visitation.foertidspension_fallback.{g}: got "
                                     f"{fallback!r}; allowed: a group other than "
                                     f"foertidspension, an exit, or {PROPORTIONAL}")
                young[fallback] = young.get(fallback, 0.0) + foep
            out.append((_destinations(shares), _destinations(young) if young else None))
        cached = regime.__dict__["_reroute"] = tuple(out)
    return cached


def _reroute_adult(regime) -> frozenset[int]:
    """visitation.reroute_adult as group indices, once per regime."""
    cached = regime.__dict__.get("_reroute_adult")
    if cached is None:
        names = regime.params["visitation"]["reroute_adult"]
        for g in names:
            if g not in GROUP_INDEX:
                raise ValueError(f"visitation.reroute_adult: unknown group {g!r}")
        cached = regime.__dict__["_reroute_adult"] = frozenset(GROUP_INDEX[g] for g in names)
    return cached


def _destinations(shares: dict[str, float]) -> tuple[tuple, tuple[float, ...]]:
    return (tuple(GROUP_INDEX[d] if d in GROUP_INDEX else d for d in shares),
            tuple(shares.values()))


@rule("visitation", "reroute_abolished",
      "Groups with a visitation.reroute table take no new entrants: a would-be entrant goes "
      "to a destination drawn from the table (another group, or an exit when the law gives "
      "no benefit); førtidspension only from foertidspension.min_age, its share otherwise "
      "going to visitation.foertidspension_fallback (or, where proportional, to the other "
      "destinations in proportion); the rule below then visits the destination group (the "
      "age rule of uddannelseshjælp), except for the groups of visitation.reroute_adult, "
      "whose would-be entrants are paid in the drawn group as it is. A person rerouted "
      "before in the spell and still on support keeps their benefit at a later decision "
      "(only the førtidspension share applies again): the split is for would-be entrants, "
      "once",
      "seed 003_6dc7bdcfc6d04eb3.txt, L12288-L12360; L12583-L12587 (abolished target "
      "groups and where their would-be entrants go)", layer=True)
def visitation_reroute_abolished(c, target: int, now: float, regime, n: int, below):
    entry = _reroute_table(regime)[target]
    if entry is not None:
        # Paid in the drawn group as it is, without the age rule below?
        adult = target in _reroute_adult(regime)
        chosen = _drawn(c, entry, now, regime, n)
        if chosen != FOERTIDSPENSION and c.profile == target and c.group != target and \
                c.seg_start > c.last_exit:
            # Rerouted before in this spell (the current law still assesses them to the
            # abolished group, another group pays them) and on support: the table's
            # split is for would-be entrants, once; at a later decision the person keeps
            # the benefit they have, and only the førtidspension share applies again.
            # Someone the abolished group still pays (in it before the date) is a
            # would-be entrant when their course ends: no new course.
            return c.group if adult else below(c, c.group, now, regime, n)
        if isinstance(chosen, str):
            return chosen  # no benefit: the citizen leaves support (exit)
        if adult:
            return chosen
        target = chosen
    return below(c, target, now, regime, n)


def _drawn(c, entry: tuple, now: float, regime, n: int) -> int | str:
    """The destination of a would-be entrant drawn from a row of _reroute_table (the
    row under foertidspension.min_age for the young), keyed by the decision's episode
    ``n``: the visitation rule and the team's rule below draw the same destination."""
    (dests, shares), young = entry
    if c.age(now) < regime.foertidspension_min_age and young is not None:
        dests, shares = young
    u = c.draws.uniform(P_REROUTE, n) * sum(shares)
    acc = 0.0
    for d, s in zip(dests, shares, strict=True):
        acc += s
        if u < acc:
            return d
    return dests[-1]


@rule("rehabilitation_route", "foertidspension_at_once",
      "Where the team decides on a group that takes no new entrants (visitation.reroute) "
      "and the would-be entrant's draw of the reroute is førtidspension, the team grants "
      "førtidspension at once: the citizen is assessed to førtidspension (its profile, "
      "a permanent grant) instead of keeping the abolished group's profile, whose "
      "hazards would take them off førtidspension; the other draws go to the visitation "
      "rule reroute_abolished with the same draw",
      "seed 003_6dc7bdcfc6d04eb3.txt, L12288-L12350 (part of the group moves to "
      "førtidspension earlier); førtidspension only from foertidspension.min_age (seed "
      "004_282ac59a8741076f.txt, L501-L511)", layer=True)
def rehabilitation_route_foertidspension_at_once(c, now: float, regime, n: int, below):
    route = below(c, now, regime, n)
    if route.__class__ is not str:
        entry = _reroute_table(regime)[route]
        if entry is not None and _drawn(c, entry, now, regime, n) == FOERTIDSPENSION:
            return FOERTIDSPENSION
    return route


# -- contact clock: no restart, exemption in months 0-6 ------------------------------------
def _exempt_shares(regime) -> tuple[float, ...]:
    cached = regime.__dict__.get("_exempt_0_6")
    if cached is None:
        table = regime.params["contact"]["exempt_first_6_months"]
        cached = regime.__dict__["_exempt_0_6"] = tuple(float(table.get(g, 0.0))
                                                        for g in GROUPS)
    return cached


def _exempt(c, entry: float, regime) -> bool:
    share = _exempt_shares(regime)[c.group]
    # The draw is keyed by the stay (c.n - 1 is the index of the stay being set up).
    return share > 0.0 and c.draws.uniform(P_EXEMPT_0_6, c.n - 1) < share


@rule("contact_clock", "spell_start",
      "The contact course counts from the start of the spell: it no longer restarts at a "
      "change of benefit or group",
      "seed 003_6dc7bdcfc6d04eb3.txt, L1327-L1450 (recommendation 2.1)")
def contact_clock_spell_start(c, entry: float, regime) -> float:
    return c.spell_start


@rule("contact_clock", "exempt_first_6_months",
      "A share of each group's stays (contact.exempt_first_6_months) has no conversations "
      "in the first 6 months of the course the rule below gives: the course counts from "
      "its month 6 instead (so its months 0-6 run in months 6-12: an approximation)",
      "seed 003_6dc7bdcfc6d04eb3.txt, L1454-L1483 (2.2: up to 1 in 4 close to the market "
      "exempt in months 0-6); L1838-L1888 (2.8: sick-listed employees with a job to return "
      "to within 26 weeks)", layer=True)
def contact_clock_exempt_first_6_months(c, entry: float, regime, below) -> float:
    origin = below(c, entry, regime)
    if _exempt(c, entry, regime) and entry - origin < HALF_YEAR_WEEKS:
        return origin + HALF_YEAR_WEEKS
    return origin


# -- offer timing: ret og pligt counted from the spell's start ------------------------------
@rule("offer_timing", "spell_start",
      "Ret og pligt falls due offers.ret_og_pligt.<group>.first_week after the start of the "
      "spell, not of the stay (no restart at a change of benefit); a deadline already "
      "passed when the citizen changes group falls due at once",
      "seed 003_6dc7bdcfc6d04eb3.txt, L1327-L1450 (recommendation 2.1)")
def offer_timing_spell_start(c, g: int, entry: float, regime) -> float:
    due = c.spell_start + regime.process.rp_first[g]
    return due if due >= entry or c.spell_start == entry else entry


# -- sanction decision -------------------------------------------------------------------
def _repeated(casework) -> bool:
    # An earlier no-show of the stay that was not sanctioned (casework.no_shows holds them
    # until they are recorded; a sanction starts the count again).
    return bool(casework.no_shows)


@rule("sanction_decision", "jobhjaelp_repeated_only",
      "Jobhjælp (aktivitetsparate, former ressourceforløb/revalidering): no sanction at a "
      "first no-show, only at a repeated one (trust broken), decided by the rule below",
      "seed 003_6dc7bdcfc6d04eb3.txt, L3618-L3692 (recommendation 3.1)", layer=True)
def sanction_jobhjaelp_repeated_only(casework, c, k: int, u: float, p_decide: float,
                                     below) -> bool:
    if casework.g in JOBHJAELP and not _repeated(casework):
        return False
    return below(casework, c, k, u, p_decide)


@rule("sanction_decision", "sick_spared_first_conversation",
      "Sick-listed (sygedagpenge, jobafklaring) are not sanctioned for missing the first "
      "conversation of the course; otherwise the rule below decides",
      "seed 003_6dc7bdcfc6d04eb3.txt, L3870-L3886 (recommendation 3.5)", layer=True)
def sanction_sick_spared_first(casework, c, k: int, u: float, p_decide: float,
                               below) -> bool:
    if k == 0 and casework.g in SICK_LISTED:
        return False
    return below(casework, c, k, u, p_decide)
