"""Experiment files: the pydantic schema and loading with one-line errors.

An experiment file is data. It is read with a safe YAML loader, validated here, and
names policies by their registered names only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.errors import InputError

OUTPUTS = ("stocks", "flows", "headcounts", "spells")


class PolicyRef(BaseModel):
    """A registered policy and its options."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="Registered policy name (see `python -m sim policies`)")
    options: dict[str, Any] = Field(default_factory=dict, description="Options of the policy")


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = ""
    policies: list[str | PolicyRef] = Field(
        default_factory=lambda: ["current_law_2024"],
        description="Policies applied in order, by registered name (with options)")
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="Parameter overrides by dotted path; a value, or a mapping of dates to values")
    unemployment: dict[int, float] | None = Field(
        None, description="Unemployment rate (percent) by year for this scenario; "
                          "overrides the experiment's path")

    def policy_refs(self) -> list[PolicyRef]:
        return [p if isinstance(p, PolicyRef) else PolicyRef(name=p) for p in self.policies]

    @field_validator("unemployment")
    @classmethod
    def _rates(cls, v: dict[int, float] | None) -> dict[int, float] | None:
        return _check_rates(v)


def _check_rates(v: dict[int, float] | None) -> dict[int, float] | None:
    if v is not None:
        for year, rate in v.items():
            if not 0 < rate < 100:
                raise ValueError(f"a rate in percent between 0 and 100 (year {year})")
    return v


class Experiment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="Name of the experiment")
    description: str = ""
    start: dt.date = Field(description="Start date of the simulation (ISO date)")
    years: int = Field(ge=1, le=60, description="Horizon in years")
    scale: float = Field(gt=0, le=1, description="Sample share of the population (0 < scale <= 1)")
    seed: int = Field(ge=0, lt=2**63, description="Master seed")
    replications: int = Field(1, ge=1, le=10_000, description="Independent replications")
    unemployment: dict[int, float] | None = Field(
        None, description="Unemployment rate (percent) by year; years not given keep the "
                          "previous year's rate; default flat at the base year's rate")
    scenarios: dict[str, Scenario] = Field(
        default_factory=lambda: {"baseline": Scenario()}, min_length=1,
        description="Scenarios by name; the first is the baseline")
    outputs: list[Literal["stocks", "flows", "headcounts", "spells"]] = Field(
        default_factory=lambda: ["stocks", "flows", "headcounts"],
        description="Tables to write")

    @field_validator("unemployment")
    @classmethod
    def _rates(cls, v: dict[int, float] | None) -> dict[int, float] | None:
        return _check_rates(v)

    @field_validator("scenarios")
    @classmethod
    def _scenario_names(cls, v: dict[str, Scenario]) -> dict[str, Scenario]:
        for name in v:
            if not name or not all(c.isalnum() or c in "_-." for c in name):
                raise ValueError(f"scenario names of letters, digits, '_', '-' or '.' ({name!r})")
        return v

    @property
    def baseline(self) -> str:
        return next(iter(self.scenarios))

    @property
    def end(self) -> dt.date:
        return dt.date(self.start.year + self.years, self.start.month, min(self.start.day, 28)
                       if self.start.month == 2 else self.start.day)


class _DataLoader(yaml.SafeLoader):
    """Safe loader that keeps dates as text so pydantic reports impossible dates."""


_DataLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    source = str(path)
    if not path.is_file():
        raise InputError(source, "file", source, "an existing experiment file (YAML)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, "file", type(exc).__name__, "a readable UTF-8 text file") from None
    try:
        return yaml.load(text, Loader=_DataLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "document"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(source, f"YAML at {where}", problem, "valid YAML") from None


def _allowed(error: dict, model: type[BaseModel], loc: tuple) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        fields = _fields_at(model, loc[:-1])
        return "one of " + ", ".join(fields) if fields else "no extra keys"
    if kind == "missing":
        return "a value (this field is required)"
    msg = error["msg"]
    for prefix in ("Input should be ", "Value error, ", "value error, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return msg


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
            current = None
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def validate(data: Any, source: str) -> Experiment:
    """Validate parsed YAML against the schema; raise InputError on the first problem."""
    if not isinstance(data, dict):
        raise InputError(source, "(top level)", data, "a mapping of experiment fields")
    try:
        return Experiment.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        # For str | PolicyRef unions pydantic reports both branches; name the field only.
        loc = tuple(p for p in loc if p not in ("str", "PolicyRef"))
        field = ".".join(str(p) for p in loc) or "(top level)"
        value = error.get("input")
        if error["type"] == "extra_forbidden":
            value = loc[-1]
        return_raise = InputError(source, field, value, _allowed(error, Experiment, loc))
        raise return_raise from None


def load(path: str | Path) -> Experiment:
    """Read and validate an experiment file (schema only; see sim.scenario for the law)."""
    path = Path(path)
    return validate(read_yaml(path), str(path))


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def json_schema() -> dict:
    return Experiment.model_json_schema()
