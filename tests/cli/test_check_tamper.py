"""``check`` against tampered plans: every figure a plan reports is read and verified, a wrong
field type is bad input with its key path (exit 2), a wrong figure or claim is "does not fit"
(exit 6), and a claim that cannot be verified says so (exit 7)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scheduler.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "base.yaml"
ACTUAL = ROOT / "scenarios" / "actual-2023.yaml"

Plan = dict[str, Any]


@pytest.fixture(scope="module")
def base_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    path = tmp_path_factory.mktemp("check") / "base.json"
    assert main([str(BASE), "--deterministic", "--quiet", "--json", str(path)]) == 0
    return json.loads(path.read_text(encoding="utf-8"))


def cluster(plan: Plan, cluster_id: str) -> dict[str, Any]:
    return next(c for c in plan["clusters"] if c["id"] == cluster_id)


def check(tmp_path: Path, plan: Plan, capsys, scenario: Path = BASE) -> tuple[int, str]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    code = main(["check", str(scenario), str(path), "--time-limit", "20"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_plan_as_written_passes(tmp_path: Path, base_plan: Plan, capsys) -> None:
    code, out = check(tmp_path, base_plan, capsys)
    assert code == 0, out
    assert "optimal plan passes every check" in out
    assert "optimality is the solver's proof" in out  # what it cannot verify, it says


def _edit_cluster(cluster_id: str, key: str, value: Any) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        cluster(plan, cluster_id)[key] = value

    return edit


def _widen(plan: Plan) -> None:
    cluster(plan, "unity")["entry_window"] = ["2022-04", "2031-03"]


def _move_window(plan: Plan) -> None:
    cluster(plan, "unity")["entry_window"] = ["2025-08", "2025-08"]


def _bound_zero(plan: Plan) -> None:
    plan["bounds"]["extension_cost"] = 0


def _drop_term(plan: Plan) -> None:
    del plan["objective"]["delivery_cost"]


def _drop_bound(plan: Plan) -> None:
    del plan["bounds"]["completion"]


def _rename(plan: Plan) -> None:
    plan["scenario"] = "Government shared services, actual 2023 market entries"


def _spend(plan: Plan) -> None:
    cluster(plan, "matrix")["spend"]["2024-25"] += 1000


def _extra_term(plan: Plan) -> None:
    plan["objective"]["late_months"] = 133


MISFITS = [
    (
        "entry window widened",
        _widen,
        "unity: entry window reported as 2022-04..2031-03, recomputed 2024-08",
    ),
    (
        "entry window moved",
        _move_window,
        "unity: entry window 2025-08..2025-08 does not contain its entry 2024-08",
    ),
    (
        "award edited",
        _edit_cluster("synergy", "award", "2023-05"),
        "synergy: award reported as 2023-05, but its phases give",
    ),
    (
        "go-live edited",
        _edit_cluster("matrix", "go_live", "2029-01"),
        "matrix: go_live reported as 2029-01, but its phases give",
    ),
    (
        "finish edited",
        _edit_cluster("defence", "finish", "2031-01"),
        "defence: finish reported as 2031-01, but its phases give",
    ),
    (
        "optimal with a bound of 0",
        _bound_zero,
        "bounds: the plan claims optimal, but the bound on extension_cost £0 is below its value £72,600,000",
    ),
    ("objective term deleted", _drop_term, "objective: term delivery_cost is missing"),
    (
        "bound deleted from an optimum",
        _drop_bound,
        "bounds: the plan claims optimal but gives no bound on completion",
    ),
    (
        "another scenario's name",
        _rename,
        "the plan is for scenario 'Government shared services, actual 2023 market entries'",
    ),
    ("spend edited", _spend, "matrix: spend in 2024-25 reported as"),
    (
        "a term the objective lacks",
        _extra_term,
        "objective: late_months is not a term of this scenario's objective",
    ),
]


@pytest.mark.parametrize(("edit", "message"), [m[1:] for m in MISFITS], ids=[m[0] for m in MISFITS])
def test_a_tampered_figure_does_not_fit(
    tmp_path: Path, base_plan: Plan, capsys, edit, message
) -> None:
    plan = copy.deepcopy(base_plan)
    edit(plan)
    code, out = check(tmp_path, plan, capsys)
    assert code == 6, out
    assert message in out, out


def _option_true(plan: Plan) -> None:
    cluster(plan, "synergy")["phases"][1]["option"] = True


def _float_cost(plan: Plan) -> None:
    plan["clusters"][2]["phases"][0]["cost"] = 35000000.5


def _null_clusters(plan: Plan) -> None:
    plan["clusters"] = None


def _phases_text(plan: Plan) -> None:
    plan["clusters"][0]["phases"] = "tender"


def _cost_text(plan: Plan) -> None:
    plan["clusters"][1]["phases"][1]["cost"] = "£35m"


def _missing_entry(plan: Plan) -> None:
    del plan["clusters"][3]["entry"]


MALFORMED = [
    (
        "option true",
        _option_true,
        "clusters[2].phases[1].option: expected an option index (a whole number) or null, got true",
    ),
    (
        "float cost",
        _float_cost,
        "clusters[2].phases[0].cost: expected whole pounds, got 35000000.5",
    ),
    ("clusters null", _null_clusters, "clusters: expected a list, got null"),
    ("phases a string", _phases_text, 'clusters[0].phases: expected a list, got "tender"'),
    ("cost as text", _cost_text, 'clusters[1].phases[1].cost: expected whole pounds, got "£35m"'),
    ("entry missing", _missing_entry, "clusters[3].entry: required but missing"),
]


@pytest.mark.parametrize(
    ("edit", "message"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_a_malformed_field_is_bad_input_with_its_key_path(
    tmp_path: Path, base_plan: Plan, capsys, edit, message
) -> None:
    plan = copy.deepcopy(base_plan)
    edit(plan)
    code, out = check(tmp_path, plan, capsys)
    assert code == 2, out
    assert message in out, out
    assert "object is not" not in out and "indices must be" not in out  # never Python's words


@pytest.mark.parametrize("status", ["infeasible", "unknown"])
def test_a_no_plan_claim_against_a_feasible_scenario_does_not_fit(
    tmp_path: Path, base_plan: Plan, capsys, status: str
) -> None:
    plan = {**copy.deepcopy(base_plan), "status": status, "clusters": [], "caps": [], "bounds": {}}
    code, out = check(tmp_path, plan, capsys)
    assert code == 6, out
    assert f"the plan claims {status}, but a" in out and "plan was found" in out


def test_the_base_plan_against_actual_2023_does_not_fit_and_is_not_called_a_bug(
    tmp_path: Path, base_plan: Plan, capsys
) -> None:
    code, out = check(tmp_path, base_plan, capsys, scenario=ACTUAL)
    assert code == 6, out
    assert "does not fit" in out and "bug" not in out


CLASH = """\
name: Clash
horizon: {start: 2024-01, end: 2026-12}
suppliers: [{id: market, capacity: 1}]
lifecycle:
  - {id: tender, months: 6, uses: [market]}
  - {id: build, months: 6}
