"""Sweeps and comparisons understand risk: a varied range, and probabilities side by side."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

from scheduler.cli.main import main
from scheduler.pipeline import solve
from scheduler.report.compare_report import render_comparison
from scheduler.report.sweep_report import render_table, write_csv
from scheduler.solve.options import SolveOptions
from scheduler.whatif.compare import compare, read_inputs, solve_inputs
from scheduler.whatif.sweep import grid_spec, run_sweep, serial_runner
from scheduler.whatif.sweep_axes import parse_vary

TINY = """\
name: Tiny
horizon: {start: 2024-01, end: 2027-12}
lifecycle:
  - {id: tender, months: 6, cost: £6m}
  - {id: build, months: 6, cost: £12m}
clusters:
  - id: alpha
    earliest_entry: 2024-01
    legacy:
      - {name: Old ledger, expires: 2024-12, extension_cost: £1m, hard_deadline: 2025-02}
risk:
  runs: 2000
  seed: 1
  phases:
    build: {low: 0%, likely: 0%, high: +50%}
"""
OPTIONS = SolveOptions(time_limit=10, workers=1, deterministic=True)


def _write(tmp_path: Path, text: str = TINY, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_percentage_range_is_swept() -> None:
    axis = parse_vary("risk.phases.build.high=20%..60%/10%")
    assert [v.text for v in axis.values] == ["20%", "30%", "40%", "50%", "60%"]
    assert {v.kind for v in axis.values} == {"percent"}
    assert [v.text for v in parse_vary("risk.phases.build.high=+10%,30%").values] == ["+10%", "30%"]


def test_sweeping_a_risk_range_reports_the_probabilities(tmp_path: Path) -> None:
    spec = grid_spec(str(_write(tmp_path)), [], [parse_vary("risk.phases.build.high=0%..60%/20%")])
    result = run_sweep(spec, OPTIONS, serial_runner)
    shares = [row.result.risk["hard_deadlines"]["alpha: Old ledger"] for row in result.rows]
    assert shares[0] == 1.0  # a certain build meets the deadline (retired 2024-12)
    assert shares == sorted(shares, reverse=True) and shares[-1] < 1  # a wider range, less likely
    table = render_table(result)
    assert "P(alpha deadline)" in table and "completion P80" in table and "100.0%" in table
    write_csv(result, tmp_path / "s.csv")
    with (tmp_path / "s.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert float(rows[0]["P(hard deadline holds) alpha: Old ledger"]) == 1.0


def test_a_sweep_of_other_values_simulates_only_when_asked(tmp_path: Path, capsys) -> None:
    spec = grid_spec(
        str(_write(tmp_path)), [], [parse_vary("clusters.alpha.earliest_entry=2024-01,2024-02")]
    )
    assert all(row.result.risk is None for row in run_sweep(spec, OPTIONS, serial_runner).rows)
    code = main(
        [
            "sweep",
            str(_write(tmp_path)),
            "--vary",
            "clusters.alpha.earliest_entry=2024-01,2024-02",
            "--risk",
            "--quiet",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "P(alpha deadline)" in out


def test_compare_shows_the_probabilities_side_by_side(tmp_path: Path) -> None:
    safe = _write(tmp_path)
    risky = _write(tmp_path, TINY.replace("high: +50%", "high: +100%"), "risky.yaml")
    plain = _write(tmp_path, TINY.split("risk:")[0], "plain.yaml")
    subjects = read_inputs([str(safe), str(risky), str(plain)])
    solved = solve_inputs(subjects, lambda s: solve(s, OPTIONS).plan)
    comparison = compare(solved)
    safe_p = comparison.risk[0]["hard_deadlines"]["alpha: Old ledger"]
    risky_p = comparison.risk[1]["hard_deadlines"]["alpha: Old ledger"]
    assert risky_p < safe_p and comparison.risk[2] is None
    text = render_comparison(comparison)
    assert "Risk (Monte Carlo of each plan, 2,000 runs)" in text
    assert f"{100 * safe_p:.1f}%" in text and f"{100 * risky_p:.1f}%" in text
    data = comparison.to_dict()
    assert data["subjects"][1]["risk"]["completion_P80"].startswith("20")
    assert data["subjects"][2]["risk"] is None
