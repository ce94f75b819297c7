"""The plain-language summary of a :class:`~scheduler.whatif.compare.Comparison`: for every input against
the first, what changed (market entries, options, objective terms, binding rules, caps) and why
(what holds each moved entry, which dates and options move each legacy retirement and cost).

Reasons come from the plans and scenarios only: the milestone graph of :mod:`scheduler.analysis.graph` says
what holds an entry (stagger, a supplier's capacity, a dependency), the scenario what is fixed.
"""

from __future__ import annotations

from scheduler.analysis.graph import build_graph
from scheduler.analysis.targets import TargetResult, target_results
from scheduler.plan import Plan
from scheduler.rules.kinds import EARLIEST_ENTRY, FIXED_ENTRY, SUPPLIER_CAPACITY
from scheduler.scenario.data import Cluster
from scheduler.terms import MONEY_TERMS, TERMS
from scheduler.units import money_label, month_label
from scheduler.whatif.compare_cause import Solve, attribution
from scheduler.whatif.compare_entries import (
    entry_list,
    entry_points,
    entry_reason,
    has_cluster,
    join_names,
    months_text,
    signed_money,
    spread,
    story_group,
)
from scheduler.whatif.compare_terms import (
    NET_TERMS,
    change_verb,
    has_phase,
    net_change,
    paired_clusters,
    term_points,
)
from scheduler.whatif.compare_types import Comparison, Story, Subject

__all__ = ["Story", "same_schedule", "summarise"]


def summarise(comparison: Comparison, solve: Solve | None = None, how: str = "") -> list[Story]:
    """One story per input after the first, comparing it with the first. ``solve`` (bounded)
    solves the counterfactuals that check an attribution (:mod:`.compare_cause`); without it
    nothing is attributed; ``how`` says how it solves, for the summary to say what was checked."""
    subjects = comparison.subjects
    return [_pair(comparison, subjects[0], s, solve, how) for s in subjects[1:]]


def _pair(comparison: Comparison, a: Subject, b: Subject, solve: Solve | None, how: str) -> Story:
    plan_a, plan_b = a.plan, b.plan
    if plan_a is None or plan_b is None or not plan_a.has_schedule or not plan_b.has_schedule:
        missing = [s for s in (a, b) if s.plan is None or not s.plan.has_schedule]
        texts = []
        for subject in missing:
            status = subject.plan.status if subject.plan else "not solved"
            lines = subject.plan.explanation if subject.plan else ()
            why = " ".join(line.strip() for line in lines[:8])
            texts.append(f"{subject.label} has no plan ({status})" + (f": {why}" if why else "."))
        return Story(b.label, a.label, "cannot be compared.", tuple(texts))
    if same_schedule(plan_a, plan_b) and plan_a.objective == plan_b.objective:
        points = _caps(plan_a, plan_b, a.label, b.label)
        what = "market entries, phases, options, funding, legacy retirements and objective terms"
        return Story(b.label, a.label, f"the same plan (identical {what}).", tuple(points))
    graphs = {id(s): build_graph(s.scenario, s.plan) for s in (a, b) if s.scenario and s.plan}
    points = _absent(a, b)
    points += entry_points(comparison, a, b, graphs)
    points += _options(comparison, a, b)
    points += term_points(comparison, a, b)
    points += _caps(plan_a, plan_b, a.label, b.label)
    points += _milestones(a, b)
    points += _targets(a, b)
    points += _bindings(comparison, a, b)
    points += _attribution(comparison, a, b, solve, how)
    return Story(b.label, a.label, _headline(comparison, a, b), tuple(points))


def _attribution(
    comparison: Comparison, a: Subject, b: Subject, solve: Solve | None, how: str
) -> list[str]:
    """What the counterfactuals attribute (two scenarios only: a plan file's making is unknown)."""
    if a.plan is None or b.plan is None:
        return []
    if a.scenario is None or b.scenario is None or "plan" in (a.kind, b.kind):
        return [
            "Not attributed: a plan file says what was planned, not how, so no counterfactual "
            "can be solved (compare the scenario files to have the changes attributed)."
        ]
    terms = comparison.terms
    labels = (a.label, b.label)
    return attribution(a.scenario, b.scenario, a.plan, b.plan, labels, solve, terms, how)


