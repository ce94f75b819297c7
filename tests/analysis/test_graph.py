"""The milestone graph, its critical chain and its exports, on hand-built scenarios and plans."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from scheduler.analysis.graph import (
    ChainLink,
    build_graph,
    cluster_chain,
    critical_chain,
)
from scheduler.plan import ClusterPlan, PhasePlan, Plan, SolverInfo
from scheduler.report.graph_files import write_dot, write_graphml, write_node_link
from scheduler.scenario.data import (
    Cluster,
    Dependency,
    Horizon,
    Milestone,
    Mode,
    Phase,
    Policy,
    Scenario,
    Supplier,
)
from scheduler.units import month

M0 = month(2023, 4)


def phase(pid: str, months: int, uses: dict[str, int] | None = None, max_wait: int = 0) -> Phase:
    return Phase(pid, (Mode(months, 0, tuple(sorted((uses or {}).items()))),), max_wait)


def planned(pid: str, start: int, months: int, uses: dict[str, int] | None = None) -> PhasePlan:
    return PhasePlan(pid, start, start + months - 1, None, dict(uses or {}), 0)


def cluster_plan(cid: str, phases: tuple[PhasePlan, ...]) -> ClusterPlan:
    return ClusterPlan(cid, phases[0].start, (phases[0].start, phases[0].start), phases)


def make_plan(name: str, *clusters: ClusterPlan) -> Plan:
    return Plan(name, "optimal", {}, SolverInfo(), clusters=clusters)


@pytest.fixture
def three() -> tuple[Scenario, Plan]:
    """alpha enters at readiness; beta waits for alpha's tender (depends_on, lag 2); gamma waits
    for the one ERP-market slot beta's tender holds, and finishes last."""
    erp = {"erp-market": 1}
    implement_options = Phase(
        "implement",
        (
            Mode(12, 100, (("ibm", 1),), option=0, label="IBM"),
            Mode(10, 120, (("acme", 1),), option=1, label="Acme"),
        ),
    )
    alpha = Cluster(
        "alpha",
        (phase("tender", 6, erp), implement_options, phase("transition", 3, max_wait=2)),
        earliest_entry=M0,
    )
    after_alpha = Dependency("alpha", Milestone("tender", "end"), 2, Milestone("tender", "start"))
    beta = Cluster(
        "beta",
        (phase("tender", 6, erp), phase("implement", 12), phase("transition", 3)),
        depends_on=(after_alpha,),
    )
    gamma = Cluster(
        "gamma",
        (phase("tender", 6, erp), phase("implement", 12, {"ibm": 1}), phase("transition", 3)),
    )
    scenario = Scenario(
        name="Three clusters",
        horizon=Horizon(M0, M0 + 119),
        clusters=(alpha, beta, gamma),
        suppliers=(Supplier("erp-market", "ERP market", 1), Supplier("ibm", "IBM", 1)),
        policy=Policy(stagger_months=3),
    )
    alpha_plan = cluster_plan(
        "alpha",
        (
            planned("tender", M0, 6, erp),
            PhasePlan("implement", M0 + 6, M0 + 17, 0, {"ibm": 1}, 100),
            planned("transition", M0 + 19, 3),  # waits one month
        ),
    )
    beta_plan = cluster_plan(
        "beta",
        (
            planned("tender", M0 + 8, 6, erp),
            planned("implement", M0 + 14, 12),
            planned("transition", M0 + 26, 3),
        ),
    )
    gamma_plan = cluster_plan(
        "gamma",
        (
            planned("tender", M0 + 14, 6, erp),
            planned("implement", M0 + 20, 12, {"ibm": 1}),
            planned("transition", M0 + 32, 3),
        ),
    )
    return scenario, make_plan(scenario.name, alpha_plan, beta_plan, gamma_plan)


def edge(graph: nx.DiGraph, u: str, v: str) -> dict:
    assert graph.has_edge(u, v), f"no edge {u} -> {v}"
    return graph.edges[u, v]


def test_milestone_nodes_carry_months_labels_and_entry_rules(three):
    scenario, plan = three
    graph = build_graph(scenario, plan)
    assert graph.number_of_nodes() == 18
    node = graph.nodes["beta:tender.start"]
    assert node["cluster"] == "beta" and node["phase"] == "tender" and node["edge"] == "start"
    assert node["month"] == M0 + 8 and node["label"] == "2023-12"
    assert graph.nodes["alpha:tender.start"]["earliest_entry"] == "2023-04"
    assert "earliest_entry" not in graph.nodes["alpha:implement.start"]
    assert graph.graph["name"] == "Three clusters"


