"""The comparison: differences, binding rules, the summary, and the compare / --set CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from builders import Budget, Cap, Policy, Supplier, cluster, m, phase, plan_of, scenario
from compare_truth import contradictions

from scheduler.analysis.bindings import binding_rules, month_ranges
from scheduler.cli.main import main
from scheduler.report.compare_report import render_comparison, render_markdown
from scheduler.whatif.compare import Subject, compare

ROOT = Path(__file__).resolve().parents[2]


def small():
    """Three clusters, one ERP market of capacity 2, a cap of £26m over 2024-25, stagger 2."""
    clusters = [
        cluster(
            cid,
            phase("tender", 3, 3_000_000, {"erp": 1}),
            phase("implement", 6, 6_000_000, options=[(6, 6_000_000, None), (4, 8_000_000, None)]),
            earliest_entry="2024-04",
        )
        for cid in ("a", "b", "c")
    ]
    return scenario(
        *clusters,
        start="2024-04",
        end="2027-03",
        budget=Budget(tranche=1_000_000, caps=(Cap("SR", 2024, 2024, 26_000_000),)),
        suppliers=(Supplier("erp", "ERP market", 2),),
        policy=Policy(stagger_months=2),
    )


def subjects():
    sc = small()
    first = plan_of(sc, {"a": "2024-04", "b": "2024-06", "c": "2024-08"})
    fixed = [
        c if c.id != "c" else cluster("c", *c.phases, fixed_entry="2025-01") for c in sc.clusters
    ]
    sc2 = scenario(
        *fixed,
        start="2024-04",
        end="2027-03",
        budget=sc.budget,
        suppliers=sc.suppliers,
        policy=Policy(stagger_months=2),
    )
    second = plan_of(sc2, {"a": "2024-04", "b": "2024-06", "c": "2025-01"})
    return Subject("first", "first.yaml", "scenario", sc, first), Subject(
        "second", "second.yaml", "scenario", sc2, second
    )


def test_binding_rules_cap_full_supplier_at_capacity_stagger() -> None:
    first, _ = subjects()
    rules = {r.key: r for r in binding_rules(first.plan, first.scenario)}
    assert first.plan.caps[0].released == 26_000_000  # exactly the cap: full
    assert rules["cap SR"].short == "full (£26m)"
    assert "supplier_capacity erp" in rules  # a and b tender together 2024-06
    assert rules["supplier_capacity erp"].short == "2024-06, 2024-08"
    assert "stagger a-b" in rules and "stagger b-c" in rules
    assert rules["earliest_entry a"].short == "2024-04"


def test_binding_cap_when_headroom_below_one_tranche() -> None:
    sc = small()
    sc = scenario(
        *sc.clusters,
        start="2024-04",
        end="2027-03",
        budget=Budget(tranche=1_000_000, caps=(Cap("SR", 2024, 2024, 100_000_000),)),
        suppliers=sc.suppliers,
        policy=sc.policy,
    )
    plan = plan_of(sc, {"a": "2024-04", "b": "2024-06", "c": "2024-08"})
    released = plan.caps[0].released
    tight = scenario(
        *sc.clusters,
        start="2024-04",
        end="2027-03",
        budget=Budget(tranche=1_000_000, caps=(Cap("SR", 2024, 2024, released + 999_000),)),
        suppliers=sc.suppliers,
        policy=sc.policy,
    )
    plan = plan_of(tight, {"a": "2024-04", "b": "2024-06", "c": "2024-08"})
    keys = {r.key: r for r in binding_rules(plan, tight)}
    assert "cap SR" in keys and "headroom £999k < one tranche" in keys["cap SR"].detail
    assert keys["supplier_capacity erp"].detail == "all 2 in use 2024-06, 2024-08"
    roomy = plan_of(sc, {"a": "2024-04", "b": "2024-06", "c": "2024-08"})
    assert "cap SR" not in {r.key for r in binding_rules(roomy, sc)}
    # without the scenario only caps are judged
    assert all(r.kind == "cap" for r in binding_rules(plan))


def test_month_ranges() -> None:
    assert month_ranges([m("2024-01"), m("2024-02"), m("2024-03"), m("2024-06")]) == (
        "2024-01..2024-03, 2024-06"
    )


def test_comparison_differences_and_summary() -> None:
    comparison = compare(subjects())
    assert comparison.cluster_ids == ("a", "b", "c")
    facts = comparison.facts(1, "c")
    assert facts is not None and facts.entry == m("2025-01")
    story = comparison.summary[0]
    assert story.subject == "second" and story.baseline == "first"
    assert contradictions(story, *subjects()) == []  # every sentence recomputed from the plans
    text = story.text
    assert "second moves the market entry of c from 2024-08 to 2025-01" in story.headline
    assert (
        "second fixes the entry of c at 2025-01 (+5 months) where in first it enters 2024-08"
        in text
    )
    report = render_comparison(comparison)
    assert "2025-01 (+5 months) *" in report
    assert "What changed and why" in report
    assert "Binding in first only: SR cap (£26m of £26m released); stagger b-c" in text
    markdown = render_markdown(comparison)
    assert markdown.startswith("# Comparison: first, second")
    assert "| market entry |" in markdown
    data = json.loads(comparison.to_json())
    assert data["format"] == "scheduler-comparison/1"
    assert data["subjects"][1]["clusters"]["c"]["entry"] == "2025-01"
    assert data["summary"][0]["subject"] == "second"


def test_plan_without_scenario_reports_caps_only() -> None:
    first, second = subjects()
    comparison = compare([first, Subject("plan", "p.json", "plan", None, second.plan)])
    assert not comparison.rules_known(1)
    assert all(r.kind == "cap" for r in comparison.bindings[1] or ())
    assert "--scenario" in render_comparison(comparison)


# -- command line --------------------------------------------------------------------------------


def test_cli_compare_base_vs_actual(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_json, out_md = tmp_path / "c.json", tmp_path / "c.md"
    code = main(
        [
            "compare",
            str(ROOT / "scenarios/base.yaml"),
            str(ROOT / "scenarios/actual-2023.yaml"),
            "--json",
            str(out_json),
            "--markdown",
            str(out_md),
            "--time-limit",
            "30",
        ]
    )
    text = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "bunches the market entries of synergy, matrix and unity within 6 months" in text
    assert "(2023-06..2023-12) where base staggers them over 16 months" in text
    assert "extension cost rises by £17.4m" in text
    assert "defence enters 2024-08 instead of 2023-10" in text
    assert "erp-market" in text
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert [s["label"] for s in data["subjects"]] == ["base", "actual-2023"]
    assert "What changed and why" in out_md.read_text(encoding="utf-8")


def test_cli_compare_plan_jsons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = subjects()
    p1, p2 = tmp_path / "one.json", tmp_path / "two.json"
    p1.write_text(first.plan.to_json(), encoding="utf-8")
    p2.write_text(second.plan.to_json(), encoding="utf-8")
    assert main(["compare", str(p1), str(p2)]) == 0
    text = capsys.readouterr().out
    assert "2025-01 (+5 months) *" in text and "? = needs the plan's scenario" in text
    (tmp_path / "other.json").write_text('{"format": "nope"}', encoding="utf-8")
    assert main(["compare", str(p1), str(tmp_path / "other.json")]) == 2
    assert "not a scheduler-plan/1 plan" in capsys.readouterr().err


def test_cli_compare_needs_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(ROOT / "scenarios/base.yaml")]) == 2
    assert "at least two" in capsys.readouterr().err


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scheduler", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_set_override_end_to_end() -> None:
    result = run_cli("scenarios/base.yaml", "--set", "budget.caps.SR21.amount=£403m", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(": optimal")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "budget.caps.NOPE.amount=1",
            "--set: budget.caps.NOPE.amount: no item with id or name 'NOPE'",
        ),
        (
            "policy.stagger_months=abc",
            "--set: policy.stagger_months: expected a whole number, got 'abc'",
        ),
    ],
)
def test_bad_set_override_exits_2(override: str, message: str) -> None:
    result = run_cli("scenarios/base.yaml", "--set", override, "--quiet")
    assert result.returncode == 2
    assert message in result.stderr
