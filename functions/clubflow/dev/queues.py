"""moto's SendMessage at the cost of one message, not of the queue's length.

moto (5.2) reads `queue.attributes` on every SendMessage to learn whether the queue deduplicates
by content; that property computes every attribute of the queue, among them the approximate
counts, each a pass over every message in it. A queue that fills (a report run's Send events,
1,000 of them before their consumer runs) made each send cost in proportion to its length:
measured in moto, 1.2 ms a send on an empty queue, 25 ms with 800 messages waiting.

`apply()` keeps moto's SendMessage as it is and answers that one question for a standard queue
without the pass: content-based deduplication is a FIFO queue's attribute only, so a standard
queue's `attributes` hold no such key and the answer is "no", as moto's own would be. FIFO queues
are left to moto.

Offered upstream as (moto/sqs/models.py, `send_message`): read
`queue.fifo_queue and queue.content_based_deduplication` instead of
`queue.attributes.get("ContentBasedDeduplication")`.
"""

from __future__ import annotations

import threading
from typing import Any

_state = threading.local()
_applied: list[bool] = []


def apply() -> None:
    if _applied:
        return
    from moto.sqs.models import Queue, SQSBackend

    every_attribute = Queue.attributes
    send_message = SQSBackend.send_message

    def attributes(self: Queue) -> dict[str, Any]:
        if getattr(_state, "sending", False) and not self.fifo_queue:
            return {}  # what a standard queue's attributes say about deduplication: nothing
        return every_attribute.fget(self)  # type: ignore[attr-defined]

    def sending(self: SQSBackend, *args: Any, **kwargs: Any) -> Any:
        _state.sending = True
        try:
            return send_message(self, *args, **kwargs)
        finally:
            _state.sending = False

    Queue.attributes = property(attributes)  # type: ignore[assignment,method-assign]
    SQSBackend.send_message = sending  # type: ignore[method-assign]
    _applied.append(True)
