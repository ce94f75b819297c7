"""Static feasibility checks: problems certain before any solving."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.errors import ScenarioError
from scheduler.pipeline import solve
from scheduler.scenario.data import Cluster, Dependency, Horizon, Milestone, Mode, Phase
from scheduler.scenario.load import load_scenario, load_scenario_text
from scheduler.scenario.static import earliest_starts
from scheduler.scenario.validate import infeasibilities
from scheduler.solve.options import SolveOptions
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
    """What the static checks find: the scenario loads (it is valid), and is certainly
    infeasible, each reason named by line and key."""
    path = tmp_path / "s.yaml"
    path.write_text(head + clusters, encoding="utf-8")
    found = infeasibilities(load_scenario(path))
    assert found, "expected a static infeasibility"
    assert {p.file for p in found} == {str(path)}
    return [(p.line, p.key, p.message) for p in found]


def test_static_checks_on_a_file_with_other_problems_are_listed_with_them(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    clusters = "  - {id: a}\n  - {id: b, earliest_entry: 2022-13}\n"
    path.write_text(HEAD.replace("deadline: 2027-03", "deadline: 2025-12") + clusters, "utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    keys = [p.key for p in caught.value.problems]
    assert keys == ["policy.deadline", "clusters[1].earliest_entry"]


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
            "dependency cycle: synergy -> matrix -> unity -> synergy: its milestones must each "
            "be at least 28 months after themselves (a cycle of length zero, such as entering "
            "together, is allowed)",
        )
    ]


def test_a_zero_length_cycle_through_starts_is_allowed_and_solved() -> None:
    text = HEAD.replace("end: 2027-03", "end: 2035-03").replace(
        "deadline: 2027-03", "deadline: 2031-03"
    )
    text += (
        "  - {id: a, depends_on: [{cluster: b, milestone: tender.start}]}\n"
        "  - {id: b, depends_on: [{cluster: a, milestone: tender.start}]}\n"
        "  - id: c\n"  # c's implement starts no earlier than d's and d's no earlier than c's
        "    depends_on: [{cluster: d, milestone: implement.start, this: implement.start}]\n"
        "  - id: d\n"
        "    depends_on: [{cluster: c, milestone: implement.start, this: implement.start, lag: -2}]\n"
    )
    scenario = load_scenario_text(text)
    assert infeasibilities(scenario) == []
    plan = solve(scenario, SolveOptions(time_limit=10, workers=1, deterministic=True)).plan
    assert plan.status == "optimal"
    assert plan.cluster("a").entry == plan.cluster("b").entry  # they enter together
    c, d = plan.cluster("c").phases[1].start, plan.cluster("d").phases[1].start
    assert c >= d >= c - 2


def test_a_positive_cycle_through_a_lag_is_infeasible() -> None:
    text = HEAD.replace("end: 2027-03", "end: 2035-03").replace(
        "deadline: 2027-03", "deadline: 2031-03"
    )
    text += (
        "  - {id: a, depends_on: [{cluster: b, milestone: tender.start, lag: 1}]}\n"
        "  - {id: b, depends_on: [{cluster: a, milestone: tender.start}]}\n"
    )
    (problem,) = infeasibilities(load_scenario_text(text))
    assert problem.key == "clusters[0].depends_on[0].cluster"
    assert "a -> b -> a: its milestones must each be at least 1 month after" in problem.message


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


WINDOWS = """\
name: t
horizon: {start: 2022-04, end: 2030-03}
suppliers:
  - {id: ibm, from: 2024-04, to: 2027-09}
  - {id: acc, from: 2029-01}
lifecycle:
  - {id: tender, months: 14}
  - {id: implement, months: 36, uses: [ibm]}
clusters:
  - {id: free}
