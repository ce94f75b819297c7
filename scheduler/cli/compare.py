"""``python -m scheduler compare A B [C ...]``: compare plans side by side.

Each input is a scenario file (solved here with the solve options), a plan JSON written by
``--json``/``--out`` (detected by content: ``"format": "scheduler-plan/1"``), or a variants file
(expanded to its variants, the implicit ``base`` first). Differences are against the first input.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from scheduler.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_PLAN,
    EXIT_OK,
    add_scenario_options,
    add_solve_options,
    check_outputs,
    check_solve_args,
    parse_overrides,
    solve_options,
)
from scheduler.errors import Problem, ScenarioError
from scheduler.pipeline import solve
from scheduler.report.atomic import write_atomic
from scheduler.report.compare_report import render_comparison, render_markdown, story_text
from scheduler.report.html.compare_page import write_compare_html
from scheduler.units import printable
from scheduler.whatif.compare import compare, read_inputs, solve_inputs

COUNTERFACTUAL_SECONDS = 10.0  # each counterfactual solve of an attribution, at most


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="compare plans side by side: objective, clusters, funding, binding rules, summary",
        description="Compare two or more plans side by side: objective terms, each cluster's "
        "market entry, award, go-live, options and funding, the rules that bind, and a "
        "plain-language summary of what changed and why. Differences are against the first "
        "input. Scenarios are solved here; plan JSONs are compared on their own figures "
        "(their binding rules need --scenario); a variants file expands to its variants.",
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="scenario file, plan JSON (scheduler-plan/1) or variants file",
    )
    parser.add_argument(
        "--scenario",
        metavar="FILE",
        help="the scenario of the plan JSON inputs, for their binding rules and option labels",
    )
    parser.add_argument("--json", metavar="FILE", help="write the comparison as JSON")
    parser.add_argument("--markdown", metavar="FILE", help="write the comparison as Markdown")
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="write the comparison as one self-contained HTML page, with the plans' Gantts "
        "aligned and what moved marked",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print only the summary, not the tables"
    )
    add_scenario_options(parser)
    add_solve_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_solve_args(args)
    check_outputs(
        [*args.inputs, getattr(args, "scenario", None)],
        files=[("--json", args.json), ("--markdown", args.markdown)],
    )
    overrides = parse_overrides(args.overrides)
    subjects = read_inputs(args.inputs, overrides, args.scenario)
    if len(subjects) < 2:
        message = "needs at least two plans to compare (two inputs, or a variants file)"
        raise ScenarioError([Problem(args.inputs[0], None, "", message)])
    options = solve_options(args)
    subjects = solve_inputs(subjects, lambda s: solve(s, options, solver=args.solver).plan)
    bounded = replace(
        options,
        time_limit=min(options.time_limit, COUNTERFACTUAL_SECONDS),
        deterministic=True,
        log=False,
    )
    how = f"each solved deterministically in at most {bounded.time_limit:g} s"
    comparison = compare(subjects, lambda s: solve(s, bounded, solver=args.solver).plan, how)
    if args.json is not None:
        _write(args.json, comparison.to_json())
    if args.markdown is not None:
        _write(args.markdown, printable(render_markdown(comparison)))
    if args.html:
        write_compare_html(comparison, args.html)
    if args.quiet:
        print("\n\n".join(story_text(story, 0) for story in comparison.summary))
    else:
        print(render_comparison(comparison), end="")
    statuses = [s.plan.status if s.plan else "unknown" for s in subjects]
    if any(status == "infeasible" for status in statuses):
        return EXIT_INFEASIBLE
    if any(status not in ("optimal", "feasible") for status in statuses):
        return EXIT_NO_PLAN
    return EXIT_OK


def _write(path: str, text: str) -> None:
    write_atomic(path, text)
