"""The event pump: what Lambda's SQS event source mapping and EventBridge Scheduler do in AWS.

It receives from each consumer's queue and invokes the same Chalice handler with a real SQS
event shape (one distinct messageId per record), deletes what succeeded, and leaves reported
failures on the queue for redelivery (the queue's redrive policy moves them to the DLQ in the
end). It also fires Scheduler `at(...)` schedules that are due, as Scheduler would, and hands
the table's new stream records to the outbox relay, as Lambda's DynamoDB event source would.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
from chalice import Chalice
from chalice.app import DynamoDBEventConfig, SQSEventConfig
from chalice.utils import to_cfn_resource_name

from clubflow.dev.resources import Deployed

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import DeleteMessageBatchRequestEntryTypeDef

BATCH_SIZE = 10

log = logging.getLogger("clubflow.dev.pump")


class LocalContext:
    """Enough of a Lambda context for Powertools (idempotency, logging)."""

    def __init__(self, function_name: str, timeout_seconds: int = 60) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{function_name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class Consumer:
    name: str
    queue_url: str
    queue_arn: str
    batch_size: int


def consumers(app: Chalice, deployed: Deployed) -> list[Consumer]:
    """Pair each @on_sqs_message handler with its queue, as the merged template wires them."""
    sqs = boto3.client("sqs")
    found = []
    for source in app.event_sources:
        if not isinstance(source, SQSEventConfig):
            continue
        queue_logical = deployed.consumers.get(to_cfn_resource_name(source.name))
        if queue_logical is None:
            raise RuntimeError(
                f"{source.name} has no queue in stacks/app.yaml "
                f"(expected Resources.{to_cfn_resource_name(source.name)}.Properties.Events)"
            )
        url = deployed.queue_urls[queue_logical]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        found.append(Consumer(source.name, url, arn, min(source.batch_size or 1, BATCH_SIZE)))
    return found


def _sqs_event(messages: list[Any], queue_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3],
            }
            for message in messages
        ]
    }


def _stream_shard(table_name: str) -> Any:
    """The table's stream in moto's in-process backend (moto's DescribeStream is not served over
    HTTP; the local stack's moto runs in this process). Looked up each time: a transaction that
    fails puts back a copy of the whole table, stream included."""
    from moto.backends import get_backend
    from moto.core import DEFAULT_ACCOUNT_ID

    region = boto3.session.Session().region_name or "eu-west-2"
    table = get_backend("dynamodb")[DEFAULT_ACCOUNT_ID][region].tables.get(table_name)
    return None if table is None else table.stream_shard


def _stream_event(records: list[Any], table_name: str) -> dict[str, Any]:
    """A Lambda DynamoDB stream event from moto's stream records."""
    shard_records = []
    for record in records:
        raw = dict(record.record)
        dynamodb = dict(raw["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            dynamodb["ApproximateCreationDateTime"] = created.replace(tzinfo=created.tzinfo or UTC).timestamp()
        raw["dynamodb"] = dynamodb
        raw["eventSourceARN"] = f"arn:aws:dynamodb:local:000000000000:table/{table_name}/stream/local"
        shard_records.append(raw)
    return {"Records": shard_records}


class Pump:
    def __init__(self, app: Chalice, deployed: Deployed) -> None:
        self.app = app
        self.deployed = deployed
        self.consumers = consumers(app, deployed)
        self.relays = [source for source in app.event_sources if isinstance(source, DynamoDBEventConfig)]
        self.sqs = boto3.client("sqs")
        self.delivered = 0
        self.failed = 0

    def deliver_once(self, consumer: Consumer) -> int:
        """One receive-and-invoke round on one queue; return how many messages were handled."""
        response = self.sqs.receive_message(
            QueueUrl=consumer.queue_url,
            MaxNumberOfMessages=consumer.batch_size,
            AttributeNames=["All"],
            WaitTimeSeconds=0,
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        event = _sqs_event(messages, consumer.queue_arn)
        handler = self.app.handler_map[consumer.name]
        try:
            result = handler(event, LocalContext(consumer.name)) or {}
            failed_ids = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        except Exception:
            # As Lambda would: the whole batch goes back, and the reason reaches the log.
            log.exception("%s failed its whole batch of %d", consumer.name, len(messages))
            failed_ids = {m["MessageId"] for m in messages}
        done: list[DeleteMessageBatchRequestEntryTypeDef] = []
        for message in messages:
            if message["MessageId"] in failed_ids:
                # Make it visible again now rather than after the visibility timeout, so a
                # drain retries it (and the redrive policy counts the receive).
                self.sqs.change_message_visibility(
                    QueueUrl=consumer.queue_url, ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=0,
                )
                self.failed += 1
            else:
                done.append({"Id": str(len(done)), "ReceiptHandle": message["ReceiptHandle"]})
        if done:
            # As Lambda's event source mapping: what succeeded is deleted in one request.
            self.sqs.delete_message_batch(QueueUrl=consumer.queue_url, Entries=done)
            self.delivered += len(done)
        return len(messages)

    def deliver_all(self, consumer: Consumer) -> int:
        """Deliver from one queue while it gives full batches that all succeed (a busy queue is
        not polled once per round of every queue); failures wait for the next round."""
        handled = 0
        while True:
            failed = self.failed
            got = self.deliver_once(consumer)
            handled += got
            if got < consumer.batch_size or self.failed != failed:
                return handled

    def relay_outbox(self) -> int:
        """Hand the table's new stream records to each stream handler (the outbox relay), in
        order; return how many were handled. Records stay until a handler takes them all, so a
        failed relay (e.g. the bus refused) is tried again by the next round."""
        table_name = self.deployed.environment.get("TABLE_NAME", "")
        shard = _stream_shard(table_name)
        if shard is None or not self.relays:
            return 0
        records = list(shard.items[: max(source.batch_size for source in self.relays)])
        if not records:
            return 0
        event = _stream_event(records, table_name)
        for source in self.relays:
            try:
                self.app.handler_map[source.name](event, LocalContext(source.name))
            except Exception:
                log.exception("%s failed a batch of %d stream records; it will be retried", source.name, len(records))
                return 0
        shard = _stream_shard(table_name)
        if shard is not None and all(a is b for a, b in zip(shard.items[: len(records)], records, strict=True)):
            # One slice deletion: records the server appends meanwhile stay.
            del shard.items[: len(records)]
        return len(records)

    def relay_all(self, max_batches: int = 100) -> int:
        """Relay the stream until it is caught up (as Lambda's stream poller keeps up with it),
        up to `max_batches` batches, rather than one batch per round: a round polls every queue,
        and a run's writes fill the stream with records that are not outbox entries (1,000
        recipients: 45 rounds, 500 receives from empty queues). Stops at a failed or short batch."""
        full = max((source.batch_size for source in self.relays), default=0)
        relayed = 0
        for _ in range(max_batches):
            got = self.relay_outbox()
            relayed += got
            if not got or got < full:
                break
        return relayed

    def fire_due_schedules(self, now: datetime | None = None) -> int:
        """Fire every `at(...)` schedule due by `now` (default: the real time)."""
        moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
        scheduler = boto3.client("scheduler")
        events = boto3.client("events")
        fired = 0
        groups = [g["Name"] for g in scheduler.list_schedule_groups().get("ScheduleGroups", [])] or ["default"]
        for group in groups:
            for summary in scheduler.list_schedules(GroupName=group).get("Schedules", []):
                schedule = scheduler.get_schedule(Name=summary["Name"], GroupName=group)
                expression = schedule.get("ScheduleExpression", "")
                if not expression.startswith("at(") or schedule.get("State") == "DISABLED":
                    continue
                due = datetime.fromisoformat(expression[3:-1])
                if due > moment:
                    continue
                target = schedule["Target"]
                params = target.get("EventBridgeParameters", {})
                events.put_events(Entries=[{
                    "Source": params.get("Source", "clubflow"),
                    "DetailType": params.get("DetailType", "ScheduledEvent"),
                    "Detail": target.get("Input", "{}"),
                    "EventBusName": target["Arn"].split("/")[-1],
                }])
                fired += 1
                if schedule.get("ActionAfterCompletion") == "DELETE":
                    scheduler.delete_schedule(Name=summary["Name"], GroupName=group)
                else:
                    scheduler.update_schedule(
                        Name=summary["Name"], GroupName=group,
                        ScheduleExpression=expression, FlexibleTimeWindow=schedule["FlexibleTimeWindow"],
                        Target=target, State="DISABLED",
                    )
        return fired

    def drain(self, now: datetime | None = None, max_rounds: int = 10_000) -> int:
        """Fire due schedules, then deliver until every queue is empty; return messages handled.

        A message that keeps failing is retried until the redrive policy moves it to its DLQ,
        so this always ends.
        """
        handled = 0
        self.fire_due_schedules(now)
        for _ in range(max_rounds):
            progress = self.relay_all()
            progress += sum(self.deliver_all(consumer) for consumer in self.consumers)
            handled += progress
            if progress == 0:
                return handled
        raise RuntimeError("event pump did not settle")


def messages_in(deployed: Deployed, logical_queue: str) -> list[dict[str, Any]]:
    """Peek at a queue (e.g. a DLQ) without consuming: receive with zero visibility."""
    sqs = boto3.client("sqs")
    response = sqs.receive_message(QueueUrl=deployed.queue_urls[logical_queue],
                                   MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [json.loads(m["Body"]) for m in response.get("Messages", [])]
