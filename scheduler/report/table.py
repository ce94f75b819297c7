"""Plain-text tables with aligned columns: the one helper every text report uses."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["format_table"]

_ALIGN = {"l": str.ljust, "r": str.rjust, "c": str.center}


def format_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    align: str | Sequence[str] = "",
    indent: int = 0,
    gap: int = 2,
) -> str:
    """Rows under headers, columns separated by ``gap`` spaces, every line indented by ``indent``.

    ``align`` gives one letter per column, ``l`` (default), ``r`` or ``c``. ``None`` cells print
    empty. With no ``headers`` the table has no header line and no rule; otherwise a rule of dashes
    follows the headers. Trailing spaces are removed.
    """
    width = max([len(headers), *(len(row) for row in rows)], default=0)
    cells = [[_cell(row, i) for i in range(width)] for row in rows]
    head = [_cell(headers, i) for i in range(width)] if headers else []
    sizes = [max(len(line[i]) for line in [head, *cells] if line) for i in range(width)]
    letters = [(align[i] if i < len(align) else "l") for i in range(width)]
    lines: list[str] = []
    if head:
        lines.append(_line(head, sizes, letters, gap))
        lines.append(_line(["-" * size for size in sizes], sizes, letters, gap))
    lines.extend(_line(line, sizes, letters, gap) for line in cells)
    pad = " " * indent
    return "\n".join(pad + line if line else line for line in lines)


def _cell(row: Sequence[object], index: int) -> str:
    if index >= len(row) or row[index] is None:
        return ""
    return str(row[index])


def _line(cells: Sequence[str], sizes: Sequence[int], letters: Sequence[str], gap: int) -> str:
    columns = zip(cells, sizes, letters, strict=True)
    parts = [_ALIGN[letter](cell, size) for cell, size, letter in columns]
    return (" " * gap).join(parts).rstrip()
