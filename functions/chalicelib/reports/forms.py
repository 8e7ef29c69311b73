"""Reading an organiser's report sections and run requests, naming each bad field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.core.text import one_line, paragraphs
from chalicelib.core.validation import Form

MAX_SECTIONS = 20
MAX_TITLE = 200
MAX_MARKDOWN = 20_000
MAX_IDEMPOTENCY_KEY = 128
REPORT_FIELDS = {"sections"}
SECTION_FIELDS = {"title", "markdown"}
RUN_FIELDS = {"dry_run", "test_recipient"}


@dataclass(frozen=True)
class Section:
    title: str
    markdown: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "markdown": self.markdown}


@dataclass(frozen=True)
class RunRequest:
    dry_run: bool
    test_recipient: str | None


def read_sections(data: dict[str, Any]) -> tuple[list[Section] | None, dict[str, str]]:
    """The report's editorial sections in order, or a message per bad field
    (`sections[2].title`)."""
    form = Form(data)
    form.unknown(REPORT_FIELDS)
    raw = data.get("sections")
    if not isinstance(raw, list):
        form.error("sections", 'Send "sections" as a list of {"title", "markdown"} objects (it may be empty).')
        return None, form.errors
    if len(raw) > MAX_SECTIONS:
        form.error("sections", f"A report holds at most {MAX_SECTIONS} sections; merge or drop some.")
        return None, form.errors
    sections: list[Section] = []
    for index, item in enumerate(raw):
        name = f"sections[{index}]"
        if not isinstance(item, dict):
            form.error(name, 'Each section is an object with "title" and "markdown".')
            continue
        for extra in sorted(set(item) - SECTION_FIELDS):
            form.error(f"{name}.{extra}", f"'{extra}' is not a section field; use title and markdown.")
        title = _text(form, item.get("title"), f"{name}.title", "a title for this section", MAX_TITLE, one_line)
        markdown = _text(form, item.get("markdown"), f"{name}.markdown", "the text of this section",
                         MAX_MARKDOWN, paragraphs)
        if title is not None and markdown is not None:
            sections.append(Section(title, markdown))
    return (sections, {}) if form.ok else (None, form.errors)


def _text(form: Form, raw: Any, name: str, label: str, max_len: int,
          clean: Callable[[str], str]) -> str | None:
    if not isinstance(raw, str) or not clean(raw):
        form.error(name, f"Enter {label}." if raw in (None, "") or isinstance(raw, str)
                   else f"Give {label} as text.")
        return None
    value = clean(raw)
    if len(value) > max_len:
        form.error(name, f"Keep {label} to {max_len} characters or fewer (it has {len(value)}).")
        return None
    return value


def read_run_request(data: dict[str, Any]) -> tuple[RunRequest | None, dict[str, str]]:
    form = Form(data)
    form.unknown(RUN_FIELDS)
    dry_run = form.boolean("dry_run")
    test_recipient = form.email("test_recipient", required=False)
    return (RunRequest(dry_run, test_recipient), {}) if form.ok else (None, form.errors)


def read_idempotency_key(raw: str | None) -> tuple[str | None, dict[str, str]]:
    """An optional Idempotency-Key header: the same key gives the same run, never a second."""
    if raw is None or not raw.strip():
        return None, {}
    value = raw.strip()
    if len(value) > MAX_IDEMPOTENCY_KEY or not value.isprintable():
        return None, {"Idempotency-Key": f"Use a printable key of at most {MAX_IDEMPOTENCY_KEY} characters, "
                                         "such as a UUID."}
    return value, {}
