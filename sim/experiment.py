"""Experiment files: the pydantic schema and loading with one-line errors.

An experiment file is data. It is read with a safe YAML loader, validated here, and
names policies by their registered names only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
)
from pydantic.fields import FieldInfo

from sim.clock import DATE_RANGE, FIRST_DATE, LAST_DATE
from sim.errors import MISSING, InputError

OutputName = Literal["stocks", "flows", "headcounts", "spells", "activity", "events", "finance",
                     "unit_costs", "unit_costs_municipality", "jobpraemie", "employment"]
OUTPUTS = get_args(OutputName)
NAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
NAME_LENGTH = 64  # names become folder names (parts/<scenario>/) and labels
# Names a run folder's parts/ uses itself, so no scenario may take them.
RESERVED_NAMES = frozenset({"run.json"})
MIN_SCALE = 1e-4  # below this a sample holds a handful of persons and the tables are empty
TEXT_LENGTH = 10_000  # descriptions
MAX_SCENARIOS = 200
MAX_ITEMS = 1_000  # policies of a scenario, parameter overrides, unemployment years


def _rate(v: float) -> float:
    if not 0 < v < 100:
        raise ValueError("a rate in percent, greater than 0 and less than 100")
    return v


def _scenario_name(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or len(name) > NAME_LENGTH \
            or name in RESERVED_NAMES:
        raise ValueError(f"a scenario name of letters, digits, '_', '-' or '.' starting with a "
                         f"letter or digit, at most {NAME_LENGTH} characters, not "
                         + ", ".join(sorted(RESERVED_NAMES)))
    return name


def _date_input(value: Any) -> Any:
    """A date as written (YYYY-MM-DD text) or a date object; not a number of seconds."""
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, str | dt.date):
        raise ValueError(f"a calendar date as YYYY-MM-DD {DATE_RANGE}")
    return value


def _date_range(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"a calendar date as YYYY-MM-DD {DATE_RANGE}")
    return value


def _year(value: int) -> int:
    if not FIRST_DATE.year <= value <= LAST_DATE.year:
        raise ValueError(f"a calendar year from {FIRST_DATE.year} to {LAST_DATE.year}")
    return value


Rate = Annotated[float, Strict(), AfterValidator(_rate),
                 Field(json_schema_extra={"exclusiveMinimum": 0, "exclusiveMaximum": 100})]
ScenarioName = Annotated[str, AfterValidator(_scenario_name)]
Date = Annotated[dt.date, BeforeValidator(_date_input), AfterValidator(_date_range)]
Year = Annotated[int, Strict(), AfterValidator(_year)]
Share = Annotated[float, Field(ge=0, le=1), Strict()]


class PolicyRef(BaseModel):
    """A registered policy and its options."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="Registered policy name (see `python -m sim policies`)")
    options: dict[str, Any] = Field(default_factory=dict, description="Options of the policy")
    effective: Date | None = Field(
        None, description="Effective date (default: the policy's own); changes the policy "
                          "dates explicitly keep their dates")
    scope: Literal["everyone", "new_spells"] | None = Field(
        None, description="Whom the policy applies to: everyone, or only spells that start "
                          "on or after the effective date (default: the policy's own)")
    phase_in: dict[Year, Share] | None = Field(
        None, description="Share of the full change reached from 1 January of each year "
                          "(default: the policy's own; none = all at once)")


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = Field("", max_length=TEXT_LENGTH)
    policies: list[str | PolicyRef] = Field(
        default_factory=lambda: ["current_law_2024"], max_length=MAX_ITEMS,
        description="Policies applied in order, by registered name (with options)")
    parameters: dict[str, Any] = Field(
        default_factory=dict, max_length=MAX_ITEMS,
        description="Parameter overrides by dotted path; a value, or a mapping of dates to values")
    unemployment: dict[Year, Rate] | None = Field(
        None, max_length=MAX_ITEMS,
        description="Unemployment rate (percent) by year for this scenario; "
                          "overrides the experiment's path")

    def policy_refs(self) -> list[PolicyRef]:
        return [p if isinstance(p, PolicyRef) else PolicyRef(name=p) for p in self.policies]


def _scheduler(address: str) -> str:
    if not re.fullmatch(r"(tcp|tls|inproc|ucx|ws|wss)://\S+", address):
        raise ValueError("a Dask scheduler address such as tcp://host:8786")
    return address


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _unique(items: list) -> list:
    if len(set(items)) != len(items):
        raise ValueError("each table once")
    return items


