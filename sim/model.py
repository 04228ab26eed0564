"""One replication of one scenario: a SimPy environment with the stock and inflows."""

from __future__ import annotations

import datetime as dt
import gc
import math
from bisect import bisect_right
from collections import Counter
from statistics import NormalDist

import simpy

from sim.benefits import benefit_class
from sim.citizen import UNSKILLED, Citizen
from sim.clock import WEEKS_PER_CALENDAR_YEAR, Clock
from sim.groups import ADULT_OF_YOUTH, GROUP_INDEX, GROUPS, age_adjusted
from sim.law import Law
from sim.ledger import Ledger
from sim.parameters import ParameterTree
from sim.population import (
    P_AGE_BAND,
    P_AGE_WITHIN,
    P_MUNICIPALITY,
    P_STOCK,
    P_STOCK_WITHIN,
    AgeSampler,
    Municipalities,
    arrival_times,
    stock_samplers,
    stock_sizes,
)
from sim.random import Draws, purpose_code
from sim.spell import life

P_POOL_GAP = purpose_code("reentry_pool_gap")
P_TYPE = purpose_code("frailty_type")
P_COMPLIANCE = purpose_code("compliance")
P_EARNINGS = purpose_code("earnings_band")
P_PROVIDER = purpose_code("provider")
P_EDUCATION = purpose_code("education")
_NORMAL = NormalDist()


def compliance_factor(u: float, sd: float) -> float:
    """A person's no-show factor from a uniform draw: log-normal with mean 1."""
    return math.exp(sd * _NORMAL.inv_cdf(u) - sd * sd / 2.0) if sd > 0.0 else 1.0


def person(cid: int, draws: Draws, municipality: int, birth_week: float, close: bool,
           regime, group: int) -> Citizen:
    """A citizen entering ``group``, with the characteristics drawn once from their own
    stream: the compliance factor, the earnings band (by distance to the market) and
    provider status that set their benefits (sim/benefits.py), and the education (by
    earnings band; unskilled in uddannelseshjælp, the group of those without a
    qualifying education)."""
    cum = regime.earnings_cum[0 if close else 1]
    band = min(bisect_right(cum, draws.uniform(P_EARNINGS)), len(cum) - 1)
    provider = draws.uniform(P_PROVIDER) < regime.provider_share
    edu_cum = regime.education_cum[band]
    education = UNSKILLED if group in ADULT_OF_YOUTH else \
        min(bisect_right(edu_cum, draws.uniform(P_EDUCATION)), len(edu_cum) - 1)
    return Citizen(cid, draws, municipality, birth_week, close,
                   compliance_factor(draws.uniform(P_COMPLIANCE), regime.compliance_sd),
                   benefit_class(band, provider), education)

# Parameters the model reads once, at the run's start (the stock, its placement, the
# arrivals' ages, the former recipients between spells and the business cycle's base):
# a change dated inside the run, or for new spells only, is refused (sim.scenario).
READ_AT_START = ("population.start_stock", "population.warmup_years",
                 "population.reentry_pool", "population.reentry_group",
                 "population.age_bands", "population.age_distribution",
                 "cycle.base_rate", "cycle.inflow_thinning_cap", "cycle.elasticity",
                 "cycle.alignment")

_MUNICIPALITIES: Municipalities | None = None


def municipalities() -> Municipalities:
    global _MUNICIPALITIES
    if _MUNICIPALITIES is None:
        _MUNICIPALITIES = Municipalities.load()
    return _MUNICIPALITIES

# Draws of (entry age, elapsed stay) tried for a start-stock citizen before the last is kept
# with its entry age (Model.stock_citizen). Førtidspension needs the most: 2.5 on average,
# at most 22 in 20,000 citizens (seed 1, 2024 law).
STOCK_AGE_TRIES = 50


