"""Assembling ``report.html`` from its sections (each in its own module)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from scheduler.analysis.graph import ChainLink, build_graph, critical_chain
from scheduler.analysis.indicators import Indicators, indicators
from scheduler.analysis.risk.simulate import RiskResult, simulate
from scheduler.plan import Plan
from scheduler.report.atomic import write_atomic
from scheduler.report.html.funding import funding_section
from scheduler.report.html.gantt import gantt_section
from scheduler.report.html.headline import chain_section, headline_section
from scheduler.report.html.indicators import indicators_section
from scheduler.report.html.network import graph_section
from scheduler.report.html.page import Section, page
from scheduler.report.html.risk import risk_section
from scheduler.report.html.suppliers import supplier_section
from scheduler.scenario.data import Scenario

__all__ = ["plan_risk", "render_report", "write_report"]


def _footer(scenario: Scenario, plan: Plan) -> str:
    solver = plan.solver
    parts = [f"Plan of {Path(scenario.source).name or scenario.name}"]
    parts.append(f"solved by {solver.name} {solver.version}".rstrip())
    parts.append(f"seed {solver.seed}")
    if solver.deterministic:
        parts.append("deterministic")
    parts.append("re-checked independently against the scenario")
    return "; ".join(parts) + ". Written by scheduler (python -m scheduler report)."


def plan_risk(scenario: Scenario, plan: Plan) -> RiskResult | None:
    """The Monte Carlo of ``plan`` under the scenario's ``risk`` section, with its own runs and
    seed (so the same plan gives the same figures); ``None`` without a risk section or a
    schedule."""
    if scenario.risk is None or not plan.has_schedule:
        return None
    return simulate(scenario, plan)


def render_report(
    scenario: Scenario,
    plan: Plan,
    chain: list[ChainLink] | None = None,
    graph: nx.DiGraph | None = None,
    risk: RiskResult | None = None,
    found: Indicators | None = None,
) -> str:
    """The whole page as text. The same scenario, plan and risk result give the same text; the
    risk section is there when ``risk`` is given (see :func:`plan_risk`); ``found``: the plan's
    indicators when the caller has them already."""
    sections = [Section("headline", "Headline", headline_section(scenario, plan))]
    if plan.has_schedule:
        graph = build_graph(scenario, plan) if graph is None else graph
        chain = critical_chain(scenario, plan, graph) if chain is None else chain
        sections += [
            Section("gantt", "Schedule", gantt_section(scenario, plan, chain)),
            Section("funding", "Funding per financial year", funding_section(scenario, plan)),
            Section(
                "indicators",
                "Indicators per financial year",
                indicators_section(found if found is not None else indicators(scenario, plan)),
            ),
            Section("suppliers", "Supplier and integrator use", supplier_section(scenario, plan)),
            Section("chain", "Critical chain", chain_section(plan, chain)),
        ]
        if risk is not None:
            sections.append(Section("risk", "Risk", risk_section(scenario, risk)))
        sections.append(
            Section("graph", "Dependency graph", graph_section(scenario, plan, graph, chain))
        )
    subtitle = scenario.description.strip().splitlines()[0] if scenario.description else ""
    return page(scenario.name, subtitle, sections, _footer(scenario, plan))


def write_report(scenario: Scenario, plan: Plan, path: str | Path) -> Path:
    """Write :func:`render_report` (with :func:`plan_risk`) to ``path`` atomically."""
    return write_atomic(path, render_report(scenario, plan, risk=plan_risk(scenario, plan)))
