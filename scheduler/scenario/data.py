"""The validated scenario: frozen dataclasses, nothing but data.

Every month is an ordinal from :mod:`scheduler.units` (``year * 12 + month - 1``); every amount of
money is integer pounds; every financial year is the calendar year it starts in. The loader
(:mod:`scheduler.scenario.load`) is the only producer of these objects from files; tests and the
generator may build them directly. Cross-references are by id (cluster, phase, supplier), never by
position.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol

from scheduler.errors import Problem, ScenarioError
from scheduler.units import fiscal_year, fy_label, fy_months, month_label, to_thousands

Edge = Literal["start", "end"]

DEFAULT_OBJECTIVE = ("extension_cost", "delivery_cost", "completion")
DATA_ORIGIN = "<scenario>"  # the "file" of a problem found on the data, not read from a file


@dataclass(frozen=True)
class Horizon:
    """Months ``start .. end`` inclusive; financial years begin in month ``fiscal_year_start``."""

    start: int
    end: int
    fiscal_year_start: int = 4

    @property
    def months(self) -> int:
        return self.end - self.start + 1

    def fiscal_year(self, month: int) -> int:
        return fiscal_year(month, self.fiscal_year_start)

    def fiscal_years(self) -> tuple[int, ...]:
        """Every financial year that overlaps the horizon, in order."""
        first = self.fiscal_year(self.start)
        last = self.fiscal_year(self.end)
        return tuple(range(first, last + 1))

    def fy_months(self, year: int) -> tuple[int, int]:
        return fy_months(year, self.fiscal_year_start)

    def fy_label(self, year: int) -> str:
        return fy_label(year, self.fiscal_year_start)


@dataclass(frozen=True)
class Cap:
    """Sum of releases to all clusters over financial years ``first_year .. last_year`` <= amount.

    The one place of the cap's arithmetic that every layer shares: releases are whole £1k, so the
    amount is taken to the £1k below (:attr:`limit_k`, :attr:`limit`), and :meth:`released` sums
    releases over the cap's years."""

    name: str
    first_year: int
    last_year: int
    amount: int

    @property
    def limit_k(self) -> int:
        """``floor(amount / £1k)``: the most the releases in the cap's years may total, in £1k."""
        return self.amount // 1000

    @property
    def limit(self) -> int:
        """:attr:`limit_k` in pounds."""
        return self.limit_k * 1000

    def covers(self, year: int) -> bool:
        """Whether financial year ``year`` is one of the cap's."""
        return self.first_year <= year <= self.last_year

    def released(self, releases: Iterable[Mapping[int, int]]) -> int:
        """``sum_c sum_{y in cap} R[c,y]`` over per-year releases (one mapping per cluster)."""
        return sum(
            amount for per_year in releases for y, amount in per_year.items() if self.covers(y)
        )


@dataclass(frozen=True)
class Budget:
    tranche: int = 1_000
    carry_forward: bool = False
    caps: tuple[Cap, ...] = ()
    covers_extensions: bool = False
    released: tuple[tuple[str, int, int], ...] = ()  # (cluster, financial year, pounds): history

    def released_to(self, cluster_id: str) -> dict[int, int]:
        """The releases ``budget.released`` gives for one cluster, by financial year."""
        return {year: amount for cid, year, amount in self.released if cid == cluster_id}

    @property
    def tranche_k(self) -> int:
        """The tranche in whole £1k, as the model holds it (rounded, at least £1k)."""
        return max(1, to_thousands(self.tranche))


@dataclass(frozen=True)
class Supplier:
    """A capacity-limited resource; it exists only in months ``available_from .. available_to``."""

    id: str
    name: str
    capacity: int
    available_from: int | None = None
    available_to: int | None = None


@dataclass(frozen=True)
class Policy:
    stagger_months: int = 0
    max_entries_per_year: int | None = None
    deadline: int | None = None


@dataclass(frozen=True)
class Mode:
    """One way of running a phase: how long it takes, what it costs and what it occupies.

    A phase without ``options`` has exactly one mode with ``option`` ``None``; a phase with options
    has one mode per option, ``option`` being its 0-based index in the file.
    """

    months: int
    cost: int
    uses: tuple[tuple[str, int], ...] = ()
    option: int | None = None
    label: str = ""

    def units_of(self, supplier: str) -> int:
        return sum(units for sid, units in self.uses if sid == supplier)


