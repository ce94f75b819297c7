"""The command line: parse arguments, run one sub-command, turn errors into exit codes.

The CLI holds no logic of its own: each sub-command is a module of :mod:`scheduler.cli`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from scheduler import __version__
from scheduler.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_CODES_HELP,
    EXIT_INTERNAL,
    closed_pipe,
    printable_output,
)
from scheduler.errors import OptionError, PlanCheckError, ScenarioError

COMMANDS = {
    "solve": "solve",
    "check": "check",
    "report": "report",
    "risk": "risk",
    "sweep": "sweep",
    "compare": "compare",
    "funding": "funding",
    "generate": "generate",
    "import-psplib": "import_psplib",
}
"""Each sub-command's name and its module in :mod:`scheduler.cli`. A run imports only the module
of the command it runs (``--help`` and a bad command import them all): the others' imports (the
what-if analyses, the HTML pages) took 0.4-1.1 s of ``python -m scheduler SCENARIO``."""


class Parser(argparse.ArgumentParser):
    """The top-level parser; ``commands`` are the sub-commands' names (``solve``, ``check``...)."""

    commands: frozenset[str] = frozenset()


def build_parser(only: str | None = None) -> Parser:
    """The parser of every sub-command, or with ``only`` of that one alone."""
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
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(f"scheduler.cli.{module}").add_parser(subparsers)
    for sub in subparsers.choices.values():
        sub.epilog = EXIT_CODES_HELP
        sub.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.commands = frozenset(COMMANDS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every line it prints has control characters escaped
    (:func:`scheduler.units.printable`), and a closed pipe (``| head``) ends it quietly."""
    with printable_output():
        return _main(list(sys.argv[1:] if argv is None else argv))


def _main(args_list: list[str]) -> int:
    if args_list and args_list[0] not in COMMANDS and not args_list[0].startswith("-"):
        args_list.insert(0, "solve")
    parser = build_parser(args_list[0] if args_list and args_list[0] in COMMANDS else None)
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
