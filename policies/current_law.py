"""The current law's rules at the engine's hooks (sim/rules.py): the bottom of every
rule stack. Each decides always (a complete rule); reforms stack on top of them.
"""

from __future__ import annotations

from sim.groups import GROUP_INDEX, age_adjusted
from sim.random import purpose_code
from sim.rules import rule

P_DP_EXHAUSTION = purpose_code("dagpenge_exhaustion")
P_SDP_EXTENSION = purpose_code("sygedagpenge_extension")
P_REHAB_ROUTE = purpose_code("rehabilitation_route")

DAGPENGE = GROUP_INDEX["dagpenge"]
KONTANTHJAELP_JOBPARAT = GROUP_INDEX["kontanthjaelp_jobparat"]
SYGEDAGPENGE = GROUP_INDEX["sygedagpenge"]
FOERTIDSPENSION = GROUP_INDEX["foertidspension"]


@rule("time_limit", "current_law",
      "Dagpenge exhaustion: jobparat kontanthjælp for those who qualify, else self-support; "
      "sygedagpenge revurdering: extension or the next group; end of ressourceforløb: "
      "the rehabiliteringsteam decides again",
      "seed 004_282ac59a8741076f.txt, L475-L484; L1219-L1233; L501-L505")
def time_limit_current_law(c, g: int, now: float, regime, n: int
                           ) -> tuple[bool, object] | None:
    draws = c.draws
    if g == DAGPENGE:
        if draws.uniform(P_DP_EXHAUSTION, n) < regime.dagpenge_to_kontanthjaelp_share:
            return (True, KONTANTHJAELP_JOBPARAT)
        return (False, "self_support")
    if g == SYGEDAGPENGE:
        if draws.uniform(P_SDP_EXTENSION, n) < regime.sygedagpenge_extension_share:
            return None
        return (True, regime.sygedagpenge_next_group)
    return (True, regime.rules.rehabilitation_route(c, now, regime, n))


@rule("visitation", "current_law",
      "The group the flow points to, with uddannelseshjælp under the age limit and "
      "kontanthjælp from it (same visitation category)",
      "seed 004_282ac59a8741076f.txt, L513-L523")
def visitation_current_law(c, target: int, now: float, regime, n: int) -> int:
    return age_adjusted(target, c.age(now), regime.youth_max_age)


@rule("rehabilitation_route", "current_law",
      "Ressourceforløb, fleksjob (via ledighedsydelse) or førtidspension by the routes' "
      "shares; førtidspension as a rule only from foertidspension.min_age",
      "seed 004_282ac59a8741076f.txt, L501-L511")
def rehabilitation_route_current_law(c, now: float, regime, n: int) -> int:
    routes = regime.rehabilitation_routes
    if c.age(now) < regime.foertidspension_min_age:
        routes = tuple((g, s) for g, s in routes if g != FOERTIDSPENSION)
    total = sum(s for _, s in routes)
    u = c.draws.uniform(P_REHAB_ROUTE, n) * total
    acc = 0.0
    for g, s in routes:
        acc += s
        if u < acc:
            return g
    return routes[-1][0]


@rule("contact_clock", "current_law",
      "The contact course starts again at every change of benefit group",
      "seed 003_6dc7bdcfc6d04eb3.txt, L1327-L1450 (the clock restarts at a change of benefit)")
def contact_clock_current_law(c, entry: float, regime) -> float:
    return entry


@rule("offer_timing", "current_law",
      "Ret og pligt falls due offers.ret_og_pligt.<group>.first_week after the stay's entry",
      "seed 003_6dc7bdcfc6d04eb3.txt, L175-L221")
def offer_timing_current_law(c, g: int, entry: float, regime) -> float:
    return entry + regime.process.rp_first[g]


@rule("sanction_decision", "current_law",
      "A no-show is sanctioned with the group's decision probability "
      "(process.sanction_decision)",
      "seed 003_6dc7bdcfc6d04eb3.txt, L3132-L3176")
def sanction_decision_current_law(casework, c, k: int, u: float, p_decide: float) -> bool:
    return u < p_decide
