"""Small scenarios that exercise every rule, shared by the backend cross-checks and the rule-name
tests: options, two suppliers (one with a window), stagger, a cap, legacy systems with a hard
deadline, dependencies, waits, entries per year and a deadline."""

from __future__ import annotations

from builders import Budget, Cap, Objective, Policy, Supplier, cluster, m, phase, scenario

from scheduler.scenario.data import Dependency, Legacy, Milestone, Scenario

MARKET = Supplier("market", "ERP market", 2)
INTEGRATORS = Supplier("si", "Integrators", 2, available_from=m("2024-06"))
CAP = 33_000_000


def lifecycle(tender: int = 4, cost: int = 3_000_000) -> tuple:
    return (
        phase("tender", tender, cost, {"market": 1}),
        phase(
            "implement",
            options=[(12, 20_000_000, {"si": 1}), (8, 26_000_500, {"si": 2})],
        ),
        phase("transition", 2, 1_000_000),
    )


def legacy(expires: str, rate: int, hard: str | None = None) -> tuple[Legacy, ...]:
    return (Legacy("old", m(expires), "implement", rate, m(hard) if hard else None),)


def after(other: str, milestone: str, lag: int = 0) -> tuple[Dependency, ...]:
    phase_id, edge = milestone.split(".")
    return (Dependency(other, Milestone(phase_id, edge), lag, Milestone("tender", "start")),)


def three_clusters(**overrides) -> Scenario:
    """Options, two suppliers (one with a window), stagger, a cap, legacy with a hard deadline and
    a dependency: the base of most cases below."""
    fields = {
        "start": "2024-01",
        "end": "2026-12",
        "suppliers": (MARKET, INTEGRATORS),
        "policy": Policy(stagger_months=3),
        "budget": Budget(tranche=1_000_000, caps=(Cap("SR", 2024, 2024, CAP),)),
        "benefits": 0,
    }
    fields.update(overrides)
    benefits = fields.pop("benefits")
    return scenario(
        cluster(
            "a",
            *lifecycle(),
            legacy=legacy("2025-03", 500_000, "2025-03"),
            benefits=benefits,
        ),
        cluster(
            "b",
            *lifecycle(),
            legacy=legacy("2025-09", 300_000),
            depends_on=after("a", "tender.end", 2),
            benefits=benefits // 2,
        ),
        cluster(
            "c",
            phase("tender", 3, 2_000_000, {"market": 1}),
            phase("implement", 10, 15_000_500, {"si": 1}),
            legacy=legacy("2025-12", 200_000),
            earliest_entry="2024-03",
            depends_on=(
                Dependency("b", Milestone("tender", "start"), 5, Milestone("tender", "start")),
            ),
            benefits=benefits,
        ),
        **fields,
    )


def waits() -> Scenario:
    """``max_wait`` (enumerated into the MILP patterns), entries per year, a deadline, net cost."""
    return scenario(
        cluster(
            "a",
            phase("tender", 3, 2_000_000, {"market": 1}),
            phase("implement", 6, 9_000_000, {"si": 1}, max_wait=3),
            legacy=legacy("2025-03", 400_000),
            fixed_entry="2024-05",
            benefits=700_000,
        ),
        cluster(
            "b",
            phase("tender", 3, 2_000_000, {"market": 1}),
            phase("implement", options=[(6, 9_000_000, {"si": 1}), (4, 11_000_000, {"si": 1})]),
            phase("transition", 2, 500_000, max_wait=2),
            legacy=legacy("2025-06", 250_000),
            benefits=300_000,
        ),
        start="2024-01",
        end="2025-12",
        suppliers=(MARKET, Supplier("si", "SI", 1, available_to=m("2025-09"))),
        policy=Policy(max_entries_per_year=1, deadline=m("2025-10")),
        budget=Budget(tranche=2_000_000, caps=(Cap("SR", 2024, 2024, 20_000_000),)),
        objective=Objective(("net_cost", "late_months", "completion")),
    )
