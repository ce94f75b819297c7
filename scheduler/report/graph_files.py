"""Exports of the milestone graph (:mod:`scheduler.analysis.graph`): GraphML, node-link JSON and DOT.

DOT is written here as text, so neither pydot nor pygraphviz is needed; render it with
``dot -Tsvg plan.dot > plan.svg``.
"""

from __future__ import annotations

import inspect
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from scheduler.report.atomic import write_atomic

__all__ = ["dot_text", "write_dot", "write_graphml", "write_node_link"]


def _scalar(value: Any) -> str | int | float:
    if isinstance(value, bool | int):
        return int(value)  # a plan's Month too: GraphML knows int, not its subclasses
    return value if isinstance(value, str | float) else str(value)


def _plain_copy(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy whose attributes are all str, int or float (None dropped), as GraphML needs."""
    plain: nx.DiGraph[str] = nx.DiGraph()
    plain.graph.update({k: _scalar(v) for k, v in graph.graph.items() if v is not None})
    for node, attrs in graph.nodes(data=True):
        plain.add_node(node, **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    for u, v, attrs in graph.edges(data=True):
        plain.add_edge(u, v, **{k: _scalar(val) for k, val in attrs.items() if val is not None})
    return plain


def write_graphml(graph: nx.DiGraph, path: str | Path) -> Path:
    """GraphML, for yEd, Gephi or ``nx.read_graphml``."""
    buffer = io.BytesIO()
    nx.write_graphml(_plain_copy(graph), buffer)
    return write_atomic(path, buffer.getvalue())


def write_node_link(graph: nx.DiGraph, path: str | Path) -> Path:
    """Node-link JSON (``nodes`` and ``edges`` lists), for d3 and ``nx.node_link_graph``."""
    params = inspect.signature(nx.node_link_data).parameters
    keyword = "edges" if "edges" in params else "link"
    data = nx.node_link_data(_plain_copy(graph), **{keyword: "edges"})
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    return write_atomic(path, text + "\n")


def _quote(text: object) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_text(graph: nx.DiGraph) -> str:
    """Graphviz DOT: one subgraph per cluster, edge labels are reasons, tight edges bold red."""
    lines = [
        f"digraph {_quote(graph.graph.get('name', 'plan'))} {{",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8];',
    ]
    clusters: dict[str, list[str]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        clusters[attrs["cluster"]].append(node)
    for index, (cluster, nodes) in enumerate(clusters.items()):
        lines.append(f"  subgraph {_quote(f'cluster_{index}_{cluster}')} {{")
        lines.append(f"    label={_quote(cluster)};")
        for node in nodes:
            attrs = graph.nodes[node]
            label = f"{attrs['phase']}.{attrs['edge']}\n{attrs['label']}"
            lines.append(f"    {_quote(node)} [label={_quote(label)}];")
        lines.append("  }")
    for u, v, attrs in graph.edges(data=True):
        style = ", style=bold, color=red, fontcolor=red" if attrs["slack"] <= 0 else ""
        lines.append(f"  {_quote(u)} -> {_quote(v)} [label={_quote(attrs['reason'])}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_dot(graph: nx.DiGraph, path: str | Path) -> Path:
    """Write :func:`dot_text` to ``path`` (render with ``dot -Tsvg``)."""
    return write_atomic(path, dot_text(graph))
