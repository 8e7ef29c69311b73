"""Publishes domain events to the EventBridge bus; consumers receive them through SQS."""

from __future__ import annotations

import json
from collections.abc import Sequence

from chalicelib.core import aws
from chalicelib.core.domain_events import DomainEvent
from chalicelib.core.settings import get_settings

SOURCE = "clubflow"


class PublishError(RuntimeError):
    """EventBridge refused an entry; the caller's request should fail rather than lose it."""


def publish(detail_type: str, detail: DomainEvent) -> None:
    """Put one domain event on the bus (its detail is the TypedDict named `detail_type`)."""
    publish_many([(detail_type, detail)])


def publish_many(entries: Sequence[tuple[str, DomainEvent]]) -> None:
    """Put domain events on the bus in batches of ten (the PutEvents limit)."""
    bus = get_settings().bus_name
    for start in range(0, len(entries), 10):
        batch = [
            {
                "Source": SOURCE,
                "DetailType": detail_type,
                "Detail": json.dumps(detail, separators=(",", ":"), default=str),
                "EventBusName": bus,
            }
            for detail_type, detail in entries[start : start + 10]
        ]
        response = aws.events().put_events(Entries=batch)
        if response.get("FailedEntryCount"):
            raise PublishError(f"EventBridge refused {response['FailedEntryCount']} event(s)")
