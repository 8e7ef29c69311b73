"""Changes reach people: a new time, zone, venue or title emails each confirmed and waiting
person what changed, the confirmed with an updated invite; a typo fix can tell no one; capacity
and description tell no one. A cancelled event closes and tells everyone once."""

from __future__ import annotations

import json
from typing import Any

import boto3

from chalicelib.reports import suppression
from tests.integration.registration_steps import (
    JSON,
    change_event,
    create_event,
    invite,
    manage_path,
    organiser,
    register,
)


def _people(client: Any, key: str, pump: Any, **fields: Any) -> str:
    """An event with Ada confirmed and Bob waiting."""
    event_id = create_event(client, key, capacity=1, **fields)
    register(client, event_id, "ada@example.com")
    register(client, event_id, "bob@example.com")
    pump.drain()
    return event_id


def _subjects(outbox: Any, email: str, start: str) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to(email) if m["subject"].startswith(start)]


def _ics_lines(message: dict[str, Any]) -> list[str]:
    return invite(message).replace("\r\n ", "").split("\r\n")


def test_a_moved_event_sends_everyone_what_changed_and_the_confirmed_an_updated_invite(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Ada confirmed (with her first invite) and Bob waiting
    event_id = _people(client, organiser_key, pump)
    (first,) = _subjects(outbox, "ada@example.com", "You're registered")

    # When the organiser moves it to another day and city
    change_event(client, organiser_key, event_id, starts_at="2030-03-10T13:00:00+00:00",
                 ends_at="2030-03-10T17:00:00+00:00", venue="Ofgem, Glasgow")
    pump.drain()

    # Then Ada gets an update: same UID, SEQUENCE 1, METHOD:REQUEST, the new start
    (ada,) = _subjects(outbox, "ada@example.com", "Changed: Event 48")
    lines = _ics_lines(ada)
    assert "METHOD:REQUEST" in lines and "SEQUENCE:1" in lines
    assert "DTSTART;TZID=Europe/London:20300310T130000" in lines
    assert "LOCATION:Ofgem\\, Glasgow" in lines
    assert [x for x in lines if x.startswith("UID:")] == [x for x in _ics_lines(first) if x.startswith("UID:")]
    # And the email says what it is now and what it was, in both parts
    for part in ("text", "html"):
        assert "Ofgem, Glasgow" in ada[part] and "Close Brothers, 10 Crown Place, London" in ada[part]
        assert "Sunday 10 March 2030, 13:00 GMT" in ada[part] and "Saturday 9 March 2030, 10:00 GMT" in ada[part]
    # And Bob is told too, without an invite (he has no place yet)
    (bob,) = _subjects(outbox, "bob@example.com", "Changed: Event 48")
    assert bob["attachments"] == [] and "still on the waiting list" in bob["text"]
    # And the manage page's calendar file is the updated one
    ics = client.http.get(f"{manage_path(ada)}/invite.ics").body.decode()
    assert "SEQUENCE:1" in ics


def test_a_redelivered_fan_out_and_a_second_move_each_send_once(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = _people(client, organiser_key, pump)

    change_event(client, organiser_key, event_id, title="Communities of Practice, revisited")
    change_event(client, organiser_key, event_id, timezone="Europe/Paris")
    pump.drain()

    # Each person gets at most one email per move, and the latest carries SEQUENCE 2
    moved = _subjects(outbox, "ada@example.com", "Changed:")
    assert 1 <= len(moved) <= 2
    assert "SEQUENCE:2" in _ics_lines(moved[0])
    assert {len(_subjects(outbox, "bob@example.com", "Changed:"))} <= {1, 2}


def test_notify_false_capacity_and_description_tell_no_one(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = _people(client, organiser_key, pump)

    change_event(client, organiser_key, event_id, venue="Close Brothers, 10 Crown Place, London EC2A",
                 notify=False)
    change_event(client, organiser_key, event_id, description="Bring a laptop.")
    change_event(client, organiser_key, event_id, venue="Close Brothers, 10 Crown Place, London EC2A")
    pump.drain()

    assert _subjects(outbox, "ada@example.com", "Changed:") == []
    assert _subjects(outbox, "bob@example.com", "Changed:") == []
    # The sequence still rises with the silent fix, so a later invite outranks the old one
    event = client.http.get(f"/admin/events/{event_id}", headers=organiser(organiser_key)).json_body
    assert event["sequence"] == 1


def test_a_wrong_notify_is_named_and_nothing_changes(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    response = client.http.patch(f"/admin/events/{event_id}", headers=organiser(organiser_key),
                                 body=json.dumps({"venue": "Leeds", "notify": "perhaps"}))
    assert response.status_code == 400 and list(response.json_body["errors"]) == ["notify"]
    event = client.http.get(f"/admin/events/{event_id}", headers=organiser(organiser_key)).json_body
    assert event["venue"] == "Close Brothers, 10 Crown Place, London"


def _cancel(client: Any, key: str, event_id: str, **body: Any) -> Any:
    return client.http.post(f"/admin/events/{event_id}/cancel", headers=organiser(key), body=json.dumps(body))


def test_a_cancelled_event_closes_and_tells_everyone_once_with_a_calendar_cancel(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Ada confirmed, Bob waiting, Cy who left the list, and Dee whose address bounced
    event_id = _people(client, organiser_key, pump)
    register(client, event_id, "cy@example.com")
    register(client, event_id, "dee@example.com")
    pump.drain()
    cy_manage = manage_path(outbox.messages_to("cy@example.com")[-1])
    client.http.post(f"{cy_manage}/cancel", headers=JSON, body="{}")
    suppression.suppress("dee@example.com", suppression.BOUNCED)
    pump.drain()

    # When the organiser cancels it with a message, twice
    first = _cancel(client, organiser_key, event_id, message="The venue flooded.\n\nSee you in April.")
    again = _cancel(client, organiser_key, event_id)
    pump.drain()

    # Then Ada and Bob get one email each with a METHOD:CANCEL invite and the message
    assert first.status_code == 200 and first.json_body["already"] is False
    assert again.status_code == 200 and again.json_body["already"] is True
    for email in ("ada@example.com", "bob@example.com"):
        (message,) = _subjects(outbox, email, "Cancelled: Event 48")
        assert message["text"] and message["html"]
        lines = _ics_lines(message)
        assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines
        assert "The venue flooded." in message["text"] and "The venue flooded." in message["html"]
    # And nobody who had cancelled, nor a bounced address, is emailed
    assert _subjects(outbox, "cy@example.com", "Cancelled:") == []
    assert _subjects(outbox, "dee@example.com", "Cancelled:") == []

    # And registration is refused, the page says it is cancelled, the schedules are gone
    refused = register(client, event_id, "eve@example.com")
    assert refused.status_code == 409
    page = client.http.get(f"/events/{event_id}").body.decode()
    assert "This event has been cancelled." in page and "See you in April." in page
    assert 'name="email"' not in page
    names = [s["Name"] for s in boto3.client("scheduler").list_schedules()["Schedules"]]
    assert not [name for name in names if event_id in name]
    # And the event can no longer be changed, nor a place given up to promote someone
    moved = client.http.patch(f"/admin/events/{event_id}", headers=organiser(organiser_key),
                              body=json.dumps({"venue": "Leeds"}))
    assert moved.status_code == 409
    ada_manage = manage_path(outbox.messages_to("ada@example.com")[-1])
    assert client.http.post(f"{ada_manage}/cancel", headers=JSON, body="{}").status_code == 409


def test_cancelling_an_unknown_event_is_404_and_a_long_message_is_400(client: Any, organiser_key: str) -> None:
    assert _cancel(client, organiser_key, "no-such-event").status_code == 404
    event_id = create_event(client, organiser_key)
    long = _cancel(client, organiser_key, event_id, message="x" * 2001)
    assert long.status_code == 400 and list(long.json_body["errors"]) == ["message"]
    assert "cancelled_at" not in client.http.get(f"/admin/events/{event_id}",
                                                 headers=organiser(organiser_key)).json_body


def test_a_redelivered_notice_is_sent_once(client: Any, organiser_key: str, outbox: Any) -> None:
    # Given Ada confirmed at an event that moved once
    from app import app
    from chalicelib.registration import service
    from clubflow.dev.pump import LocalContext
    from tests.conftest import sample_event
    from tests.integration.registration_steps import with_detail

    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    change_event(client, organiser_key, event_id, venue="Leeds", notify=False)
    record = service.get_registration(event_id, "ada@example.com")
    assert record is not None
    batch = with_detail(sample_event("sqs_event_notice_due.json"), event_id=event_id,
                        registration_id=record["registration_id"])

    # When the same notice is delivered three times
    for _ in range(3):
        result = app.handler_map["send_registration_mail"](batch, LocalContext("send_registration_mail"))
        assert result == {"batchItemFailures": []}

    # Then one email went, with the updated invite
    (message,) = _subjects(outbox, "ada@example.com", "Changed:")
    assert "SEQUENCE:1" in _ics_lines(message) and "Close Brothers, 10 Crown Place" in message["text"]


def test_a_redelivered_cancellation_fans_out_and_sends_once(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    from app import app
    from clubflow.dev.pump import LocalContext
    from tests.conftest import sample_event
    from tests.integration.registration_steps import with_detail

    event_id = _people(client, organiser_key, pump)
    _cancel(client, organiser_key, event_id)
    batch = with_detail(sample_event("sqs_event_cancelled.json"), event_id=event_id)

    for _ in range(2):
        result = app.handler_map["follow_event_changes"](batch, LocalContext("follow_event_changes"))
        assert result == {"batchItemFailures": []}
    pump.drain()

    assert len(_subjects(outbox, "ada@example.com", "Cancelled:")) == 1
    assert len(_subjects(outbox, "bob@example.com", "Cancelled:")) == 1


def test_people_who_register_after_a_change_are_not_told_of_it(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given an event moved before anyone registered, the change not yet fanned out
    event_id = create_event(client, organiser_key)
    change_event(client, organiser_key, event_id, venue="Leeds")

    # When Ada registers, and the queued work is done
    register(client, event_id, "ada@example.com")
    pump.drain()

    # Then she has her confirmation (with the new venue) and no change notice
    [confirmation] = outbox.messages_to("ada@example.com")
    assert confirmation["subject"].startswith("You're registered") and "Leeds" in confirmation["text"]


def test_a_change_made_meanwhile_by_someone_else_is_kept_and_told_as_it_was(
        client: Any, organiser_key: str, pump: Any, outbox: Any, aws_calls: Any) -> None:
    from chalicelib.core import aws, keys, store

    # Given Ada confirmed, and another organiser who moves the venue just before this change is stored
    event_id = _people(client, organiser_key, pump)
    dynamodb = aws.dynamodb()
    meanwhile: list[str] = []

    def another_organiser(**_: Any) -> None:
        if not meanwhile:
            meanwhile.append("Ofgem, Glasgow")
            store.update(keys.event(event_id), "SET venue = :venue, #sequence = if_not_exists(#sequence, :zero) + :one",
                         names={"#sequence": "sequence"}, vals={":venue": "Ofgem, Glasgow", ":zero": 0, ":one": 1})

    # When the organiser retitles the event
    dynamodb.meta.events.register("before-call.dynamodb.TransactWriteItems", another_organiser)
    try:
        changed = change_event(client, organiser_key, event_id, title="Measuring what matters")
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb.TransactWriteItems", another_organiser)
    pump.drain()

    # Then both changes are kept, and the announcement says what the event was just before it
    assert meanwhile and changed["venue"] == "Ofgem, Glasgow" and changed["title"] == "Measuring what matters"
    assert changed["sequence"] == 2
    [updated] = [json.loads(e["Detail"]) for e in aws_calls.published if e["DetailType"] == "EventUpdated"]
    assert updated["before"]["venue"] == "Ofgem, Glasgow" and updated["before"]["title"] != "Measuring what matters"
    # And Ada's notice says it was at the venue it had just moved to, under its old title
    (notice,) = _subjects(outbox, "ada@example.com", "Changed: Event 48")
    assert "Ofgem, Glasgow" in notice["text"] and "SEQUENCE:2" in _ics_lines(notice)
