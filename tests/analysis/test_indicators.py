"""Indicators per financial year, against figures worked out by hand from a tiny programme; the
figures a scenario does not give; and a status-date plan, whose past years are history."""

from __future__ import annotations

from dataclasses import replace

from builders import Budget, Cap, cluster, m, phase, plan_of, scenario
from loading import write

from scheduler.analysis.indicators import STAGES, indicators, stage_at
from scheduler.pipeline import solve
from scheduler.scenario.data import Legacy
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions

# Horizon 2024-04..2027-03: financial years 2024-25, 2025-26, 2026-27 (ends 2025-03, 2026-03,
# 2027-03). Cluster a enters 2024-06: tender 2024-06..08 (award 2024-08), build 2024-09..2025-02
# (retires "old", go-live 2025-02), run 2025-03..05 (finish 2025-05). Cluster b enters 2025-01:
# tender 2025-01..04 (award 2025-04), build 2025-05..2026-04 (retires "mainframe": go-live and
# finish 2026-04).
A = cluster(
    "a",
    phase("tender", 3, 300_000),
    phase("build", 6, 600_000),
    phase("run", 3, 0),
    legacy=(Legacy("old", m("2025-03"), "build"),),
    departments=("D1", "D2"),
    users=100,
    benefits=10_000,
)
B = cluster(
    "b",
    phase("tender", 4, 400_000),
    phase("build", 12, 1_200_000),
    legacy=(Legacy("mainframe", m("2025-12"), "build"),),
    departments=("D2", "D3"),
    users=300,
)
BUDGET = Budget(tranche=100_000, caps=(Cap("C1", 2024, 2025, 3_000_000),))
ENTRIES = {"a": "2024-06", "b": "2025-01"}
NO_PLATFORMS = "not given (no cluster has a platform in the scenario)"


def _hand_case():
    sc = scenario(A, B, start="2024-04", end="2027-03", budget=BUDGET)
    return sc, plan_of(sc, ENTRIES)


def test_stages_at_each_years_end_by_hand():
    sc, plan = _hand_case()
    found = indicators(sc, plan)
    assert found is not None
    assert [y.label for y in found.years] == ["2024-25", "2025-26", "2026-27"]
    assert [y.end for y in found.years] == [m("2025-03"), m("2026-03"), m("2027-03")]
    empty = {stage: () for stage in STAGES}
    # 2025-03: a went live 2025-02 and is in its run phase; b is tendering (award 2025-04)
    assert found.years[0].stages == {**empty, "transitioning": ("a",), "in_competition": ("b",)}
    # 2026-03: a finished 2025-05; b awarded 2025-04, goes live 2026-04
    assert found.years[1].stages == {**empty, "live": ("a",), "implementing": ("b",)}
    assert found.years[2].stages == {**empty, "live": ("a", "b")}
    assert [y.history for y in found.years] == [False, False, False]


def test_stage_boundaries_are_the_end_of_the_milestone_month():
    _, plan = _hand_case()
    a = plan.cluster("a")
    assert stage_at(a, m("2024-05")) == "pre_market"
    assert stage_at(a, m("2024-06")) == "in_competition"  # entered at the start of 2024-06
    assert stage_at(a, m("2024-08")) == "implementing"  # awarded at the end of 2024-08
    assert stage_at(a, m("2025-02")) == "transitioning"  # live at the end of 2025-02
    assert stage_at(a, m("2025-05")) == "live"


def test_convergence_by_hand():
    sc, plan = _hand_case()
    found = indicators(sc, plan)
    assert found is not None
    assert (found.clusters, found.departments, found.users, found.legacy) == (2, 3, 400, 2)
    assert found.not_given == {"platforms": NO_PLATFORMS}
    first, second, third = found.years
    # D1 is only a's: on the new systems once a is live; D2 waits for b too
    assert (first.departments.value, first.departments.share) == (1, 0.3333)
    assert (first.users.value, first.users.share) == (100, 0.25)
    assert (second.departments.value, second.users.value) == (1, 100)
    assert (third.departments.value, third.departments.share) == (3, 1.0)
    assert (third.users.value, third.users.share) == (400, 1.0)
    assert first.on_new_systems == ("a",)


