"""Monte Carlo of a plan: sampling, the serial schedule generator, and the statistics."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from builders import Supplier, cluster, m, phase, plan_of, scenario

from scheduler.analysis.risk.sampling import round_half_up, triangular_cdf, triangular_inverse
from scheduler.analysis.risk.simulate import run_samples, simulate
from scheduler.analysis.risk.stats import percentile
from scheduler.plan import Plan
from scheduler.rules.check import check_plan
from scheduler.rules.evaluate import ClusterDecision, evaluate
from scheduler.scenario.data import (
    Dependency,
    Legacy,
    Milestone,
    Policy,
    Range,
    Risk,
    RiskEvent,
    Scenario,
)
from scheduler.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def _one_phase(risk: Risk, months: int = 10, expires: str = "2025-03") -> tuple[Scenario, Plan]:
    sc = scenario(
        cluster(
            "a",
            phase("build", months, 1_000_000),
            legacy=(Legacy("old", m(expires), "build", 100_000, m("2025-06")),),
            earliest_entry="2024-04",
        ),
        end="2030-03",
    )
    sc = dataclasses.replace(sc, risk=risk)
    return sc, plan_of(sc, {"a": "2024-04"})


def _busy() -> tuple[Scenario, Plan]:
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
    sc = dataclasses.replace(sc, risk=risk)
    entries = {"fix": "2024-04", "a": "2024-10", "b": "2025-05"}
    plan = plan_of(sc, entries)
    assert check_plan(sc, plan) == []
    return sc, plan


def _base() -> tuple[Scenario, Plan]:
    sc = load_scenario(ROOT / "scenarios" / "base.yaml")
    from scheduler.pipeline import solve
    from scheduler.solve.options import SolveOptions

    return sc, solve(sc, SolveOptions(time_limit=30, workers=1, deterministic=True)).plan


def test_triangular_inverse_matches_the_cdf() -> None:
    u = np.linspace(0.001, 0.999, 999)
    x = triangular_inverse(u, 8.0, 10.0, 16.0)
    assert [triangular_cdf(v, 8, 10, 16) for v in x] == pytest.approx(list(u), abs=1e-9)
    assert np.all(triangular_inverse(u, 5.0, 5.0, 5.0) == 5.0)


def test_rounding_is_half_up_and_at_least_one_month() -> None:
    assert list(round_half_up(np.array([0.2, 1.49, 1.5, 2.5, 10.5]))) == [1, 1, 2, 3, 11]


def test_a_deterministic_range_gives_the_plans_dates_and_certain_answers() -> None:
    sc, plan = _busy()
    certain = Risk(
        runs=50, phases=(("tender", Range(0, 0, 0, True)), ("build", Range(0, 0, 0, True)))
    )
    sc = dataclasses.replace(sc, risk=certain)
    runs = run_samples(sc, plan)
    for j, job in enumerate(runs.jobs):
        assert set(runs.schedule.start[j]) == {job.start}
        assert set(runs.draws.months[j]) == {job.months}
    result = simulate(sc, plan)
    (item,) = result.legacy
    assert item.p_expiry in (0.0, 1.0) and item.p_deadline in (0.0, 1.0)
    planned = plan.cluster("a").legacy[0]
    assert item.p_expiry == float(planned.retired <= planned.expires)
    assert item.retired == (planned.retired,) * 3
    assert result.completion == (max(c.finish for c in plan.clusters),) * 3
    assert all(index in (0.0, 1.0) for _, index in result.criticality)


def test_one_phase_probability_has_its_closed_form() -> None:
    """Retired by the expiry iff the drawn months round to <= 12, i.e. x < 12.5."""
    runs = 20_000
    sc, plan = _one_phase(
        Risk(runs=runs, seed=11, cluster_phases=(("a", "build", Range(8, 10, 16)),))
    )
    expires = plan.cluster("a").phases[0].start + 12 - 1
    sc = dataclasses.replace(
        sc,
        clusters=(dataclasses.replace(sc.clusters[0], legacy=(Legacy("old", expires, "build"),)),),
    )
    (item,) = simulate(sc, plan).legacy
    exact = triangular_cdf(12.5, 8, 10, 16)
    assert abs(item.p_expiry - exact) <= 4 * math.sqrt(exact * (1 - exact) / runs)


def test_an_event_adds_its_delay_with_its_probability() -> None:
    runs = 20_000
    risk = Risk(runs=runs, seed=2, events=(RiskEvent("late", 0.25, 4, "build"),))
    sc, plan = _one_phase(risk, months=10, expires="2025-01")  # planned to retire 2025-01
    (item,) = simulate(sc, plan).legacy
    assert abs((1 - item.p_expiry) - 0.25) <= 4 * math.sqrt(0.25 * 0.75 / runs)
    assert set(run_samples(sc, plan).draws.months[0]) == {10, 14}


def _relaxed(sc: Scenario, months: dict[tuple[str, str], int]) -> Scenario:
    """The scenario with the sampled months as the chosen modes' months and the outcome rules
    (waits after an early finish, latest entries, hard deadlines, caps, programme deadline,
    entries per year, supplier windows, horizon end) lifted: what a run must still obey."""
    clusters = []
    for c in sc.clusters:
        phases = tuple(
            dataclasses.replace(
                p,
                modes=tuple(dataclasses.replace(md, months=months[(c.id, p.id)]) for md in p.modes),
                max_wait=10**6,
            )
            for p in c.phases
        )
        legacy = tuple(dataclasses.replace(s, hard_deadline=None) for s in c.legacy)
        clusters.append(dataclasses.replace(c, phases=phases, legacy=legacy, latest_entry=None))
    suppliers = tuple(
        dataclasses.replace(s, available_from=None, available_to=None) for s in sc.suppliers
    )
    horizon = dataclasses.replace(sc.horizon, end=sc.horizon.end + 1200)
    policy = dataclasses.replace(sc.policy, deadline=None, max_entries_per_year=None)
    return dataclasses.replace(
        sc,
        clusters=tuple(clusters),
        suppliers=suppliers,
        horizon=horizon,
        policy=policy,
        budget=None,
    )


def _every_run_keeps_the_rules(sc: Scenario, plan: Plan, sample: int) -> None:
    runs = run_samples(sc, plan)
    options = {(c.id, p.id): p.option for c in plan.clusters for p in c.phases}
    for r in range(0, runs.draws.runs, max(1, runs.draws.runs // sample)):
        months = {
            (job.cluster, job.phase): int(runs.draws.months[j, r])
            for j, job in enumerate(runs.jobs)
        }
        relaxed = _relaxed(sc, months)
        decisions = {}
        for c in sc.clusters:
            idx = [j for j, job in enumerate(runs.jobs) if job.cluster == c.id]
            decisions[c.id] = ClusterDecision(
                tuple(int(runs.schedule.start[j, r]) for j in idx),
                tuple(options[(c.id, runs.jobs[j].phase)] for j in idx),
            )
        assert evaluate(relaxed, decisions).violations == [], f"run {r}"
        for j, job in enumerate(runs.jobs):
            assert runs.schedule.start[j, r] >= job.start  # never earlier than planned
            if job.fixed:
                assert runs.schedule.start[j, r] == job.start


def test_every_sampled_schedule_keeps_the_rules() -> None:
    sc, plan = _busy()
    _every_run_keeps_the_rules(sc, plan, sample=300)


@pytest.mark.slow
def test_every_sampled_schedule_of_the_base_plan_keeps_the_rules() -> None:
    sc, plan = _base()
    sc = dataclasses.replace(sc, risk=dataclasses.replace(sc.risk, runs=400))
    _every_run_keeps_the_rules(sc, plan, sample=100)


def test_the_plans_order_on_a_supplier_is_kept() -> None:
    sc, plan = _busy()
    runs = run_samples(sc, plan)
    jobs = runs.jobs
    for i, a in enumerate(jobs):
        for j, b in enumerate(jobs):
            shared = {s for s, _ in a.uses} & {s for s, _ in b.uses}
            if shared and a.start < b.start:
                assert np.all(runs.schedule.start[i] <= runs.schedule.start[j])


def test_a_fixed_seed_gives_identical_results_and_another_seed_other_runs() -> None:
    sc, plan = _busy()
    assert simulate(sc, plan) == simulate(sc, plan)
    first = run_samples(sc, plan).draws.months
    assert np.array_equal(first, run_samples(sc, plan).draws.months)
    assert not np.array_equal(first, run_samples(sc, plan, seed=99).draws.months)


def test_percentiles_are_values_some_run_took() -> None:
    values = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert (percentile(values, 0.5), percentile(values, 0.8), percentile(values, 0.9)) == (5, 8, 9)


def test_pro_rata_cost_follows_the_months_run() -> None:
    risk = Risk(runs=200, seed=1, cluster_phases=(("a", "build", Range(20, 20, 20)),))
    sc, plan = _one_phase(risk, months=10)
    detail = simulate(sc, plan).detail
    assert sum(int(v[0]) for v in detail.outcomes.spend.values()) == 2_000_000
    fixed = dataclasses.replace(sc, risk=dataclasses.replace(risk, cost="fixed"))
    detail = simulate(fixed, plan).detail
    assert sum(int(v[0]) for v in detail.outcomes.spend.values()) == 1_000_000


def test_drivers_and_criticality_name_the_phase_that_moves_the_date() -> None:
    sc, plan = _busy()
    result = simulate(sc, plan)
    (item,) = result.legacy
    assert item.drivers and item.drivers[0][0] in ("a build", "a tender")
    index = dict(result.criticality)
    assert index["fix tender"] <= 1 and all(0 <= v <= 1 for v in index.values())


@pytest.mark.slow
def test_base_names_the_cluster_most_at_risk() -> None:
    sc, plan = _base()
    result = simulate(sc, plan)
    most = result.most_at_risk
    assert most is not None and most.p_deadline is not None
    assert most.p_deadline == min(i.p_deadline for i in result.legacy if i.p_deadline is not None)
    assert 0 < most.p_deadline < 1
