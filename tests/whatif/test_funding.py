"""The funding questions end to end (``whatif/funding.py``): each answer's plan is checked and
keeps its promise by the plan's own figures; a promise no amount keeps names the rule and the
earliest retirement the lifecycle allows."""

from __future__ import annotations

import dataclasses

import pytest
from bruteforce import least_cap_amount
from builders import Budget, Cap, Objective, cluster, m, phase, scenario

import scheduler as sch
from scheduler.errors import ScenarioError
from scheduler.rules.check import check_plan
from scheduler.scenario.data import Legacy, Target
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
    assert "b: old-b retired by its expiry 2024-06" in text
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
