"""Measure the re-entry pool (``population.reentry_pool``) from a long warm-up.

The pool is the number of former recipients between spells at the start of a run,
by the group they left and their exit destination. It depends on the behavioural
parameters, so measure it again after changing hazards, inflows or re-entry:

    python -m calibration.reentry_pool [--years 6] [--scale 0.1] [--seed 11]

prints the mapping to paste into calibration/params/population.yaml.
"""

from __future__ import annotations

import argparse

import yaml

from sim.clock import Clock
from sim.experiment import validate
from sim.groups import GROUPS
from sim.model import Model
from sim.scenario import prepare


def measure(years: float, scale: float, seed: int) -> dict[str, dict[str, int]]:
    """Run a warm-up of ``years`` with an empty pool and count the pool at the start date."""
    exp = validate(dict(name="reentry_pool", start="2024-01-01", years=1, scale=scale,
                        seed=seed, replications=1,
                        scenarios={"b": {"parameters": {"population.warmup_years": years}}}),
                   "reentry_pool")
    spec = prepare(exp, "reentry_pool")[0]
    for g in GROUPS:
        path = f"population.reentry_pool.{g}"
        try:
            spec.parameters.resolve(path)
        except KeyError:
            continue
        empty = {d: 0 for d in spec.parameters.at("population.reentry_pool", exp.start)[g]}
        spec.parameters.set(path, empty, "measurement starts from an empty pool")
    model = Model(spec.parameters, Clock(exp.start, exp.years), spec.unemployment, exp.seed, 0,
                  exp.scale)
    model.populate()
    env = model.env
    while env.peek() < 0.0:
        env.step()
    pool: dict[str, dict[str, int]] = {}
    for (g, destination), n in sorted(model.waiting.items()):
        if n:
            pool.setdefault(GROUPS[g], {})[destination] = int(round(n / scale, -1))
    return pool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=6.0, help="warm-up years")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    print(yaml.safe_dump(measure(args.years, args.scale, args.seed), sort_keys=False,
                         default_flow_style=None))


if __name__ == "__main__":
    main()
