"""The ``risk`` section (scenario-format.md, version 1.1) and the clusters' ``phases.X.risk``.

Ranges are three-point, ``{low, likely, high}``, all in months (numbers) or all in percent of the
planned months (``-10%``, ``0%``, ``+40%``), with ``low <= likely <= high``. Every problem is
recorded on the reader with its key path, as for the rest of the file.
"""

from __future__ import annotations

import math
import re

from scheduler.scenario.clusters import ClusterDraft
from scheduler.scenario.data import Range, Risk, RiskEvent
from scheduler.scenario.fields import Fields, Reader, did_you_mean
from scheduler.scenario.yamlnodes import Node, child_path, shown

__all__ = ["MAX_RUNS", "RISK_KEYS", "read_risk"]

RISK_KEYS = ("runs", "seed", "phases", "cost", "events", "target")
RANGE_KEYS = ("low", "likely", "high")
EVENT_KEYS = ("name", "probability", "delay_months", "clusters", "phase")
COSTS = ("pro_rata", "fixed")
MAX_RUNS = 1_000_000  # memory: the simulation holds runs x months of supplier use
_PERCENT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$")


def read_risk(
    reader: Reader, top: Fields, drafts: list[ClusterDraft], lifecycle: list[str]
) -> Risk | None:
    """The scenario's :class:`Risk`, or ``None`` when it has no risk section and no cluster gives
    a phase ``risk``. ``lifecycle`` is the lifecycle's phase ids."""
    clusters = [draft.cluster for draft in drafts if draft.cluster is not None]
    cluster_phases = _cluster_ranges(reader, drafts)
    fields = top.mapping("risk", RISK_KEYS)
    if fields is None:
        return Risk(cluster_phases=tuple(cluster_phases)) if cluster_phases else None
    phase_ids = list(
        dict.fromkeys([*lifecycle, *(p.id for cluster in clusters for p in cluster.phases)])
    )
    return Risk(
        runs=_runs(fields),
        seed=fields.integer("seed", 0, minimum=0) or 0,
        phases=tuple(_lifecycle_ranges(reader, fields, phase_ids)),
        cluster_phases=tuple(cluster_phases),
        cost=_cost(fields),
        events=tuple(_events(reader, fields, drafts)),
        target=_probability(fields, "target", 0.8, above_zero=True),
    )


def _runs(fields: Fields) -> int:
    runs = fields.integer("runs", 10_000, minimum=1) or 10_000
    if runs > MAX_RUNS:
        fields.error("runs", f"at most {MAX_RUNS:,} runs are allowed, got {runs:,}")
        return 10_000
    return runs


def _cost(fields: Fields) -> str:
    cost = fields.text("cost", "pro_rata") or "pro_rata"
    if cost not in COSTS:
        hint = did_you_mean(cost, COSTS) or f"; choose {' or '.join(COSTS)}"
        fields.error("cost", f"unknown cost rule '{cost}'{hint}")
        return "pro_rata"
    return cost


def _number(node: Node) -> float | None:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _probability(fields: Fields, key: str, default: float, above_zero: bool = False) -> float:
    entry = fields.get(key)
    if entry is None:
        return default
    value = _number(entry[0])
    rule = "above 0 and at most 1" if above_zero else "from 0 to 1"
    if value is None or value > 1 or value < 0 or (above_zero and value == 0):
        fields.error(key, f"must be a probability, a number {rule}, got {shown(entry[0])}")
        return default
    return value


