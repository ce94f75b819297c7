"""Options and helpers shared by the sub-commands: exit codes, scenario loading, solve options."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from scheduler.errors import OptionError, Problem, ScenarioError
from scheduler.scenario.data import Scenario
from scheduler.scenario.keypath import split_assignment
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import MILP_ENGINES, SolveOptions
from scheduler.units import printable

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4
EXIT_CHECK_FAILED = 5
EXIT_MISFIT = 6  # check: the plan does not fit this scenario (the user's mismatch)
EXIT_SOME_VARIANTS_FAILED = 7  # sweep: the rows are written, but some variants have no answer
EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE, as a shell reports a tool whose reader went away
EXIT_UNVERIFIED = 8  # check: a claim of the plan could not be verified
EXIT_INTERRUPTED = {"SIGINT": 130, "SIGTERM": 143}  # the shell's codes for the two signals

EXIT_CODES_HELP = """\
exit status:
  0  a plan was found (optimal or feasible) and passed the independent check
  1  internal error (a bug: please report it with the scenario)
  2  bad input: the scenario, plan or options have problems (each named FILE:LINE: key)
  3  infeasible: no plan satisfies every rule (the output explains which rules conflict)
  4  no plan within the time limit (not proven infeasible; try a longer --time-limit)
  5  a plan the solver made failed the independent check (a bug: please report it)
  6  check: the plan does not fit this scenario (a rule, figure or claim of the plan is wrong)
  7  sweep: every row was written, but some variants have no answer (invalid, no plan in
     the time limit, an internal error, or a worker that died); their rows say why
  8  check: a claim of the plan could not be verified (e.g. 'infeasible' with no proof found)
  130, 143  solve interrupted by Ctrl-C (SIGINT) or SIGTERM: the best plan found so far was
     checked and written (status feasible, with a note); a second signal exits at once
  141  the output was closed early (e.g. piped into head)
"""


class _StatusDate(argparse.Action):
    """``--status-date YYYY-MM``: the same as ``--set status_date=YYYY-MM``."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        overrides = list(getattr(namespace, "overrides", None) or [])
        overrides.append(f"status_date={values}")
        namespace.overrides = overrides


class PrintableStream:
    """A text stream that writes :func:`~scheduler.units.printable` text to ``raw``: a name
    holding escape sequences is shown escaped, never obeyed by the terminal. ``raw`` is still
    there for a progress bar, which draws with carriage returns."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(printable(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


@contextlib.contextmanager
def printable_output() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` as :class:`PrintableStream` while a command runs."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(saved[0]), PrintableStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def closed_pipe() -> int:
    """The reader of stdout went away (``... | head``): stop quietly. What is still buffered
    goes nowhere (stdout is pointed at the null device, so the exit flush cannot complain)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_CLOSED_PIPE


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--status-date",
        action=_StatusDate,
        metavar="YYYY-MM",
        help="re-plan as at the start of this month: months before it are history (the "
        "scenario's actuals; an actual on or after it is an error); same as --set status_date=",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value, e.g. --set budget.caps.SR21.amount=£403m "
        "(lists of named items are addressed by id or name; a name with dots as "
        'legacy[name=SAP ECC 6.0] or legacy."SAP ECC 6.0"); may be repeated',
    )


def add_solve_options(parser: argparse.ArgumentParser, seed_flag: str = "--seed") -> None:
    """The solver's options; ``seed_flag`` names its seed (``risk`` keeps ``--seed`` for the
    samples and gives the solver ``--solver-seed``)."""
    group = parser.add_argument_group("solver")
    group.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="wall-clock limit for the whole solve, all objective stages (default 60)",
    )
    group.add_argument(
        seed_flag, dest="seed", type=int, default=0, help="random seed of the solver (default 0)"
    )
    group.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="solver threads (default: 2, or 1 on a one-core machine)",
    )
    group.add_argument(
        "--deterministic",
        action="store_true",
        help="byte-identical plans on rerun: deterministic parallel search with the time limit "
        "counted in the solver's deterministic time, and no wall-clock figure in the plan",
    )
    group.add_argument(
        "--solver",
        choices=("cp-sat", "milp"),
        default="cp-sat",
        help="cp-sat (default) or milp (PuLP with CBC or HiGHS, for cross-checking)",
    )
    group.add_argument(
        "--milp-engine",
        choices=MILP_ENGINES,
        default=None,
        help="the MILP solver with --solver milp: cbc (default, a child process) or highs "
        "(HiGHS through highspy, in this process)",
    )
    group.add_argument("--log", action="store_true", help="print the solver's search log")


