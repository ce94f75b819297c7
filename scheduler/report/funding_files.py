"""The ``funding`` command's answers as JSON (``scheduler-funding/1``) and CSV: money in integer
pounds, a scale factor as its factor (with its basis points in the JSON)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from scheduler.plan import Plan
from scheduler.report.atomic import atomic_file, write_text
from scheduler.report.funding_frontier import frontier_rows
from scheduler.scenario.data import Scenario
from scheduler.solve.cpsat.least_cap import SCALE, Lever
from scheduler.terms import MONTH_TERMS, from_model
from scheduler.units import month_label
from scheduler.whatif.funding import FundingResult

__all__ = [
    "CSV_COLUMNS",
    "funding_json",
    "plan_completion",
    "plan_late",
    "write_funding_csv",
    "write_funding_json",
]


def plan_late(plan: Plan) -> int:
    """The plan's late months in total (every legacy system)."""
    return sum(system.late_months for c in plan.clusters for system in c.legacy)


def plan_completion(plan: Plan) -> int:
    """The plan's completion: its last phase end (month index)."""
    return max(c.finish for c in plan.clusters)


def _plan_summary(plan: Plan | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    if not plan.has_schedule:
        return {"status": plan.status}
    return {
        "status": plan.status,
        "objective": {
            k: (month_label(v) if k in MONTH_TERMS else v) for k, v in plan.objective.items()
        },
        "late_months": plan_late(plan),
        "completion": month_label(plan_completion(plan)),
        "caps": [{"name": c.name, "amount": c.amount, "released": c.released} for c in plan.caps],
    }


def _lever_json(scenario: Scenario, lever: Lever, value: int | None) -> Any:
    if value is None:
        return None
    if lever.scale:
        return {
            "factor": value / SCALE,
            "basis_points": value,
            "amounts": lever.amounts(scenario, value),
        }
    return 1000 * value


def funding_json(result: FundingResult) -> dict[str, Any]:
    """The ``scheduler-funding/1`` document."""
    scenario = result.scenario
    levers = []
    for lr in result.levers:
        lever = lr.lever
        promises = []
        for answer in lr.promises:
            least = answer.least
            promises.append(
                {
                    "promise": answer.key,
                    "label": answer.label,
                    "status": least.status,
                    "least": _lever_json(scenario, lever, least.value),
                    "bound": _lever_json(scenario, lever, least.bound)
                    if least.status == "feasible"
                    else None,
                    "difference": None
                    if least.value is None
                    else ((lr.current - least.value) * (1 if lever.scale else 1000)),
                    "same_as": answer.same_as,
                    "kept": answer.kept,
                    "plan": _plan_summary(answer.plan),
                    "explanation": list(answer.explanation),
                }
            )
        entry: dict[str, Any] = {
            "cap": lever.cap,
            "scale": lever.scale,
            "current": _lever_json(scenario, lever, lr.current),
            "promises": promises,
        }
        if lr.frontier is not None:
            frontier = lr.frontier
            entry["frontier"] = {
                "from": _lever_json(scenario, lever, frontier.low),
                "to": _lever_json(scenario, lever, frontier.high),
                "least_with_plan": _lever_json(scenario, lever, frontier.least),
                "reached_best": frontier.reached,
                "complete": frontier.complete,
                "steps": [
                    {
                        "from": _lever_json(scenario, lever, row["from"]),
                        "to": _lever_json(scenario, lever, row["to"]),
                        "first_stage": _stage_json(scenario, row["stage"]),
                        "late_months": row["late"],
                    }
                    for row in frontier_rows(scenario, lever, frontier)
                ],
            }
        levers.append(entry)
    return {
        "format": "scheduler-funding/1",
        "scenario": scenario.name,
        "source": scenario.source,
        "first_stage": [list(pair) for pair in scenario.objective.stages[0]],
        "late_months_allowed": result.late_months,
        "levers": levers,
    }


def _stage_json(scenario: Scenario, value: int) -> Any:
    stage = scenario.objective.stages[0]
    if len(stage) != 1:
        return value
    name, weight = stage[0]
    plain = from_model(name, value // weight, scenario.horizon.start)
    return month_label(plain) if name in MONTH_TERMS else plain


def write_funding_json(result: FundingResult, path: str | Path) -> Path:
    text = json.dumps(funding_json(result), indent=2, ensure_ascii=False) + "\n"
    return write_text(path, text)


CSV_COLUMNS = (
    "cap", "promise", "status", "least", "current", "difference", "objective", "late_months",
    "completion", "plan_status", "kept",
)  # fmt: skip


def write_funding_csv(result: FundingResult, path: str | Path) -> Path:
    """One row per lever and promise: money in pounds (a scale as its factor); ``difference`` is
    the current amount less the least (positive: headroom, negative: shortfall)."""
    target = Path(path)
    with atomic_file(target, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CSV_COLUMNS))
        writer.writeheader()
        for lr in result.levers:
            unit = (lambda v: v / SCALE) if lr.lever.scale else (lambda v: 1000 * v)
            for answer in lr.promises:
                plan = answer.plan if answer.plan is not None and answer.plan.has_schedule else None
                writer.writerow(
                    {
                        "cap": lr.lever.cap or "(every cap, scaled)",
                        "promise": answer.key,
                        "status": answer.least.status,
                        "least": "" if answer.value is None else unit(answer.value),
                        "current": unit(lr.current),
                        "difference": ""
                        if answer.value is None
                        else unit(lr.current - answer.value),
                        "objective": ""
                        if plan is None
                        else "; ".join(
                            f"{k}={month_label(v) if k in MONTH_TERMS else v}"
                            for k, v in plan.objective.items()
                        ),
                        "late_months": "" if plan is None else plan_late(plan),
                        "completion": "" if plan is None else month_label(plan_completion(plan)),
                        "plan_status": "" if answer.plan is None else answer.plan.status,
                        "kept": "" if answer.kept is None else answer.kept,
                    }
                )
    return target
