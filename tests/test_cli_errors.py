"""The CLI on bad experiment files: one line on stderr, status 2, nothing written.

Each case writes a small experiment into ``tmp_path``, runs
``python -m sim run FILE --out DIR`` in a subprocess and checks that stderr is exactly
``error: FILE: FIELD: got VALUE; allowed: WHAT`` on one line, that the exit status is 2,
that no traceback is printed and that DIR was not created.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]

MINIMAL: dict[str, Any] = {
    "name": "cli_errors",
    "start": dt.date(2024, 1, 1),
    "years": 1,
    "scale": 0.001,
    "seed": 1,
    "replications": 1,
}


def experiment(**fields: Any) -> dict[str, Any]:
    """The minimal valid experiment with ``fields`` set (or added)."""
    data = copy.deepcopy(MINIMAL)
    data.update(fields)
    return data


def baseline(**fields: Any) -> dict[str, Any]:
    """The minimal experiment with one scenario ``baseline`` made of ``fields``."""
    return experiment(scenarios={"baseline": fields})


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in MINIMAL.items() if k != key}


def sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


@dataclass(frozen=True)
class Case:
    """A bad experiment file and the error line it must give.

    ``content`` is a dict (dumped as YAML), a text, bytes, or None for no file at all.
    ``got`` is a fragment of what follows ``got `` (the value as the user wrote it);
    ``allowed`` are fragments of what follows ``allowed: ``.
    """

    id: str
    content: dict[str, Any] | str | bytes | None
    field: str
    got: str
    allowed: tuple[str, ...]


CASES = [
    # unknown keys, at every level of the file
    Case("unknown-top-level-key", experiment(replicatons=2), "replicatons", "'replicatons'",
         ("one of name, description, start, years, scale, seed, replications",)),
    Case("unknown-scenario-key", baseline(policy=["current_law_2024"]),
         "scenarios.baseline.policy", "'policy'",
         ("one of description, policies, parameters, unemployment",)),
    Case("unknown-policy-ref-key",
         baseline(policies=[{"name": "dagpenge_period", "option": {"weeks": 52}}]),
         "scenarios.baseline.policies[0].option", "'option'", ("one of name, options",)),
    # types, dates and ranges of the schema
    Case("wrong-type", experiment(years="ten"), "years", "'ten'",
         ("an integer at least 1 and at most 60",)),
    Case("impossible-date", dump(MINIMAL).replace("2024-01-01", "2024-02-30"), "start",
         "'2024-02-30'", ("a calendar date as YYYY-MM-DD", "day value is outside")),
    Case("scale-zero", experiment(scale=0), "scale", "0",
         ("a number at least 0.0001 and at most 1",)),
    Case("scale-above-one", experiment(scale=1.5), "scale", "1.5",
         ("a number at least 0.0001 and at most 1",)),
    Case("scale-negative", experiment(scale=-0.1), "scale", "-0.1",
         ("a number at least 0.0001 and at most 1",)),
    Case("replications-zero", experiment(replications=0), "replications", "0",
         ("an integer at least 1 and at most",)),
    Case("replications-fraction", experiment(replications=1.5), "replications", "1.5",
         ("an integer at least 1",)),
    Case("missing-field", without("seed"), "seed", "nothing", ("this field is required",)),
    Case("bad-experiment-name", experiment(name="my run"), "name", "'my run'",
         ("letters, digits, '_', '-' or '.'",)),
    Case("start-before-parameters", experiment(start=dt.date(1950, 1, 1)), "start",
         "'1950-01-01'", ("a date on or after",)),
    # policies
    Case("unknown-policy", baseline(policies=["current_law_2042"]),
         "scenarios.baseline.policies[0]", "'current_law_2042'",
         ("a registered policy: ", "current_law_2024", "dagpenge_period")),
    Case("policy-not-a-name", baseline(policies=[3]), "scenarios.baseline.policies[0]", "3",
         ("a registered policy name, or a mapping with name and options",)),
    Case("unknown-policy-option",
         baseline(policies=[{"name": "dagpenge_period", "options": {"wekes": 52}}]),
         "scenarios.baseline.policies[0].options.wekes", "'wekes'",
         ("one of weeks, effective",)),
    Case("invalid-policy-option",
         baseline(policies=[{"name": "dagpenge_period", "options": {"weeks": 5}}]),
         "scenarios.baseline.policies[0].options.weeks", "5",
         ("an integer at least 26 and at most 260",)),
    # parameter overrides
    Case("unknown-parameter-path",
         baseline(parameters={"time_limits.dagpenge.max_wekes": 52}),
         "scenarios.baseline.parameters.time_limits.dagpenge.max_wekes",
         "'time_limits.dagpenge.max_wekes'",
         ("a known parameter path, e.g. time_limits.dagpenge.max_weeks",)),
    Case("parameter-wrong-type",
         baseline(parameters={"time_limits.dagpenge.max_weeks": "many"}),
         "scenarios.baseline.parameters.time_limits.dagpenge.max_weeks", "'many'",
         ("a number",)),
    Case("dated-parameter-wrong-type",
         baseline(parameters={"time_limits.dagpenge.max_weeks": {"2024-07-01": "many"}}),
         "scenarios.baseline.parameters.time_limits.dagpenge.max_weeks", "'many'",
         ("a number",)),
    # the business cycle
    Case("unemployment-year-outside-run", experiment(unemployment={2030: 4.0}),
         "unemployment.2030", "2030", ("a year of the run, 2024",)),
    Case("unemployment-rate-out-of-range", experiment(unemployment={2024: 150.0}),
         "unemployment.2024", "150.0",
         ("a rate in percent, greater than 0 and less than 100",)),
    Case("scenario-unemployment-rate-negative", baseline(unemployment={2024: -1.0}),
         "scenarios.baseline.unemployment.2024", "-1.0",
         ("a rate in percent, greater than 0 and less than 100",)),
    Case("unemployment-rate-above-thinning-cap", experiment(unemployment={2024: 99.0}),
         "unemployment.2024", "99.0", ("a rate up to", "cycle.inflow_thinning_cap")),
    # outputs and scenario names
    Case("unknown-output-table", experiment(outputs=["stocks", "tables"]), "outputs[1]",
         "'tables'", ("'stocks', 'flows', 'headcounts', 'spells'", "'finance'")),
    Case("bad-scenario-name", experiment(scenarios={"my scenario!": {}}), "scenarios",
         "'my scenario!'", ("a scenario name of letters, digits, '_', '-' or '.'",)),
    Case("scenario-not-a-mapping", experiment(scenarios={"baseline": None}),
         "scenarios.baseline", "None", ("a mapping with keys from description, policies",)),
    # the file itself
    Case("missing-file", None, "file", "missing.yaml", ("an existing experiment file",)),
    Case("invalid-yaml", "name: cli_errors\nyears: [1\nscale: 0.001\n",
         "YAML at line 3, column 6", "expected ',' or ']'", ("valid YAML",)),
    Case("yaml-python-tag", dump(MINIMAL) + "description: !!python/object/apply:os.system [ls]\n",
         "YAML at line 7, column 14", "could not determine a constructor",
         ("valid YAML",)),
    Case("duplicate-key", dump(MINIMAL) + "seed: 2\n", "YAML at line 7, column 1", "'seed'",
         ("each key once in a mapping",)),
    Case("top-level-list", "- name: cli_errors\n- years: 1\n", "(top level)",
         "[{'name': 'cli_errors'}, {'years': 1}]", ("a mapping of experiment fields",)),
    Case("empty-file", "", "(top level)", "None", ("a mapping of experiment fields",)),
    Case("not-utf8", b"name: \xff\xfe\n", "file", "'UnicodeDecodeError'",
         ("a readable UTF-8 text file",)),
]


def _write(tmp_path: Path, content: dict[str, Any] | str | bytes | None) -> Path:
    path = tmp_path / ("missing.yaml" if content is None else "experiment.yaml")
    if isinstance(content, dict):
        path.write_text(dump(content), encoding="utf-8")
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    return path


def assert_one_line_error(result: subprocess.CompletedProcess[str], source: str, field: str,
                          got: str, allowed: tuple[str, ...]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), result.stderr
    line = lines[0]
    head = f"error: {source}: {field}: got "
    assert line.startswith(head), f"expected {head!r}..., got {line!r}"
    value, sep, what = line[len(head):].partition("; allowed: ")
    assert sep, line
    assert got in value, f"value {got!r} not in {line!r}"
    for fragment in allowed:
        assert fragment in what, f"allowed {fragment!r} not in {line!r}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_experiment_file(tmp_path: Path, case: Case) -> None:
    path = _write(tmp_path, case.content)
    out = tmp_path / "out"
    result = sim("run", str(path), "--out", str(out))
    assert_one_line_error(result, str(path), case.field, case.got, case.allowed)
    assert not out.exists()


def test_directory_instead_of_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = sim("run", str(tmp_path), "--out", str(out))
    assert_one_line_error(result, str(tmp_path), "file", repr(str(tmp_path)),
                          ("an existing experiment file",))
    assert not out.exists()


def test_out_is_a_file(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL)
    out = tmp_path / "out.txt"
    out.write_text("keep me\n", encoding="utf-8")
    result = sim("run", str(path), "--out", str(out))
    assert_one_line_error(result, str(out), "--out", repr(str(out)), ("a directory",))
    assert out.read_text(encoding="utf-8") == "keep me\n"


def test_valid_minimal_file_runs(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL)
    out = tmp_path / "out"
    result = sim("run", str(path), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in ("stocks.csv", "flows.csv", "manifest.json"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["experiment"]["name"] == MINIMAL["name"]


def test_schema_is_json() -> None:
    result = sim("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert "scenarios" in schema["properties"]
    assert "scenarios" in result.stdout


def test_policies_lists_current_law() -> None:
    result = sim("policies")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert "current_law_2024" in names


def test_unknown_policy_name_in_policies_verb() -> None:
    result = sim("policies", "no_such_policy")
    assert_one_line_error(result, "policies", "NAME", "'no_such_policy'",
                          ("one of ", "current_law_2024"))
