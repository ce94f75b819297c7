"""``python -m scheduler [solve] SCENARIO``: solve, check and report a plan."""

from __future__ import annotations

import argparse
import sys

from scheduler.analysis.graph import critical_chain
from scheduler.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_INTERRUPTED,
    EXIT_NO_PLAN,
    EXIT_OK,
    add_scenario_options,
    add_solve_options,
    check_solve_args,
    read_scenario,
    solve_options,
)
from scheduler.pipeline import solve
from scheduler.report.outputs import write_json, write_outputs
from scheduler.report.terminal import render_plan
from scheduler.solve.interrupt import interruptible

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
    add_scenario_options(parser)
    add_solve_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_solve_args(args)
    scenario = read_scenario(args.scenario, args.overrides)
    with interruptible() as interrupt:  # Ctrl-C / SIGTERM: stop the solve, keep the best plan
        outcome = solve(scenario, solve_options(args), solver=args.solver, interrupt=interrupt)
        plan = outcome.plan
        if args.json:
            write_json(plan, args.json, scenario)
        if args.out:
            write_outputs(scenario, plan, args.out)
    if args.quiet:
        print(f"{scenario.name}: {plan.status}")
    else:
        chain = critical_chain(scenario, plan) if plan.has_schedule else []
        print(render_plan(scenario, plan, chain))
        stats = outcome.stats
        print(
            f"\nmodel built in {stats.build_seconds:.2f} s; solved in {stats.solve_seconds:.2f} s "
            f"over {len(stats.stages)} objective stage(s); plan re-checked independently: "
            + ("passed" if plan.has_schedule else "no plan to check"),
            file=sys.stderr,
        )
    if outcome.stats.interrupted:
        return EXIT_INTERRUPTED[outcome.stats.interrupted]
    return STATUS_EXIT.get(plan.status, EXIT_NO_PLAN)