HeadlineMetric = Literal["fulltime_persons", "employment", "gross_mio_kr", "state_mio_kr",
                         "municipality_mio_kr", "conversations", "offers", "sanctions"]


MAX_YEARS = 60  # the longest horizon of a run, extended runs included


class Permanent(BaseModel):
    """The permanent (varig) effect from a run extended past the horizon until the effect
    is in a steady state (sim/revenue.py, sim/stats.py steady_state)."""

    model_config = ConfigDict(extra="forbid")
    extend_years: Annotated[int, Strict()] = Field(
        15, ge=1, le=MAX_YEARS - 1,
        description="Years the baseline, the reforms and their element steps run past the "
                    "horizon (same seeds: common random numbers); also the step of each "
                    "further extension")
    max_extend_years: Annotated[int, Strict()] | None = Field(
        None, ge=1, le=MAX_YEARS - 1,
        description="Extend by extend_years at a time while a reform's effect is not "
                    "steady, up to this many years past the horizon (default: "
                    "extend_years, one extended run); the horizon plus this is at most "
                    f"{MAX_YEARS} years")
    window_years: Annotated[int, Strict()] = Field(
        5, ge=3, le=20,
        description="The last years of the extended run that are judged for a steady state "
                    "and averaged into the permanent effect (at most extend_years)")
    tolerance: Annotated[float, Strict()] = Field(
        0.1, gt=0, le=1, allow_inf_nan=False,
        description="Largest drift over the window, as a share of the effect's level, "
                    "that counts as steady (besides a drift within the level's own 95 % "
                    "half-width)")

    @property
    def max_years(self) -> int:
        return self.extend_years if self.max_extend_years is None else self.max_extend_years


class Compare(BaseModel):
    """How reforms are compared with the baseline (sim/compare.py)."""

    model_config = ConfigDict(extra="forbid")
    elements: Annotated[list[ScenarioName], BeforeValidator(_as_list)] = Field(
        default_factory=list,
        description="Scenarios whose effect is split by policy element: the elements (the "
                    "policies after the baseline's, then parameter and unemployment "
                    "overrides) are added one at a time in the listed order, each run as an "
                    "extra scenario, and each element's marginal effect is reported")
    channels: Annotated[list[ScenarioName], BeforeValidator(_as_list)] = Field(
        default_factory=list,
        description="Scenarios whose effect is attributed to the behaviour channels "
                    "(benefit level, conversations, offers, sanctions): the baseline and "
                    "the reform run again with one channel switched off at a time, and "
                    "the channel's part is the effect less the effect without it")
    sensitivity: Annotated[list[ScenarioName], BeforeValidator(_as_list)] = Field(
        default_factory=list,
        description="Scenarios whose effect is run again with each assumption at the low "
                    "and the high end of its plausible range (in the baseline and the "
                    "reform, common random numbers): uncertainty from assumptions")
    sensitivity_parameters: list[str] = Field(
        default_factory=list,
        description="The assumptions for compare.sensitivity, by parameter path (default: "
                    "every parameter with a plausible range)")
    years: list[int] = Field(
        default_factory=list,
        description="Calendar years whose effects the report's headline states, in words "
                    "and numbers (default: the last simulated year)")
    permanent: Permanent | None = Field(
        None, description="Take the permanent (varig) effect from a run extended past the "
                          "horizon to a steady state, instead of the last simulated year")


class Precision(BaseModel):
    """Add replications until a headline difference is known to a target precision."""

    model_config = ConfigDict(extra="forbid")
    metric: HeadlineMetric = Field(description="Headline measure (see README, Comparison)")
    half_width: Annotated[float, Strict()] = Field(gt=0, allow_inf_nan=False,
                              description="Target half-width of the 95 % confidence "
                                          "interval, in the metric's unit")
    year: Year | Literal["permanent"] = Field(
        "permanent", description="Calendar year of the measure; permanent = the last year")
    max_replications: Annotated[int, Strict()] = Field(50, ge=2, le=10_000,
                                                       description="Stop adding here")


class Cluster(BaseModel):
    """A Dask cluster to run the replications on."""

    model_config = ConfigDict(extra="forbid")
    scheduler: Annotated[str, AfterValidator(_scheduler)] = Field(
        description="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")