"""


def test_phase_that_cannot_start_inside_its_supplier_window(tmp_path: Path) -> None:
    clusters = "  - id: late\n    earliest_entry: 2023-12\n    phases:\n      implement: {}\n"
    assert problems(tmp_path, clusters, WINDOWS) == [
        (
            14,
            "clusters[1].phases.implement",
            "needs 'ibm' (available 2024-04..2027-09) for 36 months, "
            "but cannot start before 2025-02",
        )
    ]


def test_supplier_window_without_an_override_points_at_the_cluster(tmp_path: Path) -> None:
    head = WINDOWS.replace("months: 36, uses", "months: 43, uses")
    assert problems(tmp_path, "", head) == [
        (
            10,
            "clusters[0].phases.implement",
            "needs 'ibm' (available 2024-04..2027-09) for 43 months, "
            "but it is available for only 42",
        )
    ]


def test_every_option_outside_its_supplier_window(tmp_path: Path) -> None:
    clusters = (
        "  - id: opts\n"
        "    earliest_entry: 2023-12\n"
        "    phases:\n"
        "      - id: implement\n"
        "        options: [{supplier: acc, months: 20}, {months: 33, name: fast}]\n"
    )
    assert problems(tmp_path, clusters, WINDOWS) == [
        (
            14,
            "clusters[1].phases[0]",
            "no option can run: option 'acc' needs 'acc' (available from 2029-01) for 20 "
            "months, but the horizon ends 2030-03; option 'fast' needs 'ibm' (available "
            "2024-04..2027-09) for 33 months, but cannot start before 2025-02",
        )
    ]


def test_suppliers_whose_windows_never_overlap_long_enough(tmp_path: Path) -> None:
    clusters = "  - id: both\n    phases: {implement: {months: 15, uses: [ibm, acc]}}\n"
    assert problems(tmp_path, clusters, WINDOWS) == [
        (
            12,
            "clusters[1].phases.implement",
            "needs 'acc' (available from 2029-01) and 'ibm' (available 2024-04..2027-09) at "
            "once for 15 months, but they never overlap so long",
        )
    ]


def test_phase_that_just_fits_its_supplier_window() -> None:
    text = WINDOWS + (
        "  - id: late\n"
        "    earliest_entry: 2023-08\n"
        "    phases:\n"
        "      implement: {}\n"
        "  - id: opts\n"
        "    phases:\n"
        "      implement: {uses: [], options: [{supplier: acc, months: 15}, {months: 99}]}\n"
    )
    scenario = load_scenario_text(text)
    assert [c.id for c in scenario.clusters] == ["free", "late", "opts"]


CAPS = """\
name: t
horizon: {start: 2022-04, end: 2030-03}
budget:
  tranche: £5m
  caps:
    - {name: all, from: 2022-23, to: 2029-30, amount: 1bn}
    - {name: SR21, from: 2022-23, to: 2024-25, amount: £389m}
lifecycle:
  - {id: tender, months: 12, cost: £12m}
  - {id: implement, months: 24, cost: £240m}
clusters:
  - {id: synergy, fixed_entry: 2022-04}
  - {id: overseas, fixed_entry: 2023-04}
  - {id: free}
  - {id: waits, fixed_entry: 2022-04, phases: {implement: {max_wait: 2}}}
"""


def test_cap_below_what_the_fixed_entries_need(tmp_path: Path) -> None:
    # synergy: £12m (£15m released) in 2022-23, then £120m in each of 2023-24 and 2024-25;
    # overseas: £12m (£15m) in 2023-24 and £120m in 2024-25: £390m released inside SR21.
    assert problems(tmp_path, "", CAPS) == [
        (
            7,
            "budget.caps[1].amount",
            "cap SR21 of £389m is below the £390m that the fixed entries alone need "
            "(overseas, synergy)",
        )
    ]


def test_cap_that_the_fixed_entries_just_fit() -> None:
    scenario = load_scenario_text(CAPS.replace("£389m", "£390m"))
    assert scenario.budget is not None and scenario.budget.caps[1].amount == 390_000_000
    with_carry = CAPS.replace("tranche: £5m", "tranche: £5m\n  carry_forward: true")
    assert load_scenario_text(with_carry.replace("£389m", "£384m")).budget is not None
