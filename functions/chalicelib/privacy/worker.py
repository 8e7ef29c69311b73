"""The daily retention job: a scheduled rule puts one message a day on the retention queue."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import workers

blueprint = Blueprint(__name__)

# What EventBridge calls the event a schedule rule sends.
SCHEDULED = "Scheduled Event"


@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE, name="apply_retention", batch_size=1)
def apply_retention(event: SQSEvent) -> dict[str, Any]:
    # Imported here: the API function imports this module but never runs a consumer.
    from chalicelib.privacy import retention

    def due(detail_type: str, detail: dict[str, Any]) -> None:
        # Idempotent by itself: what was erased is gone, and each event records its stage.
        retention.apply_retention()

    return workers.consume(event, {SCHEDULED: due})
