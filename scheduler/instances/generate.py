"""Synthetic but realistic scenarios of any size, for benchmarks and stress tests.

``generate(clusters, years, seed)`` draws clusters within the ranges of docs/context.md (tender 9-15
months, implementation 24-60, transition 3-9; costs of tens to hundreds of £m scaled by users;
standard and accelerated implementation options), then makes the scenario feasible *by
construction*: a greedy serial schedule (:mod:`scheduler.instances.witness`) places every cluster,
and the supplier capacities, budget caps and hard deadlines are set so that this witness schedule
obeys them:

- supplier capacities (one ERP market, one integrator pool per 25 clusters) are sized from the load
  and raised until the witness fits in the horizon;
- caps cover consecutive three-year blocks over the first ~60% of the horizon (an uncapped tail
  lets spending move later) at about three quarters of what the capacity-feasible "eager" witness
  needs, raised step by step until a witness obeying the caps exists, so they bind but stay feasible;
- hard deadlines are set on or after the capped witness's retirement month.

The stagger rule is pairwise over all entries, so it is used only for small programmes (<= 20
clusters); larger ones have neither a stagger nor an entries-per-year limit.
Output is deterministic for a seed: one ``random.Random(seed)``, draws in a fixed order, and keys
written in contract order.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

import yaml

from scheduler.instances.witness import Budgeting, GenCluster, GenOption, Layout, Witness, place_all
from scheduler.scenario.gcpause import gc_paused
from scheduler.units import month, month_label

__all__ = ["GenCluster", "GenOption", "generate", "generate_yaml"]

START_YEAR = 2025  # horizon starts 2025-04, the first month of 2025-26
POOL_SIZE = 25  # clusters per integrator pool
TRANCHE = 5_000_000
DEPARTMENTS = (
    "DWP", "HMRC", "MoJ", "Home Office", "MOD", "DfE", "DHSC", "Defra", "DfT", "DESNZ", "DSIT",
    "DBT", "FCDO", "MHCLG", "DCMS", "Cabinet Office", "HM Treasury",
)  # fmt: skip


def _money(pounds: int) -> str:
    """Exact money text: ``£12.5m``, ``£300m``, ``£750k``."""
    if pounds % 1_000_000 == 0 or pounds >= 1_000_000:
        value = Decimal(pounds) / Decimal(1_000_000)
        return f"£{value.normalize():f}m"
    return f"£{Decimal(pounds) / Decimal(1000):f}k"


def _round(pounds: float, step: int = 500_000) -> int:
    return max(step, round(pounds / step) * step)


def _draw_cluster(
    rng: random.Random, index: int, width: int, pools: int, months: int
) -> GenCluster:
    users = int(math.exp(rng.uniform(math.log(5_000), math.log(300_000))))
    size = (users / 300_000) ** 0.6  # 0.1 .. 1
    rate = 0.5e6 + 5.5e6 * size  # central funding a month of implementation, £0.5m-£6m
    tender_months = rng.randint(9, 15)
    impl = min(60, max(24, round(24 + 36 * size + rng.uniform(-8, 8))))
    transition = rng.randint(3, 9)
    fit = months - 12 - tender_months - transition  # leave a year of slack at least
    impl = max(12, min(impl, fit))
    home = index % pools
    other = (home + 1) % pools
    standard = GenOption("standard", impl, _round(rate * impl), f"integrators-{home + 1}")
    fast = max(12, round(impl * rng.uniform(0.7, 0.85)))
    accelerated = GenOption(
        "accelerated", fast, _round(standard.cost * rng.uniform(1.1, 1.3)),
        f"integrators-{other + 1}", units=2,
    )  # fmt: skip
    total = tender_months + impl + transition
    earliest = rng.randint(0, max(0, min(months // 3, months - total - 12)))
    finish = earliest + tender_months + impl - 1  # earliest retirement, ignoring capacity
    expires = min(months - 1, max(0, finish + rng.randint(-24, 6)))
    lead = rng.choice(DEPARTMENTS)
    members = sorted({lead, *rng.sample(DEPARTMENTS, rng.randint(0, 3))})
    return GenCluster(
        id=f"c{index + 1:0{width}d}",
        users=users,
        lead=lead,
        departments=members,
        earliest=earliest,
        tender=(tender_months, _round(rate * tender_months * rng.uniform(0.3, 0.6))),
        options=[standard, accelerated],
        transition=(transition, _round(rate * transition * rng.uniform(0.3, 0.6))),
        expires=expires,
        extension_cost=_round(rate * rng.uniform(0.1, 0.4), 50_000),
        benefits=_round(rate * rng.uniform(0.2, 0.5), 50_000),
        wants_deadline=rng.random() < 0.3,
    )


def _draw_dependencies(rng: random.Random, clusters: list[GenCluster], months: int) -> None:
    """About one cluster in five waits for an earlier one's contract award (+ 0-3 months): acyclic
    (edges point to lower indices) and only where the chain still leaves two years of slack."""
    ready: list[int] = []  # earliest entry following dependencies, ignoring capacity
    for index, cluster in enumerate(clusters):
        entry = cluster.earliest
        if index and rng.random() < 0.2:
            other = rng.randint(max(0, index - 10), index - 1)
            lag = rng.randint(0, 3)
            candidate = max(entry, ready[other] + clusters[other].tender[0] + lag)
            total = cluster.tender[0] + cluster.options[0].months + cluster.transition[0]
            if candidate + total + 24 <= months:
                cluster.deps.append((other, lag))
                entry = candidate
        ready.append(entry)


def generate(clusters: int, years: int, seed: int) -> dict:
    """A feasible scenario of ``clusters`` clusters over ``years`` financial years, as plain data."""
    if clusters < 1:
        raise ValueError("--clusters must be at least 1")
    if years < 5:
        raise ValueError("--years must be at least 5 (a lifecycle lasts up to 7 years)")
    rng = random.Random(seed)
    months = 12 * years
    pools = max(1, math.ceil(clusters / POOL_SIZE))
    width = len(str(clusters))
    drawn = [_draw_cluster(rng, index, width, pools, months) for index in range(clusters)]
    _draw_dependencies(rng, drawn, months)
    deadline_slack = [rng.randint(0, 12) for _ in drawn]
    stagger = 3 if clusters <= 10 else 2 if clusters <= 20 else 0
    per_year = max(2, math.ceil(clusters / (years / 2))) if clusters <= 20 else None

    layout = Layout(months=months, stagger=stagger, per_year=per_year)
    layout.capacities = _initial_capacities(drawn, pools, months)
    eager = _eager_witness(drawn, layout)
    blocks = _cap_blocks(years)
    need = eager.block_releases(blocks)
    witness = None
    for share in (0.75, 0.8, 0.85, 0.9, 0.95):
        amounts = [_floor_tranche(share * amount) for amount in need]
        witness = place_all(drawn, layout, Budgeting(blocks, amounts))
        if witness is not None:
            break
    if witness is None:  # fall back to exactly what the eager witness releases
        amounts = list(need)
        witness = eager
    for cluster, slack, retired in zip(drawn, deadline_slack, witness.retired, strict=True):
        if cluster.wants_deadline:
            cluster.hard_deadline = min(months - 1, max(cluster.expires, retired) + slack)
    return _scenario(drawn, layout, blocks, amounts, clusters, years, seed)


def _eager_witness(drawn: list[GenCluster], layout: Layout) -> Witness:
    """A witness without caps; when none fits, relax step by step (rarely needed): more capacity,
    then no entries-per-year limit, then no stagger. With ample capacity and no policy every cluster
    enters at its readiness date, which fits by construction (see :func:`_draw_dependencies`)."""
    for attempt in range(40):
        eager = place_all(drawn, layout, None)
        if eager is not None:
            return eager
        if attempt == 3:
            layout.per_year = None
        if attempt == 5:
            layout.stagger = 0
        layout.capacities = {k: v + max(1, v // 4) for k, v in layout.capacities.items()}
    raise RuntimeError("internal error: no witness schedule fits the horizon")


def _initial_capacities(drawn: list[GenCluster], pools: int, months: int) -> dict[str, int]:
    """Sized so that the load would use about half of the capacity over the usable months."""
    usable = months * 0.6
    tender_load = sum(c.tender[0] for c in drawn)
    capacities = {"erp-market": max(2, math.ceil(tender_load / (usable * 0.5)))}
    for pool in range(pools):
        load = sum(
            c.options[0].months for c in drawn if c.options[0].supplier.endswith(f"-{pool + 1}")
        )
        capacities[f"integrators-{pool + 1}"] = max(2, math.ceil(load / (usable * 0.5)))
    return capacities


def _cap_blocks(years: int) -> list[tuple[int, int]]:
    """Three-year blocks (spending-review periods) over the first ~60% of the years."""
    capped = max(1, math.ceil(years * 0.6))
    return [(first, min(first + 2, capped - 1)) for first in range(0, capped, 3)]


def _floor_tranche(pounds: float) -> int:
    return int(pounds // TRANCHE) * TRANCHE


def _scenario(
    drawn: list[GenCluster],
    layout: Layout,
    blocks: list[tuple[int, int]],
    amounts: list[int],
    count: int,
    years: int,
    seed: int,
) -> dict:
    start = month(START_YEAR, 4)

    def label(offset: int) -> str:
        return month_label(start + offset)

    def fy(index: int) -> str:
        year = START_YEAR + index
        return f"{year}-{(year + 1) % 100:02d}"

    policy: dict = {"stagger_months": layout.stagger}
    if layout.per_year is not None:
        policy["max_entries_per_year"] = layout.per_year
    suppliers = [{"id": "erp-market", "name": "ERP software market (concurrent competitions)",
                  "capacity": layout.capacities["erp-market"]}]  # fmt: skip
    suppliers += [
        {"id": sid, "name": f"Systems integrator pool {sid.rsplit('-', 1)[1]}", "capacity": cap}
        for sid, cap in layout.capacities.items()
        if sid != "erp-market"
    ]
    clusters = [_cluster_dict(cluster, drawn, label) for cluster in drawn]
    return {
        "name": f"Generated programme: {count} clusters over {years} years (seed {seed})",
        "description": (
            "Synthetic scenario from 'python -m scheduler generate'. Every figure is an assumption "
            "drawn at random within the ranges of docs/context.md; capacities, caps and hard "
            "deadlines are set so that a greedy schedule obeys them (feasible by construction)."
        ),
        "horizon": {"start": label(0), "end": label(12 * years - 1), "fiscal_year_start": 4},
        "budget": {
            "tranche": _money(TRANCHE),
            "carry_forward": False,
            "covers_extensions": False,
            "caps": [
                {
                    "name": f"SR{index + 1}",
                    "from": fy(first),
                    "to": fy(last),
                    "amount": _money(amount),
                }
                for index, ((first, last), amount) in enumerate(zip(blocks, amounts, strict=True))
                if amount > 0
            ],
        },
        "suppliers": suppliers,
        "policy": policy,
        "lifecycle": [
            {"id": "tender", "months": 12, "cost": "£10m", "uses": ["erp-market"]},
            {"id": "implement", "months": 36, "cost": "£100m"},
            {"id": "transition", "months": 6, "cost": "£5m"},
        ],
        "clusters": clusters,
        "objective": ["extension_cost", "delivery_cost", "completion"],
    }


def _cluster_dict(cluster: GenCluster, drawn: list[GenCluster], label) -> dict:
    legacy: dict = {
        "name": f"{cluster.lead} legacy ERP",
        "expires": label(cluster.expires),
        "replaced_by": "implement",
        "extension_cost": _money(cluster.extension_cost),
    }
    if cluster.hard_deadline is not None:
        legacy["hard_deadline"] = label(cluster.hard_deadline)
    result: dict = {
        "id": cluster.id,
        "name": f"Cluster {cluster.id[1:].lstrip('0') or '0'}",
        "lead": cluster.lead,
        "departments": cluster.departments,
        "users": cluster.users,
        "earliest_entry": label(cluster.earliest),
        "phases": {
            "tender": {"months": cluster.tender[0], "cost": _money(cluster.tender[1])},
            "implement": {
                "options": [
                    {
                        "name": o.name,
                        "supplier": o.supplier,
                        "months": o.months,
                        "cost": _money(o.cost),
                        **({"units": o.units} if o.units != 1 else {}),
                    }
                    for o in cluster.options
                ]
            },
            "transition": {"months": cluster.transition[0], "cost": _money(cluster.transition[1])},
        },
        "legacy": [legacy],
        "benefits": _money(cluster.benefits),
    }
    if cluster.deps:
        result["depends_on"] = [
            {"cluster": drawn[other].id, "milestone": "tender.end", "lag": lag}
            for other, lag in cluster.deps
        ]
    return result


def generate_yaml(clusters: int, years: int, seed: int) -> str:
    with gc_paused():  # hundreds of thousands of values that stay alive (see scenario.gcpause)
        data = generate(clusters, years, seed)
    header = (
        f"# Generated by: python -m scheduler generate --clusters {clusters} --years {years} "
        f"--seed {seed}\n# Synthetic: every figure is an assumption (see the description).\n"
    )
    # libyaml's emitter (CSafeDumper) writes the same text as PyYAML's own, three times faster
    text = yaml.dump(
        data,
        Dumper=yaml.CSafeDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )
    return header + text
