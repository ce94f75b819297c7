"""``python -m scheduler import-psplib FILE.sm [-o FILE]``: a PSPLIB RCPSP instance as a scenario."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scheduler.cli.common import EXIT_OK, check_outputs
from scheduler.instances.from_psplib import read_rcpsp, scenario_yaml
from scheduler.report.atomic import write_text


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-psplib",
        help="turn a PSPLIB single-mode instance (.sm) into a scenario YAML",
        description="Map a PSPLIB RCPSP instance onto a scenario: each activity a one-phase cluster "
        "'j<jobnr>' (phase 'work', one period = one month), each renewable resource a supplier "
        "'r<k>', each precedence a depends_on with lag 0, objective [completion]. The dummy "
        "source and sink are dropped, keeping the precedences through them. Solve the result and "
        "read the makespan as completion - horizon.start + 1.",
    )
    parser.add_argument("instance", help="PSPLIB .sm file")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_outputs([args.instance], files=[("--output", args.output)])
    instance = read_rcpsp(args.instance)
    text = scenario_yaml(instance, source=Path(args.instance).name)
    if args.output is not None:
        write_text(args.output, text)
        print(
            f"{args.output}: {len(instance.jobs)} activities, {len(instance.capacities)} "
            f"resources, horizon {instance.horizon} months",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return EXIT_OK
