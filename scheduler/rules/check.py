"""The independent check: does a plan obey its scenario, and does it report what it decides?

:func:`check_plan` reads only the plan's decisions (phase starts and options, and, with
carry-forward, its releases), recomputes everything else with :func:`scheduler.evaluate.evaluate`,
and reports every rule broken and every reported figure that differs from the recomputation. It
shares no code with the solver, so a wrong constraint in the model shows up here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from scheduler.plan import STATUSES, CapUse, ClusterPlan, LegacyPlan, Plan
from scheduler.rules.evaluate import (
    DecisionError,
    Evaluation,
    decisions_from_plan,
    evaluate,
    releases_from_plan,
)
from scheduler.rules.plan_file import Claim
from scheduler.scenario.data import Cluster, Scenario
from scheduler.terms import OBJECTIVE_TERMS, TERMS
from scheduler.units import month_label

__all__ = ["check_plan", "claim_mismatches"]


def check_plan(scenario: Scenario, plan: Plan) -> list[str]:
    """Every problem with ``plan`` as a plan for ``scenario``; an empty list means it is sound."""
    problems: list[str] = []
    if plan.status not in STATUSES:
        return [f"unknown plan status {plan.status!r}"]
    if plan.status_date != scenario.status_date:
        shown = [
            month_label(m) if m is not None else "none"
            for m in (plan.status_date, scenario.status_date)
        ]
        problems.append(f"plan's status date is {shown[0]}, the scenario's {shown[1]}")
    if plan.fiscal_year_start != scenario.horizon.fiscal_year_start:
        problems.append(
            f"plan's financial years start in month {plan.fiscal_year_start}, "
            f"the scenario's in month {scenario.horizon.fiscal_year_start}"
        )
    if not plan.has_schedule:
        if plan.clusters:
            problems.append(f"a plan with status {plan.status} lists clusters")
        return problems
    shape = _shape(scenario, plan)
    if shape:
        return problems + shape
    problems += _phases(scenario, plan)
    carry = scenario.budget is not None and scenario.budget.carry_forward
    releases = releases_from_plan(plan) if carry else None
    try:
        evaluation = evaluate(scenario, decisions_from_plan(plan), releases)
    except DecisionError as exc:  # pragma: no cover - _shape rules these out
        return [*problems, str(exc)]
    problems += evaluation.violations
    problems += _figures(scenario, plan, evaluation)
    return problems


def _shape(scenario: Scenario, plan: Plan) -> list[str]:
    """The plan lists each scenario cluster once, its phases in lifecycle order by id, and an
    option that exists for every phase with options (``None`` for the others)."""
    out = []
    wanted = [c.id for c in scenario.clusters]
    listed = [c.id for c in plan.clusters]
    for cid in sorted(set(wanted) - set(listed)):
        out.append(f"cluster {cid} is missing from the plan")
    for cid in sorted(set(listed) - set(wanted)):
        out.append(f"the plan lists cluster {cid}, which the scenario lacks")
    for cid in sorted(cid for cid, count in Counter(listed).items() if count > 1):
        out.append(f"the plan lists cluster {cid} more than once")
    for cp in plan.clusters:
        if cp.id not in wanted:
            continue
        cluster = scenario.cluster(cp.id)
        ids = [p.id for p in cluster.phases]
        got = [p.id for p in cp.phases]
        if got != ids:
            out.append(f"{cp.id}: phases are {', '.join(got)}; the scenario's are {', '.join(ids)}")
            continue
        for phase, pp in zip(cluster.phases, cp.phases, strict=True):
            options = [mode.option for mode in phase.modes]
            taken = phase.actual is not None and phase.has_options
            if taken and pp.option != options[0]:
                out.append(
                    f"{cp.id} {phase.id} is history: it took option {phase.modes[0].label!r} "
                    f"({options[0]}), the plan has option {pp.option!r}"
                )
            elif pp.option not in options:
                if phase.has_options:
                    out.append(
                        f"{cp.id} {phase.id}: option {pp.option!r} does not exist "
                        f"(options 0..{len(options) - 1})"
                    )
                else:
                    out.append(f"{cp.id} {phase.id}: has no options, plan gives {pp.option!r}")
    return out


def _phases(scenario: Scenario, plan: Plan) -> list[str]:
    """Per phase: ``end = start + months - 1`` of its option, and the option's uses and cost;
    the cluster's entry is its first phase's start and lies in its entry window."""
    out = []
    for cp in plan.clusters:
        cluster = scenario.cluster(cp.id)
        for phase, pp in zip(cluster.phases, cp.phases, strict=True):
            mode = next(m for m in phase.modes if m.option == pp.option)
            name = f"{cp.id} {phase.id}"
            if pp.end != pp.start + mode.months - 1:
                out.append(
                    f"{name}: runs {month_label(pp.start)}..{month_label(pp.end)}, but it lasts "
                    f"{mode.months} months (end {month_label(pp.start + mode.months - 1)})"
                )
            uses: dict[str, int] = {}
            for sid, units in mode.uses:
                uses[sid] = uses.get(sid, 0) + units
            if pp.uses != uses:
                out.append(f"{name}: uses {pp.uses} reported, the scenario says {uses}")
            if pp.actual != (phase.actual is not None):
                says = "history (actual)" if pp.actual else "a decision"
                out.append(f"{name}: reported as {says}, the scenario says otherwise")
            if pp.cost != mode.cost:
                out.append(
                    f"{name}: cost {_exact(pp.cost)} reported, "
                    f"the scenario says {_exact(mode.cost)}"
                )
        out += _entry(cluster, cp)
    return out


def _entry(cluster: Cluster, cp: ClusterPlan) -> list[str]:
    """``entry = s[c,first]`` and ``window[0] <= entry <= window[1]``."""
    out = []
    if cp.entry != cp.phases[0].start:
        out.append(
            f"{cp.id}: entry {month_label(cp.entry)} is not the start of "
            f"{cluster.phases[0].id} {month_label(cp.phases[0].start)}"
        )
    first, last = cp.entry_window
    if not first <= cp.entry <= last:
        out.append(
            f"{cp.id}: entry window {month_label(first)}..{month_label(last)} "
            f"does not contain its entry {month_label(cp.entry)}"
        )
    return out


def _figures(scenario: Scenario, plan: Plan, ev: Evaluation) -> list[str]:
    """Every reported figure equals its recomputation: spend, funding, legacy, caps, objective."""
    out = []
    label = scenario.horizon.fy_label
    for cp in plan.clusters:
        for what, reported, computed in (
            ("spend", cp.spend, ev.spend[cp.id]),
            ("funding", cp.funding, ev.funding[cp.id]),
        ):
            for year in sorted(set(_nonzero(reported)) | set(_nonzero(computed))):
                got, want = reported.get(year, 0), computed.get(year, 0)
                if got != want:
                    out.append(
                        f"{cp.id}: {what} in {label(year)} reported as {_exact(got)}, "
                        f"recomputed {_exact(want)}"
                    )
        out += _legacy(cp, ev.legacy[cp.id])
    out += _caps(scenario, plan.caps, ev.caps)
    for name, value in plan.objective.items():
        if name not in OBJECTIVE_TERMS:
            out.append(f"objective: unknown term {name!r}")
        elif value != ev.objective[name]:
            out.append(
                f"objective: {name} reported as {_term(name, value)}, "
                f"recomputed {_term(name, ev.objective[name])}"
            )
    return out + _objective_claims(scenario, plan, ev)


def _objective_claims(scenario: Scenario, plan: Plan, ev: Evaluation) -> list[str]:
    """The plan reports exactly the scenario's objective terms, and bounds that can hold:

    - ``bound[t] <= value[t]`` for every term ``t`` (every term is minimised), and
      ``bound[weighted] <= sum_t w_t * value[t]`` for a weighted objective;
    - a plan claimed ``optimal`` gives a bound on every stage, equal to its value (a bound below
      the value is a gap, which an optimum does not have).
    """
    out = []
    wanted = scenario.objective.reported_terms
    for name in wanted:
        if name not in plan.objective:
            out.append(
                f"objective: term {name} is missing (the scenario's terms are {', '.join(wanted)})"
            )
    for name in plan.objective:
        if name in OBJECTIVE_TERMS and name not in wanted:
            out.append(f"objective: {name} is not a term of this scenario's objective")
    weights = scenario.objective.weights
    values = dict(ev.objective)
    stages: dict[str, int] = {}  # the bounds a plan gives, by stage name
    if weights is not None and len(weights) > 1:
        values["weighted"] = sum(weight * ev.objective[name] for name, weight in weights)
        stages["weighted"] = values["weighted"]
    else:
        stages.update(
            {name: values[name] for stage in scenario.objective.stages for name, _ in stage}
        )
    for name, bound in plan.bounds.items():
        if name not in values:
            out.append(f"bounds: {name!r} is not a term of this scenario's objective")
        elif bound > values[name]:
            out.append(
                f"objective: bound on {name} {_term(name, bound)} is above its value "
                f"{_term(name, values[name])}"
            )
    if plan.status == "optimal":
        for name, value in stages.items():
            claimed = plan.bounds.get(name)
            if claimed is None:
                out.append(f"bounds: the plan claims optimal but gives no bound on {name}")
            elif claimed < value:
                out.append(
                    f"bounds: the plan claims optimal, but the bound on {name} "
                    f"{_term(name, claimed)} is below its value {_term(name, value)}"
                )
    return out


def claim_mismatches(plan: Plan, claims: Iterable[Claim]) -> list[str]:
    """Each figure a plan file states that its own phases determine, against those phases:
    ``award = end of the first phase``, ``finish = end of the last phase``, ``go_live = the
    latest legacy retirement`` (``finish`` without legacy)."""
    out = []
    for claim in claims:
        try:
            cluster = plan.cluster(claim.cluster)
        except KeyError:
            continue
        if not cluster.phases:
            continue
        actual = getattr(cluster, claim.name)
        if claim.month != actual:
            out.append(
                f"{claim.cluster}: {claim.name} reported as {month_label(claim.month)}, but its "
                f"phases give {month_label(actual)} ({claim.path})"
            )
    return out


def _legacy(cp: ClusterPlan, computed: tuple[LegacyPlan, ...]) -> list[str]:
    """Per legacy system: expires, retired, late months and extension cost as recomputed."""
    reported = {item.name: item for item in cp.legacy}
    wanted = {item.name: item for item in computed}
    out = [f"{cp.id}: legacy {name} is missing" for name in wanted if name not in reported]
    out += [f"{cp.id}: unknown legacy {name}" for name in reported if name not in wanted]
    for name, want in wanted.items():
        got = reported.get(name)
        if got is None:
            continue
        for field, fmt in (
            ("expires", month_label),
            ("retired", month_label),
            ("late_months", str),
            ("extension_cost", _exact),
            ("late_incurred", str),
            ("extension_incurred", _exact),
        ):
            a, b = getattr(got, field), getattr(want, field)
            if a != b:
                out.append(f"{cp.id}: {name} {field} reported as {fmt(a)}, recomputed {fmt(b)}")
    return out


def _caps(
    scenario: Scenario, reported: tuple[CapUse, ...], computed: tuple[CapUse, ...]
) -> list[str]:
    """Each scenario cap is reported once with its span, amount and recomputed releases."""
    label = scenario.horizon.fy_label
    got = {cap.name: cap for cap in reported}
    out = [
        f"cap {name} is not in the scenario"
        for name in got
        if name not in {c.name for c in computed}
    ]
    if len(got) != len(reported):
        out.append("a cap is reported more than once")
    for want in computed:
        cap = got.get(want.name)
        if cap is None:
            out.append(f"cap {want.name} is missing from the plan")
            continue
        if (cap.first_year, cap.last_year, cap.amount) != (
            want.first_year,
            want.last_year,
            want.amount,
        ):
            out.append(
                f"cap {want.name}: reported as {label(cap.first_year)}..{label(cap.last_year)} "
                f"{_exact(cap.amount)}, the scenario says {label(want.first_year)}.."
                f"{label(want.last_year)} {_exact(want.amount)}"
            )
        if cap.released != want.released:
            out.append(
                f"cap {want.name}: released reported as {_exact(cap.released)}, "
                f"recomputed {_exact(want.released)}"
            )
    return out


def _nonzero(amounts: Mapping[int, int]) -> dict[int, int]:
    return {year: amount for year, amount in amounts.items() if amount}


def _exact(pounds: int) -> str:
    """Exact pounds (``£4,285,000``): a difference of £1k must show."""
    sign = "-" if pounds < 0 else ""
    return f"{sign}£{abs(pounds):,}"


def _term(name: str, value: int) -> str:
    """A term's value in its registered unit, money exact to the pound (a weighted sum as a
    plain number)."""
    if name == "weighted":
        return f"{value:,}"
    unit = TERMS[name].unit
    if unit == "month":
        return month_label(value)
    return str(value) if unit == "count" else _exact(value)
