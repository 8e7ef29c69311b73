"""SQS consumers: each record carries one EventBridge domain event.

Records are handled one by one with Powertools' BatchProcessor, so a failing record is
reported in `batchItemFailures` and retried alone (the queue's redrive policy sends it to the
DLQ in the end), while the rest of the batch is done.

Everything a batch needs besides its handlers happens here, not in app-level middleware:
Chalice points each deployed consumer at its own module (aws/chalice#1566), so `@app.middleware`
never runs in a deployed worker. Importing this module is cheap; the batch and idempotency
machinery load on first use, so the API function that imports every worker never pays for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.core import aws, keys, pacing
from chalicelib.core.observability import count, logger
from chalicelib.core.settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from chalice.app import SQSEvent

# Chalice wants a queue for every consumer; stacks/app.yaml wires each to its real one.
PLACEHOLDER_QUEUE = "arn:aws:sqs:eu-west-2:000000000000:placeholder"
# Idempotency records outlive any redelivery from a consumer queue (SQS keeps a message 4 days).
RECORD_DAYS = 7

# Each handler takes its DetailType's TypedDict (core/domain_events.py): the detail as parsed JSON.
DomainHandler = Callable[[str, Any], None]


def consume(event: SQSEvent, handlers: Mapping[str, DomainHandler]) -> dict[str, Any]:
    """Dispatch each record's domain event by its detail-type; return partial failures.

    Each record's log lines carry its message id as the correlation id; the batch adds its
    failed records to the RecordsFailed metric. No X-Ray subsegment of our own: Lambda's active
    tracing records each invocation, and the X-Ray SDK would cost the first record ~0.4 s
    (its import alone creates two X-Ray clients).
    """
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    def handle_record(record: SQSRecord) -> None:
        envelope = json.loads(record.body)
        detail_type = envelope.get("detail-type", "")
        logger.append_keys(correlation_id=record.message_id, message_id=record.message_id,
                           detail_type=detail_type)
        handler = handlers.get(detail_type)
        if handler is None:
            # A rule routed something this consumer does not know: log it, do not retry forever.
            logger.warning("no handler for domain event")
            return
        try:
            handler(detail_type, envelope.get("detail", {}))
        except Exception:
            # BatchProcessor's own line (logger= below) is a WARNING; a failed send is an error.
            logger.exception("domain event failed; the record will be retried")
            raise

    raw = event.to_dict()
    if hasattr(event.context, "get_remaining_time_in_millis"):
        # Lets an in-progress idempotency record lapse with the invocation, so a crash mid-send
        # is retried from the queue instead of being blocked until the record expires.
        _config().register_lambda_context(event.context)
    pacing.start_invocation(event.context)
    # Powertools' Logger is not a logging.Logger but has the methods BatchProcessor calls.
    processor = BatchProcessor(event_type=EventType.SQS, logger=logger)  # type: ignore[arg-type]
    try:
        response = process_partial_response(
            event=raw,
            record_handler=handle_record,
            processor=processor,
            context=event.context,  # type: ignore[arg-type]  # Chalice passes Lambda's context
        )
    finally:
        # Counted also when every record failed and the whole batch raises.
        count({"RecordsFailed": len(processor.fail_messages)})
    return dict(response)


@lru_cache(maxsize=1)
def _config() -> Any:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(expires_after_seconds=RECORD_DAYS * 24 * 3600)


@lru_cache(maxsize=1)
def _persistence() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    class PerRecordPersistence(DynamoDBPersistenceLayer):
        """Each idempotency record in its own partition of the one table.

        Given a sort key, Powertools puts every record under one static partition key: one hot
        partition for every send of every worker. Its key method is the one place to change that.
        """

        def _get_key(self, idempotency_key: str) -> dict[str, Any]:
            return {name: {"S": value} for name, value in keys.idempotency_record(idempotency_key).items()}

    # Built on first use with our own (lazily created) client, so moto and the local stack
    # intercept it.
    return PerRecordPersistence(
        table_name=get_settings().table_name,
        key_attr="pk",
        sort_key_attr="sk",
        expiry_attr=keys.TTL_ATTRIBUTE,
        boto3_client=aws.dynamodb(),
    )


def once(name: str, payload: dict[str, Any], action: Callable[[dict[str, Any]], Any]) -> Any:
    """Run `action(payload)` once for this (name, payload), however often it is redelivered.

    The record's key is `name` (Powertools' key_prefix) and a hash of `payload`.
    """
    from aws_lambda_powertools.utilities.idempotency import idempotent_function

    def run(payload: dict[str, Any]) -> Any:
        return action(payload)

    guarded = idempotent_function(
        data_keyword_argument="payload", persistence_store=_persistence(), config=_config(),
        key_prefix=name,
    )(run)
    return guarded(payload=payload)


def reset() -> None:
    _persistence.cache_clear()
    _config.cache_clear()
    pacing.reset()
