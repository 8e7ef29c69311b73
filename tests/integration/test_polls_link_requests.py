"""Someone in the room scans the poll's QR code and asks for their personal poll link: it goes
by email to a confirmed registrant only, the answer is the same for anyone, and a link asked
for this way still takes one answer per person per poll."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from tests.integration.polls_steps import (
    FORM,
    SEED_POLLS,
    answer,
    create_event,
    create_poll,
    invitations,
    invite,
    link_path,
    register,
    results,
)
from tests.integration.registration_steps import JSON


def ask_for_link(client: Any, event_id: str, email: str, *, as_form: bool = False) -> Any:
    if as_form:
        return client.http.post(f"/events/{event_id}/polls/links", headers=FORM, body=urlencode({"email": email}))
    return client.http.post(f"/events/{event_id}/polls/links", headers=JSON, body=json.dumps({"email": email}))


def asked_links(outbox: Any, email: str) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to(email) if m["subject"].startswith("Your link to answer the polls")]


def test_a_registrant_in_the_room_gets_their_own_link_and_still_votes_once(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given an event with a poll, Ada confirmed and already invited, and Grace confirmed
    event_id = create_event(client, organiser_key)
    poll_id = create_poll(client, organiser_key, event_id, SEED_POLLS[0]).json_body["poll_id"]
    for email in ("ada@example.com", "grace@example.org"):
        register(client, event_id, email)
    pump.drain()
    invite(client, organiser_key, event_id)
    pump.drain()
    [invited] = invitations(outbox, "ada@example.com")
    first = answer(client, link_path(invited), {poll_id: SEED_POLLS[0]["options"][0]})
    assert first.status_code == 200

    # When Ada and Grace ask the page the QR code opens, and a stranger does too
    page = client.http.get(f"/events/{event_id}/polls", headers={"Accept": "text/html"})
    answers = [ask_for_link(client, event_id, "ada@example.com", as_form=True),
               ask_for_link(client, event_id, "grace@example.org"),
               ask_for_link(client, event_id, "stranger@example.net")]
    pump.drain()

    # Then the page asks for an address; every answer is the same 202
    assert page.status_code == 200 and b"Email me my poll link" in page.body
    assert [a.status_code for a in answers] == [202, 202, 202]
    assert b"Check your email" in answers[0].body
    assert answers[1].json_body == answers[2].json_body == {"status": "received"}
    # And only registrants are emailed, a link of their own in both parts
    assert asked_links(outbox, "stranger@example.net") == []
    [for_ada] = asked_links(outbox, "ada@example.com")
    [for_grace] = asked_links(outbox, "grace@example.org")
    assert "Your link to answer the polls" in for_ada["subject"]

    # And Ada's new link cannot vote again; Grace's votes once
    again = answer(client, link_path(for_ada), {poll_id: SEED_POLLS[0]["options"][1]})
    grace = answer(client, link_path(for_grace), {poll_id: SEED_POLLS[0]["options"][1]})
    grace_again = answer(client, link_path(for_grace), {poll_id: SEED_POLLS[0]["options"][0]})
    assert (again.status_code, grace.status_code, grace_again.status_code) == (409, 200, 409)
    assert results(client, organiser_key, poll_id)["total"] == 2


def test_a_bad_address_is_named_and_nothing_is_sent(client: Any, organiser_key: str, pump: Any, outbox: Any,
                                                    aws_calls: Any) -> None:
    event_id = create_event(client, organiser_key)
    before = len(aws_calls.calls)

    as_json = ask_for_link(client, event_id, "not an address")
    as_form = ask_for_link(client, event_id, "", as_form=True)
    unknown = ask_for_link(client, "no-such-event", "ada@example.com")

    assert as_json.status_code == 400 and "email" in as_json.json_body["errors"]
    assert as_form.status_code == 400 and b'aria-invalid="true"' in as_form.body
    assert unknown.status_code == 404
    assert client.http.get("/events/no-such-event/polls").status_code == 404
    assert not [op for _, op in aws_calls.calls[before:] if op in ("PutItem", "TransactWriteItems")]


def test_asking_again_and_again_is_limited_per_address(client: Any, organiser_key: str, pump: Any,
                                                       outbox: Any) -> None:
    event_id = create_event(client, organiser_key)
    create_poll(client, organiser_key, event_id, SEED_POLLS[0])
    register(client, event_id, "ada@example.com")
    pump.drain()

    for _ in range(5):
        assert ask_for_link(client, event_id, "ada@example.com").status_code == 202
    pump.drain()

    assert len(asked_links(outbox, "ada@example.com")) == 3
