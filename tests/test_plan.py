"""The Plan as a notebook user meets it: a one-line repr, HTML tables, months as YYYY-MM."""

from __future__ import annotations

import dataclasses
import json

from builders import cluster, phase, plan_of, scenario

from scheduler.plan import Plan
from scheduler.units import Month


def _plan() -> Plan:
    sc = scenario(
        cluster("a", phase("tender", 3, 3_000_000), phase("build", 6, 12_000_000)),
        cluster("b", phase("tender", 2, 1_000_000)),
    )
    plan = plan_of(sc, {"a": "2024-06", "b": "2025-01"})
    bounds = dict(plan.objective)
    return dataclasses.replace(plan, status="optimal", bounds=bounds)


def test_months_of_a_plan_print_as_months_and_stay_ordinals():
    plan = _plan()
    a = plan.cluster("a")
    assert [str(a.entry), str(a.award), str(a.go_live)] == ["2024-06", "2024-08", "2025-02"]
    assert repr(a.phases[1]).startswith("PhasePlan(id='build', start=2024-09, end=2025-02")
    assert a.entry == 2024 * 12 + 5 and a.entry + 1 == 2024 * 12 + 6
    assert str(plan.objective["completion"]) == "2025-02"
    assert isinstance(plan.bounds["completion"], Month)
    assert json.loads(plan.to_json())["objective"]["completion"] == "2025-02"


def test_the_plan_json_reads_back_identical():
    plan = _plan()
    again = Plan.from_dict(json.loads(plan.to_json()))
    assert again == plan
    assert again.to_json() == plan.to_json()


def test_repr_is_one_short_line_with_terms_in_pounds_and_months():
    plan = _plan()
    text = repr(plan)
    assert text == (
        "<Plan 'test': optimal; extension cost £0, delivery cost £16m, completion 2025-02 "
        "(proven optimal); 2 clusters entering 2024-06..2025-01>"
    )


def test_repr_shows_the_bound_of_a_term_not_proven():
    plan = dataclasses.replace(
        _plan(),
        status="feasible",
        bounds={"extension_cost": 0, "delivery_cost": 15_000_000, "completion": Month(24290)},
    )
    text = repr(plan)
    assert "delivery cost £16m (bound £15m)" in text
    assert "completion 2025-02 (bound 2024-03)" in text
    assert "proven optimal" not in text


def test_repr_of_a_plan_without_schedule_points_to_its_explanation():
    plan = dataclasses.replace(
        _plan(), status="infeasible", clusters=(), objective={}, bounds={}, explanation=("x", "y")
    )
    assert repr(plan) == "<Plan 'test': infeasible; 2 lines of explanation (.explanation)>"


def test_html_tables_of_terms_and_clusters_escape_names():
    plan = dataclasses.replace(_plan(), scenario="<Cap & co>")
    page = plan._repr_html_()
    assert "<b>&lt;Cap &amp; co&gt;</b>: optimal" in page
    assert "<tr><td>delivery cost</td><td>£16m</td><td>£16m</td></tr>" in page
    row = "<tr><td>a</td><td>2024-06</td><td>2024-04..2025-07</td><td>2024-08</td><td>2025-02</td>"
    assert row + "<td>£15m</td></tr>" in page
    assert page.count("<table>") == 2
