"""Reading an announcement request: the event, and optionally a subject and an organiser's note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.validation import Form

FIELDS = {"event_id", "subject", "markdown"}
MAX_SUBJECT = 150
MAX_NOTE = 5000


@dataclass(frozen=True)
class AnnouncementRequest:
    event_id: str
    subject: str
    markdown: str


def read_announcement(data: dict[str, Any]) -> tuple[AnnouncementRequest | None, dict[str, str]]:
    form = Form(data)
    form.unknown(FIELDS)
    event_id = form.line("event_id", "the event", max_len=100)
    subject = form.line("subject", "a subject", max_len=MAX_SUBJECT, required=False)
    note = form.paragraphs("markdown", "the note", max_len=MAX_NOTE)
    if not form.ok or event_id is None:
        return None, form.errors
    return AnnouncementRequest(event_id=event_id, subject=subject or "", markdown=note or ""), {}
