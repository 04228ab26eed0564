"""From a validated experiment to the law of each scenario.

Everything that can be wrong with an experiment is found here, before any run
starts: unknown policies or options, unknown parameter paths, values of the
wrong type, an unemployment path the inflow sampler cannot follow.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

import policies
from policies.registry import ParameterChange
from sim import lawbook
from sim.clock import DATE_RANGE, FIRST_DATE, LAST_DATE, Clock
from sim.errors import InputError
from sim.experiment import MAX_YEARS, Experiment, PolicyRef, Scenario, input_error
from sim.law import CYCLICAL
from sim.model import READ_AT_START
from sim.parameters import EARLIEST, OutOfBounds, ParameterTree, _as_date, is_dated_mapping
from sim.rules import OnTop, check_stack


@dataclass
class ScenarioSpec:
    """The law of one scenario.

    ``parameters`` is the law for spells that start at any date (all policies).
    ``cohorts`` holds, for policies that apply to new spells only, (date, law) pairs
    in date order: a spell that started before ``date`` follows that law.
    ``changes`` is the table of what the policies and overrides change.
    """

    name: str
    parameters: ParameterTree
    unemployment: dict[int, float]
    changes: list[dict[str, Any]] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    cohorts: list[tuple[dt.date, ParameterTree]] = field(default_factory=list)
    # Yearly inflow factors of the cyclical groups that make gross unemployment follow
    # the path (sim/alignment.py; filled by sim.runner.aligned before a run; {} for a
    # flat path, None before it is found).
    alignment: dict[int, float] | None = None


@dataclass(frozen=True)
class Applied:
    """One policy as a scenario applies it: its changes, scope and phase-in resolved."""

    name: str
    effective: dt.date
    scope: str
    phase_in: dict[int, float] | None
    changes: tuple[ParameterChange, ...]
    field: str


class SettingOverridden(UserWarning):
    """A setting given where a policy is used that the policy's own dates override."""


SETTINGS = ("effective", "scope", "phase_in")


def overridden(ref: PolicyRef, given: set[str], policy: Any, changes: list[ParameterChange],
               phase_in: dict[int, float] | None, field_name: str) -> list[str]:
    """Why use-site settings ``given`` (effective, scope, phase_in) do not apply as
    written: the policy dates some changes itself, or starts its own phase-in later."""
    notes = []
    own = sorted({c.start for c in changes if c.start is not None})
    hint = ""
    if "effective" in policy.options.model_fields and "effective" not in ref.options:
        hint = f"; to move them, set options: {{effective: {ref.effective or '...'}}}"
    if "effective" in given and ref.effective is not None:
        other = [d for d in own if d != ref.effective]
        if other:
            notes.append(f"{field_name}: effective {ref.effective} does not move the changes "
                         f"{ref.name} dates itself ({', '.join(map(str, other))}){hint}")
        if "phase_in" not in given and phase_in:
            first = dt.date(min(phase_in), 1, 1)
            if first > ref.effective:
                shares = ", ".join(f"{y}: {v:.2g}" for y, v in sorted(phase_in.items()))
                notes.append(f"{field_name}: effective {ref.effective} is overridden by "
                             f"{ref.name}'s own phase-in ({shares}): nothing changes before "
                             f"{first}; give phase_in too, e.g. phase_in: "
                             f"{{{ref.effective.year}: 1.0}}")
    if "scope" in given and ref.scope == "new_spells" and own:
        start = ref.effective or policy.effective
        other = [d for d in own if d != start]
        if other:
            notes.append(f"{field_name}: scope new_spells counts spells from {start}, but "
                         f"{ref.name} dates changes itself ({', '.join(map(str, other))})"
                         f"{hint}")
    if "phase_in" in given and ref.phase_in and own:
        early = [y for y in sorted(ref.phase_in) if dt.date(y, 1, 1) < own[0]]
        if early:
            notes.append(f"{field_name}: phase_in years {', '.join(map(str, early))} come "
                         f"before {ref.name}'s own date {own[0]} and collapse onto it{hint}")
    return notes


