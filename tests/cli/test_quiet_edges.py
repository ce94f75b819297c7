"""Quiet edges: a closed pipe ends a command quietly, and names holding control characters are
shown escaped in every terminal and text report, never obeyed by the terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scheduler.cli.main import main
from scheduler.units import printable

ROOT = Path(__file__).resolve().parents[2]
EVIL = "\x1b]0;TITLE\x07\x1b[2J"  # retitles the terminal, then clears it

SCENARIO = """\
name: "\\e]0;TITLE\\a\\e[2J plan"
horizon: {start: 2024-01, end: 2026-12}
budget:
  tranche: £1m
  caps: [{name: "SR\\e[2J", from: 2023-24, to: 2026-27, amount: £100m}]
lifecycle:
  - {id: tender, months: 6, cost: £6m}
  - {id: build, months: 6, cost: £12m, options: [{name: "fast\\u202e", months: 5, cost: £13m}]}
clusters:
  - id: alpha
    legacy: [{name: "Old\\e[2J ledger\\r", expires: 2024-12, extension_cost: £1m}]
"""


def test_printable_escapes_control_and_bidi_characters_only() -> None:
    assert printable(EVIL + " ok") == "\\x1b]0;TITLE\\x07\\x1b[2J ok"
    assert printable("line\n\tnext £5m é 东京") == "line\n\tnext £5m é 东京"
    assert printable("a\rb\u202ec\x9b") == "a\\x0db\\u202ec\\x9b"
    assert printable("a\nb", keep="") == "a\\x0ab"


def _no_raw_controls(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text and "\r" not in text


def test_names_are_escaped_in_the_plan_report_and_report_txt(tmp_path, capsys) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    assert main([str(path), "--out", str(tmp_path / "out"), "--time-limit", "10"]) == 0
    captured = capsys.readouterr()
    for text in (captured.out, captured.err, (tmp_path / "out" / "report.txt").read_text("utf-8")):
        _no_raw_controls(text)
    assert "\\x1b]0;TITLE\\x07\\x1b[2J plan" in captured.out
    assert "Old\\x1b[2J ledger\\x0d" in captured.out


def test_names_are_escaped_in_sweep_reports_and_error_messages(tmp_path, capsys) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "sweep"
    argv = ["sweep", str(path), "--vary", "budget.caps.0.amount=£50m,£100m", "--jobs", "1"]
    assert main([*argv, "--quiet", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    _no_raw_controls(captured.out)
    _no_raw_controls((out / "sweep.txt").read_text("utf-8"))
    assert "\\x1b]0;TITLE" in captured.out
    bad = SCENARIO.replace("months: 6, cost: £6m", 'months: "6\\e[2J", cost: £6m')
    path.write_text(bad, encoding="utf-8")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    _no_raw_controls(err)
    assert "lifecycle[0].months" in err


def test_a_closed_pipe_ends_quietly() -> None:
    # Like `python -m scheduler scenarios/base.yaml | head -0`: the reader is gone before the
    # report is written.
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler", "scenarios/base.yaml", "--time-limit", "20"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    text = err.decode()
    assert process.returncode == 141, text
    assert "internal error" not in text and "Traceback" not in text
    assert "BrokenPipe" not in text and "Exception ignored" not in text
