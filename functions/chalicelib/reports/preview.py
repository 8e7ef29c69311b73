"""The report as a recipient would get it if it were sent now, for organisers to check first:
the exact email (subject, text and HTML parts) built by the same code that sends it, but with
no link issued (its personal links are placeholders)."""

from __future__ import annotations

from typing import Any

from chalicelib.core import mail
from chalicelib.core.errors import NotFound
from chalicelib.events import service as events
from chalicelib.reports import content, delivery


def preview_report(event_id: str, organiser: str) -> dict[str, Any]:
    """The report email built now for `organiser`; raises NotFound for an unknown event."""
    event = events.get_event(event_id)
    if event is None:
        raise NotFound("event")
    html, text = content.render_report(event)
    email = delivery.report_email(event, html, text, organiser, vote_topics=content.vote_topics(event_id),
                                  preview=True)
    message = mail.build(email)
    parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    return {"to": email.to, "subject": str(message["Subject"]), "text": parts["text/plain"], "html": parts["text/html"],
            "headers": {"List-Unsubscribe": str(message["List-Unsubscribe"]),
                        "List-Unsubscribe-Post": str(message["List-Unsubscribe-Post"])}}
