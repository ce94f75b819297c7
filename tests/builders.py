"""Small scenario builders for the semantics tests (scenarios straight from the dataclasses)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace

from scheduler.analysis.window import entry_windows
from scheduler.plan import Plan
from scheduler.rules.check import check_plan
from scheduler.rules.evaluate import ClusterDecision, evaluate
from scheduler.scenario.data import (
    Actual,
    Budget,
    Cap,
    Cluster,
    Dependency,
    Horizon,
    Legacy,
    Milestone,
    Mode,
    Objective,
    Phase,
    Policy,
    Range,
    Risk,
    RiskEvent,
    Scenario,
    Supplier,
)
from scheduler.units import parse_month

__all__ = [
    "Budget",
    "Cap",
    "Objective",
    "Policy",
    "Supplier",
    "as_at",
    "busy_plan",
    "cluster",
    "m",
    "phase",
    "plan_of",
    "scenario",
]


def m(text: str) -> int:
    """A month ordinal from ``YYYY-MM``."""
    return parse_month(text)


def _uses(uses: Mapping[str, int] | None) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((uses or {}).items()))


def phase(
    pid: str,
    months: int = 1,
    cost: int = 0,
    uses: Mapping[str, int] | None = None,
    max_wait: int = 0,
    options: list[tuple[int, int, Mapping[str, int] | None]] | None = None,
) -> Phase:
    """A phase; ``options`` is a list of ``(months, cost, uses)``, one mode per option."""
    if options is None:
        return Phase(pid, (Mode(months, cost, _uses(uses)),), max_wait)
    modes = tuple(
        Mode(mo, co, _uses(us), index, f"option {index}")
        for index, (mo, co, us) in enumerate(options)
    )
    return Phase(pid, modes, max_wait)


def cluster(cid: str, *phases: Phase, **fields) -> Cluster:
    for key in ("earliest_entry", "latest_entry", "fixed_entry"):
        if isinstance(fields.get(key), str):
            fields[key] = m(fields[key])
    return Cluster(cid, tuple(phases), **fields)


def scenario(
    *clusters: Cluster,
    start: str = "2024-04",
    end: str = "2026-03",
    budget: Budget | None = None,
    suppliers: tuple[Supplier, ...] = (),
    policy: Policy | None = None,
    objective: Objective | None = None,
    fy_start: int = 4,
) -> Scenario:
    return Scenario(
        name="test",
        horizon=Horizon(m(start), m(end), fy_start),
        clusters=tuple(clusters),
        budget=budget,
        suppliers=suppliers,
        policy=policy or Policy(),
        objective=objective or Objective(),
    )


def as_at(
    sc: Scenario, status: str, facts: Mapping[tuple[str, str], tuple[str, str | int]]
) -> Scenario:
    """``sc`` as at status date ``status`` with actuals: ``facts[(cluster, phase)]`` is
    ``(actual_start, actual_end)`` for a finished phase or ``(actual_start, remaining_months)``
    for a running one (option 0 taken, its cost spread over the actual months)."""
    at = m(status)
    clusters = []
    for c in sc.clusters:
        phases = []
        for p in c.phases:
            fact = facts.get((c.id, p.id))
            if fact is None:
                phases.append(p)
                continue
            start, last = m(fact[0]), fact[1]
            running = isinstance(last, int)
            end = at + last - 1 if isinstance(last, int) else m(last)
            mode = replace(p.modes[0], months=end - start + 1)
            actual = Actual(start, end, running, p.modes[0], p.modes)
            phases.append(replace(p, modes=(mode,), actual=actual))
        clusters.append(replace(c, phases=tuple(phases)))
    return replace(sc, clusters=tuple(clusters), status_date=at)


def plan_of(
    sc: Scenario,
    entries: Mapping[str, int | str | ClusterDecision],
    releases: Mapping[str, Mapping[int, int]] | None = None,
    windows: bool = True,
) -> Plan:
    """The plan of back-to-back decisions (option 0) from these entries, or given decisions."""
    decisions = {}
    for c in sc.clusters:
        value = entries[c.id]
        if isinstance(value, ClusterDecision):
            decisions[c.id] = value
        else:
            entry = m(value) if isinstance(value, str) else value
            decisions[c.id] = ClusterDecision.back_to_back(c, entry)
    plan = evaluate(sc, decisions, releases).to_plan(sc)
    return plan.with_windows(entry_windows(sc, plan)) if windows else plan


def large_plan(clusters: int = 1000, seed: int = 7) -> tuple[Scenario, Plan]:
    rng = random.Random(seed)
    start = m("2024-04")
    horizon = Horizon(start, start + 119)
    suppliers = tuple(Supplier(f"s{i}", f"S{i}", 60) for i in range(10))
    built, decisions = [], {}
    for index in range(clusters):
        legacy = (Legacy("old", start + rng.randint(40, 110), "p2", 10_000),)
        c = cluster(
            f"c{index}",
            phase("p0", rng.randint(3, 9), 3_000_000, {rng.choice(suppliers).id: 1}),
            phase("p1", rng.randint(6, 18), 20_000_000, {rng.choice(suppliers).id: 1}),
            phase("p2", rng.randint(2, 6), 2_000_000),
            legacy=legacy,
            benefits=10_000,
        )
        built.append(c)
        decisions[c.id] = ClusterDecision.back_to_back(c, start + rng.randint(0, 80))
    caps = tuple(Cap(f"cap{y}", y, y + 1, 10**12) for y in range(2024, 2034, 2))
    sc = Scenario(
        "large",
        horizon,
        tuple(built),
        budget=Budget(5_000_000, caps=caps),
        suppliers=suppliers,
        objective=Objective(("net_cost", "completion")),
    )
    ev = evaluate(sc, decisions)
    assert ev.feasible, ev.violations[:3]
    return sc, ev.to_plan(sc)


def busy_plan() -> tuple[Scenario, Plan]:
    """Two suppliers of capacity 1, a dependency, a stagger and a fixed entry: every rule a run
    keeps has work to do."""
    sup = (Supplier("vendors", "V", 1), Supplier("teams", "T", 1))
    sc = scenario(
        cluster(
            "fix",
            phase("tender", 3, 300_000, {"vendors": 1}),
            phase("build", 6, 600_000, {"teams": 1}),
            fixed_entry="2024-04",
        ),
        cluster(
            "a",
            phase("tender", 3, 300_000, {"vendors": 1}),
            phase("build", 8, 800_000, {"teams": 1}),
            phase("run", 2, 0),
            legacy=(Legacy("old", m("2025-06"), "build", 10_000, m("2026-03")),),
        ),
        cluster(
            "b",
            phase("tender", 4, 400_000, {"vendors": 1}),
            phase("build", 5, 500_000, {"teams": 1}),
            depends_on=(
                Dependency("a", Milestone("tender", "end"), 3, Milestone("tender", "start")),
            ),
        ),
        end="2029-03",
        suppliers=sup,
        policy=Policy(stagger_months=2),
    )
    risk = Risk(
        runs=300,
        seed=5,
        phases=(("tender", Range(-30, 0, 60, True)), ("build", Range(-20, 10, 80, True))),
        events=(RiskEvent("slip", 0.3, 3, "run"),),
    )
    sc = replace(sc, risk=risk)
    entries = {"fix": "2024-04", "a": "2024-10", "b": "2025-05"}
    plan = plan_of(sc, entries)
    assert check_plan(sc, plan) == []
    return sc, plan
