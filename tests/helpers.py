"""Small builders shared by the tests."""

from __future__ import annotations

import datetime as dt

import policies  # noqa: F401  (registers the rules the law's rule stacks name)
from sim import lawbook
from sim.citizen import Citizen
from sim.clock import WEEKS_PER_CALENDAR_YEAR, Clock
from sim.groups import GROUP_INDEX, GROUPS
from sim.model import Model
from sim.parameters import ParameterTree
from sim.process import ProcessRules, compile_process
from sim.random import Draws
from sim.rules import RuleSet
from sim.spell import life

NO_HAZARD = [0.0] * 7


def model_with(overrides: dict, start: dt.date = dt.date(2024, 1, 1), years: int = 10,
               seed: int = 1) -> Model:
    """A model without warm-up whose parameters carry ``overrides`` (path -> value)."""
    params = lawbook.base().copy()
    params.set("population.warmup_years", 0, "test")
    for path, value in overrides.items():
        params.set(path, value, "test")
    clock = Clock(start, years)
    base = float(params.at("cycle.base_rate", start))
    return Model(params, clock, {y: base for y in clock.calendar_years}, seed, 0, 1.0,
                 keep_spells=True, keep_events=True)


def reform_experiment(name: str, seed: int, replications: int) -> dict:
    """A two-year experiment at a tiny scale: the baseline against a reform (dagpenge
    52 weeks from 2025 and karantæne 6 weeks), with the reform's elements compared."""
    return dict(name=name, start="2024-01-01", years=2, scale=0.004, seed=seed,
                replications=replications, outputs=["stocks", "flows", "activity", "finance"],
                scenarios={"baseline": {"policies": ["current_law_2024"]},
                           "reform": {"policies": ["current_law_2024", {
                               "name": "dagpenge_period",
                               "options": {"weeks": 52, "effective": "2025-01-01"}}],
                               "parameters": {"sanctions.karantaene_weeks": 6}}},
                compare={"elements": "reform"})


def silent(groups: list[str] | tuple[str, ...] = GROUPS) -> dict:
    """Overrides that switch off the hazards of ``groups`` so only rules act."""
    return {f"hazards.{g}.rates": NO_HAZARD for g in groups}


def add_citizen(model: Model, cid: int, group: str, age: float, week: float = 0.0,
                elapsed: float = 0.0, municipality: int = 0) -> Citizen:
    c = Citizen(cid, Draws(model.seed, 0, cid), municipality,
                week - age * WEEKS_PER_CALENDAR_YEAR)
    model.env.process(life(model, c, GROUP_INDEX[group], elapsed, elapsed > 0))
    return c


def segments_of(model: Model, cid: int) -> list[tuple[str, float, float]]:
    seg = model.ledger.segments()
    seg = seg[seg["citizen"] == cid].sort_values("start")
    return [(GROUPS[g], s, e) for g, s, e in zip(seg["group"], seg["start"], seg["end"],
                                                  strict=True)]


def exit_of(model: Model, cid: int) -> tuple[float, str] | None:
    for citizen, _start, end, _first, _last, dest in model.ledger.spells:
        if citizen == cid and end is not None:
            return end, dest
    return None


def events_of(model: Model, cid: int, kind: str | None = None) -> list[tuple[float, str, str]]:
    """(week, group, detail) of a citizen's recorded events, optionally of one kind."""
    return [(w, g, d) for c, w, g, k, d in model.ledger.events
            if c == cid and (kind is None or k == kind)]


def no_process(groups=GROUPS) -> dict:
    """Overrides that switch off voluntary offers, no-shows, exemptions and karantæne."""
    out = {f"process.takeup_per_week.{g}": 0.0 for g in groups if g not in (
        "fleksjob", "foertidspension")}
    out.update({f"process.no_show.{g}": 0.0 for g in groups if g not in (
        "fleksjob", "foertidspension")})
    out["process.exemption_share"] = 0.0
    out["process.karantaene_share"] = 0.0
    return out


def process_at(tree: ParameterTree, date: dt.date) -> ProcessRules:
    """The process rules a run compiles from ``tree`` on ``date`` (sim/process.py)."""
    snap = tree.snapshot(date)
    return compile_process(snap, RuleSet.from_stacks(snap["rules"]))

