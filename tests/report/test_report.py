"""The terminal report, the table helper and the CSV export, on a hand-built plan."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sample_plan import sample_plan, sample_scenario

from scheduler.analysis.graph import critical_chain
from scheduler.plan import Plan, SolverInfo
from scheduler.report.csv import CSV_COLUMNS, write_funding_csv, write_plan_csv
from scheduler.report.table import format_table
from scheduler.report.terminal import render_plan
from scheduler.units import month


@pytest.fixture(scope="module")
def scenario():
    return sample_scenario()


@pytest.fixture(scope="module")
def plan():
    return sample_plan()


M0 = month(2023, 4)


def test_format_table_aligns_columns():
    text = format_table(["name", "n"], [["a", 1], ["long name", 22]], "lr", indent=2)
    assert text.splitlines() == [
        "  name        n",
        "  ---------  --",
        "  a           1",
        "  long name  22",
    ]
    assert format_table([], [["x", None, "y"]]) == "x    y"


def test_render_shows_status_solver_and_objective(scenario, plan):
    text = render_plan(scenario, plan, critical_chain(scenario, plan))
    assert text.startswith("Shared services, test case\nStatus: feasible")
    assert "cp-sat 9.15.6755, 0.41 s, 2 workers, seed 7" in text
    delivery = next(line for line in text.splitlines() if "delivery_cost" in line)
    assert "£172m" in delivery
    assert "£171.25m" in delivery  # the proven bound
    assert "£750k (0.4%)" in delivery  # the gap
    completion = next(line for line in text.splitlines() if "completion" in line.split()[:1])
    assert completion.split()[1:3] == ["2024-11", "2024-11"]
    assert max(len(line) for line in text.splitlines()) <= 120


def test_render_shows_clusters_options_and_legacy(scenario, plan):
    text = render_plan(scenario, plan)
    synergy = next(line for line in text.splitlines() if line.strip().startswith("synergy  2023"))
    assert synergy.split()[:5] == ["synergy", "2023-04", "2023-04..2023-06", "2023-09", "2024-07"]
    assert "implement: Acme fast track [acme x2]" in synergy
    matrix = next(line for line in text.splitlines() if line.split()[:1] == ["matrix"])
    assert matrix.split() == ["matrix", "2023-10", "2023-10", "2024-03", "2024-11", "-"]
    legacy = next(line for line in text.splitlines() if "SSCL ISSC2 contract" in line)
    assert legacy.split()[-4:] == ["2024-07", "2024-07", "0", "-"]


def test_render_shows_funding_by_year_and_caps(scenario, plan):
    lines = render_plan(scenario, plan).splitlines()
    header = lines[lines.index("Funding released per financial year (£m)") + 1]
    assert header.split() == ["year", "synergy", "matrix", "total"]
    first_year = next(line for line in lines if line.strip().startswith("2023-24"))
    assert first_year.split() == ["2023-24", "84.000", "6.000", "90.000"]
    total = next(line for line in lines if line.strip().startswith("total"))
    assert total.split() == ["total", "126.000", "46.000", "172.000"]
    cap = next(line for line in lines if line.strip().startswith("SR21"))
    assert cap.split() == ["SR21", "2023-24..2024-25", "172.000", "200.000", "28.000"]
    full = next(line for line in lines if line.strip().startswith("2023-24 ceiling"))
    assert full.split()[-4:] == ["90.000", "90.000", "0", "(full)"]


def test_render_shows_the_critical_chain(scenario, plan):
    text = render_plan(scenario, plan)
    assert "Critical chain: what sets completion 2024-11" in text
    chain_lines = text.split("Critical chain: what sets completion 2024-11\n")[1].splitlines()
    assert chain_lines[0].split()[:2] == ["2023-04", "synergy:tender.start"]
    assert "earliest entry 2023-04 (readiness)" in chain_lines[0]
    assert any("waits for erp-market capacity (1)" in line for line in chain_lines)
    assert chain_lines[-1].split()[:2] == ["2024-11", "matrix:implement.end"]


def test_render_without_a_plan_gives_the_explanation(scenario):
    plan = Plan(
        scenario.name,
        "infeasible",
        {},
        SolverInfo("cp-sat", "9.15", 0.1, 1, 0),
        explanation=("cap SR21 (£150m) is £22m short", "relax it to £172m"),
    )
    text = render_plan(scenario, plan)
    assert "Status: infeasible" in text
    assert "No plan: the rules cannot all be met." in text
    assert "  cap SR21 (£150m) is £22m short\n  relax it to £172m\n" in text
    assert "Clusters" not in text


def test_csv_has_one_row_per_phase(scenario, plan, tmp_path: Path):
    path = tmp_path / "plan.csv"
    write_plan_csv(scenario, plan, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "a UTF-8 byte-order mark for Excel"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(row["cluster"], row["phase"]) for row in rows] == [
        ("synergy", "tender"),
        ("synergy", "implement"),
        ("matrix", "tender"),
        ("matrix", "implement"),
    ]
    assert rows[1] == {
        "cluster": "synergy",
        "phase": "implement",
        "start": "2023-10",
        "end": "2024-07",
        "months": "10",
        "option": "1",
        "option_label": "Acme fast track",
        "uses": "acme:2",
        "cost": "120000000",
        "predecessors": "synergy:tender FS",
    }
    assert (rows[0]["option"], rows[0]["option_label"], rows[0]["uses"]) == ("", "", "erp-market:1")


def test_funding_csv_has_a_row_per_cluster_and_year(plan, tmp_path: Path):
    path = write_funding_csv(plan, tmp_path / "funding.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0] == {
        "year": "2023-24",
        "cluster": "synergy",
        "spend": "84000000",
        "released": "84000000",
        "caps": "SR21, 2023-24 ceiling",
    }
    assert [(r["year"], r["cluster"]) for r in rows] == [
        ("2023-24", "synergy"),
        ("2023-24", "matrix"),
        ("2024-25", "synergy"),
        ("2024-25", "matrix"),
    ]
    released = sum(int(r["released"]) for r in rows)
    assert released == sum(sum(c.funding.values()) for c in plan.clusters)
