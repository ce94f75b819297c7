"""Hostile and odd scenario files through ``python -m scheduler``, each in a fresh process with a
memory limit (``resource.setrlimit``) and a time limit: python tags, alias bombs, deep nesting,
a 50 MB file, binary, a byte-order mark, CRLF line ends and absurd sizes. None may crash, hang,
run out of memory or run a tag's code; the odd-but-fine ones (BOM, CRLF) load as the plain file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "base.yaml"
MEMORY = 2 * 1024**3  # address space of the process: OR-Tools and its threads need about 1 GB
SECONDS = 30.0  # per command; a refusal takes a few seconds, a solve of base.yaml about ten

_LIMITED = """
import resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
sys.argv = ["scheduler", *sys.argv[1:]]
runpy.run_module("scheduler", run_name="__main__")
"""


def scheduler(*argv: str) -> tuple[int, str, str, float]:
    """``python -m scheduler ARGV`` under the memory limit: exit status, stdout, stderr, seconds."""
    script = _LIMITED.format(memory=MEMORY)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, *argv],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=SECONDS,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"python -m scheduler {' '.join(argv)} ran past {SECONDS:g} s")
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


def _refused(path: Path, *words: str) -> str:
    """The file is bad input: exit 2, named, no traceback, no internal error."""
    code, _, err, _ = scheduler(str(path), "--time-limit", "10")
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err and "MemoryError" not in err
    assert str(path) in err
    for word in words:
        assert word in err, err
    return err


def test_python_tags_are_refused_and_never_run(tmp_path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "tags.yaml"
    path.write_text(
        f'name: !!python/object/apply:os.system ["touch {marker}"]\n'
        "horizon: !!python/name:os.getcwd\nclusters: []\n",
        encoding="utf-8",
    )
    _refused(path)
    assert not marker.exists()


def test_an_alias_bomb_is_refused_within_memory_and_time(tmp_path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        previous = chr(ord("a") + level - 1)
        here = chr(ord("a") + level)
        lines.append(f"{here}: &{here} [{', '.join(['*' + previous] * 9)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\nname: *j\nhorizon: *j\nclusters: *j\n", "utf-8")
    _refused(path)


def test_deep_nesting_is_refused(tmp_path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(
        "name: x\nhorizon: " + "[" * 100_000 + "]" * 100_000 + "\nclusters: []\n", "utf-8"
    )
    _refused(path)


def test_a_50_mb_file_is_refused_quickly(tmp_path) -> None:
    path = tmp_path / "huge.yaml"
    text = BASE.read_text(encoding="utf-8")
    filler = "# " + "x" * 1_000 + "\n"
    path.write_text(text + filler * (50 * 1024**2 // len(filler) + 1), encoding="utf-8")
    assert path.stat().st_size > 50 * 1024**2
    code, _, err, seconds = scheduler(str(path), "--time-limit", "10", "--quiet")
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err
    assert seconds < 20


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 64, b"\x00" * 4096, b"\xff\xfe" + "name: x\n".encode("utf-16-le")],
    ids=["bytes", "nul", "utf-16"],
)
def test_binary_is_refused(tmp_path, content: bytes) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(content)
    _refused(path)


def _plan_of(path: Path, tmp_path: Path) -> str:
    plan = tmp_path / f"{path.stem}.json"
    code, _, err, _ = scheduler(str(path), "--deterministic", "--json", str(plan), "--quiet")
    assert code == 0, err
    return plan.read_text(encoding="utf-8")


def test_a_byte_order_mark_and_crlf_line_ends_load_as_the_plain_file(tmp_path) -> None:
    text = BASE.read_text(encoding="utf-8")
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    crlf = tmp_path / "crlf.yaml"
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    plain = _plan_of(BASE, tmp_path)
    assert _plan_of(bom, tmp_path) == plain
    assert _plan_of(crlf, tmp_path) == plain


def test_crlf_keeps_line_numbers_in_problems(tmp_path) -> None:
    text = BASE.read_text(encoding="utf-8").replace("stagger_months: 3", "stagger_months: -3")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "stagger_months: -3" in row)
    path = tmp_path / "crlf.yaml"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert f"{path}:{line}: policy.stagger_months" in _refused(path)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("clusters.synergy.phases.implement.months", "200000000"),
        ("clusters.defence.phases.tender.cost", "£999999999999bn"),
        ("budget.caps.SR21.amount", "£999999999999bn"),
    ],
    ids=["months", "cost", "cap"],
)
def test_absurd_sizes_are_refused_quickly(key: str, value: str) -> None:
    code, _, err, seconds = scheduler(str(BASE), "--set", f"{key}={value}", "--time-limit", "10")
    assert code in (2, 3), err
    assert "Traceback" not in err and "internal error" not in err
    assert len(err.splitlines()) < 20  # one paragraph, not a model dump
    assert seconds < 20
