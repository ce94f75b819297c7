"""``python -m scheduler check SCENARIO PLAN.json``: verify a saved plan against a scenario."""

from __future__ import annotations

import argparse
import math

from scheduler.cli.common import (
    EXIT_MISFIT,
    EXIT_OK,
    EXIT_UNVERIFIED,
    add_scenario_options,
    read_scenario,
)
from scheduler.errors import Problem, ScenarioError
from scheduler.pipeline import verify_plan
from scheduler.plan import Plan
from scheduler.rules.plan_file import read_plan_file


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="verify a plan JSON against a scenario: every rule, figure and claim",
        description="Verify a saved plan against a scenario: every rule, every reported figure "
        "(spend, funding, legacy, caps, objective terms and bounds, award, go-live, finish, entry "
        "windows recomputed), the scenario's name, and the plan's claim: an 'infeasible' or "
        "'unknown' plan is tried by solving the scenario for up to --time-limit seconds. Exit 0 "
        "when everything holds, 6 when the plan does not fit the scenario, 8 when a claim could "
        "not be verified.",
    )
    parser.add_argument("scenario", help="scenario file")
    parser.add_argument("plan", help="plan JSON written by --json or --out")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="how long to try solving the scenario to test an 'infeasible' or 'unknown' claim "
        "(default 10)",
    )
    add_scenario_options(parser)
    parser.set_defaults(run=run)


def read_plan(path: str) -> Plan:
    """A plan JSON file, validated field by field (problems by key path, exit 2)."""
    return read_plan_file(path).plan


def run(args: argparse.Namespace) -> int:
    if not math.isfinite(args.time_limit) or args.time_limit <= 0:
        message = f"must be a positive number of seconds, got {args.time_limit}"
        raise ScenarioError([Problem("--time-limit", None, "", message)])
    scenario = read_scenario(args.scenario, args.overrides)
    plan_file = read_plan_file(args.plan)
    verdict = verify_plan(scenario, plan_file, args.time_limit)
    status = plan_file.plan.status
    if verdict.violations:
        count = len(verdict.violations)
        print(f"{args.plan}: the {status} plan does not fit {args.scenario} ({count} problem(s)):")
        for violation in verdict.violations:
            print(f"  - {violation}")
        return EXIT_MISFIT
    if verdict.unverified:
        print(f"{args.plan}: not verified against {args.scenario}:")
        for line in verdict.unverified:
            print(f"  - {line}")
        return EXIT_UNVERIFIED
    print(f"{args.plan}: {status} plan passes every check against {args.scenario}")
    for note in verdict.notes:
        print(f"  - {note}")
    return EXIT_OK
