"""Reading topic suggestions and votes, and the hidden field that turns form robots away."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.form_guard import HONEYPOT, filled_honeypot, read_email_request
from chalicelib.core.validation import Form

SUGGESTION_FIELDS = {"title", "description", "email", HONEYPOT}
MAX_TITLE = 120
MAX_DESCRIPTION = 1000


@dataclass(frozen=True)
class TopicSuggestion:
    title: str
    description: str
    email: str
    # The hidden "website" field: people never see it, form-filling robots do.
    by_robot: bool


# A vote asks only for the voter's address (its link is emailed there).
read_vote = read_email_request


def read_suggestion(data: dict[str, Any]) -> tuple[TopicSuggestion | None, Form]:
    """A title (one line), an optional description and the suggester's email."""
    form = Form(data)
    form.unknown(SUGGESTION_FIELDS)
    title = form.line("title", "the topic", max_len=MAX_TITLE)
    description = form.paragraphs("description", "a description", max_len=MAX_DESCRIPTION)
    email = form.email()
    form.values.pop(HONEYPOT, None)
    if not form.ok or title is None or email is None:
        return None, form
    return TopicSuggestion(
        title=title,
        description=description or "",
        email=email,
        by_robot=filled_honeypot(data),
    ), form


# --- organisers: merge and choose ---------------------------------------------------------------

MERGE_FIELDS = {"into"}
CHOICE_FIELDS = {"chosen"}


def read_merge(data: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """The id of the topic a duplicate is merged into."""
    form = Form(data)
    form.unknown(MERGE_FIELDS)
    into = form.line("into", "the id of the topic to merge into", max_len=64)
    if not form.ok or into is None:
        return None, form.errors
    return into, {}


def read_choice(data: dict[str, Any]) -> tuple[bool | None, dict[str, str]]:
    """Whether the topic is chosen (left out: chosen)."""
    form = Form(data)
    form.unknown(CHOICE_FIELDS)
    chosen = form.boolean("chosen") if "chosen" in data else True
    if not form.ok:
        return None, form.errors
    return chosen, {}
