"""moto's SendMessage and ReceiveMessage at the cost of the messages they move, not of the
queue's length.

moto (5.2) reads `queue.attributes` on every SendMessage (does the queue deduplicate by
content?) and, through GetQueueAttributes, once for every message a ReceiveMessage returns (the
retention period). That property computes every attribute of the queue, among them the three
approximate counts, each a pass over every message in it. A queue that fills (a report run's
Send events, 1,000 of them before their consumer runs) made each send and each receive cost in
proportion to its length: measured in moto, 1.2 ms a send on an empty queue, 25 ms with 800
messages waiting; a receive of 10 from a queue of 500, 120 ms.

`apply()` leaves both operations as they are, and while one of them runs, has
`queue.attributes` give every attribute but those three counts, which neither reads.

Offered upstream as (moto/sqs/models.py): read `queue.fifo_queue and
queue.content_based_deduplication` in `send_message`, and `queue.message_retention_period` in
`is_message_valid_based_on_retention_period`, instead of going through `queue.attributes`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
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

    Queue.attributes = property(attributes)  # type: ignore[assignment,method-assign]
    SQSBackend.send_message = moving(SQSBackend.send_message)  # type: ignore[method-assign]
    SQSBackend.receive_message = moving(SQSBackend.receive_message)  # type: ignore[method-assign]
    _applied.append(True)


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