def add_counted_solve_options(
    parser: argparse.ArgumentParser,
    title: str,
    time_limit_help: str,
    workers_help: str,
    wall_clock_help: str,
) -> argparse._ArgumentGroup:
    """The solver's options of a command that solves many questions with the time limit counted
    in the solver's deterministic time by default (``funding``, ``sweep``): ``--time-limit``
    (default 60), ``--workers`` (default 1), ``--seed`` and ``--wall-clock`` (which clears
    ``deterministic``). Returns the group, for the command's own solver options."""
    group = parser.add_argument_group(title)
    group.add_argument(
        "--time-limit", type=float, default=60.0, metavar="SECONDS", help=time_limit_help
    )
    group.add_argument("--workers", type=int, default=1, help=workers_help)
    group.add_argument("--seed", type=int, default=0, help="random seed of the solver (default 0)")
    group.add_argument(
        "--wall-clock", dest="deterministic", action="store_false", help=wall_clock_help
    )
    parser.set_defaults(deterministic=True)
    return group


def solve_options(args: argparse.Namespace) -> SolveOptions:
    """The options of the command line; ``--milp-engine`` without ``--solver milp`` is refused
    (``OptionError``: it would be silently ignored)."""
    engine = getattr(args, "milp_engine", None)
    if engine is not None and getattr(args, "solver", "milp") != "milp":
        raise OptionError("--milp-engine", f"applies only with --solver milp, not {args.solver}")
    return SolveOptions(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        deterministic=args.deterministic,
        log=args.log,
        milp_engine=engine or "cbc",
    )


def parse_overrides(values: Sequence[str]) -> list[tuple[str, str]]:
    """``PATH=VALUE`` strings into pairs; a malformed one is a bad-input problem."""
    pairs = []
    problems = []
    for value in values:
        split = split_assignment(value)
        if split is None or not split[0].strip():
            problems.append(Problem("--set", None, value, "expected PATH=VALUE"))
        else:
            pairs.append((split[0].strip(), split[1]))
    if problems:
        raise ScenarioError(problems)
    return pairs


def read_scenario(path: str, overrides: Sequence[str] = ()) -> Scenario:
    """Load a scenario with ``--set`` overrides; its warnings go to stderr."""
    scenario = load_scenario(path, parse_overrides(overrides))
    for warning in scenario.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return scenario


def check_solve_args(args: argparse.Namespace) -> None:
    """Refuse out-of-range solve options before any work (raises ``OptionError``: exit 2)."""
    solve_options(args)


def check_outputs(
    inputs: Sequence[str | None],
    files: Sequence[tuple[str, str | None]] = (),
    directories: Sequence[tuple[str, str | None, Sequence[str]]] = (),
) -> None:
    """Before any work: every output a command was asked for can be written, and none is one of
    its ``inputs``. ``files`` are ``(option, path)``; ``directories`` are ``(option, path, names
    the command writes in it)``. An unset option (``None``) is skipped; an empty path is refused."""
    sources = [Path(path) for path in inputs if path]
    problems = []
    for option, path in files:
        if path is not None:
            problems += _output_problems(option, path, sources, directory=False)
    for option, path, names in directories:
        if path is None:
            continue
        found = _output_problems(option, path, sources, directory=True)
        problems += found
        if not found:
            for name in names:
                problems += _output_problems(option, str(Path(path) / name), sources, False)
    if problems:
        raise ScenarioError(problems)


def _output_problems(
    option: str, path: str, sources: Sequence[Path], directory: bool
) -> list[Problem]:
    def problem(message: str) -> list[Problem]:
        return [Problem(option, None, "", message)]

    if not path.strip():
        return problem("expected a path, got an empty one")
    target = Path(path)
    if target.exists():
        if directory and not target.is_dir():
            return problem(f"{path} is a file, not a directory")
        if not directory and target.is_dir():
            return problem(f"{path} is a directory, not a file")
        for source in sources:
            if source.exists() and os.path.samefile(source, target):
                return problem(f"{path} is the input {source}; refusing to write over it")
    parent = target if directory and target.exists() else target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return problem(f"cannot write {path}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        return problem(f"cannot write {path}: no permission to write in {parent}")
    return []