def _absent(a: Subject, b: Subject) -> list[str]:
    """Clusters and legacy systems (matched by cluster id and legacy name) one plan lacks."""
    pa, pb = a.plan, b.plan
    assert pa is not None and pb is not None
    out = []
    for plan, other, label in ((pa, pb, b.label), (pb, pa, a.label)):
        missing = [cp.id for cp in plan.clusters if not has_cluster(other, cp.id)]
        if missing:
            noun = "clusters" if len(missing) > 1 else "cluster"
            out.append(
                f"The {noun} {join_names(missing)} {'are' if len(missing) > 1 else 'is'} "
                f"not in {label}."
            )
        for cp in plan.clusters:
            if not has_cluster(other, cp.id):
                continue
            names = {item.name for item in other.cluster(cp.id).legacy}
            for item in cp.legacy:
                if item.name not in names:
                    out.append(f"{cp.id}'s legacy system {item.name} is not in {label}.")
    return out


def same_schedule(pa: Plan, pb: Plan) -> bool:
    """Whether two plans schedule the same: the same clusters with the same entries, phases
    (months, options, suppliers, costs), legacy retirements and funding; the plans' names, solver
    details, entry windows and floats are not compared."""

    def content(plan: Plan) -> list[object]:
        return [
            (
                cp.id,
                cp.entry,
                [
                    (p.id, p.start, p.end, p.option, sorted(p.uses.items()), p.cost)
                    for p in cp.phases
                ],
                sorted((item.name, item.retired, item.extension_cost) for item in cp.legacy),
                sorted((y, v) for y, v in cp.funding.items() if v),
            )
            for cp in sorted(plan.clusters, key=lambda cp: cp.id)
        ]

    return content(pa) == content(pb)


def _headline(comparison: Comparison, a: Subject, b: Subject) -> str:
    pa, pb = a.plan, b.plan
    assert pa is not None and pb is not None
    group, changed, _ = story_group(comparison, a, b)
    parts = []
    if len(group) >= 2:
        span_a, span_b = spread(pa, group), spread(pb, group)
        first = month_label(min(pb.cluster(c).entry for c in group))
        last = month_label(max(pb.cluster(c).entry for c in group))
        verb = "bunches" if span_b < span_a else "spreads"
        stagger = a.scenario.policy.stagger_months if a.scenario else 0
        how = "staggers them over" if span_b < span_a and stagger else "has them over"
        parts.append(
            f"{b.label} {verb} the market entries of {join_names(group)} "
            f"{'within' if span_b < span_a else 'over'} "
            f"{months_text(span_b)} ({first}..{last}) where {a.label} {how} "
            f"{months_text(span_a)} ({entry_list(pa, group)})"
        )
    elif changed:
        moves = [
            f"{cid} from {month_label(pa.cluster(cid).entry)} to {month_label(pb.cluster(cid).entry)}"
            for cid in changed
        ]
        parts.append(f"{b.label} moves the market entry of {join_names(moves)}")
    else:
        parts.append(f"{b.label} enters every cluster in the same month as {a.label}")
    effects: list[str] = []
    last_cost = 0
    for term in comparison.terms:
        va, vb = pa.objective.get(term), pb.objective.get(term)
        if va is None or vb is None or va == vb:
            continue
        name = TERMS[term].label if term in TERMS else term
        if term == "completion":
            when = "later" if vb > va else "earlier"
            effects.append(f"completion is {months_text(abs(vb - va))} {when} ({month_label(vb)})")
            continue
        amount = money_label(abs(vb - va)) if term in MONEY_TERMS else str(abs(vb - va))
        effects.append(f"the {name} {change_verb(term, vb > va)} by {amount}")
        if term in NET_TERMS:
            last_cost = len(effects) - 1
    net = net_change(pa, pb)
    if net is not None:
        effects[last_cost] += f" (net {signed_money(net)})"
    text = "; ".join(parts)
    if effects:
        text += "; " + join_names(effects)
    else:
        text += "; every objective term is the same"
    return text + "."


# -- options, terms, caps, bindings --------------------------------------------------------------


