"""A :class:`Scenario` written back as scenario YAML that the loader reads to an equal scenario.

Used for a scenario changed in Python after it was read (``dataclasses.replace``): its overrides
(:meth:`Scenario.with_overrides`) are applied to this text, as ``--set`` applies them to a file.
The text has no ``lifecycle``: every cluster lists all its phases, as a mapping of phase id to
fields (so ``clusters.ID.phases.PHASE.months`` addresses a phase, and an option by its name).
"""

from __future__ import annotations

from typing import Any

import yaml

from scheduler.scenario.data import Budget, Cluster, Phase, Range, Risk, Scenario, Supplier
from scheduler.units import fy_label, month_label

__all__ = ["scenario_data", "scenario_yaml"]


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text (version 1 of the format, months as ``YYYY-MM``)."""
    return yaml.safe_dump(
        scenario_data(scenario), sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def _month(value: int | None) -> str | None:
    return None if value is None else month_label(value)


def _given(**fields: Any) -> dict[str, Any]:
    """The fields that have a value (``None`` is absent in the format)."""
    return {key: value for key, value in fields.items() if value is not None}


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain YAML-ready values."""
    horizon = scenario.horizon
    data: dict[str, Any] = {
        "name": scenario.name,
        "description": scenario.description,
        "horizon": {
            "start": month_label(horizon.start),
            "end": month_label(horizon.end),
            "fiscal_year_start": horizon.fiscal_year_start,
        },
    }
    if scenario.budget is not None:
        data["budget"] = _budget(scenario.budget, horizon.fiscal_year_start)
    data["suppliers"] = [_supplier(supplier) for supplier in scenario.suppliers]
    policy = scenario.policy
    data["policy"] = _given(
        stagger_months=policy.stagger_months,
        max_entries_per_year=policy.max_entries_per_year,
        deadline=_month(policy.deadline),
    )
    ranges = {(c, p): r for c, p, r in scenario.risk.cluster_phases} if scenario.risk else {}
    status = scenario.status_date
    data["clusters"] = [_cluster(cluster, ranges, status) for cluster in scenario.clusters]
    objective = scenario.objective
    if objective.weights is not None:
        data["objective"] = {"weights": dict(objective.weights)}
    else:
        data["objective"] = list(objective.terms)
    if scenario.risk is not None:
        data["risk"] = _risk(scenario.risk)
    if scenario.status_date is not None:
        data["status_date"] = month_label(scenario.status_date)
    if scenario.targets:
        data["targets"] = [
            {"name": t.name, "month": month_label(t.month), "clusters": list(t.clusters)}
            for t in scenario.targets
        ]
    return data


def _budget(budget: Budget, fy_start: int) -> dict[str, Any]:
    return {
        "tranche": budget.tranche,
        "carry_forward": budget.carry_forward,
        "covers_extensions": budget.covers_extensions,
        "caps": [
            {
                "name": cap.name,
                "from": fy_label(cap.first_year, fy_start),
                "to": fy_label(cap.last_year, fy_start),
                "amount": cap.amount,
            }
            for cap in budget.caps
        ],
        **({"released": _released(budget.released, fy_start)} if budget.released else {}),
    }


def _released(released: tuple[tuple[str, int, int], ...], fy_start: int) -> dict[str, Any]:
    out: dict[str, dict[str, int]] = {}
    for cluster_id, year, amount in released:
        out.setdefault(cluster_id, {})[fy_label(year, fy_start)] = amount
    return out


def _supplier(supplier: Supplier) -> dict[str, Any]:
    return _given(
        id=supplier.id,
        name=supplier.name,
        capacity=supplier.capacity,
        **{"from": _month(supplier.available_from), "to": _month(supplier.available_to)},
    )


def _phase(phase: Phase, risk: Range | None, status: int | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"max_wait": phase.max_wait}
    actual = phase.actual
    modes = (actual.modes or (actual.planned,)) if actual is not None else phase.modes
    if phase.has_options:
        fields["options"] = [
            {"name": mode.label, "months": mode.months, "cost": mode.cost, "uses": dict(mode.uses)}
            for mode in modes
        ]
    else:
        mode = modes[0]
        fields.update(months=mode.months, cost=mode.cost, uses=dict(mode.uses))
    if actual is not None:
        fields["actual_start"] = month_label(actual.start)
        if actual.running and status is not None:
            fields["remaining_months"] = actual.end - status + 1
        else:
            fields["actual_end"] = month_label(actual.end)
        if phase.has_options:
            fields["option"] = actual.planned.option
        fields["actual_cost"] = phase.modes[0].cost
    if risk is not None:
        fields["risk"] = _range(risk)
    return fields


def _cluster(
    cluster: Cluster, ranges: dict[tuple[str, str], Range], status: int | None = None
) -> dict[str, Any]:
    return _given(
        id=cluster.id,
        name=cluster.name,
        lead=cluster.lead,
        departments=list(cluster.departments),
        users=cluster.users,
        earliest_entry=_month(cluster.earliest_entry),
        latest_entry=_month(cluster.latest_entry),
        fixed_entry=_month(cluster.fixed_entry),
        phases={p.id: _phase(p, ranges.get((cluster.id, p.id)), status) for p in cluster.phases},
        legacy=[
            _given(
                name=item.name,
                expires=month_label(item.expires),
                replaced_by=item.replaced_by,
                extension_cost=item.extension_cost,
                hard_deadline=_month(item.hard_deadline),
                instances=item.instances if item.instances != 1 else None,
            )
            for item in cluster.legacy
        ],
        depends_on=[
            {
                "cluster": dep.cluster,
                "milestone": str(dep.milestone),
                "lag": dep.lag,
                "this": str(dep.this),
            }
            for dep in cluster.depends_on
        ],
        benefits=cluster.benefits,
        platform=cluster.platform,
    )


def _range(value: Range) -> dict[str, Any]:
    points = (value.low, value.likely, value.high)
    shown = [f"{point!r}%" for point in points] if value.percent else list(points)
    return dict(zip(("low", "likely", "high"), shown, strict=True))


def _risk(risk: Risk) -> dict[str, Any]:
    return {
        "runs": risk.runs,
        "seed": risk.seed,
        "phases": {phase_id: _range(value) for phase_id, value in risk.phases},
        "cost": risk.cost,
        "events": [
            _given(
                name=event.name,
                probability=event.probability,
                delay_months=event.delay_months,
                phase=event.phase,
                clusters=list(event.clusters) if event.clusters else None,
            )
            for event in risk.events
        ],
        "target": risk.target,
    }
