"""A generated corpus of hostile experiment files and command lines.

Every case must be refused the way every input error is: exit status 2, exactly one
line on stderr of the form ``error: SOURCE: FIELD: got VALUE; allowed: WHAT``, no
traceback, and nothing written (the run folder is not created). The cases are generated
across every field of the experiment schema, every parameter of the law and the
behaviour (values outside the bounds declared beside them, wrong shapes), policy
references, YAML features (tags, aliases, nesting, duplicate keys, size) and the
command's flags.

Most cases run in this process through ``sim.cli.main`` (fast); a few run as
``python -m sim`` in a subprocess with a cap on its memory, to check the real exit
status and stream.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim import lawbook
from sim.cli import main

REPO = Path(__file__).resolve().parents[1]

BASE: dict[str, Any] = {"name": "hostile", "start": "2024-01-01", "years": 1, "scale": 0.001,
                        "seed": 1, "replications": 1}
NAN, INF = float("nan"), float("inf")


@dataclass(frozen=True)
class Case:
    id: str
    text: str | bytes  # the experiment file


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def with_fields(**fields: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(fields)
    return data


def scenario(**fields: Any) -> dict[str, Any]:
    return with_fields(scenarios={"baseline": fields})


def override(path: str, value: Any) -> dict[str, Any]:
    return scenario(parameters={path: value})


# -- the schema: each field with values it must refuse ------------------------------------
FIELD_VALUES: dict[str, list[Any]] = {
    "name": [None, 1, True, "", "my run", "a/b", "../up", "x" * 65, [], {}],
    "description": [1, 2.5, True, [], {"a": 1}, "x" * 10_001],
    "start": [None, 1704067200, 2024, 1.5, True, "2024-02-30", "9999-06-01", "0001-01-01",
              "1950-01-01", "tomorrow", "", [], {}],
    "years": [0, -1, 61, 1.5, "ten", True, None, 10**30, [], {}, INF],
    "scale": [0, -0.1, 1.5, 1e-300, 5e-5, NAN, INF, -INF, True, None, [], "tiny"],
    "seed": [-1, 2**63, 1.5, True, False, "1", None, [], NAN, 10**40],
    "replications": [0, -1, 10_001, 1.5, True, "2", None, [], {}],
    "unemployment": [{2030: 4.0}, {2024: 150.0}, {2024: -1.0}, {2024: NAN}, {2024: True},
                     {2024: 0}, {"x": 3.0}, {0: 3.0}, {99999: 3.0}, [], "high", 4.0,
                     {2024: 99.0}, {2024: "4"}],
    "scenarios": [{}, [], "baseline", {"my scenario!": {}}, {"run.json": {}},
                  {"a" * 65: {}}, {".hidden": {}}, {"-x": {}}, {"baseline": None},
                  {"baseline": []}, {"baseline": "x"}, {"b": {"policy": []}},
                  {"B": {}, "b": {}}, {f"s{i}": {} for i in range(201)}],
    "outputs": [[], ["tables"], ["stocks", "stocks"], [1], None, {}, "stocks ", [None],
                ["stocks", "events", "budget"]],
    "compare": [{"elements": ["nope"]}, {"elements": ["baseline"]}, {"x": 1}, [], "a",
                {"elements": [1]}, {"elements": {"a": 1}}, {"permanent": {}},
                {"permanent": []}, {"permanent": {"window_years": 2}},
                {"permanent": {"tolerance": NAN}}, {"permanent": {"extend_years": True}},
                {"permanent": {"max_extend_years": 10**30}},
                {"permanent": {"extend_years": "15"}}],
    "precision": [{"metric": "x", "half_width": 1}, {"metric": "offers", "half_width": 0},
                  {"metric": "offers", "half_width": -1}, {"metric": "offers"},
                  {"metric": "offers", "half_width": NAN},
                  {"metric": "gross_mio_kr", "half_width": 1},
                  {"metric": "offers", "half_width": 1, "year": 1999},
                  {"metric": "offers", "half_width": 1, "year": "last"},
                  {"metric": "offers", "half_width": 1, "max_replications": 1},
                  {"metric": "offers", "half_width": 1, "max_replications": True}, []],
    "cluster": [{"scheduler": "http://x"}, {"scheduler": ""}, {}, "tcp://x",
                {"scheduler": "tcp://x", "workers": 3}],
    "unknown_key": [1],
}


def schema_cases() -> Iterator[Case]:
    for name, values in FIELD_VALUES.items():
        for i, value in enumerate(values):
            yield Case(f"field-{name}-{i}", dump(with_fields(**{name: value})))
    for name in ("name", "start", "years", "scale", "seed"):
        yield Case(f"missing-{name}", dump({k: v for k, v in BASE.items() if k != name}))
    yield Case("compare-without-finance", dump(with_fields(
        scenarios={"baseline": {}, "reform": {"parameters": {
            "time_limits.dagpenge.max_weeks": 52}}},
        outputs=["stocks", "flows"], compare={"elements": ["reform"]})))


# -- policies ---------------------------------------------------------------------------
POLICY_VALUES: list[Any] = [
    "no_such_policy", 3, None, True, [], {"options": {}}, {"name": "dagpenge_period", "x": 1},
    {"name": "dagpenge_period", "options": {"wekes": 52}},
    {"name": "dagpenge_period", "options": {"weeks": 5}},
    {"name": "dagpenge_period", "options": {"weeks": "many"}},
    {"name": "dagpenge_period", "options": {"weeks": NAN}},
    {"name": "dagpenge_period", "options": {"effective": "0001-01-01"}},
    {"name": "dagpenge_period", "options": []},
    {"name": "dagpenge_period", "effective": "0001-01-01"},
    {"name": "dagpenge_period", "effective": "9999-12-31"},
    {"name": "dagpenge_period", "effective": 20260101},
    {"name": "dagpenge_period", "scope": "some"},
    {"name": "dagpenge_period", "phase_in": {0: 0.5}},
    {"name": "dagpenge_period", "phase_in": {10000: 1}},
    {"name": "dagpenge_period", "phase_in": {-5: 1}},
    {"name": "dagpenge_period", "phase_in": {2026: 1.5}},
    {"name": "dagpenge_period", "phase_in": {2026: NAN}},
    {"name": "dagpenge_period", "phase_in": {2026: True}},
    {"name": "dagpenge_period", "phase_in": [2026]},
    {"name": "eg_abolish_ressourceforloeb", "options": {"no_benefit": 0.9}},
]


def policy_cases() -> Iterator[Case]:
    for i, value in enumerate(POLICY_VALUES):
        yield Case(f"policy-{i}", dump(scenario(policies=["current_law_2024", value])))
    yield Case("policies-not-a-list", dump(scenario(policies="current_law_2024")))
    yield Case("policy-new-spells-start-only", dump(scenario(policies=[
        "current_law_2024", {"name": "dagpenge_period", "scope": "new_spells"}],
        parameters={"population.warmup_years": {"2024-07-01": 2}})))


# -- parameters: values outside the bounds declared beside them, wrong shapes -------------
def _numbers(value: Any, keys: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, (*keys, str(k)))
    elif isinstance(value, list):
        if value and all(isinstance(x, int | float) and not isinstance(x, bool)
                         for x in value):
            yield (*keys, "")  # a list of numbers: replaced whole
        else:
            for i, v in enumerate(value):
                yield from _numbers(v, (*keys, str(i)))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield keys


def _texts(value: Any, keys: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        yield keys
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, (*keys, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _texts(v, (*keys, i))


def _set(value: Any, keys: tuple[Any, ...], new: Any) -> None:
    for k in keys[:-1]:
        value = value[k]
    value[keys[-1]] = new


def parameter_cases() -> Iterator[Case]:
    tree = lawbook.base()
    for head, leaf in tree.leaves.items():
        value = leaf.values[-1].value
        positions = list(_numbers(value))
        for n, keys in enumerate(positions[:3]):  # the first numbers of each leaf
            whole_list = keys and keys[-1] == ""
            inner = keys[:-1] if whole_list else keys
            path = ".".join([head, *inner])
            match = leaf.match(tuple(inner) + (("0",) if whole_list else ()))
            bound = match[1] if match else None
            bad: list[Any] = [NAN, "text"]
            if bound is not None and math.isfinite(bound.low):
                bad.append(bound.low - 1)
            if bound is not None:
                bad.append(bound.high * 10 + 1)
            for j, v in enumerate(bad):
                if whole_list:
                    current = tree.value(path)
                    v = [v] * len(current)
                yield Case(f"param-{head}-{n}-{j}", dump(override(path, v)))
        if isinstance(value, dict):
            yield Case(f"param-{head}-shape", dump(override(head, {"not_a_key": 1})))
        yield Case(f"param-{head}-null", dump(override(head, None)))
    # every text of the law and the behaviour (a group, a kind, a scheme, a date) replaced
    # by one its leaf does not allow
    for head, leaf in tree.leaves.items():
        if leaf.unit == "rule":
            continue  # rule stacks: the rule-* cases below
        value = copy.deepcopy(leaf.values[-1].value)
        keys = next(_texts(value), None)
        if keys == ():
            value = "not_a_name"
        elif keys is not None:
            _set(value, keys, "not_a_name")
        if keys is not None:
            yield Case(f"text-{head}", dump(override(head, value)))
    yield Case("text-date", dump(override("time_limits.dagpenge.transition.begun_before",
                                          "2010-13-45")))
    # tables of shares must keep summing to 1
    yield Case("routes-sum", dump(override("rehabilitation.routes", {
        "ressourceforloeb": 0.9, "ledighedsydelse": 0.9, "foertidspension": 0.9})))
    yield Case("routes-one-key", dump(override("rehabilitation.routes.ressourceforloeb", 1.0)))
    yield Case("destinations-sum", dump(override("hazards.dagpenge.destinations.job", 0.99)))
    yield Case("age-distribution-sum", dump(override(
        "population.age_distribution.dagpenge", [0.5] * 6)))
    yield Case("breakpoints-strings", dump(override("hazards.breakpoints_weeks",
                                                    list("abcdefg"))))
    yield Case("breakpoints-length", dump(override("hazards.breakpoints_weeks", [0, 4])))
    yield Case("staircase-null", dump(override("refusion.staircase",
                                               {"4": None, "26": None, "52": None,
                                                "inf": None})))
    for i, rule in enumerate([["a"], [["a"]], {"a": 1}, [], "current_law", None]):
        yield Case(f"rule-{i}", dump(override("rules.time_limit", rule)))
    for i, (path, value) in enumerate([
            ("time_limits.dagpenge.max_weks", 52), ("", 1), ("time_limits", 1),
            ("time_limits.dagpenge.max_weeks.x", 1),
            ("time_limits.dagpenge.max_weeks", {"0001-01-01": 52}),
            ("time_limits.dagpenge.max_weeks", {"2024-02-30": 52}),
            ("time_limits.dagpenge.max_weeks", {"2030-01-01": "many"}),
            ("time_limits.dagpenge.max_weeks", {"2030-01-01": -5}),
            ("population.start_stock.dagpenge", 1e12),
            ("population.new_spells_per_year.dagpenge", INF),
            ("population.warmup_years", 1000)]):
        yield Case(f"override-{i}", dump(override(path, value)))


# -- YAML features ------------------------------------------------------------------------
HEAD = dump(BASE)


def _laughs(target: str) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 8):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n" + HEAD + target + "\n"


def yaml_cases() -> Iterator[Case]:
    tags = ["!!python/object/apply:os.system [ls]", "!!python/name:os.system",
            "!!set {a, b}", "!!binary aGVsbG8=", "!!timestamp 2024-01-01",
            "!!omap [{a: 1}]", "!!pairs [{a: 1}]", "!!float abc", "!!int 0xZZ",
            "!!int abc", "!!bool maybe", "!!null x", "!mytag 1", "!!str [1]",
            "9" * 5000, "!!int " + "9" * 5000, "!!float 1e99999"]
    for i, tag in enumerate(tags):
        for field in ("description", "seed", "scenarios"):
            yield Case(f"yaml-tag-{i}-{field}",
                       "\n".join(line for line in HEAD.splitlines()
                                 if not line.startswith(f"{field}:"))
                       + f"\n{field}: {tag}\n")
    for i, target in enumerate([
            "description: *a7", "unemployment: {2024: *a7}",
            "scenarios: {baseline: {policies: [current_law_2024, {name: dagpenge_period, "
            "options: {weeks: *a7}}]}}",
            "scenarios: {baseline: {parameters: {time_limits.dagpenge.max_weeks: *a7}}}",
            "compare: {elements: *a7}"]):
        yield Case(f"yaml-laughs-{i}", _laughs(target))
    yield Case("yaml-recursive-alias", HEAD + "scenarios: {baseline: {parameters: "
               "{time_limits.dagpenge.max_weeks: &x [*x]}}}\n")
    yield Case("yaml-recursive-map", HEAD + "description: &x {a: *x}\n")
    yield Case("yaml-undefined-alias", HEAD + "description: *nope\n")
    for depth in (40, 500, 5000):
        yield Case(f"yaml-deep-list-{depth}", HEAD + "description: " + "[" * depth
                   + "]" * depth + "\n")
        yield Case(f"yaml-deep-map-{depth}", HEAD + "description: " + "{a: " * depth
                   + "1" + "}" * depth + "\n")
    yield Case("yaml-deep-block", HEAD + "description:\n" + "".join(
        " " * i + "- \n" for i in range(0, 80, 2)))
    for i, dup in enumerate(["seed: 2", "'seed': 2", "unemployment: {2024: 3.0, '2024': 4.0}",
                             "scenarios: {b: {}, b: {}}", "unemployment: {2024: 3, 2024: 4}"]):
        yield Case(f"yaml-duplicate-{i}", HEAD + dup + "\n")
    yield Case("yaml-two-documents", HEAD + "---\n" + HEAD)
    yield Case("yaml-not-utf8", b"name: \xff\xfe\n")
    yield Case("yaml-nul", HEAD + "description: a\x00b\n")
    yield Case("yaml-tab-indent", HEAD + "scenarios:\n\tbaseline: {}\n")
    yield Case("yaml-unclosed", HEAD + "description: [1, 2\n")
    yield Case("yaml-top-list", "- 1\n- 2\n")
    yield Case("yaml-top-scalar", "hello\n")
    yield Case("yaml-empty", "")
    yield Case("yaml-comment-only", "# nothing\n")
    yield Case("yaml-big-file", HEAD + "# " + "x" * (1 << 20) + "\n")
    yield Case("yaml-many-values", HEAD + "description: [" + ", ".join(["1"] * 100_001)
               + "]\n")
    yield Case("yaml-merge-bad", HEAD + "scenarios: {baseline: {<<: 1}}\n")
    yield Case("yaml-complex-key", HEAD + "unemployment: {[2024]: 3.0}\n")


def all_cases() -> list[Case]:
    cases = [*schema_cases(), *policy_cases(), *parameter_cases(), *yaml_cases()]
    ids = [c.id for c in cases]
    assert len(set(ids)) == len(ids), "case ids must be unique"
    return cases


CASES = all_cases()


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 300, len(CASES)


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "experiment.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def assert_refused(code: int, err: str, out: Path, source: str) -> None:
    assert "Traceback" not in err, err
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {source}: "), lines[0]
    assert ": got " in lines[0] and "; allowed: " in lines[0], lines[0]
    assert not out.exists(), f"{out} was written"


class Accepted(Exception):
    """A hostile case passed every check and would have run."""


@pytest.fixture
def no_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop at the run itself: a case that passes every input check fails at once
    instead of simulating."""
    def accepted(*args: Any, **kwargs: Any) -> None:
        raise Accepted("the input was accepted")

    monkeypatch.setattr("sim.api.run", accepted)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file_is_refused(tmp_path: Path, case: Case, no_run: None,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, case.text)
    out = tmp_path / "out"
    code = main(["run", str(path), "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_refused(code, captured.err, out, str(path))


# -- command-line flags -------------------------------------------------------------------
FLAG_CASES: list[tuple[str, list[str]]] = [
    ("workers-0", ["--workers", "0"]), ("workers-negative", ["--workers", "-3"]),
    ("workers-huge", ["--workers", "100000"]), ("workers-text", ["--workers", "many"]),
    ("workers-float", ["--workers", "1.5"]), ("workers-empty", ["--workers", ""]),
    ("out-empty", ["--out", ""]), ("out-blank", ["--out", "  "]),
    ("unknown-flag", ["--fast"]), ("file-missing", ["--file-is-missing"]),
]


@pytest.mark.parametrize("case", FLAG_CASES, ids=[c[0] for c in FLAG_CASES])
def test_hostile_run_flag_is_refused(tmp_path: Path, case: tuple[str, list[str]], no_run: None,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, dump(BASE))
    out = tmp_path / "out"
    args = ["run", str(path), "--out", str(out), "--quiet"]
    flags = case[1]
    if flags[0] == "--out":
        args = ["run", str(path), *flags, "--quiet"]
    elif flags[0] == "--file-is-missing":
        args = ["run", str(tmp_path / "missing.yaml"), "--out", str(out)]
    else:
        args += flags
    with pytest.raises(SystemExit) as exit_:
        sys.exit(main(args))
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("error: "), err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["experiment.yaml"]


@pytest.mark.parametrize("width", ["-5", "0", "100000", "wide"])
def test_policies_width_is_bounded(width: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        sys.exit(main(["policies", "dagpenge_period", "--width", width]))
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err, err


# -- a few in a subprocess: the real exit status and stream, with a memory cap -----------
MEMORY_CAP = 3 << 30  # bytes of data segment; a runaway alias expansion would pass it


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_CAP, MEMORY_CAP))


SUBPROCESS = ["yaml-laughs-0", "yaml-laughs-3", "yaml-deep-list-5000", "yaml-big-file",
              "yaml-tag-0-description", "field-scale-4", "param-population.start_stock-0-3",
              "override-8", "routes-sum", "field-scenarios-4"]


@pytest.mark.parametrize("case_id", SUBPROCESS)
def test_hostile_file_in_a_subprocess(tmp_path: Path, case_id: str) -> None:
    case = next(c for c in CASES if c.id == case_id)
    path = _write(tmp_path, case.text)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "sim", "run", str(path), "--out", str(out)],
                            cwd=REPO, capture_output=True, text=True, timeout=300, env=env,
                            preexec_fn=_capped)
    assert_refused(result.returncode, result.stderr, out, str(path))
    assert result.stdout == ""


