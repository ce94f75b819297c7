"""``python -m scheduler generate --clusters N --years Y --seed S [-o FILE]``: a synthetic scenario."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scheduler.cli.common import EXIT_OK
from scheduler.errors import Problem, ScenarioError
from scheduler.instances.generate import generate_yaml


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="write a synthetic, feasible scenario of any size (for benchmarks and tests)",
        description="Draw a realistic programme of N clusters over Y financial years (from 2025-04) "
        "within the ranges of docs/context.md: phase lengths, costs scaled by users, standard and "
        "accelerated implementation options, legacy expiries, dependencies, an ERP market and "
        "integrator pools, binding budget caps. Capacities, caps and hard deadlines are set so "
        "that a greedy schedule obeys them: the scenario is feasible by construction. The same "
        "seed gives the same file.",
    )
    parser.add_argument(
        "--clusters", type=int, required=True, metavar="N", help="number of clusters"
    )
    parser.add_argument("--years", type=int, default=10, metavar="Y", help="horizon (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(run=run)


MAX_CLUSTERS = 10_000  # the largest scenario the project solves (README "Scale")
MAX_YEARS = 50


def _check(args: argparse.Namespace) -> None:
    """Sizes the generator can draw in reasonable time, refused at the edge in one line."""
    problems = []
    if not 1 <= args.clusters <= MAX_CLUSTERS:
        message = f"must be 1 to {MAX_CLUSTERS:,}, got {args.clusters}"
        problems.append(Problem("--clusters", None, "", message))
    if args.years > MAX_YEARS:
        problems.append(
            Problem("--years", None, "", f"must be at most {MAX_YEARS}, got {args.years}")
        )
    if problems:
        raise ScenarioError(problems)


def run(args: argparse.Namespace) -> int:
    _check(args)
    try:
        text = generate_yaml(args.clusters, args.years, args.seed)
    except ValueError as error:
        raise ScenarioError([Problem("generate", None, "", str(error))]) from None
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{args.output}: {args.clusters} clusters over {args.years} years", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
