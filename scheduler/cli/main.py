"""The command line: parse arguments, run one sub-command, turn errors into exit codes.

The CLI holds no logic of its own: each sub-command is a module of :mod:`scheduler.cli`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from scheduler import __version__
from scheduler.cli import (
    check,
    compare,
    funding,
    generate,
    import_psplib,
    report,
    risk,
    solve,
    sweep,
)
from scheduler.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_CODES_HELP,
    EXIT_INTERNAL,
    closed_pipe,
    printable_output,
)
from scheduler.errors import OptionError, PlanCheckError, ScenarioError

COMMANDS = (solve, check, report, risk, sweep, compare, funding, generate, import_psplib)


class Parser(argparse.ArgumentParser):
    """The top-level parser; ``commands`` are the sub-commands' names (``solve``, ``check``...)."""

    commands: frozenset[str] = frozenset()


def build_parser() -> Parser:
    parser = Parser(
        prog="python -m scheduler",
        description="Procurement scheduling optimiser: market-entry windows, supplier options and "
        "funding tranches for the shared-services clusters, on OR-Tools CP-SAT. "
        "'python -m scheduler SCENARIO' is short for 'python -m scheduler solve SCENARIO'.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    for sub in subparsers.choices.values():
        sub.epilog = EXIT_CODES_HELP
        sub.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.commands = frozenset(subparsers.choices)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every line it prints has control characters escaped
    (:func:`scheduler.units.printable`), and a closed pipe (``| head``) ends it quietly."""
    with printable_output():
        return _main(list(sys.argv[1:] if argv is None else argv))


def _main(args_list: list[str]) -> int:
    parser = build_parser()
    if args_list and args_list[0] not in parser.commands and not args_list[0].startswith("-"):
        args_list.insert(0, "solve")
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exit_:
        return EXIT_BAD_INPUT if exit_.code not in (0, None) else 0
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        code = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        return closed_pipe()
    except ScenarioError as error:
        count = len(error.problems)
        print(f"error: {count} problem(s) in the input:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OptionError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PlanCheckError as error:
        print(
            "error: the plan failed the independent check (a bug; please report it):",
            file=sys.stderr,
        )
        for violation in error.violations:
            print(f"  - {violation}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if os.environ.get("SCHEDULER_DEBUG"):
            raise
        print(
            f"internal error: {type(error).__name__}: {error}. This is a bug in scheduler; "
            "rerun with SCHEDULER_DEBUG=1 for the traceback and report it with the scenario.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
