"""Hypothesis strategies: random tiny scenarios that draw every rule and objective term."""

from __future__ import annotations

from builders import cluster, phase, scenario
from hypothesis import strategies as st

from scheduler.scenario.data import (
    Budget,
    Cap,
    Dependency,
    Legacy,
    Milestone,
    Objective,
    Policy,
    Supplier,
)
from scheduler.terms import OBJECTIVE_TERMS
from scheduler.units import month

START = month(2024, 4)


@st.composite
def tiny_scenarios(draw):
    months = draw(st.integers(8, 14))
    suppliers = tuple(
        Supplier(f"s{i}", f"s{i}", draw(st.integers(1, 2))) for i in range(draw(st.integers(0, 2)))
    )
    supplier_ids = [s.id for s in suppliers]

    def uses():
        if not supplier_ids or not draw(st.booleans()):
            return None
        return {draw(st.sampled_from(supplier_ids)): 1}

    def money():
        return draw(st.sampled_from([0, 1_000, 2_500, 7_000, 1_000_000, 3_333_000, 12_000_000]))

    clusters = []
    for index in range(draw(st.integers(1, 3))):
        phases = [phase("a", draw(st.integers(1, 3)), money(), uses())]
        if draw(st.booleans()):
            if draw(st.booleans()):
                options = [(draw(st.integers(1, 3)), money(), uses()) for _ in range(2)]
                phases.append(phase("b", options=options, max_wait=draw(st.integers(0, 1))))
            else:
                phases.append(phase("b", draw(st.integers(1, 3)), money(), uses()))
        last = phases[-1].id
        fields = {"earliest_entry": START + draw(st.integers(0, 2))}
        if draw(st.booleans()):
            fields["latest_entry"] = fields["earliest_entry"] + draw(st.integers(0, 4))
        if draw(st.booleans()):
            fields["legacy"] = (
                Legacy(
                    "old",
                    START + draw(st.integers(0, months - 1)),
                    last,
                    money(),
                    START + months - 1 if draw(st.booleans()) else None,
                ),
            )
        if index and draw(st.booleans()):
            other = f"c{draw(st.integers(0, index - 1))}"
            edge = draw(st.sampled_from(["start", "end"]))
            fields["depends_on"] = (
                Dependency(
                    other, Milestone("a", edge), draw(st.integers(-1, 1)), Milestone("a", "start")
                ),
            )
        fields["benefits"] = draw(st.sampled_from([0, 0, 500_000]))
        clusters.append(cluster(f"c{index}", *phases, **fields))
    budget = None
    if draw(st.booleans()):
        caps = ()
        if draw(st.booleans()):
            caps = (
                Cap("cap", 2024, 2024, draw(st.sampled_from([1_000_000, 5_000_000, 15_000_000]))),
            )
        budget = Budget(
            tranche=draw(st.sampled_from([1_000, 1_000_000, 5_000_000])),
            caps=caps,
            covers_extensions=draw(st.booleans()),
        )
    policy = Policy(
        stagger_months=draw(st.integers(0, 2)),
        max_entries_per_year=draw(st.sampled_from([None, 1, 2])),
        deadline=draw(st.sampled_from([None, START + months - 2])),
    )
    if draw(st.booleans()):
        terms = draw(st.permutations(OBJECTIVE_TERMS))[: draw(st.integers(1, 3))]
        objective = Objective(terms=tuple(terms))
    else:
        weights = tuple((t, draw(st.integers(1, 3))) for t in ("total_cost", "completion"))
        objective = Objective(weights=weights)
    end = START + months - 1
    return scenario(
        *clusters,
        start=f"{START // 12}-{START % 12 + 1:02d}",
        end=f"{end // 12}-{end % 12 + 1:02d}",
        budget=budget,
        suppliers=suppliers,
        policy=policy,
        objective=objective,
    )
