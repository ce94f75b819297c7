"""plan.xlsx, the MS Project XML and the Mermaid gantt: read back, they hold the plan's figures."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sample_plan import sample_plan, sample_scenario

from scheduler.report.links import phase_links
from scheduler.report.mermaid import mermaid_text
from scheduler.report.mspdi import LINK_TYPES, month_finish, month_start, mspdi_text
from scheduler.report.xlsx import first_day, last_day, workbook_bytes, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
NS = {"p": "http://schemas.microsoft.com/project"}


@pytest.fixture(scope="module")
def scenario():
    return sample_scenario()


@pytest.fixture(scope="module")
def plan():
    return sample_plan()


# -- Excel ----------------------------------------------------------------------------------------


def test_workbook_is_byte_stable_and_holds_numbers_dates_and_formulas(scenario, plan, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    first = workbook_bytes(scenario, plan)
    assert first == workbook_bytes(scenario, plan), "the same plan gives the same bytes"
    path = write_xlsx(scenario, plan, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path, data_only=True)  # the stored values of the formulas
    assert book.sheetnames == ["Phases", "Milestones", "Funding", "Caps", "Legacy", "Indicators"]
    phases = list(book["Phases"].iter_rows(values_only=True))
    assert phases[0][:4] == ("cluster", "phase", "option", "start")
    implement = phases[2]
    assert implement[:3] == ("synergy", "implement", "Acme fast track")
    assert implement[3] == dt.datetime(2023, 10, 1) and implement[4] == dt.datetime(2024, 7, 31)
    assert implement[5:] == (10, 120_000_000, "acme:2", "synergy:tender FS")
    assert phases[-1][0] == "total" and phases[-1][6] == 172_000_000
    assert book["Phases"].cell(2, 7).number_format == "£#,##0"
    assert book["Phases"].cell(2, 4).number_format == "yyyy-mm"
    funding = list(book["Funding"].iter_rows(values_only=True))
    assert funding[1] == ("2023-24", 84_000_000, 6_000_000, 90_000_000, "SR21, 2023-24 ceiling")
    totals = next(row for row in funding if row[0] == "total")
    assert totals[1:4] == (126_000_000, 46_000_000, 172_000_000)
    caps = list(book["Caps"].iter_rows(values_only=True))
    assert caps[1] == ("SR21", "2023-24", "2024-25", 172_000_000, 200_000_000, 28_000_000)
    formulas = openpyxl.load_workbook(path)
    assert formulas["Caps"]["F2"].value == "=E2-D2", "headroom is a live formula"
    legacy = list(book["Legacy"].iter_rows(values_only=True))
    assert legacy[1][:3] == ("synergy", "SSCL ISSC2 contract", dt.datetime(2024, 7, 31))


def test_month_days():
    assert first_day(2024 * 12 + 1) == dt.date(2024, 2, 1)
    assert last_day(2024 * 12 + 1) == dt.date(2024, 2, 29)
    assert last_day(2024 * 12 + 11) == dt.date(2024, 12, 31)


# -- MS Project XML -------------------------------------------------------------------------------


def _tasks(text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(text)
    return {t.findtext("p:Name", namespaces=NS): t for t in root.iterfind("p:Tasks/p:Task", NS)}


def test_mspdi_has_a_summary_per_cluster_phases_milestones_links_and_costs(scenario, plan):
    text = mspdi_text(scenario, plan)
    assert text == mspdi_text(scenario, plan)
    tasks = _tasks(text)
    expected = 1 + sum(1 + 1 + len(c.phases) + 2 for c in plan.clusters)
    assert len(tasks) == expected
    uid = {name: t.findtext("p:UID", namespaces=NS) for name, t in tasks.items()}
    for c in plan.clusters:
        assert tasks[c.id].findtext("p:Summary", namespaces=NS) == "1"
        for p in c.phases:
            name = f"{c.id}: {p.id}" + (" (Acme fast track)" if p.option == 1 else "")
            task = tasks[name]
            assert task.findtext("p:Start", namespaces=NS) == month_start(p.start).isoformat()
            assert task.findtext("p:Finish", namespaces=NS) == month_finish(p.end).isoformat()
            assert task.findtext("p:Cost", namespaces=NS) == str(p.cost * 100)  # pence
            baseline = task.find("p:Baseline", NS)
            assert baseline is not None
            assert baseline.findtext("p:Cost", namespaces=NS) == str(p.cost * 100)
        for milestone in ("market entry", "contract award", "go-live"):
            assert tasks[f"{c.id}: {milestone}"].findtext("p:Milestone", namespaces=NS) == "1"
    implement = tasks["synergy: implement (Acme fast track)"]
    links = [
        (link.findtext("p:PredecessorUID", namespaces=NS), link.findtext("p:Type", namespaces=NS))
        for link in implement.iterfind("p:PredecessorLink", NS)
    ]
    assert links == [(uid["synergy: tender"], str(LINK_TYPES["FS"]))]


def test_working_day_dates():
    assert month_start(2023 * 12 + 3) == dt.datetime(2023, 4, 3, 8)  # 1 April 2023 is a Saturday
    assert month_finish(2023 * 12 + 8) == dt.datetime(2023, 9, 29, 17)  # 30 September: Saturday


_READ_BACK = """
import json, sys
import jpype, mpxj  # noqa: F401  (mpxj puts its jars on the class path)
jpype.startJVM()
from org.mpxj.reader import UniversalProjectReader
project = UniversalProjectReader().read(sys.argv[1])
out = []
for t in project.getTasks():
    out.append({
        "name": str(t.getName()), "start": str(t.getStart()), "finish": str(t.getFinish()),
        "cost": float(t.getCost().doubleValue()) if t.getCost() is not None else None,
        "baseline_start": str(t.getBaselineStart()),
        "milestone": bool(t.getMilestone()), "summary": bool(t.getSummary()),
        "preds": [[str(r.getPredecessorTask().getName()), str(r.getType()),
                   float(r.getLag().getDuration())] for r in t.getPredecessors()],
    })
