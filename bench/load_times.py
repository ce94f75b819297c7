"""Wall and CPU time of ``load_scenario`` on one file, best of N loads in one process (the
"CPU time" table of bench/README.md's loading section; CPU time is less inflated than wall time
by other processes on a busy machine):

    python -m scheduler generate --clusters 1000 --years 10 --seed 1 -o /tmp/g1000.yaml
    python bench/load_times.py /tmp/g1000.yaml 5

Before and after a change, run it alternately on the two trees (``PYTHONPATH=TREE``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

if "PYTHONPATH" not in os.environ:  # else the tree it names (a before/after comparison)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler.scenario.load import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("runs", type=int, nargs="?", default=5)
    args = parser.parse_args()
    wall = cpu = float("inf")
    for _ in range(args.runs):
        started, used = time.perf_counter(), time.process_time()
        scenario = load_scenario(args.file)
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - used)
        del scenario
    print(f"{args.file}: best of {args.runs}: wall {wall:.3f} s, CPU {cpu:.3f} s")


if __name__ == "__main__":
    main()
