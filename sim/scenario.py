"""From a validated experiment to the law of each scenario.

Everything that can be wrong with an experiment is found here, before any run
starts: unknown policies or options, unknown parameter paths, values of the
wrong type, an unemployment path the inflow sampler cannot follow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

import calibration
import policies
from sim.clock import Clock
from sim.errors import InputError
from sim.experiment import Experiment, input_error
from sim.law import CYCLICAL
from sim.parameters import ParameterTree, _as_date, is_dated_mapping

_BASE: ParameterTree | None = None


def base_parameters() -> ParameterTree:
    """The law (policies/params) and the behavioural parameters (calibration/params)."""
    global _BASE
    if _BASE is None:
        _BASE = ParameterTree.load([policies.PARAMS_DIR, calibration.PARAMS_DIR])
    return _BASE.copy()


@dataclass
class ScenarioSpec:
    name: str
    parameters: ParameterTree
    unemployment: dict[int, float]
    changes: list[dict[str, Any]] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)


def prepare(experiment: Experiment, source: str) -> list[ScenarioSpec]:
    """Build and check the parameters of every scenario; raise InputError on the first problem."""
    clock = Clock(experiment.start, experiment.years)
    registry = policies.registered()
    specs = []
    for name, scenario in experiment.scenarios.items():
        where = f"scenarios.{name}"
        params = base_parameters()
        changes: list[dict[str, Any]] = []
        names = []
        for i, ref in enumerate(scenario.policy_refs()):
            if ref.name not in registry:
                raise InputError(source, f"{where}.policies[{i}]", ref.name,
                                 "a registered policy: " + ", ".join(registry))
            policy = registry[ref.name]
            try:
                options = policy.options.model_validate(ref.options)
            except ValidationError as exc:
                raise input_error(exc, policy.options, source,
                                  f"{where}.policies[{i}].options") from None
            names.append(ref.name)
            for change in policy.changes(options):
                _apply(params, source, f"{where}.policies[{i}]", change.path, change.value,
                       change.source, change.start, changes, ref.name)
        for path, value in scenario.parameters.items():
            field_name = f"{where}.parameters.{path}"
            if is_dated_mapping(value):
                for key, v in sorted(value.items(), key=lambda kv: _as_date(kv[0])):
                    _apply(params, source, field_name, path, v, f"experiment {source}",
                           _as_date(key), changes, "parameters")
            else:
                _apply(params, source, field_name, path, value, f"experiment {source}",
                       None, changes, "parameters")
        unemployment = _unemployment_path(experiment, scenario.unemployment, params, clock,
                                          source, where)
        specs.append(ScenarioSpec(name, params, unemployment, changes, names))
    return specs


def _apply(params: ParameterTree, source: str, field_name: str, path: str, value: Any,
           origin: str, start: dt.date | None, changes: list, by: str) -> None:
    try:
        old = params.value(path, start)
    except KeyError as exc:
        raise InputError(source, field_name, path, exc.args[0]) from None
    try:
        params.set(path, value, origin, start)
    except TypeError as exc:
        raise InputError(source, field_name, value, exc.args[0]) from None
    changes.append({"by": by, "parameter": path, "baseline_value": old, "new_value": value,
                    "effective": (start or "start of run").__str__(), "source": origin})


def _unemployment_path(experiment: Experiment, override: dict[int, float] | None,
                       params: ParameterTree, clock: Clock, source: str, where: str
                       ) -> dict[int, float]:
    given = override if override is not None else experiment.unemployment
    field_name = f"{where}.unemployment" if override is not None else "unemployment"
    for path in ("cycle.base_rate", "cycle.inflow_thinning_cap", "cycle.elasticity"):
        first = params.leaves[path].values[0].start
        if clock.start < first:
            raise InputError(source, "start", clock.start.isoformat(),
                             f"a date on or after {first} (first value of {path})")
    base = float(params.at("cycle.base_rate", clock.start))
    years = clock.calendar_years
    path, rate = {}, base
    for year in (given or {}):
        if year not in years:
            raise InputError(source, f"{field_name}.{year}", year,
                             f"a year of the run, {years[0]}-{years[-1]}")
    for year in years:
        rate = float(given[year]) if given and year in given else rate
        path[year] = rate
    cap = float(params.at("cycle.inflow_thinning_cap", clock.start))
    elasticity = params.at("cycle.elasticity", clock.start)
    for year, rate in path.items():
        for g in CYCLICAL:
            mult = (rate / base) ** float(elasticity[g]["inflow"])
            if mult > cap:
                top = base * cap ** (1 / float(elasticity[g]["inflow"]))
                raise InputError(source, f"{field_name}.{year}", rate,
                                 f"a rate up to {top:.1f} percent (cycle.inflow_thinning_cap)")
    return path
