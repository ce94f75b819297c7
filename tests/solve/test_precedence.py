"""The dependencies' month-by-month rows (:mod:`scheduler.solve.cpsat.precedence`).

They must hold for exactly the pairs of literals that keep the dependency (checked pair by pair
against the milestones' months on generated programmes), cut off no plan that keeps every rule
(every plan brute force enumerates on random tiny scenarios), change no optimum (brute force's;
CP-SAT's on 60 generated clusters) and raise the model's LP bound.
"""

from __future__ import annotations

import highspy
import numpy as np
import pytest
from bruteforce import feasible_plans
from hypothesis import HealthCheck, assume, given, settings
from ortools.sat.python import cp_model
from strategies import tiny_scenarios

from scheduler.instances.generate import generate_yaml
from scheduler.rules.evaluate import stage_value
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import load_scenario_text
from scheduler.solve.cpsat import lns
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.cpsat.precedence import add_dependencies_by_month, milestone_months
from scheduler.solve.highs import quiet_highs


def generated(clusters: int, years: int, seed: int) -> Scenario:
    return load_scenario_text(generate_yaml(clusters, years, seed), f"generated-{clusters}")


def _rows(proto, first: int) -> list[tuple[dict[int, int], int]]:
    """The linear rows from ``first`` on, as ({variable: coefficient}, upper bound)."""
    out = []
    for index in range(first, len(proto.constraints)):
        linear = proto.constraints[index].linear
        out.append((dict(zip(linear.vars, linear.coeffs, strict=True)), linear.domain[1]))
    return out


@pytest.mark.parametrize("programme", [(30, 10, 1), (40, 10, 5)], ids=str)
def test_rows_hold_for_exactly_the_pairs_that_keep_the_dependency(programme) -> None:
    """For every dependency of ``c`` on ``d`` and every pair of literals (one of each, the rest
    of both clusters 0), the rows over those two clusters all hold iff the milestones' months
    keep every dependency between them (``m_c - m_d >= offset``)."""
    sc = generated(*programme)
    built = CpsatModel(sc)
    assert built.time_indexed
    first = len(built.model.proto.constraints)
    assert add_dependencies_by_month(built) > 0
    rows = _rows(built.model.proto, first)
    pairs = {(c.id, dep.cluster) for c in sc.clusters for dep in c.depends_on}
    assert pairs
    for this_id, other_id in sorted(pairs):
        this_cv, other_cv = built.clusters[this_id], built.clusters[other_id]
        deps = [dep for dep in this_cv.cluster.depends_on if dep.cluster == other_id]
        this_vars, _ = milestone_months(this_cv, deps[0].this)
        other_vars, _ = milestone_months(other_cv, deps[0].milestone)
        mine = set(this_vars.tolist()) | set(other_vars.tolist())
        own = [(terms, upper) for terms, upper in rows if set(terms) <= mine]
        assert own
        coeff = np.array([[terms.get(v, 0) for v in this_vars.tolist()] for terms, _ in own])
        other_coeff = np.array([[terms.get(v, 0) for v in other_vars.tolist()] for terms, _ in own])
        upper = np.array([u for _, u in own])
        kept = np.ones((len(this_vars), len(other_vars)), dtype=bool)
        for dep in deps:
            _, this_month = milestone_months(this_cv, dep.this)
            _, other_month = milestone_months(other_cv, dep.milestone)
            kept &= this_month[:, None] - other_month[None, :] >= dep.offset
        # activity of every row for every pair (i, j): coeff[:, i] + other_coeff[:, j]
        activity = coeff[:, :, None] + other_coeff[:, None, :]
        holds = (activity <= upper[:, None, None]).all(axis=0)
        assert (holds == kept).all(), (this_id, other_id)


