"""Charts as inline SVG text: matplotlib's SVG backend, set up so the same data gives the same bytes.

Why matplotlib SVG: the page must open from disk with no network and be byte-stable. matplotlib is
already a dependency; one chart is a few tens of kB of plain SVG, needs no script, prints sharply
and is byte-stable once three things are fixed:

- ``svg.hashsalt``: the ids of clip paths and markers are hashes salted with it (random
  otherwise). Each chart gets its own salt (its name), so two charts on one page never share an id;
- ``metadata={"Date": None}``: no creation date in the file;
- ``svg.fonttype: "none"``: text stays text (``<text>``), not glyph outlines. It keeps the file
  small and the labels selectable and searchable in the browser (and read out by screen readers);
  the browser draws it in its own sans-serif font. ``"path"`` would draw every glyph as an outline
  (the same bytes too, but 2-3 times larger and the text no longer selectable).

Everything happens under ``matplotlib.rc_context`` on a bare ``Figure`` (no pyplot, no global
state left behind).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from scheduler.units import fiscal_year, fy_label, fy_months, month_label

__all__ = ["PALETTE", "chart_svg", "fy_axis", "new_figure", "svg_settings"]

#: Colour-blind-safe qualitative palette (Okabe-Ito), cycled by index.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
)

_ID = re.compile(r'\b(id)="([^"]+)"')
_REF = re.compile(r'(url\(|href=")#([^)"]+)')

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "path.simplify": False,
}


@contextmanager
def svg_settings(name: str) -> Iterator[None]:
    """The report's matplotlib settings, with SVG ids salted by ``name`` (see the module doc)."""
    import matplotlib

    settings: Any = {**_RC, "svg.hashsalt": f"scheduler-{name}"}  # rc keys are typed literals
    with matplotlib.rc_context(settings):
        yield


@contextmanager
def new_figure(name: str, width: float, height: float) -> Iterator[Any]:
    """A matplotlib ``Figure`` of ``width`` x ``height`` inches with the report's settings; ``name``
    salts its SVG ids (see the module doc). Use with :func:`chart_svg` inside the block."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with svg_settings(name):
        figure = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasSVG(figure)
        yield figure


def chart_svg(figure: Any, name: str, title: str) -> str:
    """The figure as an ``<svg>`` element (no XML prolog), labelled ``title`` for screen readers.
    Every id in it (and every reference to one) is prefixed with ``name``, so the ids of several
    charts on one page never collide."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = _ID.sub(lambda m: f'{m.group(1)}="{name}-{m.group(2)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}#{name}-{m.group(2)}", text)
    attrs = f'<svg role="img" aria-label="{_attr(title)}" class="chart"'
    return attrs + text[len("<svg") :]


def _attr(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def fy_axis(ax: Any, first: int, last: int, fy_start: int, label_every: int = 1) -> None:
    """An x axis of months ``first .. last`` (ordinals; a month spans ``[m, m + 1)``): a gridline
    at the start of every financial year and the year's label (``2023-24``) under its middle."""
    years = range(fiscal_year(first, fy_start), fiscal_year(last, fy_start) + 1)
    starts = [fy_months(year, fy_start)[0] for year in years]
    ax.set_xlim(first, last + 1)
    ax.set_xticks([s for s in starts if first <= s <= last + 1])
    ax.set_xticklabels([])
    ax.tick_params(axis="x", length=4)
    middles = [
        (max(s, first) + min(s + 12, last + 1)) / 2
        for s in starts
        if min(s + 12, last + 1) - max(s, first) >= 4
    ]
    labels = [fy_label(fiscal_year(round(m - 0.5), fy_start), fy_start) for m in middles]
    ax.set_xticks(middles, minor=True)
    ax.set_xticklabels(
        [lab if i % label_every == 0 else "" for i, lab in enumerate(labels)], minor=True
    )
    ax.tick_params(axis="x", which="minor", length=0, labelsize=8)
    ax.grid(True, axis="x", which="major", color="#bbbbbb", linewidth=0.6)
    ax.set_axisbelow(True)


def month_formatter() -> Callable[[float, Any], str]:
    """A tick formatter showing month ordinals as ``YYYY-MM``."""
    return lambda value, _pos: month_label(round(value))
