"""Clusters: identity, entry window, phases, legacy systems and dependencies -> ``Cluster``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from scheduler.scenario.actuals import check_entry_history, read_actuals
from scheduler.scenario.checks import (
    duplicate_id,
    entry_window,
    self_or_unknown_cluster,
    unknown_cluster_phase,
    unknown_phase,
)
from scheduler.scenario.data import Cluster, Dependency, Horizon, Legacy, Milestone
from scheduler.scenario.fields import Fields, Reader, number_text
from scheduler.scenario.limits import MAX_INSTANCES, MAX_NAME
from scheduler.scenario.phases import Suppliers, build_phases
from scheduler.scenario.yamlnodes import Node

__all__ = [
    "EMPTY_PLATFORM",
    "ClusterDraft",
    "parse_milestone",
    "read_clusters",
    "resolve_dependencies",
]

CLUSTER_ID = re.compile(r"[a-z0-9-]+")
CLUSTER_KEYS = (
    "id",
    "name",
    "lead",
    "departments",
    "users",
    "earliest_entry",
    "latest_entry",
    "fixed_entry",
    "phases",
    "legacy",
    "depends_on",
    "benefits",
    "platform",
)
LEGACY_KEYS = ("name", "expires", "replaced_by", "extension_cost", "hard_deadline", "instances")
DEPENDENCY_KEYS = ("cluster", "milestone", "lag", "this")
ENTRY_KEYS = ("earliest_entry", "latest_entry", "fixed_entry")
EMPTY_PLATFORM = "expected the name of an ERP platform, got empty text"


@dataclass
class DependencyDraft:
    """A ``depends_on`` entry whose other milestone is checked once every cluster is read."""

    cluster: str
    milestone: str | None  # its syntax is checked; its phase is checked against the other cluster
    lag: int
    this: Milestone | None
    fields: Fields


@dataclass
class ClusterDraft:
    """A cluster as read; ``cluster`` is ``None`` when it has problems of its own."""

    path: str
    id: str | None
    cluster: Cluster | None
    fields: Fields
    dependencies: list[DependencyDraft] = field(default_factory=list)


def milestone_syntax(text: str) -> str | None:
    """A message when ``text`` is not ``<phase>.start``, ``<phase>.end`` or ``entry``."""
    phase, dot, edge = text.rpartition(".")
    if text == "entry" or (dot and phase and edge in ("start", "end")):
        return None
    return f"expected a milestone like tender.end, implement.start or entry, got {text!r}"


def parse_milestone(text: str, cluster: Cluster) -> Milestone | str:
    """The milestone ``text`` names on ``cluster``, or a message saying why it names none."""
    ids = [phase.id for phase in cluster.phases]
    if text == "entry":
        return Milestone(ids[0], "start")
    phase, _, edge = text.rpartition(".")
    wrong = milestone_syntax(text) or unknown_cluster_phase(phase, cluster)
    if wrong is not None:
        return wrong
    return Milestone(phase, edge)  # type: ignore[arg-type]


def _legacy(reader: Reader, fields: Fields, phases: list[str]) -> tuple[Legacy, ...]:
    result = []
    names: set[str] = set()
    for node, path in fields.items("legacy"):
        item = reader.mapping(node, path, LEGACY_KEYS, required=("name", "expires"))
        if item is None:
            continue
        name = item.text("name", "") or ""
        if item.has("name") and name in names:
            item.error("name", f"duplicate legacy name {name!r}")
        names.add(name)
        replaced_by = item.text("replaced_by") or (phases[-1] if phases else "")
        wrong = unknown_phase(replaced_by, phases) if phases else None
        if item.has("replaced_by") and wrong is not None:
            item.error("replaced_by", wrong)
        expires = item.month("expires", 0) or 0
        extension_cost = item.money("extension_cost", 0) or 0
        deadline = item.month("hard_deadline")
        instances = item.integer("instances", 1, minimum=1, maximum=MAX_INSTANCES) or 1
        result.append(Legacy(name, expires, replaced_by, extension_cost, deadline, instances))
    return tuple(result)


def _platform(fields: Fields) -> str | None:
    """``platform``: the name of the shared ERP platform, non-empty text of at most
    ``MAX_NAME`` characters (``None`` when not given)."""
    value = fields.text("platform")
    if value is None:
        return None
    name = value.strip()
    if not name:
        fields.error("platform", EMPTY_PLATFORM)
        return None
    if len(name) > MAX_NAME:
        fields.error("platform", f"{len(name):,} characters: at most {MAX_NAME} in a name")
        return None
    return name


def _lag(item: Fields) -> int:
    """``lag``: a whole number of months, within the horizon's length either way."""
    if not item.has("lag"):
        return 0
    node = item.at("lag")[0]
    negative = isinstance(node.value, int) and not isinstance(node.value, bool) and node.value < 0
    if not negative:
        return item.months("lag", 0) or 0
    longest = item.reader.horizon_months
    value = node.value
    if longest is not None and -value > longest:
        item.error("lag", f"{number_text(value)} months is beyond the horizon of {longest} months")
        return 0
    return value


