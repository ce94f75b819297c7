"""Validation on the data: a scenario built or changed in Python gets the loader's problems (the
same messages), by key path on the dataclasses instead of file and line."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import cluster, phase, scenario

from scheduler.errors import ScenarioError
from scheduler.pipeline import solve
from scheduler.scenario.data import Dependency, Milestone, Objective, Policy, Scenario, Supplier
from scheduler.scenario.load import load_scenario
from scheduler.scenario.validate import DATA_ORIGIN, infeasibilities, validate
from scheduler.solve.options import SolveOptions
from scheduler.units import parse_month

BASE = "scenarios/base.yaml"


@pytest.fixture(scope="module")
def base() -> Scenario:
    return load_scenario(BASE)


def _cluster(sc: Scenario, cid: str, **changes) -> Scenario:
    clusters = tuple(replace(c, **changes) if c.id == cid else c for c in sc.clusters)
    return replace(sc, clusters=clusters)


def _mode(sc: Scenario, cid: str, pid: str, index: int, **changes) -> Scenario:
    c = sc.cluster(cid)
    phases = tuple(
        replace(
            p,
            modes=tuple(
                replace(mo, **changes) if i == index else mo for i, mo in enumerate(p.modes)
            ),
        )
        if p.id == pid
        else p
        for p in c.phases
    )
    return _cluster(sc, cid, phases=phases)


def _supplier(sc: Scenario, sid: str, **changes) -> Scenario:
    suppliers = tuple(replace(s, **changes) if s.id == sid else s for s in sc.suppliers)
    return replace(sc, suppliers=suppliers)


def _dependency(sc: Scenario, cid: str, **changes) -> Scenario:
    c = sc.cluster(cid)
    return _cluster(sc, cid, depends_on=(replace(c.depends_on[0], **changes),))


def _messages(problems) -> set[str]:
    return {problem.message for problem in problems}


def _loader_messages(overrides: list[tuple[str, str]]) -> set[str]:
    """The loader's problems, or for a valid file that is certainly infeasible (the static
    cases) what its static checks found."""
    try:
        scenario = load_scenario(BASE, overrides)
    except ScenarioError as error:
        return _messages(error.problems)
    return _messages(infeasibilities(scenario))


# (what, the change in Python, the same change as --set, the data key path of the problem)
CASES = [
    (
        "unknown supplier",
        lambda s: _mode(s, "synergy", "tender", 0, uses=(("erp-markt", 1),)),
        [("clusters.synergy.phases.tender.uses", "[erp-markt]")],
        "clusters[2].phases[0].modes[0].uses",
    ),
    (
        "over capacity",
        lambda s: _supplier(s, "integrators", capacity=1),
        [("suppliers.integrators.capacity", "1")],
        "clusters[2].phases[1].modes[1].uses",
    ),
    (
        "unknown cluster",
        lambda s: _dependency(s, "defence", cluster="overseaz"),
        [("clusters.defence.depends_on.0.cluster", "overseaz")],
        "clusters[1].depends_on[0].cluster",
    ),
    (
        "depends on itself",
        lambda s: _dependency(s, "defence", cluster="defence"),
        [("clusters.defence.depends_on.0.cluster", "defence")],
        "clusters[1].depends_on[0].cluster",
    ),
    (
        "unknown milestone phase",
        lambda s: _dependency(s, "defence", milestone=Milestone("transit", "end")),
        [("clusters.defence.depends_on.0.milestone", "transit.end")],
        "clusters[1].depends_on[0].milestone",
    ),
    (
        "unknown replaced_by",
        lambda s: _cluster(
            s, "defence", legacy=(replace(s.cluster("defence").legacy[0], replaced_by="implment"),)
        ),
        [("clusters.defence.legacy.0.replaced_by", "implment")],
        "clusters[1].legacy[0].replaced_by",
    ),
    (
        "fixed entry before earliest",
        lambda s: _cluster(s, "synergy", fixed_entry=parse_month("2023-01")),
        [("clusters.synergy.fixed_entry", "2023-01")],
        "clusters[2].fixed_entry",
    ),
    (
        "unknown objective term",
        lambda s: replace(s, objective=Objective(("extension_cost", "lateness"))),
        [("objective", "[extension_cost, lateness]")],
        "objective.terms[1]",
    ),
    (
        "deadline before any finish (static)",
        lambda s: replace(s, policy=replace(s.policy, deadline=parse_month("2026-01"))),
        [("policy.deadline", "2026-01")],
        "policy.deadline",
    ),
    (
        "cap below the fixed entries (static)",
        lambda s: _cluster(
            s,
            "overseas",
            phases=(
                s.cluster("overseas").phases[0],
                *[
                    replace(p, modes=(replace(p.modes[0], cost=400_000_000),))
                    if p.id == "implement"
                    else p
                    for p in s.cluster("overseas").phases[1:]
                ],
            ),
        ),
        [("clusters.overseas.phases.implement.cost", "£400m")],
        "budget.caps[0].amount",
    ),
]


@pytest.mark.parametrize(
    ("change", "overrides", "path"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_change_in_python_gets_the_loaders_messages(base, change, overrides, path):
    problems = validate(change(base))
    assert problems, "the change must be found"
    assert _messages(problems) == _loader_messages(overrides)
    assert path in {problem.key for problem in problems}
    assert {problem.file for problem in problems} == {DATA_ORIGIN}
    assert {problem.line for problem in problems} == {None}


def test_the_shipped_scenarios_are_valid_as_data():
    for path in ("scenarios/base.yaml", "scenarios/actual-2023.yaml"):
        assert validate(load_scenario(path)) == []


def test_values_out_of_range_and_duplicates():
    sc = scenario(
        cluster("a", phase("p", months=0)),
        cluster("a", phase("p"), phase("p", cost=-5)),
        cluster("Bad_Id", phase("q")),
        suppliers=(Supplier("s", "S", 0), Supplier("s", "S", 1)),
        policy=Policy(stagger_months=-1),
    )
    found = {(p.key, p.message) for p in validate(sc)}
    assert found == {
        ("clusters[0].phases[0].modes[0].months", "must be 1 or more, got 0"),
        ("clusters[1].id", "duplicate cluster id 'a' (also clusters[0])"),
        ("clusters[1].phases[1].id", "phase 'p' is given twice"),
        ("clusters[1].phases[1].modes[0].cost", "must not be negative, got -5"),
        ("clusters[2].id", "must be lower-case letters, digits and '-', got 'Bad_Id'"),
        ("suppliers[0].capacity", "must be 1 or more, got 0"),
        ("suppliers[1].id", "duplicate supplier id 's' (also suppliers[0])"),
        ("policy.stagger_months", "must be 0 or more, got -1"),
    }


def test_solve_reports_an_unknown_supplier_by_key_path_not_a_key_error():
    sc = scenario(cluster("a", phase("p", months=2, uses={"no-such-supplier": 1})))
    with pytest.raises(ScenarioError) as caught:
        solve(sc, SolveOptions(time_limit=5))
    assert str(caught.value) == (
        "<scenario>: clusters[0].phases[0].modes[0].uses: unknown supplier 'no-such-supplier' "
        "(the scenario lists none)"
    )


def test_solve_leaves_a_statically_infeasible_scenario_to_the_solver():
    sc = scenario(
        cluster("a", phase("p", months=6)),
        policy=Policy(deadline=parse_month("2024-06")),
    )
    assert [p.key for p in validate(sc)] == ["policy.deadline"]
    assert solve(sc, SolveOptions(time_limit=5)).plan.status == "infeasible"


def test_a_dependency_on_a_valid_cluster_passes():
    sc = scenario(
        cluster("a", phase("p", months=2)),
        cluster(
            "b",
            phase("q", months=2),
            depends_on=(Dependency("a", Milestone("p", "end"), 0, Milestone("q", "start")),),
        ),
    )
    assert validate(sc) == []
