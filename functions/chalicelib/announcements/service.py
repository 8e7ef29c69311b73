"""Announcing an event to the club's list, through the report runs' machinery (runs.py builds
and fans out in batches, delivery.py sends each batch once per person and counts it).

An announcement run is a run of kind "announcement": its audience is the confirmed subscribers
(read from their listing, never a Scan), its body the organiser's note, and its delivery marks
are kept per event rather than per run, so a second announcement of the same event reaches only
those the first did not, never anyone twice. Suppressed (bounced, complained) addresses and
those who left the list are skipped.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from chalicelib.core import clock, keys, mail, store
from chalicelib.core.domain_events import ReportRunRequested
from chalicelib.core.errors import NotFound
from chalicelib.core.settings import get_settings
from chalicelib.core.text import display_title
from chalicelib.events import service as events

KIND = "announcement"


def deliveries_of(event_id: str) -> str:
    """The one set of delivery marks every announcement run of the event shares."""
    return f"announce-{event_id}"


def start_announcement(event_id: str, subject: str, note: str, organiser: str) -> dict[str, Any]:
    from chalicelib.core import outbox
    from chalicelib.reports import runs

    event = events.get_event(event_id)
    if event is None:
        raise NotFound("event")
    run_id = secrets.token_hex(8)
    requested_at = clock.iso(clock.now())
    run: dict[str, Any] = {
        **keys.report_run(run_id), "run_id": run_id, "event_id": event_id, "kind": KIND,
        "deliveries_of": deliveries_of(event_id), "status": runs.QUEUED, "dry_run": False,
        "subject": subject or f"Coming up: {display_title(event)}", "note": note,
        "requested_by": organiser, "requested_at": requested_at,
        "recipients": 0, "sent": 0, "skipped": 0, "failed": 0, "would_send": 0,
        "batches": 0, "batches_done": 0, "built": False,
    }
    store.transact([store.put_op(run, "attribute_not_exists(pk)"), outbox.entry(runs.RUN_REQUESTED, ReportRunRequested(
        event_id=event_id, run_id=run_id, dry_run=False, requested_by=organiser, requested_at=requested_at))])
    return run


def get_announcement(run_id: str) -> dict[str, Any] | None:
    from chalicelib.reports import runs

    run = runs.get_run(run_id)
    return run if run is not None and run.get("kind") == KIND else None


def render_note(run: dict[str, Any]) -> tuple[str, str]:
    """The organiser's note as HTML (escaped, safe links only) and as text."""
    from chalicelib.reports import markdown

    note = str(run.get("note") or "")
    return (str(markdown.to_html(note)), markdown.to_text(note)) if note else ("", "")


def audience() -> Iterator[dict[str, Any]]:
    from chalicelib.subscriptions import service as subscriptions

    for member in subscriptions.subscribers():
        yield {"email": member["email"], "consent_report": True}


def skip_reason(email: str) -> str | None:
    """Why this person gets no announcement now, or None."""
    from chalicelib.reports import suppression
    from chalicelib.subscriptions import service as subscriptions

    why = suppression.suppressed_because(email)
    if why in (suppression.BOUNCED, suppression.COMPLAINED):
        return why
    return None if subscriptions.is_listed(subscriptions.subscriber(email)) else "left the list"


def announcement_email(run: dict[str, Any], event: dict[str, Any], html: str, text: str, email: str) -> mail.Email:
    from markupsafe import Markup

    from chalicelib.preferences import service as preferences

    base = get_settings().public_base_url
    choices = preferences.link(email, preferences.NEWS, event["event_id"])
    return mail.Email(
        to=email,
        subject=str(run["subject"]),
        template="announcement",
        context={"event": event, "title": display_title(event), "note_html": Markup(html),  # noqa: S704
                 "note_text": text, "register_url": f"{base}/events/{event['event_id']}",
                 "unsubscribe_url": choices},
        headers={"List-Unsubscribe": f"<{choices}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
