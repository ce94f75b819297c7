"""``python -m scheduler funding SCENARIO --cap NAME``: the least funding at which each promise
holds, found exactly by optimisation, with the plan at that amount; ``--frontier`` adds the exact
funding frontier between ``--from`` and ``--to``."""

from __future__ import annotations

import argparse
from pathlib import Path

from scheduler.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_PLAN,
    EXIT_OK,
    add_counted_solve_options,
    add_scenario_options,
    check_outputs,
    read_scenario,
)
from scheduler.errors import Problem, ScenarioError
from scheduler.report.funding_files import write_funding_csv, write_funding_json
from scheduler.report.funding_report import render_funding, write_funding
from scheduler.solve.options import SolveOptions
from scheduler.units import UnitError, parse_money
from scheduler.whatif.funding import funding

DESCRIPTION = """\
For each promise, the least amount of a cap at which it holds, found exactly by optimisation (the
amount is a decision, minimised, with the promise as constraints), and the plan at that amount
(solved with the cap set to it and the promise kept, re-checked independently). Promises:

  a plan exists                  every rule of the scenario holds
  every hard deadline holds      the same question (hard deadlines are rules of the scenario)
  no legacy expiry missed        0 late months in total (--late-months N: at most N)
  target NAME (MONTH)            one per target: its clusters go live by its month
  <first term> at its best       the first objective stage at its best with the cap unlimited

A promise no amount keeps says so and names the rules that stop it. --cap may be repeated (each
cap answered on its own, the others at their amounts); --scale-caps scales every cap by one
factor. --frontier adds the breakpoints of the best first objective term (and of late months)
against the cap between --from and --to.
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "funding",
        help="the least cap amount at which each promise holds (exact), and the funding frontier",
        description=DESCRIPTION,
    )
    parser.add_argument("scenario", help="scenario file")
    parser.add_argument(
        "--cap", action="append", default=[], metavar="NAME", help="a cap's name; may be repeated"
    )
    parser.add_argument(
        "--scale-caps", action="store_true", help="every cap's amount scaled by one factor"
    )
    parser.add_argument(
        "--late-months",
        type=int,
        default=0,
        metavar="N",
        help="the expiry promise allows at most N late months in total (default 0: none)",
    )
    parser.add_argument(
        "--frontier", action="store_true", help="also the exact funding frontier of each cap"
    )
    parser.add_argument(
        "--from",
        dest="low",
        metavar="AMOUNT",
        help="frontier from this amount (£m if bare, e.g. 100)",
    )
    parser.add_argument(
        "--to",
        dest="high",
        metavar="AMOUNT",
        help="frontier up to this amount (£m if bare, e.g. 500)",
    )
    add_scenario_options(parser)
    output = parser.add_argument_group("output")
    output.add_argument("--json", metavar="FILE", help="write the answers as JSON")
    output.add_argument("--csv", metavar="FILE", help="write the answers as CSV (money in pounds)")
    output.add_argument(
        "--out",
        metavar="DIR",
        help="write funding.txt, funding.json, funding.csv, frontier-CAP.png and each "
        "promise's plan (plans/CAP-PROMISE.json)",
    )
    add_counted_solve_options(
        parser,
        "solver",
        time_limit_help="limit per optimisation (each least amount, each plan, each frontier "
        "step; default 60; in the solver's deterministic time unless --wall-clock)",
        workers_help="solver threads (default 1: the questions are many small solves, which one "
        "thread answers fastest; see bench/README.md)",
        wall_clock_help="count the time limit in wall-clock seconds; answers cut short may then "
        "vary",
    )
    parser.set_defaults(run=run)


def _amount(option: str, text: str | None, default: int, scale: bool) -> int:
    """A frontier bound: money (``£100m``, or a bare number of £m) for a cap, a factor
    (``0.5``) for the scale; in pounds or basis points."""
    if text is None:
        return default
    try:
        if scale:
            return round(float(text) * 10_000)
        bare = text.strip().replace(",", "")
        if bare.replace(".", "", 1).isdigit():
            return parse_money(f"£{bare}m")
        return parse_money(text)
    except (UnitError, ValueError, OverflowError):
        want = "a factor such as 0.5" if scale else "an amount such as 100 (£m) or £250m"
        raise ScenarioError([Problem(option, None, "", f"expected {want}, got {text!r}")]) from None


def _bounds(args: argparse.Namespace) -> tuple[int, int] | None:
    if not args.frontier:
        if args.low is not None or args.high is not None:
            message = "--from and --to bound the frontier: add --frontier"
            raise ScenarioError([Problem("--frontier", None, "", message)])
        return None
    if args.scale_caps and args.cap:
        message = "--frontier takes one lever: one --cap, or --scale-caps"
        raise ScenarioError([Problem("--frontier", None, "", message)])
    if len(args.cap) > 1:
        message = "--frontier takes one --cap at a time"
        raise ScenarioError([Problem("--frontier", None, "", message)])
    scale = args.scale_caps
    low = _amount("--from", args.low, 0, scale)
    high = _amount("--to", args.high, 10 * 10_000 if scale else 0, scale)
    if not scale and args.high is None:
        raise ScenarioError(
            [Problem("--to", None, "", "give the frontier's upper bound, e.g. --to 500")]
        )
    if low < 0 or high < low:
        message = f"expected 0 <= --from <= --to, got {args.low} and {args.high}"
        raise ScenarioError([Problem("--to", None, "", message)])
    return low, high


def run(args: argparse.Namespace) -> int:
    options = SolveOptions(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        deterministic=args.deterministic,
    )
    if args.late_months < 0:
        message = f"must be 0 or more, got {args.late_months}"
        raise ScenarioError([Problem("--late-months", None, "", message)])
    bounds = _bounds(args)
    check_outputs(
        [args.scenario],
        files=[("--json", args.json), ("--csv", args.csv)],
        directories=[("--out", args.out, ("funding.txt", "funding.json", "funding.csv"))],
    )
    scenario = read_scenario(args.scenario, args.overrides)
    result = funding(scenario, args.cap, args.scale_caps, args.late_months, options, bounds)
    print(render_funding(result))
    if args.json is not None:
        write_funding_json(result, args.json)
    if args.csv is not None:
        write_funding_csv(result, args.csv)
    if args.out is not None:
        write_funding(result, Path(args.out))
    answers = [answer for lever in result.levers for answer in lever.promises]
    plan_promise = [answer for answer in answers if answer.key == "plan"]
    if any(answer.least.status == "infeasible" for answer in plan_promise):
        return EXIT_INFEASIBLE  # no amount gives a plan at all
    if any(answer.least.status == "unknown" for answer in answers):
        return EXIT_NO_PLAN
    return EXIT_OK
