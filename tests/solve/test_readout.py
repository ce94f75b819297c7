"""The plan's figures read as one sparse matrix (:mod:`scheduler.solve.cpsat.readout`) equal
CP-SAT's own value of every expression, in both forms of the model and with carry-forward (where
spend per year is a rule's term), and on a hint read back without a solve."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scheduler.instances.generate import generate_yaml
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import load_scenario, load_scenario_text
from scheduler.solve.common import ClusterValues
from scheduler.solve.cpsat.backend import CpsatBackend
from scheduler.solve.options import SolveOptions
from scheduler.terms import from_model

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _cases() -> dict[str, Scenario]:
    return {
        "base (time-indexed)": load_scenario(SCENARIOS / "base.yaml"),
        "status-2025 (interval form, history)": load_scenario(SCENARIOS / "status-2025.yaml"),
        "carry-forward": load_scenario(SCENARIOS / "base.yaml", [("budget.carry_forward", "true")]),
        "generated 12": load_scenario_text(generate_yaml(12, 10, 3), "generated.yaml"),
    }


def _by_cp_sat(backend: CpsatBackend) -> dict[str, ClusterValues]:
    """Each cluster's figures as CP-SAT's ``value`` gives them, expression by expression."""
    solver, built = backend.solver, backend.built
    out = {}
    for cluster in backend.scenario.clusters:
        cv = built.clusters[cluster.id]
        phases = list(cv.phases.values())
        out[cluster.id] = ClusterValues(
            tuple(built.origin + solver.value(pv.start) for pv in phases),
            tuple(built.origin + solver.value(pv.end) for pv in phases),
            tuple(
                next(
                    m.option
                    for m, lit in zip(pv.modes, pv.chosen, strict=True)
                    if solver.value(lit)
                )
                for pv in phases
            ),
            tuple(solver.value(cv.late[system.name]) for system in cluster.legacy),
            {year: solver.value(cv.spend[year]) for year in cv.spend},
            {year: solver.value(n) for year, n in cv.tranches.items()},
        )
    return out


@pytest.mark.parametrize("name", list(_cases()))
def test_the_readout_equals_cp_sats_value_of_every_figure(name: str) -> None:
    scenario = _cases()[name]
    backend = CpsatBackend(scenario, SolveOptions(workers=1, deterministic=True), lambda: False)
    stage = scenario.objective.stages[0]
    result = backend.minimise(stage, 5.0)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    values = backend.values()
    assert dict(values.clusters) == _by_cp_sat(backend)
    built, solver = backend.built, backend.solver
    for term in scenario.objective.reported_terms:
        if term == "completion":  # the latest phase end (the variable is only bounded below)
            value = max(solver.value(cv.last_end) for cv in built.clusters.values())
        else:
            value = solver.value(built.term(term))
        assert values.terms[term] == from_model(term, value, built.origin)


def test_a_solution_array_reads_as_the_solver_does() -> None:
    """The same readout on the solver's solution given as an array (as the neighbourhood search
    hands its plans over) gives the same values."""
    scenario = load_scenario_text(generate_yaml(12, 10, 3), "generated.yaml")
    backend = CpsatBackend(scenario, SolveOptions(workers=1, deterministic=True), lambda: False)
    backend.minimise(scenario.objective.stages[0], 5.0)
    solved = backend.values()
    assert backend.readout is not None
    array = np.array(backend.solver.response_proto.solution, dtype=np.int64)
    assert backend.readout.values(array) == solved
