"""Benefit groups, exit destinations and visitation categories.

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

# Visitation category (målgruppe/visitationskategori) carried by a citizen in each group.
CATEGORY = {
    "dagpenge": "insured_unemployed",
    "kontanthjaelp_jobparat": "jobparat",
    "kontanthjaelp_aktivitetsparat": "aktivitetsparat",
    "uddannelseshjaelp_uddannelsesparat": "uddannelsesparat",
    "uddannelseshjaelp_aktivitetsparat": "aktivitetsparat",
    "sygedagpenge": "sick",
    "jobafklaring": "sick",
    "ressourceforloeb": "aktivitetsparat",
    "revalidering": "aktivitetsparat",
    "ledighedsydelse": "visiteret_fleksjob",
    "fleksjob": "fleksjob",
    "foertidspension": "pension",
}

# Kontanthjælp and uddannelseshjælp counterparts with the same readiness (move at age 30).
ADULT_COUNTERPART = {
    "uddannelseshjaelp_uddannelsesparat": "kontanthjaelp_jobparat",
    "uddannelseshjaelp_aktivitetsparat": "kontanthjaelp_aktivitetsparat",
}
YOUTH_GROUPS = tuple(ADULT_COUNTERPART)
