"""The transactional outbox: a change that must reach someone is stored together with its domain
event, and the table's stream carries that event to the bus.

A service adds `entry(detail_type, detail)` to the transaction that makes the change, so the
change and its event are stored together or not at all; the API answers once both are stored.
DynamoDB Streams hands the key of every new entry to `relay_outbox` (the local stack's pump
reads moto's stream the same way), which puts the entry on the bus and then deletes it: at least
once, and once only unless it crashes between the two. Consumers are idempotent per domain event
besides, so that repeat changes nothing twice. An entry that is never relayed (say the stream
lost it) expires with the table's TTL.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.core import bus, clock, keys, store
from chalicelib.core.domain_events import DomainEvent
from chalicelib.core.observability import logger

if TYPE_CHECKING:
    from chalice.app import DynamoDBEvent

# Chalice wants a stream for the relay; stacks/app.yaml wires it to the table's own.
PLACEHOLDER_STREAM = "arn:aws:dynamodb:eu-west-2:000000000000:table/placeholder/stream/2026-01-01T00:00:00.000"
# The stream keeps a record 24 hours, and retries a failed batch until it leaves the stream.
ENTRY_DAYS = 3

blueprint = Blueprint(__name__)


def entry(detail_type: str, detail: DomainEvent | Mapping[str, Any]) -> store.Operation:
    """A transaction item that stores this domain event for the relay to put on the bus."""
    entry_id = secrets.token_hex(16)
    return store.put_op({
        **keys.outbox_entry(entry_id),
        "entry_id": entry_id,
        "detail_type": detail_type,
        # As it will go on the bus: the JSON text, so no value changes type in the table.
        "detail": json.dumps(detail, separators=(",", ":"), default=str),
        keys.TTL_ATTRIBUTE: int(clock.now().timestamp()) + ENTRY_DAYS * 24 * 3600,
    })


def put(detail_type: str, detail: DomainEvent | Mapping[str, Any]) -> None:
    """Store a domain event that goes with no other change (a request to be emailed a link)."""
    (_, spec), = entry(detail_type, detail).items()
    store.put(spec["Item"])


def new_entries(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """The ids of the outbox entries a batch of stream records inserted, in stream order (other
    changes to the table, and the entries' own removal, pass by)."""
    found = []
    for record in records:
        pk = ((record.get("dynamodb") or {}).get("Keys") or {}).get("pk", {}).get("S", "")
        if record.get("eventName") == "INSERT" and pk.startswith(keys.OUTBOX_PREFIX):
            found.append(pk.removeprefix(keys.OUTBOX_PREFIX))
    return found


def relay(records: Iterable[Mapping[str, Any]]) -> int:
    """Put the batch's new outbox entries on the bus in order, ten at a time, deleting each ten
    once put; return how many this call put.

    An entry that is gone was relayed before (the batch is being redelivered) and is not put
    again. Raises at the first ten the bus refuses, so the stream's retry of the batch keeps
    the entries' order.
    """
    ids = new_entries(records)
    stored = {item["entry_id"]: item for item in store.get_many([keys.outbox_entry(i) for i in ids])} if ids else {}
    pending = [stored[entry_id] for entry_id in ids if entry_id in stored]
    for start in range(0, len(pending), 10):
        ten = pending[start:start + 10]
        bus.publish_many([(item["detail_type"], json.loads(item["detail"])) for item in ten])
        # A crash before this line puts these again on the retry; consumers are idempotent per event.
        store.delete_many([keys.primary_key(item) for item in ten])
    return len(pending)


@blueprint.on_dynamodb_record(stream_arn=PLACEHOLDER_STREAM, name="relay_outbox", batch_size=100,
                              starting_position="TRIM_HORIZON")
def relay_outbox(event: DynamoDBEvent) -> None:
    # Deployed, this handler runs without the app's middleware (aws/chalice#1566): it sets its
    # own correlation id (the batch's first stream record) and logs its own failure.
    batch = list(event)
    logger.set_correlation_id(batch[0].event_id if batch else None)
    records = [{"eventName": record.event_name, "dynamodb": {"Keys": record.keys}} for record in batch]
    try:
        count = relay(records)
    except Exception:
        logger.exception("outbox relay failed: the stream retries the batch", extra={"records": len(records)})
        raise
    logger.info("outbox relayed", extra={"records": len(records), "entries": count})
