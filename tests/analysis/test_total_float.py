"""Total float to the legacy dates: the closed form, and what re-timing the overrun gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from builders import busy_plan, cluster, m, phase, plan_of, scenario

from scheduler.analysis.risk.jobs import plan_jobs
from scheduler.analysis.risk.ssg import Network, retime
from scheduler.analysis.total_float import phase_floats
from scheduler.plan import Plan
from scheduler.rules.evaluate import ClusterDecision
from scheduler.scenario.data import Legacy, Scenario
from scheduler.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_float_counts_the_planned_waits_the_overrun_absorbs() -> None:
    c = cluster(
        "a",
        phase("tender", 3),
        phase("build", 6, max_wait=4),
        phase("run", 2),
        legacy=(Legacy("old", m("2025-06"), "build", 0, m("2025-12")),),
    )
    sc = scenario(c, end="2027-03")
    decision = ClusterDecision((m("2024-04"), m("2024-09"), m("2025-03")), (None, None, None))
    plan = plan_of(sc, {"a": decision})  # tender ends 2024-06, build waits 2 months, ends 2025-02
    floats = phase_floats(sc, plan)
    assert floats[("a", "tender")] == (4 + 2, 10 + 2)
    assert floats[("a", "build")] == (4, 10)
    assert floats[("a", "run")] == (None, None)  # after the retirement


def test_a_date_missed_already_has_negative_float() -> None:
    c = cluster("a", phase("build", 6), legacy=(Legacy("old", m("2024-06"), "build"),))
    sc = scenario(c)
    plan = plan_of(sc, {"a": "2024-04"})  # retired 2024-09
    assert phase_floats(sc, plan)[("a", "build")] == (-3, None)


def _retired_after_overrun(sc: Scenario, plan: Plan, job: int, months: list[int], legacy):
    jobs = plan_jobs(sc, plan)
    durations = np.array([[j.months] * len(months) for j in jobs])
    durations[job] += np.array(months)
    schedule = retime(Network.build(sc, jobs), durations)
    index = next(
        i for i, j in enumerate(jobs) if (j.cluster, j.phase) == (legacy[0], legacy[1].replaced_by)
    )
    return schedule.end[index]


def _check_against_retiming(sc: Scenario, plan: Plan) -> int:
    floats = phase_floats(sc, plan)
    jobs = plan_jobs(sc, plan)
    checked = 0
    for j, job in enumerate(jobs):
        system_list = sc.cluster(job.cluster).legacy
        for system in system_list:
            pos = [p.id for p in sc.cluster(job.cluster).phases]
            if pos.index(system.replaced_by) < job.position:
                continue
            for date, value in (
                (system.expires, floats[(job.cluster, job.phase)][0]),
                (system.hard_deadline, floats[(job.cluster, job.phase)][1]),
            ):
                if date is None or len(system_list) > 1:
                    continue
                if value < 0:
                    (retired,) = _retired_after_overrun(sc, plan, j, [0], (job.cluster, system))
                    assert retired - date == -value
                else:
                    held, broken = _retired_after_overrun(
                        sc, plan, j, [value, value + 1], (job.cluster, system)
                    )
                    assert held <= date < broken, (job.label, system.name)
                checked += 1
    return checked


def test_float_is_the_overrun_the_retiming_allows() -> None:
    sc, plan = busy_plan()
    assert _check_against_retiming(sc, plan) > 0


@pytest.mark.slow
def test_float_of_the_base_plan_is_the_overrun_the_retiming_allows() -> None:
    from scheduler.pipeline import solve
    from scheduler.solve.options import SolveOptions

    sc = load_scenario(ROOT / "scenarios" / "base.yaml")
    plan = solve(sc, SolveOptions(time_limit=30, workers=1, deterministic=True)).plan
    # 10 phases to an expiry (overseas retires Prism at its implementation), 4 to a hard deadline
    assert _check_against_retiming(sc, plan) == 14
    assert plan.cluster("synergy").phase("implement").float_deadline == 13


def test_float_is_in_the_plan_json() -> None:
    sc, plan = busy_plan()
    plan = plan.with_floats(phase_floats(sc, plan))
    data = plan.to_dict()
    build = data["clusters"][1]["phases"][1]
    assert build["float"] == {"expiry": -2, "hard_deadline": 7}
    assert Plan.from_dict(data) == plan


def test_a_phase_finished_before_the_status_date_has_no_float(tmp_path: Path) -> None:
    from loading import write

    from scheduler.pipeline import solve
    from scheduler.solve.options import SolveOptions

    text = """\
name: t
status_date: 2025-04
horizon: {start: 2024-04, end: 2027-03}
clusters:
  - id: a
    phases:
      tender: {months: 3, actual_start: 2024-06, actual_end: 2024-09}
      build: {months: 6, actual_start: 2024-10, remaining_months: 4}
      run: {months: 2}
    legacy: [{name: old, expires: 2025-10, replaced_by: run, hard_deadline: 2026-03}]
"""
    sc = load_scenario(write(tmp_path, text))
    plan = solve(sc, SolveOptions(time_limit=10, workers=1, deterministic=True)).plan
    floats = phase_floats(sc, plan)
    # build runs to 2025-07 (4 months from the status date), run 2025-08..2025-09: retired 2025-09
    assert floats[("a", "tender")] == (None, None)  # finished 2024-09: history, cannot overrun
    assert floats[("a", "build")] == (1, 6)  # running: 2025-10 - 2025-09, 2026-03 - 2025-09
    assert floats[("a", "run")] == (1, 6)
