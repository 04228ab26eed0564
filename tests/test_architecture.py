"""The import graph flows one way (ARCHITECTURE.md): no circles, and no module imports
from a layer above its own. Function-level imports count too: they are how circles
used to hide."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "policies", "calibration")

# The layers in data-flow order; a module may import from its own layer and those before.
LAYERS: list[tuple[str, set[str]]] = [
    ("vocabulary", {"sim.kernel", "sim.errors", "sim.clock", "sim.groups", "sim.random",
                    "sim.brackets", "sim.benefits", "sim.parameters", "sim.lawbook", "sim.rules",
                    "sim.output", "sim.html"}),
    ("engine", {"sim.hazards", "sim.citizen", "sim.population", "sim.process", "sim.spell",
                "sim.law", "sim.ledger", "sim.model"}),
    ("money and tables", {"sim.finance_law", "sim.intervals", "sim.cost_keys",
                          "sim.cost_items", "sim.cost_records", "sim.schemes", "sim.finance",
                          "sim.path_cost", "sim.jobpraemie", "sim.results",
                          "sim.convention"}),
    ("the law", {"policies", "policies.registry", "policies.current_law", "policies.rules",
                 "policies.catalogue", "policies.expert_group", "policies.financing",
                 "policies.historical"}),
    ("scenarios", {"sim.experiment", "sim.scenario"}),
    ("runs", {"sim.alignment", "sim.runner"}),
    ("comparison and report", {"sim.stats", "sim.revenue", "sim.compare", "sim.report"}),
    ("faces", {"sim", "sim.api", "sim.cli", "sim.__main__"}),
    ("calibration", {"calibration", "calibration.targets", "calibration.durations",
                     "calibration.report", "calibration.fit", "calibration.backtest",
                     "calibration.spending", "calibration.effort",
                     "calibration.reentry_pool", "calibration.hk5",
                     "calibration.activation_split"}),
]
LAYER_OF = {m: i for i, (_, mods) in enumerate(LAYERS) for m in mods}
# The law may use only the vocabulary: it never reaches into the engine.
LAW_MAY_IMPORT = {"vocabulary", "the law"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((REPO / pkg).glob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The project modules ``path`` imports, at any depth of its code."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from sim import lawbook`` imports the module sim.lawbook, not the package.
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                name = sub if sub in known else node.module
                if name in known:
                    out.add(name)
    return out


GRAPH = {m: imports_of(p, set(modules())) - {m} for m, p in modules().items()}


def test_every_module_has_a_layer():
    assert set(GRAPH) - set(LAYER_OF) == set()


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down_the_layers(module):
    own = LAYER_OF[module]
    up = {m for m in GRAPH[module] if LAYER_OF[m] > own}
    assert not up, f"{module} ({LAYERS[own][0]}) imports from above: {sorted(up)}"
    if LAYERS[own][0] == "the law":
        beyond = {m for m in GRAPH[module] if LAYERS[LAYER_OF[m]][0] not in LAW_MAY_IMPORT}
        assert not beyond, f"{module} reaches into the engine: {sorted(beyond)}"


def test_the_import_graph_has_no_circles():
    order, state = [], {}

    def visit(m: str, path: list[str]) -> None:
        if state.get(m) == "done":
            return
        assert state.get(m) != "open", "import circle: " + " -> ".join(path + [m])
        state[m] = "open"
        for n in sorted(GRAPH[m]):
            visit(n, path + [m])
        state[m] = "done"
        order.append(m)

    for m in sorted(GRAPH):
        visit(m, [])
    assert len(order) == len(GRAPH)


def test_the_engine_runs_without_the_calibration_package():
    """sim imports calibration only at the calibrate and backtest verbs' entry points."""
    importers = {m for m, deps in GRAPH.items() if m.startswith("sim")
                 and any(d.startswith("calibration") for d in deps)}
    assert importers == set()


@pytest.mark.parametrize("first", ["policies", "sim.clock", "calibration", "sim"])
def test_any_package_imports_first_in_a_fresh_interpreter(first):
    """The static graph has no circle; neither may the packages' own imports at run time
    (``sim`` loads its runner only when ``sim.run`` is first used)."""
    import subprocess
    import sys

    code = f"import {first}; import policies, sim; sim.run; sim.compare; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
