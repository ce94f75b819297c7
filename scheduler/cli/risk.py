"""``python -m scheduler risk SCENARIO``: Monte Carlo of a plan under the scenario's ``risk``."""

from __future__ import annotations

import argparse
import sys

from scheduler.analysis.risk.sampling import MAX_SEED
from scheduler.analysis.risk.simulate import simulate
from scheduler.cli.check import read_plan
from scheduler.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_INFEASIBLE,
    EXIT_NO_PLAN,
    EXIT_OK,
    add_scenario_options,
    add_solve_options,
    check_solve_args,
    read_scenario,
    solve_options,
)
from scheduler.errors import Problem, ScenarioError
from scheduler.pipeline import solve
from scheduler.report.risk_report import render_risk, write_risk, write_risk_json
from scheduler.rules.check import check_plan
from scheduler.scenario.risk import MAX_RUNS


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "risk",
        help="simulate a plan under the scenario's duration ranges and events (Monte Carlo)",
        description="Simulate a plan (solved first when --plan is not given) under sampled "
        "durations and events, keeping its decisions and moving only what the samples push; "
        "report how likely each legacy expiry and hard deadline holds, percentiles of go-live "
        "and completion, caps, criticality and the drivers of each date at risk.",
    )
    parser.add_argument("scenario", help="scenario file with a risk section")
    parser.add_argument("--plan", metavar="PLAN.json", help="simulate this plan instead of solving")
    parser.add_argument("--runs", type=int, help="Monte Carlo runs (default risk.runs, 10000)")
    parser.add_argument(
        "--risk-seed",
        "--sample-seed",
        dest="risk_seed",
        type=int,
        help="seed of the samples (default risk.seed); --seed is the solver's",
    )
    parser.add_argument(
        "--out", metavar="DIR", help="write risk.txt, risk.json, risk.csv, runs.csv, risk.png"
    )
    parser.add_argument("--json", metavar="FILE", help="write the summary as JSON")
    add_scenario_options(parser)
    add_solve_options(parser)
    parser.set_defaults(run=run)


def _check_args(args: argparse.Namespace) -> None:
    problems = []
    if args.runs is not None and not 1 <= args.runs <= MAX_RUNS:
        problems.append(Problem("--runs", None, "", f"must be 1 to {MAX_RUNS:,}, got {args.runs}"))
    if args.risk_seed is not None and not 0 <= args.risk_seed <= MAX_SEED:
        message = f"must be 0 to {MAX_SEED}, got {args.risk_seed}"
        problems.append(Problem("--risk-seed", None, "", message))
    if problems:
        raise ScenarioError(problems)


def run(args: argparse.Namespace) -> int:
    check_solve_args(args)
    _check_args(args)
    scenario = read_scenario(args.scenario, args.overrides)
    if scenario.risk is None:
        print(
            f"warning: {args.scenario} has no risk section: every duration is certain",
            file=sys.stderr,
        )
    if args.plan:
        plan = read_plan(args.plan)
        violations = check_plan(scenario, plan)
        if violations:
            print(f"{args.plan}: the plan breaks {len(violations)} rule(s) of {args.scenario}:")
            for violation in violations:
                print(f"  - {violation}")
            return EXIT_CHECK_FAILED
        source = f"plan {args.plan}"
    else:
        plan = solve(scenario, solve_options(args), solver=args.solver).plan
        source = f"plan solved now, {plan.status}"
    if not plan.has_schedule:
        print(f"{scenario.name}: {plan.status}: no plan to simulate")
        for line in plan.explanation:
            print(f"  {line}")
        return EXIT_INFEASIBLE if plan.status == "infeasible" else EXIT_NO_PLAN
    result = simulate(scenario, plan, runs=args.runs, seed=args.risk_seed)
    if args.json:
        write_risk_json(result, scenario, args.json)
    if args.out:
        write_risk(result, scenario, args.out)
    print(render_risk(scenario, result, source), end="")
    return EXIT_OK
