"""Every email sent through (moto's) SES, parsed back from the raw MIME the app sent.

moto keeps each raw SES v2 message whole in memory; the local stack and the tests read them here
(in-process), so what they check is exactly what a recipient would receive.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends


def _backend(region: str) -> Any:
    return ses_backends[DEFAULT_ACCOUNT_ID][region]


def parse(message_id: str, raw: str | bytes, destinations: list[str]) -> dict[str, Any]:
    data = raw.encode() if isinstance(raw, str) else raw
    mime: EmailMessage = email.message_from_bytes(data, policy=email.policy.default)
    text_part = mime.get_body(preferencelist=("plain",))
    html_part = mime.get_body(preferencelist=("html",))
    attachments = [
        {
            "filename": part.get_filename() or "",
            "content_type": part.get_content_type(),
            "content": part.get_content() if part.get_content_maintype() == "text" else None,
        }
        for part in mime.iter_attachments()
    ]
    date = mime.get("Date")
    return {
        "id": message_id,
        "from": str(mime.get("From", "")),
        # moto lists a raw message's recipient twice; keep each once, in order.
        "to": list(dict.fromkeys(destinations or [str(mime.get("To", ""))])),
        "subject": str(mime.get("Subject", "")),
        "text": text_part.get_content() if text_part else "",
        "html": html_part.get_content() if html_part else "",
        "headers": {name: str(value) for name, value in mime.items()},
        "attachments": attachments,
        "sent_at": parsedate_to_datetime(date).isoformat() if date else None,
    }


def messages(region: str = "eu-west-2") -> list[dict[str, Any]]:
    """All sent emails, newest first."""
    sent = [m for m in _backend(region).sent_messages if hasattr(m, "raw_data")]
    return [parse(m.id, m.raw_data, list(m.destinations)) for m in reversed(sent)]


def messages_to(address: str, region: str = "eu-west-2") -> list[dict[str, Any]]:
    wanted = address.lower()
    return [m for m in messages(region) if any(wanted in to.lower() for to in m["to"])]


def clear(region: str = "eu-west-2") -> None:
    _backend(region).sent_messages.clear()