def test_lifecycle_edges(three):
    graph = build_graph(*three)
    tender = edge(graph, "alpha:tender.start", "alpha:tender.end")
    assert tender == {
        "kind": "lifecycle",
        "reason": "tender takes 6 months",
        "min_gap": 5,
        "slack": 0,
    }
    assert edge(graph, "alpha:implement.start", "alpha:implement.end")["reason"] == (
        "implement takes 12 months (IBM)"
    )
    back_to_back = edge(graph, "alpha:tender.end", "alpha:implement.start")
    assert (back_to_back["reason"], back_to_back["min_gap"], back_to_back["slack"]) == (
        "back to back",
        1,
        0,
    )
    wait = edge(graph, "alpha:implement.end", "alpha:transition.start")
    assert (wait["reason"], wait["slack"]) == ("may wait up to 2 months", 1)


def test_depends_on_edge_gap_is_lag_plus_one_after_an_end(three):
    graph = build_graph(*three)
    dep = edge(graph, "alpha:tender.end", "beta:tender.start")
    assert dep["kind"] == "dependency"
    assert dep["min_gap"] == 3
    assert dep["slack"] == 0
    assert dep["reason"] == "depends on alpha tender.end (lag 2)"


def test_stagger_edges_join_consecutive_entries(three):
    graph = build_graph(*three)
    first = edge(graph, "alpha:tender.start", "beta:tender.start")
    assert (first["kind"], first["min_gap"], first["slack"]) == ("stagger", 3, 5)
    assert first["reason"] == "stagger: entries at least 3 months apart"
    assert edge(graph, "beta:tender.start", "gamma:tender.start")["slack"] == 3
    assert not graph.has_edge("alpha:tender.start", "gamma:tender.start")


def test_capacity_edge_when_the_supplier_was_full_the_month_before(three):
    graph = build_graph(*three)
    wait = edge(graph, "beta:tender.end", "gamma:tender.start")
    assert wait == {
        "kind": "supplier_capacity",
        "reason": "waits for erp-market capacity (1)",
        "min_gap": 1,
        "slack": 0,
    }
    # alpha's implement ends in the month before gamma's starts on ibm, but ibm was free then
    # (alpha's implement ends M0+17, gamma's starts M0+20): no edge.
    assert not graph.has_edge("alpha:implement.end", "gamma:implement.start")
    kinds = {data["kind"] for _, _, data in graph.edges(data=True)}
    assert kinds == {"lifecycle", "dependency", "stagger", "supplier_capacity"}


def test_valid_plan_has_no_negative_slack(three):
    graph = build_graph(*three)
    assert all(data["slack"] >= 0 for _, _, data in graph.edges(data=True))


def test_critical_chain_through_a_capacity_wait_and_a_dependency(three):
    chain = critical_chain(*three)
    assert [link.milestone for link in chain] == [
        "alpha:tender.start",
        "alpha:tender.end",
        "beta:tender.start",
        "beta:tender.end",
        "gamma:tender.start",
        "gamma:tender.end",
        "gamma:implement.start",
        "gamma:implement.end",
        "gamma:transition.start",
        "gamma:transition.end",
    ]
    assert chain[0] == ChainLink(
        "alpha:tender.start", M0, "earliest entry 2023-04 (readiness)", "origin"
    )
    assert chain[2].reason == "depends on alpha tender.end (lag 2)"
    assert chain[4].kind == "supplier_capacity"
    assert chain[4].reason == "waits for erp-market capacity (1)"
    assert chain[-1].month == M0 + 34
    assert [link.month for link in chain] == sorted(link.month for link in chain)


def test_cluster_chain_stops_at_a_chosen_wait(three):
    scenario, plan = three
    chain = cluster_chain(scenario, plan, "alpha")
    assert [link.milestone for link in chain] == ["alpha:transition.start", "alpha:transition.end"]
    assert chain[0].reason == "chosen by the optimiser"
    assert chain[1].reason == "transition takes 3 months"


def stagger_case(fixed: bool) -> tuple[Scenario, Plan]:
    one = phase("build", 4)
    first = Cluster("first", (one,), fixed_entry=M0 + 2 if fixed else None)
    second = Cluster("second", (one,))
    scenario = Scenario(
        "Stagger",
        Horizon(M0, M0 + 35),
        (first, second),
        policy=Policy(stagger_months=5, max_entries_per_year=1),
    )
    plan = make_plan(
        "Stagger",
        cluster_plan("first", (planned("build", M0 + 2, 4),)),
        cluster_plan("second", (planned("build", M0 + 12, 4),)),
    )
    return scenario, plan


