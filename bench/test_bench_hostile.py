"""The hostile files of ``tests/scenario/test_hostile.py``: wall time, CPU time and peak memory of
each refusal (``python -m scheduler FILE``, exit 2), for the table in the issue's "Done when".

    SCHEDULER_BENCH=full pytest bench/test_bench_hostile.py -s

(marked ``full``: the plain test suite runs the same cases as ``tests/scenario/test_hostile.py``.)

Each case is one subprocess under the same 500 MB / 5 CPU-second limits as the test; its figures
come from ``os.wait4`` (that child's own rusage). Python's start-up and imports are included
(about 0.3 s and 110 MB on an idle machine), so the figures are what a user waits for.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "scenario"))

from test_hostile import BASE, CASES, ROOT, _limits


def _path(tmp_path: Path, text: str | None) -> str:
    if text is None:
        return str(BASE)
    if text == "/dev/zero":
        return text
    if text == "BIG":
        big = tmp_path / "big.yaml"
        big.write_bytes(b"# padding\n" * (21 * 1024 * 1024 // 10))
        return str(big)
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(text, encoding="utf-8")
    return str(scenario)


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_hostile_file_figures(tmp_path: Path, record, case) -> None:
    name, text, extra, _, message = case
    path = _path(tmp_path, text)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "scheduler", path, *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limits,
    )
    err = child.stderr.read() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 2 and message in err, err
    shown = err.strip().splitlines()[-1].strip()
    shown = shown.replace(path, Path(path).name if text not in (None, "/dev/zero") else path)
    record.row(
        "hostile files",
        file=name,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        exit=child.returncode,
        message=shown[:150],
    )