def _literals_of(built: CpsatModel, decisions) -> set[int]:
    """The assignment literal (variable index) each cluster's decision sets true."""
    true = set()
    for cid, decision in decisions.items():
        cv = built.clusters[cid]
        assert cv.assignment is not None
        positions = tuple(
            next(i for i, mode in enumerate(pv.modes) if mode.option == option)
            for pv, option in zip(cv.phases.values(), decision.options, strict=True)
        )
        k = cv.assignment.combos.index(positions)
        true.add(cv.assignment.literals[(decision.entry - built.origin, k)].index)
    return true


HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much]


@settings(max_examples=60, deadline=None, suppress_health_check=HEALTH)
@given(sc=tiny_scenarios())
def test_rows_cut_off_no_plan_and_keep_the_brute_force_optimum(sc) -> None:
    """Every plan brute force finds feasible (all rules kept, :func:`evaluate`) keeps every row
    (the rows are valid inequalities), and CP-SAT's optimum of the first stage with them is
    brute force's."""
    assume(any(c.depends_on for c in sc.clusters))
    built = CpsatModel(sc)
    assume(built.time_indexed)
    first = len(built.model.proto.constraints)
    add_dependencies_by_month(built)
    rows = _rows(built.model.proto, first)
    try:
        plans = [(decisions, e) for decisions, e in feasible_plans(sc)]
    except ValueError:  # too many combinations to enumerate
        assume(False)
    for decisions, _ in plans:
        true = _literals_of(built, decisions)
        for terms, upper in rows:
            assert sum(c for v, c in terms.items() if v in true) <= upper
    stage = sc.objective.stages[0]
    if not plans or any(name == "completion" for name, _ in stage):
        return  # completion is counted from the horizon start in the model, not in a plan
    built.model.minimize(built.stage(stage))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    best = min(stage_value(stage, e.objective) for _, e in plans)
    assert round(solver.objective_value) == best


def _lp_value(built: CpsatModel) -> float:
    """The LP relaxation of the model's rows (each variable within its domain's bounds), solved
    by HiGHS: the objective without its constant."""
    rows = lns.read_rows(built.model)
    assert rows is not None
    order = np.argsort(rows.row_of, kind="stable")
    starts = np.searchsorted(rows.row_of[order], np.arange(len(rows.domains) + 1))
    big = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(rows.var_domains), len(rows.domains)
    cost = np.zeros(lp.num_col_)
    np.add.at(cost, rows.objective_vars, rows.objective_coefs.astype(float))
    lp.col_cost_ = cost
    lp.col_lower_ = rows.var_low.astype(float)
    lp.col_upper_ = rows.var_high.astype(float)
    lp.row_lower_ = np.array([d[0] if d[0] > -(2**62) else -big for d in rows.domains], float)
    lp.row_upper_ = np.array([d[-1] if d[-1] < 2**62 else big for d in rows.domains], float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = rows.var_of[order].astype(np.int32)
    lp.a_matrix_.value_ = rows.coef_of[order].astype(float)
    highs = quiet_highs()
    highs.passModel(lp)
    highs.run()
    assert highs.modelStatusToString(highs.getModelStatus()) == "Optimal"
    return highs.getInfo().objective_function_value


@pytest.mark.slow
def test_rows_change_no_optimum_and_raise_the_lp_bound() -> None:
    """Generated 60 clusters: CP-SAT proves the same first-stage optimum with and without the
    rows, and the model's LP relaxation with them is higher (most of the gap closed) and never
    above the optimum."""
    sc = generated(60, 10, 1)
    stage = sc.objective.stages[0]
    results = {}
    for strong in (False, True):
        built = CpsatModel(sc)
        if strong:
            add_dependencies_by_month(built)
        built.model.minimize(built.stage(stage))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 2
        solver.parameters.cp_model_presolve = False
        solver.parameters.max_time_in_seconds = 60
        assert solver.solve(built.model) == cp_model.OPTIMAL
        offset = built.model.proto.objective.offset
        results[strong] = (solver.objective_value - offset, _lp_value(built))
    (plain, plain_lp), (value, lp) = results[False], results[True]
    assert value == plain
    assert plain_lp < lp <= value + 1e-6 * value
    assert value - lp < (value - plain_lp) / 2