@dataclass(frozen=True)
class Actual:
    """What had happened to a phase by the status date (scenario-format 1.1, "Status date and
    actuals"): it ran ``start .. end`` (finished), or started at ``start`` and, still ``running``,
    ends at ``end = status_date + remaining_months - 1``. ``planned`` is the mode the scenario
    planned for the option taken (its months and cost before the actuals replaced them)."""

    start: int
    end: int
    running: bool
    planned: Mode
    modes: tuple[Mode, ...] = ()  # the phase's modes as planned (every option), for reports

    @property
    def months(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class Phase:
    """A phase of a cluster's lifecycle. It may start up to ``max_wait`` months after the previous
    phase ends (0: back to back; ignored on the first phase, whose start is the market entry).

    A phase with ``actual`` is history: its one mode is the option taken, lasting
    ``actual.months`` at its actual cost, and it starts at ``actual.start``; it is no decision."""

    id: str
    modes: tuple[Mode, ...]
    max_wait: int = 0
    actual: Actual | None = None

    @property
    def has_options(self) -> bool:
        return self.modes[0].option is not None

    @property
    def shortest(self) -> int:
        return min(mode.months for mode in self.modes)


@dataclass(frozen=True)
class Milestone:
    """The ``start`` or ``end`` month of a phase (``end`` is the phase's last month, inclusive)."""

    phase: str
    edge: Edge

    def __str__(self) -> str:
        return f"{self.phase}.{self.edge}"


@dataclass(frozen=True)
class Dependency:
    """``this >= other + lag (+1 when other is an .end)``, ``other`` being a milestone of ``cluster``."""

    cluster: str
    milestone: Milestone
    lag: int
    this: Milestone

    @property
    def offset(self) -> int:
        """The minimum gap in months between the other milestone and this one."""
        return self.lag + (1 if self.milestone.edge == "end" else 0)


@dataclass(frozen=True)
class Legacy:
    """A legacy system (or outsourcing contract) retired at the end of phase ``replaced_by``."""

    name: str
    expires: int
    replaced_by: str
    extension_cost: int = 0
    hard_deadline: int | None = None
    instances: int = 1  # how many legacy instances (installations) this entry stands for


@dataclass(frozen=True)
class Cluster:
    id: str
    phases: tuple[Phase, ...]
    name: str = ""
    lead: str = ""
    departments: tuple[str, ...] = ()
    users: int | None = None
    earliest_entry: int | None = None
    latest_entry: int | None = None
    fixed_entry: int | None = None
    legacy: tuple[Legacy, ...] = ()
    depends_on: tuple[Dependency, ...] = ()
    benefits: int = 0
    platform: str | None = None  # the shared ERP platform it moves to (None: not given)

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def has_actuals(self) -> bool:
        """Whether any phase is history (then the market entry is history too)."""
        return self.actual_entry is not None

    @property
    def actual_entry(self) -> int | None:
        """The market entry when it is history (the first phase's actual start), else ``None``."""
        actual = self.phases[0].actual if self.phases else None
        return actual.start if actual is not None else None

    def phase(self, phase_id: str) -> Phase:
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(phase_id)

    def phase_index(self, phase_id: str) -> int:
        for index, phase in enumerate(self.phases):
            if phase.id == phase_id:
                return index
        raise KeyError(phase_id)


@dataclass(frozen=True)
class Target:
    """A dated aim, not a rule: the named clusters go live by ``month`` (every cluster when
    ``clusters`` is empty). Reported as met or missed by how many months."""

    name: str
    month: int
    clusters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Objective:
    """Lexicographic terms, most important first, or (when ``weights`` is set) one weighted sum."""

    terms: tuple[str, ...] = DEFAULT_OBJECTIVE
    weights: tuple[tuple[str, int], ...] | None = None

    @property
    def stages(self) -> tuple[tuple[tuple[str, int], ...], ...]:
        """The optimisation stages: each a weighted sum of terms, solved in order."""
        if self.weights is not None:
            return (self.weights,)
        return tuple(((term, 1),) for term in self.terms)

    @property
    def reported_terms(self) -> tuple[str, ...]:
        if self.weights is not None:
            return tuple(term for term, _ in self.weights)
        return self.terms


Overrides = Mapping[str, object] | Sequence[tuple[str, str]]


class Origin(Protocol):
    """Where a scenario was read from (set by the loader): it can tell whether a scenario is the
    one it read, unchanged, and read it again with overrides. ``infeasible`` holds the certain
    infeasibilities the static checks found in the file (:mod:`scheduler.scenario.static`)."""

    infeasible: tuple[Problem, ...]

    def made(self, scenario: Scenario) -> bool: ...

    def with_overrides(self, scenario: Scenario, overrides: Overrides) -> Scenario: ...


@dataclass(frozen=True)
class Range:
    """A three-point duration range ``low <= likely <= high``: months, or (``percent``) percent
    of the planned months of the phase's chosen option (``-10`` is 10% shorter)."""

    low: float
    likely: float
    high: float
    percent: bool = False

    def months(self, planned: int) -> tuple[float, float, float]:
        """``(low, likely, high)`` in months for a phase planned to take ``planned`` months."""
        if not self.percent:
            return (self.low, self.likely, self.high)
        return tuple(planned * (1 + value / 100) for value in (self.low, self.likely, self.high))  # type: ignore[return-value]

    @property
    def deterministic(self) -> bool:
        return self.low == self.high


@dataclass(frozen=True)
class RiskEvent:
    """A discrete risk: in a run it happens with ``probability`` and then adds ``delay_months``
    to phase ``phase`` of every cluster in ``clusters`` (every cluster when empty)."""

    name: str
    probability: float
    delay_months: int
    phase: str
    clusters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Risk:
    """The ``risk`` section (scenario-format.md, version 1.1): duration ranges per lifecycle phase
    id (``phases``) and per cluster phase (``cluster_phases``, which win), discrete events, how
    cost follows duration, and the Monte Carlo settings."""

    runs: int = 10_000
    seed: int = 0
    phases: tuple[tuple[str, Range], ...] = ()
    cluster_phases: tuple[tuple[str, str, Range], ...] = ()
    cost: str = "pro_rata"  # or "fixed"
    events: tuple[RiskEvent, ...] = ()
    target: float = 0.8

    def range_of(self, cluster_id: str, phase_id: str) -> Range | None:
        """The range that applies to a cluster's phase (``None``: its duration is certain)."""
        for cid, pid, value in self.cluster_phases:
            if cid == cluster_id and pid == phase_id:
                return value
        for pid, value in self.phases:
            if pid == phase_id:
                return value
        return None


@dataclass(frozen=True)
class Scenario:
    name: str
    horizon: Horizon
    clusters: tuple[Cluster, ...]
    description: str = ""
    budget: Budget | None = None
    suppliers: tuple[Supplier, ...] = ()
    policy: Policy = field(default_factory=Policy)
    objective: Objective = field(default_factory=Objective)
    source: str = ""
    risk: Risk | None = None
    warnings: tuple[str, ...] = ()  # legal but probably mistaken (``FILE:LINE: key: ...``)
    status_date: int | None = None  # the plan is made as at the start of this month
    targets: tuple[Target, ...] = ()

    @property
    def decision_year(self) -> int | None:
        """The first financial year whose releases are decisions (the one containing the status
        date); releases of earlier years are history. ``None`` without a status date."""
        if self.status_date is None:
            return None
        return self.horizon.fiscal_year(self.status_date)

    def is_history_year(self, year: int) -> bool:
        """A financial year that ended before the status date: its releases are facts."""
        if self.status_date is None:
            return False
        first = self.decision_year
        return first is not None and year < first

    origin: Origin | None = field(default=None, repr=False, compare=False)  # set by the loader

    def __repr__(self) -> str:
        """One line (the dataclasses' own repr of a whole programme runs to pages)."""
        where = f" from {self.source}" if self.source else ""
        span = f"{month_label(self.horizon.start)}..{month_label(self.horizon.end)}"
        order = " > ".join(self.objective.reported_terms)
        objective = f"weighted {order}" if self.objective.weights is not None else order
        return (
            f"<Scenario {self.name!r}{where}: {len(self.clusters)} clusters, "
            f"{len(self.suppliers)} suppliers, horizon {span}, objective {objective}>"
        )

    def with_overrides(self, overrides: Overrides) -> Scenario:
        """This scenario with ``{"budget.caps.SR21.amount": "£403m", ...}`` applied, read and
        validated exactly like ``--set PATH=VALUE`` on the file it came from (values are YAML text,
        or numbers, booleans and ``None``); problems raise :class:`ScenarioError` by key path.

        A scenario changed in Python since it was read (``dataclasses.replace``) is written out as
        scenario YAML without a lifecycle (:mod:`scheduler.scenario.dump`) and that text is read
        with the overrides: address its phases as ``clusters.ID.phases.PHASE...``. A scenario
        built in Python from the dataclasses alone has no loader behind it (it cannot import one)."""
        if self.origin is None:
            message = (
                "with_overrides re-reads the scenario file with the overrides, but this scenario "
                "was built in Python: change it with dataclasses.replace instead"
            )
            raise ScenarioError([Problem(DATA_ORIGIN, None, "", message)])
        return self.origin.with_overrides(self, overrides)

    def cluster(self, cluster_id: str) -> Cluster:
        """The cluster of that id (the first, if a scenario not yet validated repeats it)."""
        return self._clusters_by_id[cluster_id]

    def supplier(self, supplier_id: str) -> Supplier:
        return self._suppliers_by_id[supplier_id]

    @cached_property
    def _clusters_by_id(self) -> dict[str, Cluster]:
        """By id, built on first use (a lookup by scanning made 10,000 clusters quadratic)."""
        return {cluster.id: cluster for cluster in reversed(self.clusters)}

    @cached_property
    def _suppliers_by_id(self) -> dict[str, Supplier]:
        return {supplier.id: supplier for supplier in reversed(self.suppliers)}
