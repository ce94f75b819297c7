"""How often the bundled CBC stalls, with ``threads 1`` against its serial code (no ``threads``).

    python bench/cbc_threads.py 1 60       # threads 1: 60 rounds of the test case
    python bench/cbc_threads.py none 60    # serial, as the MILP backend runs CBC

Each round solves the "waits, entries per year, deadline" case of ``tests/solve/test_milp.py``
(``--deterministic``, seed 7, time limit 20 s) with the MILP backend; a stage taking more than 2 s
(it takes about 0.05 s) is a stall, printed with its stages. Not a pytest benchmark: it counts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pulp

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "solve")]

from cases import waits  # noqa: E402

from scheduler.pipeline import solve  # noqa: E402
from scheduler.solve.milp import backend  # noqa: E402
from scheduler.solve.options import SolveOptions  # noqa: E402


def main() -> None:
    threads = None if sys.argv[1] == "none" else int(sys.argv[1])
    rounds = int(sys.argv[2])
    cbc = pulp.PULP_CBC_CMD

    def with_threads(**options):
        return cbc(**options, threads=threads)

    backend.pulp.PULP_CBC_CMD = with_threads
    stalls = 0
    for _ in range(rounds):
        outcome = solve(waits(), SolveOptions(time_limit=20, deterministic=True, seed=7), "milp")
        stages = [(stage.status, round(stage.seconds, 2)) for stage in outcome.stats.stages]
        if any(seconds > 2 for _, seconds in stages):
            stalls += 1
            print("stall:", stages, flush=True)
    print(f"threads {threads}: {stalls} stall(s) in {rounds} solves")


if __name__ == "__main__":
    main()
