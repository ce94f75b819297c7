"""Hand-made pairs of scenarios for the compare reader's tests
(``tests/whatif/test_compare_truth*.py``): a three-cluster programme to vary, its deterministic plan
(cached, as the reader re-solves the summary's counterfactuals), a subject, a story, and the story
read back with every sentence confirmed."""

from __future__ import annotations

import functools

from builders import Budget, Cap, Objective, Policy, Supplier, cluster, m, phase, scenario
from compare_truth import contradictions

from scheduler.pipeline import solve
from scheduler.plan import Plan
from scheduler.scenario.data import Legacy, Scenario
from scheduler.solve.options import SolveOptions
from scheduler.whatif.compare import compare
from scheduler.whatif.compare_types import Story, Subject

OPTIONS = SolveOptions(time_limit=10, workers=1, deterministic=True)


@functools.lru_cache(maxsize=64)
def solved(sc: Scenario) -> Plan:
    """The deterministic plan (cached: the reader re-solves the summary's counterfactuals)."""
    return solve(sc, OPTIONS).plan


def programme(
    stagger: int = 2, cap: int = 30_000_000, terms: tuple[str, ...] = (), **fixed: str
) -> Scenario:
    """Three clusters on one ERP market of capacity 2, a cap over 2024-25, a stagger; each cluster
    retires a legacy system at the end of its implementation (£1m a month late)."""
    clusters = [
        cluster(
            cid,
            phase("tender", 3, 3_000_000, {"erp": 1}),
            phase("implement", 6, 6_000_000, options=[(6, 6_000_000, None), (4, 9_000_000, None)]),
            earliest_entry="2024-04",
            legacy=(Legacy(f"{cid.upper()} ledger, v2", m("2025-01"), "implement", 1_000_000),),
            **({"fixed_entry": fixed[cid]} if cid in fixed else {}),
        )
        for cid in ("a", "b", "c")
    ]
    return scenario(
        *clusters,
        start="2024-04",
        end="2027-03",
        budget=Budget(tranche=1_000_000, caps=(Cap("SR", 2024, 2024, cap),)),
        suppliers=(Supplier("erp", "ERP market", 2),),
        policy=Policy(stagger_months=stagger),
        objective=Objective(terms or ("extension_cost", "delivery_cost", "completion")),
    )


def story_of(a: Subject, b: Subject, solver=solved) -> Story:
    (story,) = compare([a, b], solver, "test solves").summary
    return story


def subject(label: str, sc: Scenario, plan: Plan | None = None, kind: str = "scenario") -> Subject:
    return Subject(label, f"{label}.yaml", kind, sc, plan if plan is not None else solved(sc))


def true(story: Story, a: Subject, b: Subject, solver=solved) -> str:
    """The story's text, after asserting the reader confirms every sentence."""
    assert contradictions(story, a, b, solver) == []
    return " ".join(" ".join((story.headline, *story.points)).split())