clusters:
  - id: alpha
    legacy: [{name: A, expires: 2024-12, hard_deadline: 2024-12}]
  - id: beta
    legacy: [{name: B, expires: 2024-12, hard_deadline: 2024-12}]
"""


def test_an_infeasible_claim_is_confirmed_by_solving(tmp_path: Path, capsys) -> None:
    scenario = tmp_path / "clash.yaml"
    scenario.write_text(CLASH, encoding="utf-8")
    plan = tmp_path / "plan.json"
    assert main([str(scenario), "--quiet", "--json", str(plan)]) == 3
    capsys.readouterr()
    assert main(["check", str(scenario), str(plan)]) == 0
    out = capsys.readouterr().out
    assert "infeasible plan passes every check" in out
    assert "confirmed: no plan satisfies every rule" in out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: "/dev/zero", "is larger than 20,971,520 bytes"),
        (lambda tmp: _written(tmp, "[" * 100_000 + "]" * 100_000), "not JSON: nested too deeply"),
        (lambda tmp: _written(tmp, '"a plan"'), 'expected an object, got "a plan"'),
        (lambda tmp: _written(tmp, '{"format": "other/2"}'), "format: expected 'scheduler-plan/1'"),
    ],
)
def test_a_plan_file_that_is_no_plan_is_bad_input(tmp_path: Path, capsys, make, message) -> None:
    assert main(["check", str(BASE), make(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def _written(tmp_path: Path, text: str) -> str:
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


STATUS = ROOT / "scenarios" / "status-2025.yaml"  # has a target, missed


def test_a_plans_targets_are_read_and_recomputed(tmp_path: Path, capsys) -> None:
    path = tmp_path / "status.json"
    assert main([str(STATUS), "--deterministic", "--quiet", "--json", str(path)]) == 0
    plan = json.loads(path.read_text(encoding="utf-8"))
    assert [t["met"] for t in plan["targets"]] == [False]
    capsys.readouterr()
    code, out = check(tmp_path, plan, capsys, STATUS)
    assert code == 0, out
    claimed = copy.deepcopy(plan)
    claimed["targets"][0].update(met=True, months=3)
    code, out = check(tmp_path, claimed, capsys, STATUS)
    assert code == 6
    assert "targets[0].met: reported as true, recomputed false" in out
    assert "targets[0].months: reported as 3, recomputed 36" in out
    claimed["targets"][0]["go_live"] = "soon"
    code, out = check(tmp_path, claimed, capsys, STATUS)
    assert code == 2
    assert 'targets[0].go_live: expected a month like 2025-10, got "soon"' in out
