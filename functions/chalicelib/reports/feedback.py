"""What SES tells us after sending: a permanent bounce or a complaint suppresses the address,
and a Send event settles a delivery whose worker could not record it (core/deliveries.py).

SES publishes these for every email sent with our configuration set to the default EventBridge
bus; a rule there queues them for `record_mail_feedback`. The event's `detail` is SES's own
event record (`eventType`, `mail` with the message's tags, and `bounce`, `complaint` or `send`).
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import deliveries, workers
from chalicelib.core.observability import logger
from chalicelib.reports import suppression

blueprint = Blueprint(__name__)

EMAIL_BOUNCED = "Email Bounced"
EMAIL_COMPLAINT_RECEIVED = "Email Complaint Received"
PERMANENT = "Permanent"

Detail = dict[str, Any]


def record_bounce(detail: Detail) -> list[str]:
    """Suppress every recipient of a permanent bounce; return those newly suppressed.

    A transient or undetermined bounce (full mailbox, greylisting) may well deliver next time,
    so it is only logged.
    """
    bounce = detail.get("bounce") or {}
    recipients = _addresses(bounce.get("bouncedRecipients"))
    if bounce.get("bounceType") != PERMANENT:
        logger.info("bounce not permanent: address kept", extra={
            "bounce_type": bounce.get("bounceType"), "bounce_sub_type": bounce.get("bounceSubType"),
            "recipients": len(recipients), "feedback_id": bounce.get("feedbackId")})
        return []
    return _suppress_all(recipients, suppression.BOUNCED, bounce.get("feedbackId"))


def record_complaint(detail: Detail) -> list[str]:
    """Suppress every recipient who marked our email as spam; return those newly suppressed."""
    complaint = detail.get("complaint") or {}
    recipients = _addresses(complaint.get("complainedRecipients"))
    return _suppress_all(recipients, suppression.COMPLAINED, complaint.get("feedbackId"))


def _addresses(recipients: Any) -> list[str]:
    return [str(r["emailAddress"]) for r in recipients or [] if r.get("emailAddress")]


def _suppress_all(addresses: list[str], reason: str, feedback_id: Any) -> list[str]:
    # suppress() is a conditional put: a redelivered event keeps the first reason and time.
    newly = [a for a in addresses if suppression.suppress(a, reason, source=f"ses:{feedback_id or ''}")]
    logger.info("mail feedback recorded", extra={
        "reason": reason, "recipients": len(addresses), "newly_suppressed": len(newly),
        "feedback_id": feedback_id})
    return newly


@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE,
                          name="record_mail_feedback", batch_size=10)
def record_mail_feedback(event: SQSEvent) -> dict[str, Any]:
    import json

    # One read for the batch's Send events: only deliveries still in flight are written.
    sent = [envelope.get("detail") or {} for envelope in
            (json.loads(record.get("body") or "{}") for record in event.to_dict().get("Records", []))
            if envelope.get("detail-type") == deliveries.EMAIL_SENT]
    pending = deliveries.in_flight(sent) if sent else set()

    def on_sent(_: str, detail: Detail) -> None:
        deliveries.confirm_sent(detail, pending)

    def on_bounced(_: str, detail: Detail) -> None:
        record_bounce(detail)

    def on_complaint(_: str, detail: Detail) -> None:
        record_complaint(detail)

    return workers.consume(event, {EMAIL_BOUNCED: on_bounced, EMAIL_COMPLAINT_RECEIVED: on_complaint,
                                   deliveries.EMAIL_SENT: on_sent})
