"""The dependencies month by month (:mod:`scheduler.solve.cpsat.precedence`) in the LP bound
(:mod:`scheduler.solve.cpsat.lpbound`).

The rows must hold for exactly the pairs of columns that keep the dependency (checked pair by
pair against the milestones' months), every row of the relaxation must hold for every plan that
keeps every rule (every plan brute force enumerates on random tiny scenarios), so the bound is
never above an optimum (brute force's; CP-SAT's on 60 generated clusters), and the rows raise it.
"""

from __future__ import annotations

import numpy as np
import pytest
from bruteforce import feasible_plans
from hypothesis import HealthCheck, assume, given, settings
from strategies import tiny_scenarios

from scheduler.instances.generate import generate_yaml
from scheduler.pipeline import solve
from scheduler.rules.evaluate import stage_value
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import load_scenario_text
from scheduler.solve.cpsat import lpbound
from scheduler.solve.cpsat.precedence import dependency_rows
from scheduler.solve.options import SolveOptions


def generated(clusters: int, years: int, seed: int) -> Scenario:
    return load_scenario_text(generate_yaml(clusters, years, seed), f"generated-{clusters}")


@pytest.mark.parametrize("programme", [(30, 10, 1), (40, 10, 5)], ids=str)
def test_rows_hold_for_exactly_the_pairs_that_keep_the_dependency(programme) -> None:
    """For every dependency of ``c`` on ``d`` and every pair of columns (one of each cluster at
    1, the rest of both at 0), its rows all hold iff ``m_c - m_d >= offset``."""
    sc = generated(*programme)
    blocks = lpbound._blocks(sc)
    by_cluster: dict[str, list] = {}
    for block in blocks:
        by_cluster.setdefault(block.cluster.id, []).append(block)
    checked = 0
    for c in sc.clusters:
        for dep in c.depends_on:
            this_cols, this_month = lpbound._milestones(by_cluster[c.id], dep.this)
            other_cols, other_month = lpbound._milestones(by_cluster[dep.cluster], dep.milestone)
            rows = list(dependency_rows(this_cols, this_month, other_cols, other_month, dep.offset))
            keeps = this_month[:, None] - other_month[None, :] >= dep.offset
            if keeps.all():
                assert not rows  # nothing to say: every pair keeps it
                continue
            this_at = {col: i for i, col in enumerate(this_cols.tolist())}
            other_at = {col: j for j, col in enumerate(other_cols.tolist())}
            holds = np.ones_like(keeps)
            for cols, vals, upper in rows:
                mine = np.zeros(len(this_cols))
                theirs = np.zeros(len(other_cols))
                for col, val in zip(cols.tolist(), vals.tolist(), strict=True):
                    if col in this_at:
                        mine[this_at[col]] += val
                    else:
                        theirs[other_at[col]] += val
                holds &= mine[:, None] + theirs[None, :] <= upper + 1e-9
            assert (holds == keeps).all(), (c.id, dep)
            checked += 1
    assert checked


def _columns(sc: Scenario, blocks, decisions) -> np.ndarray:
    """The 0/1 column vector of a plan: each cluster's (entry, options) column at 1."""
    x = np.zeros(sum(len(b.entries) for b in blocks))
    origin = sc.horizon.start
    for block in blocks:
        decision = decisions[block.cluster.id]
        options = tuple(mode.option for mode in block.modes)
        if options != tuple(decision.options):
            continue
        at = np.flatnonzero(block.entries == decision.entry - origin)
        assert len(at) == 1, "a plan's entry is an admissible column"
        x[block.first + at[0]] = 1
    assert x.sum() == len(sc.clusters)
    return x


HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much]


@settings(max_examples=60, deadline=None, suppress_health_check=HEALTH)
@given(sc=tiny_scenarios())
def test_every_plan_keeps_every_row_and_the_bound_is_below_the_optimum(sc) -> None:
    """Every plan brute force finds feasible keeps every row of the relaxation, with the
    dependencies month by month; so the LP bound of a linear first stage is at most brute
    force's optimum."""
    assume(any(c.depends_on for c in sc.clusters))
    assume(sc.budget is None or not sc.budget.carry_forward)
    assume(all(map(lpbound.eligible, sc.clusters)))
    try:
        plans = [(decisions, e) for decisions, e in feasible_plans(sc)]
    except ValueError:  # too many combinations to enumerate
        assume(False)
    blocks = lpbound._blocks(sc)
    rows = lpbound._Rows()
    lpbound._one_per_cluster(sc, blocks, rows)
    lpbound._capacity(sc, blocks, rows)
    lpbound._stagger_and_years(sc, blocks, rows)
    lpbound._dependencies(sc, blocks, rows)
    lpbound._caps(sc, blocks, rows)
    for decisions, _ in plans:
        x = _columns(sc, blocks, decisions)
        for cols, vals, lower, upper in zip(
            rows.cols, rows.vals, rows.lower, rows.upper, strict=True
        ):
            activity = float(np.dot(vals, x[cols]))
            assert lower - 1e-9 <= activity <= upper + 1e-9
    stage = sc.objective.stages[0]
    if plans and lpbound.applicable(sc, stage):
        found = lpbound.lp_bound(sc, stage, 10.0)
        assert found is not None
        assert found.bound <= min(stage_value(stage, e.objective) for _, e in plans)


@pytest.mark.slow
def test_rows_raise_the_lp_bound_and_keep_it_below_the_optimum(monkeypatch) -> None:
    """Generated 60 clusters: the LP bound with the rows is at most CP-SAT's proven optimum of
    the first stage and closes more than half of the plain LP's gap to it."""
    sc = generated(60, 10, 1)
    stage = sc.objective.stages[0]
    plan = solve(sc, SolveOptions(time_limit=60, workers=2)).plan
    assert plan.status == "optimal"
    optimum = stage_value(stage, plan.objective)
    strong = lpbound.lp_bound(sc, stage, 30.0)
    monkeypatch.setattr(lpbound, "dependency_rows", lambda *args: iter(()))
    plain = lpbound.lp_bound(sc, stage, 30.0)
    assert strong is not None and plain is not None
    assert strong.lp_status == plain.lp_status == "Optimal"
    assert plain.bound < strong.bound <= optimum
    assert optimum - strong.bound < (optimum - plain.bound) / 2