def test_legacy_retired_against_due_by_hand():
    sc, plan = _hand_case()
    found = indicators(sc, plan)
    assert found is not None
    legacy = [
        (
            y.legacy_retired_in_year,
            y.legacy_due_in_year,
            y.legacy_retired,
            y.legacy_due,
            y.legacy_in_service,
            y.legacy_due_not_retired,
        )
        for y in found.years
    ]
    # old: expires 2025-03, retired 2025-02; mainframe: expires 2025-12, retired 2026-04
    assert legacy == [(1, 1, 1, 1, 1, 0), (0, 1, 1, 2, 1, 1), (1, 0, 2, 2, 0, 0)]


def test_money_and_benefits_by_hand():
    sc, plan = _hand_case()
    found = indicators(sc, plan)
    assert found is not None
    # 2024-25: a's tender £300k and build £600k, b's tender 3 months of £100k
    # 2025-26: b's tender month 4 £100k and 11 months of build at £100k; 2026-27: b's last month
    assert [y.spend for y in found.years] == [1_200_000, 1_200_000, 100_000]
    assert [y.released for y in found.years] == [1_200_000, 1_200_000, 100_000]
    caps = [[(c.name, c.amount, c.released, c.headroom) for c in y.caps] for y in found.years]
    assert caps == [
        [("C1", 3_000_000, 1_200_000, 1_800_000)],
        [("C1", 3_000_000, 2_400_000, 600_000)],
        [],  # C1 covers 2024-25..2025-26 only
    ]
    # a earns £10k a month after its finish 2025-05: 10 months of 2025-26, 12 of 2026-27
    assert [y.benefits for y in found.years] == [0, 100_000, 120_000]
    assert [y.benefits_to_date for y in found.years] == [0, 100_000, 220_000]
    # the benefits the horizon holds are those net_cost counts: sum_c rate * (H.end - finish)
    assert sum(y.benefits or 0 for y in found.years) == 10_000 * (m("2027-03") - m("2025-05"))


def test_milestones_fall_in_their_year_by_hand():
    sc, plan = _hand_case()
    found = indicators(sc, plan)
    assert found is not None
    texts = [[item.text() for item in y.milestones] for y in found.years]
    assert texts == [
        [
            "a market entry 2024-06",
            "a award 2024-08",
            "b market entry 2025-01",
            "a go-live 2025-02",
            "a legacy retired (old) 2025-02",
        ],
        ["b award 2025-04"],
        ["b go-live 2026-04", "b legacy retired (mainframe) 2026-04"],
    ]


def _with_platforms(a_platform: str | None, b_platform: str | None):
    """The hand case with platforms, "old" standing for 3 instances and "mainframe" for 5."""
    a = replace(A, platform=a_platform, legacy=(replace(A.legacy[0], instances=3),))
    b = replace(B, platform=b_platform, legacy=(replace(B.legacy[0], instances=5),))
    sc = scenario(a, b, start="2024-04", end="2027-03", budget=BUDGET)
    found = indicators(sc, plan_of(sc, ENTRIES))
    assert found is not None
    return found


def test_platforms_in_use_and_legacy_instances_by_hand():
    found = _with_platforms("Oracle", "SAP")
    # gone live at each year's end: 2025-03 a (live 2025-02); 2026-03 a; 2027-03 a and b (2026-04)
    assert [y.platforms for y in found.years] == [("Oracle",), ("Oracle",), ("Oracle", "SAP")]
    assert [y.live_without_platform for y in found.years] == [0, 0, 0]
    assert found.platforms == ("Oracle", "SAP") and "platforms" not in found.not_given
    # old (3 instances) retired 2025-02, in 2024-25; mainframe (5) retired 2026-04, in 2026-27
    assert found.legacy_instances == 8
    instances = [
        (y.instances_retired_in_year, y.instances_retired, y.instances_in_service)
        for y in found.years
    ]
    assert instances == [(3, 3, 5), (0, 3, 5), (5, 8, 0)]
    # the systems themselves are still counted one each
    assert [y.legacy_retired for y in found.years] == [1, 1, 2]
    third = found.to_dict()["years"][2]
    assert third["platforms"] == {
        "in_use": ["Oracle", "SAP"],
        "count": 2,
        "live_without_platform": 0,
    }
    assert third["legacy"]["instances_retired"] == 8
    assert found.years[0].platforms_text() == "1: Oracle"


