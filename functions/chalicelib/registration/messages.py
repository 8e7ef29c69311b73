"""Organisers write to an event's people: confirmed, waiting, attended, or all of them. The
message is stored together with its announcement (the outbox), fanned out into one
EventMessageDue per person, and each is emailed once through the one mail module, never to a
bounced or complaining address. Each delivery is recorded, so organisers can see who was sent
what."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from chalicelib.core import batches, bus, clock, keys, mail, outbox, store, workers
from chalicelib.core.domain_events import DomainEvent, EventMessageDue, EventMessageRequested
from chalicelib.core.errors import NotFound
from chalicelib.core.observability import logger
from chalicelib.core.text import display_title
from chalicelib.core.validation import Form
from chalicelib.events import service as events
from chalicelib.registration import emails, service

AUDIENCES = ("confirmed", "waitlisted", "attended", "all")
MAIL = "event_message"
FAN_OUT_CHUNK = 100
MAX_MARKDOWN = 20_000


@dataclass(frozen=True)
class MessageInput:
    audience: str
    subject: str
    markdown: str


def read_message(data: dict[str, Any]) -> tuple[MessageInput | None, dict[str, str]]:
    form = Form(data)
    form.unknown({"audience", "subject", "markdown"})
    audience = form.choice("audience", "an audience", AUDIENCES)
    subject = form.line("subject", "a subject", max_len=150)
    markdown = form.paragraphs("markdown", "the message", required=True, max_len=MAX_MARKDOWN)
    if not form.ok or audience is None or subject is None or markdown is None:
        return None, form.errors
    return MessageInput(audience, subject, markdown), {}


def audience_size(records: list[dict[str, Any]], audience: str) -> int:
    """How many of an event's registrations a message to `audience` goes to."""
    return sum(1 for record in records if _in_audience(record, audience))


def _in_audience(record: dict[str, Any], audience: str) -> bool:
    status = record.get("status")
    if audience == "attended":
        return bool(record.get("attended"))
    if audience == "all":
        return status in (service.CONFIRMED, service.WAITLISTED) or bool(record.get("attended"))
    return status == audience


def send_message(event_id: str, message: MessageInput, organiser: str) -> dict[str, Any]:
    """Store the message with its announcement; its emails follow from the bus. Raises NotFound."""
    if events.get_event(event_id) is None:
        raise NotFound("event")
    message_id = secrets.token_hex(8)
    now = clock.iso(clock.now())
    item = {**keys.event_message(event_id, message_id), "event_id": event_id, "message_id": message_id,
            "audience": message.audience, "subject": message.subject, "markdown": message.markdown,
            "created_by": organiser, "created_at": now}
    store.transact([store.put_op(item, "attribute_not_exists(pk)"), outbox.entry(
        "EventMessageRequested", EventMessageRequested(event_id=event_id, message_id=message_id))])
    return item


def get_message(event_id: str, message_id: str) -> dict[str, Any] | None:
    return store.get(keys.event_message(event_id, message_id))


def deliveries(message_id: str) -> list[dict[str, Any]]:
    """Who the message was sent to, and when."""
    pk, prefix = keys.message_deliveries(message_id)
    return [{"email": d["email"], "sent_at": d.get("sent_at")} for d in store.query(pk, sk_prefix=prefix)]


def message_view(item: dict[str, Any]) -> dict[str, Any]:
    shown = {name: item.get(name) for name in (
        "message_id", "event_id", "audience", "subject", "markdown", "created_by", "created_at")}
    return {**shown, "sent_to": deliveries(item["message_id"])}


def fan_out(request: EventMessageRequested) -> int:
    """Announce one EventMessageDue per person in the message's audience; return how many.

    Put straight on the bus, not through the outbox: this runs in a consumer and stores nothing,
    so a refused PutEvents fails the record, its queue delivers it again, and the fan-out is
    repeated (each person is emailed once however often they are announced)."""
    message = get_message(request["event_id"], request["message_id"])
    if message is None:
        return 0
    people = (r for r in service.registrations_of(request["event_id"]) if _in_audience(r, message["audience"]))
    announced = 0
    for chunk in batches.chunked(people, FAN_OUT_CHUNK):
        entries: list[tuple[str, DomainEvent]] = [
            ("EventMessageDue", EventMessageDue(event_id=request["event_id"], message_id=request["message_id"],
                                                registration_id=r["registration_id"], email=r["email"]))
            for r in chunk]
        bus.publish_many(entries)
        announced += len(entries)
    logger.info("organiser message announced", extra={"event_id": request["event_id"], "count": announced})
    return announced



def send_one(_: str, due: EventMessageDue) -> None:
    """Email one person the message, once, and record that it went."""

    def deliver(_: dict[str, Any]) -> str:
        from chalicelib.reports import markdown

        event = events.get_event(due["event_id"])
        message = get_message(due["event_id"], due["message_id"])
        record = service.get_registration(due["event_id"], due["email"])
        if event is None or message is None or record is None or \
                record.get("registration_id") != due["registration_id"]:
            logger.info("message or registration gone; nothing sent", extra={"mail": MAIL})
            return ""
        if emails.undeliverable(record["email"]):
            logger.info("address suppressed; message not sent", extra={"mail": MAIL})
            return ""
        sent = mail.send(mail.Email(
            to=record["email"], subject=f"{message['subject']}: {display_title(event)}", template=MAIL,
            context={"event": event, "title": display_title(event), "person": record,
                     "body_html": markdown.to_html(message["markdown"]),
                     "body_text": markdown.to_text(message["markdown"]),
                     "manage_url": emails.manage_link(event, record)}))
        store.put({**keys.message_delivery(due["message_id"], record["email"]),
                   **keys.person(record["email"], keys.person_message(due["message_id"])),
                   "event_id": due["event_id"], "message_id": due["message_id"], "email": record["email"],
                   "subject": message["subject"], "sent_at": clock.iso(clock.now()), "ses_message_id": sent})
        return sent

    workers.once(MAIL, {"message_id": due["message_id"], "registration_id": due["registration_id"]}, deliver)


# -- a person's data (export, erasure) ----------------------------------------------------------


def export_person(email: str) -> dict[str, list[dict[str, Any]]]:
    """The organiser messages sent to this address (an index query, never a scan)."""
    return {"messages": [keys.stored_fields(item) for item in store.query(
        keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_MESSAGES)]}


def erase_person(email: str) -> int:
    """Delete the record of each message sent to this address; the message itself stays."""
    erased = 0
    for item in list(store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_MESSAGES)):
        store.delete(keys.primary_key(item))
        erased += 1
    return erased
