"""``python -m scheduler report SCENARIO PLAN.json -o FILE``: the board pack of a saved plan."""

from __future__ import annotations

import argparse

from scheduler.cli.check import read_plan
from scheduler.cli.common import EXIT_CHECK_FAILED, EXIT_OK, add_scenario_options, read_scenario
from scheduler.report.html import write_report
from scheduler.rules.check import check_plan


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the HTML board pack (report.html) of a saved plan",
        description="Re-check a plan JSON against its scenario, then write its HTML report: "
        "headline, Gantt, funding per financial year against the caps, supplier use, critical "
        "chain and dependency graph, each chart with its data as a table. One self-contained "
        "file (no network needed); the same plan gives the same bytes.",
    )
    parser.add_argument("scenario", help="scenario file")
    parser.add_argument("plan", help="plan JSON written by --json or --out")
    parser.add_argument(
        "-o", "--output", metavar="FILE", default="report.html", help="HTML file (report.html)"
    )
    add_scenario_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    scenario = read_scenario(args.scenario, args.overrides)
    plan = read_plan(args.plan)
    violations = check_plan(scenario, plan)
    if violations:
        print(f"{args.plan}: the plan breaks {len(violations)} rule(s) of {args.scenario}:")
        for violation in violations:
            print(f"  - {violation}")
        print("no report written: it would show a plan the scenario does not allow")
        return EXIT_CHECK_FAILED
    path = write_report(scenario, plan, args.output)
    print(f"wrote {path}")
    return EXIT_OK