def test_a_valid_file_still_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The corpus's base file is valid: its cases fail for what they change."""
    path = _write(tmp_path, dump(with_fields(start=dt.date(2024, 1, 1).isoformat())))
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0, \
        capsys.readouterr().err


def test_a_parameter_file_with_an_undeclared_text_is_refused(tmp_path: Path) -> None:
    """A leaf holds texts only from its ``texts`` list: a law file whose leaf holds a text
    without one is refused when loaded, naming the file and the leaf."""
    from sim.errors import InputError
    from sim.parameters import ParameterTree

    (tmp_path / "law.yaml").write_text(
        "next_group:\n  unit: group\n  values:\n"
        "    2000-01-01: {value: jobafklaring, source: law}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ParameterTree.load([tmp_path])
    assert str(err.value) == (f"{tmp_path / 'law.yaml'}: law.next_group: got 'jobafklaring'; "
                              "allowed: a number")
    (tmp_path / "law.yaml").write_text(
        "next_group:\n  unit: group\n  texts: [groups]\n  values:\n"
        "    2000-01-01: {value: jobafklaring, source: law}\n", encoding="utf-8")
    assert ParameterTree.load([tmp_path]).value("law.next_group") == "jobafklaring"


def test_the_texts_of_the_law_files_are_the_engine_s() -> None:
    """The texts a law file allows are those the engine reads: the refusion schemes, the
    sanction kinds and what forhaling loses."""
    from sim.finance_law import SCHEMES
    from sim.process import FORHALING_LOSS, NO_SHOW_KINDS

    leaves = lawbook.base().leaves
    for path, words in (("finance.refusion_scheme", SCHEMES),
                        ("sanctions.kind_on_no_show", NO_SHOW_KINDS),
                        ("sanctions.forhaling", FORHALING_LOSS)):
        allowed = leaves[path].texts_at(())
        assert allowed is not None and allowed.words == set(words), path
