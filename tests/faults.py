"""Faults on purpose, for the tests of what survives them.

:func:`faulty_solve` is a sweep's per-variant function (:func:`scheduler.whatif.sweep.solve_task`)
that misbehaves according to the variant's scenario name, so a test sweeps ``--vary name=...``:

- ``kill``: the solve sends SIGKILL to its own process (what the out-of-memory killer does);
- ``exit``: the solve ends its own process with ``os._exit(3)`` (a crash in native code);
- ``flaky:PATH``: the first solve creates PATH and kills its process; a retry solves normally;
- ``hang:PATH``: the solve creates PATH (so the test knows it started) and sleeps for ten minutes;
- anything else: solved normally.

It lives in ``tests/`` (on the pytest path) so that worker processes can import it by name.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from scheduler.whatif.sweep import SolveTask, VariantResult, solve_task


def faulty_solve(task: SolveTask) -> VariantResult:
    name = task.scenario.name
    if name == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if name == "exit":
        os._exit(3)
    if name.startswith("flaky:"):
        mark = Path(name.partition(":")[2])
        if not mark.exists():
            mark.touch()
            os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("hang:"):
        Path(name.partition(":")[2]).touch()
        time.sleep(600)
    return solve_task(task)
