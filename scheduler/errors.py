"""Errors a planner can act on: each names the file, the line and the key that is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file: ``FILE:LINE: key.path: what is wrong``."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario (or plan, or override) that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.key, p.message))
        super().__init__("\n".join(str(problem) for problem in self.problems))


class OptionError(ValueError):
    """A solve option out of range (``--time-limit nan``, ``--seed -1``): one line, exit 2."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(f"{option}: {message}")


class PlanCheckError(Exception):
    """A plan that breaks its scenario's rules, found by the independent check."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        super().__init__("\n".join(violations))
