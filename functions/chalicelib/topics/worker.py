"""The consumer that emails confirmation links for topic suggestions and votes."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import workers

blueprint = Blueprint(__name__)


@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE,
                          name="send_topic_links", batch_size=10)
def send_topic_links(event: SQSEvent) -> dict[str, Any]:
    # Imported here: the API function imports this module but never runs a consumer.
    from chalicelib.core.domain_events import TopicSuggested, VoteRequested
    from chalicelib.topics import service

    def suggested(detail_type: str, detail: TopicSuggested) -> None:
        # Keyed by the topic and the request, so a redelivered message never emails twice.
        workers.once("send_topic_confirmation", {"topic_id": detail["topic_id"]},
                     lambda _: service.send_topic_confirmation(detail))

    def vote_requested(detail_type: str, detail: VoteRequested) -> None:
        workers.once("send_vote_confirmation", {"request_id": detail["request_id"]},
                     lambda _: service.send_vote_confirmation(detail))

    return workers.consume(event, {service.TOPIC_SUGGESTED: suggested,
                                   service.VOTE_REQUESTED: vote_requested})
