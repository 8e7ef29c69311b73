"""`clubflow dlq list|redrive`: the messages that failed, and sending them back to be handled.

Each consumer's queue keeps a message that failed five times in its dead-letter queue, and the
stack's EventDeliveryDeadLetterQueue keeps an event a rule could not deliver to its queue. Once
the cause is fixed, `redrive` moves them back: a consumer's messages to its queue, an undelivered
event to the queue its rule targets. Consumers are idempotent, so a message moved twice (the
command stopped between sending and deleting) changes nothing twice.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

from clubflow.cli import CommandError

LOCAL_STACK = "clubflow-local"  # the name `clubflow dev` gives its stack
EVENT_DELIVERY = "EventDeliveryDeadLetterQueue"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("dlq", help="list and redrive failed messages",
                                   description=__doc__.split("\n\n")[0] if __doc__ else None)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="each dead-letter queue: messages waiting, and where they go back")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_queues)
    redrive = actions.add_parser("redrive", help="move failed messages back to be handled again")
    redrive.add_argument("queue", nargs="?", metavar="QUEUE",
                         help="one dead-letter queue (its logical name, as `dlq list` shows); default: all")
    redrive.set_defaults(handler=redrive_queues)
    for action in (listing, redrive):
        target = action.add_argument_group("which deployment (default: the running `clubflow dev`)")
        target.add_argument("--stack", help="a deployed stack's name (your AWS credentials are used)")
        target.add_argument("--region", help="AWS region (default: your AWS configuration's)")


@dataclass(frozen=True)
class DeadLetters:
    name: str  # the queue's logical id in stacks/app.yaml
    url: str
    waiting: int
    source_url: str | None  # the queue it takes failures from (None: an event-delivery DLQ)


def list_queues(args: argparse.Namespace) -> int:
    queues = _dead_letter_queues(args)
    if args.json:
        print(json.dumps([{"queue": q.name, "waiting": q.waiting,
                           "back_to": _name(q.source_url) if q.source_url else "each event's rule target"}
                          for q in queues], indent=2))
        return 0
    width = max(len(q.name) for q in queues)
    for queue in queues:
        back_to = _name(queue.source_url) if queue.source_url else "each event's rule target"
        print(f"{queue.name:<{width}}  {queue.waiting:>6} waiting  -> {back_to}")
    return 0


def redrive_queues(args: argparse.Namespace) -> int:
    queues = _dead_letter_queues(args)
    if args.queue:
        queues = [q for q in queues if q.name == args.queue]
        if not queues:
            raise CommandError(f"no dead-letter queue {args.queue!r}: `clubflow dlq list` names them")
    moved = left = 0
    for queue in queues:
        done, kept = _redrive(queue)
        moved, left = moved + done, left + kept
        if done or kept:
            print(f"{queue.name}: {done} moved back" + (f", {kept} left (no queue to return to)" if kept else ""))
    print(f"{moved} message(s) moved back" + (f"; {left} left in place" if left else ""))
    return 0


def _redrive(queue: DeadLetters) -> tuple[int, int]:
    import boto3

    sqs = boto3.client("sqs")
    moved = kept = 0
    seen: set[str] = set()
    while True:
        # A message left in place comes back after this (short) visibility timeout: stop on seeing it again.
        messages = sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       VisibilityTimeout=30, MessageAttributeNames=["All"]).get("Messages", [])
        fresh = [m for m in messages if m["MessageId"] not in seen]
        if not fresh:
            return moved, kept
        for message in fresh:
            seen.add(message["MessageId"])
            target = queue.source_url or _target_queue(sqs, dict(message))
            if target is None:
                kept += 1
                continue
            sqs.send_message(QueueUrl=target, MessageBody=message["Body"])
            sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1


def _target_queue(sqs: Any, message: dict[str, Any]) -> str | None:
    """The queue an undelivered event was meant for (EventBridge names it in TARGET_ARN)."""
    arn = (message.get("MessageAttributes", {}).get("TARGET_ARN") or {}).get("StringValue", "")
    if not arn.startswith("arn:") or arn.split(":")[2] != "sqs":
        return None
    account, name = arn.split(":")[4], arn.split(":")[5]
    return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])


def _dead_letter_queues(args: argparse.Namespace) -> list[DeadLetters]:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    stack = _use_deployment(args)
    try:
        cloudformation, sqs = boto3.client("cloudformation"), boto3.client("sqs")
        queues: dict[str, str] = {}
        for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack):
            for resource in page["StackResourceSummaries"]:
                if resource["ResourceType"] == "AWS::SQS::Queue":
                    physical = resource["PhysicalResourceId"]
                    queues[resource["LogicalResourceId"]] = (
                        physical if physical.startswith("http") else sqs.get_queue_url(QueueName=physical)["QueueUrl"])
        attributes = {name: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
                      for name, url in queues.items()}
    except (BotoCoreError, ClientError) as error:
        raise CommandError(f"cannot read the queues of stack {stack}: {error}") from None
    feeds = {json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"]: queues[name]
             for name, attrs in attributes.items() if "RedrivePolicy" in attrs}
    found = [
        DeadLetters(name, queues[name], int(attrs.get("ApproximateNumberOfMessages", 0)), feeds.get(attrs["QueueArn"]))
        for name, attrs in sorted(attributes.items())
        if attrs["QueueArn"] in feeds or name == EVENT_DELIVERY
    ]
    if not found:
        raise CommandError(f"stack {stack} has no dead-letter queues: is it a clubflow stack?")
    return found


def _use_deployment(args: argparse.Namespace) -> str:
    """The stack to look at; for the local stack, point boto3 at it."""
    import os

    if args.region:
        os.environ["AWS_DEFAULT_REGION"] = args.region
    if args.stack:
        return str(args.stack)
    from clubflow.api import local_state
    from clubflow.dev.stack import use_local_aws

    state = local_state()
    if not state.get("moto_url"):
        raise CommandError("no deployment chosen: pass --stack for AWS, or start `clubflow dev` in this folder")
    use_local_aws(state["moto_url"], state.get("region") or "eu-west-2")
    return LOCAL_STACK  # what `clubflow dev` deploys (clubflow/dev/stack.py)


def _name(url: str | None) -> str:
    return (url or "").rstrip("/").rsplit("/", 1)[-1]
