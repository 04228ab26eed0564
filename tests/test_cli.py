"""The command line as a new user meets it: the run summary, --version, the bundled
experiments and the policy catalogue."""

from __future__ import annotations

import pandas as pd

from sim.api import Results
from sim.cli import main, summary


def _stocks() -> pd.DataFrame:
    rows = []
    for scenario, level in (("baseline", 1000.0), ("reform", 500.0)):
        for rep in (0, 1):
            for year in (2024, 2025):
                rows.append((scenario, rep, year, "dagpenge", level + 100 * rep))
                rows.append((scenario, rep, year, "fleksjob", 10.0 * (rep + 1)))
    return pd.DataFrame(rows, columns=["scenario", "replication", "year", "group",
                                       "fulltime_persons"])


def test_summary_is_the_baseline_mean_over_replications_not_a_sum_over_scenarios():
    res = Results({"stocks": _stocks()}, {"user_scenarios": ["baseline", "reform"]})
    text = summary(res)
    head, *rows = text.splitlines()
    assert "baseline" in head and "mean of 2 replications" in head
    cells = {r.split()[0]: r.split()[1:] for r in rows[1:]}
    # baseline dagpenge: replications 1,000 and 1,100 -> 1,050 (the old summary printed
    # replication 0 summed over both scenarios: 1,500)
    assert cells["dagpenge"] == ["1,050", "1,050"]
    assert cells["fleksjob"] == ["15", "15"]
    assert cells["total"] == ["1,065", "1,065"]
    assert list(cells)[-1] == "total"


# -- policies: options, schema, use-site settings --------------------------------------------

def _policy_page(capsys, name: str, columns: int = 80) -> str:
    import os

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        assert main(["policies", name] if name else ["policies"]) == 0
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    return capsys.readouterr().out


def test_policies_name_lists_options_with_types_defaults_and_bounds(capsys):
    out = _policy_page(capsys, "dagpenge_period")
    assert "weeks: integer >= 26 and <= 260; default 104. Length of the dagpengeperiode" in out
    assert "effective: date (YYYY-MM-DD); default 2026-01-01" in out
    # The default (104 weeks) is current law: no "104 -> 104" change.
    assert "104 -> 104" not in out and "with the default options it changes nothing" in out
    out = _policy_page(capsys, "flat_refusion")
    assert "refusion.staircase.4 (parameter): 0.8 -> 0.5" in out


def test_policy_pages_are_wrapped_to_the_terminal(capsys):
    import policies

    for name in ["", *policies.registered()]:
        out = _policy_page(capsys, name, columns=80)
        long = [line for line in out.splitlines() if len(line) > 80 and " " in line.strip()]
        assert not long, (name, long[:2])


def test_schema_enumerates_policies_and_their_options():
    import policies
    from sim.experiment import json_schema

    schema = json_schema()
    defs = schema["$defs"]
    items = defs["Scenario"]["properties"]["policies"]["items"]["anyOf"]
    assert {"$ref": "#/$defs/PolicyName"} in items and {"$ref": "#/$defs/PolicyRef"} in items
    assert defs["PolicyName"]["enum"] == list(policies.registered())
    variants = {v["title"]: v for v in defs["PolicyRef"]["oneOf"]}
    assert set(variants) == set(policies.registered())
    dp = variants["dagpenge_period"]
    assert dp["properties"]["name"] == {"const": "dagpenge_period",
                                        "description": dp["properties"]["name"]["description"]}
    weeks = dp["properties"]["options"]["properties"]["weeks"]
    assert (weeks["type"], weeks["minimum"], weeks["maximum"], weeks["default"]) == \
        ("integer", 26, 260, 104)
    assert dp["properties"]["options"]["additionalProperties"] is False
    assert dp["additionalProperties"] is False and "effective" in dp["properties"]
    assert variants["flat_refusion"]["properties"]["options"]["properties"]["share"]


def _scenarios(policy) -> list[str]:
    import warnings

    from sim.experiment import validate
    from sim.scenario import SettingOverridden, scenarios

    exp = validate({"name": "x", "start": "2024-01-01", "years": 3, "scale": 0.01, "seed": 1,
                    "scenarios": {"baseline": {}, "reform": {
                        "policies": ["current_law_2024", policy]}}}, "x.yaml")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenarios(exp, "x.yaml")
    return [str(w.message) for w in caught if issubclass(w.category, SettingOverridden)]


def test_use_site_settings_that_a_policy_overrides_are_a_warning():
    [note] = _scenarios({"name": "eg_sanction_jobhjaelp", "effective": "2025-01-01"})
    assert note.startswith("x.yaml: scenarios.reform.policies[1]: effective 2025-01-01 is "
                           "overridden by eg_sanction_jobhjaelp's own phase-in")
    assert "nothing changes before 2026-01-01" in note
    [note] = _scenarios({"name": "dagpenge_period", "effective": "2025-01-01",
                         "options": {"weeks": 52}})
    assert "does not move the changes dagpenge_period dates itself (2026-01-01)" in note
    assert "set options: {effective: 2025-01-01}" in note
    notes = _scenarios({"name": "expert_group_2024", "effective": "2025-01-01"})
    assert len(notes) > 5 and all("members[" in n for n in notes)
    # Settings that apply as written, and none at all, are silent.
    assert _scenarios({"name": "dagpenge_period", "options": {
        "weeks": 52, "effective": "2025-01-01"}}) == []
    assert _scenarios({"name": "eg_sanction_jobhjaelp", "effective": "2025-01-01",
                       "phase_in": {2025: 1.0}}) == []
    assert _scenarios("expert_group_2024") == []


def test_the_cli_prints_the_warning_as_one_line_on_stderr(tmp_path, capsys):
    import yaml

    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump({
        "name": "w", "start": "2024-01-01", "years": 1, "scale": 0.001, "seed": 1,
        "outputs": ["stocks"], "scenarios": {"baseline": {}, "reform": {"policies": [
            "current_law_2024", {"name": "dagpenge_period", "effective": "2024-06-01",
                                 "options": {"weeks": 52}}]}}}), encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--workers", "1",
                 "--quiet"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if line.startswith("warning: ")] == [
        f"warning: {path}: scenarios.reform.policies[1]: effective 2024-06-01 does not move "
        "the changes dagpenge_period dates itself (2026-01-01); to move them, set options: "
        "{effective: 2024-06-01}"]
