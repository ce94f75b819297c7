"""The ``funding`` answers' words shared by the text report and the sweep: a scale factor, the
first objective stage's value and name, a lever unlimited, and the exact funding frontier in
sentences (:func:`frontier_sentences`)."""

from __future__ import annotations

from collections.abc import Callable

from scheduler.scenario.data import Scenario
from scheduler.solve.cpsat.least_cap import SCALE, Frontier, Lever
from scheduler.terms import MONEY_TERMS, MONTH_TERMS, from_model, term_text
from scheduler.units import money_text

__all__ = ["frontier_sentences", "scale_text", "stage_name", "stage_text", "unlimited_text"]


def scale_text(value: int) -> str:
    """A scale factor in basis points as ``x1.0833``."""
    return f"x{value / SCALE:.4f}"


def unlimited_text(lever: Lever) -> str:
    """``SR21 unlimited``, or ``every cap unlimited`` for the scale."""
    return f"{lever.cap} unlimited" if lever.cap is not None else "every cap unlimited"


def stage_text(scenario: Scenario, value: int) -> str:
    """The first objective stage's value (model units) in its term's words: ``£72.2m``."""
    stage = scenario.objective.stages[0]
    if len(stage) != 1:
        return str(value)
    name, weight = stage[0]
    return term_text(name, from_model(name, value // weight, scenario.horizon.start))


def stage_name(scenario: Scenario) -> str:
    stage = scenario.objective.stages[0]
    return stage[0][0].replace("_", " ") if len(stage) == 1 else "weighted objective"


def _stage_diff(scenario: Scenario, amount: int) -> str:
    stage = scenario.objective.stages[0]
    if len(stage) != 1:
        return str(amount)
    name, weight = stage[0]
    amount //= weight
    if name in MONEY_TERMS:
        return money_text(amount)
    if name in MONTH_TERMS or name == "late_months":
        return f"{amount} month{'s' if amount != 1 else ''}"
    return str(amount)


def frontier_sentences(
    scenario: Scenario,
    lever: Lever,
    frontier: Frontier,
    current: int | None,
    amount: Callable[[int], str],
) -> list[str]:
    """The exact frontier in words (``amount`` writes a lever value): where the first stage
    reaches its best, down to what amount a plan exists (every hard deadline held), how low late
    months go, and the price of the funding gap at ``current`` (the scenario's own value)."""
    who = lever.cap if lever.cap is not None else "Every cap, scaled,"
    name = stage_name(scenario)
    if frontier.least is None:
        if not frontier.complete:
            return [f"{who}: no plan was found within the time limit (not proven infeasible)."]
        return [f"{who}: no amount gives a plan (proven infeasible with the cap unlimited)."]
    steps, lines = frontier.steps, []
    if frontier.reached and steps:
        head = (
            f"{who} needs at least {amount(steps[-1].value)} for {name} to reach its best, "
            f"{stage_text(scenario, steps[-1].stage)}"
        )
        if len(steps) > 1:
            head += f" (just below, from {amount(steps[-2].value)}: "
            head += f"{stage_text(scenario, steps[-2].stage)})"
        lines.append(head + ".")
    elif steps:
        best = stage_text(scenario, frontier.best[0]) if frontier.best else "unknown"
        lines.append(
            f"{who}: {name} does not reach its best with the cap unlimited ({best}) by "
            f"{amount(frontier.high)}; there it is {stage_text(scenario, steps[-1].stage)}: more "
            "may still help."
        )
    least = amount(frontier.least)
    if frontier.least > frontier.high:
        return [
            f"No amount up to {amount(frontier.high)} gives a plan: the least with one (every hard "
            f"deadline held) is {least}."
        ]
    where = (
        f" (below the range, from {amount(frontier.low)})" if frontier.least < frontier.low else ""
    )
    lines.append(
        f"A plan exists, and with it every hard deadline holds, down to {least}{where}; "
        f"below {least} no plan exists."
    )
    if steps:
        late, first = min((step.late, step.value) for step in steps)
        lines.append(
            f"No legacy expiry is missed from {amount(first)} on (at the best {name})."
            if late == 0
            else f"No amount from {amount(steps[0].value)} to {amount(frontier.high)} brings late "
            f"months below {late} (the least at the best {name} for each amount; first reached "
            f"at {amount(first)})."
        )
    at = [step for step in steps if current is not None and step.value <= current]
    if at and frontier.reached and current is not None:
        gap = at[-1].stage - steps[-1].stage
        lines.append(
            f"At the scenario's own {amount(current)}, {name} is "
            f"{stage_text(scenario, at[-1].stage)}"
            + (
                f": {_stage_diff(scenario, gap)} above that best (the price of the funding gap)."
                if gap > 0
                else ", already its best."
            )
        )
    if not frontier.complete:
        lines.append(
            "Some solves were not proven in the time limit: amounts may move with more time."
        )
    return lines
