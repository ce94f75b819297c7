"""The time-indexed form of the CP-SAT model and the LP bound of the same relaxation.

The time-indexed form (every rule over the assignment literals, no intervals) must give the same
plans' objective as the interval form on the same scenario, and the LP bound must never exceed
the proven optimum of the stage it bounds.
"""

from __future__ import annotations

import pytest

from scheduler.instances.generate import generate_yaml
from scheduler.pipeline import solve
from scheduler.scenario.data import Scenario
from scheduler.scenario.load import load_scenario_text
from scheduler.solve.cpsat import timeindexed
from scheduler.solve.cpsat.lpbound import applicable, lp_bound
from scheduler.solve.cpsat.model import CpsatModel
from scheduler.solve.options import SolveOptions

OPTIONS = SolveOptions(time_limit=60, workers=2, deterministic=True)
# (clusters, years, seed): caps, hard deadlines, dependencies, stagger and entries per year
PROGRAMMES = [(3, 6, 1), (5, 6, 2), (6, 7, 3)]


def generated(clusters: int, years: int, seed: int) -> Scenario:
    return load_scenario_text(generate_yaml(clusters, years, seed), f"generated-{clusters}")


@pytest.mark.parametrize("programme", PROGRAMMES, ids=str)
def test_same_optimum_as_the_interval_form(programme, monkeypatch) -> None:
    sc = generated(*programme)
    built = CpsatModel(sc)
    assert built.time_indexed
    constraints = built.model.proto.constraints
    assert not any(
        c.has_interval() or c.has_cumulative() or c.has_no_overlap() for c in constraints
    )
    assert not any(c.has_lin_max() for c in constraints)  # completion is bounded, not a max
    fast = solve(sc, OPTIONS).plan
    monkeypatch.setattr(timeindexed, "MAX_PAIRS", 0)
    assert not CpsatModel(sc).time_indexed
    slow = solve(sc, OPTIONS).plan
    assert fast.status == slow.status == "optimal"
    assert fast.objective == slow.objective


def test_relaxable_model_keeps_the_interval_form() -> None:
    """Infeasibility explanations guard each rule group by a literal, on the interval form."""
    assert not CpsatModel(generated(3, 6, 1), relaxable=True).time_indexed


@pytest.mark.parametrize("programme", PROGRAMMES, ids=str)
def test_lp_bound_is_below_the_optimum(programme) -> None:
    sc = generated(*programme)
    outcome = solve(sc, OPTIONS)
    plan, stats = outcome.plan, outcome.stats
    assert plan.status == "optimal"
    for report in stats.stages:
        if not applicable(sc, report.terms):
            continue
        found = lp_bound(sc, report.terms, 30.0)
        assert found is not None and found.lp_status == "Optimal"
        assert found.bound <= report.value
        trivial = _cheapest_per_cluster(sc, report.terms)
        assert found.bound >= trivial


def _cheapest_per_cluster(sc: Scenario, stage) -> int:
    """The sum of each cluster's cheapest admissible column: the bound with every rule across
    clusters dropped, which the safe LP bound can only improve on."""
    from scheduler.solve.cpsat import lpbound

    total = 0
    blocks = lpbound._blocks(sc)
    for cluster in sc.clusters:
        costs = [
            lpbound._stage_cost(sc, block, stage).min()
            for block in blocks
            if block.cluster.id == cluster.id and len(block.entries)
        ]
        total += int(min(costs))
    return total


def test_lp_bound_not_for_completion() -> None:
    assert lp_bound(generated(3, 6, 1), (("completion", 1),), 5.0) is None


def _capacity_rows_in_python(built) -> None:
    """The capacity rows by their definition, one Python term at a time (the reference for the
    numpy build): ``sum units[c,k,j,t-e] x[c,e,k] <= cap[j]`` for each supplier ``j`` and month
    ``t`` where the clusters' most units at ``t``, summed, exceed ``cap[j]``."""
    usage: dict = {}
    for cid, cv in built.clusters.items():
        phases = list(cv.phases.values())
        for (e, k), literal in cv.assignment.literals.items():
            for index, pv in enumerate(phases):
                mode = pv.modes[cv.assignment.combos[k][index]]
                start = e + cv.assignment.offsets[k][index]
                for supplier_id, units in mode.uses:
                    for t in range(start, start + mode.months):
                        row = usage.setdefault((supplier_id, t), {}).setdefault(cid, {})
                        row[literal] = row.get(literal, 0) + units
    for (supplier_id, _), per_cluster in sorted(usage.items()):
        capacity = built.scenario.supplier(supplier_id).capacity
        if sum(max(row.values()) for row in per_cluster.values()) <= capacity:
            continue
        pairs = [(lit, units) for row in per_cluster.values() for lit, units in row.items()]
        built.model.add(sum(units * lit for lit, units in pairs) <= capacity)


