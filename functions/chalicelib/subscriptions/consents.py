"""Counts per purpose of email, for the organisers: news of future events (the club's list), and
an event's summary report (who asked for it at registration, and who has refused reports since)."""

from __future__ import annotations

from typing import Any

from chalicelib.core import keys, store
from chalicelib.events import service as events
from chalicelib.reports import suppression
from chalicelib.subscriptions import service as subscriptions


def counts(event_id: str = "") -> dict[str, Any] | None:
    """None for an unknown event."""
    answer: dict[str, Any] = {"news": subscriptions.counts()}
    if event_id:
        if events.get_event(event_id) is None:
            return None
        asked = refused = 0
        for item in store.query(keys.event_prefix_pk(event_id), sk_prefix=keys.REGISTRATION_PREFIX):
            if item.get("consent_report") and item.get("email"):
                asked += 1
                refused += suppression.is_suppressed(str(item["email"]))
        answer["reports"] = {"event_id": event_id, "asked": asked, "refused": refused, "would_receive": asked - refused}
    return answer