def _options(comparison: Comparison, a: Subject, b: Subject) -> list[str]:
    out = []
    for cid in comparison.cluster_ids:
        fa, fb = (
            comparison.facts(_index(comparison, a), cid),
            comparison.facts(_index(comparison, b), cid),
        )
        if fa is None or fb is None:
            continue
        la, lb = dict(fa.options), dict(fb.options)
        for phase_id in la:
            if phase_id in lb and la[phase_id] != lb[phase_id]:
                pa = a.plan.cluster(cid).phase(phase_id)  # type: ignore[union-attr]
                pb = b.plan.cluster(cid).phase(phase_id)  # type: ignore[union-attr]
                text = (
                    f"{cid} runs {phase_id} {lb[phase_id]} instead of {la[phase_id]} "
                    f"({pb.months} months instead of {pa.months}, {money_label(pb.cost)} "
                    f"instead of {money_label(pa.cost)})"
                )
                full = _full_caps_over(b, pb.start, pb.end) if pb.cost < pa.cost else []
                if full:
                    caps = f"{join_names(full)} cap{'s are' if len(full) > 1 else ' is'}"
                    text += f"; in {b.label} the {caps} full over those years"
                out.append(text + ".")
    return out


def _full_caps_over(subject: Subject, start: int, end: int) -> list[str]:
    """Caps that bind in ``subject`` and cover some financial year of months ``start..end``."""
    plan, scenario = subject.plan, subject.scenario
    if plan is None or scenario is None:
        return []
    tranche = scenario.budget.tranche if scenario.budget else 1
    first, last = scenario.horizon.fiscal_year(start), scenario.horizon.fiscal_year(end)
    return [
        cap.name
        for cap in plan.caps
        if cap.amount - cap.released < tranche and cap.first_year <= last and cap.last_year >= first
    ]


def _index(comparison: Comparison, subject: Subject) -> int:
    return next(i for i, s in enumerate(comparison.subjects) if s is subject)


def _caps(pa: Plan, pb: Plan, la: str, lb: str) -> list[str]:
    caps_a = {cap.name: cap for cap in pa.caps}
    out = []
    for cap in pb.caps:
        old = caps_a.get(cap.name)
        if old is None:
            continue
        if old.released == cap.released:
            if old.amount != cap.amount:
                out.append(
                    f"The {cap.name} cap is {money_label(cap.amount)} in {lb} against "
                    f"{money_label(old.amount)} in {la}; both release {money_label(cap.released)}."
                )
            continue
        out.append(
            f"The {cap.name} cap releases {money_label(cap.released)} of {money_label(cap.amount)} "
            f"in {lb} (headroom {money_label(cap.amount - cap.released)}) against "
            f"{money_label(old.released)} of {money_label(old.amount)} in {la}."
        )
    return out


def _milestones(a: Subject, b: Subject) -> list[str]:
    """Per cluster whose award or go-live moved: by how much, split into what the actuals did
    (a history entry and phases that ran longer or shorter than ``a`` planned), what ``b``'s
    entry bounds forced (:func:`_entry_bound_shift`) and what the re-optimisation chose (a later
    or earlier entry within the bounds, another option, a wait)."""
    if b.plan is None or b.plan.status_date is None:
        return []
    out = []
    for ca, cb in paired_clusters(a, b):
        award, live = cb.award - ca.award, cb.go_live - ca.go_live
        if not award and not live:
            continue
        upto = cb.phases[-1].id
        if b.scenario is not None:
            systems = b.scenario.cluster(cb.id).legacy
            last = max(systems, key=lambda s: cb.phase(s.replaced_by).end, default=None)
            upto = last.replaced_by if last is not None else upto
        by_actuals = cb.entry - ca.entry if cb.phases[0].actual else 0
        for pa in ca.phases:
            pb = cb.phase(pa.id) if has_phase(cb, pa.id) else None
            if pb is not None and pb.actual:
                by_actuals += pb.months - pa.months
            if pa.id == upto:
                break
        by_bounds, bound = 0, ""
        if not cb.phases[0].actual and b.scenario is not None:
            by_bounds, bound = _entry_bound_shift(b.scenario.cluster(cb.id), b, ca.entry, cb.entry)
        chosen = live - by_actuals - by_bounds
        bounds_text = (
            f"{months_text(by_bounds, signed=True)} from {b.label}'s entry bounds ({bound}), "
            if by_bounds
            else ""
        )
        text = (
            f"{cb.id}: award {month_label(cb.award)} ({months_text(award, signed=True)}), go-live "
            f"{month_label(cb.go_live)} ({months_text(live, signed=True)}): "
            f"{months_text(by_actuals, signed=True)} from the actuals, {bounds_text}"
            f"{months_text(chosen, signed=True)} chosen by the re-optimisation"
        )
        if chosen and not cb.phases[0].actual and cb.entry != ca.entry and b.plan is not None:
            graph = build_graph(b.scenario, b.plan) if b.scenario is not None else None
            why = entry_reason(b.scenario, b.plan, cb.id, graph)
            if why:
                text += f" ({cb.id} {why})"
        out.append(text)
    if out:
        return [f"Milestones moved ({b.label} against {a.label}): " + "; ".join(out) + "."]
    return []