def applied_policies(refs: list[PolicyRef], source: str, where: str,
                     notes: list[str] | None = None) -> list[Applied]:
    """Validate policy references (names, options) and expand bundles into their members.

    ``notes``: gets one line for each setting given where a policy is used that the
    policy's own dates override (see ``overridden``)."""
    registry = policies.registered()
    out: list[Applied] = []
    given_at: dict[str, set[str]] = {}

    def expand(ref: PolicyRef, field_name: str, inherited: PolicyRef | None) -> None:
        if ref.name not in registry:
            raise InputError(source, field_name, ref.name,
                             "a registered policy: " + ", ".join(registry))
        policy = registry[ref.name]
        try:
            options = policy.options.model_validate(ref.options)
        except ValidationError as exc:
            raise input_error(exc, policy.options, source, f"{field_name}.options") from None
        outer = inherited or PolicyRef(name=ref.name)
        if policy.members:
            for j, m in enumerate(policy.members):
                member = PolicyRef(name=m.name, options=m.options, effective=m.effective,
                                   scope=m.scope, phase_in=m.phase_in)
                # Settings given where the bundle is used win over the bundle's own.
                member = member.model_copy(update={
                    k: getattr(ref, k) for k in ("effective", "scope", "phase_in")
                    if getattr(ref, k) is not None})
                member_field = f"{field_name}.members[{j}]({m.name})"
                given_at[member_field] = given_at.get(field_name, set())
                expand(member, member_field, outer)
            return
        effective = ref.effective or policy.effective
        own = policy.changes(options)
        phase_in = ref.phase_in if ref.phase_in is not None else policy.phase_in
        if notes is not None:
            notes.extend(overridden(ref, given_at.get(field_name, set()), policy, own,
                                    phase_in, field_name))
        changes = tuple(c if c.start is not None else
                        replace(c, start=effective, source=c.source or policy.source)
                        for c in own)
        out.append(Applied(ref.name, effective, ref.scope or policy.scope, phase_in,
                           changes, field_name))

    for i, ref in enumerate(refs):
        field_name = f"{where}.policies[{i}]"
        given_at[field_name] = {k for k in SETTINGS if getattr(ref, k) is not None}
        expand(ref, field_name, None)
    return out


def law_of(applied: list[Applied], overrides: dict[str, Any], source: str, where: str,
           changes: list[dict[str, Any]] | None = None, run_start: dt.date | None = None
           ) -> ParameterTree:
    """Base parameters + the given policies in order + the scenario's overrides.
    ``run_start``: the run's start date, after which a value the model reads only at the
    start (sim.model.READ_AT_START) may not change."""
    params = lawbook.base().copy()
    touched: dict[str, str] = {}  # leaf -> the field that changed it last
    for a in applied:
        for change in a.changes:
            phase_in = a.phase_in if change.phased else None
            _check_start_only(source, a.field, change.path, change.start, a.scope, run_start,
                              phase_in, change.until)
            touched[_apply(params, source, a.field, change.path, change.value,
                           change.source, change.start, changes, a.name, a.scope,
                           phase_in, change.until)] = a.field
    for path, value in overrides.items():
        field_name = f"{where}.parameters.{path}"
        if is_dated_mapping(value):
            for key, v in sorted(value.items(), key=lambda kv: _as_date(kv[0])):
                date = _as_date(key)
                if not FIRST_DATE <= date <= LAST_DATE:
                    raise InputError(source, f"{field_name}.{key}", key,
                                     f"a date as YYYY-MM-DD {DATE_RANGE}")
                _check_start_only(source, field_name, path, date, "everyone", run_start)
                touched[_apply(params, source, field_name, path, v,
                               f"experiment {source}", date, changes, "parameters")
                        ] = field_name
        else:
            touched[_apply(params, source, field_name, path, value, f"experiment {source}",
                           None, changes, "parameters")] = field_name
    # Tables of shares are changed a key at a time: their sums are checked once all
    # changes are in.
    for head, field_name in touched.items():
        try:
            params.check_sums(head)
        except OutOfBounds as exc:
            raise InputError(source, field_name, exc.value,
                             f"{'.'.join([head, *exc.keys])} as {exc.allowed}") from None
    return params


