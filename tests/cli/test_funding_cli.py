"""``python -m scheduler funding``: exit codes, bad input, and files that agree with a normal
solve at the amounts they report."""

from __future__ import annotations

import csv
import itertools
import json
import textwrap
from pathlib import Path

import pytest

from scheduler.cli.main import main
from scheduler.pipeline import solve
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "base.yaml"

SMALL = """\
name: Small funding case
horizon: {start: 2024-04, end: 2027-03}
budget:
  tranche: £100k
  caps:
    - {name: Early, from: 2024-25, to: 2024-25, amount: £2m}
lifecycle:
  - {id: tender, months: 3, cost: £300k}
  - {id: build, months: 6, cost: £1.2m}
clusters:
  - id: alpha
    earliest_entry: 2024-04
    latest_entry: 2024-10
    legacy:
      - {name: Old ledger, expires: 2025-01, extension_cost: £50k, replaced_by: build}
  - id: beta
    earliest_entry: 2024-04
    legacy:
      - {name: Old payroll, expires: 2025-03, extension_cost: £30k, replaced_by: build}
targets:
  - {name: Alpha live, month: 2025-09, clusters: [alpha]}
  - {name: Impossible, month: 2024-08, clusters: [beta]}
objective: [extension_cost, delivery_cost]
"""


def _write(tmp_path: Path, text: str = SMALL) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_unknown_cap_is_one_paragraph_naming_file_line_and_key(capsys):
    code = main(["funding", str(BASE), "--cap", "SR22"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert f"{BASE}:68: budget.caps: --cap SR22: no cap named 'SR22'" in err
    assert "the caps are SR21, Later SRs (assumed)" in err


@pytest.mark.parametrize(
    "extra, option",
    [
        (["--late-months", "-1"], "--late-months"),
        (["--from", "100"], "--frontier"),
        (["--frontier"], "--to"),
        (["--frontier", "--to", "lots"], "--to"),
        (["--frontier", "--from", "300", "--to", "100"], "--to"),
    ],
)
def test_bad_options_exit_2_naming_the_option(tmp_path, capsys, extra, option):
    code = main(["funding", str(_write(tmp_path)), "--cap", "Early", *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert option in err and "Traceback" not in err


def test_no_lever_is_bad_input(tmp_path, capsys):
    assert main(["funding", str(_write(tmp_path))]) == 2
    assert "--cap NAME" in capsys.readouterr().err


def test_answers_agree_with_solving_at_the_amounts_reported(tmp_path, capsys):
    path = _write(tmp_path)
    out_dir = tmp_path / "out"
    args = ["funding", str(path), "--cap", "Early", "--json", str(tmp_path / "f.json")]
    code = main([*args, "--csv", str(tmp_path / "f.csv"), "--out", str(out_dir)])
    text = capsys.readouterr().out
    assert code == 0
    data = json.loads((tmp_path / "f.json").read_text())
    assert data["format"] == "scheduler-funding/1"
    promises = {p["promise"]: p for p in data["levers"][0]["promises"]}
    assert set(promises) == {"plan", "deadlines", "expiries", "target:Alpha live",
                             "target:Impossible", "best"}  # fmt: skip
    assert promises["deadlines"]["same_as"] == "plan"
    assert promises["target:Impossible"]["status"] == "infeasible"
    assert "beta: Old payroll cannot be retired before 2024-12" in text
    options = SolveOptions(time_limit=20, workers=1, deterministic=True)
    scenario = load_scenario(path)
    least = promises["plan"]["least"]
    at = scenario.with_overrides({"budget.caps.Early.amount": least})
    below = scenario.with_overrides({"budget.caps.Early.amount": least - 1000})
    assert solve(at, options).plan.has_schedule
    assert solve(below, options).plan.status == "infeasible"
    for key in ("plan", "expiries", "target:Alpha live", "best"):
        assert promises[key]["status"] == "optimal" and promises[key]["kept"] is True
        assert promises[key]["plan"]["caps"][0]["released"] <= promises[key]["least"]
        assert promises[key]["difference"] == 2_000_000 - promises[key]["least"]
    rows = list(csv.DictReader((tmp_path / "f.csv").open(encoding="utf-8")))
    assert [row["promise"] for row in rows] == list(promises)
    assert (out_dir / "funding.txt").read_text().startswith("Funding: Small funding case")
    assert (out_dir / "plans" / "Early-best.json").exists()


def test_frontier_table_and_chart(tmp_path, capsys):
    path = _write(tmp_path)
    code = main(["funding", str(path), "--cap", "Early", "--frontier", "--from", "0",
                 "--to", "5", "--out", str(tmp_path / "out")])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "Funding frontier from £0 to £5m" in text
    assert "A plan exists, and with it every hard deadline holds, down to" in text
    data = json.loads((tmp_path / "out" / "funding.json").read_text())
    steps = data["levers"][0]["frontier"]["steps"]
    assert steps and all(a["to"] == b["from"] for a, b in itertools.pairwise(steps))
    png = (tmp_path / "out" / "frontier-Early.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_no_amount_gives_a_plan_exits_3(tmp_path, capsys):
    text = SMALL.replace("{name: Old ledger,", "{name: Old ledger, hard_deadline: 2024-11,")
    code = main(["funding", str(_write(tmp_path, text)), "--cap", "Early"])
    out = capsys.readouterr().out
    assert code == 3
    assert 'No amount keeps "a plan exists"' in out
    assert "small.yaml:15: clusters[0].legacy[0].hard_deadline: 2024-11 is before" in out