def test_stagger_and_entry_limit_edges_keep_the_tighter_rule():
    graph = build_graph(*stagger_case(fixed=True))
    rule = edge(graph, "first:build.start", "second:build.start")
    # stagger needs 5 months; the one-entry-a-year rule needs 2024-04, 10 months on: it wins
    assert rule["kind"] == "entries_per_year"
    assert (rule["min_gap"], rule["slack"]) == (10, 0)
    assert rule["also"] == "stagger: entries at least 5 months apart"


def test_chain_through_the_entry_rule_to_a_fixed_entry():
    chain = critical_chain(*stagger_case(fixed=True))
    assert [link.milestone for link in chain] == [
        "first:build.start",
        "second:build.start",
        "second:build.end",
    ]
    assert chain[0].reason == "fixed entry 2023-06 (already decided)"
    assert chain[1].reason == "at most 1 entries a year: 2023-24 is full"


def test_chain_origin_chosen_by_the_optimiser_names_the_window():
    scenario, plan = stagger_case(fixed=False)
    chain = critical_chain(scenario, plan)
    assert chain[0].reason == "chosen by the optimiser (entry window 2023-06..2023-06)"


def test_chain_ties_go_to_the_first_cluster_and_origin_at_horizon_start():
    one = phase("build", 3)
    scenario = Scenario("Tie", Horizon(M0, M0 + 11), (Cluster("a", (one,)), Cluster("b", (one,))))
    plan = make_plan(
        "Tie",
        cluster_plan("a", (planned("build", M0, 3),)),
        cluster_plan("b", (planned("build", M0, 3),)),
    )
    chain = critical_chain(scenario, plan)
    assert [link.milestone for link in chain] == ["a:build.start", "a:build.end"]
    assert chain[0].reason == "horizon starts 2023-04"


def test_chain_origin_at_a_supplier_window():
    scenario = Scenario(
        "Window",
        Horizon(M0, M0 + 23),
        (Cluster("solo", (phase("tender", 2, {"ccs": 1}),)),),
        suppliers=(Supplier("ccs", "Crown Commercial Service", 1, available_from=M0 + 3),),
    )
    plan = make_plan("Window", cluster_plan("solo", (planned("tender", M0 + 3, 2, {"ccs": 1}),)))
    chain = critical_chain(scenario, plan)
    assert chain[0].reason == "ccs available from 2023-07"
    assert build_graph(scenario, plan).graph["completion"] == "2023-08"


def test_no_schedule_gives_an_empty_graph_and_chain(three):
    scenario, _ = three
    plan = Plan(scenario.name, "infeasible", {}, SolverInfo(), explanation=("cap SR21",))
    assert build_graph(scenario, plan).number_of_nodes() == 0
    assert critical_chain(scenario, plan) == []


def test_graphml_round_trip(three, tmp_path: Path):
    graph = build_graph(*three)
    path = tmp_path / "plan.graphml"
    write_graphml(graph, path)
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    dep = back.edges["alpha:tender.end", "beta:tender.start"]
    assert (dep["kind"], dep["min_gap"], dep["slack"]) == ("dependency", 3, 0)
    assert back.nodes["alpha:tender.start"]["earliest_entry"] == "2023-04"
    assert back.graph["name"] == "Three clusters"


def test_node_link_json(three, tmp_path: Path):
    graph = build_graph(*three)
    path = tmp_path / "plan.json"
    write_node_link(graph, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 18
    assert len(data["edges"]) == graph.number_of_edges()
    capacity = [e for e in data["edges"] if e["kind"] == "supplier_capacity"]
    assert capacity == [
        {
            "source": "beta:tender.end",
            "target": "gamma:tender.start",
            "kind": "supplier_capacity",
            "reason": "waits for erp-market capacity (1)",
            "min_gap": 1,
            "slack": 0,
        }
    ]


def test_dot_has_cluster_subgraphs_and_bold_tight_edges(three, tmp_path: Path):
    graph = build_graph(*three)
    path = tmp_path / "plan.dot"
    write_dot(graph, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('digraph "Three clusters" {')
    assert text.count("subgraph ") == 3
    assert '"gamma:tender.start" [label="tender.start\\n2024-06"];' in text
    assert (
        '"beta:tender.end" -> "gamma:tender.start" [label="waits for erp-market capacity (1)", '
        "style=bold, color=red, fontcolor=red];"
    ) in text
    stagger = '"alpha:tender.start" -> "beta:tender.start" [label="stagger: entries at least 3'
    assert stagger + ' months apart"];' in text
    assert text.count(" -> ") == graph.number_of_edges()
