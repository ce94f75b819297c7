"""The price of the funding gap: what a swept cap amount buys.

When the sweep varies a single cap's amount (and nothing else), the findings are read from that
cap's exact funding frontier between the least and greatest swept amounts
(:func:`scheduler.whatif.funding.sweep_frontier`, parametric least-amount solves): the least
amount with a plan (every hard deadline held), the least amount at which the first objective stage
reaches its best, the least late months any amount in the range brings at that stage's best, and
the price of the gap at the scenario's own amount, all exact, not on the grid.

Otherwise (a grid of several paths, or a variants file), for a varied path
``budget.caps.<cap>.amount`` and every combination of the other varied values, the findings are
on the swept values only (never between them):

* the least swept amount at which a plan exists (all hard rules hold), and which lower swept
  amounts were proven infeasible or gave no plan in the time limit;
* the best value of the first objective stage over the sweep and the least swept amount at which it
  is reached (with the value at the swept amount just below, when that has a plan);
* the least late months of any swept plan, and the least swept amount reaching it;
* at the scenario's own amount (when the group is the unvaried context), how far from that best.

There the true thresholds lie between the amount named and the swept amount below it.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scheduler.scenario.data import Scenario
from scheduler.solve.cpsat.least_cap import Frontier, Lever
from scheduler.terms import COUNT_TERMS, MONEY_TERMS, MONTH_TERMS, term_text
from scheduler.units import money_text
from scheduler.whatif.funding import CAP_PATH, cap_amount
from scheduler.whatif.funding_words import frontier_sentences
from scheduler.whatif.sweep import SweepRow, Value

__all__ = ["CAP_PATH", "GapFinding", "cap_amount", "exact_lines", "funding_gaps", "gap_lines"]

_PLAN = ("optimal", "feasible")


@dataclass(frozen=True)
class GapFinding:
    cap: str
    path: str
    context: str  # "" or the other varied values of this group: "policy.stagger_months=3"
    term: str  # the first objective stage: a term name or "weighted objective"
    swept: tuple[int, ...]  # the swept amounts of the group, ascending
    infeasible: tuple[int, ...]  # proven to have no plan
    no_plan: tuple[int, ...]  # no plan found within the time limit (not proven infeasible)
    least_feasible: int | None
    best: int | None
    least_best: int | None
    below_best: tuple[int, int] | None  # (amount, value) at the swept amount just below least_best
    worse_above: tuple[int, ...]  # amounts above least_best that do worse (non-monotone; unproven)
    unproven: bool  # some plan in the group is not proven optimal
    base_amount: int | None = None
    base_value: int | None = None
    least_late: tuple[int, int] | None = None  # (late months, least swept amount reaching them)
    exact: Frontier | None = None  # the cap's exact frontier over the swept range
    exact_text: tuple[str, ...] = ()  # that frontier in words (:func:`frontier_sentences`)


def funding_gaps(
    columns: Sequence[str],
    rows: Sequence[SweepRow],
    term: str,
    base: Scenario | None = None,
    base_value: int | None = None,
    frontiers: Mapping[str, Frontier] | None = None,
) -> list[GapFinding]:
    """One finding per varied cap amount and combination of the other varied values; where
    ``frontiers`` has the path's exact frontier, the finding of the unvaried context reads it."""
    findings = []
    for position, path in enumerate(columns):
        match = CAP_PATH.match(path)
        if not match:
            continue
        found = cap_amount(base, match.group(1)) if base is not None else None
        cap_name = found[0] if found else match.group(1)
        groups: dict[tuple[Value | None, ...], list[tuple[int, SweepRow]]] = {}
        for row in rows:
            value = row.values[position] if position < len(row.values) else None
            if value is None or value.number is None:
                continue
            cells = [row.values[i] if i < len(row.values) else None for i in range(len(columns))]
            others = tuple(v for i, v in enumerate(cells) if i != position)
            groups.setdefault(others, []).append((value.number, row))
        for others, members in groups.items():
            names = [c for i, c in enumerate(columns) if i != position]
            context = ", ".join(
                f"{n}={v.label}" for n, v in zip(names, others, strict=True) if v is not None
            )
            plain = not context
            finding = _finding(
                cap_name,
                path,
                context,
                term,
                members,
                found[1] if found and plain else None,
                base_value if plain else None,
            )
            exact = (frontiers or {}).get(path) if plain else None
            if exact is not None and base is not None and found is not None:
                finding = dataclasses.replace(
                    finding, exact=exact, exact_text=tuple(_exact_text(base, found[0], exact))
                )
            findings.append(finding)
    return findings


def _finding(
    cap: str,
    path: str,
    context: str,
    term: str,
    members: list[tuple[int, SweepRow]],
    base_amount: int | None,
    base_value: int | None,
) -> GapFinding:
    members = sorted(members, key=lambda item: (item[0], item[1].index))
    swept = tuple(dict.fromkeys(amount for amount, _ in members))
    planned = [
        (amount, row.result.first_stage)
        for amount, row in members
        if row.result.status in _PLAN and row.result.first_stage is not None
    ]
    infeasible = tuple(a for a, row in members if row.result.status == "infeasible")
    no_plan = tuple(a for a, row in members if row.result.status not in (*_PLAN, "infeasible"))
    unproven = any(row.result.status == "feasible" for _, row in members)
    if not planned:
        return GapFinding(
            cap, path, context, term, swept, infeasible, no_plan, None, None, None, None, (),
            unproven, base_amount, base_value,
        )  # fmt: skip
    lates = [
        (row.result.late_months, amount)
        for amount, row in members
        if row.result.status in _PLAN and row.result.late_months is not None
    ]
    least_late = min(lates) if lates else None
    best = min(value for _, value in planned)
    least_best = min(amount for amount, value in planned if value == best)
    below = [(a, v) for a, v in planned if a < least_best]
    below_best = max(below) if below and max(below)[0] == _previous(swept, least_best) else None
    worse_above = tuple(a for a, v in planned if a > least_best and v > best)
    worse_above += tuple(a for a in (*infeasible, *no_plan) if a > least_best)
    return GapFinding(
        cap, path, context, term, swept, infeasible, no_plan, planned[0][0], best, least_best,
        below_best, tuple(sorted(worse_above)), unproven, base_amount, base_value, least_late,
    )  # fmt: skip