def _check_start_only(source: str, field_name: str, path: str, start: dt.date | None,
                      scope: str, run_start: dt.date | None,
                      phase_in: dict[int, float] | None = None,
                      until: dt.date | None = None) -> None:
    """A value read only at the run's start cannot change later in the run (at its date,
    a phase-in step or its end) or for new spells only: such a change would be silently
    ignored, so it is an error."""
    if run_start is None or not any(path == p or path.startswith(p + ".")
                                    for p in READ_AT_START):
        return
    dates = [start, until, *(dt.date(y, 1, 1) for y in (phase_in or {}))]
    if scope == "new_spells" or any(d is not None and d > run_start for d in dates):
        raise InputError(source, field_name, path,
                         f"an undated change for everyone: {path} is read only at the "
                         f"start of the run ({run_start})")


def scenarios(experiment: Experiment, source: str
              ) -> tuple[Experiment, list[ScenarioSpec], dict[str, Any]]:
    """The experiment with its element steps and channel runs added as scenarios, the
    law of every scenario, and what they are for (``elements``, ``channels`` by
    reform): everything a run needs, checked."""
    years = Clock(experiment.start, experiment.years).calendar_years
    for i, year in enumerate(experiment.compare.years):
        if year not in years:
            raise InputError(source, f"compare.years[{i}]", year,
                             f"a year of the run, {years[0]}-{years[-1]}")
    full, elements = with_element_steps(experiment, source)
    extra, channels = channel_runs(experiment, source)
    more, sensitivity = sensitivity_runs(experiment, source)
    if extra or more:
        full = full.model_copy(update={"scenarios": {**full.scenarios, **extra, **more}})
    specs = prepare(full, source)
    check_permanent(experiment, full, elements, source)
    for name, scenario in experiment.scenarios.items():  # the user's, not the steps
        notes: list[str] = []
        applied_policies(scenario.policy_refs(), source, f"scenarios.{name}", notes)
        for note in dict.fromkeys(notes):
            warnings.warn(f"{source}: {note}", SettingOverridden, stacklevel=2)
    return full, specs, {"elements": elements, "channels": channels,
                         "sensitivity": sensitivity}


# -- variant runs: the baseline and a reform again with other values ----------------------
def _variant_runs(experiment: Experiment, source: str, field: str,
                  variants: list[tuple[str, str, dict[str, Any], dict[str, Any]]]
                  ) -> tuple[dict[str, Scenario], dict[str, list[dict[str, Any]]]]:
    """For each reform listed in ``compare.<field>``: the baseline and the reform run again
    with each variant's parameter overrides. A variant is (name suffix, what it is,
    overrides, what the comparison is told about it); returns the extra scenarios and,
    by reform, each variant with its ``baseline`` and ``reform`` scenario names."""
    extra: dict[str, Scenario] = {}
    info: dict[str, list[dict[str, Any]]] = {}
    base_name, names = experiment.baseline, list(experiment.scenarios)
    for i, name in enumerate(getattr(experiment.compare, field)):
        if name not in experiment.scenarios or name == base_name:
            raise InputError(source, f"compare.{field}[{i}]", name,
                             "a reform scenario: " + ", ".join(names[1:]) if len(names) > 1
                             else "a reform scenario (the experiment has only the baseline)")
        runs = []
        for suffix, what, overrides, about in variants:
            pair = {}
            for role, scenario_name in (("baseline", base_name), ("reform", name)):
                scenario = experiment.scenarios[scenario_name]
                run = f"{scenario_name}-{suffix}"
                extra[run] = scenario.model_copy(update={
                    "description": f"{scenario_name} {what}",
                    "parameters": {**scenario.parameters, **overrides}})
                pair[role] = run
            runs.append({**about, **pair})
        info[name] = runs
    return extra, info


def with_number(path: str, number: float) -> Any:
    """The value of parameter ``path`` with every number in it set to ``number`` (a table
    keeps its keys)."""
    value = lawbook.value(path)
    return {k: number for k in value} if isinstance(value, dict) else number


