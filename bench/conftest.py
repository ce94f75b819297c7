"""Benchmarks as tests (pytest-benchmark), in two sizes.

Fast subset (CI, a few seconds; also runs once, untimed, in a plain ``pytest``)::

    pytest bench --benchmark-enable -m "not full"

Full runs (tens of minutes; figures in bench/README.md)::

    SCHEDULER_BENCH=full pytest bench --benchmark-enable -s

Tests marked ``full`` are skipped unless ``SCHEDULER_BENCH=full``. Every test records its figures
in ``benchmark.extra_info`` and in a table printed at the end of the session. Ratios between
solvers are taken within the same session, never asserted on.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

FULL = os.environ.get("SCHEDULER_BENCH", "").lower() == "full"
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SCHEDULER_SHARED_DATA", REPO / ".." / "shared" / "data"))
PSPLIB = SHARED_DATA / "psplib"

_TABLES: dict[str, list[dict]] = defaultdict(list)
_TOTALS: dict[str, float] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "full: long benchmark, run only with SCHEDULER_BENCH=full (see bench/README.md)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FULL:
        return
    skip = pytest.mark.skip(reason="full benchmark: set SCHEDULER_BENCH=full")
    for item in items:
        if "full" in item.keywords and str(item.path).startswith(str(Path(__file__).parent)):
            item.add_marker(skip)


@pytest.fixture
def psplib_dir() -> Path:
    if not (PSPLIB / "sm" / "j30").is_dir():
        pytest.skip(f"PSPLIB data not found at {PSPLIB} (set SCHEDULER_SHARED_DATA)")
    return PSPLIB


class Recorder:
    """Rows for the end-of-session tables, and totals for ratios taken in the same session."""

    def row(self, table: str, **fields: object) -> None:
        _TABLES[table].append(fields)

    def total(self, key: str, seconds: float) -> None:
        _TOTALS[key] = seconds

    def get_total(self, key: str) -> float | None:
        return _TOTALS.get(key)


@pytest.fixture
def record() -> Recorder:
    return Recorder()


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    return "" if value is None else str(value)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if not _TABLES:
        return
    write = terminalreporter.write_line
    for table, rows in _TABLES.items():
        columns = list(dict.fromkeys(key for row in rows for key in row))
        cells = [[_format(row.get(col)) for col in columns] for row in rows]
        widths = [max(len(col), *(len(r[i]) for r in cells)) for i, col in enumerate(columns)]
        terminalreporter.section(f"bench: {table}", sep="-")
        write("| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |")
        write("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for r in cells:
            write("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
