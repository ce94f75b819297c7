"""``python -m scheduler generate --clusters N --years Y --seed S [-o FILE]``: a synthetic scenario."""

from __future__ import annotations

import argparse
import sys

from scheduler.cli.common import EXIT_OK, check_outputs
from scheduler.errors import Problem, ScenarioError
from scheduler.instances.generate import generate_yaml
from scheduler.report.atomic import write_text


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


def run(args: argparse.Namespace) -> int:
    check_outputs([], files=[("--output", args.output)])
    try:
        text = generate_yaml(args.clusters, args.years, args.seed)
    except ValueError as error:
        raise ScenarioError([Problem("generate", None, "", str(error))]) from None
    if args.output is not None:
        write_text(args.output, text)
        print(f"{args.output}: {args.clusters} clusters over {args.years} years", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
