"""The versions of the solver packages, for plans and for checking that workers match."""

from __future__ import annotations

import ortools
import pulp

__all__ = ["solver_versions"]


def solver_versions() -> dict[str, str]:
    """``{"ortools": ..., "pulp": ...}``: the packages whose version can change a plan."""
    return {"ortools": ortools.__version__, "pulp": pulp.__version__}  # type: ignore[attr-defined]