def _entry_bound_shift(cluster: Cluster, b: Subject, before: int, after: int) -> tuple[int, str]:
    """Months of a planned entry's move from ``before`` (the other plan's entry) to ``after`` that
    ``b``'s scenario forces, and the bound that forces them: a later entry is forced up to its
    floor, the latest of its fixed entry, earliest entry and the status date (nothing new starts
    before it), when that floor lies after ``before``; an earlier one down to its fixed or latest
    entry when that lies before ``before``. ``(0, "")`` when no bound forces the move."""
    assert b.scenario is not None
    if after > before:
        floors = [
            (month, name)
            for month, name in (
                (cluster.fixed_entry, "fixed entry"),
                (cluster.earliest_entry, "earliest entry"),
                (b.scenario.status_date, "the status date"),
            )
            if month is not None
        ]
        if floors:
            floor, name = max(floors, key=lambda item: item[0])
            if floor > before:
                return min(floor, after) - before, f"{name} {month_label(floor)}"
    elif after < before:
        ceilings = [
            (month, name)
            for month, name in (
                (cluster.fixed_entry, "fixed entry"),
                (cluster.latest_entry, "latest entry"),
            )
            if month is not None
        ]
        if ceilings:
            ceiling, name = min(ceilings, key=lambda item: item[0])
            if ceiling < before:
                return max(ceiling, after) - before, f"{name} {month_label(ceiling)}"
    return 0, ""


def _targets(a: Subject, b: Subject) -> list[str]:
    """Each target (of either scenario, by name) as met or missed in each plan."""
    results: dict[str, dict[str, TargetResult]] = {}
    for subject in (a, b):
        if subject.scenario is not None and subject.plan is not None:
            for result in target_results(subject.scenario, subject.plan):
                results.setdefault(result.target.name, {})[subject.label] = result
    out = []
    for name, by_subject in results.items():
        texts = [f"{result.text()} in {label}" for label, result in by_subject.items()]
        out.append(
            f"Target {name} ({month_label(next(iter(by_subject.values())).target.month)}): "
            f"{'; '.join(texts)}."
        )
    return out


def _bindings(comparison: Comparison, a: Subject, b: Subject) -> list[str]:
    ia, ib = _index(comparison, a), _index(comparison, b)
    rules_a, rules_b = comparison.bindings[ia] or (), comparison.bindings[ib] or ()
    keys_a, keys_b = {r.key for r in rules_a}, {r.key for r in rules_b}
    skip = {FIXED_ENTRY, EARLIEST_ENTRY}
    only_b = [r for r in rules_b if r.key not in keys_a and r.kind not in skip]
    only_a = [r for r in rules_a if r.key not in keys_b and r.kind not in skip]
    out = []
    if only_b:
        items = "; ".join(f"{r.title} ({r.detail})" for r in only_b)
        out.append(f"Binding in {b.label} only: {items}.")
    if only_a:
        items = "; ".join(f"{r.title} ({r.detail})" for r in only_a)
        out.append(f"Binding in {a.label} only: {items}.")
    moved = [
        f"{r.title} ({a.label} {old.detail}; {b.label} {r.detail})"
        for r in rules_b
        for old in rules_a
        if r.key == old.key and r.kind == SUPPLIER_CAPACITY and r.detail != old.detail
    ]
    if moved:
        out.append(f"Binding in both, at different times: {'; '.join(moved)}.")
    if not comparison.rules_known(ia) or not comparison.rules_known(ib):
        out.append("(Binding rules other than caps need the scenario of a plan JSON: --scenario.)")
    return out