def test_platforms_are_distinct_and_a_live_cluster_without_one_is_counted():
    shared = _with_platforms("Oracle", "Oracle")
    assert shared.years[2].platforms == ("Oracle",)  # two clusters, one platform
    partial = _with_platforms(None, "SAP")
    # a is live from 2025-02 but names no platform: counted, not guessed; b's SAP from 2026-04
    assert [y.platforms for y in partial.years] == [(), (), ("SAP",)]
    assert [y.live_without_platform for y in partial.years] == [1, 1, 1]
    assert partial.years[0].platforms_text() == "0: none yet"


def test_platforms_not_given_when_no_cluster_names_one():
    found = _with_platforms(None, None)
    assert found.not_given["platforms"] == NO_PLATFORMS
    assert found.platforms is None
    data = found.to_dict()
    assert data["totals"]["platforms"] is None
    # not 0 and not an empty list: unknown; the live clusters without a platform are still counted
    assert [y["platforms"] for y in data["years"]][2] == {
        "in_use": None,
        "count": None,
        "live_without_platform": 2,
    }
    assert found.years[2].platforms_text() == "not given"


def test_instances_default_to_one():
    sc, plan = _hand_case()
    found = indicators(sc, plan)
    assert found is not None
    assert found.legacy_instances == found.legacy == 2
    assert [y.instances_in_service for y in found.years] == [
        y.legacy_in_service for y in found.years
    ]


def test_not_given_is_null_with_a_reason_never_zero():
    b = replace(B, users=None, departments=())
    a = replace(A, benefits=0)
    sc = scenario(a, b, start="2024-04", end="2027-03", budget=BUDGET)
    found = indicators(sc, plan_of(sc, ENTRIES))
    assert found is not None
    assert found.users is None and found.departments is None
    assert found.not_given == {
        "users": "not given for b (no users in the scenario)",
        "departments": "not given for b (no departments in the scenario)",
        "benefits": "not given (no cluster has benefits in the scenario)",
        "platforms": NO_PLATFORMS,
    }
    data = found.to_dict()
    assert data["totals"]["users"] is None
    first, _, third = data["years"]
    # a alone is live in 2024-25: its 100 users are known, their share of an unknown total is not
    assert first["on_new_systems"]["users"] == 100
    assert first["on_new_systems"]["users_share"] is None
    # once b is live, its users are unknown: the figure is null, not 100 and not 0
    assert third["on_new_systems"]["users"] is None
    assert third["on_new_systems"]["departments"] is None
    assert [year["benefits"] for year in data["years"]] == [None, None, None]
    assert found.years[2].users.text() == "not given"


def test_no_schedule_no_indicators():
    sc, plan = _hand_case()
    assert indicators(sc, replace(plan, status="infeasible", clusters=())) is None


STATUS = """\
name: t
status_date: 2025-04
horizon: {start: 2024-04, end: 2027-03}
clusters:
  - id: a
    departments: [D1]
    users: 50
    phases:
      tender: {months: 3, actual_start: 2024-06, actual_end: 2024-09}
      build: {months: 6}
    legacy: [{name: old, expires: 2025-06, replaced_by: build}]
"""


def test_status_date_years_before_it_are_history(tmp_path):
    sc = load_scenario(write(tmp_path, STATUS))
    plan = solve(sc, SolveOptions(time_limit=10, workers=1, deterministic=True)).plan
    found = indicators(sc, plan)
    assert found is not None
    # 2024-25 ended before the status date 2025-04: history; 2025-26 holds the status date
    assert [(y.label, y.history) for y in found.years] == [
        ("2024-25", True),
        ("2025-26", False),
        ("2026-27", False),
    ]
    # the tender ran 2024-06..2024-09 (actual); the build starts at the status date, 6 months
    first, second, _ = found.years
    assert [(i.text(), i.actual) for i in first.milestones] == [
        ("a market entry 2024-06", True),
        ("a award 2024-09", True),
    ]
    assert [(i.text(), i.actual) for i in second.milestones] == [
        ("a go-live 2025-09", False),
        ("a legacy retired (old) 2025-09", False),
    ]
    assert first.stages["implementing"] == ("a",)  # awarded, the build not yet started
    assert second.stages["live"] == ("a",)
    assert found.to_dict()["years"][0]["history"] is True
