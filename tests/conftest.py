"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from scheduler.pipeline import SOLVERS


@pytest.fixture(params=SOLVERS)
def solver(request: pytest.FixtureRequest) -> str:
    """Each solver backend in turn (``cp-sat``, ``milp``): a test of behaviour that must not
    depend on the backend takes this fixture and runs once per backend. Keep such tests on small
    scenarios, which the MILP solves in well under a second."""
    return request.param
