"""One citizen: identity, persistent characteristics and the state of the current spell.

The citizen's spells and stays (its SimPy process) are in sim/spell.py.
"""

from __future__ import annotations

import math

from sim.clock import WEEKS_PER_CALENDAR_YEAR
from sim.random import Draws


class Citizen:
    """One person: identity, characteristics and the state of the current spell."""

    __slots__ = ("id", "draws", "municipality", "birth_week", "support_weeks", "last_exit",
                 "n", "group", "seg_start", "seg_support", "spell_start", "first_group",
                 "last_sanction", "casework", "cohort")

    def __init__(self, cid: int, draws: Draws, municipality: int, birth_week: float) -> None:
        self.id = cid
        self.draws = draws
        self.municipality = municipality
        self.birth_week = birth_week
        self.support_weeks = 0.0
        self.last_exit = -math.inf
        self.n = 0  # index of the citizen's next stay, keys its draws
        self.last_sanction = -math.inf
        self.casework = None  # the process state of the current stay (sim.process)
        self.cohort = 0  # which law the current spell follows (Model.laws)

    def age(self, week: float) -> float:
        return (week - self.birth_week) / WEEKS_PER_CALENDAR_YEAR
