"""Atomic, clean outputs: a failed write keeps the old file whole; an --out directory holds only
the files of the run that wrote it; outputs are checked before any solving."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from scheduler.cli.main import main
from scheduler.report.atomic import OutputDir, atomic_file, write_text

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "base.yaml"

CLASH = """\
name: Clash
horizon: {start: 2024-01, end: 2026-12}
suppliers: [{id: market, capacity: 1}]
lifecycle:
  - {id: tender, months: 6, uses: [market]}
  - {id: build, months: 6}
clusters:
  - id: alpha
    legacy: [{name: A, expires: 2024-12, hard_deadline: HARD}]
  - id: beta
    legacy: [{name: B, expires: 2024-12, hard_deadline: HARD}]
"""


def test_a_write_that_fails_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = write_text(tmp_path / "plan.json", '{"good": true}\n')
    with pytest.raises(OSError), atomic_file(target) as handle:
        handle.write('{"half')
        raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text() == '{"good": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]  # no temporary file left


def test_a_written_file_gets_the_usual_mode(tmp_path: Path) -> None:
    target = write_text(tmp_path / "report.txt", "x\n")
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_an_output_dir_removes_the_files_it_owns_that_this_run_did_not_write(
    tmp_path: Path,
) -> None:
    for name in ("sweep.csv", "plans/001.json", "plans/005.json", "plans/notes.txt", "mine.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("old")
    out = OutputDir(tmp_path, ("sweep.csv", "sweep.png", "plans/*.json"))
    write_text(out.path("sweep.csv"), "new")
    write_text(out.path("plans/001.json"), "new")
    removed = out.finish()
    assert [p.relative_to(tmp_path).as_posix() for p in removed] == ["plans/005.json"]
    assert (tmp_path / "plans" / "notes.txt").exists() and (tmp_path / "mine.txt").exists()
    assert (tmp_path / "plans" / "001.json").read_text() == "new"


def test_an_infeasible_run_leaves_no_files_of_an_earlier_feasible_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenario = tmp_path / "clash.yaml"
    scenario.write_text(CLASH.replace("HARD", "2026-12"), encoding="utf-8")
    assert main([str(scenario), "--quiet", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"plan.csv", "graph.dot", "plan.json"}
    scenario.write_text(CLASH.replace("HARD", "2024-12"), encoding="utf-8")
    assert main([str(scenario), "--quiet", "--out", str(out)]) == 3
    assert sorted(p.name for p in out.iterdir()) == ["plan.json", "report.html", "report.txt"]
    assert json.loads((out / "plan.json").read_text())["status"] == "infeasible"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json", ""], "--json: expected a path, got an empty one"),
        (["--json", str(BASE)], "is the input"),
        (["--json", str(BASE / "plan.json")], "base.yaml is not a directory"),
        (["--out", str(BASE)], "base.yaml is a file, not a directory"),
        (["--out", ""], "--out: expected a path, got an empty one"),
    ],
)
def test_outputs_are_checked_before_solving(capsys, args: list[str], message: str) -> None:
    before = BASE.read_bytes()
    assert main([str(BASE), "--quiet", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "model built" not in err  # refused before any solve
    assert BASE.read_bytes() == before
