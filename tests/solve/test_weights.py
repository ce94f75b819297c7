"""Weighted objectives of any whole weights solve, pass their own check and report each term's
proven bound in the term's units (issue 14.2: ``weights: {delivery_cost: 2}`` used to fail its
check with a bound of twice the value)."""

from __future__ import annotations

import dataclasses

import pytest
from cases import waits

from scheduler.pipeline import solve
from scheduler.scenario.data import Objective
from scheduler.solve.options import SolveOptions
from scheduler.terms import OBJECTIVE_TERMS

OPTIONS = SolveOptions(time_limit=20, workers=1, deterministic=True)


@pytest.mark.parametrize("term", OBJECTIVE_TERMS)
def test_a_single_weighted_term_solves_to_the_unweighted_optimum_with_its_bound(solver, term):
    base = waits()
    weighted = dataclasses.replace(base, objective=Objective((term,), ((term, 3),)))
    plain = dataclasses.replace(base, objective=Objective((term,)))
    plan = solve(weighted, OPTIONS, solver).plan  # the pipeline re-checks it
    assert plan.status == "optimal"
    assert plan.objective[term] == solve(plain, OPTIONS, solver).plan.objective[term]
    assert plan.bounds == {term: plan.objective[term]}


def test_several_weighted_terms_report_the_weighted_bound_in_plan_units(solver):
    weights = (("late_months", 2), ("completion", 5))
    sc = dataclasses.replace(waits(), objective=Objective(("late_months", "completion"), weights))
    plan = solve(sc, OPTIONS, solver).plan
    assert plan.status == "optimal"
    assert plan.bounds == {"weighted": sum(w * plan.objective[t] for t, w in weights)}