# -- sensitivity runs: each assumption at the ends of its range (compare.sensitivity) -----
def sensitivity_runs(experiment: Experiment, source: str
                     ) -> tuple[dict[str, Scenario], dict[str, list[dict[str, Any]]]]:
    """Extra scenarios for ``compare.sensitivity``: the baseline and each listed reform
    with one assumption at the low, then the high end of its plausible range."""
    if not experiment.compare.sensitivity:
        return {}, {}
    ranged = {p: leaf.plausible_range for p, leaf in lawbook.base().leaves.items()
              if leaf.plausible_range is not None}
    chosen = experiment.compare.sensitivity_parameters or list(ranged)
    for i, path in enumerate(chosen):
        if path not in ranged:
            raise InputError(source, f"compare.sensitivity_parameters[{i}]", path,
                             "a parameter with a plausible range: " + ", ".join(ranged))
    variants = [(f"{path.replace('.', '_')}-{end}", f"with {path} at {value:g}",
                 {path: with_number(path, value)},
                 {"parameter": path, "end": end, "value": value})
                for path in chosen
                for end, value in zip(("low", "high"), ranged[path], strict=True)]
    return _variant_runs(experiment, source, "sensitivity", variants)


# -- channel runs: each behaviour channel switched off (compare.channels) -----------------
# The channels (calibration/params/effects.yaml) and the value that switches each of
# their parameters off: no effect of the benefit level or of conversations, multipliers
# of 1 for offers (lock-in, post effect, threat), sanctions and the exhaustion of a
# benefit.
CHANNELS: dict[str, dict[str, float]] = {
    "benefit_level": {"effects.benefit_level": 0.0},
    "conversations": {"effects.conversation": 0.0},
    "offers": {"effects.lock_in": 1.0, "effects.post": 1.0, "effects.post_upskilling": 1.0,
               "effects.threat": 1.0},
    "sanctions": {"effects.sanction": 1.0, "effects.sanction_threat": 0.0},
    "exhaustion": {"effects.exhaustion": 1.0},
}


def channel_off(channel: str) -> dict[str, Any]:
    """Parameter overrides that switch ``channel`` off."""
    return {path: with_number(path, neutral) for path, neutral in CHANNELS[channel].items()}


def channel_runs(experiment: Experiment, source: str
                 ) -> tuple[dict[str, Scenario], dict[str, list[dict[str, Any]]]]:
    """Extra scenarios for ``compare.channels``: the baseline and each listed reform with
    one channel switched off, and which pair belongs to which channel."""
    if not experiment.compare.channels:
        return {}, {}
    variants = [(f"no_{channel}", f"without the {channel} channel", channel_off(channel),
                 {"channel": channel}) for channel in CHANNELS]
    return _variant_runs(experiment, source, "channels", variants)


# Tables each headline measure is computed from (sim/compare.py measures).
MEASURE_TABLES: dict[str, tuple[str, ...]] = {
    "fulltime_persons": ("stocks",), "employment": ("stocks", "flows"),
    "gross_mio_kr": ("finance",), "state_mio_kr": ("finance",),
    "municipality_mio_kr": ("finance",), "conversations": ("activity",),
    "offers": ("activity",), "sanctions": ("activity",),
}
# The element table reports revenue, full-time persons and employment; the revenue table
# in the convention's columns (and so compare.permanent) needs the same.
ELEMENT_TABLES = ("stocks", "flows", "finance")


def check_outputs(experiment: Experiment, source: str) -> None:
    """The comparison options against the tables asked for, and the precision year
    against the run: refused up front rather than failing after the run."""
    have = set(experiment.outputs)
    if experiment.compare.elements:
        missing = [t for t in ELEMENT_TABLES if t not in have]
        if missing:
            raise InputError(source, "outputs", list(experiment.outputs),
                             "tables that include " + ", ".join(ELEMENT_TABLES)
                             + " when compare.elements is given")
    if experiment.compare.permanent is not None:
        missing = [t for t in ELEMENT_TABLES if t not in have]
        if missing:
            raise InputError(source, "outputs", list(experiment.outputs),
                             "tables that include " + ", ".join(ELEMENT_TABLES)
                             + " when compare.permanent is given")
    p = experiment.precision
    if p is not None:
        missing = [t for t in MEASURE_TABLES[p.metric] if t not in have]
        if missing:
            raise InputError(source, "outputs", list(experiment.outputs),
                             f"tables that include {', '.join(MEASURE_TABLES[p.metric])} "
                             f"for precision.metric {p.metric}")
        years = Clock(experiment.start, experiment.years).calendar_years
        if p.year != "permanent" and p.year not in years:
            raise InputError(source, "precision.year", p.year,
                             f"a year of the run, {years[0]}-{years[-1]}, or permanent")


