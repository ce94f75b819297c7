"""``python -m scheduler check SCENARIO PLAN.json``: re-check a plan against its scenario."""

from __future__ import annotations

import argparse
import json

from scheduler.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add_scenario_options,
    read_scenario,
)
from scheduler.errors import Problem, ScenarioError
from scheduler.plan import Plan
from scheduler.rules.check import check_plan


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="re-check a plan JSON against a scenario, without any solver",
        description="Re-check every rule and every reported figure of a plan against its scenario.",
    )
    parser.add_argument("scenario", help="scenario file")
    parser.add_argument("plan", help="plan JSON written by --json or --out")
    add_scenario_options(parser)
    parser.set_defaults(run=run)


def read_plan(path: str) -> Plan:
    """Read a plan file; anything wrong with it is a bad-input problem naming the file."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ScenarioError([Problem(path, None, "", "no such file")]) from None
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem(path, exc.lineno, "", f"not JSON: {exc.msg}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(path, None, "", f"cannot be read: {exc}")]) from None
    try:
        return Plan.from_dict(data)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ScenarioError([Problem(path, None, "", f"not a valid plan: {what}")]) from None


def run(args: argparse.Namespace) -> int:
    scenario = read_scenario(args.scenario, args.overrides)
    plan = read_plan(args.plan)
    violations = check_plan(scenario, plan)
    if violations:
        print(f"{args.plan}: the plan breaks {len(violations)} rule(s) of {args.scenario}:")
        for violation in violations:
            print(f"  - {violation}")
        return EXIT_CHECK_FAILED
    print(f"{args.plan}: {plan.status} plan passes every check against {args.scenario}")
    return EXIT_OK
