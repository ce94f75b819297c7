"""Solution hints of the CP-SAT model: from a schedule (a warm start or the greedy plan), from a
solution, completed into a hint of every variable, and taken off and put back (the first stage
of a large model searches without the greedy plan, which the neighbourhood search starts from).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from ortools.sat.python import cp_model

from scheduler.rules.evaluate import ClusterDecision
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.cpsat.solving import SOLVED, solve_model
from scheduler.solve.cpsat.variables import Assignment
from scheduler.solve.options import SolveOptions

__all__ = [
    "complete_hint",
    "complete_hint_values",
    "hint_decisions",
    "hint_values",
    "latest_end",
    "restore_hint",
    "without_greedy_hint",
]


def complete_hint_values(model: cp_model.CpModel) -> np.ndarray | None:
    """The hint as a value per variable (an unhinted variable fixed by its domain at that
    value), if it gives every variable one; else ``None``."""
    proto = model.proto
    values = np.zeros(len(proto.variables), dtype=np.int64)
    hinted = np.zeros(len(proto.variables), dtype=bool)
    indices = np.array(proto.solution_hint.vars, dtype=np.int64)
    values[indices] = np.array(proto.solution_hint.values, dtype=np.int64)
    hinted[indices] = True
    for index in np.flatnonzero(~hinted).tolist():
        domain = list(proto.variables[index].domain)
        if domain[0] != domain[-1]:
            return None  # neither hinted nor fixed
        values[index] = domain[0]
    return values


def without_greedy_hint(model: cp_model.CpModel, drop: bool) -> tuple[list[int], list[int]] | None:
    """With ``drop``, take the hint off the model and return it (variables, values) for
    :func:`restore_hint`. On the first stage of a large model the hint is the greedy plan, which
    the neighbourhood search starts from; CP-SAT's own search started from it stays there
    (1,000 generated clusters, one worker, 60 s at load 4: the greedy £7.302bn throughout),
    while without it CP-SAT's LP-guided search finds and proves the optimum (£5.0796bn in 37 s)."""
    if not drop:
        return None
    hint = model.proto.solution_hint
    saved = (list(hint.vars), list(hint.values))
    model.clear_hints()
    return saved


def restore_hint(model: cp_model.CpModel, saved: tuple[list[int], list[int]]) -> None:
    hint = model.proto.solution_hint
    hint.vars.extend(saved[0])
    hint.values.extend(saved[1])


def latest_end(built: CpsatModel, decisions: Mapping[str, ClusterDecision]) -> int:
    """The last phase end of a schedule, in months from the horizon start."""
    latest = 0
    for cluster in built.scenario.clusters:
        decision = decisions[cluster.id]
        last = cluster.phases[-1]
        mode = next(m for m in last.modes if m.option == decision.options[-1])
        latest = max(latest, decision.phase_starts[-1] + mode.months - 1 - built.origin)
    return latest


def _hint_from_solution(built: CpsatModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable with its value in the solution just found."""
    hint_values(built, list(solver.response_proto.solution))


def hint_values(built: CpsatModel, solution: list[int]) -> None:
    """Hint every variable with its value in ``solution``."""
    built.model.clear_hints()
    hint = built.model.proto.solution_hint
    hint.vars.extend(range(len(solution)))
    hint.values.extend(solution)


def complete_hint(
    built: CpsatModel, options: SolveOptions, solver: cp_model.CpSolver, seconds: float
) -> float:
    """Turn a hint of the decisions into a hint of every variable (spend, releases, late months,
    ...): solve once with the hinted variables fixed and no presolve, which is quick because
    propagation alone settles the rest. A complete, feasible hint is CP-SAT's first solution.
    Returns the deterministic time used."""
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.cp_model_presolve = False
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = options.seed
    if options.deterministic:
        solver.parameters.max_deterministic_time = seconds
    else:
        solver.parameters.max_time_in_seconds = seconds
    status = solve_model(solver, built.model)
    if status in SOLVED:
        _hint_from_solution(built, solver)
    return solver.deterministic_time


def hint_decisions(built: CpsatModel, decisions: Mapping[str, ClusterDecision]) -> None:
    """Hint phase starts, option literals and assignment literals from a schedule (a warm start
    from an earlier plan, or the greedy schedule)."""
    for cluster_id, decision in decisions.items():
        cv = built.clusters.get(cluster_id)
        if cv is None or len(decision.phase_starts) != len(cv.phases):
            continue
        positions = []
        for pv, start, option in zip(
            cv.phases.values(), decision.phase_starts, decision.options, strict=True
        ):
            position = next((i for i, mode in enumerate(pv.modes) if mode.option == option), 0)
            positions.append(position)
            if built.time_indexed:
                continue  # phases are sums over the assignment literals, hinted below
            assert isinstance(pv.start, cp_model.IntVar)
            built.model.add_hint(pv.start, start - built.origin)
            if len(pv.modes) > 1:
                for i, literal in enumerate(pv.chosen):
                    assert isinstance(literal, cp_model.IntVar)
                    built.model.add_hint(literal, int(i == position))
        if cv.assignment is not None:
            _hint_assignment(built, cv.assignment, decision.entry - built.origin, positions)


def _hint_assignment(
    built: CpsatModel, assignment: Assignment, entry: int, positions: list[int]
) -> None:
    """Hint one cluster's assignment literals: 1 for (entry, its combination), 0 for the rest (in
    the literals' order, written to the hint at once)."""
    combo = tuple(positions)
    k = next((k for k, c in enumerate(assignment.combos) if c == combo), -1)
    values = ((assignment.entries == entry) & (assignment.combo_of == k)).astype(np.int64)
    hint = built.model.proto.solution_hint
    hint.vars.extend(assignment.index.tolist())
    hint.values.extend(values.tolist())
