"""Options shared by every solver backend, validated when made (at the edge: the CLI and the
Python API both build a :class:`SolveOptions`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scheduler.errors import OptionError
from scheduler.plan import Plan

MAX_WORKERS = 64  # more solver threads than this only costs memory; CP-SAT gains nothing
MAX_SEED = 2**31 - 1  # CP-SAT's random_seed is a 32-bit signed integer
MILP_ENGINES = ("cbc", "highs")  # the MILP backend's solvers, through PuLP


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: a wall-clock limit for the whole solve (all objective stages together, and
    building the model), solver threads, the random seed, and ``deterministic`` for
    byte-identical plans (CP-SAT's interleaved search, with the time limit and every time share
    between stages counted in deterministic time instead of the wall clock).

    ``milp_engine`` picks the MILP backend's solver (``--solver milp``): CBC or HiGHS.

    Raises :class:`~scheduler.errors.OptionError` for a time limit that is not a finite positive
    number of seconds, workers outside ``1..MAX_WORKERS``, a seed outside ``0..2**31-1`` or an
    unknown MILP engine."""

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False
    log: bool = False
    hint: Plan | None = None
    milp_engine: str = "cbc"  # the MILP backend's solver: "cbc" or "highs" (--milp-engine)

    def __post_init__(self) -> None:
        limit = self.time_limit
        if isinstance(limit, bool) or not isinstance(limit, int | float):
            raise OptionError("--time-limit", f"expected a number of seconds, got {limit!r}")
        if not math.isfinite(limit) or limit <= 0:
            raise OptionError(
                "--time-limit", f"expected a finite number of seconds above 0, got {limit}"
            )
        _whole("--workers", self.workers, 1, MAX_WORKERS)
        _whole("--seed", self.seed, 0, MAX_SEED)
        if self.milp_engine not in MILP_ENGINES:
            choices = " or ".join(repr(engine) for engine in MILP_ENGINES)
            raise OptionError("--milp-engine", f"expected {choices}, got {self.milp_engine!r}")


def _whole(option: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise OptionError(option, f"expected a whole number from {low} to {high}, got {value!r}")