def _previous(swept: Sequence[int], amount: int) -> int | None:
    lower = [a for a in swept if a < amount]
    return max(lower) if lower else None


def _amounts(amounts: Sequence[int]) -> str:
    return ", ".join(money_text(a) for a in amounts)


def _value(term: str, value: int) -> str:
    return term_text(term, value) if term != "weighted objective" else str(value)


def _diff(term: str, amount: int) -> str:
    if term in MONEY_TERMS:
        return money_text(amount)
    if term in MONTH_TERMS | COUNT_TERMS:
        return f"{amount} month{'s' if amount != 1 else ''}"
    return str(amount)


def _exact_text(base: Scenario, cap: str, exact: Frontier) -> list[str]:
    """The exact frontier's sentences, and the command that prints it whole."""
    found = cap_amount(base, cap)
    current = found[1] // 1000 if found else None
    lines = frontier_sentences(base, Lever(cap), exact, current, lambda v: money_text(1000 * v))
    command = (
        f"python -m scheduler funding {base.source or 'SCENARIO'} --cap {shlex.quote(cap)} "
        f"--frontier --from {exact.low / 1000:g} --to {exact.high / 1000:g}"
    )
    return [*lines, f"Exact: {len(exact.steps)} breakpoint(s) ({command})."]


def exact_lines(finding: GapFinding) -> list[str]:
    """The finding read from the cap's exact frontier between the least and greatest swept
    amounts: thresholds are exact amounts, not grid points."""
    head, *rest = finding.exact_text
    return [head, *("  " + line for line in rest)]


def gap_lines(finding: GapFinding) -> list[str]:
    """The finding in words: from the exact frontier when the finding has one, else precise
    about being measured on the swept values only."""
    f = finding
    if f.exact is not None:
        return exact_lines(f)
    name = f.term.replace("_", " ")
    where = f" (with {f.context})" if f.context else ""
    lines = []
    if f.best is None or f.least_best is None or f.least_feasible is None:
        lines.append(
            f"{f.cap}{where}: no swept amount from {money_text(f.swept[0])} to "
            f"{money_text(f.swept[-1])} gives a plan"
            + (f"; proven infeasible at {_amounts(f.infeasible)}" if f.infeasible else "")
            + (f"; no plan within the time limit at {_amounts(f.no_plan)}" if f.no_plan else "")
            + "."
        )
        return lines
    head = (
        f"{f.cap}{where} needs at least {money_text(f.least_best)} for {name} to reach its best "
        f"over the sweep, {_value(f.term, f.best)}"
    )
    if f.below_best is not None:
        amount, value = f.below_best
        head += f" (at {money_text(amount)}: {_value(f.term, value)})"
    elif f.least_best == f.swept[0]:
        head += " already at the least swept amount (the threshold may be lower: sweep lower)"
    lines.append(head + ";")
    lower_infeasible = [a for a in f.infeasible if a < f.least_feasible]
    lower_unknown = [a for a in f.no_plan if a < f.least_feasible]
    if lower_infeasible or lower_unknown:
        text = f"  below {money_text(f.least_feasible)} no plan exists"
        if lower_infeasible:
            text += f" (proven infeasible at {_amounts(lower_infeasible)}"
            text += (
                f"; none found in the time limit at {_amounts(lower_unknown)})"
                if (lower_unknown)
                else ")"
            )
        else:
            text = f"  below {money_text(f.least_feasible)} no plan was found in the time limit "
            text += f"(at {_amounts(lower_unknown)}; not proven infeasible)"
        lines.append(text + ".")
    else:
        lines.append(
            f"  a plan exists, and with it every hard deadline holds, at every swept amount down "
            f"to {money_text(f.swept[0])} (the least swept; lower amounts were not tried)."
        )
    if f.least_late is not None:
        late, amount = f.least_late
        lines.append(
            f"  No swept amount brings late months below {late} (first reached at "
            f"{money_text(amount)})."
        )
    if f.least_best == f.swept[-1] and len(f.swept) > 1:
        lines.append("  The best is reached only at the highest swept amount: more may still help.")
    if f.worse_above:
        lines.append(
            f"  Not monotone: {_amounts(f.worse_above)} do worse (plans not proven optimal?)."
        )
    if f.base_amount is not None and f.base_value is not None:
        gap = f.base_value - f.best
        lines.append(
            f"  At the scenario's own {money_text(f.base_amount)}, {name} is "
            f"{_value(f.term, f.base_value)}"
            + (
                f": {_diff(f.term, f.base_value - f.best)} above that best "
                "(the price of the funding gap)."
                if gap > 0
                else ", already its best over the sweep."
            )
        )
    if f.unproven:
        lines.append("  Some plans are not proven optimal: thresholds may move with more time.")
    return lines
