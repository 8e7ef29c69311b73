"""moto's SendMessage, ReceiveMessage and DeleteMessage at the cost of the messages they move,
not of the queue's length.

moto (5.2) reads `queue.attributes` on every SendMessage (does the queue deduplicate by
content?) and, through GetQueueAttributes, once for every message a ReceiveMessage returns (the
retention period). That property computes every attribute of the queue, among them the three
approximate counts, each a pass over every message in it. A queue that fills (a report run's
Send events, 1,000 of them before their consumer runs) made each send and each receive cost in
proportion to its length: measured in moto, 1.2 ms a send on an empty queue, 25 ms with 800
messages waiting; a receive of 10 from a queue of 500, 120 ms.

`apply()` leaves both operations as they are, and while one of them runs, has
`queue.attributes` give every attribute but those three counts, which neither reads.

Two more passes over the whole queue remained, each growing with the messages waiting (a report
run to 5,000 people: a receive 8.5 ms at 1,000 recipients and 28 ms at 5,000; a batch delete 5.2
and 11.4 ms):

- ReceiveMessage walks `queue.messages`, a list of every visible message built afresh, to take
  the first ten. While a receive runs, `queue.messages` is a lazy view of the same messages in
  the same order, so the walk stops once it has taken what it returns.
- DeleteMessage went over every message twice (is the handle known? then a new list without it).
  It now stops at the message with the handle, which a consumer that deletes what it received
  finds near the front, and removes that one.

Offered upstream as (moto/sqs/models.py): read `queue.fifo_queue and
queue.content_based_deduplication` in `send_message`, and `queue.message_retention_period` in
`is_message_valid_based_on_retention_period`, instead of going through `queue.attributes`;
iterate the visible messages lazily in `receive_message`; find and remove the message in one
pass in `Queue.delete_message`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

# The attributes that walk every message of the queue.
_COUNTS = frozenset({"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed",
                     "ApproximateNumberOfMessagesNotVisible"})

_state = threading.local()
_applied: list[bool] = []


def apply() -> None:
    if _applied:
        return
    from moto.sqs.models import Queue, SQSBackend

    every_attribute = Queue.attributes

    def attributes(self: Queue) -> dict[str, Any]:
        if getattr(_state, "moving", False):
            return without_counts(self)
        return every_attribute.fget(self)  # type: ignore[attr-defined]

    def moving(operation: Callable[..., Any]) -> Callable[..., Any]:
        def run(self: SQSBackend, *args: Any, **kwargs: Any) -> Any:
            _state.moving = True
            try:
                return operation(self, *args, **kwargs)
            finally:
                _state.moving = False
        return run

    every_visible = Queue.messages

    def messages(self: Queue) -> Any:
        if getattr(_state, "moving", False):
            return Visible(self)
        return every_visible.fget(self)  # type: ignore[attr-defined]

    Queue.attributes = property(attributes)  # type: ignore[assignment,method-assign]
    Queue.messages = property(messages)  # type: ignore[assignment,method-assign]
    Queue.delete_message = delete_message  # type: ignore[assignment,method-assign]
    SQSBackend.send_message = moving(SQSBackend.send_message)  # type: ignore[method-assign]
    SQSBackend.receive_message = moving(SQSBackend.receive_message)  # type: ignore[method-assign]
    _applied.append(True)


class Visible:
    """moto's `Queue.messages` (the visible messages, not delayed, in the queue's order), taken
    one at a time as they are asked for, rather than all of them at each receive."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue

    def __iter__(self) -> Iterator[Any]:
        return (message for message in self.queue._messages if message.visible and not message.delayed)

    def __bool__(self) -> bool:  # a receive that waits asks whether there is any
        return any(True for _ in self)


def delete_message(queue: Any, receipt_handle: str) -> None:
    """moto's `Queue.delete_message` in one pass that stops at the message with this handle."""
    from moto.sqs.exceptions import ReceiptHandleIsInvalid

    if receipt_handle in queue.deleted_messages:
        return  # deleted already: moto (as SQS) lets it be deleted again
    for index, message in enumerate(queue._messages):
        if message.had_receipt_handle(receipt_handle):
            del queue._messages[index]
            queue.pending_messages.discard(message)
            queue.deleted_messages.update(message.all_receipt_handles)
            return
    raise ReceiptHandleIsInvalid()


def without_counts(queue: Any) -> dict[str, Any]:
    """moto's `Queue.attributes`, less the counts (the same names, values and order otherwise)."""
    from moto.core.utils import camelcase_to_underscores

    names = [name for name in queue.BASE_ATTRIBUTES if name not in _COUNTS]
    if queue.fifo_queue:
        names += queue.FIFO_ATTRIBUTES
    if queue.kms_master_key_id:
        names += queue.KMS_ATTRIBUTES
    result = {name: getattr(queue, camelcase_to_underscores(name)) for name in names}
    if queue.policy:
        result["Policy"] = queue.policy
    if queue.redrive_policy:
        result["RedrivePolicy"] = json.dumps(queue.redrive_policy)
    return {name: str(value).lower() if isinstance(value, bool) else value for name, value in result.items()}
