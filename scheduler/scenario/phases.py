"""Phases: the lifecycle, a cluster's overrides of it, options and supplier use -> ``Phase``."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from scheduler.scenario.checks import duplicate_id, over_capacity, unknown_supplier
from scheduler.scenario.data import Mode, Phase, Supplier
from scheduler.scenario.fields import Fields, Reader
from scheduler.scenario.yamlnodes import Node, child_path, shown

__all__ = ["PHASE_ID", "Suppliers", "build_phases", "read_lifecycle"]

PHASE_ID = re.compile(r"[A-Za-z0-9_-]+")
PHASE_ID_RULE = "letters, digits, '-' or '_'"
PHASE_FIELDS = ("months", "cost", "uses", "options", "max_wait")
# a cluster's phase may give its duration range (risk) and its history (actuals)
CLUSTER_PHASE_FIELDS: tuple[str, ...] = (*PHASE_FIELDS, "risk")
OPTION_KEYS = ("name", "label", "months", "cost", "supplier", "units", "uses")
# what a cluster's phase may say about its history (read by :mod:`.actuals`)
ACTUAL_KEYS = ("actual_start", "actual_end", "remaining_months", "option", "actual_cost")
CLUSTER_PHASE_FIELDS = (*CLUSTER_PHASE_FIELDS, *ACTUAL_KEYS)


@dataclass
class Suppliers:
    """The suppliers a phase may name: every id in the file, and the valid ones by id."""

    ids: list[str] = field(default_factory=list)
    valid: dict[str, Supplier] = field(default_factory=dict)

    def check(self, reader: Reader, supplier: str, node: Node, path: str) -> bool:
        if supplier in self.valid:  # listed (a lookup; ``ids`` is a list, in the file's order)
            return True
        message = unknown_supplier(supplier, self.ids)
        if message is not None:
            reader.error(node, path, message)
        return message is None


def read_lifecycle(reader: Reader, top: Fields, suppliers: Suppliers) -> list[tuple[str, Fields]]:
    """The lifecycle's phases in order, each with its fields. Every value given is checked here,
    once, so that a bad one is found even when every cluster overrides it; whether a phase is
    complete (has months) is checked per cluster."""
    phases: list[tuple[str, Fields]] = []
    seen: dict[str, str] = {}
    for node, path in top.items("lifecycle"):
        fields = reader.mapping(node, path, ("id", *PHASE_FIELDS), required=("id",))
        if fields is None:
            continue
        phase_id = fields.identifier("id", PHASE_ID, PHASE_ID_RULE)
        if phase_id is None:
            continue
        if phase_id in seen:
            message = duplicate_id("phase id", phase_id, seen[phase_id])
            reader.error(node, fields.key_path("id"), message)
            continue
        seen[phase_id] = path
        phases.append((phase_id, fields))
        _phase(reader, phase_id, fields, suppliers, complete=False)
    return phases


def _overrides(reader: Reader, cluster: Fields) -> list[tuple[str, Fields]]:
    """A cluster's ``phases``: a mapping of phase id to fields, or a list of phases with ids."""
    entry = cluster.get("phases")
    if entry is None:
        return []
    node, path = entry
    result: list[tuple[str, Fields]] = []
    if node.is_seq:
        for item, item_at in cluster.items("phases"):
            fields = reader.mapping(item, item_at, ("id", *CLUSTER_PHASE_FIELDS), required=("id",))
            phase_id = fields.identifier("id", PHASE_ID, PHASE_ID_RULE) if fields else None
            if fields is not None and phase_id is not None:
                result.append((phase_id, fields))
    elif node.is_map:
        phases = reader.mapping(node, path)
        for phase_id, child in node.value.items():
            at = child_path(path, phase_id)
            if not PHASE_ID.fullmatch(phase_id):
                reader.error(child, at, f"a phase id must be {PHASE_ID_RULE}, got {phase_id!r}")
                continue
            fields = reader.mapping(child, at, CLUSTER_PHASE_FIELDS)
            if phases is not None and fields is not None:
                result.append((phase_id, fields))
    else:
        reader.error(node, path, f"expected a mapping of phase id to fields, got {shown(node)}")
    seen: set[str] = set()
    unique = []
    for phase_id, fields in result:
        if phase_id in seen:
            reader.error(fields.node, fields.path, f"phase '{phase_id}' is given twice")
        else:
            seen.add(phase_id)
            unique.append((phase_id, fields))
    return unique


