"""The summary's points on the objective terms of a comparison: each term that moved, by how
much, and why (the extension cost by each legacy retirement that moved, with the entry, phase
lengths, options and waits that moved it; the delivery and total cost by cluster), and the net
change of the extension and delivery costs together. Clusters and legacy systems are matched by
cluster id and legacy name; one that a plan lacks counts with its whole cost.
"""

from __future__ import annotations

from collections.abc import Iterator

from scheduler.plan import ClusterPlan, Plan
from scheduler.scenario.data import Scenario
from scheduler.terms import MONEY_TERMS, TERMS
from scheduler.units import money_label, month_label
from scheduler.whatif.compare_entries import has_cluster, months_text, signed_money
from scheduler.whatif.compare_types import Comparison, Subject

__all__ = ["NET_TERMS", "change_verb", "has_phase", "net_change", "paired_clusters", "term_points"]

NET_TERMS = ("extension_cost", "delivery_cost")  # their sum is the total cost


def change_verb(term: str, up: bool) -> str:
    """``rises``/``falls`` (``rise``/``fall`` for the plural ``late months``)."""
    verb = "rise" if up else "fall"
    return verb if term == "late_months" else verb + "s"


def net_change(pa: Plan, pb: Plan) -> int | None:
    """The net change of the cost terms when both the extension and the delivery cost move
    (their sum, the total cost; ``None`` otherwise)."""
    if not all(t in pa.objective and t in pb.objective for t in NET_TERMS):
        return None
    deltas = [pb.objective[t] - pa.objective[t] for t in NET_TERMS]
    return sum(deltas) if all(deltas) else None


def _retire_parts(a: Subject, b: Subject, ca: ClusterPlan, cb: ClusterPlan, upto: str) -> str:
    """Why a retirement moved: the entry, each phase's length (with option changes), waits."""
    parts = []
    total = 0
    if cb.entry != ca.entry:
        actual = " (actual)" if cb.phases[0].actual else ""
        parts.append(f"entry {months_text(cb.entry - ca.entry, signed=True)}{actual}")
        total += cb.entry - ca.entry
    for phase_a in ca.phases:
        try:
            phase_b = cb.phase(phase_a.id)
        except KeyError:
            continue
        delta = phase_b.months - phase_a.months
        if delta and phase_b.actual:  # what the actuals did, never an option "not chosen"
            verb = "ran" if phase_b.end < (b.plan.status_date or 0) else "runs"  # type: ignore[union-attr]
            longer = "longer" if delta > 0 else "shorter"
            parts.append(
                f"{phase_a.id} {verb} {months_text(abs(delta))} {longer} than {a.label} "
                f"planned (actual)"
            )
            total += delta
        elif delta:
            label = phase_a.id
            if phase_a.option != phase_b.option and b.scenario and a.scenario:
                from scheduler.rules.schedule import option_label

                label += f" {option_label(b.scenario, cb.id, phase_b)}"
                label += f" not {option_label(a.scenario, ca.id, phase_a)}"
            parts.append(f"{label} {months_text(delta, signed=True)}")
            total += delta
        if phase_a.id == upto:
            break
    retired_delta = cb.phase(upto).end - ca.phase(upto).end if has_phase(cb, upto) else total
    if retired_delta != total:
        parts.append(f"waits {months_text(retired_delta - total, signed=True)}")
    return ", ".join(parts)


def has_phase(cp: ClusterPlan, phase_id: str) -> bool:
    """Whether the cluster's plan has the phase (a plan file may lack one)."""
    return any(p.id == phase_id for p in cp.phases)


def _term_value(term: str, value: int) -> str:
    if term == "completion":
        return month_label(value)
    if term in MONEY_TERMS:
        return money_label(value)
    return str(value)


