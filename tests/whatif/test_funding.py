"""The funding questions end to end (``whatif/funding.py``): each answer's plan is checked and
keeps its promise by the plan's own figures; a promise no amount keeps names the rule and the
earliest retirement the lifecycle allows."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from bruteforce import least_cap_amount
from builders import Budget, Cap, Objective, Supplier, cluster, m, phase, scenario

import scheduler as sch
from scheduler.errors import ScenarioError
from scheduler.rules.check import check_plan
from scheduler.scenario.data import Legacy, Target
from scheduler.scenario.load import load_scenario
from scheduler.solve.cpsat.least_cap import Lever, Promise
from scheduler.solve.options import SolveOptions
from scheduler.whatif.funding import funding, promise_kept

OPTIONS = SolveOptions(time_limit=20, workers=1, deterministic=True)


def _small():
    a = cluster(
        "a",
        phase("tender", 3, 300_000),
        phase("build", options=[(6, 1_200_000, None), (4, 1_500_000, None)]),
        legacy=(Legacy("old-a", m("2025-01"), "build", 50_000),),
        earliest_entry="2024-04",
        latest_entry="2025-03",
    )
    b = cluster(
        "b",
        phase("tender", 2, 200_000),
        phase("build", 5, 1_000_000),
        legacy=(Legacy("old-b", m("2024-06"), "build", 30_000),),
        earliest_entry="2024-04",
    )
    caps = (Cap("early", 2024, 2024, 2_000_000),)
    sc = scenario(
        a, b, start="2024-04", end="2027-03", budget=Budget(100_000, caps=caps),
        objective=Objective(("extension_cost", "delivery_cost")),
    )  # fmt: skip
    return dataclasses.replace(sc, targets=(Target("a by 2025-06", m("2025-06"), ("a",)),))


def test_every_answer_has_a_checked_plan_that_keeps_its_promise():
    sc = _small()
    result = funding(sc, ["early"], options=OPTIONS)
    answers = {answer.key: answer for answer in result.levers[0].promises}
    assert list(answers) == ["plan", "deadlines", "expiries", "target:a by 2025-06", "best"]
    assert answers["deadlines"].same_as == "plan"
    for key in ("plan", "target:a by 2025-06", "best"):
        answer = answers[key]
        assert (
            answer.plan is not None
            and check_plan(Lever("early").at(sc, answer.value), answer.plan) == []
        )
        assert answer.kept and promise_kept(sc, answer.plan, answer.promise)
        released = next(c.released for c in answer.plan.caps if c.name == "early")
        assert released <= 1000 * answer.value
    assert 1000 * answers["plan"].value == least_cap_amount(sc, "early", lambda ev: True)


def test_an_expiry_no_plan_can_meet_is_explained_in_the_scenarios_terms():
    # b's legacy expires 2024-06; tender 2 + build 5 months from 2024-04 retires it 2024-10
    answer = next(a for a in funding(_small(), ["early"], options=OPTIONS).levers[0].promises
                  if a.key == "expiries")  # fmt: skip
    assert answer.least.status == "infeasible" and answer.plan is None
    text = "\n".join(answer.explanation)
    assert "Each of these cannot be retired by the month the promise needs:" in text
    assert (
        "b: old-b cannot be retired before 2024-10: market entry no earlier than 2024-04, "
        "then tender 2 months, then build 5 months (needed by 2024-06, 4 months earlier)."
    ) in text
    assert "With early unlimited the least is" in text


def test_promise_kept_reads_the_plan_not_the_model():
    sc = _small()
    plan = funding(sc, ["early"], options=OPTIONS).levers[0].promises[0].plan
    assert plan is not None
    late = sum(s.late_months for c in plan.clusters for s in c.legacy)
    assert promise_kept(sc, plan, Promise("expiries", late_months=late))
    assert not promise_kept(sc, plan, Promise("expiries", late_months=late - 1))


def test_front_door_and_unknown_cap():
    sc = _small()
    result = sch.funding(sc, ["early"], scale_caps=True, time_limit=20, workers=1)
    assert [lever.name for lever in result.levers] == ["early", "every cap, scaled"]
    with pytest.raises(ScenarioError, match="no cap named 'late'; the caps are early"):
        sch.funding(sc, ["late"])


def test_the_least_amount_is_never_below_what_history_released():
    """status-2025.yaml: every SR21 year is history, so its least amount is what was released."""
    root = Path(__file__).resolve().parents[2]
    sc = load_scenario(root / "scenarios" / "status-2025.yaml")
    answer = funding(sc, ["SR21"], options=OPTIONS).levers[0].promises[0]
    assert answer.plan is not None and answer.least.status == "optimal"
    released = next(c.released for c in answer.plan.caps if c.name == "SR21")
    assert 1000 * answer.value == released == 1000 * Lever("SR21").floor(sc) > 0


def test_a_target_that_fails_only_with_other_rules_names_the_minimal_conflict():
    """Each cluster alone could go live by the target; one supplier of capacity 1 cannot run
    both tenders at once, so together they cannot: the explanation names the supplier's rule and
    the target's, not the lifecycle."""
    market = Supplier("market", "Market", 1)
    one = cluster("one", phase("tender", 3, 0, {"market": 1}), phase("build", 3, 300_000),
                  legacy=(Legacy("old-1", m("2025-03"), "build", 1_000),))  # fmt: skip
    two = cluster("two", phase("tender", 3, 0, {"market": 1}), phase("build", 3, 300_000),
                  legacy=(Legacy("old-2", m("2025-03"), "build", 1_000),))  # fmt: skip
    sc = scenario(
        one, two, suppliers=(market,), budget=Budget(100_000, caps=(Cap("c", 2024, 2025, 10**7),))
    )
    target = Target("both by 2024-11", m("2024-11"))
    sc = dataclasses.replace(sc, targets=(target,))
    answer = next(a for a in funding(sc, ["c"], options=OPTIONS).levers[0].promises
                  if a.key.startswith("target"))  # fmt: skip
    assert answer.least.status == "infeasible"
    text = "\n".join(answer.explanation)
    assert "supplier market: at most 1 unit(s) in use at once" in text
    assert "retired by 2024-11 (target both by 2024-11)" in text
    assert "cannot be retired before" not in text