def _dependencies(reader: Reader, fields: Fields, own: Cluster) -> list[DependencyDraft]:
    result = []
    for node, path in fields.items("depends_on"):
        item = reader.mapping(node, path, DEPENDENCY_KEYS, required=("cluster", "milestone"))
        if item is None:
            continue
        other = item.text("cluster")
        milestone = item.text("milestone")
        wrong = milestone_syntax(milestone) if milestone is not None else None
        if wrong is not None:
            item.error("milestone", wrong)
            milestone = None
        lag = _lag(item)
        this: Milestone | None = Milestone(own.phases[0].id, "start") if own.phases else None
        this_text = item.text("this")
        if this_text is not None and own.phases:
            parsed = parse_milestone(this_text, own)
            if isinstance(parsed, str):
                item.error("this", parsed)
                this = None
            else:
                this = parsed
        if other is not None:
            result.append(DependencyDraft(other, milestone, lag, this, item))
    return result


def _entry_window(reader: Reader, fields: Fields, horizon: Horizon | None) -> None:
    """Earliest, latest and fixed entry consistent with each other and with the horizon."""
    earliest, latest, fixed = (fields.month(key) for key in ENTRY_KEYS)
    for key, message in entry_window(earliest, latest, fixed, horizon):
        reader.error(fields.at(key)[0], fields.key_path(key), message)


def _cluster(
    reader: Reader,
    node: Node,
    path: str,
    lifecycle: list[tuple[str, Fields]],
    suppliers: Suppliers,
    horizon: Horizon | None,
    status: int | None,
) -> ClusterDraft | None:
    fields = reader.mapping(node, path, CLUSTER_KEYS, required=("id",))
    if fields is None:
        return None
    before = len(reader.problems)
    cluster_id = fields.identifier("id", CLUSTER_ID, "lower-case letters, digits and '-'")
    given_id = fields.text("id")  # kept even when malformed, so references to it still resolve
    given: dict[str, Fields] = {}
    phases = build_phases(reader, fields, lifecycle, suppliers, given)
    phases = read_actuals(reader, phases, given, status, horizon)
    phase_ids = [phase.id for phase in phases]
    _entry_window(reader, fields, horizon)
    cluster = Cluster(
        id=cluster_id or "",
        phases=phases,
        name=fields.text("name", "") or "",
        lead=fields.text("lead", "") or "",
        departments=tuple(text for text, _, _ in fields.texts("departments")),
        users=fields.integer("users", None, minimum=0),
        earliest_entry=fields.month("earliest_entry"),
        latest_entry=fields.month("latest_entry"),
        fixed_entry=fields.month("fixed_entry"),
        legacy=_legacy(reader, fields, phase_ids),
        benefits=fields.money("benefits", 0) or 0,
        platform=_platform(fields),
    )
    check_entry_history(reader, fields, cluster)
    dependencies = _dependencies(reader, fields, cluster)
    ok = len(reader.problems) == before and cluster_id is not None
    return ClusterDraft(path, given_id, cluster if ok else None, fields, dependencies)


def read_clusters(
    reader: Reader,
    top: Fields,
    lifecycle: list[tuple[str, Fields]],
    suppliers: Suppliers,
    horizon: Horizon | None,
    status: int | None = None,
) -> list[ClusterDraft]:
    """Every cluster in the file (the broken ones too, so that references to them resolve)."""
    entry = top.get("clusters")
    items = top.items("clusters")
    if entry is not None and entry[0].is_seq and not items:
        reader.error(entry[0], entry[1], "no clusters: give at least one")
    drafts: list[ClusterDraft] = []
    seen: dict[str, str] = {}
    for node, path in items:
        draft = _cluster(reader, node, path, lifecycle, suppliers, horizon, status)
        if draft is None:
            continue
        if draft.id is not None and draft.id in seen:
            message = duplicate_id("cluster id", draft.id, seen[draft.id])
            draft.fields.error("id", message)
            draft.cluster = None
        elif draft.id is not None:
            seen[draft.id] = path
        drafts.append(draft)
    return drafts


def resolve_dependencies(reader: Reader, drafts: list[ClusterDraft]) -> None:
    """Check every ``depends_on`` against the other cluster and put it into the built cluster."""
    by_id = {draft.id: draft for draft in drafts if draft.id is not None}
    for draft in drafts:
        resolved = []
        for dep in draft.dependencies:
            node, path = dep.fields.at("cluster")
            wrong = self_or_unknown_cluster(dep.cluster, draft.id, by_id)
            if wrong is not None:
                reader.error(node, path, wrong)
                continue
            other = by_id[dep.cluster].cluster
            if other is None or dep.this is None or dep.milestone is None:
                continue
            milestone = parse_milestone(dep.milestone, other)
            if isinstance(milestone, str):
                node, path = dep.fields.at("milestone")
                reader.error(node, path, milestone)
                continue
            resolved.append(Dependency(dep.cluster, milestone, dep.lag, dep.this))
        if draft.cluster is not None:
            if len(resolved) == len(draft.dependencies):
                if resolved:  # else it has none, as built
                    draft.cluster = replace(draft.cluster, depends_on=tuple(resolved))
            else:
                draft.cluster = None
