"""Benefit groups, exit destinations and the sets of groups the law and reforms name.

The identifiers are the ones every output table uses.
"""

from __future__ import annotations

GROUPS: tuple[str, ...] = (
    "dagpenge",                            # unemployment insurance (a-kasse)
    "kontanthjaelp_jobparat",              # social assistance, job-ready
    "kontanthjaelp_aktivitetsparat",       # social assistance, activity-ready
    "uddannelseshjaelp_uddannelsesparat",  # education benefit (under 30), education-ready
    "uddannelseshjaelp_aktivitetsparat",   # education benefit (under 30), activity-ready
    "sygedagpenge",                        # sickness benefit
    "jobafklaring",                        # jobafklaringsforløb after sygedagpenge
    "ressourceforloeb",                    # ressourceforløb
    "revalidering",                        # vocational rehabilitation
    "ledighedsydelse",                     # approved for fleksjob, not yet hired
    "fleksjob",                            # subsidised reduced-hours job
    "foertidspension",                     # disability pension
)
GROUP_INDEX = {g: i for i, g in enumerate(GROUPS)}

EXITS: tuple[str, ...] = ("job", "education", "self_support", "death_emigration", "pension",
                          "other")

# Referral to the rehabiliteringsteam: a hazard destination whose routing is law.
REHABILITATION = "rehabiliteringsteam"

# Kontanthjælp and uddannelseshjælp counterparts with the same readiness (move at age 30).
ADULT_COUNTERPART = {
    "uddannelseshjaelp_uddannelsesparat": "kontanthjaelp_jobparat",
    "uddannelseshjaelp_aktivitetsparat": "kontanthjaelp_aktivitetsparat",
}
UDDANNELSESHJAELP = tuple(ADULT_COUNTERPART)  # the youth groups (under the age limit)

# Close to the labour market under current law: dagpenge, jobparate and uddannelsesparate
# (e.g. virksomhedspraktik of at most 4 weeks, offers.close_to_market_praktik_weeks).
JOB_READY = ("dagpenge", "kontanthjaelp_jobparat", "uddannelseshjaelp_uddannelsesparat")

# The expert group's four effort groups (seed 003; reforms.md (ii), "Mapping from today's
# groups [inferred]"): today's groups in each.
EFFORT_DAGPENGE = ("dagpenge",)
EFFORT_JOBSOEGNING = ("kontanthjaelp_jobparat", "uddannelseshjaelp_uddannelsesparat",
                      "ledighedsydelse")
EFFORT_JOBHJAELP = ("kontanthjaelp_aktivitetsparat", "uddannelseshjaelp_aktivitetsparat",
                    "ressourceforloeb", "revalidering")
EFFORT_SICK_LISTED = ("sygedagpenge", "jobafklaring")
EFFORT_CLOSE_TO_MARKET = EFFORT_DAGPENGE + EFFORT_JOBSOEGNING  # dagpenge and jobsøgning

# By group index, for the engine's and the rules' hot paths.
ADULT_OF_YOUTH = {GROUP_INDEX[y]: GROUP_INDEX[a] for y, a in ADULT_COUNTERPART.items()}
YOUTH_OF_ADULT = {a: y for y, a in ADULT_OF_YOUTH.items()}


# An age limit counts as reached this close below it (years): the engine's age-limit event
# falls at birth week + limit x weeks a year, and the age computed back from that week may
# round to just below the limit (29.999999999999996), which would keep the citizen in
# uddannelseshjælp and wake the same event again at the same instant, for ever.
AGE_TOLERANCE = 1e-9


def age_adjusted(group: int, age: float, youth_max_age: float) -> int:
    """Uddannelseshjælp under the age limit, kontanthjælp from it (same readiness)."""
    reached = age >= youth_max_age - AGE_TOLERANCE
    if group in ADULT_OF_YOUTH and reached:
        return ADULT_OF_YOUTH[group]
    if group in YOUTH_OF_ADULT and not reached:
        return YOUTH_OF_ADULT[group]
    return group
