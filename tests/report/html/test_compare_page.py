"""compare --html: the plans' Gantts aligned with what moved marked, and the comparison's tables."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sample_plan import sample_plan, sample_scenario

from scheduler.plan import Plan
from scheduler.report.html.compare_page import moved_phases, render_compare_html
from scheduler.whatif.compare import compare
from scheduler.whatif.compare_types import Subject


def _later(plan: Plan, cluster_id: str, months: int) -> Plan:
    """``plan`` with one cluster moved ``months`` later (its phases and milestones)."""
    clusters = []
    for c in plan.clusters:
        if c.id == cluster_id:
            phases = tuple(replace(p, start=p.start + months, end=p.end + months) for p in c.phases)
            window = (c.entry_window[0] + months, c.entry_window[1] + months)
            c = replace(c, entry=c.entry + months, entry_window=window, phases=phases)
        clusters.append(c)
    return replace(plan, clusters=tuple(clusters))


@pytest.fixture(scope="module")
def page():
    scenario, plan = sample_scenario(), sample_plan()
    later = _later(plan, "matrix", 2)
    subjects = [
        Subject("as planned", "a.json", "plan", scenario, plan),
        Subject("matrix <late>", "b.json", "plan", scenario, later),
    ]
    return render_compare_html(compare(subjects)), plan, later


def test_moved_phases_are_those_whose_dates_or_option_changed():
    plan = sample_plan()
    later = _later(plan, "matrix", 2)
    assert moved_phases(plan, later) == {("matrix", "tender"), ("matrix", "implement")}
    assert moved_phases(plan, plan) == frozenset()


def test_compare_page_is_self_contained_with_one_aligned_chart(page):
    html, _, _ = page
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert html.count("<svg") == 1, "both Gantts in one figure, on one time axis"
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', html))
    assert "matrix &lt;late&gt;" in html and "matrix <late>" not in html
    assert '<section id="summary">' in html and '<section id="gantt">' in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "the same bar in both panels still has its own id"
    assert 'id="compare-plan1_matrix_tender_2023-12_2024-05"' in html


def test_compare_page_has_every_table_of_the_text_report(page):
    html, _, _ = page
    for title in ("Inputs", "Objective", "Clusters", "Funding", "Rules that bind"):
        assert re.search(rf"<h2>{title}[^<]*</h2>", html), title
