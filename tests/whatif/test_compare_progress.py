"""compare with a status date: per cluster, how far the milestones moved, split into what the
actuals did, what the entry bounds (here the status date) forced and what the re-optimisation
chose; an overrun is never "an option not chosen"."""

from __future__ import annotations

from compare_truth import contradictions
from loading import write

from scheduler.pipeline import solve
from scheduler.scenario.load import load_scenario
from scheduler.solve.options import SolveOptions
from scheduler.units import month_label
from scheduler.whatif.compare import compare
from scheduler.whatif.compare_types import Subject

BASE = """\
name: plan
horizon: {start: 2023-04, end: 2031-03}
suppliers: [{id: market, capacity: 1}]
lifecycle:
  - {id: tender, months: 12, cost: £6m, uses: [market]}
  - id: implement
    options: [{name: standard, months: 24, cost: £48m}, {name: fast, months: 18, cost: £60m}]
clusters:
  - id: a
    earliest_entry: 2023-06
    legacy: [{name: A, expires: 2025-06, extension_cost: £2m, replaced_by: implement}]
  - id: b
    earliest_entry: 2023-06
    legacy: [{name: B, expires: 2027-06, extension_cost: £1m, replaced_by: implement}]
"""

NOW = BASE.replace("name: plan\n", "name: now\nstatus_date: 2025-04\n").replace(
    "  - id: a\n    earliest_entry: 2023-06\n",
    "  - id: a\n    earliest_entry: 2023-06\n    phases:\n"
    "      tender: {actual_start: 2023-06, actual_end: 2024-05}\n"
    "      implement: {actual_start: 2024-06, remaining_months: 20, option: fast}\n",
)


def _subject(tmp_path, name, text):
    folder = tmp_path / name
    folder.mkdir()
    scenario = load_scenario(write(folder, text))
    plan = solve(scenario, SolveOptions(time_limit=10, workers=1)).plan
    return Subject(name, name, "scenario", scenario, plan)


def test_an_overrun_is_the_actuals_and_a_moved_entry_is_the_status_date_and_the_reoptimisation(
    tmp_path,
):
    base, now = _subject(tmp_path, "plan", BASE), _subject(tmp_path, "now", NOW)
    a_base = base.plan.cluster("a")
    assert a_base.phase("implement").option == 1  # fast: 18 months planned
    assert now.plan.cluster("a").phase("implement").months == 30  # 2024-06 .. 2026-11
    (story,) = compare([base, now]).summary
    assert contradictions(story, base, now) == []  # every sentence recomputed from the plans
    text = story.text
    moved = next(point for point in story.points if point.startswith("Milestones moved"))
    assert (
        "a: award 2024-05 (0 months), go-live 2026-11 (+12 months): +12 months from the actuals, "
        "0 months chosen by the re-optimisation" in moved
    )
    b_base, b_now = base.plan.cluster("b"), now.plan.cluster("b")
    assert b_now.entry != b_base.entry
    delta = b_now.go_live - b_base.go_live
    assert f"b: award {month_label(b_now.award)}" in moved
    # nothing new starts before the status date: that much of b's later entry is forced by it
    forced = now.scenario.status_date - b_base.entry
    assert forced > 0
    assert (
        f"0 months from the actuals, {forced:+d} months from now's entry bounds (the status date "
        f"2025-04), {delta - forced:+d} months chosen by the re-optimisation" in moved
    )
    # a's overrun is what the actuals did; only b's option change is the re-optimisation's
    assert (
        "a retires its A 2026-11, 12 months later (implement runs 12 months longer than plan "
        "planned (actual)" in text
    )
    assert "implement fast not standard" in text.split("b retires its B")[1]
    assert "not" not in text.split("a retires its A")[1].split(";")[0]