def prepare(experiment: Experiment, source: str) -> list[ScenarioSpec]:
    """Build and check the parameters of every scenario; raise InputError on the first problem."""
    check_outputs(experiment, source)
    folded: dict[str, str] = {}
    for name in experiment.scenarios:  # parts/<scenario>/ on a case-blind file system
        if name.lower() in folded:
            raise InputError(source, f"scenarios.{name}", name,
                             f"a name that differs from {folded[name.lower()]} in more than "
                             "letter case")
        folded[name.lower()] = name
    clock = Clock(experiment.start, experiment.years)
    specs = []
    for name, scenario in experiment.scenarios.items():
        where = f"scenarios.{name}"
        applied = applied_policies(scenario.policy_refs(), source, where)
        changes: list[dict[str, Any]] = []
        params = law_of(applied, scenario.parameters, source, where, changes,
                        experiment.start)
        # Spells that started before a new-spells policy's effective date keep the law
        # without it (and without later ones).
        dates = sorted({a.effective for a in applied if a.scope == "new_spells"})
        cohorts = [(d, law_of([a for a in applied
                               if a.scope == "everyone" or a.effective < d],
                              scenario.parameters, source, where))
                   for d in dates]
        unemployment = _unemployment_path(experiment, scenario.unemployment, params, clock,
                                          source, where)
        specs.append(ScenarioSpec(name, params, unemployment, changes,
                                  [a.name for a in applied], cohorts))
    return specs


# -- steady-state runs: the permanent effect from an extended run (compare.permanent) -----
def steady_names(experiment: Experiment, elements: dict[str, list[dict[str, Any]]]
                 ) -> list[str]:
    """The scenarios an extended run repeats: the user's and the reforms' element steps."""
    names = list(experiment.scenarios)
    for steps in elements.values():
        names += [s["scenario"] for s in steps if s["scenario"] not in names]
    return names


def extensions(experiment: Experiment) -> list[int]:
    """The extensions (years past the horizon) tried in turn: extend_years, twice that,
    ... up to max_extend_years."""
    p = experiment.compare.permanent
    if p is None:
        return []
    out = [p.extend_years]
    while out[-1] < p.max_years:
        out.append(min(out[-1] + p.extend_years, p.max_years))
    return out


def _longer(experiment: Experiment, extend: int) -> Experiment:
    return experiment.model_copy(update={"years": experiment.years + extend})


def steady_window(experiment: Experiment, extend: int) -> list[int]:
    """The calendar years judged and averaged for the permanent effect: the last
    ``window_years`` whole calendar years of the run extended by ``extend`` years."""
    p = experiment.compare.permanent
    assert p is not None
    longer = _longer(experiment, extend)
    whole = [y for y in Clock(longer.start, longer.years).calendar_years
             if dt.date(y, 1, 1) >= longer.start and dt.date(y + 1, 1, 1) <= longer.end]
    return whole[-p.window_years:]


def steady_experiment(experiment: Experiment, full: Experiment,
                      elements: dict[str, list[dict[str, Any]]], extend: int
                      ) -> tuple[Experiment, dict[str, str]]:
    """The extended run for ``compare.permanent``: the baseline, the reforms and their
    element steps with the horizon ``extend`` years longer (same seeds and replications:
    common random numbers), each named ``<scenario>-to<last year>``; and those names."""
    longer = _longer(full, extend)
    last = Clock(longer.start, longer.years).calendar_years[-1]
    names = {n: f"{n}-to{last}" for n in steady_names(experiment, elements)}
    return longer.model_copy(update={"scenarios": {names[n]: full.scenarios[n]
                                                   for n in names}}), names