class Model:
    def __init__(self, params: ParameterTree, clock: Clock, unemployment: dict[int, float],
                 seed: int, replication: int, scale: float, keep_spells: bool = False,
                 keep_events: bool = False,
                 cohorts: list[tuple[dt.date, ParameterTree]] | None = None,
                 shard: tuple[int, int] = (0, 1),
                 alignment: dict[int, float] | None = None) -> None:
        """``cohorts``: for policies that apply to new spells only, (date, law) pairs in
        date order: a spell that started before ``date`` follows ``law`` (the first such
        pair); later spells follow ``params``.

        ``shard`` = (k, K): simulate only the citizens whose id is k modulo K. Citizens
        do not interact and draw from their own streams, so the K shards of a
        replication together give exactly its records (sim.runner runs them in parallel).

        ``alignment``: yearly inflow factors of the cyclical groups (sim/alignment.py).
        """
        self.clock = clock
        cohorts = cohorts or []
        self.laws = [Law(tree, clock, unemployment, alignment) for _, tree in cohorts]
        self.law = Law(params, clock, unemployment, alignment)
        self.laws.append(self.law)
        self.cohort_weeks = [clock.week_of(d) for d, _ in cohorts]
        self.ledger = Ledger(clock, keep_spells, keep_events)
        self.seed, self.replication, self.scale = seed, replication, scale
        self.shard, self.shards = shard
        self.active: dict[int, Citizen] = {}
        # Former recipients waiting to come back, by (group left, exit destination).
        self.waiting: Counter = Counter()
        snap = params.snapshot(clock.start)
        pop = snap["population"]
        self.reentry_group = [GROUP_INDEX.get(pop["reentry_group"][g]) for g in GROUPS]
        foep_min = float(snap["time_limits"]["foertidspension"]["min_age"])
        self.arrival_ages = AgeSampler(pop["age_bands"], pop["age_distribution"],
                                       {"foertidspension": foep_min})
        self.municipalities = municipalities()
        self.start_stock = stock_sizes(pop["start_stock"], scale)
        self.pool = {GROUP_INDEX[g]: v for g, v in pop["reentry_pool"].items()}
        # The stock is placed warmup_years before the start date (see population.yaml).
        self.warmup_weeks = float(pop["warmup_years"]) * 52.0
        self.env = simpy.Environment(initial_time=-self.warmup_weeks)
        self.events = 0

    def cohort_of(self, spell_start: float) -> int:
        """Index into ``laws`` of the law a spell started at ``spell_start`` follows."""
        return bisect_right(self.cohort_weeks, spell_start) if self.cohort_weeks else 0

    def new_citizen(self, cid: int, group: int, week: float) -> Citizen:
        """A citizen entering ``group`` at ``week`` with an entrant's age and the
        characteristics of the group's entrants (sim/citizen.py), drawn once."""
        draws = Draws(self.seed, self.replication, cid)
        age = self.arrival_ages.draw(group, draws.uniform(P_AGE_BAND), draws.uniform(P_AGE_WITHIN))
        municipality = self.municipalities.draw(draws.uniform(P_MUNICIPALITY))
        regime = self.law.regime_at(week)
        return person(cid, draws, municipality, week - age * WEEKS_PER_CALENDAR_YEAR,
                      draws.uniform(P_TYPE) < regime.short_share[group], regime, group)

    def stock_citizen(self, cid: int, group: int, sampler, regime
                      ) -> tuple[Citizen, float]:
        """A citizen of the start stock and the weeks its stay has lasted. Its distance to
        the labour market (the hazard type) is drawn jointly with the elapsed stay, so
        long stayers are mostly far from the market.

        The stock is older than the entrants: its age is an entrant's age plus the
        elapsed stay. A pair (entry age, elapsed stay) that puts the citizen past the
        pension age, or past the uddannelseshjælp age limit in an uddannelseshjælp group,
        belongs to someone who has already left, so it is drawn again (the k-th pair
        from the citizen's own draws); after STOCK_AGE_TRIES rejections the last pair is
        kept with the age at entry."""
        draws = Draws(self.seed, self.replication, cid)
        limit = regime.youth_max_age if group in ADULT_OF_YOUTH else regime.pension_age
        now = self.env.now
        for k in range(STOCK_AGE_TRIES):
            short, elapsed = sampler.draw(draws.uniform(P_STOCK, k),
                                          draws.uniform(P_STOCK_WITHIN, k))
            entry_age = self.arrival_ages.draw(group, draws.uniform(P_AGE_BAND, k),
                                               draws.uniform(P_AGE_WITHIN, k))
            age = entry_age + elapsed / WEEKS_PER_CALENDAR_YEAR
            if age < limit:
                break
        else:
            age = entry_age
        municipality = self.municipalities.draw(draws.uniform(P_MUNICIPALITY))
        return (person(cid, draws, municipality, now - age * WEEKS_PER_CALENDAR_YEAR,
                       short, regime, group), elapsed)

    def populate(self) -> None:
        regime = self.laws[self.cohort_of(self.env.now)].regimes[0]
        samplers = stock_samplers(regime, self.env.now)
        cid = 0
        for g, n in enumerate(self.start_stock):
            for _ in range(n):
                if not self.mine(cid):
                    cid += 1
                    continue
                c, elapsed = self.stock_citizen(cid, g, samplers[g], regime)
                self.env.process(life(self, c, g, elapsed, True))
                cid += 1
        self._seed_reentry_pool(cid)
        arrivals = arrival_times(self.law, self.seed, self.replication, self.scale,
                                 self.env.now)
        if self.shards > 1:
            arrivals = [a for a in arrivals if self.mine(a[2])]
        self.env.process(self._arrivals(arrivals))

    def mine(self, cid: int) -> bool:
        """Whether citizen ``cid`` belongs to this model's shard."""
        return cid % self.shards == self.shard

    def _seed_reentry_pool(self, cid: int) -> None:
        """Former recipients between spells at the start (population.reentry_pool).

        Gaps are exponential, so the rest of a gap in progress is exponential too.
        Their ids follow the start stock's.
        """
        env = self.env
        start = env.now
        regime = self.law.regimes[0]
        for g, by_destination in self.pool.items():
            back = self.reentry_group[g]
            for destination, persons in by_destination.items():
                mean_gap = regime.reentry[destination][1]
                for _ in range(int(round(persons * self.scale))):
                    cid += 1
                    if back is None or not self.mine(cid - 1):
                        continue
                    # They were in g, so they are aged like its entrants.
                    c = self.new_citizen(cid - 1, g, start)
                    t = start + mean_gap * c.draws.exponential(P_POOL_GAP)
                    if t >= self.clock.horizon or c.age(t) >= regime.pension_age:
                        continue
                    group = age_adjusted(back, c.age(t), regime.youth_max_age)
                    c.last_exit = start
                    wake = env.timeout(t - start)
                    wake.callbacks.append(
                        lambda _ev, c=c, group=group: env.process(
                            life(self, c, group, 0.0, False)))

    def await_reentry(self, c: Citizen, left: int, destination: str, back: int,
                      gap: float) -> None:
        """Former recipient ``c`` comes back after ``gap`` weeks with a new spell in
        ``back`` (unless past the pension age by then). The wait is a timeout with a
        callback, not a sleeping process, so waiting costs little memory."""
        key = (left, destination)
        self.waiting[key] += 1
        wake = self.env.timeout(gap)
        wake.callbacks.append(lambda _ev: self._reenter(c, key, back))

    def _reenter(self, c: Citizen, key: tuple[int, str], back: int) -> None:
        self.waiting[key] -= 1
        now = self.env.now
        if c.age(now) < self.law.regime_at(now).pension_age:
            self.env.process(life(self, c, back, 0.0, False))

    def _arrivals(self, arrivals):
        env = self.env
        for g, t, cid in arrivals:
            if t > env.now:
                yield env.timeout(t - env.now)
            c = self.new_citizen(cid, g, t)
            env.process(life(self, c, g, 0.0, False))

    def run(self, populate: bool = True) -> Ledger:
        """Simulate to the horizon. ``populate=False`` runs only processes added by hand."""
        if populate:
            self.populate()
        # Millions of long-lived objects (citizens, sleeping processes) make Python's
        # cyclic garbage collector rescan the heap again and again; freeze what exists
        # and collect young objects less often.
        gc.collect()
        gc.freeze()
        thresholds = gc.get_threshold()
        gc.set_threshold(100_000, 50, 1000)
        horizon = self.clock.horizon
        env = self.env
        # Count processed events with a thin wrapper around step() (cheap, and lets the
        # benchmark report model events per second).
        count = 0
        try:
            while env.peek() < horizon:
                env.step()
                count += 1
        except simpy.core.EmptySchedule:
            pass
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
        env._now = horizon  # noqa: SLF001 - the run ends at the horizon
        self.events = count
        regimes = [law.regime_at(horizon) for law in self.laws]
        for c in self.active.values():
            # Conversations and offers up to the horizon are recorded as the stay ends.
            c.casework.close(self, c, horizon, regimes[c.cohort])
            self.ledger.segment(c.id, c.group, c.seg_start, horizon, c.seg_support,
                                c.municipality, c.cohort, c.birth_week, c.benefit_class)
            self.ledger.spell(c.id, c.spell_start, None, c.first_group, c.group, "")
        return self.ledger
