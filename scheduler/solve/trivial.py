"""A lower bound on the first objective stage without solving anything: the trivial bound.

Every term the stages add up falls, or stays, when a cluster enters earlier or picks a shorter or
cheaper option: extension cost and late months grow with each replacing phase's end, delivery cost
is the options' cost, net cost subtracts benefits that shrink as the last phase ends later, and
completion is the latest last phase end. Rules between clusters (capacity, stagger, caps,
dependencies) only push entries later. So with every cluster at its earliest entry
``E0[c] = fixed, or max(horizon start, earliest)``, its phases back to back, and each term at its
best option per phase on its own, ``sum_c min term[c] <= term`` of any plan (``max_c`` for
completion); a weighted stage of such terms with non-negative weights is bounded by the weighted
sum of those bounds. This is what the plan reports as its bound when the solver's model could
not be built, or found no plan, in time (the driver's fallback to the starting schedule,
:mod:`scheduler.solve.lexico`); the solver's own bound, or the LP bound, is stronger.
"""

from __future__ import annotations

from scheduler.scenario.data import Cluster, Scenario

__all__ = ["TRIVIAL_BOUND", "trivial_bounds"]

TRIVIAL_BOUND = (
    "each cluster at its earliest entry with its shortest and cheapest options, rules between "
    "clusters left out"
)
ADDITIVE = ("extension_cost", "late_months", "delivery_cost", "total_cost", "net_cost")


def trivial_bounds(scenario: Scenario) -> dict[str, int]:
    """The first stage's trivial bound in plan units, keyed as the plan's bounds are (the term's
    name, or ``weighted`` for a weighted stage); empty where it does not apply (a status date,
    whose history fixes entries; the funding term; completion weighted with other terms)."""
    stages = scenario.objective.stages
    if not stages or not scenario.clusters or scenario.status_date is not None:
        return {}
    stage = stages[0]
    if len(stage) == 1 and stage[0][0] == "completion":
        return {"completion": max(_earliest_end(scenario, c) for c in scenario.clusters)}
    if any(name not in ADDITIVE or weight < 0 for name, weight in stage):
        return {}
    bounds = {name: sum(_least(scenario, c, name) for c in scenario.clusters) for name, _ in stage}
    if len(stage) == 1:
        return bounds
    return {"weighted": sum(weight * bounds[name] for name, weight in stage)}


def _entry(scenario: Scenario, cluster: Cluster) -> int:
    if cluster.fixed_entry is not None:
        return cluster.fixed_entry
    return max(scenario.horizon.start, cluster.earliest_entry or scenario.horizon.start)


def _earliest_ends(scenario: Scenario, cluster: Cluster) -> dict[str, int]:
    """Each phase's earliest end: back to back from the earliest entry, shortest options."""
    ends, at = {}, _entry(scenario, cluster)
    for phase in cluster.phases:
        at += min(mode.months for mode in phase.modes)
        ends[phase.id] = at - 1
    return ends


def _earliest_end(scenario: Scenario, cluster: Cluster) -> int:
    return _earliest_ends(scenario, cluster)[cluster.phases[-1].id]


def _least(scenario: Scenario, cluster: Cluster, name: str) -> int:
    """The least value ``name`` can take for this cluster (its part of the sum)."""
    ends = _earliest_ends(scenario, cluster)
    late = [max(0, ends[system.replaced_by] - system.expires) for system in cluster.legacy]
    extension = sum(
        months * system.extension_cost for months, system in zip(late, cluster.legacy, strict=True)
    )
    delivery = sum(min(mode.cost for mode in phase.modes) for phase in cluster.phases)
    benefits = cluster.benefits * (scenario.horizon.end - ends[cluster.phases[-1].id])
    return {
        "extension_cost": extension,
        "late_months": sum(late),
        "delivery_cost": delivery,
        "total_cost": delivery + extension,
        "net_cost": delivery + extension - max(0, benefits),
    }[name]
