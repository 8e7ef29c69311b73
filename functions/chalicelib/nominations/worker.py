"""The consumer that emails about nominations: the nominee's acknowledgement, the organisers'
notice of a new nomination, and the nominee's decision."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import workers

blueprint = Blueprint(__name__)


@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE,
                          name="send_nomination_mail", batch_size=10)
def send_nomination_mail(event: SQSEvent) -> dict[str, Any]:
    # Imported here: the API function imports this module but never runs a consumer.
    from chalicelib.core.domain_events import NominationDecided, NominationReceived
    from chalicelib.core.observability import logger
    from chalicelib.nominations import service

    def received(detail_type: str, detail: NominationReceived) -> None:
        nomination = service.get_nomination(detail["nomination_id"])
        if nomination is None:
            logger.warning("nomination gone before its emails were sent")
            return
        # Each email is keyed on its own, so a retry after a partial send sends only the rest.
        workers.once("acknowledge_nomination", {"nomination_id": nomination["nomination_id"]},
                     lambda _: service.acknowledge_nomination(nomination))
        for organiser in service.organiser_addresses():
            workers.once("announce_nomination",
                         {"nomination_id": nomination["nomination_id"], "to": organiser},
                         lambda payload: service.announce_nomination(nomination, payload["to"]))

    def decided(detail_type: str, detail: NominationDecided) -> None:
        nomination = service.get_nomination(detail["nomination_id"])
        if nomination is None:
            logger.warning("nomination gone before its decision was sent")
            return
        workers.once("tell_nominee", {"decision_id": detail["decision_id"]},
                     lambda _: service.tell_nominee(nomination, detail))

    return workers.consume(event, {service.NOMINATION_RECEIVED: received,
                                   service.NOMINATION_DECIDED: decided})
