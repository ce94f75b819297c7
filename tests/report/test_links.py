"""Links between phases (FS/SS/FF/SF with lags) from the lifecycle and depends_on."""

from __future__ import annotations

from builders import cluster, m, phase, plan_of, scenario

from scheduler.report.links import PhaseLink, link_text, phase_links, predecessors
from scheduler.scenario.data import Dependency, Milestone


def _sc(*deps: Dependency):
    a = cluster("a", phase("tender", 2), phase("build", 3, max_wait=2))
    b = cluster("b", phase("tender", 2), phase("build", 3), depends_on=deps)
    return scenario(a, b, start="2024-04", end="2027-03")


def _plan(sc, b_entry: str = "2024-10"):
    return plan_of(sc, {"a": "2024-04", "b": b_entry}, windows=False)


def test_the_lifecycle_links_each_phase_to_the_one_before_finish_to_start():
    sc = _sc()
    links = phase_links(sc, _plan(sc))
    assert links == [
        PhaseLink(("a", "tender"), ("a", "build"), "FS", 0, "lifecycle", 2),
        PhaseLink(("b", "tender"), ("b", "build"), "FS", 0, "lifecycle", 0),
    ]


def test_depends_on_becomes_a_link_whose_lag_holds_on_the_plans_months():
    """For every edge pair, the lag on boundaries (start of start month, end of end month) is
    exactly met when the milestone rule is met with no slack."""
    cases = [
        (Milestone("build", "end"), Milestone("tender", "start"), 1, "FS", 1),
        (Milestone("tender", "start"), Milestone("tender", "start"), 3, "SS", 3),
        (Milestone("build", "end"), Milestone("build", "end"), 0, "FF", 1),
        (Milestone("tender", "start"), Milestone("build", "end"), 2, "SF", 3),
    ]
    for other, this, lag, kind, boundary_lag in cases:
        dep = Dependency("a", other, lag, this)
        sc = _sc(dep)
        # b placed so that the rule is met with no slack
        a_plan = _plan(sc).cluster("a")
        a_phase = a_plan.phase(other.phase if other.phase != "entry" else "tender")
        other_month = a_phase.start if other.edge == "start" else a_phase.end
        target = other_month + dep.offset  # the month of b's milestone
        b_entry = target if this.edge == "start" else target - (2 + 3 - 1)
        plan = _plan(sc, b_entry)
        link = [x for x in phase_links(sc, plan) if x.rule == "depends_on"]
        assert len(link) == 1 and (link[0].kind, link[0].lag) == (kind, boundary_lag), other
        before = plan.cluster("a").phase(link[0].before[1])
        after = plan.cluster("b").phase(link[0].after[1])
        bound = {"start": lambda p: p.start, "end": lambda p: p.end + 1}
        b_before = bound["start" if kind[0] == "S" else "end"](before)
        b_after = bound["start" if kind[1] == "S" else "end"](after)
        assert b_after == b_before + boundary_lag, (kind, b_before, b_after)


def test_link_text_and_predecessors():
    entry = Milestone("tender", "start")  # the loader reads `entry` as the first phase's start
    sc = _sc(Dependency("a", Milestone("tender", "end"), 3, entry))
    links = phase_links(sc, _plan(sc, "2024-09"))
    into = predecessors(links)
    assert [link_text(x) for x in into[("b", "tender")]] == ["a:tender FS+3"]
    assert [link_text(x) for x in into[("b", "build")]] == ["b:tender FS"]
    assert m("2024-09") == _plan(sc, "2024-09").cluster("b").entry
