"""report.html: self-contained, deterministic, escaped, and showing the plan's own figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sample_plan import sample_plan, sample_scenario

from scheduler.plan import Plan, SolverInfo
from scheduler.report.html import render_report, write_report
from scheduler.report.html.suppliers import use_runs
from scheduler.units import millions


@pytest.fixture(scope="module")
def scenario():
    return sample_scenario()


@pytest.fixture(scope="module")
def plan():
    return sample_plan()


ROOT = Path(__file__).resolve().parents[3]
BASE = ROOT / "scenarios" / "base.yaml"
REPORT = (sys.executable, "-m", "scheduler", "report")


class Tables(HTMLParser):
    """Every <table> of a page as (caption, header cells, body rows of cell text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[str], list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._caption: list[str] | None = None
        self._head = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(("", [], []))
        elif tag == "caption":
            self._caption = []
        elif tag == "thead":
            self._head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            _, head, body = self.tables[-1]
            self.tables[-1] = ("".join(self._caption), head, body)
            self._caption = None
        elif tag == "thead":
            self._head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            (self.tables[-1][1].extend if self._head else self.tables[-1][2].append)(self._row)
            self._row = None

    def handle_data(self, data):
        for part in (self._cell, self._caption):
            if part is not None:
                part.append(data)


def tables_of(html: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    parser = Tables()
    parser.feed(html)
    return {caption: (head, body) for caption, head, body in parser.tables if caption}


@pytest.fixture(scope="module")
def html(scenario, plan) -> str:
    return render_report(scenario, plan)


def test_the_page_needs_nothing_but_itself(html):
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"\bsrc\s*=", html)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith("#") for h in hrefs), "only in-page links"
    assert set(re.findall(r"url\(([^)]*)\)", html)) <= {
        u for u in re.findall(r"url\((#[^)]*)\)", html)
    }, "CSS and SVG refer only to ids inside the page"
    assert html.count("<svg") == 5  # Gantt, funding, indicators, suppliers, dependency graph
    assert '<section id="risk">' not in html, "no risk section without a risk run"


def test_svg_ids_are_unique_across_the_charts(html):
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an id defined twice in the page"
    refs = set(re.findall(r'(?:url\(|href=")#([^)"]+)', html))
    assert refs <= set(ids), "every reference is to an id on the page"


def test_every_scenario_string_is_escaped(scenario, plan):
    hostile = '<script>alert("x")</script> & co'
    cluster = replace(scenario.clusters[0], name=hostile)
    scenario = replace(scenario, name=hostile, clusters=(cluster, *scenario.clusters[1:]))
    html = render_report(scenario, plan)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html


def test_funding_table_holds_the_plans_figures(html):
    head, body = tables_of(html)["Funding released per year (£m)"]
    assert head == ["year", "synergy", "matrix", "total", "cap"]
    assert body[0] == ["2023-24", "84.000", "6.000", "90.000", "SR21, 2023-24 ceiling"]
    assert body[-1][:4] == ["total", millions(126_000_000), millions(46_000_000), "172.000"]
    caps = tables_of(html)["Caps"][1]
    assert caps == [
        ["SR21", "2023-24..2024-25", "172.000", "200.000", "28.000"],
        ["2023-24 ceiling", "2023-24", "90.000", "90.000", "0 (full)"],
    ]


def test_phase_and_milestone_tables_follow_the_plan(html, plan):
    tables = tables_of(html)
    phases = tables["Phases"][1]
    assert [row[:6] for row in phases] == [
        [c.id, p.id, "Acme fast track" if p.option == 1 else "-", *_months(p)]
        for c in plan.clusters
        for p in c.phases
    ]
    milestones = tables["Milestones"][1]
    assert milestones[0] == ["synergy", "2023-04", "2023-04..2023-06", "2023-09", "2024-07"]


def _months(phase):
    from scheduler.units import month_label

    return [month_label(phase.start), month_label(phase.end), str(phase.months)]


def test_headline_shows_bounds_and_what_binds(html):
    objective = tables_of(html)["Objective"][1]
    assert objective[1] == ["delivery cost", "£172m", "£171.25m", "£750k (0.4%)"]
    assert objective[0][3] == "proven optimal"
    binds = tables_of(html)["What binds"][1]
    assert ["2023-24 ceiling cap", "£90m of £90m released"] in binds