def build_phases(
    reader: Reader,
    cluster: Fields,
    lifecycle: list[tuple[str, Fields]],
    suppliers: Suppliers,
    given: dict[str, Fields] | None = None,
) -> tuple[Phase, ...]:
    """The lifecycle overridden field by field by the cluster's phases, then the new phases;
    ``given`` (when passed) receives the cluster's own fields of each phase, by id."""
    overrides = dict(_overrides(reader, cluster))
    if given is not None:
        given.update(overrides)
    merged: list[tuple[str, Fields]] = []
    for phase_id, fields in lifecycle:
        if phase_id in overrides:
            merged.append((phase_id, fields.merged(overrides.pop(phase_id))))
        else:
            at = child_path(cluster.key_path("phases"), phase_id)
            node = cluster.at("phases")[0] if cluster.has("phases") else cluster.node
            merged.append((phase_id, fields.merged(Fields(reader, {}, at, node))))
    known = [phase_id for phase_id, _ in lifecycle]
    for phase_id, fields in overrides.items():
        close = difflib.get_close_matches(phase_id, known, n=1, cutoff=0.75)
        if close:
            reader.warn(
                fields.node,
                fields.path,
                f"'{phase_id}' is not a lifecycle phase, so it is added after them as a new "
                f"phase; did you mean '{close[0]}'?",
            )
    merged.extend(overrides.items())
    if not merged:
        reader.error(
            cluster.node, cluster.key_path("phases"), "no phases: give a lifecycle or phases"
        )
    return tuple(_phase(reader, phase_id, fields, suppliers) for phase_id, fields in merged)


def _uses(reader: Reader, fields: Fields, key: str, suppliers: Suppliers) -> Counter[str]:
    """``uses: [a, b]`` (one unit each), ``uses: a`` or ``uses: {a: 2}``."""
    uses: Counter[str] = Counter()
    entry = fields.get(key)
    if entry is None:
        return uses
    node, path = entry
    if node.is_map:
        units = reader.mapping(node, path)
        if units is None:
            return uses
        for supplier in node.value:
            count = units.integer(supplier, 1, minimum=1)
            if suppliers.check(reader, supplier, node.value[supplier], units.key_path(supplier)):
                uses[supplier] += count or 1
        return uses
    for supplier, item, item_at in fields.texts(key):
        if suppliers.check(reader, supplier, item, item_at):
            uses[supplier] += 1
    return uses


def _check_capacity(
    reader: Reader, fields: Fields, uses: Counter[str], suppliers: Suppliers, what: str
) -> None:
    if not uses:
        return
    node, path = fields.get("uses") or (fields.node, fields.path)
    for supplier, units in sorted(uses.items()):
        known = suppliers.valid.get(supplier)
        message = over_capacity(what, supplier, units, known.capacity) if known else None
        if message is not None:
            reader.error(node, path, message)


def _phase(
    reader: Reader, phase_id: str, fields: Fields, suppliers: Suppliers, complete: bool = True
) -> Phase:
    """The phase's modes; ``complete=False`` checks the values given without requiring months
    (a lifecycle phase whose months every cluster gives)."""
    months = fields.months("months", None, minimum=1)
    cost = fields.money("cost", 0) or 0
    max_wait = fields.months("max_wait", 0, minimum=0) or 0
    uses = _uses(reader, fields, "uses", suppliers)
    options = fields.items("options")
    if fields.has("options") and not options and fields.at("options")[0].is_seq:
        fields.error("options", "no options given")
    if not options:
        if complete and months is None and not fields.has("months"):
            reader.error(fields.node, fields.key_path("months"), f"phase '{phase_id}' needs months")
        _check_capacity(reader, fields, uses, suppliers, f"phase '{phase_id}'")
        return Phase(phase_id, (Mode(months or 1, cost, tuple(sorted(uses.items()))),), max_wait)
    modes = []
    for index, (node, path) in enumerate(options):
        option = reader.mapping(node, path, OPTION_KEYS)
        if option is None:
            modes.append(
                Mode(months or 1, cost, tuple(sorted(uses.items())), index, f"option {index}")
            )
            continue
        modes.append(
            _mode(reader, phase_id, index, option, fields, months, cost, uses, suppliers, complete)
        )
    return Phase(phase_id, tuple(modes), max_wait)


def _mode(
    reader: Reader,
    phase_id: str,
    index: int,
    option: Fields,
    phase: Fields,
    months: int | None,
    cost: int,
    uses: Counter[str],
    suppliers: Suppliers,
    complete: bool = True,
) -> Mode:
    own_months = option.months("months", None, minimum=1)
    if complete and not option.has("months") and not phase.has("months"):
        message = f"option {index} of phase '{phase_id}' needs months (the phase gives none)"
        reader.error(option.node, option.key_path("months"), message)
    added = _uses(reader, option, "uses", suppliers)
    supplier = option.text("supplier")
    units = option.integer("units", 1, minimum=1) or 1
    if supplier is not None:
        node = option.at("supplier")[0]
        if suppliers.check(reader, supplier, node, option.key_path("supplier")):
            added[supplier] += units
    elif option.has("units") and uses:
        uses = Counter(dict.fromkeys(uses, units))  # units of the phase's own suppliers
    elif option.has("units"):
        message = f"units needs a supplier: the option names none and phase '{phase_id}' uses none"
        option.error("units", message)
    label = option.text("name") or option.text("label") or "+".join(added) or f"option {index}"
    total = uses + added if uses and added else added or uses  # counts are all positive
    _check_capacity(reader, option, total, suppliers, f"option {label!r}")
    return Mode(
        months=own_months or months or 1,
        cost=option.money("cost", cost) or 0,
        uses=tuple(sorted(total.items())),
        option=index,
        label=label,
    )
