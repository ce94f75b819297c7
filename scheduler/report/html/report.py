"""Assembling ``report.html`` from its sections (each in its own module)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from scheduler.analysis.graph import ChainLink, build_graph, critical_chain
from scheduler.plan import Plan
from scheduler.report.files import write_atomic
from scheduler.report.html.funding import funding_section
from scheduler.report.html.gantt import gantt_section
from scheduler.report.html.headline import chain_section, headline_section
from scheduler.report.html.network import graph_section
from scheduler.report.html.page import Section, page
from scheduler.report.html.suppliers import supplier_section
from scheduler.scenario.data import Scenario

__all__ = ["render_report", "write_report"]


def _footer(scenario: Scenario, plan: Plan) -> str:
    solver = plan.solver
    parts = [f"Plan of {Path(scenario.source).name or scenario.name}"]
    parts.append(f"solved by {solver.name} {solver.version}".rstrip())
    parts.append(f"seed {solver.seed}")
    if solver.deterministic:
        parts.append("deterministic")
    parts.append("re-checked independently against the scenario")
    return "; ".join(parts) + ". Written by scheduler (python -m scheduler report)."


def render_report(
    scenario: Scenario,
    plan: Plan,
    chain: list[ChainLink] | None = None,
    graph: nx.DiGraph | None = None,
) -> str:
    """The whole page as text. The same scenario and plan give the same text."""
    sections = [Section("headline", "Headline", headline_section(scenario, plan))]
    if plan.has_schedule:
        graph = build_graph(scenario, plan) if graph is None else graph
        chain = critical_chain(scenario, plan, graph) if chain is None else chain
        sections += [
            Section("gantt", "Schedule", gantt_section(scenario, plan, chain)),
            Section("funding", "Funding per financial year", funding_section(scenario, plan)),
            Section("suppliers", "Supplier and integrator use", supplier_section(scenario, plan)),
            Section("chain", "Critical chain", chain_section(plan, chain)),
            Section("graph", "Dependency graph", graph_section(scenario, plan, graph, chain)),
        ]
    subtitle = scenario.description.strip().splitlines()[0] if scenario.description else ""
    return page(scenario.name, subtitle, sections, _footer(scenario, plan))


def write_report(scenario: Scenario, plan: Plan, path: str | Path) -> Path:
    """Write :func:`render_report` to ``path`` atomically."""
    return write_atomic(path, render_report(scenario, plan))