def test_supplier_use_runs_merge_months_with_the_same_use(html, plan):
    start = plan.clusters[0].entry
    assert use_runs(plan, "erp-market") == [
        (start, start + 5, 1, "synergy"),
        (start + 6, start + 11, 1, "matrix"),
    ]
    assert use_runs(plan, "acme") == [(start + 6, start + 15, 2, "synergy x2")]
    rows = tables_of(html)["Use by period"][1]
    assert ["acme", "2023-10", "2024-07", "2", "2", "full", "synergy x2"] in rows


def test_an_infeasible_plan_gets_its_explanation_and_no_charts(scenario):
    plan = Plan(
        scenario=scenario.name,
        status="infeasible",
        objective={},
        solver=SolverInfo(),
        explanation=("SR21 cap: £200m is £30m short",),
    )
    html = render_report(scenario, plan)
    assert "<svg" not in html
    assert "No plan: the rules cannot all be met." in html
    assert "SR21 cap: £200m is £30m short" in html


def test_write_report_replaces_the_file_whole(scenario, plan, html, tmp_path):
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    write_report(scenario, plan, target)
    assert target.read_text(encoding="utf-8") == html, "the same plan gives the same page"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"], "no temp file left"


@pytest.fixture(scope="module")
def base_plan(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    command = [sys.executable, "-m", "scheduler", str(BASE), "--deterministic", "--quiet"]
    subprocess.run([*command, "--out", str(folder)], check=True, cwd=ROOT)
    return folder


@pytest.mark.slow
def test_same_plan_gives_the_same_bytes_in_fresh_processes(base_plan, tmp_path):
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"report-{seed}.html"
        subprocess.run(
            [*REPORT, str(BASE), str(base_plan / "plan.json"), "-o", str(target)],
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] == (base_plan / "report.html").read_bytes(), "--out writes the same page"
    assert len(outputs[0]) < 400_000


@pytest.mark.slow
def test_report_command_refuses_a_plan_the_scenario_does_not_allow(base_plan, tmp_path):
    actual = ROOT / "scenarios" / "actual-2023.yaml"
    target = tmp_path / "report.html"
    done = subprocess.run(
        [*REPORT, str(actual), str(base_plan / "plan.json"), "-o", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 5
    assert "not at its fixed entry 2023-06" in done.stdout
    assert not target.exists()


@pytest.mark.slow
def test_base_report_shows_every_cluster_and_the_sr21_cap(base_plan):
    html = (base_plan / "report.html").read_text(encoding="utf-8")
    plan = Plan.read(base_plan / "plan.json")
    tables = tables_of(html)
    funding = tables["Funding released per year (£m)"][1]
    total = sum(sum(c.funding.values()) for c in plan.clusters)
    assert funding[-1][0] == "total" and funding[-1][-2] == millions(total)
    assert ["SR21", "2022-23..2024-25", "300.000", "300.000", "0 (full)"] in tables["Caps"][1]
    assert len(tables["Phases"][1]) == sum(len(c.phases) for c in plan.clusters)
    chain = tables.get("Rules between milestones")
    assert chain is not None and any(row[-1] == "tight" for row in chain[1])
    assert plan.status == "optimal"
    assert use_runs(plan, "integrators")


@pytest.mark.slow
def test_base_report_has_the_risk_run_of_its_scenario(base_plan):
    from scheduler.analysis.risk.simulate import simulate
    from scheduler.scenario.load import load_scenario
    from scheduler.units import month_label

    html = (base_plan / "report.html").read_text(encoding="utf-8")
    scenario, plan = load_scenario(BASE), Plan.read(base_plan / "plan.json")
    result = simulate(scenario, plan)  # the scenario's own runs and seed
    assert '<section id="risk">' in html and html.count("<svg") == 6
    go_live = tables_of(html)["Go-live at risk"][1]
    assert go_live[-1] == ["completion", month_label(result.completion_planned)] + [
        month_label(m) for m in result.completion
    ]
    legacy = tables_of(html)["Legacy systems: how likely each date holds"][1]
    unity = next(row for row in legacy if row[0] == "unity")
    item = next(i for i in result.legacy if i.cluster == "unity")
    assert unity[5] == f"{item.p_deadline:.1%}"
