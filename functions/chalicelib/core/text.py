"""Text as people typed it, made safe to show: one-line text (titles, names, venues), multi-line
text (descriptions, messages, Markdown), and an event's display title."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

EN_DASH = "\N{EN DASH}"  # the club writes "Event 48 <en dash> Communities of Practice"
# C0 and C1 control characters (line breaks and tabs among them), and Unicode's line and
# paragraph separators: none may survive in one line of text.
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# What is left of the control characters once line breaks are "\n" and tabs are spaces.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def one_line(value: str) -> str:
    """`value` on one line: line breaks, tabs and other control characters become spaces, each
    run of spaces one space, and none at either end. Titles and names travel into mail headers
    and calendar fields, where a line break ends the field."""
    return " ".join(_NOT_ONE_LINE.sub(" ", value).split())


def paragraphs(value: str) -> str:
    """Multi-line text: every kind of line break becomes "\\n", tabs become spaces (at four-column
    stops, as Markdown reads them), other control characters go, and blank space at either end."""
    lines = _LINE_BREAK.sub("\n", value).expandtabs(4)
    return _CONTROL.sub("", lines).strip()


def display_title(event: Mapping[str, Any]) -> str:
    """How the club names an event everywhere, on one line: "Event 48 <en dash> Communities of
    Practice", or the title alone for an event without a number."""
    title = one_line(str(event.get("title") or ""))
    number = event.get("number")
    return f"Event {number} {EN_DASH} {title}" if number is not None else title
