"""What each person finds in their inbox after registering, and that each email goes once."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.conftest import sample_event
from tests.integration.registration_steps import (
    create_event,
    invite,
    manage_path,
    register,
    registrations,
)


def _handler(name: str) -> Any:
    from app import app
    from clubflow.dev.pump import LocalContext

    return lambda event: app.handler_map[name](event, LocalContext(name))


def _detail(event_id: str, email: str) -> dict[str, Any]:
    """The ids a domain event about this person carries (registration ids are internal)."""
    from chalicelib.registration import service

    record = service.get_registration(event_id, email)
    assert record is not None
    return {"event_id": event_id, "email": email, "registration_id": record["registration_id"]}


def _for_people(sample: dict[str, Any], details: list[dict[str, Any]]) -> dict[str, Any]:
    """The sample SQS batch with record i carrying details[i] (this test's own people)."""
    event = copy.deepcopy(sample)
    assert len(event["Records"]) == len(details)
    for record, detail in zip(event["Records"], details, strict=True):
        envelope = json.loads(record["body"])
        envelope["detail"].update(detail)
        record["body"] = json.dumps(envelope)
    return event


def test_a_confirmed_person_gets_an_invite_in_the_events_time_zone(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given a summer event in London (10:00 BST is 09:00 UTC)
    event_id = create_event(client, organiser_key, starts_at="2030-07-09T09:00:00+00:00",
                            ends_at="2030-07-09T15:30:00+00:00", venue="Close Brothers, 10 Crown Place, London")

    # When Ada registers and the workers run
    register(client, event_id, "ada@example.com", name="Ada Lovelace")
    pump.drain()

    # Then she has one email: confirmed, local time in both parts, a manage link and an invite
    (message,) = outbox.messages_to("ada@example.com")
    assert message["subject"] == "You're registered: Event 48 \u2013 Communities of Practice"
    assert "Your place is confirmed" in message["text"]
    assert "Tuesday 9 July 2030, 10:00 BST to 16:30 BST" in message["text"]
    assert "Tuesday 9 July 2030, 10:00 BST to 16:30 BST" in message["html"]
    path = manage_path(message)
    assert client.http.get(path).status_code == 200

    (attachment,) = message["attachments"]
    assert attachment["filename"] == "invite.ics"
    assert attachment["content_type"] == "text/calendar"
    ics = invite(message)
    (record,) = registrations(client, organiser_key, event_id)
    lines = ics.split("\r\n")
    assert lines[:5] == ["BEGIN:VCALENDAR", "PRODID:-//CofEe Club//clubflow//EN", "VERSION:2.0",
                         "CALSCALE:GREGORIAN", "METHOD:REQUEST"]
    assert "DTSTART;TZID=Europe/London:20300709T100000" in lines
    assert "DTEND;TZID=Europe/London:20300709T163000" in lines
    assert "TZID:Europe/London" in lines
    assert "SEQUENCE:0" in lines
    assert "LOCATION:Close Brothers\\, 10 Crown Place\\, London" in lines
    assert "SUMMARY:Event 48 \u2013 Communities of Practice" in lines
    assert any(line.startswith("UID:") and line.endswith("@clubflow") for line in lines)
    unfolded = ics.replace("\r\n ", "")
    assert ('ATTENDEE;CN="Ada Lovelace";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:'
            "mailto:ada@example.com") in unfolded
    assert all(len(line.encode()) <= 75 for line in lines)
    assert record["status"] == "confirmed"


def test_the_invite_part_carries_its_method_for_calendar_clients(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    pump.drain()

    # The outbox parses the MIME; read the calendar part's own header here.
    import email
    import email.policy

    from clubflow.dev.outbox import _backend

    (sent,) = [m for m in _backend("eu-west-2").sent_messages if "ada@example.com" in m.destinations]
    mime = email.message_from_bytes(sent.raw_data.encode() if isinstance(sent.raw_data, str) else sent.raw_data,
                                    policy=email.policy.default)
    (part,) = [p for p in mime.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"


def test_a_waiting_person_is_told_their_position_and_gets_no_invite(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given an event with one place, taken
    event_id = create_event(client, organiser_key, capacity=1)
    register(client, event_id, "first@example.com")

    # When two more people register
    register(client, event_id, "second@example.com")
    register(client, event_id, "third@example.com")
    pump.drain()

    # Then each hears they wait, and where they stand
    (second,) = outbox.messages_to("second@example.com")
    (third,) = outbox.messages_to("third@example.com")
    assert second["subject"].startswith("You're on the waiting list")
    assert "you are number 1." in second["text"]
    assert "you are number 2." in third["text"]
    assert "number <strong>2</strong>" in third["html"]
    assert second["attachments"] == [] and third["attachments"] == []
    assert client.http.get(manage_path(third)).status_code == 200


def test_registering_again_sends_the_manage_link_again_once_an_hour(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Ada registered and was emailed
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    pump.drain()

    # When she registers again, twice
    register(client, event_id, "ada@example.com")
    register(client, event_id, "ada@example.com")
    pump.drain()

    # Then she gets one "already registered" email with a working manage link and her invite
    messages = outbox.messages_to("ada@example.com")
    assert [m["subject"].split(":")[0] for m in messages] == ["You're already registered", "You're registered"]
    again = messages[0]
    assert "already registered" in again["text"]
    assert "your place is confirmed" in again["text"]
    assert client.http.get(manage_path(again)).status_code == 200
    assert invite(again).count("METHOD:REQUEST") == 1
    assert len(registrations(client, organiser_key, event_id)) == 1


def test_a_redelivered_confirmation_is_sent_once(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given two people registered (their confirmations are queued)
    event_id = create_event(client, organiser_key)
    people = ("ada@example.com", "grace@example.org")
    for email in people:
        register(client, event_id, email)
    batch = _for_people(sample_event("sqs_registration_confirmed.json"),
                        [_detail(event_id, email) for email in people])
    send = _handler("send_registration_mail")

    # When SQS delivers the same batch twice, and then the queue's own copies arrive too
    assert send(batch) == {"batchItemFailures": []}
    assert send(batch) == {"batchItemFailures": []}
    pump.drain()

    # Then each person has exactly one confirmation
    assert len(outbox.messages_to("ada@example.com")) == 1
    assert len(outbox.messages_to("grace@example.org")) == 1


@pytest.mark.parametrize(("sample", "mail"), [
    ("sqs_registration_waitlisted.json", "waiting list"),
    ("sqs_registration_repeated.json", "already registered"),
])
def test_other_redelivered_mails_are_sent_once(
        client: Any, organiser_key: str, outbox: Any, sample: str, mail: str) -> None:
    # Given Ada holds a place (capacity 1), and Alan waits
    event_id = create_event(client, organiser_key, capacity=1)
    register(client, event_id, "ada@example.com")
    register(client, event_id, "alan@example.net")
    email = "alan@example.net" if "waitlisted" in sample else "ada@example.com"
    batch = _for_people(sample_event(sample), [_detail(event_id, email)])

    # When the same message is delivered three times
    send = _handler("send_registration_mail")
    for _ in range(3):
        assert send(batch) == {"batchItemFailures": []}

    # Then one email went
    (message,) = outbox.messages_to(email)
    assert mail in message["text"]


def test_a_failed_send_is_retried_alone_and_sent_once(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given SES refuses the first attempt for Grace only (throttled: it accepted nothing)
    from botocore.exceptions import ClientError

    from chalicelib.core import mail

    real_send = mail.send
    refused: list[str] = []

    def flaky(message: Any, **tagged: Any) -> str:
        if message.to == "grace@example.org" and not refused:
            refused.append(message.to)
            raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "throttled"}}, "SendEmail")
        return real_send(message, **tagged)

    monkeypatch.setattr(mail, "send", flaky)
    event_id = create_event(client, organiser_key)

    # When two people register and the workers run
    register(client, event_id, "ada@example.com")
    register(client, event_id, "grace@example.org")
    pump.drain()

    # Then Grace's email was retried and each person has exactly one
    assert refused == ["grace@example.org"]
    assert pump.failed == 1
    assert len(outbox.messages_to("ada@example.com")) == 1
    assert len(outbox.messages_to("grace@example.org")) == 1


def test_markup_in_fields_is_shown_as_text_in_emails(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given an event and a name full of markup
    event_id = create_event(client, organiser_key, venue="<b>Hall</b>, 1 Road")
    register(client, event_id, "ada@example.com", name='<script>alert("x")</script> Ada')
    pump.drain()

    # Then the HTML part shows it as text, the plain part as typed, the invite quoted and escaped
    (message,) = outbox.messages_to("ada@example.com")
    assert "<script>" not in message["html"]
    assert "&lt;script&gt;" in message["html"]
    assert "&lt;b&gt;Hall&lt;/b&gt;" in message["html"]
    assert '<script>alert("x")</script> Ada' in message["text"]
    unfolded = invite(message).replace("\r\n ", "")
    assert 'CN="<script>alert(x)</script> Ada"' in unfolded
    assert "LOCATION:<b>Hall</b>\\, 1 Road" in unfolded


def test_published_registration_events_match_their_schemas(
        client: Any, organiser_key: str, aws_calls: Any, pump: Any) -> None:
    # Given an event with one place
    event_id = create_event(client, organiser_key, capacity=1)
    pump.drain()
    aws_calls.published.clear()

    # When people register, wait and repeat, and the outbox is relayed
    register(client, event_id, "a@example.com")
    register(client, event_id, "b@example.com")
    register(client, event_id, "b@example.com")
    pump.drain()

    # Then each outcome was published once, in its documented shape (checked against the schema),
    # all through the outbox in the order they were stored
    kinds = [e["DetailType"] for e in aws_calls.published]
    assert kinds == ["RegistrationConfirmed", "RegistrationWaitlisted", "RegistrationRepeated"]
    from tests.conftest import check_domain_event

    for entry in aws_calls.published:
        check_domain_event(entry)
