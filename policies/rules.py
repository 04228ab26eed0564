"""Alternative rules that policies put in force at the engine's hooks (sim/rules.py).

Each rule is registered under a name and put in force by a policy with
``ParameterChange("rules.<hook>", "<name>")``. Rules that need numbers read them from
their own parameter leaves through ``regime.params`` (the regime's parameter snapshot),
so the numbers are dated, phased in and listed in the policy tables like any other
parameter. The expert group's proposal (seed 003_6dc7bdcfc6d04eb3.txt) is the main
user; see policies/expert_group.py.
"""

from __future__ import annotations

from sim.citizen import age_adjusted
from sim.groups import EXITS, GROUP_INDEX, GROUPS
from sim.random import purpose_code
from sim.rules import rule

P_REROUTE = purpose_code("reroute_abolished")
P_EXEMPT_0_6 = purpose_code("exempt_first_6_months")

HALF_YEAR = 26.0  # weeks: months 0-6 (domain README, Conventions: Clock)
G_FOEP = GROUP_INDEX["foertidspension"]
G_SDP = GROUP_INDEX["sygedagpenge"]

# The expert group's effort groups (reforms.md (ii), "Mapping from today's groups [inferred]"):
# jobhjælpsindsats = aktivitetsparate kontanthjælp/uddannelseshjælp and the former
# ressourceforløb and revalidering.
JOBHJAELP = frozenset(GROUP_INDEX[g] for g in (
    "kontanthjaelp_aktivitetsparat", "uddannelseshjaelp_aktivitetsparat",
    "ressourceforloeb", "revalidering"))
SICK = frozenset(GROUP_INDEX[g] for g in ("sygedagpenge", "jobafklaring"))


# -- visitation: abolished groups -------------------------------------------------------
def _reroute_table(regime) -> tuple:
    """visitation.reroute compiled once per regime: per group None (not abolished) or
    (destinations as group index or exit name, shares)."""
    cached = regime.__dict__.get("_reroute")
    if cached is None:
        table = regime.params["visitation"]["reroute"]
        out = []
        for g in GROUPS:
            shares = table.get(g) or {}
            shares = {d: float(s) for d, s in shares.items() if float(s) > 0.0}
            if not shares:
                out.append(None)
                continue
            dests = tuple(GROUP_INDEX[d] if d in GROUP_INDEX else d for d in shares)
            for d in dests:
                if isinstance(d, str) and d not in EXITS:
                    raise ValueError(f"visitation.reroute.{g}: unknown destination {d!r}")
            out.append((dests, tuple(shares.values())))
        cached = regime.__dict__["_reroute"] = tuple(out)
    return cached


@rule("visitation", "reroute_abolished",
      "Groups with a visitation.reroute table take no new entrants: a would-be entrant goes "
      "to a destination drawn from the table (another group, or an exit when the law gives "
      "no benefit); førtidspension only from foertidspension.min_age, its share otherwise "
      "going to the other destinations in proportion; then the age rule of uddannelseshjælp",
      "seed 003_6dc7bdcfc6d04eb3.txt, L12288-L12360; L12583-L12587 (abolished target "
      "groups and where their would-be entrants go); seed 004_282ac59a8741076f.txt, "
      "L513-L523 (uddannelseshjælp under 30)")
def visitation_reroute_abolished(c, target: int, now: float, regime, n: int):
    entry = _reroute_table(regime)[target]
    if entry is not None:
        dests, shares = entry
        if c.age(now) < regime.foep_min_age and G_FOEP in dests:
            kept = [(d, s) for d, s in zip(dests, shares, strict=True) if d != G_FOEP]
            if kept:
                dests, shares = zip(*kept, strict=True)
        u = c.draws.uniform(P_REROUTE, n) * sum(shares)
        acc, chosen = 0.0, dests[-1]
        for d, s in zip(dests, shares, strict=True):
            acc += s
            if u < acc:
                chosen = d
                break
        if isinstance(chosen, str):
            return chosen  # no benefit: the citizen leaves support (exit)
        target = chosen
    return age_adjusted(target, c.age(now), regime.youth_max_age)


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


@rule("contact_clock", "spell_start_with_exemptions",
      "As spell_start, and a share of each group's stays (contact.exempt_first_6_months) "
      "has no conversations in months 0-6: their course counts from month 6 of the stay "
      "(so the months 0-6 course runs in months 6-12 - an approximation)",
      "seed 003_6dc7bdcfc6d04eb3.txt, L1327-L1483 (2.1, 2.2: up to 1 in 4 close to the "
      "market exempt in months 0-6); L1838-L1888 (2.8: sick-listed employees with a job "
      "to return to within 26 weeks)")
def contact_clock_spell_start_exempt(c, entry: float, regime) -> float:
    origin = c.spell_start
    if _exempt(c, entry, regime) and entry - origin < HALF_YEAR:
        return origin + HALF_YEAR
    return origin


@rule("contact_clock", "stay_with_exemptions",
      "As current law (the course restarts at a change of group), and a share of each "
      "group's stays (contact.exempt_first_6_months) has no conversations in months 0-6: "
      "their course counts from month 6 of the stay (an approximation)",
      "seed 003_6dc7bdcfc6d04eb3.txt, L1454-L1483 (2.2); L1838-L1888 (2.8)")
def contact_clock_stay_exempt(c, entry: float, regime) -> float:
    return entry + HALF_YEAR if _exempt(c, entry, regime) else entry


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
      "Jobhjælp (aktivitetsparate, former ressourceforløb/revalidering): no sanction by "
      "default, only at a repeated no-show (trust broken) with the group's decision "
      "probability; other groups as current law",
      "seed 003_6dc7bdcfc6d04eb3.txt, L3618-L3692 (recommendation 3.1)")
def sanction_jobhjaelp_repeated_only(casework, c, k: int, u: float, p_decide: float) -> bool:
    if casework.g in JOBHJAELP and not _repeated(casework):
        return False
    return u < p_decide


@rule("sanction_decision", "sick_spared_first_conversation",
      "Sick-listed (sygedagpenge, jobafklaring) are not sanctioned for missing the first "
      "conversation of the course; otherwise as current law",
      "seed 003_6dc7bdcfc6d04eb3.txt, L3870-L3886 (recommendation 3.5)")
def sanction_sick_spared_first(casework, c, k: int, u: float, p_decide: float) -> bool:
    if k == 0 and casework.g in SICK:
        return False
    return u < p_decide


@rule("sanction_decision", "jobhjaelp_repeated_only_sick_spared",
      "Both jobhjaelp_repeated_only (3.1) and sick_spared_first_conversation (3.5)",
      "seed 003_6dc7bdcfc6d04eb3.txt, L3618-L3692; L3870-L3886 (recommendations 3.1, 3.5)")
def sanction_expert_group(casework, c, k: int, u: float, p_decide: float) -> bool:
    g = casework.g
    if k == 0 and g in SICK:
        return False
    if g in JOBHJAELP and not _repeated(casework):
        return False
    return u < p_decide


__all__ = ["G_SDP", "JOBHJAELP", "SICK"]
