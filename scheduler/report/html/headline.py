"""The report's headline: status, the objective terms with their proven bounds, the targets (met
or missed, by how many months), what binds, and the critical chain."""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.analysis.bindings import binding_rules
from scheduler.analysis.graph import ChainLink
from scheduler.analysis.targets import TargetResult, target_results
from scheduler.plan import Plan
from scheduler.report.html.page import esc, table
from scheduler.scenario.data import Scenario
from scheduler.terms import TERMS, term_gap, term_text
from scheduler.units import month_label

__all__ = ["chain_section", "headline_section", "objective_rows"]


def _terms(scenario: Scenario, plan: Plan) -> list[str]:
    terms = [t for t in scenario.objective.reported_terms if t in plan.objective]
    return terms + [t for t in plan.objective if t not in terms]


def objective_rows(scenario: Scenario, plan: Plan) -> list[list[object]]:
    """``[term label, value, proven bound, gap]`` for each objective term, most important first."""
    rows: list[list[object]] = []
    for term in _terms(scenario, plan):
        value = plan.objective[term]
        bound = plan.bounds.get(term)
        label = TERMS[term].label if term in TERMS else term
        rows.append(
            [
                label,
                term_text(term, value),
                "-" if bound is None else term_text(term, bound),
                ("proven optimal" if bound == value else term_gap(term, value, bound))
                if bound is not None
                else "not proven",
            ]
        )
    return rows


def headline_section(scenario: Scenario, plan: Plan) -> str:
    status = esc(plan.status)
    parts = [f'<p>Status: <span class="status {status}">{status}</span></p>']
    if not plan.has_schedule:
        title = (
            "No plan: the rules cannot all be met."
            if plan.status == "infeasible"
            else "No plan found within the time limit."
        )
        items = "".join(f"<li>{esc(line.strip())}</li>" for line in plan.explanation)
        return "".join(parts) + f"<p>{esc(title)}</p><ul class=plain>{items}</ul>"
    if plan.status_date is not None:
        parts.append(
            f"<p>Status date: {esc(month_label(plan.status_date))} (the plan is made as at its "
            "start; what happened before it is history, fixed).</p>"
        )
    kpis = [(row[0], row[1], "") for row in objective_rows(scenario, plan)]
    kpis += [("clusters", str(len(plan.clusters)), "")]
    targets = target_results(scenario, plan)
    kpis += [
        (f"target: {r.target.name}", _verdict(r), "met" if r.met else "missed") for r in targets
    ]
    parts.append(
        '<ul class="kpis">'
        + "".join(
            f'<li{f" class={css}" if css else ""}><span class="value">{esc(v)}</span>'
            f'<span class="label">{esc(k)}</span></li>'
            for k, v, css in kpis
        )
        + "</ul>"
    )
    parts.append(
        table(
            ["objective term (most important first)", "value", "proven bound", "gap"],
            objective_rows(scenario, plan),
            caption="Objective",
        )
    )
    if targets:
        rows = [[r.target.name, month_label(r.target.month), r.text()] for r in targets]
        parts.append(table(["target", "by", "result"], rows, caption="Targets"))
    bindings = binding_rules(plan, scenario)
    if bindings:
        rows = [[b.title, b.detail] for b in bindings]
        parts.append(table(["rule", "why it binds"], rows, caption="What binds"))
    else:
        parts.append('<p class="note">No rule is at its limit.</p>')
    return "".join(parts)


def _verdict(result: TargetResult) -> str:
    """``met, 3 months to spare`` / ``missed by 36 months``."""
    months = abs(result.margin)
    unit = "month" if months == 1 else "months"
    return f"met, {months} {unit} to spare" if result.met else f"missed by {months} {unit}"


def chain_section(plan: Plan, chain: Sequence[ChainLink]) -> str:
    if not chain:
        return '<p class="note">No schedule, so no critical chain.</p>'
    last = chain[-1]
    if last.month == max(c.finish for c in plan.clusters):
        intro = f"What sets completion {last.label}, earliest milestone first."
    else:
        intro = f"What holds {last.milestone} at {last.label}, earliest milestone first."
    rows = [[link.label, link.milestone, link.kind, link.reason] for link in chain]
    return f"<p>{esc(intro)}</p>" + table(["month", "milestone", "rule kind", "why here"], rows)
