"""``python -m scheduler [solve] SCENARIO``: solve, check and report a plan."""

from __future__ import annotations

import argparse
import math
import sys

from scheduler.analysis.graph import critical_chain
from scheduler.analysis.indicators import indicators
from scheduler.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_INTERRUPTED,
    EXIT_NO_PLAN,
    EXIT_OK,
    add_scenario_options,
    add_solve_options,
    check_outputs,
    check_solve_args,
    read_scenario,
    solve_options,
)
from scheduler.errors import Problem, ScenarioError
from scheduler.pipeline import Outcome, solve
from scheduler.report.outputs import SOLVE_OUTPUTS, write_json, write_outputs
from scheduler.report.robust_report import render_robust
from scheduler.report.terminal import render_plan
from scheduler.solve.interrupt import interruptible
from scheduler.whatif.robust import RobustResult, robust_solve

STATUS_EXIT = {"optimal": EXIT_OK, "feasible": EXIT_OK, "infeasible": EXIT_INFEASIBLE}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "solve",
        help="solve a scenario and print the plan (the default command)",
        description="Solve a scenario, re-check the plan independently and print it.",
    )
    parser.add_argument("scenario", help="scenario file (YAML, see docs/scenario-format.md)")
    parser.add_argument("--json", metavar="FILE", help="write the plan as JSON (scheduler-plan/1)")
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="write plan.json, plan.csv, report.txt, report.html (the board pack) and the "
        "dependency graph (graph.graphml, graph.dot, graph.json) into DIR",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the status line")
    robust = parser.add_argument_group("robust planning (needs the scenario's risk section)")
    robust.add_argument(
        "--robust",
        nargs="?",
        const="target",
        metavar="P",
        help="a plan whose every hard deadline holds with probability at least P (default "
        "risk.target) over sampled durations, at least cost; prints its price against the "
        "deterministic plan and the probability achieved on fresh samples",
    )
    robust.add_argument(
        "--robust-samples",
        type=int,
        default=2000,
        metavar="K",
        help="in-sample runs that size the deadline buffers (default 2000)",
    )
    add_scenario_options(parser)
    add_solve_options(parser)
    parser.set_defaults(run=run)


def _robust_target(args: argparse.Namespace) -> float | None:
    """``--robust``'s P (``None``: the scenario's ``risk.target``); a bad value is bad input."""
    problems = []
    if args.robust_samples < 1:
        message = f"must be at least 1, got {args.robust_samples}"
        problems.append(Problem("--robust-samples", None, "", message))
    target = None
    if args.robust != "target":
        try:
            target = float(args.robust)
        except ValueError:
            target = math.nan
        if not 0 < target <= 1:
            message = f"must be a probability above 0 and at most 1, like 0.8; got {args.robust}"
            problems.append(Problem("--robust", None, "", message))
    if problems:
        raise ScenarioError(problems)
    return target


def run(args: argparse.Namespace) -> int:
    check_solve_args(args)
    target = _robust_target(args) if args.robust is not None else None
    check_outputs(
        [args.scenario],
        files=[("--json", args.json)],
        directories=[("--out", args.out, SOLVE_OUTPUTS)],
    )
    scenario = read_scenario(args.scenario, args.overrides)
    with interruptible() as interrupt:  # Ctrl-C / SIGTERM: stop the solve, keep the best plan
        outcome = solve(scenario, solve_options(args), solver=args.solver, interrupt=interrupt)
        robust = None
        if args.robust is not None and not outcome.stats.interrupted:
            if scenario.risk is None:
                print(
                    f"warning: {args.scenario} has no risk section: every duration is certain, "
                    "so the deterministic plan holds every deadline",
                    file=sys.stderr,
                )
            found = robust_solve(
                scenario,
                solve_options(args),
                target,
                samples=args.robust_samples,
                solver=args.solver,
                deterministic=outcome,
            )
            if isinstance(found, RobustResult):
                robust = found
                outcome = Outcome(found.plan, outcome.stats)
        plan = outcome.plan
        shown = indicators(scenario, plan)  # once, for every output that shows them
        if args.json is not None:
            write_json(plan, args.json, scenario, shown)
        if args.out is not None:
            write_outputs(scenario, plan, args.out, shown)
    if args.quiet:
        print(f"{scenario.name}: {plan.status}")
    else:
        chain = critical_chain(scenario, plan) if plan.has_schedule else []
        print(render_plan(scenario, plan, chain, shown))
        if robust is not None:
            print(render_robust(robust))
        stats = outcome.stats
        first = stats.first_plan_seconds
        print(
            f"\nmodel built in {stats.build_seconds:.2f} s; solved in {stats.solve_seconds:.2f} s "
            f"over {len(stats.stages)} objective stage(s)"
            + ("" if first is None else f"; first plan at {first:.2f} s")
            + "; plan re-checked independently: "
            + ("passed" if plan.has_schedule else "no plan to check"),
            file=sys.stderr,
        )
    if outcome.stats.interrupted:
        return EXIT_INTERRUPTED[outcome.stats.interrupted]
    return STATUS_EXIT.get(plan.status, EXIT_NO_PLAN)
