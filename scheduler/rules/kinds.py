"""One name per rule family, and the :class:`Violation` the check reports.

Every place that names a rule uses these kinds: the check (:mod:`scheduler.rules.schedule`,
:mod:`scheduler.rules.money`), the CP-SAT model's rule keys (``supplier_capacity:erp-market``),
the MILP's constraint names (``supplier_capacity_0_17``), the binding rules and the milestone
graph's edges (:mod:`scheduler.analysis`), and the explanations (:mod:`scheduler.solve.explain`).
"""

from __future__ import annotations

# -- the schedule rules ---------------------------------------------------------------------
EARLIEST_ENTRY = "earliest_entry"  # a cluster enters no earlier than its readiness
LATEST_ENTRY = "latest_entry"
FIXED_ENTRY = "fixed_entry"
SEQUENCE = "sequence"  # phases back to back, waits up to max_wait
HORIZON = "horizon"  # every phase inside the horizon
UNKNOWN_SUPPLIER = "unknown_supplier"
SUPPLIER_CAPACITY = "supplier_capacity"  # units in use at once
SUPPLIER_WINDOW = "supplier_window"  # a supplier's from/to availability
STAGGER = "stagger"  # market entries at least stagger_months apart
ENTRIES_PER_YEAR = "entries_per_year"  # at most max_entries_per_year per financial year
PROGRAMME_DEADLINE = "programme_deadline"  # every last phase ends by policy.deadline
DEPENDENCY = "dependency"  # depends_on: a milestone after another cluster's
HARD_DEADLINE = "hard_deadline"  # a legacy system retired by its hard deadline
LIFECYCLE = "lifecycle"  # (graph edges only) one phase after the previous one
HISTORY = "history"  # phases with actuals as they ran; nothing new before the status date
# -- the money rules ------------------------------------------------------------------------
RELEASES = "releases"  # whole tranches, covering spend (cumulatively with carry-forward)
CAP = "cap"  # releases over a cap's years within its amount
# -- what the check finds beyond the rules -----------------------------------------------------
PLAN_SHAPE = "plan_shape"  # clusters, phases or options that do not fit the scenario
FIGURE = "figure"  # a reported figure that differs from its recomputation

RULE_KINDS = (
    EARLIEST_ENTRY,
    LATEST_ENTRY,
    FIXED_ENTRY,
    SEQUENCE,
    HORIZON,
    UNKNOWN_SUPPLIER,
    SUPPLIER_CAPACITY,
    SUPPLIER_WINDOW,
    STAGGER,
    ENTRIES_PER_YEAR,
    PROGRAMME_DEADLINE,
    DEPENDENCY,
    HARD_DEADLINE,
    HISTORY,
    RELEASES,
    CAP,
)


class Violation(str):
    """A broken rule: its ``kind`` (one of the names above), its ``subject`` (the cluster,
    supplier, cap or policy it is about) and the sentence itself, which is the string value (so
    a list of violations prints, joins and compares as the sentences it holds)."""

    kind: str
    subject: str

    def __new__(cls, kind: str, subject: str, text: str) -> Violation:
        violation = super().__new__(cls, text)
        violation.kind = kind
        violation.subject = subject
        return violation

    @property
    def text(self) -> str:
        return str.__str__(self)

    def __reduce__(self):  # pickles (sweep workers send plans back) as the three fields
        return (Violation, (self.kind, self.subject, self.text))
