"""The scenario's consistency rules, one function per rule, each giving the planner's message.

Shared by the two ways a scenario is checked: the YAML loader (:mod:`.load` and the modules it
calls), which reports each message at the file, line and key where the value was written, and
:func:`scheduler.scenario.validate.validate`, which checks a :class:`Scenario` built or edited in
Python and reports the same messages by key path on the data. A function returns ``None`` (or an
empty list) when the rule holds. Nothing here knows about YAML nodes or lines.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence

from scheduler.scenario.data import Cluster, Horizon
from scheduler.units import month_label

__all__ = [
    "did_you_mean",
    "duplicate_id",
    "entry_window",
    "not_before",
    "over_capacity",
    "self_or_unknown_cluster",
    "unknown_cluster_phase",
    "unknown_phase",
    "unknown_supplier",
    "unknown_term",
]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'tranche'?"`` for a near miss, else ``""``."""
    close = difflib.get_close_matches(name, [str(k) for k in known], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def unknown_supplier(supplier: str, ids: Collection[str]) -> str | None:
    """A phase or option may use only a supplier the scenario lists."""
    if supplier in ids:
        return None
    if not ids:
        return f"unknown supplier '{supplier}' (the scenario lists none)"
    return f"unknown supplier '{supplier}'{did_you_mean(supplier, ids)}"


def over_capacity(what: str, supplier: str, units: int, capacity: int) -> str | None:
    """A phase (or option) cannot need more units of a supplier than the supplier has."""
    if units <= capacity:
        return None
    return f"{what} needs {units} units of '{supplier}' but its capacity is {capacity}"


def unknown_phase(phase: str, phases: Sequence[str]) -> str | None:
    """A legacy system's ``replaced_by`` names one of its cluster's phases."""
    if phase in phases:
        return None
    hint = did_you_mean(phase, phases)
    return f"unknown phase '{phase}' (phases: {', '.join(phases)}){hint}"


def unknown_cluster_phase(phase: str, cluster: Cluster) -> str | None:
    """A dependency's milestone names a phase of the cluster it refers to."""
    ids = [item.id for item in cluster.phases]
    if phase in ids:
        return None
    hint = did_you_mean(phase, ids)
    return f"unknown phase '{phase}' of cluster '{cluster.id}' (phases: {', '.join(ids)}){hint}"


def self_or_unknown_cluster(other: str, own: str | None, ids: Collection[str]) -> str | None:
    """A dependency refers to another cluster of the scenario."""
    if other == own:
        return f"cluster '{other}' cannot depend on itself"
    if other not in ids:
        return f"unknown cluster '{other}'{did_you_mean(other, ids)}"
    return None


def duplicate_id(what: str, value: str, first: str) -> str:
    """Ids (and names used as ids) are unique: ``duplicate cluster id 'x' (also clusters[0])``."""
    return f"duplicate {what} '{value}' (also {first})"


def not_before(later: int, earlier: int, what: str) -> str | None:
    """A range whose end is before its start: ``2023-01 is before from 2024-01``."""
    if later >= earlier:
        return None
    return f"{month_label(later)} is before {what} {month_label(earlier)}"


def entry_window(
    earliest: int | None, latest: int | None, fixed: int | None, horizon: Horizon | None
) -> list[tuple[str, str]]:
    """``(key, message)`` for each way a cluster's earliest, latest and fixed entry contradict
    each other or the horizon (the key is ``earliest_entry``, ``latest_entry`` or ``fixed_entry``)."""
    found: list[tuple[str, str]] = []
    if earliest is not None and latest is not None and latest < earliest:
        found.append(
            (
                "latest_entry",
                f"{month_label(latest)} is before earliest_entry {month_label(earliest)}",
            )
        )
    if fixed is not None:
        if earliest is not None and fixed < earliest:
            message = f"{month_label(fixed)} is before earliest_entry {month_label(earliest)}"
            found.append(("fixed_entry", message))
        if latest is not None and fixed > latest:
            message = f"{month_label(fixed)} is after latest_entry {month_label(latest)}"
            found.append(("fixed_entry", message))
    if horizon is None:
        return found
    start, end = month_label(horizon.start), month_label(horizon.end)
    if fixed is not None and not horizon.start <= fixed <= horizon.end:
        found.append(
            ("fixed_entry", f"{month_label(fixed)} is outside the horizon {start} to {end}")
        )
    if earliest is not None and earliest > horizon.end:
        found.append(("earliest_entry", f"{month_label(earliest)} is after the horizon ends {end}"))
    if latest is not None and latest < horizon.start:
        found.append(
            ("latest_entry", f"{month_label(latest)} is before the horizon starts {start}")
        )
    return found


def unknown_term(term: str, terms: Sequence[str]) -> str | None:
    """The objective names only terms of the registry (:mod:`scheduler.terms`)."""
    if term in terms:
        return None
    hint = did_you_mean(term, terms) or f"; terms are {', '.join(terms)}"
    return f"unknown objective term '{term}'{hint}"
