"""Sizes the solvers' integers must hold: the largest value each objective term can take, given the
scenario's own clusters, costs and horizon, is refused above ``MAX_TOTAL`` before any model is
built (CP-SAT would stop with "Possible integer overflow"; the MILP would lose whole pounds)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.scenario.clusters import ClusterDraft
from scheduler.scenario.data import Cluster, Horizon, Objective
from scheduler.scenario.fields import Reader
from scheduler.scenario.limits import MAX_TOTAL
from scheduler.scenario.yamlnodes import child_path, item_path

__all__ = ["check_magnitudes", "magnitude_problems", "term_ceilings"]


@dataclass(frozen=True)
class Ceiling:
    """The most a term can be, and the key path of its largest single contribution."""

    value: int
    largest: int
    path: str


def term_ceilings(clusters: Iterable[tuple[str, Cluster]], horizon: Horizon) -> dict[str, Ceiling]:
    """Upper bounds on the money terms:

    - ``delivery_cost <= sum over phases of the dearest option's cost``;
    - ``extension_cost <= sum over legacy of rate * max(0, horizon.end - expires)`` (a system is
      retired inside the horizon, so it is late at most that many months);
    - ``benefits <= sum over clusters of benefits * horizon months``.
    """
    parts: dict[str, list[tuple[int, str]]] = {
        "delivery_cost": [],
        "extension_cost": [],
        "benefits": [],
    }
    for at, cluster in clusters:
        for phase in cluster.phases:
            path = child_path(child_path(at, "phases"), phase.id)
            parts["delivery_cost"].append((max(mode.cost for mode in phase.modes), path))
        for index, legacy in enumerate(cluster.legacy):
            late = max(0, horizon.end - legacy.expires)
            path = child_path(item_path(child_path(at, "legacy"), index), "extension_cost")
            parts["extension_cost"].append((legacy.extension_cost * late, path))
        parts["benefits"].append((cluster.benefits * horizon.months, child_path(at, "benefits")))
    result = {}
    for term, items in parts.items():
        largest, path = max(items, default=(0, ""))
        result[term] = Ceiling(sum(value for value, _ in items), largest, path)
    return result


def check_magnitudes(
    reader: Reader, drafts: list[ClusterDraft], horizon: Horizon | None, objective: Objective
) -> None:
    """Record a problem for each money term, and for the weighted objective, whose largest
    possible value exceeds ``MAX_TOTAL``, naming its largest contribution."""
    if horizon is None:
        return
    clusters = [(d.path, d.cluster) for d in drafts if d.cluster is not None]
    for path, message in magnitude_problems(clusters, horizon, objective):
        reader.error(None, path, message, reader.line_of(path))


def magnitude_problems(
    clusters: Iterable[tuple[str, Cluster]], horizon: Horizon, objective: Objective
) -> list[tuple[str, str]]:
    """``(key path, message)`` for each term (and weighted objective) beyond ``MAX_TOTAL``."""
    found = []
    ceilings = term_ceilings(clusters, horizon)
    total = ceilings["delivery_cost"].value + ceilings["extension_cost"].value
    for term, ceiling in ceilings.items():
        if ceiling.value > MAX_TOTAL:
            message = (
                f"{term.replace('_', ' ')} could reach £{ceiling.value:.3e} over the "
                f"{horizon.months}-month horizon, beyond the £{MAX_TOTAL:,} (2^53) the solvers "
                f"hold exactly; the largest part is £{ceiling.largest:.3e} here"
            )
            found.append((ceiling.path, message))
    if objective.weights is None:
        return found
    bounds = {
        "delivery_cost": ceilings["delivery_cost"].value,
        "extension_cost": ceilings["extension_cost"].value,
        "total_cost": total,
        "net_cost": max(total, ceilings["benefits"].value),
        "funding": total,  # releases cover spend, plus at most a tranche of rounding per year
    }
    weighted = sum(weight * bounds.get(term, 0) for term, weight in objective.weights)
    if weighted > MAX_TOTAL and total <= MAX_TOTAL:
        message = (
            f"the weighted objective could reach {weighted:.3e}, beyond the {MAX_TOTAL:,} (2^53) "
            "the solvers hold exactly; use smaller weights"
        )
        found.append(("objective.weights", message))
    return found
