"""Polls over real HTTP on the local stack: the demo's three polls, an attendee answering through
the emailed link, a burst of identical answers counted once, and invitations at the event's end."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import requests

from tests.e2e.conftest import LocalStack

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
POLL_LINK = re.compile(r"https?://[^\s\"'<>]+/p/[A-Za-z0-9_-]{20,100}")
EVENT = {
    "title": "Professions and their communities",
    "number": 53,
    "starts_at": "2030-10-08T09:00:00+01:00",
    "ends_at": "2030-10-08T15:30:00+01:00",
    "timezone": "Europe/London",
    "venue": "Ofgem, 10 South Colonnade, London",
    "host": "Ofgem",
    "capacity": 40,
}


def demo_event(stack: LocalStack) -> str:
    listed = stack.get("/events", headers={"Accept": "application/json"}).json()
    [event] = [event for event in listed if event.get("number") == 48]
    return str(event["event_id"])


def polls_of(stack: LocalStack, event_id: str) -> list[dict[str, Any]]:
    response = stack.admin("GET", f"/admin/events/{event_id}/polls")
    assert response.status_code == 200, response.text
    return list(response.json()["polls"])


def results(stack: LocalStack, poll_id: str) -> dict[str, Any]:
    response = stack.admin("GET", f"/admin/polls/{poll_id}/results")
    assert response.status_code == 200, response.text
    return dict(response.json())


def register(stack: LocalStack, event_id: str, email: str) -> None:
    response = stack.post(f"/events/{event_id}/registrations", headers=JSON, json={
        "email": email, "name": "Jo Stanford", "organisation": "HPCA",
        "consent_report": True, "consent_updates": False})
    assert response.status_code == 202, response.text


def poll_link(stack: LocalStack, email: str) -> str:
    [message] = [m for m in stack.outbox(to=email) if m["subject"].startswith("How was")]
    [link] = set(POLL_LINK.findall(message["text"]))
    return link


def invited_link(stack: LocalStack, event_id: str, email: str) -> str:
    """Register, have the organiser send the poll invitations, and return the emailed link."""
    register(stack, event_id, email)
    stack.pump()
    assert stack.admin("POST", f"/admin/events/{event_id}/poll-invitations", {}).status_code == 202
    stack.pump()
    return poll_link(stack, email)


def test_the_demo_event_has_the_seeds_three_polls(local_stack: LocalStack) -> None:
    polls = polls_of(local_stack, demo_event(local_stack))

    assert [p["kind"] for p in polls] == ["single", "single", "rating"]
    assert polls[0]["question"] == "What type of entity is your organisation supporting or trying to achieve?"
    assert polls[1]["options"][-1] == "High levels of adjustment"
    assert polls[2]["scale"] == {"min": 1, "max": 10, "min_label": "poor", "max_label": "perfect"}


def test_an_attendee_answers_through_the_emailed_link_and_the_results_show_percentages(
    local_stack: LocalStack, unique_email: str
) -> None:
    # Given an attendee of Event 48, invited to its polls
    event_id = demo_event(local_stack)
    entity, approach, rating = (p["poll_id"] for p in polls_of(local_stack, event_id))
    before = {poll: results(local_stack, poll)["total"] for poll in (entity, approach, rating)}
    link = invited_link(local_stack, event_id, unique_email)

    # When they open the link and answer all three
    page = requests.get(link, timeout=30, headers={"Accept": "text/html"})
    sent = requests.post(link, timeout=30, headers=JSON, json={"answers": {
        entity: "Communities of Practice", approach: "Medium levels of adjustment", rating: 6}})

    # Then the page showed the three polls and all three answers are recorded
    assert page.status_code == 200 and "1 = poor, 10 = perfect" in page.text
    assert sent.status_code == 200, sent.text
    assert set(sent.json()["recorded"]) == {entity, approach, rating}
    # And the results count them, with percentages to one decimal place
    for poll in (entity, approach, rating):
        assert results(local_stack, poll)["total"] == before[poll] + 1
    rated = results(local_stack, rating)
    assert rated["counts"]["6"] >= 1 and rated["at_or_below"]["10"] == 100.0
    assert rated["at_or_below"]["6"] >= rated["at_or_below"]["5"]
    assert any(re.fullmatch(r"\d+% rated \d+ or lower\.", line) for line in rated["summary"])
    chosen = results(local_stack, entity)
    assert round(sum(chosen["percent"].values())) == 100
    assert all(isinstance(value, float) for value in chosen["percent"].values())


def test_a_burst_of_identical_answers_counts_one_vote(local_stack: LocalStack, unique_email: str) -> None:
    # Given an attendee invited to one rating poll
    created = local_stack.admin("POST", "/admin/events", EVENT)
    event_id = created.json()["event_id"]
    poll = local_stack.admin("POST", f"/admin/events/{event_id}/polls",
                             {"question": "How useful was the day?", "kind": "rating"}).json()["poll_id"]
    link = invited_link(local_stack, event_id, unique_email)

    # When the same answer arrives twenty times at once (a double tap, a retrying phone)
    def send(_: int) -> int:
        return requests.post(link, timeout=60, headers=JSON, json={"answers": {poll: 8}}).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = Counter(pool.map(send, range(20)))

    # Then one was recorded and the rest were told it was already answered
    assert statuses == {200: 1, 409: 19}
    counted = results(local_stack, poll)
    assert counted["total"] == 1 and counted["counts"]["8"] == 1


def test_invitations_go_out_when_the_event_ends(local_stack: LocalStack) -> None:
    # Given an event with a poll and a confirmed attendee
    created = local_stack.admin("POST", "/admin/events", {**EVENT, "title": "Ends on time"})
    event_id = created.json()["event_id"]
    local_stack.admin("POST", f"/admin/events/{event_id}/polls", {
        "question": "Which session helped most?", "kind": "single", "options": ["Panel", "Workshops"]})
    email = f"ends-{secrets.token_hex(4)}@example.org"
    register(local_stack, event_id, email)
    local_stack.pump()

    # When the clock passes the event's end
    local_stack.pump(now=datetime(2030, 10, 8, 14, 30, 1, tzinfo=UTC))

    # Then the attendee has their personal link, and it opens the poll
    page = requests.get(poll_link(local_stack, email), timeout=30, headers={"Accept": "application/json"})
    assert page.status_code == 200
    assert [p["question"] for p in page.json()["polls"]] == ["Which session helped most?"]
