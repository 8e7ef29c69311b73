"""The consumer that emails the link confirming a request to join the club's list."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import workers

blueprint = Blueprint(__name__)


@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE, name="send_subscription_links", batch_size=10)
def send_subscription_links(event: SQSEvent) -> dict[str, Any]:
    # Imported here: the API function imports this module but never runs a consumer.
    from chalicelib.core.domain_events import SubscriptionRequested
    from chalicelib.subscriptions import service

    def requested(detail_type: str, detail: SubscriptionRequested) -> None:
        # Keyed by the request, so a redelivered message never emails twice.
        workers.once("send_subscription_confirmation", {"request_id": detail["request_id"]},
                     lambda _: service.send_confirmation(detail))

    return workers.consume(event, {service.SUBSCRIPTION_REQUESTED: requested})