def read_range(reader: Reader, node: Node, path: str) -> Range | None:
    """``{low, likely, high}`` in months or percent, ``low <= likely <= high``."""
    fields = reader.mapping(node, path, RANGE_KEYS, required=RANGE_KEYS)
    if fields is None or any(not fields.has(key) for key in RANGE_KEYS):
        return None
    values: dict[str, float] = {}
    percent: dict[str, bool] = {}
    for key in RANGE_KEYS:
        item = fields.at(key)[0]
        number = _number(item)
        match = _PERCENT.match(item.value) if isinstance(item.value, str) else None
        if number is not None:
            values[key], percent[key] = number, False
        elif match:
            values[key], percent[key] = float(match.group(1)), True
        else:
            fields.error(
                key, f"expected months (like 44) or a percentage (like +20%), got {shown(item)}"
            )
    if len(values) < 3:
        return None
    if len(set(percent.values())) > 1:
        reader.error(node, path, "give low, likely and high all in months or all in percent")
        return None
    is_percent = percent["low"]
    for key in RANGE_KEYS:
        if is_percent and values[key] <= -100:
            fields.error(key, f"must be above -100%, got {fields.at(key)[0].raw}")
            return None
        if not is_percent and values[key] <= 0:
            fields.error(key, f"must be a positive number of months, got {fields.at(key)[0].raw}")
            return None
    low, likely, high = (values[key] for key in RANGE_KEYS)
    if not low <= likely <= high:
        reader.error(
            node, path, f"needs low <= likely <= high, got {_shown(low, likely, high, is_percent)}"
        )
        return None
    return Range(low, likely, high, is_percent)


def _shown(low: float, likely: float, high: float, percent: bool) -> str:
    unit = "%" if percent else ""
    return ", ".join(f"{value:g}{unit}" for value in (low, likely, high))


def _lifecycle_ranges(
    reader: Reader, fields: Fields, phase_ids: list[str]
) -> list[tuple[str, Range]]:
    phases = fields.mapping("phases")
    if phases is None:
        return []
    result = []
    for phase_id, (node, path) in phases.entries.items():
        if phase_ids and phase_id not in phase_ids:
            hint = did_you_mean(phase_id, phase_ids) or f" (phases: {', '.join(phase_ids)})"
            reader.error(node, path, f"unknown phase '{phase_id}'{hint}")
            continue
        value = read_range(reader, node, path)
        if value is not None:
            result.append((phase_id, value))
    return result


def _cluster_ranges(reader: Reader, drafts: list[ClusterDraft]) -> list[tuple[str, str, Range]]:
    """Every ``clusters[i].phases.X.risk`` (mapping or list form of ``phases``)."""
    result = []
    for draft in drafts:
        entry = draft.fields.get("phases")
        if entry is None or draft.id is None:
            continue
        node, path = entry
        if node.is_map:
            items = [(pid, child, child_path(path, pid)) for pid, child in node.value.items()]
        elif node.is_seq:
            items = [
                (str(item.value["id"].value), item, f"{path}[{index}]")
                for index, item in enumerate(node.value)
                if item.is_map and "id" in item.value
            ]
        else:
            continue
        for phase_id, child, at in items:
            if not child.is_map or "risk" not in child.value:
                continue
            value = read_range(reader, child.value["risk"], child_path(at, "risk"))
            if value is not None:
                result.append((draft.id, phase_id, value))
    return result


def _events(reader: Reader, fields: Fields, drafts: list[ClusterDraft]) -> list[RiskEvent]:
    """Events; a cluster with problems of its own still counts as a name (its phases unknown)."""
    result = []
    known = [draft.id for draft in drafts if draft.id is not None]
    by_id = {draft.id: draft.cluster for draft in drafts if draft.cluster is not None}
    for node, path in fields.items("events"):
        item = reader.mapping(
            node, path, EVENT_KEYS, required=("name", "probability", "delay_months", "phase")
        )
        if item is None:
            continue
        before = len(reader.problems)
        name = item.text("name", "") or ""
        probability = _probability(item, "probability", 0.0)
        delay = item.integer("delay_months", 0, minimum=0) or 0
        phase = item.text("phase", "") or ""
        named = []
        for cluster_id, child, at in item.texts("clusters"):
            if cluster_id not in known:
                hint = did_you_mean(cluster_id, known) or f" (clusters: {', '.join(known)})"
                reader.error(child, at, f"unknown cluster '{cluster_id}'{hint}")
            else:
                named.append(cluster_id)
        chosen = named if item.has("clusters") else list(by_id)
        targets = [by_id[cid] for cid in chosen if cid in by_id]
        for cluster in targets:
            ids = [p.id for p in cluster.phases]
            if phase and phase not in ids:
                hint = did_you_mean(phase, ids) or f" (phases: {', '.join(ids)})"
                item.error("phase", f"cluster '{cluster.id}' has no phase '{phase}'{hint}")
                break
        if len(reader.problems) == before:
            result.append(RiskEvent(name, probability, delay, phase, tuple(named)))
    return result