class Experiment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=NAME_PATTERN, max_length=NAME_LENGTH,
                      description="Name of the experiment")
    description: str = Field("", max_length=TEXT_LENGTH)
    start: Date = Field(description=f"Start date of the simulation (ISO date, {DATE_RANGE})")
    years: Annotated[int, Strict()] = Field(ge=1, le=MAX_YEARS, description="Horizon in years")
    scale: Annotated[float, Strict()] = Field(ge=MIN_SCALE, le=1, allow_inf_nan=False,
                         description=f"Sample share of the population ({MIN_SCALE} <= scale "
                                     f"<= 1)")
    seed: Annotated[int, Strict()] = Field(ge=0, lt=2**63, description="Master seed")
    replications: Annotated[int, Strict()] = Field(1, ge=1, le=10_000,
                                                   description="Independent replications")
    unemployment: dict[Year, Rate] | None = Field(
        None, max_length=MAX_ITEMS,
        description="Unemployment rate (percent) by year; years not given keep the "
                    "previous year's rate; default flat at the base year's rate")
    scenarios: dict[ScenarioName, Scenario] = Field(
        default_factory=lambda: {"baseline": Scenario()}, min_length=1,
        max_length=MAX_SCENARIOS, description="Scenarios by name; the first is the baseline")
    outputs: Annotated[list[OutputName], AfterValidator(_unique)] = Field(
        default_factory=lambda: ["stocks", "flows", "headcounts", "activity"], min_length=1,
        description="Tables to write (each once)")
    compare: Compare = Field(default_factory=Compare,
                             description="Comparison options (element attribution)")
    precision: Precision | None = Field(
        None, description="Keep adding replications (from `replications`) until the 95 % "
                          "confidence interval of a headline difference is narrow enough")
    cluster: Cluster | None = Field(None, description="Run on this Dask cluster instead of "
                                                      "local processes")

    @property
    def baseline(self) -> str:
        return next(iter(self.scenarios))

    @property
    def end(self) -> dt.date:
        return dt.date(self.start.year + self.years, self.start.month, min(self.start.day, 28)
                       if self.start.month == 2 else self.start.day)


# Bounds of an experiment file, so that no file can take unbounded time or memory: its
# size, the nesting of its collections, and its number of values with every alias
# expanded (an alias is read as one shared object, but validation and the manifest copy
# it wherever it is used: ten nested aliases of ten items are 10^10 values).
MAX_FILE_BYTES = 1 << 20
MAX_DEPTH = 32
MAX_VALUES = 100_000
# YAML types that plain data does not need: a set has no order (a policy list would
# depend on the hash seed), timestamps and binary are not experiment values.
REFUSED_TAGS = ("set", "omap", "pairs", "binary", "timestamp")


class _DuplicateKeyError(yaml.MarkedYAMLError):
    """A key given twice in one YAML mapping."""

    def __init__(self, key: object, mark: yaml.Mark) -> None:
        super().__init__(problem=f"duplicate key {key!r}", problem_mark=mark)
        self.key = key


class _LimitError(yaml.MarkedYAMLError):
    """A file beyond the bounds above, or a value its type cannot be read as."""

    def __init__(self, value: object, allowed: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=allowed, problem_mark=mark)
        self.value, self.allowed = value, allowed


class _DataLoader(yaml.SafeLoader):
    """Safe loader that keeps dates as text so pydantic reports impossible dates.

    A key given twice in one mapping is an error (plain YAML keeps the last silently,
    which would drop a scenario or a setting without a word); so are ``2024`` and
    ``'2024'``, which name the same year. A scalar that its tag cannot convert
    (``!!float abc``, an integer of thousands of digits) is an error at its line.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, TypeError, KeyError) as exc:
            if isinstance(exc, yaml.YAMLError):
                raise
            kind = node.tag.rsplit(":", 1)[-1]
            raise _LimitError(node.value if isinstance(node, yaml.ScalarNode) else kind,
                              f"a value that reads as {kind}", node.start_mark) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                same = str(key) if isinstance(key, int | float | str) else key
                if same in seen:
                    raise _DuplicateKeyError(key, key_node.start_mark)
                seen.add(same)
            except TypeError:  # unhashable key: the base constructor reports it
                continue
        return super().construct_mapping(node, deep)


def _refused(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    raise _LimitError(node.tag, "plain YAML values: text, numbers, true/false, null, lists "
                      "and mappings", node.start_mark)


for _tag in REFUSED_TAGS:
    _DataLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refused)

_DataLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _check_nesting(text: str) -> None:
    """Refuse collections nested deeper than MAX_DEPTH before anything is composed
    (PyYAML composes recursively; the parser below does not)."""
    depth = 0
    for event in yaml.parse(text, Loader=_DataLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _LimitError(f"{depth} levels", f"collections nested at most {MAX_DEPTH} "
                                  "levels deep", event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_expanded(root: yaml.Node) -> None:
    """Refuse a document whose aliases refer to themselves, or that holds more than
    MAX_VALUES values or MAX_DEPTH levels once every alias is expanded. Each node is
    measured once (aliases share nodes), without recursion."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            size[key], depth[key] = 1, 0
            continue
        children = [n for pair in node.value for n in pair] if isinstance(
            node, yaml.MappingNode) else list(node.value)
        if children_done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > MAX_VALUES or depth[key] > MAX_DEPTH:
                raise _LimitError(
                    f"more than {MAX_VALUES} values" if size[key] > MAX_VALUES
                    else f"{depth[key]} levels",
                    f"at most {MAX_VALUES} values and {MAX_DEPTH} levels with aliases "
                    "expanded", node.start_mark)
            continue
        if key in size:
            continue
        if key in open_:
            raise _LimitError("an alias inside its own anchor",
                              "aliases to earlier, complete values", node.start_mark)
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
    # A node met again while still open is a cycle; one met again after it closed is a
    # shared value, measured already.