print(json.dumps(out))
"""


def _mpxj_available() -> str:
    for module in ("mpxj", "jpype"):
        try:
            __import__(module)
        except ImportError:
            return f"the {module} package is not installed (pip install -e '.[test]')"
    if not shutil.which("java"):
        return "no Java runtime (apt-get install default-jre-headless; .ci/run installs it)"
    return ""


@pytest.mark.slow
@pytest.mark.skipif(bool(_mpxj_available()), reason=_mpxj_available() or "available")
def test_mpxj_reads_every_task_link_and_cost_of_the_base_plan(tmp_path):
    from scheduler.plan import Plan
    from scheduler.scenario.load import load_scenario

    out = tmp_path / "out"
    base = ROOT / "scenarios" / "base.yaml"
    command = [sys.executable, "-m", "scheduler", str(base), "--deterministic", "--quiet"]
    subprocess.run([*command, "--out", str(out)], check=True, cwd=ROOT, capture_output=True)
    scenario, plan = load_scenario(base), Plan.read(out / "plan.json")
    done = subprocess.run(
        [sys.executable, "-c", _READ_BACK, str(out / "plan.xml")],
        check=True,
        capture_output=True,
        text=True,
    )
    tasks = {t["name"]: t for t in json.loads(done.stdout)}
    assert len(tasks) == 1 + sum(4 + len(c.phases) for c in plan.clusters)
    names = {}
    for c in plan.clusters:
        for p in c.phases:
            name = next(
                n for n in tasks if n == f"{c.id}: {p.id}" or n.startswith(f"{c.id}: {p.id} (")
            )
            names[(c.id, p.id)] = name
            task = tasks[name]
            assert task["start"] == month_start(p.start).isoformat()[:16]
            assert task["finish"] == month_finish(p.end).isoformat()[:16]
            assert task["baseline_start"] == task["start"]
            assert task["cost"] == p.cost
    links = phase_links(scenario, plan)
    assert any(link.rule == "depends_on" for link in links), "base.yaml has a dependency"
    for link in links:
        preds = tasks[names[link.after]]["preds"]
        assert [names[link.before], link.kind, float(link.lag)] in preds
    summary_cost = sum(
        t["cost"] for t in tasks.values() if t["summary"] and t["name"] != scenario.name
    )
    assert summary_cost == sum(p.cost for c in plan.clusters for p in c.phases)


# -- Mermaid --------------------------------------------------------------------------------------


def test_mermaid_gantt_has_a_bar_per_phase_and_no_today_marker(scenario, plan):
    text = mermaid_text(scenario, plan)
    lines = text.splitlines()
    assert lines[0] == "gantt" and "    todayMarker off" in lines
    assert "    section synergy" in lines
    assert "    implement (Acme fast track) : synergy_implement, 2023-10-01, 2024-08-01" in lines
    bars = [line for line in lines if " : " in line and "milestone" not in line]
    assert len(bars) == sum(len(c.phases) for c in plan.clusters)
    assert sum("milestone" in line for line in lines) == 3 * len(plan.clusters)


def test_mermaid_text_cannot_break_the_syntax(scenario, plan):
    from dataclasses import replace

    hostile = replace(scenario, name="Plan: phase 1; #2 %%")
    assert "    title Plan phase 1 2" in mermaid_text(hostile, plan).splitlines()