def check_permanent(experiment: Experiment, full: Experiment,
                    elements: dict[str, list[dict[str, Any]]], source: str) -> None:
    """``compare.permanent`` against the experiment: a reform to compare, extensions that
    fit the longest horizon, a window inside the extension, names of the extended runs
    that no scenario has."""
    p = experiment.compare.permanent
    if p is None:
        return
    where = "compare.permanent"
    if len(experiment.scenarios) < 2:
        raise InputError(source, where, "given", "a reform scenario to compare (the "
                         "experiment has only the baseline)")
    if p.max_years < p.extend_years:
        raise InputError(source, f"{where}.max_extend_years", p.max_extend_years,
                         f"at least extend_years ({p.extend_years})")
    if experiment.years + p.max_years > MAX_YEARS:
        key = "extend_years" if p.max_extend_years is None else "max_extend_years"
        raise InputError(source, f"{where}.{key}", p.max_years,
                         f"at most {MAX_YEARS - experiment.years}: the horizon "
                         f"({experiment.years} years) and the extension together run at "
                         f"most {MAX_YEARS} years")
    if p.window_years > p.extend_years:
        raise InputError(source, f"{where}.window_years", p.window_years,
                         f"at most extend_years ({p.extend_years}): the window lies in the "
                         "extension")
    for extend in extensions(experiment):
        _, names = steady_experiment(experiment, full, elements, extend)
        for name in names.values():
            if name in full.scenarios:
                raise InputError(source, f"scenarios.{name}", name,
                                 f"a name other than {name}: the extended runs of "
                                 "compare.permanent are named <scenario>-to<last year>")


# -- element steps: each reform built up one element at a time (compare.elements) ------

def _ref_label(ref: PolicyRef) -> str:
    if not ref.options:
        return ref.name
    opts = ", ".join(f"{k}={v}" for k, v in ref.options.items())
    return f"{ref.name} ({opts})"


def element_steps(experiment: Experiment, source: str = "<experiment>"
                  ) -> tuple[dict[str, Scenario], dict[str, list[dict[str, Any]]]]:
    """Extra cumulative scenarios for ``compare.elements`` and the element list of each.

    The elements of a reform are its policies after those it shares with the baseline
    (which must come first, in the same order), then its parameter overrides, then its
    unemployment path. Step k adds the first k elements to the baseline and is run as
    scenario ``<reform>+<k>``; the last step is the reform itself.
    """
    names = list(experiment.scenarios)
    base = experiment.scenarios[experiment.baseline]
    extra: dict[str, Scenario] = {}
    info: dict[str, list[dict[str, Any]]] = {}
    for i, name in enumerate(experiment.compare.elements):
        where = f"compare.elements[{i}]"
        if name not in experiment.scenarios or name == experiment.baseline:
            raise InputError(source, where, name,
                             "a reform scenario: " + ", ".join(names[1:]) if len(names) > 1
                             else "a reform scenario (the experiment has only the baseline)")
        reform = experiment.scenarios[name]
        b_refs, r_refs = base.policy_refs(), reform.policy_refs()
        if r_refs[:len(b_refs)] != b_refs:
            raise InputError(source, where, name,
                             "a scenario whose policies start with the baseline's ("
                             + ", ".join(r.name for r in b_refs) + ")")
        elements: list[tuple[str, str, Any]] = [("policy", _ref_label(r), r)
                                                for r in r_refs[len(b_refs):]]
        if reform.parameters != base.parameters:
            elements.append(("parameters", "parameter overrides: " + ", ".join(
                reform.parameters), None))
        if reform.unemployment != base.unemployment:
            elements.append(("unemployment", "unemployment path", None))
        steps = []
        for k in range(1, len(elements) + 1):
            kinds = {e[0] for e in elements[:k]}
            if k == len(elements):
                step = name
            else:
                step = f"{name}+{k}"
                extra[step] = Scenario(
                    description=f"{name}: first {k} element(s)",
                    policies=[*b_refs, *(e[2] for e in elements[:k] if e[0] == "policy")],
                    parameters=reform.parameters if "parameters" in kinds else base.parameters,
                    unemployment=reform.unemployment if "unemployment" in kinds
                    else base.unemployment)
            steps.append({"order": k, "element": elements[k - 1][1], "scenario": step})
        info[name] = steps
    return extra, info


def with_element_steps(experiment: Experiment, source: str = "<experiment>"
                       ) -> tuple[Experiment, dict[str, list[dict[str, Any]]]]:
    """The experiment with the element steps added as scenarios (after the user's)."""
    extra, info = element_steps(experiment, source)
    if not extra:
        return experiment, info
    return experiment.model_copy(update={"scenarios": {**experiment.scenarios, **extra}}), info