@pytest.mark.parametrize("programme", [(3, 6, 1), (10, 10, 1), (40, 10, 4)], ids=str)
def test_capacity_rows_as_defined(programme, monkeypatch) -> None:
    """The numpy build of the capacity rows writes the same model as the definition, row for row
    and term for term."""
    from scheduler.solve.cpsat import model as cpsat_model

    sc = generated(*programme)
    fast = CpsatModel(sc)
    monkeypatch.setattr(cpsat_model, "add_capacity_by_month", _capacity_rows_in_python)
    reference = CpsatModel(sc)
    monkeypatch.setattr(cpsat_model, "add_capacity_by_month", lambda built: None)
    uncapped = CpsatModel(sc)
    assert fast.time_indexed
    # capacity binds somewhere in each of these programmes
    assert len(fast.model.proto.constraints) > len(uncapped.model.proto.constraints)
    assert str(fast.model.proto) == str(reference.model.proto)


def _admissible_by_month(sc: Scenario, cluster, month: int, modes) -> bool:
    """Each rule of the cluster alone, checked for one entry month."""
    if cluster.earliest_entry is not None and month < cluster.earliest_entry:
        return False
    if cluster.latest_entry is not None and month > cluster.latest_entry:
        return False
    if cluster.fixed_entry is not None and month != cluster.fixed_entry:
        return False
    at, ends = month, {}
    for phase_, mode in zip(cluster.phases, modes, strict=True):
        for supplier_id, _ in mode.uses:
            supplier = sc.supplier(supplier_id)
            if supplier.available_from is not None and at < supplier.available_from:
                return False
            if supplier.available_to is not None and at + mode.months - 1 > supplier.available_to:
                return False
        ends[phase_.id] = at + mode.months - 1
        at += mode.months
    if sc.policy.deadline is not None and at - 1 > sc.policy.deadline:
        return False
    return all(
        legacy.hard_deadline is None or ends[legacy.replaced_by] <= legacy.hard_deadline
        for legacy in cluster.legacy
    )


def test_admissible_range_is_each_rule_month_by_month() -> None:
    """The range of admissible entries is exactly the months that break no rule of the cluster
    alone: entry bounds, a fixed entry, supplier windows, the programme deadline and hard legacy
    deadlines, each on its own and together."""
    import itertools

    from builders import cluster, m, phase, scenario

    from scheduler.scenario.data import Legacy, Policy, Supplier
    from scheduler.solve.cpsat.assign import admissible_range

    suppliers = (
        Supplier("early", "early", 1, available_to=m("2025-09")),
        Supplier("late", "late", 1, available_from=m("2024-10")),
    )
    options = [(3, 10, {"early": 1}), (5, 12, {"late": 1}), (2, 20, None)]
    clusters = [
        cluster("free", phase("a", 2), phase("b", options=options)),
        cluster("bounded", phase("a", 2), phase("b", options=options),
                earliest_entry="2024-07", latest_entry="2025-06"),
        cluster("fixed", phase("a", 2), phase("b", options=options), fixed_entry="2024-11"),
        cluster("too late", phase("a", 2), phase("b", options=options), fixed_entry="2025-11"),
        cluster("legacy", phase("a", 2, uses={"late": 1}), phase("b", options=options),
                legacy=(Legacy("old", m("2025-01"), "b", 1000, m("2025-08")),)),
    ]  # fmt: skip
    sc = scenario(*clusters, suppliers=suppliers, policy=Policy(deadline=m("2025-12")))
    seen = set()
    for c in sc.clusters:
        for modes in itertools.product(*(p.modes for p in c.phases)):
            lo, hi = admissible_range(sc, c, modes)
            months = range(sc.horizon.start - 24, sc.horizon.end + 24)
            expected = [t for t in months if _admissible_by_month(sc, c, t, modes)]
            assert [t for t in months if lo <= t <= hi] == expected
            seen.add(bool(expected))
    assert seen == {True, False}  # some combinations admit entries, some none
