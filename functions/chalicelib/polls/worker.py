"""The consumer that invites attendees to an event's polls: keeps the end-of-event schedule in
step with the event, fans a request out per attendee, and emails each their personal link once."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import workers

blueprint = Blueprint(__name__)



@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE,
                          name="send_poll_invitations", batch_size=10)
def send_poll_invitations(event: SQSEvent) -> dict[str, Any]:
    # Imported here: the API function imports this module but never runs a consumer.
    from chalicelib.core.domain_events import (
        EventScheduled,
        EventUpdated,
        PollInvitationDue,
        PollInvitationsRequested,
        PollLinkRequested,
    )
    from chalicelib.polls import invitations

    def on_event_scheduled(_: str, detail: EventScheduled) -> None:
        invitations.plan_invitations(detail["event_id"], detail["ends_at"])

    def on_event_updated(_: str, detail: EventUpdated) -> None:
        if "ends_at" in detail.get("changed", []):
            invitations.plan_invitations(detail["event_id"], detail["ends_at"])

    def on_invitations_requested(_: str, detail: PollInvitationsRequested) -> None:
        # A redelivered request does not announce everyone again.
        workers.once("invite_to_polls", {"event_id": detail["event_id"], "run_id": detail["run_id"]},
                     lambda _: invitations.invite_to_polls(detail))

    def on_invitation_due(_: str, detail: PollInvitationDue) -> None:
        workers.once("send_poll_invitation",
                     {"event_id": detail["event_id"], "email": detail["email"], "run_id": detail["run_id"]},
                     lambda _: invitations.send_invitation(detail))

    def on_link_requested(_: str, detail: PollLinkRequested) -> None:
        # Keyed by the request, so a redelivered message never sends a second email.
        workers.once("send_requested_poll_link", {"request_id": detail["request_id"]},
                     lambda _: invitations.send_requested_link(detail))

    return workers.consume(event, {
        "EventScheduled": on_event_scheduled,
        "EventUpdated": on_event_updated,
        invitations.INVITATIONS_REQUESTED: on_invitations_requested,
        invitations.INVITATION_DUE: on_invitation_due,
        invitations.LINK_REQUESTED: on_link_requested,
    })
