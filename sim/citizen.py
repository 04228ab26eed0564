"""One citizen: identity, persistent characteristics and the state of the current spell.

The citizen's spells and stays (its SimPy process) are in sim/spell.py.
"""

from __future__ import annotations

import math

from sim.benefits import REFERENCE
from sim.clock import WEEKS_PER_CALENDAR_YEAR
from sim.random import Draws

# Education levels (Citizen.education): no vocational qualification
# (ufaglært), a vocational one (faglært), a higher education (videregående).
EDUCATION_LEVELS = ("unskilled", "skilled", "higher")
UNSKILLED, SKILLED = 0, 1


class Citizen:
    """One person: identity, persistent characteristics and the state of the current spell.

    Who the person is stays with them from creation to death, through every group, stay
    and spell (design principle 9):

    * ``close``: the latent distance to the labour market, close (the short-stay type of
      the hazard mixture) or far (its long-stay type: the hazard times the profile's
      ``long_multiplier``); drawn once, for the start stock jointly with the time already
      spent on support, so long stayers are mostly far from the market;
    * ``compliance``: the persistent propensity to miss meetings (a factor with mean 1
      on the profile's no-show chance), so sanctions repeat on the same persons;
    * ``benefit_class``: the prior earnings band (drawn with the distance to the
      market) and whether the person is a provider (*forsørger*): what the person is
      paid in each group (sim/benefits.py), and so the benefit-level channel;
    * ``education``: the highest education (an index into EDUCATION_LEVELS), drawn with
      the earnings band; unskilled for a citizen created in uddannelseshjælp (the law's
      group for those under 30 without a qualifying education). For a person close to
      the labour market it sets the programme effect of ordinary education (upskilling
      to skilled level, effects.post_upskilling).

    The *profile* is the group the current law assesses the person to (the bottom rule
    of the visitation stack): it sets the baseline hazard, the destinations and the
    effects. A reform that abolishes or merges groups changes the group that pays, not
    the profile. ``episode`` counts the profiles assigned: each starts the hazard clock
    anew and keys its draws.
    """

    __slots__ = ("id", "draws", "municipality", "birth_week", "close", "compliance",
                 "benefit_class", "education",
                 "support_weeks", "last_exit", "n", "episode", "profile", "group",
                 "seg_start", "seg_support", "spell_start", "first_group", "last_sanction",
                 "casework", "cohort")

    def __init__(self, cid: int, draws: Draws, municipality: int, birth_week: float,
                 close: bool = True, compliance: float = 1.0, benefit_class: int = REFERENCE,
                 education: int = SKILLED) -> None:
        self.id = cid
        self.draws = draws
        self.municipality = municipality
        self.birth_week = birth_week
        self.close = close
        self.compliance = compliance
        self.benefit_class = benefit_class
        self.education = education
        self.support_weeks = 0.0
        self.last_exit = -math.inf
        self.n = 0  # index of the citizen's next stay, keys its draws
        self.episode = 0  # index of the citizen's next profile episode, keys its hazard
        self.profile = -1
        self.last_sanction = -math.inf
        self.casework = None  # the process state of the current stay (sim.process)
        self.cohort = 0  # which law the current spell follows (Model.laws)

    def age(self, week: float) -> float:
        return (week - self.birth_week) / WEEKS_PER_CALENDAR_YEAR
