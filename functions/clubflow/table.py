"""Plain-text tables for organiser commands: columns as wide as their widest cell."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.core.text import one_line


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]],
                 right: Sequence[int] = ()) -> str:
    """The rows under the header, two spaces between columns; columns in `right` (numbers)
    are right-aligned."""
    # A row is one line, whatever a cell holds.
    cells = [[str(cell) for cell in header]] + [["" if c is None else one_line(str(c)) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        padded = (cell.rjust(width) if i in right else cell.ljust(width)
                  for i, (cell, width) in enumerate(zip(row, widths, strict=True)))
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines)
