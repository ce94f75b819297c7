"""Monte Carlo of a plan: sampling, the serial schedule generator, and the statistics."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from builders import busy_plan, cluster, m, phase, plan_of, scenario
from risk_runs import every_run_keeps_the_rules

from scheduler.analysis.risk.sampling import round_half_up, triangular_cdf, triangular_inverse
from scheduler.analysis.risk.simulate import run_samples, simulate
from scheduler.analysis.risk.stats import percentile
from scheduler.plan import Plan
from scheduler.scenario.data import (
    Legacy,
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
    sc, plan = busy_plan()
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


def test_every_sampled_schedule_keeps_the_rules() -> None:
    sc, plan = busy_plan()
    every_run_keeps_the_rules(sc, plan, sample=300)


@pytest.mark.slow
def test_every_sampled_schedule_of_the_base_plan_keeps_the_rules() -> None:
    sc, plan = _base()
    sc = dataclasses.replace(sc, risk=dataclasses.replace(sc.risk, runs=400))
    every_run_keeps_the_rules(sc, plan, sample=100)


def test_the_plans_order_on_a_supplier_is_kept() -> None:
    sc, plan = busy_plan()
    runs = run_samples(sc, plan)
    jobs = runs.jobs
    for i, a in enumerate(jobs):
        for j, b in enumerate(jobs):
            shared = {s for s, _ in a.uses} & {s for s, _ in b.uses}
            if shared and a.start < b.start:
                assert np.all(runs.schedule.start[i] <= runs.schedule.start[j])


def test_a_fixed_seed_gives_identical_results_and_another_seed_other_runs() -> None:
    sc, plan = busy_plan()
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
    sc, plan = busy_plan()
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
