"""Hostile and careless files: each is refused as bad input (exit 2) with a ``FILE:LINE: key``
message, within 5 s of CPU and 500 MB of memory, before any model is built.

Each case runs ``python -m scheduler`` in a subprocess with ``RLIMIT_AS`` (memory) and
``RLIMIT_CPU`` (time) set, so a case that regressed to expanding an alias bomb or building a model
of a billion months is killed by the limit and fails here instead of hanging the suite.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "base.yaml"
MEMORY = 500 * 1024 * 1024
CPU_SECONDS = 5

SMALL = """\
name: Small
horizon: {{start: 2024-01, end: 2030-12}}
budget:
  caps: [{{name: SR, from: 2023-24, to: 2030-31, amount: £500m}}]
suppliers: [{{id: market, capacity: 2}}]
lifecycle:
  - {{id: tender, months: 6, cost: £6m, uses: [market]}}
  - {{id: build, months: 12, cost: £12m}}
clusters:
{clusters}
"""


def small(clusters: str, **extra: str) -> str:
    text = SMALL.format(clusters=textwrap.indent(textwrap.dedent(clusters).strip("\n"), "  "))
    for key, value in extra.items():
        text += f"{key}: {value}\n"
    return text


def alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int) -> str:
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}"]
    for level in range(1, levels):
        lines.append(f"m{level}: &m{level} {{<<: [{', '.join([f'*m{level - 1}'] * 8)}]}}")
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    return "name: deep\nx: " + "[" * depth + "]" * depth + "\n"


def nested_block(depth: int) -> str:
    return "\n".join("  " * level + f"k{level}:" for level in range(depth)) + " v\n"


# (case id, file text or a special, extra arguments, line expected, text the message holds)
CASES = [
    ("alias-bomb-10-levels", alias_bomb(10), [], 7, "more than 1,000,000 values with aliases"),
    ("alias-bomb-7-levels", alias_bomb(7), [], 7, "more than 1,000,000 values with aliases"),
    ("merge-key-bomb", merge_bomb(9), [], 7, "more than 1,000,000 values with aliases"),
    ("nesting-500-flow", nested(500), [], 2, "nested deeper than 64 levels"),
    ("nesting-500-block", nested_block(500), [], 65, "nested deeper than 64 levels"),
    (
        "option-months-999999999",
        small(
            """
            - id: a
              phases:
                build: {options: [{months: 12}, {months: 999999999}]}
            """
        ),
        ["--time-limit", "2"],
        12,
        "build.options[1].months: 999999999 months cannot fit in the horizon of 84 months",
    ),
    (
        "months-2147483648-fixed-entry-with-cap",
        small(
            """
            - id: a
              fixed_entry: 2024-01
              phases: {build: {months: 2147483648}}
            """
        ),
        [],
        12,
        "build.months: 2147483648 months cannot fit in the horizon of 84 months",
    ),
    (
        "phase-months-200000000",
        small("- {id: a, phases: {tender: {months: 200000000}}}"),
        [],
        10,
        "tender.months: 200000000 months cannot fit in the horizon of 84 months",
    ),
    (
        "horizon-end-9999-12",
        None,
        ["--set", "horizon.end=9999-12", "--time-limit", "3"],
        None,
        "horizon.end: the horizon 2022-04 to 9999-12 is 95,733 months; it may be at most 1,200",
    ),
    (
        "stagger-months-1e20",
        small("- {id: a}", policy="{stagger_months: 100000000000000000000}"),
        [],
        11,
        "policy.stagger_months: 100000000000000000000 months cannot fit",
    ),
    (
        "cost-near-1e19",
        small("- {id: a, phases: {build: {cost: 9999999999999999999}}}"),
        [],
        10,
        "build.cost: 9999999999999999999 is more than £1,000,000,000,000,000",
    ),
    (
        "extension-cost-1e30",
        small(
            """
            - id: a
              legacy: [{name: L, expires: 2025-01, extension_cost: 1000000000000000000000000000000}]
            """
        ),
        [],
        11,
        "extension_cost: 1000000000000000000000000000000 is more than £1,000,000,000,000,000",
    ),
    (
        "extension-costs-total-beyond-2-to-53",
        small(
            """
            - id: a
              legacy: [{name: L, expires: 2000-01, extension_cost: £900000bn}]
            """
        ),
        [],
        11,
        "extension cost could reach £3.339e+17 over the 84-month horizon, beyond the £9,007,199",
    ),
    (
        "lag-minus-1e30",
        small(
            """
            - {id: a}
            - id: b
              depends_on: [{cluster: a, milestone: tender.end, lag: -1000000000000000000000000000000}]
            """
        ),
        [],
        12,
        "depends_on[0].lag: -1.000e+30 months is beyond the horizon of 84 months",
    ),
    (
        "cost-999999999999bn",
        small("- {id: a, phases: {build: {cost: '£999999999999bn'}}}"),
        [],
        10,
        "build.cost: '£999999999999bn' is more than £1,000,000,000,000,000",
    ),
    (
        "cost-1,5m",
        small("- {id: a, phases: {build: {cost: '£1,5m'}}}"),
        [],
        10,
        "build.cost: a comma must separate groups of three digits (as in £1,500,000), got '£1,5m'",
    ),
    (
        "earliest-entry-2024-02-30",
        small("- {id: a, earliest_entry: 2024-02-30}"),
        [],
        10,
        "clusters[0].earliest_entry: cannot read value '2024-02-30': day is out of range",
    ),
    (
        "lifecycle-months-minus-5-overridden",
        small("- {id: a, phases: {tender: {months: 3}, build: {months: 3}}}").replace(
            "months: 6, cost: £6m", "months: -5, cost: .nan"
        ),
        [],
        7,
        "lifecycle[0].months: must be 1 or more, got -5",
    ),
    ("dev-zero", "/dev/zero", [], None, "/dev/zero: is not a text file (byte 0 is NUL)"),
    ("file-over-20-MiB", "BIG", [], None, "bytes; a scenario file may be at most 20 MiB"),
]


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run_bounded(args: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "scheduler", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,  # a hang guard only: the CPU limit is the bound
        preexec_fn=_limits,
    )
    return result, time.perf_counter() - started


@pytest.mark.parametrize(
    ("text", "extra", "line", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_hostile_file_is_refused_within_bounds(
    tmp_path: Path, text: str | None, extra: list[str], line: int | None, message: str
) -> None:
    if text is None:
        path = str(BASE)
    elif text == "/dev/zero":
        path = text
    elif text == "BIG":
        big = tmp_path / "big.yaml"
        big.write_bytes(b"# padding\n" * (21 * 1024 * 1024 // 10))
        path = str(big)
    else:
        scenario = tmp_path / "hostile.yaml"
        scenario.write_text(text, encoding="utf-8")
        path = str(scenario)
    result, _ = run_bounded([path, *extra])
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert message in result.stderr, result.stderr
    if line is not None:
        assert f"{path}:{line}: " in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) <= 5, "one short paragraph per problem, not a dump"
