"""The witness schedule that makes generated scenarios feasible by construction.

A serial schedule-generation scheme: clusters are placed one by one in index order (dependencies
point to lower indices, so this is a topological order), each at the earliest market entry that
keeps every rule already placed clusters obey: readiness, dependencies, supplier capacity in every
month (standard implementation option), the stagger and entries-per-year policies, and the budget
caps. Spend, tranche rounding and releases follow the scenario contract exactly
(:func:`scheduler.units.monthly_spread`, least covering multiple of the tranche, no carry-forward),
so a witness that fits proves the generated scenario feasible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.units import monthly_spread

__all__ = ["Budgeting", "GenCluster", "GenOption", "Layout", "Witness", "place_all"]

TRANCHE_K = 5_000  # the generator's tranche, £5m, in £1k


@dataclass
class GenOption:
    name: str
    months: int
    cost: int  # pounds
    supplier: str
    units: int = 1


@dataclass
class GenCluster:
    id: str
    users: int
    lead: str
    departments: list[str]
    earliest: int  # month offset from the horizon start
    tender: tuple[int, int]  # (months, cost)
    options: list[GenOption]
    transition: tuple[int, int]
    expires: int  # month offset
    extension_cost: int
    benefits: int
    deps: list[tuple[int, int]] = field(default_factory=list)  # (earlier cluster index, lag)
    hard_deadline: int | None = None  # month offset, set from the witness
    wants_deadline: bool = False


@dataclass
class Layout:
    """Horizon length (months from an April start), policies and supplier capacities."""

    months: int
    stagger: int
    per_year: int | None
    capacities: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Budgeting:
    """Caps: ``blocks[i]`` = (first, last) financial-year index, ``amounts[i]`` in pounds."""

    blocks: list[tuple[int, int]]
    amounts: list[int]


@dataclass
class Witness:
    entries: list[int]
    retired: list[int]  # month offset at which each cluster's implementation ends
    releases: list[dict[int, int]]  # per cluster: financial-year index -> pounds released

    def block_releases(self, blocks: list[tuple[int, int]]) -> list[int]:
        """Pounds released over each block of financial years, all clusters together."""
        return [
            sum(amount for rel in self.releases for y, amount in rel.items() if first <= y <= last)
            for first, last in blocks
        ]


def _profile(cluster: GenCluster) -> list[int]:
    """Spend in £1k per month of the lifecycle, standard option."""
    standard = cluster.options[0]
    months: list[int] = []
    for cost, length in ((cluster.tender[1], cluster.tender[0]),
                         (standard.cost, standard.months),
                         (cluster.transition[1], cluster.transition[0])):  # fmt: skip
        months.extend(monthly_spread(cost, length))
    return months


def _releases(profile: list[int], entry: int) -> dict[int, int]:
    """Releases in pounds per financial-year index (the horizon starts in April: ``t // 12``)."""
    spend: dict[int, int] = {}
    for offset, amount in enumerate(profile):
        year = (entry + offset) // 12
        spend[year] = spend.get(year, 0) + amount
    return {year: -(-s // TRANCHE_K) * TRANCHE_K * 1000 for year, s in spend.items() if s}


def place_all(
    clusters: list[GenCluster], layout: Layout, budget: Budgeting | None
) -> Witness | None:
    """Place every cluster greedily; ``None`` when one of them fits nowhere in the horizon."""
    months = layout.months
    usage = {sid: [0] * months for sid in layout.capacities}
    entered_at = [0] * months  # entries per month (stagger)
    per_year: dict[int, int] = {}
    used = [0] * (len(budget.blocks) if budget else 0)
    entries: list[int] = []
    retired: list[int] = []
    releases: list[dict[int, int]] = []
    for cluster in clusters:
        tender, _ = cluster.tender
        option = cluster.options[0]
        total = tender + option.months + cluster.transition[0]
        low = cluster.earliest
        for other, lag in cluster.deps:
            low = max(low, entries[other] + clusters[other].tender[0] + lag)
        profile = _profile(cluster) if budget else []
        placed = None
        for entry in range(low, months - total + 1):
            if not _fits_policy(layout, entered_at, per_year, entry):
                continue
            if not _fits_capacity(layout, usage, "erp-market", entry, tender, 1):
                continue
            if not _fits_capacity(
                layout, usage, option.supplier, entry + tender, option.months, option.units
            ):
                continue
            rel = _releases(profile, entry) if budget else {}
            if budget and not _fits_budget(budget, used, rel):
                continue
            placed = entry, rel
            break
        if placed is None:
            return None
        entry, rel = placed
        for t in range(entry, entry + tender):
            usage["erp-market"][t] += 1
        start = entry + tender
        for t in range(start, start + option.months):
            usage[option.supplier][t] += option.units
        entered_at[entry] += 1
        per_year[entry // 12] = per_year.get(entry // 12, 0) + 1
        if budget:
            for index, (first, last) in enumerate(budget.blocks):
                used[index] += sum(a for y, a in rel.items() if first <= y <= last)
        else:
            rel = _releases(_profile(cluster), entry)
        entries.append(entry)
        retired.append(start + option.months - 1)
        releases.append(rel)
    return Witness(entries, retired, releases)


def _fits_policy(
    layout: Layout, entered_at: list[int], per_year: dict[int, int], entry: int
) -> bool:
    if layout.stagger > 0:
        first = max(0, entry - layout.stagger + 1)
        if any(entered_at[first : entry + layout.stagger]):
            return False
    return layout.per_year is None or per_year.get(entry // 12, 0) < layout.per_year


def _fits_capacity(
    layout: Layout, usage: dict[str, list[int]], supplier: str, start: int, length: int, units: int
) -> bool:
    window = usage[supplier][start : start + length]
    return max(window, default=0) + units <= layout.capacities[supplier]


def _fits_budget(budget: Budgeting, used: list[int], rel: dict[int, int]) -> bool:
    for index, (first, last) in enumerate(budget.blocks):
        extra = sum(amount for y, amount in rel.items() if first <= y <= last)
        if extra and used[index] + extra > budget.amounts[index]:
            return False
    return True
