"""The consumer that answers slide requests: applies the event's policy and emails the links."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import workers

blueprint = Blueprint(__name__)


@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE,
                          name="send_slide_links", batch_size=10)
def send_slide_links(event: SQSEvent) -> dict[str, Any]:
    # Imported here: the API function imports this module but never runs a consumer.
    from chalicelib.core.domain_events import SlidesRequested
    from chalicelib.slides import service

    def answer(detail_type: str, detail: SlidesRequested) -> None:
        # Keyed by the request, so a redelivered message never sends a second email.
        workers.once("send_slide_links", {"request_id": detail["request_id"]},
                     lambda _: service.send_slide_links(detail))

    return workers.consume(event, {service.SLIDES_REQUESTED: answer})
