"""Risk benchmarks: Monte Carlo runs of a plan (sampling, re-timing and statistics together).

Targets (issue 9): 10,000 runs of the base plan in under 2 s; 1,000 runs of a generated
100-cluster plan in under 10 s. The base plan is solved once (deterministic); the 100-cluster plan
is the greedy starting schedule (a checked plan, not an optimised one: the re-timing does not care
how good the plan is). The generated scenario gets every lifecycle phase ranged -10%/+10%/+50%
and one event, so that every job is uncertain. The time is taken by ``simulate`` alone.
"""

from __future__ import annotations

import dataclasses
import time

from conftest import REPO

from scheduler.analysis.risk.simulate import simulate
from scheduler.instances.generate import generate_yaml
from scheduler.pipeline import solve
from scheduler.rules.check import check_plan
from scheduler.rules.evaluate import evaluate
from scheduler.scenario.data import Range, Risk, RiskEvent
from scheduler.scenario.load import load_scenario, load_scenario_text
from scheduler.solve.greedy import greedy_schedule
from scheduler.solve.options import SolveOptions


def _timed(benchmark, record, name, scenario, plan, runs):
    started = time.perf_counter()
    result = benchmark.pedantic(simulate, args=(scenario, plan, runs), rounds=3, iterations=1)
    seconds = (time.perf_counter() - started) / 3
    jobs = sum(len(c.phases) for c in plan.clusters)
    info = {"plan": name, "runs": runs, "jobs": jobs, "mean_s": round(seconds, 3)}
    benchmark.extra_info.update(info)
    record.row("risk", **info)
    return result


def test_risk_base_10000_runs(benchmark, record) -> None:
    scenario = load_scenario(REPO / "scenarios" / "base.yaml")
    plan = solve(scenario, SolveOptions(time_limit=20, workers=1, deterministic=True)).plan
    result = _timed(benchmark, record, "base.yaml", scenario, plan, 10_000)
    assert result.runs == 10_000 and result.most_at_risk is not None


def test_risk_generated_100_1000_runs(benchmark, record) -> None:
    scenario = load_scenario_text(generate_yaml(100, 10, 1), "generated-100")
    ids = sorted({p.id for c in scenario.clusters for p in c.phases})
    risk = Risk(
        runs=1000,
        phases=tuple((pid, Range(-10, 10, 50, percent=True)) for pid in ids),
        events=(RiskEvent("supplier failure", 0.1, 6, ids[-1]),),
    )
    scenario = dataclasses.replace(scenario, risk=risk)
    plan = evaluate(scenario, greedy_schedule(scenario)).to_plan(scenario)
    assert check_plan(scenario, plan) == []
    result = _timed(benchmark, record, "generated 100 (greedy plan)", scenario, plan, 1000)
    assert result.runs == 1000
