"""Making a HiGHS solver (``highspy``) that prints nothing: shared by the LP bound of the CP-SAT
backend (:mod:`scheduler.solve.cpsat.lpbound`) and the MILP backend's HiGHS engine."""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["quiet_highs"]


def quiet_highs() -> Any:
    """A ``highspy.Highs`` with output off. HiGHS writes its banner to file descriptor 1 when the
    first one is made, before any option can be set, so that descriptor is pointed at /dev/null
    meanwhile (the terminal report and ``--json -`` own stdout). ``highspy`` is imported here,
    on first use, not when the solver modules are."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    return highs
