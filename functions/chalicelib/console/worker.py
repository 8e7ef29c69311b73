"""The consumer that emails an organiser their one-time link to sign in to the console."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import workers

blueprint = Blueprint(__name__)


@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE, name="send_sign_in_links", batch_size=10)
def send_sign_in_links(event: SQSEvent) -> dict[str, Any]:
    # Imported here: the API function imports this module but never runs a consumer.
    from chalicelib.console import sessions
    from chalicelib.core.domain_events import SignInRequested

    def requested(detail_type: str, detail: SignInRequested) -> None:
        # Keyed by the request, so a redelivered message never emails a second link.
        workers.once("send_sign_in_link", {"request_id": detail["request_id"]},
                     lambda _: sessions.send_sign_in_link(detail))

    return workers.consume(event, {sessions.SIGN_IN_REQUESTED: requested})
