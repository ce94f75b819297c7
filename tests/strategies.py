"""Hypothesis strategies: random tiny scenarios that draw every rule and objective term."""

from __future__ import annotations

from dataclasses import replace

from builders import cluster, phase, scenario
from hypothesis import strategies as st

from scheduler.scenario.data import (
    Actual,
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
                    instances=draw(st.sampled_from([1, 1, 15])),
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
        fields["platform"] = draw(st.sampled_from([None, "Oracle Cloud", "SAP"]))
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


@st.composite
def tiny_scenarios_with_history(draw):
    """A tiny scenario as at a status date ``D`` drawn inside its horizon: each cluster either
    has no actuals, or entered before ``D`` with its first phase (and maybe its second) run for
    its planned months give or take (finished before ``D``, or still running past it), the option
    taken drawn; releases of a year ended before ``D`` are sometimes given."""
    sc = draw(tiny_scenarios())
    horizon = sc.horizon
    status = horizon.start + draw(st.integers(1, max(1, horizon.months - 2)))
    clusters = []
    for c in sc.clusters:
        if not draw(st.booleans()):
            clusters.append(replace(c, earliest_entry=None, latest_entry=None))
            continue
        at = horizon.start + draw(st.integers(0, status - horizon.start - 1))
        phases = []
        for index, p in enumerate(c.phases):
            done = phases[-1].actual if phases else None
            if index and (done is None or done.running or at >= status or draw(st.booleans())):
                phases.append(p)
                continue
            planned = draw(st.sampled_from(p.modes))
            months = max(1, planned.months + draw(st.integers(-1, 2)))
            end = min(at + months - 1, horizon.end)
            running = end >= status
            if not running and draw(st.booleans()):
                end = max(at, min(end, status - 1))
            mode = replace(planned, months=end - at + 1)
            phases.append(
                replace(p, modes=(mode,), actual=Actual(at, end, running, planned, p.modes))
            )
            at = end + 1 + draw(st.integers(0, 1))
        clusters.append(replace(c, phases=tuple(phases)))
    budget = sc.budget
    first_decision = horizon.fiscal_year(status)
    history_years = [y for y in horizon.fiscal_years() if y < first_decision]
    if budget is not None and history_years and draw(st.booleans()):
        with_past = [c.id for c in clusters if c.has_actuals]
        if with_past:
            amount = draw(st.sampled_from([0, 1_000_000, 5_000_000]))
            budget = replace(budget, released=((with_past[0], history_years[0], amount),))
    return replace(sc, clusters=tuple(clusters), status_date=status, budget=budget)
