"""Small text helpers shared by the reports: money, months, options, objective terms."""

from __future__ import annotations

from scheduler.plan import PhasePlan
from scheduler.scenario.model import Cluster, Mode, Scenario
from scheduler.units import money_label, month_label, parse_money

__all__ = [
    "MONEY_TERMS",
    "chosen_mode",
    "millions",
    "money_text",
    "option_label",
    "term_gap",
    "term_text",
    "window_text",
]

MONEY_TERMS = frozenset({"extension_cost", "delivery_cost", "total_cost", "net_cost", "funding"})
MONTH_TERMS = frozenset({"completion"})
COUNT_TERMS = frozenset({"late_months"})


def money_text(pounds: int) -> str:
    """``£300m``; with the exact pounds when the short label rounds: ``£4.29m (£4,285,000)``."""
    label = money_label(pounds)
    return label if parse_money(label) == pounds else f"{label} (£{pounds:,})"


def millions(pounds: int) -> str:
    """Pounds as £m to three decimals (exact to £1k), ``-`` for zero: ``295.000``."""
    return f"{pounds / 1_000_000:,.3f}" if pounds else "-"


def window_text(window: tuple[int, int]) -> str:
    low, high = window
    return month_label(low) if low == high else f"{month_label(low)}..{month_label(high)}"


def term_text(term: str, value: int) -> str:
    """An objective term's value in its unit."""
    if term in MONTH_TERMS:
        return month_label(value)
    if term in MONEY_TERMS:
        return money_text(value)
    if term in COUNT_TERMS:
        return f"{value} month{'s' if value != 1 else ''}"
    return str(value)


def term_gap(term: str, value: int, bound: int) -> str:
    """How far the value is from the proven bound (empty when proven optimal)."""
    if value == bound:
        return ""
    diff = abs(value - bound)
    if term in MONEY_TERMS:
        share = f" ({diff / abs(value):.1%})" if value else ""
        return money_label(diff) + share
    if term in MONTH_TERMS | COUNT_TERMS:
        return f"{diff} month{'s' if diff != 1 else ''}"
    return str(diff)


def chosen_mode(cluster: Cluster, phase: PhasePlan) -> Mode | None:
    """The scenario mode a planned phase runs in (``None`` if the scenario does not know it)."""
    try:
        modes = cluster.phase(phase.id).modes
    except KeyError:
        return None
    return next((mode for mode in modes if mode.option == phase.option), None)


def option_label(scenario: Scenario, cluster_id: str, phase: PhasePlan) -> str:
    """The chosen option's label (``option N`` if unlabelled; empty for a phase without options)."""
    if phase.option is None:
        return ""
    try:
        mode = chosen_mode(scenario.cluster(cluster_id), phase)
    except KeyError:
        mode = None
    return (mode.label if mode else "") or f"option {phase.option}"