def term_points(comparison: Comparison, a: Subject, b: Subject) -> list[str]:
    pa, pb = a.plan, b.plan
    assert pa is not None and pb is not None
    out = []
    for term in comparison.terms:
        if term not in pa.objective or term not in pb.objective:
            continue
        va, vb = pa.objective[term], pb.objective[term]
        if va == vb:
            continue
        name = TERMS[term].label if term in TERMS else term
        if term == "completion":
            last = max(pb.clusters, key=lambda cp: cp.finish)
            out.append(
                f"Completion moves from {month_label(va)} to {month_label(vb)} "
                f"({months_text(vb - va, signed=True)}), set by the end of {last.id}'s last phase."
            )
            continue
        verb = change_verb(term, vb > va)
        delta = signed_money(vb - va)[1:] if term in MONEY_TERMS else str(abs(vb - va))
        text = f"The {name} {verb} by {delta} (from {_term_value(term, va)} to {_term_value(term, vb)})"
        reasons = _extension_reasons(a, b) if term == "extension_cost" else []
        if term in ("delivery_cost", "total_cost"):  # net cost: benefits are not per phase
            reasons = _cost_reasons(a, b, with_extension=term == "total_cost")
        out.append(text + (": " + "; ".join(reasons) if reasons else "") + ".")
    net = net_change(pa, pb)
    if net is not None:
        total_a = sum(pa.objective[t] for t in NET_TERMS)
        total_b = sum(pb.objective[t] for t in NET_TERMS)
        out.append(
            f"Net, the extension and delivery costs together {'rise' if net > 0 else 'fall'} by "
            f"{money_label(abs(net))} (from {money_label(total_a)} to {money_label(total_b)})."
        )
    return out


def paired_clusters(a: Subject, b: Subject) -> Iterator[tuple[ClusterPlan, ClusterPlan]]:
    """The clusters of ``b``'s plan that ``a``'s plan also has, as (a's, b's) pairs."""
    pa, pb = a.plan, b.plan
    assert pa is not None and pb is not None
    for cb in pb.clusters:
        if has_cluster(pa, cb.id):
            yield pa.cluster(cb.id), cb


def _extension_reasons(a: Subject, b: Subject) -> list[str]:
    out = []
    for ca, cb in paired_clusters(a, b):
        legacy_a = {item.name: item for item in ca.legacy}
        for item in cb.legacy:
            old = legacy_a.get(item.name)
            if old is None or old.extension_cost == item.extension_cost:
                continue
            moved = item.retired - old.retired
            when = "later" if moved > 0 else "earlier"
            upto = _replaced_by(b.scenario, cb.id, item.name) or cb.phases[-1].id
            parts = _retire_parts(a, b, ca, cb, upto)
            out.append(
                f"{cb.id} retires its {item.name} {month_label(item.retired)}, "
                f"{months_text(abs(moved))} {when} ({parts}; "
                f"{signed_money(item.extension_cost - old.extension_cost)})"
            )
    return out + _unmatched(a, b, "extension")


def _unmatched(a: Subject, b: Subject, what: str) -> list[str]:
    """The part of a cost change from clusters (or, for ``extension``, legacy systems) that one
    plan lacks: each with its whole cost, so the items add up to the change."""
    pa, pb = a.plan, b.plan
    assert pa is not None and pb is not None
    out = []
    for plan, other, sign, label in ((pb, pa, 1, a.label), (pa, pb, -1, b.label)):
        for cp in plan.clusters:
            if not has_cluster(other, cp.id):
                if what == "extension":
                    cost = sum(x.extension_cost for x in cp.legacy)
                else:
                    cost = _cluster_cost(cp, what == "total")
                if cost:
                    out.append(f"{cp.id}, not in {label} ({signed_money(sign * cost)})")
                continue
            if what != "extension":
                continue
            names = {x.name for x in other.cluster(cp.id).legacy}
            for item in cp.legacy:
                if item.name not in names and item.extension_cost:
                    out.append(
                        f"{cp.id}'s {item.name}, not in {label} "
                        f"({signed_money(sign * item.extension_cost)})"
                    )
    return out


def _replaced_by(scenario: Scenario | None, cid: str, name: str) -> str | None:
    if scenario is None:
        return None
    try:
        cluster = scenario.cluster(cid)
    except KeyError:
        return None
    return next((item.replaced_by for item in cluster.legacy if item.name == name), None)


def _cost_reasons(a: Subject, b: Subject, with_extension: bool = False) -> list[str]:
    """Each cluster's part of the change in the delivery cost (with its legacy systems'
    extension cost too, for the total cost)."""
    out = []
    for ca, cb in paired_clusters(a, b):
        delta = _cluster_cost(cb, with_extension) - _cluster_cost(ca, with_extension)
        if delta:
            out.append(f"{cb.id} {signed_money(delta)}")
    return out + _unmatched(a, b, "total" if with_extension else "delivery")


def _cluster_cost(cp: ClusterPlan, with_extension: bool) -> int:
    cost = sum(p.cost for p in cp.phases)
    return cost + (sum(x.extension_cost for x in cp.legacy) if with_extension else 0)
