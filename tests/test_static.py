"""Static feasibility checks: problems certain before any solving."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.errors import ScenarioError
from scheduler.scenario.loader import load_scenario, load_scenario_text
from scheduler.scenario.model import Cluster, Dependency, Horizon, Milestone, Mode, Phase
from scheduler.scenario.static import earliest_starts
from scheduler.units import parse_month as m

HEAD = """\
name: t
horizon: {start: 2022-04, end: 2027-03}
policy: {deadline: 2027-03}
lifecycle:
  - {id: tender, months: 14}
  - {id: implement, months: 36, options: [{months: 42}, {months: 40}]}
clusters:
"""


def problems(tmp_path: Path, clusters: str, head: str = HEAD) -> list[tuple[int | None, str, str]]:
    path = tmp_path / "s.yaml"
    path.write_text(head + clusters, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [(p.line, p.key, p.message) for p in caught.value.problems]


def test_lifecycle_that_cannot_fit_in_the_horizon(tmp_path: Path) -> None:
    found = problems(
        tmp_path, "  - {id: synergy, earliest_entry: 2023-04}\n", HEAD.replace("policy", "#")
    )
    assert found == [
        (
            8,
            "clusters[0]",
            "cluster 'synergy' needs 54 months from 2023-04 but the horizon ends 2027-03",
        )
    ]


def test_legacy_hard_deadline_before_earliest_retirement(tmp_path: Path) -> None:
    clusters = (
        "  - id: a\n"
        "    legacy:\n"
        "      - {name: old, expires: 2023-01, replaced_by: tender, hard_deadline: 2023-04}\n"
    )
    assert problems(tmp_path, clusters) == [
        (
            10,
            "clusters[0].legacy[0].hard_deadline",
            "2023-04 is before the earliest possible retirement 2023-05 (end of tender)",
        )
    ]


def test_policy_deadline_before_earliest_finish(tmp_path: Path) -> None:
    head = HEAD.replace("deadline: 2027-03", "deadline: 2025-12")
    found = problems(tmp_path, "  - {id: a}\n  - {id: b, fixed_entry: 2022-06}\n", head)
    assert found == [
        (3, "policy.deadline", "2025-12 is before the earliest possible finish of 'a' (2026-09)"),
        (3, "policy.deadline", "2025-12 is before the earliest possible finish of 'b' (2026-11)"),
    ]


def test_dependency_cycle_is_named(tmp_path: Path) -> None:
    clusters = (
        "  - {id: synergy, depends_on: [{cluster: matrix, milestone: tender.end}]}\n"
        "  - {id: matrix, depends_on: [{cluster: unity, milestone: tender.end}]}\n"
        "  - {id: unity, depends_on: [{cluster: synergy, milestone: tender.start}]}\n"
        "  - {id: solo, depends_on: [{cluster: matrix, milestone: entry}]}\n"
    )
    assert problems(tmp_path, clusters) == [
        (
            8,
            "clusters[0].depends_on[0].cluster",
            "dependency cycle: synergy -> matrix -> unity -> synergy",
        )
    ]


def test_dependencies_push_the_finish_past_the_horizon(tmp_path: Path) -> None:
    clusters = (
        "  - {id: a}\n  - {id: b, depends_on: [{cluster: a, milestone: tender.end, lag: 1}]}\n"
    )
    head = HEAD.replace("policy", "#")
    assert problems(tmp_path, clusters, head) == [
        (
            9,
            "clusters[1]",
            "cluster 'b' cannot finish before 2027-12 given its depends_on, "
            "but the horizon ends 2027-03",
        )
    ]


def test_dependencies_push_entry_past_latest_entry(tmp_path: Path) -> None:
    head = HEAD.replace("end: 2027-03", "end: 2035-03").replace("policy", "#")
    clusters = (
        "  - {id: a}\n"
        "  - id: b\n"
        "    latest_entry: 2023-01\n"
        "    depends_on: [{cluster: a, milestone: tender.end}]\n"
    )
    assert problems(tmp_path, clusters, head) == [
        (
            10,
            "clusters[1].latest_entry",
            "2023-01 is before the earliest entry its depends_on allow, 2023-06",
        )
    ]


def test_feasible_scenario_has_no_static_problem() -> None:
    text = HEAD.replace("end: 2027-03", "end: 2035-03").replace(
        "deadline: 2027-03", "deadline: 2031-03"
    )
    text += "  - {id: a}\n  - {id: b, depends_on: [{cluster: a, milestone: implement.end}]}\n"
    scenario = load_scenario_text(text)
    assert [c.id for c in scenario.clusters] == ["a", "b"]


def _cluster(
    cluster_id: str, months: list[int], depends_on: tuple[Dependency, ...] = ()
) -> Cluster:
    phases = tuple(Phase(f"p{i}", (Mode(n, 0),)) for i, n in enumerate(months))
    return Cluster(cluster_id, phases, depends_on=depends_on)


def test_earliest_starts_follow_dependencies() -> None:
    horizon = Horizon(m("2023-01"), m("2030-12"))
    a = _cluster("a", [3, 4])
    after_a = Dependency("a", Milestone("p0", "end"), 2, Milestone("p1", "start"))
    b = _cluster("b", [1, 5], (after_a,))
    result = earliest_starts(horizon, [b, a], acyclic=True)
    assert result["a"].starts == (m("2023-01"), m("2023-04"))
    assert result["a"].finish == m("2023-07") and not result["a"].pushed
    # a's p0 ends 2023-03; b's p1 starts no earlier than 2023-03 + 2 + 1.
    assert result["b"].starts == (m("2023-01"), m("2023-06"))
    assert result["b"].finish == m("2023-10") and result["b"].pushed
    assert earliest_starts(horizon, [b, a], acyclic=False)["b"].finish == m("2023-06")
