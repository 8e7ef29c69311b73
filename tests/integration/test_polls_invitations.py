"""Confirmed attendees are emailed a personal poll link when the event ends, or when an
organiser asks; nobody is emailed twice, however often it is asked or delivered."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from tests.conftest import sample_event
from tests.integration.polls_steps import (
    create_event,
    invitations,
    invite,
    link_path,
    register,
    seed_polls,
)
from tests.integration.registration_steps import change_event, manage_path, with_detail

ENDS = "2030-03-09T16:00:00+00:00"


@pytest.fixture
def event_id(client: Any, organiser_key: str) -> str:
    event = create_event(client, organiser_key, ends_at=ENDS)
    seed_polls(client, organiser_key, event)
    return event


def _schedule(event_id: str) -> dict[str, Any]:
    return dict(boto3.client("scheduler").get_schedule(Name=f"poll-invitations-{event_id}",
                                                       GroupName=os.environ["SCHEDULER_GROUP"]))


def _requests(aws_calls: Any) -> list[dict[str, Any]]:
    return [json.loads(e["Detail"]) for e in aws_calls.published if e["DetailType"] == "PollInvitationsRequested"]


def test_confirmed_attendees_get_one_personal_link_each_and_nobody_else_does(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    # Given Ada and Grace confirmed, Bob who cancelled, and Cy waiting for a place
    change_event(client, organiser_key, event_id, capacity=3)
    for email in ("ada@example.com", "grace@example.org", "bob@example.com", "cy@example.com", "dee@example.com"):
        register(client, event_id, email)
    pump.drain()
    bob_manage = manage_path(outbox.messages_to("bob@example.com")[0])
    client.http.post(f"{bob_manage}/cancel", headers={"Content-Type": "application/x-www-form-urlencoded"}, body="")
    pump.drain()  # Cy takes Bob's place; Dee waits

    # When the organiser asks for the invitations
    response = invite(client, organiser_key, event_id)
    pump.drain()

    # Then each confirmed attendee has one invitation with a link of their own
    assert response.status_code == 202 and response.json_body["status"] == "queued"
    [ada] = invitations(outbox, "ada@example.com")
    [grace] = invitations(outbox, "grace@example.org")
    [cy] = invitations(outbox, "cy@example.com")
    assert invitations(outbox, "bob@example.com") == [] and invitations(outbox, "dee@example.com") == []
    assert ada["subject"] == "How was Event 48 \N{EN DASH} Communities of Practice? 3 quick questions"
    assert "Hello Ada Lovelace" in ada["text"] and "30 days" in ada["text"]
    assert len({link_path(ada), link_path(grace), link_path(cy)}) == 3
    # And the link opens the event's polls
    page = client.http.get(link_path(ada), headers={"Accept": "application/json"})
    assert page.status_code == 200 and len(page.json_body["polls"]) == 3


def test_asking_again_emails_only_people_not_yet_invited(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    register(client, event_id, "ada@example.com")
    pump.drain()
    invite(client, organiser_key, event_id)
    pump.drain()

    # When Grace registers late and the organiser asks twice more
    register(client, event_id, "grace@example.org")
    pump.drain()
    invite(client, organiser_key, event_id)
    invite(client, organiser_key, event_id)
    pump.drain()

    # Then Ada still has one invitation, and Grace one
    assert len(invitations(outbox, "ada@example.com")) == 1
    assert len(invitations(outbox, "grace@example.org")) == 1


def test_a_redelivered_or_repeated_invitation_sends_nothing_twice(
    client: Any, event_id: str, pump: Any, outbox: Any
) -> None:
    from app import app
    from clubflow.dev.pump import LocalContext

    # Given Ada and Grace are confirmed
    register(client, event_id, "ada@example.com")
    register(client, event_id, "grace@example.org")
    pump.drain()
    handler = app.handler_map["send_poll_invitations"]

    # When their invitations are delivered, then Ada's again and once more from a later run
    batch = handler(with_detail(sample_event("sqs_poll_invitation_due.json"), event_id=event_id),
                    LocalContext("send_poll_invitations"))
    again = handler(with_detail(sample_event("sqs_poll_invitation_due_redelivered.json"), event_id=event_id),
                    LocalContext("send_poll_invitations"))

    # Then each was emailed once
    assert batch == again == {"batchItemFailures": []}
    assert len(invitations(outbox, "ada@example.com")) == 1
    assert len(invitations(outbox, "grace@example.org")) == 1


def test_a_new_event_is_scheduled_to_invite_its_attendees_when_it_ends(
    deployed: Any, client: Any, event_id: str, pump: Any
) -> None:
    pump.drain()

    schedule = _schedule(event_id)

    assert schedule["ScheduleExpression"] == "at(2030-03-09T16:00:00)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["ActionAfterCompletion"] == "DELETE"
    target = schedule["Target"]
    assert target["Arn"] == deployed.environment["BUS_ARN"]
    assert target["RoleArn"] == deployed.environment["SCHEDULER_ROLE_ARN"]
    assert target["EventBridgeParameters"] == {"DetailType": "PollInvitationsRequested", "Source": "clubflow"}


def test_the_invitations_go_out_when_the_moved_event_ends(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    # Given Ada is confirmed, and the event moved a week later
    register(client, event_id, "ada@example.com")
    pump.drain()
    change_event(client, organiser_key, event_id, starts_at="2030-03-16T10:00:00+00:00",
                 ends_at="2030-03-16T17:30:00+00:00")
    pump.drain()
    assert _schedule(event_id)["ScheduleExpression"] == "at(2030-03-16T17:30:00)"

    # When the clock reaches the old end, nothing happens
    pump.drain(now=datetime(2030, 3, 9, 16, 0, 1, tzinfo=UTC))
    assert invitations(outbox, "ada@example.com") == []

    # When it reaches the new end, she is invited
    pump.drain(now=datetime(2030, 3, 16, 17, 30, 1, tzinfo=UTC))
    assert len(invitations(outbox, "ada@example.com")) == 1


def test_a_scheduled_request_for_an_end_since_moved_invites_nobody(
    client: Any, event_id: str, pump: Any, outbox: Any
) -> None:
    from app import app
    from clubflow.dev.pump import LocalContext

    register(client, event_id, "ada@example.com")
    pump.drain()
    stale = with_detail(sample_event("sqs_poll_invitations_requested.json"), event_id=event_id,
                        ends_at="2030-03-02T16:00:00+00:00")

    app.handler_map["send_poll_invitations"](stale, LocalContext("send_poll_invitations"))
    pump.drain()

    assert invitations(outbox, "ada@example.com") == []


def test_the_request_on_the_bus_matches_its_schema(
    client: Any, organiser_key: str, event_id: str, aws_calls: Any, pump: Any
) -> None:
    invite(client, organiser_key, event_id)
    pump.relay_outbox()  # stored for the relay, which puts it on the bus

    [request] = _requests(aws_calls)  # conftest validates it against events/schemas

    assert request["event_id"] == event_id and request["requested_by"] == "organiser@example.com"
