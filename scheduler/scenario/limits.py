"""The limits on what a scenario may hold: far above any programme a planner writes, low enough
that no file, however small or hostile, can make loading or solving exhaust the machine.

Each is checked before the work it protects (reading, parsing, building the model) and reported as
a ``FILE:LINE: key: ...`` problem. README "Limits" states them for users.
"""

from __future__ import annotations

__all__ = [
    "MAX_COUNT",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_HORIZON_MONTHS",
    "MAX_INSTANCES",
    "MAX_MONEY",
    "MAX_NAME",
    "MAX_NODES",
    "MAX_TOTAL",
    "MAX_WEIGHT",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""A scenario file is at most 20 MiB (a generated 10,000-cluster scenario is about 5.5 MB)."""

MAX_NODES = 1_000_000
"""YAML values (keys, scalars, lists, mappings) after every alias is expanded: an alias bomb is
refused by counting as the file is parsed, never by expanding it (1,000 generated clusters are
about 69,000 values)."""

MAX_DEPTH = 64
"""Lists and mappings nested inside each other, aliases expanded (a scenario needs about 8)."""

MAX_HORIZON_MONTHS = 1_200
"""A horizon of at most 100 years; every month count (phase and option months, waits, stagger,
dependency lags) must also fit within the scenario's own horizon."""

MAX_MONEY = 10**15
"""Any one amount of money is at most £1,000,000bn (£10^15)."""

MAX_TOTAL = 2**53
"""The largest value any objective term (or weighted sum) can take, given the scenario's own sizes,
is at most 2^53 pounds (about £9.0 quadrillion): the solvers' integers hold it, and the MILP's
floating point holds every pound of it exactly."""

MAX_COUNT = 10**9
"""Supplier capacities, units of use, users and entries per year are at most 10^9."""

MAX_WEIGHT = 10**6
"""An objective weight is at most 10^6."""

MAX_INSTANCES = 10**6
"""A legacy system stands for at most 10^6 instances (Matrix's 15 are the largest known)."""

MAX_NAME = 200
"""A cluster's ``platform`` is at most 200 characters (it is a name, shown in tables)."""
