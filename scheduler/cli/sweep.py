"""``python -m scheduler sweep SCENARIO --vary PATH=SPEC ...`` or ``sweep VARIANTS.yaml``.

Solve every variant (a grid of ``--vary`` axes, or a variants file's variants) on local worker
processes or a Dask cluster, and report one row per variant: table, CSV, chart.
"""

from __future__ import annotations

import argparse
import sys

from scheduler.cli.common import (
    EXIT_OK,
    EXIT_SOME_VARIANTS_FAILED,
    add_counted_solve_options,
    add_scenario_options,
    check_outputs,
    check_solve_args,
    parse_overrides,
    solve_options,
)
from scheduler.errors import Problem, ScenarioError
from scheduler.report.html.sweep_page import render_sweep_html, write_sweep_html
from scheduler.report.sweep_chart import write_chart
from scheduler.report.sweep_report import render_sweep, write_csv, write_sweep
from scheduler.solve.options import MILP_ENGINES
from scheduler.whatif.executors import cpu_count, dask_runner, local_runner, start_method
from scheduler.whatif.sweep import SweepSpec, grid_spec, parse_vary, run_sweep, variants_spec

EXIT_INTERRUPTED = 130

DESCRIPTION = """\
Solve many variants of a scenario and report one row per variant: the varied values, status,
every objective term, late months, solve seconds and whether the warm start was used.

  sweep SCENARIO --vary PATH=FROM..TO/STEP   a range of money, whole numbers or months:
        --vary budget.caps.SR21.amount=£250m..£450m/£25m
        --vary policy.stagger_months=0..6/1     --vary policy.deadline=2028-03..2029-03/3
  sweep SCENARIO --vary PATH=a,b,c           a list of values (any YAML values)
  sweep VARIANTS.yaml                        the variants of a variants file

Several --vary make a grid (every combination; the first --vary varies slowest). Ranges include
TO when a step lands on it. The unvaried scenario is solved first and its plan is the warm-start
hint of every variant. Sweeps solve deterministically by default, so rows do not depend on
--jobs or --dask. When a cap amount (budget.caps.NAME.amount) is varied, the report gives the
price of the funding gap, measured on the swept amounts only.

One variant never stops a sweep: a variant that is not a valid scenario (status invalid), has no
plan (infeasible, or unknown: none in the time limit), fails in the solver (error) or whose
worker dies (failed: a local variant is retried once in a fresh process) is a row saying why, and
every other row is written. The exit status is then 7 (0 when every variant is optimal, feasible
or infeasible).
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="solve a grid of variants (--vary) or a variants file; table, CSV and chart",
        description=DESCRIPTION,
    )
    parser.add_argument("scenario", help="scenario file, or a variants file (with variants:)")
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="PATH=SPEC",
        help="vary a scenario value over FROM..TO/STEP or a,b,c; may be repeated (a grid)",
    )
    parser.add_argument(
        "--risk",
        action="store_true",
        help="also simulate every plan under the scenario's risk section and show each hard "
        "deadline's probability and completion at P80 (on by default when a risk.* path is varied)",
    )
    add_scenario_options(parser)
    output = parser.add_argument_group("output")
    output.add_argument("--csv", metavar="FILE", help="write the rows as CSV (money in pounds)")
    output.add_argument("--chart", metavar="FILE.png", help="write a PNG chart of the sweep")
    output.add_argument(
        "--html",
        metavar="FILE",
        help="write the sweep as one self-contained HTML page (chart and table)",
    )
    output.add_argument(
        "--out",
        metavar="DIR",
        help="write sweep.txt, sweep.csv, sweep.png, sweep.html and every variant's plan "
        "(plans/NNN.json)",
    )
    output.add_argument(
        "--quiet", action="store_true", help="no progress bar and no notes on stderr"
    )
    run_group = parser.add_argument_group("execution")
    run_group.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="local worker processes, each solving one variant at a time "
        "(default: cores // --workers)",
    )
    run_group.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run the variants on an existing Dask distributed cluster, e.g. tcp://host:8786; "
        "its workers must run the same shared-services-scheduler, code and ortools (checked first). A worker "
        "started with --resources CPU=N runs variants needing --workers CPU each up to N; "
        "otherwise one variant per worker thread",
    )
    solver = add_counted_solve_options(
        parser,
        "solver (per variant)",
        time_limit_help="limit per variant, all objective stages (default 60; in the solver's "
        "deterministic time unless --wall-clock)",
        workers_help="solver threads per variant (default 1)",
        wall_clock_help="count the time limit in wall-clock seconds; rows may then depend on "
        "machine load",
    )
    solver.add_argument("--solver", choices=("cp-sat", "milp"), default="cp-sat")
    solver.add_argument(
        "--milp-engine",
        choices=MILP_ENGINES,
        default=None,
        help="the MILP solver with --solver milp: cbc (default) or highs",
    )
    parser.set_defaults(run=run, log=False)


def _spec(args: argparse.Namespace) -> SweepSpec:
    from scheduler.scenario.variants import is_variants_file

    sets = parse_overrides(args.overrides)
    if is_variants_file(args.scenario):
        if args.vary:
            message = "cannot be combined with a variants file; add variants to the file instead"
            raise ScenarioError([Problem("--vary", None, "", message)])
        return variants_spec(args.scenario, sets)
    if not args.vary:
        message = "nothing to sweep: give --vary PATH=FROM..TO/STEP (or a variants file)"
        raise ScenarioError([Problem("--vary", None, "", message)])
    axes, problems = [], []
    for argument in args.vary:
        try:
            axes.append(parse_vary(argument))
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(problems)
    return grid_spec(args.scenario, sets, axes)


def _check(args: argparse.Namespace) -> None:
    check_solve_args(args)
    check_outputs(
        [args.scenario],
        files=[("--csv", args.csv), ("--chart", args.chart)],
        directories=[("--out", args.out, ("sweep.txt", "sweep.csv", "sweep.png"))],
    )
    if args.jobs is not None and args.jobs < 1:
        raise ScenarioError([Problem("--jobs", None, "", f"must be at least 1, got {args.jobs}")])
    if args.jobs is not None and args.dask:
        message = "--jobs is for local workers; a Dask cluster has its own workers"
        raise ScenarioError([Problem("--dask", None, "", message)])


def _note(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    _check(args)
    spec = _spec(args)
    cores = cpu_count()
    if args.dask:
        runner, where = dask_runner(args.dask, cpus=args.workers), f"Dask cluster {args.dask}"
    else:
        jobs = args.jobs or max(1, cores // args.workers)
        runner, where = local_runner(jobs), f"{jobs} local process(es), {start_method()}"
        if jobs * args.workers > cores:
            print(
                f"warning: --jobs {jobs} x --workers {args.workers} = {jobs * args.workers} solver "
                f"threads on {cores} core(s): oversubscribed, every solve will be slower "
                "(rows are unaffected when solving deterministically)",
                file=sys.stderr,
            )
    options = solve_options(args)  # log is off (set_defaults): workers share stderr
    _note(args, f"solving the base scenario, then {len(spec.variants)} variant(s) on {where}")
    from tqdm import tqdm

    bar = tqdm(
        total=len(spec.variants),
        file=getattr(sys.stderr, "raw", sys.stderr),  # it draws with carriage returns
        unit="variant",
        desc="sweep",
        disable=args.quiet or not sys.stderr.isatty(),
    )
    with bar:
        result = run_sweep(
            spec,
            options,
            runner,
            args.solver,
            on_row=lambda _: bar.update(1),
            executor=where,
            risk=True if args.risk else None,
        )
    print(render_sweep(result))
    written = []
    if args.csv is not None:
        written.append(write_csv(result, args.csv))
    if args.chart is not None and result.rows:
        written.append(write_chart(result, args.chart))
    if args.html is not None:
        written.append(write_sweep_html(result, args.html))
    if args.out is not None:
        written += write_sweep(result, args.out, html=render_sweep_html)
    rate = result.throughput
    _note(
        args,
        f"{len(result.rows)} variant(s) in {result.seconds:.1f} s"
        + (f" ({rate:.2f} variants/s)" if rate else "")
        + f" on {where}; wrote {len(written)} file(s)",
    )
    if result.interrupted:
        print(
            f"interrupted: {len(result.rows)} of {len(spec.variants)} variants finished; "
            "the rows written are those",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    failed = result.failed
    if failed:
        counts: dict[str, int] = {}
        for row in failed:
            counts[row.result.status] = counts.get(row.result.status, 0) + 1
        named = ", ".join(f"{count} {status}" for status, count in counts.items())
        print(
            f"warning: {len(failed)} of {len(spec.variants)} variant(s) have no answer ({named}); "
            "their rows say why, the other rows are complete",
            file=sys.stderr,
        )
        return EXIT_SOME_VARIANTS_FAILED
    return EXIT_OK
