"""SQS consumers: each record carries one EventBridge domain event.

Records are handled one by one with Powertools' BatchProcessor, so a failing record is
reported in `batchItemFailures` and retried alone (the queue's redrive policy sends it to the
DLQ in the end), while the rest of the batch is done.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice.app import SQSEvent

from chalicelib.core import aws, keys
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings

# Each handler takes its DetailType's TypedDict (core/domain_events.py): the detail as parsed JSON.
DomainHandler = Callable[[str, Any], None]


def consume(event: SQSEvent, handlers: Mapping[str, DomainHandler]) -> dict[str, Any]:
    """Dispatch each record's domain event by its detail-type; return partial failures."""

    def handle_record(record: SQSRecord) -> None:
        envelope = json.loads(record.body)
        detail_type = envelope.get("detail-type", "")
        handler = handlers.get(detail_type)
        if handler is None:
            # A rule routed something this consumer does not know: log it, do not retry forever.
            logger.warning("no handler for domain event", extra={"detail_type": detail_type})
            return
        logger.append_keys(message_id=record.message_id, detail_type=detail_type)
        handler(detail_type, envelope.get("detail", {}))

    if hasattr(event.context, "get_remaining_time_in_millis"):
        # Lets an in-progress idempotency record lapse with the invocation, so a crash mid-send
        # is retried from the queue instead of being blocked until the record expires.
        _config().register_lambda_context(event.context)
    response = process_partial_response(
        event=event.to_dict(),
        record_handler=handle_record,
        processor=BatchProcessor(event_type=EventType.SQS),
        context=event.context,  # type: ignore[arg-type]  # Chalice passes Lambda's context object
    )
    return dict(response)


@lru_cache(maxsize=1)
def _config() -> Any:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(expires_after_seconds=7 * 24 * 3600)


@lru_cache(maxsize=1)
def _persistence() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    # Built on first use with our own (lazily created) client, so moto and the local stack
    # intercept it; records live in the one table under their own partition.
    return DynamoDBPersistenceLayer(
        table_name=get_settings().table_name,
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=f"{keys.IDEMPOTENCY_PK_PREFIX}clubflow",
        expiry_attr=keys.TTL_ATTRIBUTE,
        boto3_client=aws.dynamodb(),
    )


def once(name: str, payload: dict[str, Any], action: Callable[[dict[str, Any]], Any]) -> Any:
    """Run `action(payload)` once for this (name, payload), however often it is redelivered."""
    from aws_lambda_powertools.utilities.idempotency import idempotent_function

    def run(payload: dict[str, Any]) -> Any:
        return action(payload)

    # Powertools keys records by module and qualified name: give each action its own.
    run.__name__ = run.__qualname__ = name
    guarded = idempotent_function(
        data_keyword_argument="payload", persistence_store=_persistence(), config=_config()
    )(run)
    return guarded(payload=payload)


def reset() -> None:
    _persistence.cache_clear()
    _config.cache_clear()