def _parse(text: str) -> Any:
    """The data of one YAML document, within the bounds above."""
    _check_nesting(text)
    loader = _DataLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expanded(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise InputError(str(path), "file", str(path), "an existing experiment file (YAML)")


def read_yaml(path: Path) -> Any:
    source = str(path)
    _check_file(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(source, "file", f"{size} bytes",
                             f"an experiment file of at most {MAX_FILE_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, "file", type(exc).__name__, "a readable UTF-8 text file") from None
    try:
        return _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "document"
        if isinstance(exc, _DuplicateKeyError):
            raise InputError(source, f"YAML at {where}", exc.key,
                             "each key once in a mapping") from None
        if isinstance(exc, _LimitError):
            raise InputError(source, f"YAML at {where}", exc.value, exc.allowed) from None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(source, f"YAML at {where}", problem, "valid YAML") from None


_LISTS = ("policies", "outputs")  # fields whose items are shown as field[i]
_UNION_TAGS = ("str", "PolicyRef")  # pydantic's names for the branches of str | PolicyRef
_BOUNDS = (("gt", "greater than"), ("ge", "at least"), ("lt", "less than"), ("le", "at most"))
_NUMBER_ERRORS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal",
                  "int_parsing", "int_type", "int_from_float", "float_parsing", "float_type")


def _union_branch(loc: tuple) -> int | None:
    """Index in ``loc`` of pydantic's branch name of ``policies[i]: str | PolicyRef``."""
    for i in range(2, len(loc)):
        if loc[i] in _UNION_TAGS and isinstance(loc[i - 1], int) and loc[i - 2] == "policies":
            return i
    return None


def _first_error(errors: list[dict]) -> dict:
    """The error to report; for ``str | PolicyRef`` the branch that matches the input."""
    for error in errors:
        i = _union_branch(error["loc"])
        if i is not None and error["loc"][i] == "str" and isinstance(error["input"], dict):
            continue  # a mapping is a PolicyRef: report that branch's problem
        return error
    return errors[0]


def _field_path(loc: tuple) -> str:
    text = ""
    for i, part in enumerate(loc):
        if isinstance(part, int) and i > 0 and loc[i - 1] in _LISTS:
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _range(info: FieldInfo) -> str | None:
    """The bounds of a numeric field as words, e.g. 'an integer at least 1 and at most 60'."""
    parts = [f"{words} {getattr(m, key)}" for m in info.metadata for key, words in _BOUNDS
             if hasattr(m, key)]
    if not parts:
        return None
    return ("an integer " if _is_int(info.annotation) else "a number ") + " and ".join(parts)


def _is_int(annotation: Any) -> bool:
    """An int, also inside Annotated[...] or optional (``int | None``)."""
    if annotation is int:
        return True
    if get_origin(annotation) is Annotated:
        return _is_int(get_args(annotation)[0])
    args = [a for a in get_args(annotation) if a is not type(None)]
    return bool(args) and all(_is_int(a) for a in args)


def _allowed(error: dict, model: type[BaseModel], loc: tuple) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        fields = _fields_at(model, loc[:-1])
        return "one of " + ", ".join(fields) if fields else "no extra keys"
    if kind == "missing":
        return "a value (this field is required)"
    if kind == "string_type" and _union_branch(error["loc"]) == len(error["loc"]) - 1:
        return "a registered policy name, or a mapping with name and options"
    if kind in _NUMBER_ERRORS:
        info = _field_info(model, loc)
        bounds = _range(info) if info is not None else None
        if bounds:
            return bounds
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == NAME_PATTERN:
        return "a name of letters, digits, '_', '-' or '.'"
    if kind.startswith("date_"):
        reason = ctx.get("error")
        return "a calendar date as YYYY-MM-DD" + (f" ({reason})" if reason else "")
    if kind == "model_type":
        fields = _fields_at(model, loc)
        return "a mapping with keys from " + ", ".join(fields) if fields else "a mapping"
    if kind == "too_short":
        return f"at least {ctx.get('min_length')} item(s)"
    msg = error["msg"]
    for prefix in ("Input should be ", "Value error, ", "value error, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return msg


def _field_info(model: type[BaseModel], loc: tuple) -> FieldInfo | None:
    """The field at ``loc`` when every step is a field of a (sub)model, e.g.
    ``compare.permanent.window_years``; None otherwise."""
    current: Any = model
    info = None
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or \
                part not in current.model_fields:
            return None
        info = current.model_fields[part]
        current = next((a for a in (info.annotation, *get_args(info.annotation))
                        if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return info


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the (sub)model found at ``loc`` in an experiment."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        if current is Experiment and part == "scenarios":
            current = dict
            continue
        if current is dict:
            current = Scenario
            continue
        if current is Scenario and part == "policies":
            current = PolicyRef
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in \
                current.model_fields:
            annotation = current.model_fields[part].annotation
            current = next((a for a in (annotation, *get_args(annotation)) if isinstance(a, type)
                            and issubclass(a, BaseModel)), None)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def input_error(exc: ValidationError, model: type[BaseModel], source: str,
                prefix: str = "") -> InputError:
    """The first problem of a validation of ``model`` as a one-line InputError.

    ``prefix`` is the field path of the validated data inside the experiment file.
    """
    error = _first_error(exc.errors())
    loc = tuple(error["loc"])
    branch = _union_branch(loc)
    if branch is not None:
        loc = loc[:branch] + loc[branch + 1:]
    value = error.get("input")
    if error["type"] == "extra_forbidden":
        value = loc[-1]
    elif error["type"] == "missing":
        value = MISSING
    if loc and loc[-1] == "[key]":  # a bad mapping key: name the mapping, show the key
        loc = loc[:-2]
    field = _field_path(loc)
    if prefix:
        field = f"{prefix}.{field}" if field else prefix
    return InputError(source, field or "(top level)", value, _allowed(error, model, loc))


def validate(data: Any, source: str) -> Experiment:
    """Validate parsed YAML against the schema; raise InputError on the first problem."""
    if not isinstance(data, dict):
        raise InputError(source, "(top level)", data, "a mapping of experiment fields")
    try:
        return Experiment.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, Experiment, source) from None


def load(path: str | Path) -> Experiment:
    """Read and validate an experiment file (schema only; see sim.scenario for the law)."""
    path = Path(path)
    return validate(read_yaml(path), str(path))


def file_sha256(path: str | Path) -> str:
    path = Path(path)
    _check_file(path)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(str(path), "file", type(exc).__name__, "a readable file") from None


def json_schema() -> dict:
    """The experiment file's JSON Schema, for editors: with the registered policy names
    (for ``policies: [name]``) and, for ``{name: ..., options: ...}``, each policy's own
    options with their types, bounds and defaults."""
    import json

    import policies

    schema = Experiment.model_json_schema()
    defs = schema.setdefault("$defs", {})
    ref = defs["PolicyRef"]
    registry = policies.registered()
    variants = []
    for name, policy in registry.items():
        options = policy.options.model_json_schema()
        prefix = f"{name}.options."
        for key, sub in options.pop("$defs", {}).items():
            defs[prefix + key] = sub
        options = json.loads(json.dumps(options).replace('"#/$defs/', f'"#/$defs/{prefix}'))
        options.pop("title", None)
        options["description"] = f"Options of {name}"
        variants.append({
            "type": "object", "title": name, "description": policy.description,
            "properties": {"name": {"const": name, "description": ref["properties"]["name"][
                "description"]}, "options": options,
                **{k: ref["properties"][k] for k in ("effective", "scope", "phase_in")}},
            "required": ["name"], "additionalProperties": False})
    names = list(registry)
    defs["PolicyName"] = {"type": "string", "enum": names,
                          "description": "A registered policy (python -m sim policies NAME)"}
    defs["PolicyRef"] = {"oneOf": variants, "description": ref.get("description", "")}
    items = defs["Scenario"]["properties"]["policies"]["items"]
    items["anyOf"] = [{"$ref": "#/$defs/PolicyName"} if branch == {"type": "string"}
                      else branch for branch in items["anyOf"]]
    return schema
