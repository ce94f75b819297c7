"""Seconds and peak RSS of each step for a generated programme, in one process:

    python bench/steps.py 10000            # generate, load, greedy, evaluate, windows, floats,
    python bench/steps.py 5000 --model     # check, graph, terminal report, plan JSON (--model:
    python bench/steps.py 2000 --profile windows   # also the CP-SAT model build; --profile
                                                   # STEP: cProfile's top functions of STEP)

The pipeline's steps run on the greedy schedule (no solve), so each is timed on its own: the
figures of bench/README.md's "Per step" table.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler.analysis.graph import build_graph, critical_chain
from scheduler.analysis.total_float import phase_floats
from scheduler.analysis.window import entry_windows
from scheduler.instances.generate import generate_yaml
from scheduler.plan import SolverInfo
from scheduler.report.outputs import plan_json
from scheduler.report.terminal import render_plan
from scheduler.rules.check import check_plan
from scheduler.rules.evaluate import evaluate
from scheduler.scenario.gcpause import gc_paused
from scheduler.scenario.load import load_scenario_text
from scheduler.solve.greedy import greedy_schedule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clusters", type=int)
    parser.add_argument("--model", action="store_true", help="also build the CP-SAT model")
    parser.add_argument("--profile", action="append", default=[], metavar="STEP")
    args = parser.parse_args()

    def step(name: str, work: Callable[[], Any]) -> Any:
        profile = cProfile.Profile() if name in args.profile else None
        started = time.perf_counter()
        if profile:
            profile.enable()
        with gc_paused():  # as the loader and the pipeline run them
            result = work()
        if profile:
            profile.disable()
        seconds = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{name:10s} {seconds:8.2f} s   peak RSS {rss:6.0f} MB", flush=True)
        if profile:
            pstats.Stats(profile).sort_stats("tottime").print_stats(20)
        return result

    text = step("generate", lambda: generate_yaml(args.clusters, 10, 1))
    scenario = step("load", lambda: load_scenario_text(text, f"generated-{args.clusters}"))
    decisions = step("greedy", lambda: greedy_schedule(scenario))
    assert decisions is not None, "the greedy schedule failed"
    info = SolverInfo(name="greedy")
    plan = step(
        "evaluate", lambda: evaluate(scenario, decisions).to_plan(scenario, "feasible", info)
    )
    plan = step("windows", lambda: plan.with_windows(entry_windows(scenario, plan)))
    plan = step("floats", lambda: plan.with_floats(phase_floats(scenario, plan)))
    violations = step("check", lambda: check_plan(scenario, plan))
    assert not violations, violations[:3]
    if args.model:
        from scheduler.solve.cpsat.model import CpsatModel

        step("model", lambda: CpsatModel(scenario, should_stop=lambda: False))
    graph = step("graph", lambda: build_graph(scenario, plan))
    step("chain", lambda: critical_chain(scenario, plan, graph))
    step("terminal", lambda: render_plan(scenario, plan, []))
    step("json", lambda: plan_json(plan, scenario))


if __name__ == "__main__":
    main()
