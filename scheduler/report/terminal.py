"""The plain-text report a planner reads first: status, objective, clusters, money, critical chain.

No colour and no terminal library: aligned columns, at most about 120 characters wide. Tables of
money are in £m to three decimals, exact to the £1k the plan is reported in.
"""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.analysis.graph import ChainLink, critical_chain
from scheduler.analysis.indicators import Indicators, indicators
from scheduler.analysis.targets import target_results
from scheduler.plan import ClusterPlan, Plan
from scheduler.report.indicators_text import indicator_tables
from scheduler.report.table import format_table
from scheduler.rules.schedule import option_label
from scheduler.scenario.data import Scenario
from scheduler.terms import term_gap, term_text
from scheduler.units import millions, month_label, window_text

__all__ = ["render_plan"]

INDENT = 2


def render_plan(
    scenario: Scenario,
    plan: Plan,
    chain: Sequence[ChainLink] | None = None,
    found: Indicators | None = None,
) -> str:
    """The whole report; ``chain`` defaults to :func:`scheduler.graph.critical_chain`, ``found``
    (the plan's indicators, when the caller has them already) to :func:`indicators`."""
    sections = [_header(plan)]
    if plan.status_date is not None:
        sections[0] += (
            f"\nStatus date: {month_label(plan.status_date)} (the plan is made as at its start; "
            "what happened before it is history, fixed)"
        )
    if not plan.has_schedule:
        sections.append(_explanation(plan))
        return "\n\n".join(sections) + "\n"
    if chain is None:
        chain = critical_chain(scenario, plan)
    if plan.explanation:  # a feasible plan with a note: a fallback schedule, an interrupted solve
        sections.append(
            "\n".join(["Note:", *(f"{' ' * INDENT}{line}" for line in plan.explanation)])
        )
    sections += [
        _objective(scenario, plan),
        _clusters(scenario, plan),
        _history(scenario, plan),
        _legacy(plan),
        _floats(plan),
        _funding(scenario, plan),
        _caps(scenario, plan),
        _targets(scenario, plan),
        indicator_tables(found if found is not None else indicators(scenario, plan), INDENT),
        _chain(plan, chain),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _header(plan: Plan) -> str:
    solver = plan.solver
    details = [f"{solver.name} {solver.version}".strip()]
    if solver.seconds is not None:
        details.append(f"{solver.seconds:.2f} s")
    details.append(f"{solver.workers} worker{'s' if solver.workers != 1 else ''}")
    details.append(f"seed {solver.seed}")
    if solver.deterministic:
        details.append("deterministic")
    return f"{plan.scenario}\nStatus: {plan.status}    Solver: {', '.join(details)}"


def _explanation(plan: Plan) -> str:
    # for an unknown plan the explanation says why: the time limit, or an interrupt
    infeasible = plan.status == "infeasible"
    title = "No plan: the rules cannot all be met." if infeasible else "No plan found."
    lines = [title, *(f"{' ' * INDENT}{line}" for line in plan.explanation)]
    return "\n".join(lines)


def _objective(scenario: Scenario, plan: Plan) -> str:
    terms = list(scenario.objective.reported_terms)
    terms += [term for term in plan.objective if term not in terms]
    rows = []
    for term in terms:
        if term not in plan.objective:
            continue
        value = plan.objective[term]
        bound = plan.bounds.get(term)
        rows.append(
            [
                term,
                term_text(term, value),
                "" if bound is None else term_text(term, bound),
                "" if bound is None else term_gap(term, value, bound),
            ]
        )
    table = format_table(["term", "value", "proven bound", "gap"], rows, indent=INDENT)
    return "Objective (most important first)\n" + table


def _options(scenario: Scenario, cluster_plan: ClusterPlan) -> list[str]:
    """``implement: IBM [ibm]`` for every phase with options."""
    texts = []
    for phase in cluster_plan.phases:
        if phase.option is None:
            continue
        suppliers = ", ".join(
            supplier if units == 1 else f"{supplier} x{units}"
            for supplier, units in sorted(phase.uses.items())
        )
        label = option_label(scenario, cluster_plan.id, phase)
        texts.append(f"{phase.id}: {label}" + (f" [{suppliers}]" if suppliers else ""))
    return texts or ["-"]


def _clusters(scenario: Scenario, plan: Plan) -> str:
    rows: list[list[object]] = []
    for cluster_plan in plan.clusters:
        options = _options(scenario, cluster_plan)
        rows.append(
            [
                cluster_plan.id,
                month_label(cluster_plan.entry),
                window_text(cluster_plan.entry_window),
                month_label(cluster_plan.award),
                month_label(cluster_plan.go_live),
                options[0],
            ]
        )
        rows.extend([None] * 5 + [option] for option in options[1:])
    headers = ["cluster", "market entry", "entry window", "award", "go-live", "chosen options"]
    return "Clusters\n" + format_table(headers, rows, indent=INDENT)


def _history(scenario: Scenario, plan: Plan) -> str:
    """The phases with actuals: as they ran (or run), against the months the scenario planned."""
    rows = []
    for cp in plan.clusters:
        cluster = scenario.cluster(cp.id)
        for phase in cp.phases:
            actual = cluster.phase(phase.id).actual if phase.actual else None
            if actual is None:
                continue
            longer = actual.months - actual.planned.months
            state = (
                f"running, {phase.end - plan.status_date + 1} months to go"
                if actual.running and plan.status_date is not None
                else "finished"
            )
            rows.append(
                [
                    cp.id,
                    phase.id,
                    month_label(phase.start),
                    month_label(phase.end),
                    phase.months,
                    actual.planned.months,
                    f"{longer:+d}" if longer else "0",
                    option_label(scenario, cp.id, phase) or "-",
                    state,
                ]
            )
    if not rows or plan.status_date is None:
        return ""
    headers = ["cluster", "phase", "start", "end", "months", "planned", "longer", "option", ""]
    assert plan.status_date is not None  # only a plan with actuals has rows here
    title = f"History as at {month_label(plan.status_date)} (actuals; fixed, not decisions)"
    return title + "\n" + format_table(headers, rows, "llllrrrll", indent=INDENT)


def _targets(scenario: Scenario, plan: Plan) -> str:
    results = target_results(scenario, plan)
    if not results:
        return ""
    rows = [[r.target.name, month_label(r.target.month), r.text()] for r in results]
    return "Targets\n" + format_table(["target", "by", "result"], rows, indent=INDENT)


def _legacy(plan: Plan) -> str:
    if plan.status_date is not None:
        return _legacy_split(plan)
    rows = [
        [
            cluster_plan.id,
            legacy.name,
            month_label(legacy.expires),
            month_label(legacy.retired),
            legacy.late_months,
            millions(legacy.extension_cost),
        ]
        for cluster_plan in plan.clusters
        for legacy in cluster_plan.legacy
    ]
    if not rows:
        return ""
    headers = ["cluster", "legacy system", "expires", "retired", "late months", "extension £m"]
    return "Legacy systems\n" + format_table(headers, rows, "llllrr", indent=INDENT)


def _float_text(value: int | None) -> str:
    if value is None:
        return "-"
    return f"{value} (late already)" if value < 0 else str(value)


def _floats(plan: Plan) -> str:
    """Each phase that precedes a legacy retirement: its float to the expiry and hard deadline."""
    rows = [
        [
            cluster_plan.id,
            phase.id,
            _float_text(phase.float_expiry),
            _float_text(phase.float_deadline),
        ]
        for cluster_plan in plan.clusters
        for phase in cluster_plan.phases
        if phase.float_expiry is not None or phase.float_deadline is not None
    ]
    if not rows:
        return ""
    headers = ["cluster", "phase", "to expiry", "to hard deadline"]
    title = (
        "Float: months each phase may overrun, everything else held, before its cluster's legacy "
        "dates break"
    )
    return title + "\n" + format_table(headers, rows, "llrr", indent=INDENT)


def _legacy_split(plan: Plan) -> str:
    """Late months and extension cost, incurred before the status date and still to come."""
    assert plan.status_date is not None  # _legacy calls this only for a plan with a status date
    items = [(cp.id, legacy) for cp in plan.clusters for legacy in cp.legacy]
    if not items or plan.status_date is None:
        return ""
    rows: list[list[object]] = [
        [
            cid,
            legacy.name,
            month_label(legacy.expires),
            month_label(legacy.retired),
            legacy.late_incurred,
            legacy.late_to_come,
            legacy.late_months,
            millions(legacy.extension_incurred),
            millions(legacy.extension_to_come),
            millions(legacy.extension_cost),
        ]
        for cid, legacy in items
    ]
    rows.append(
        [
            "total",
            "",
            "",
            "",
            sum(item.late_incurred for _, item in items),
            sum(item.late_to_come for _, item in items),
            sum(item.late_months for _, item in items),
            millions(sum(item.extension_incurred for _, item in items)),
            millions(sum(item.extension_to_come for _, item in items)),
            millions(sum(item.extension_cost for _, item in items)),
        ]
    )
    headers = [
        "cluster",
        "legacy system",
        "expires",
        "retired",
        "late incurred",
        "to come",
        "total",
        "extension £m incurred",
        "to come",
        "total",
    ]
    title = (
        f"Legacy systems (late months and extension cost incurred before "
        f"{month_label(plan.status_date)} and still to come)"
    )
    return title + "\n" + format_table(headers, rows, "llllrrrrrr", indent=INDENT)


def _funding(scenario: Scenario, plan: Plan) -> str:
    years = sorted({year for c in plan.clusters for year, amount in c.funding.items() if amount})
    if not years:
        return ""
    rows: list[list[object]] = []
    for year in years:
        amounts = [c.funding.get(year, 0) for c in plan.clusters]
        label = scenario.horizon.fy_label(year)
        if scenario.is_history_year(year):
            label += " (history)"
        rows.append([label, *map(millions, amounts), millions(sum(amounts))])
    totals = [sum(c.funding.values()) for c in plan.clusters]
    rows.append(["total", *map(millions, totals), millions(sum(totals))])
    headers = ["year", *(c.id for c in plan.clusters), "total"]
    align = "l" + "r" * (len(headers) - 1)
    return "Funding released per financial year (£m)\n" + format_table(
        headers, rows, align, indent=INDENT
    )


def _caps(scenario: Scenario, plan: Plan) -> str:
    if not plan.caps:
        return ""
    horizon = scenario.horizon
    rows = []
    for cap in plan.caps:
        years = horizon.fy_label(cap.first_year)
        if cap.last_year != cap.first_year:
            years += f"..{horizon.fy_label(cap.last_year)}"
        headroom = cap.amount - cap.released
        rows.append(
            [cap.name, years, millions(cap.released), millions(cap.amount), millions(headroom)]
        )
        if headroom == 0:
            rows[-1][-1] = "0 (full)"
    headers = ["cap", "years", "released £m", "amount £m", "headroom £m"]
    return "Funding caps\n" + format_table(headers, rows, "llrrr", indent=INDENT)


def _chain(plan: Plan, chain: Sequence[ChainLink]) -> str:
    if not chain:
        return ""
    last = chain[-1]
    rows = [[link.label, link.milestone, link.reason] for link in chain]
    if last.month == max(c.finish for c in plan.clusters):
        title = f"Critical chain: what sets completion {last.label}"
    else:
        title = f"Chain behind {last.milestone} {last.label}"
    return title + "\n" + format_table([], rows, indent=INDENT)
