"""Options shared by every solver backend."""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.plan import Plan


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: a wall-clock limit for the whole solve (all objective stages together),
    solver threads, the random seed, and ``deterministic`` for byte-identical plans (CP-SAT's
    interleaved search with a deterministic-time limit in place of the wall-clock one)."""

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False
    log: bool = False
    hint: Plan | None = None
