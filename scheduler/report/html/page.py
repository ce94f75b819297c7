"""The HTML page around the report's sections: escaping, tables, figures and the one stylesheet.

Every string that comes from a scenario or a plan goes through :func:`esc`. The page has no script,
no external link and no font download: it opens from disk and prints on A4 landscape.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from string import Template

from scheduler.units import printable

__all__ = ["Section", "esc", "figure", "page", "table"]


def esc(value: object) -> str:
    """HTML-escaped text of ``value`` (quotes too, so it is safe in attributes), its control and
    bidirectional characters written as escapes (:func:`scheduler.units.printable`), so a name
    cannot reorder or hide what the page shows."""
    return escape(printable(str(value)), quote=True)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    numeric: Sequence[int] = (),
    caption: str = "",
    css: str = "data",
) -> str:
    """A ``<table>``; columns whose index is in ``numeric`` are right-aligned. A row whose first
    cell is ``"total"`` is set in bold."""
    right = set(numeric)
    head = "".join(
        f'<th scope="col"{" class=num" if i in right else ""}>{esc(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = "".join(
            f"<td{' class=num' if i in right else ''}>{esc(cell)}</td>"
            for i, cell in enumerate(row)
        )
        total = ' class="total"' if row and row[0] == "total" else ""
        body.append(f"<tr{total}>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<table class="{css}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def figure(svg: str, data_table: str, note: str = "") -> str:
    """A chart with its data table beside it (below it on narrow screens and in print)."""
    text = f'<p class="note">{esc(note)}</p>' if note else ""
    return (
        f'<div class="chart-block"><figure>{svg}{text}</figure>'
        f'<div class="chart-data">{data_table}</div></div>'
    )


class Section:
    """One section of the page: an anchor id, a heading and its HTML body."""

    def __init__(self, anchor: str, title: str, body: str) -> None:
        self.anchor = anchor
        self.title = title
        self.body = body

    def html(self) -> str:
        return f'<section id="{esc(self.anchor)}"><h2>{esc(self.title)}</h2>{self.body}</section>'


_PAGE = Template(
    """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="scheduler">
<title>$title</title>
<style>
$css
</style>
</head>
<body>
<header>
<h1>$title</h1>
$subtitle
<nav aria-label="sections"><ol>$nav</ol></nav>
</header>
<main>
$sections
</main>
<footer><p>$footer</p></footer>
</body>
</html>
"""
)

CSS = """\
:root { --ink: #1b1b1b; --muted: #555; --rule: #ccc; --accent: #0b4f8a; --bad: #b00020;
        --good: #1d6b2f; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "DejaVu Sans", Arial, Helvetica, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 1rem 1.5rem 2rem; max-width: 1500px; line-height: 1.4;
       font-size: 14px; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; color: var(--accent); }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .5rem; border-bottom: 2px solid var(--accent);
     padding-bottom: .15rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
p.subtitle { margin: 0; color: var(--muted); }
nav ol { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap;
         gap: .25rem 1rem; font-size: .9rem; }
nav a { color: var(--accent); }
.status { display: inline-block; padding: .1rem .6rem; border-radius: .8rem; font-weight: bold;
          color: #fff; background: var(--good); }
.status.infeasible, .status.unknown { background: var(--bad); }
.status.feasible { background: #8a5a00; }
.kpis { display: flex; flex-wrap: wrap; gap: .75rem; margin: .75rem 0; padding: 0;
        list-style: none; }
.kpis li { border: 1px solid var(--rule); border-radius: .4rem; padding: .4rem .8rem;
           min-width: 10rem; }
.kpis .value { display: block; font-size: 1.3rem; font-weight: bold; }
.kpis .label { font-size: .8rem; color: var(--muted); }
.kpis li.met { border-color: var(--good); } .kpis li.met .value { color: var(--good); }
.kpis li.missed { border-color: var(--bad); } .kpis li.missed .value { color: var(--bad); }
table.data { border-collapse: collapse; font-size: .85rem; margin: .3rem 0 .8rem; }
table.data caption { text-align: left; font-weight: bold; padding-bottom: .2rem; }
table.data th, table.data td { border-bottom: 1px solid var(--rule); padding: .15rem .5rem;
                               text-align: left; vertical-align: top; }
table.data th { background: #eef2f7; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data tr.total td { font-weight: bold; border-top: 2px solid var(--ink); }
.chart-block { display: grid; grid-template-columns: minmax(0, 1fr); gap: .5rem 1.5rem; }
.chart-block.side { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); align-items: start; }
figure { margin: 0; }
svg.chart { width: 100%; height: auto; display: block; }
.chart-data { overflow-x: auto; }
p.note { color: var(--muted); font-size: .85rem; margin: .2rem 0; }
ul.plain { margin: .3rem 0; padding-left: 1.2rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--rule); }
@media (min-width: 1100px) {
  .chart-block.side-wide { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
                           align-items: start; }
}
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  section + section { break-before: page; }
  h2, h3, caption { break-after: avoid; }
  figure, table.data, table.data tr { break-inside: avoid; }
  .chart-block.side-wide { grid-template-columns: minmax(0, 1fr); }
}
"""


def page(title: str, subtitle: str, sections: Sequence[Section], footer: str) -> str:
    """The whole document; ``subtitle`` and ``footer`` are plain text."""
    nav = "".join(f'<li><a href="#{esc(s.anchor)}">{esc(s.title)}</a></li>' for s in sections)
    return _PAGE.substitute(
        title=esc(title),
        subtitle=f'<p class="subtitle">{esc(subtitle)}</p>' if subtitle else "",
        nav=nav,
        sections="\n".join(s.html() for s in sections),
        footer=esc(footer),
        css=CSS,
    )
