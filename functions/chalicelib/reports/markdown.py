"""A small, safe Markdown for the report's editorial sections.

Organisers write paragraphs, headings, bullet and numbered lists, **bold**, *italic* and
[links](https://...). Everything else is shown as the text it is: the source is escaped first
and only these constructs become tags, so no markup an organiser pastes reaches a reader.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(.*)$")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])[*_](?![\s*_])(.+?)(?<![\s*_])[*_](?![\w*])")
_SAFE_SCHEMES = ("http://", "https://")
_LINK_STYLE = "color:#6b3f1d;"


def _emphasis(escaped: str) -> str:
    # Runs on already-escaped text: the tags added here are the only markup in the result.
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _ITALIC.sub(r"<em>\1</em>", escaped)


def inline(source: str) -> str:
    """One line of Markdown as HTML: escaped, with emphasis and http(s) links."""
    parts: list[str] = []
    last = 0
    for match in _LINK.finditer(source):
        parts.append(_emphasis(str(escape(source[last:match.start()]))))
        label, url = match.group(1), match.group(2)
        if url.lower().startswith(_SAFE_SCHEMES):
            parts.append(f'<a href="{escape(url)}" style="{_LINK_STYLE}">{_emphasis(str(escape(label)))}</a>')
        else:
            # Any other scheme (javascript:, data:) stays visible text, never a link.
            parts.append(_emphasis(str(escape(match.group(0)))))
        last = match.end()
    parts.append(_emphasis(str(escape(source[last:]))))
    return "".join(parts)


def _blocks(source: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in source.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _paragraph(lines: list[str]) -> str:
    return f'<p style="margin:0 0 16px;">{" ".join(inline(line) for line in lines)}</p>'


def _list(kind: str, items: list[str]) -> str:
    return (f'<{kind} style="margin:0 0 16px;padding-left:24px;">'
            + "".join(f"<li>{inline(item)}</li>" for item in items) + f"</{kind}>")


def _block_html(block: list[str]) -> list[str]:
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    kind = ""
    for line in block:
        heading, bullet, numbered = _HEADING.match(line), _BULLET.match(line), _NUMBERED.match(line)
        item = bullet or numbered
        wanted = "ul" if bullet else "ol"
        if (heading or item) and paragraph:
            out.append(_paragraph(paragraph))
            paragraph = []
        if items and (heading or (item and kind != wanted)):
            out.append(_list(kind, items))
            items = []
        if heading:
            # The section's own title is an h2, so its headings start one level below.
            level = min(len(heading.group(1)) + 2, 4)
            out.append(f'<h{level} style="margin:16px 0 8px;">{inline(heading.group(2))}</h{level}>')
        elif item:
            kind = wanted
            items.append(item.group(1))
        elif items:
            items[-1] += " " + line  # a line under a list item continues that item
        else:
            paragraph.append(line)
    if paragraph:
        out.append(_paragraph(paragraph))
    if items:
        out.append(_list(kind, items))
    return out


def to_html(source: str) -> Markup:
    """Markdown to HTML that is safe to put in a page or an email as it is."""
    out = [html for block in _blocks(source) for html in _block_html(block)]
    # Safe by construction: every piece of the source went through escape() above.
    return Markup("\n".join(out))  # noqa: S704


def to_text(source: str) -> str:
    """Markdown for the plain-text part: as written, with links spelled out."""
    lines: list[str] = []
    for block in _blocks(source):
        lines.extend(_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", line).replace("**", "")
                     for line in block)
        lines.append("")
    return "\n".join(lines).strip()
