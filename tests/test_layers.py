"""The package's rooms and their one-way flow, read from the source (every import counts, those
under ``TYPE_CHECKING`` and inside functions too).

Layers, highest first; a module may import from its own room and from rooms below it, never above:

    cli -> report -> whatif, instances -> pipeline -> analysis, solve -> rules
        -> scenario, plan -> terms, units, errors

The front door (``scheduler/__init__.py``) and ``__main__`` may import anything. Solver packages
(ortools, pulp) are imported only inside ``solve/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scheduler"
LAYERS = (
    ("cli",),
    ("report",),
    ("whatif", "instances"),
    ("pipeline",),
    ("analysis", "solve"),
    ("rules",),
    ("scenario", "plan"),
    ("terms", "units", "errors"),
)
RANK = {room: rank for rank, rooms in enumerate(LAYERS) for room in rooms}
DOORS = {"scheduler", "scheduler.__main__"}
SOLVER_PACKAGES = ("ortools", "pulp")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


MODULES = {_module_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def _room(module: str) -> str:
    return module.split(".")[1]


def test_every_module_is_in_a_room():
    rooms = {_room(module) for module in MODULES if module not in DOORS}
    assert rooms <= set(RANK), f"modules outside the layers: {sorted(rooms - set(RANK))}"


def test_at_most_about_six_modules_at_the_top():
    top = [
        path.name
        for path in PACKAGE.glob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    ]
    assert len(top) <= 6, sorted(top)


@pytest.mark.parametrize("module", sorted(set(MODULES) - DOORS))
def test_imports_flow_down(module):
    upward = [
        name
        for name in MODULES[module]
        if name.startswith("scheduler.") and RANK[_room(name)] < RANK[_room(module)]
    ]
    assert not upward, f"{module} imports from a room above it: {upward}"


def test_no_import_cycle_between_modules():
    graph = nx.DiGraph()
    for module, names in MODULES.items():
        if module in DOORS:
            continue
        for name in names:
            target = name if name in MODULES else name.rpartition(".")[0]
            if target in MODULES and target not in DOORS and target != module:
                graph.add_edge(module, target)
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, f"import cycles: {cycles}"


def test_solver_packages_stay_inside_solve():
    leaks = {
        module: sorted(name for name in names if name.split(".")[0] in SOLVER_PACKAGES)
        for module, names in MODULES.items()
        if not module.startswith("scheduler.solve")
    }
    assert not {m: n for m, n in leaks.items() if n}


def test_the_check_does_not_import_a_solver():
    for module, names in MODULES.items():
        if module.startswith("scheduler.rules"):
            assert not [n for n in names if n.startswith("scheduler.solve")], module
