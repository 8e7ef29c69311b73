"""Confirmed attendees are reminded the day before, by a schedule that follows the event."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import boto3

from tests.conftest import sample_event
from tests.integration.registration_steps import (
    change_event,
    create_event,
    manage_path,
    register,
    with_detail,
)

STARTS = "2030-03-09T10:00:00+00:00"


def _schedule(deployed: Any, event_id: str) -> dict[str, Any]:
    return dict(boto3.client("scheduler").get_schedule(Name=f"reminders-{event_id}",
                                                       GroupName=deployed.environment["SCHEDULER_GROUP"]))


def _reminders(outbox: Any, email: str) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to(email) if m["subject"].startswith("See you soon")]


def test_a_new_event_gets_a_reminder_schedule_a_day_before(
        deployed: Any, client: Any, organiser_key: str, pump: Any) -> None:
    # When an organiser creates an event and the workers run
    event_id = create_event(client, organiser_key, starts_at=STARTS)
    pump.drain()

    # Then a one-off schedule puts RemindersDue on the bus 24 hours before the start
    schedule = _schedule(deployed, event_id)
    assert schedule["ScheduleExpression"] == "at(2030-03-08T10:00:00)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["ActionAfterCompletion"] == "DELETE"
    target = schedule["Target"]
    assert target["Arn"] == deployed.environment["BUS_ARN"]
    assert target["RoleArn"] == deployed.environment["SCHEDULER_ROLE_ARN"]
    assert target["EventBridgeParameters"] == {"DetailType": "RemindersDue", "Source": "clubflow"}
    # in the stack's own group, and kept in a dead-letter queue if the bus cannot take it
    assert os.environ["SCHEDULER_GROUP"] == deployed.environment["SCHEDULER_GROUP"] != "default"
    assert target["DeadLetterConfig"] == {"Arn": deployed.environment["SCHEDULE_DEAD_LETTER_ARN"]}


def test_moving_the_event_moves_its_reminder(deployed: Any, client: Any, organiser_key: str, pump: Any) -> None:
    event_id = create_event(client, organiser_key, starts_at=STARTS, ends_at="2030-03-09T16:00:00+00:00")
    pump.drain()

    change_event(client, organiser_key, event_id, starts_at="2030-04-13T09:30:00+01:00",
                 ends_at="2030-04-13T15:00:00+01:00")
    pump.drain()

    assert _schedule(deployed, event_id)["ScheduleExpression"] == "at(2030-04-12T08:30:00)"


def test_the_reminder_reaches_each_confirmed_attendee_once_with_venue_local_time_and_link(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given a summer event with two confirmed people, one waiting and one who cancelled
    event_id = create_event(client, organiser_key, capacity=2, starts_at="2030-07-09T09:00:00+00:00",
                            ends_at="2030-07-09T15:00:00+00:00", venue="Close Brothers, 10 Crown Place")
    for email in ("ada@example.com", "bob@example.com", "cy@example.com"):
        register(client, event_id, email, needs="step-free access")
    pump.drain()
    client.http.post(f"{manage_path(outbox.messages_to('bob@example.com')[0])}/cancel",
                     headers={"Content-Type": "application/x-www-form-urlencoded"}, body="")
    pump.drain()  # Cy takes Bob's place

    # When the clock reaches the day before, and later still
    pump.drain(now=datetime(2030, 7, 8, 9, 0, 1, tzinfo=UTC))
    pump.drain(now=datetime(2030, 7, 9, 8, 0, tzinfo=UTC))

    # Then Ada and Cy have one reminder each; Bob none
    (ada,) = _reminders(outbox, "ada@example.com")
    assert len(_reminders(outbox, "cy@example.com")) == 1
    assert _reminders(outbox, "bob@example.com") == []
    assert "Tuesday 9 July 2030, 10:00 BST" in ada["text"]
    assert "Close Brothers, 10 Crown Place" in ada["text"] and "Close Brothers, 10 Crown Place" in ada["html"]
    assert "step-free access" in ada["text"]
    assert client.http.get(manage_path(ada)).status_code == 200


def test_a_reminder_that_no_longer_applies_sends_nothing(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given a confirmed attendee of an event that was moved after its reminder was set
    event_id = create_event(client, organiser_key, starts_at=STARTS)
    register(client, event_id, "ada@example.com")
    pump.drain()

    # When a RemindersDue for the old start time arrives
    from app import app
    from clubflow.dev.pump import LocalContext

    stale = with_detail(sample_event("sqs_reminders_due.json"), event_id=event_id,
                        starts_at="2030-03-02T10:00:00+00:00")
    app.handler_map["follow_event_changes"](stale, LocalContext("follow_event_changes"))
    pump.drain()

    # Then nobody is reminded
    assert _reminders(outbox, "ada@example.com") == []


def test_redelivered_reminders_are_sent_once(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given a confirmed attendee
    event_id = create_event(client, organiser_key, starts_at=STARTS)
    register(client, event_id, "grace@example.org")
    pump.drain()
    from app import app
    from chalicelib.registration import service
    from clubflow.dev.pump import LocalContext

    record = service.get_registration(event_id, "grace@example.org")
    assert record is not None

    # When the fan-out and the personal reminder are each delivered twice
    due = with_detail(sample_event("sqs_reminders_due.json"), event_id=event_id, starts_at=STARTS)
    mine = with_detail(sample_event("sqs_reminder_due.json"), event_id=event_id, starts_at=STARTS,
                       email="grace@example.org", registration_id=record["registration_id"])
    for _ in range(2):
        app.handler_map["follow_event_changes"](due, LocalContext("follow_event_changes"))
        app.handler_map["send_registration_mail"](mine, LocalContext("send_registration_mail"))
    pump.drain()

    # Then she has one reminder
    assert len(_reminders(outbox, "grace@example.org")) == 1