def phased(old: Any, new: Any, share: float) -> Any:
    """The value a share of the way from ``old`` to ``new``: numbers (and tables of
    numbers) by linear interpolation; anything else switches at the half-way share,
    which keeps a step closest to the linear ramp."""
    if share >= 1.0:
        return new
    if isinstance(new, dict) and isinstance(old, dict) and set(new) == set(old):
        return {k: phased(old[k], new[k], share) for k in new}
    numeric = (int, float)
    if isinstance(new, numeric) and isinstance(old, numeric) and not isinstance(new, bool) \
            and not isinstance(old, bool):
        return old + share * (new - old)
    return new if share >= 0.5 else old


def _apply(params: ParameterTree, source: str, field_name: str, path: str, value: Any,
           origin: str, start: dt.date | None, changes: list | None, by: str,
           scope: str = "everyone", phase_in: dict[int, float] | None = None,
           until: dt.date | None = None) -> str:
    """Set ``path`` to ``value`` in ``params`` as a policy or override does (with its
    phase-in steps); the changed leaf's path. InputError at ``field_name`` when the path,
    the value's shape or its bounds are wrong."""
    if not isinstance(path, str) or not path:
        raise InputError(source, field_name, path, "a dotted parameter path")
    try:
        head, _ = params.resolve(path)
    except KeyError as exc:
        raise InputError(source, field_name, path, exc.args[0]) from None
    if head.startswith("rules.") and not isinstance(value, OnTop):
        try:
            check_stack(head.removeprefix("rules."), value)
        except ValueError as exc:
            raise InputError(source, field_name, value, exc.args[0]) from None
    steps = [(start, 1.0)]
    if phase_in:
        first = start or EARLIEST
        # Years before the start date collapse onto it (the latest share wins).
        steps = [(max(first, dt.date(year, 1, 1)), share)
                 for year, share in sorted(phase_in.items())
                 if until is None or dt.date(year, 1, 1) < until]
    olds = [params.value(path, d) for d, _ in steps]
    # A rule put on top stacks on the rules in force on each date, also on the stacks a
    # policy dated later put in force (a plain value replaces those; a stack adds to them).
    last = max((d or EARLIEST) for d, _ in steps)
    later = [(v.start, v.value, v.source) for v in params.leaves[head].values
             if isinstance(value, OnTop) and v.start > last and (until is None or v.start < until)]
    for (d, share), old in zip(steps, olds, strict=True):
        new = phased(old, value.onto(old) if isinstance(value, OnTop) else value, share)
        if head.startswith("rules."):
            try:
                check_stack(head.removeprefix("rules."), new)
            except ValueError as exc:
                raise InputError(source, field_name, value, exc.args[0]) from None
        # For the table: the value the day before, so a change dated where the law
        # files already change (a historical reform) shows what it replaced.
        before = params.value(path, d - dt.timedelta(days=1)) if d else old
        try:
            params.set(path, new, origin, d, until)
        except OutOfBounds as exc:
            raise InputError(source, ".".join([field_name, *exc.keys]), exc.value,
                             exc.allowed) from None
        if changes is not None and (before != new or len(steps) == 1):  # steps that move
            for where, was, becomes in differences(path, before, new):
                changes.append({"by": by, "parameter": where, "baseline_value": was,
                                "new_value": becomes, "effective": str(d or "start of run"),
                                "until": str(until or ""), "scope": scope,
                                "phase_in_share": share, "source": origin})
    for d, stack, stack_source in later:
        params.set(path, value.onto(stack), stack_source, d)
    return head


def differences(path: str, old: Any, new: Any) -> list[tuple[str, Any, Any]]:
    """(path, old, new) for each entry of a table that differs; the whole value when
    it is not a table or nothing in it differs."""
    if isinstance(old, dict) and isinstance(new, dict) and set(old) == set(new):
        rows = [row for k in new if old[k] != new[k]
                for row in differences(f"{path}.{k}", old[k], new[k])]
        if rows:
            return rows
    return [(path, old, new)]


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
