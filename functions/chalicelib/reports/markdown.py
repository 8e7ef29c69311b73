"""The report's editorial sections: CommonMark (markdown-it-py) as email-ready HTML and as
readable plain text.

Raw HTML is off (pasted markup is shown as the text it is), links go only to http, https and
mailto addresses, and tables are on. The HTML carries its styles inline, because email clients
drop style sheets; the web version shows the same HTML. The plain-text part is built from the
same parse: lists indented, quotes prefixed with "> ", links spelled out, no Markdown markers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from markdown_it.tree import SyntaxTreeNode

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_CELL = "border:1px solid #e3ddd3;padding:6px 8px;vertical-align:top;word-break:break-word;"
# Inline styles per opening tag; nested lists sit closer to their item than top-level ones.
_STYLES = {
    "paragraph_open": "margin:0 0 16px;",
    "heading_open": "margin:16px 0 8px;",
    "bullet_list_open": "margin:0 0 16px;padding-left:24px;",
    "ordered_list_open": "margin:0 0 16px;padding-left:24px;",
    "blockquote_open": "margin:0 0 16px;padding:4px 0 4px 16px;border-left:4px solid #c9b49a;color:#3d4556;",
    "link_open": "color:#6b3f1d;",
    "table_open": "border-collapse:collapse;margin:0 0 16px;width:100%;font-size:15px;",
    "th_open": _CELL + "text-align:left;background:#f4efe8;",
    "td_open": _CELL,
    "code_inline": "font-family:monospace;background:#f4efe8;padding:0 3px;",
    "code_block": "font-family:monospace;background:#f4efe8;padding:8px;white-space:pre-wrap;margin:0 0 16px;",
    "fence": "font-family:monospace;background:#f4efe8;padding:8px;white-space:pre-wrap;margin:0 0 16px;",
    "hr": "border:0;border-top:1px solid #e3ddd3;margin:16px 0;",
}
_NESTED_LIST = "margin:4px 0;padding-left:24px;"
_LAST_IN_QUOTE = "margin:0;"


def _safe_link(url: str) -> bool:
    # Anything else (javascript:, data:, relative paths) stays visible text, never a link.
    return url.strip().lower().startswith(_SAFE_SCHEMES)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Imported here: only the report's build and its tests need the parser, not every cold start.
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")
    parser.validateLink = _safe_link  # type: ignore[method-assign]
    # A line break inside a paragraph is a space, as a reader sees it.
    parser.add_render_rule("softbreak", lambda *_: " ")
    return parser


def _styled(tokens: list[Token]) -> list[Token]:
    list_depth = quote_depth = 0
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        if token.type in ("heading_open", "heading_close"):
            # The section's own title is an h2, so its headings start one level below.
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
        style = _STYLES.get(token.type)
        if token.type in ("bullet_list_open", "ordered_list_open") and list_depth > 1:
            style = _NESTED_LIST
        elif (token.type == "paragraph_open" and quote_depth
              and index + 3 < len(tokens) and tokens[index + 3].type == "blockquote_close"):
            style = _LAST_IN_QUOTE
        if style:
            # Keep what the parser set (a table column's text-align) after our own style.
            token.attrSet("style", style + str(token.attrGet("style") or ""))
        if token.children:
            _styled(token.children)  # links and code inside a paragraph
    return tokens


def to_html(source: str) -> Markup:
    """Markdown to HTML that is safe to put in a page or an email as it is."""
    parser = _parser()
    tokens = _styled(parser.parse(source))
    html = parser.renderer.render(tokens, parser.options, {})
    # Safe by construction: raw HTML is off, so every piece of the source was escaped.
    return Markup(html.strip())  # noqa: S704


# --- the plain-text part ---------------------------------------------------------------------


def to_text(source: str) -> str:
    """Markdown as plain text: paragraphs, indented lists, quoted lines and spelled-out links."""
    from markdown_it.tree import SyntaxTreeNode

    root = SyntaxTreeNode(_parser().parse(source))
    return "\n\n".join(_block(child) for child in root.children).strip()


def _block(node: SyntaxTreeNode) -> str:
    kind = node.type
    if kind in ("paragraph", "heading"):
        return _inline(node)
    if kind in ("bullet_list", "ordered_list"):
        return _list(node)
    if kind == "blockquote":
        inner = "\n\n".join(_block(child) for child in node.children)
        return "\n".join(f"> {line}".rstrip() for line in inner.split("\n"))
    if kind in ("code_block", "fence"):
        return "\n".join(f"    {line}" for line in node.content.rstrip("\n").split("\n"))
    if kind == "table":
        return _table(node)
    if kind == "hr":
        return "----"
    return "\n\n".join(_block(child) for child in node.children)


def _list(node: SyntaxTreeNode) -> str:
    start = int(str(node.attrs.get("start", 1)))
    tight = all(child.hidden for item in node.children for child in item.children if child.type == "paragraph")
    items = []
    for number, item in enumerate(node.children, start=start):
        marker = f"{number}. " if node.type == "ordered_list" else "- "
        body = ("\n" if tight else "\n\n").join(_block(child) for child in item.children)
        lines = body.split("\n")
        indent = " " * len(marker)
        items.append("\n".join([marker + lines[0]] + [indent + line if line else "" for line in lines[1:]]))
    return ("\n" if tight else "\n\n").join(items)


def _table(node: SyntaxTreeNode) -> str:
    rows = [[_inline(cell) for cell in row.children]
            for part in node.children for row in part.children]
    widths = [max(len(row[column]) for row in rows if column < len(row)) for column in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def _inline(node: SyntaxTreeNode) -> str:
    parts: list[str] = []
    for child in node.children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "link":
            label, href = _inline(child), str(child.attrs.get("href", ""))
            shown = href.removeprefix("mailto:")
            parts.append(label if label in (href, shown) else f"{label} ({shown})")
        else:  # emphasis, strong, the inline wrapper of a block: their text alone
            parts.append(_inline(child))
    return "".join(parts)
