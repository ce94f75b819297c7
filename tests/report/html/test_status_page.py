"""The board pack of a plan made at a status date: the Gantt draws the status-date line and
history apart from the plan, the phase table says which phases are history, and the headline
gives each target met or missed by how many months."""

from __future__ import annotations

import re

import pytest

from scheduler.pipeline import solve
from scheduler.report.html.report import render_report
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions

OPTIONS = SolveOptions(time_limit=30, workers=1, deterministic=True)


@pytest.fixture(scope="module")
def status_page() -> str:
    scenario = load_scenario("scenarios/status-2025.yaml")
    return render_report(scenario, solve(scenario, OPTIONS).plan)


@pytest.fixture(scope="module")
def base_page() -> str:
    scenario = load_scenario("scenarios/base.yaml")
    return render_report(scenario, solve(scenario, OPTIONS).plan)


def _gantt(page: str) -> str:
    start = page.index('<section id="gantt">')
    return page[start : page.index("</section>", start)]


def test_gantt_marks_the_status_date_and_history(status_page):
    gantt = _gantt(status_page)
    assert "status date 2025-04" in gantt
    overlays = re.findall(r'id="gantt-history_bar_([a-z]+)_([a-z]+)_', gantt)
    # every phase with actuals: Overseas' three, the tenders and running implementations of
    # Synergy, Matrix and Unity; nothing of Defence, which has no actuals
    assert sorted(overlays) == sorted(
        [("overseas", p) for p in ("tender", "implement", "transition")]
        + [(c, p) for c in ("synergy", "matrix", "unity") for p in ("tender", "implement")]
    )
    assert "history (actual)" in gantt


def test_phase_table_says_what_is_history(status_page):
    gantt = _gantt(status_page)
    assert '<th scope="col">as at 2025-04</th>' in gantt
    assert "history, running: 41 months to go" in gantt  # Synergy's implementation
    assert "history (finished)" in gantt and ">plan<" in gantt


def test_headline_gives_the_target_missed_by_months(status_page):
    start = status_page.index('<section id="headline">')
    headline = status_page[start : status_page.index("</section>", start)]
    assert '<li class=missed><span class="value">missed by 36 months</span>' in headline
    assert "target: All departments on cloud systems by 2028" in headline
    assert "missed by 36 months (defence goes live 2031-12)" in headline
    assert "Status date: 2025-04" in headline


def test_a_plan_without_status_date_draws_no_history(base_page):
    gantt = _gantt(base_page)
    assert "status date" not in gantt and "gantt-history_" not in gantt
    assert "as at " not in gantt and "Targets" not in base_page.split('id="gantt"')[0]


def test_compare_page_draws_both_plans_whole_with_the_status_date(base_page):
    from scheduler.report.html.compare_page import render_compare_html
    from scheduler.whatif.compare import compare
    from scheduler.whatif.compare_types import Subject

    subjects = []
    for label, path in (("base", "scenarios/base.yaml"), ("now", "scenarios/status-2025.yaml")):
        scenario = load_scenario(path)
        subjects.append(Subject(label, path, "scenario", scenario, solve(scenario, OPTIONS).plan))
    page = render_compare_html(compare(subjects))
    # status-2025's horizon runs a year past base's: Defence's transition to 2032-06 is drawn
    assert "2032-33" in page and 'id="compare-plan1_defence_transition_2032-01_2032-06"' in page
    assert "status date 2025-04" in page and "history (actual)" in page
    assert 'id="compare-history_plan1_synergy_implement_2024-09_2028-08"' in page
