"""Emails say what happened: a cancellation mentions the place going to the next person only
when someone took it; poll invitations thank people for coming only when they came."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.core import clock
from tests.integration.polls_steps import invitations, invite, seed_polls
from tests.integration.registration_steps import create_event, manage_path, organiser, register

FORM_POST = {"Content-Type": "application/x-www-form-urlencoded"}
HANDED_ON = "your place has gone to the next person waiting"
ENDS = "2030-03-09T16:00:00+00:00"


def _cancel(client: Any, pump: Any, outbox: Any, email: str) -> dict[str, Any]:
    pump.drain()
    path = manage_path(outbox.messages_to(email)[-1])
    assert client.http.post(f"{path}/cancel", headers=FORM_POST, body="").status_code == 200
    pump.drain()
    (message,) = [m for m in outbox.messages_to(email) if m["subject"].startswith("Registration cancelled")]
    return message


def test_a_cancellation_says_the_place_went_on_only_when_someone_took_it(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given one event where nobody waits, and one where Bob waits for Cy's place
    quiet = create_event(client, organiser_key, capacity=2)
    register(client, quiet, "ada@example.com")
    full = create_event(client, organiser_key, capacity=1)
    register(client, full, "cy@example.com")
    register(client, full, "bob@example.com")

    # When Ada and Cy cancel
    ada = _cancel(client, pump, outbox, "ada@example.com")
    cy = _cancel(client, pump, outbox, "cy@example.com")

    # Then only Cy is told her place went to the next person
    assert HANDED_ON not in ada["text"] and HANDED_ON not in ada["html"]
    assert "Your registration is cancelled. Thank you" in ada["text"]
    assert HANDED_ON in cy["text"] and HANDED_ON in cy["html"]


def _invite(client: Any, key: str, event_id: str, pump: Any) -> None:
    assert invite(client, key, event_id).status_code == 202
    pump.drain()


def test_poll_invitations_before_the_end_do_not_thank_anyone_for_coming(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given an event that has not ended, with polls and Ada confirmed
    event_id = create_event(client, organiser_key, ends_at=ENDS)
    seed_polls(client, organiser_key, event_id)
    register(client, event_id, "ada@example.com")
    pump.drain()

    # When the organiser invites early
    _invite(client, organiser_key, event_id, pump)

    # Then Ada is thanked for registering, not for coming
    [ada] = invitations(outbox, "ada@example.com")
    for part in ("text", "html"):
        assert "for coming" not in ada[part]
        assert "Thank you for registering for" in ada[part]


def test_once_attendance_is_taken_only_those_who_came_are_invited_and_thanked(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given Ada and Bob confirmed, and only Ada marked as attended
    event_id = create_event(client, organiser_key, ends_at=ENDS)
    seed_polls(client, organiser_key, event_id)
    for email in ("ada@example.com", "bob@example.com"):
        register(client, event_id, email)
    pump.drain()
    marked = client.http.post(f"/admin/events/{event_id}/attendance", headers=organiser(organiser_key),
                              body='{"emails": ["ada@example.com"]}')
    assert marked.status_code == 200

    # When the event has ended and the organiser invites
    ended = clock.parse(ENDS) + timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: ended)
    _invite(client, organiser_key, event_id, pump)

    # Then Ada is thanked for coming, and Bob (marked absent) is not invited at all
    [ada] = invitations(outbox, "ada@example.com")
    assert "Thank you for coming to" in ada["text"] and "Thank you for coming to" in ada["html"]
    assert invitations(outbox, "bob@example.com") == []
