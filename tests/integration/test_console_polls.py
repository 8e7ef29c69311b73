"""Organisers run an event's polls from the console: create (options, or a scale with end
labels), close, invite, see results; present mode puts the poll on the room's screen with a QR
code to vote and a chart that follows the answers. Every form needs the session's CSRF token."""

from __future__ import annotations

from typing import Any

from tests.integration.console_steps import session
from tests.integration.polls_steps import answer, create_event, invitations, link_path, register

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def polls_of(event_id: str) -> list[dict[str, Any]]:
    from chalicelib.polls import service

    return service.event_polls(event_id)


def test_an_organiser_creates_polls_of_each_kind_and_closes_one(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    console = session(client)

    # When the organiser creates a choice poll and a rating with labelled ends
    choice = console.post(f"/console/events/{event_id}/polls", {
        "question": "How did you hear about us?", "kind": "single", "options": "A colleague\r\nLinkedIn\r\n\r\n"})
    rating = console.post(f"/console/events/{event_id}/polls", {
        "question": "How useful was the day?", "kind": "rating", "scale_min": "1", "scale_max": "10",
        "min_label": "poor", "max_label": "perfect", "options": ""})

    # Then both exist as the API would have made them, and the page shows them with a chart
    assert (choice.status_code, rating.status_code) == (303, 303)
    first, second = polls_of(event_id)
    assert first["options"] == ["A colleague", "LinkedIn"] and first["created_by"] == "organiser@example.com"
    assert second["scale"] == {"min": 1, "max": 10, "min_label": "poor", "max_label": "perfect"}
    page = console.get(f"/console/events/{event_id}/polls")
    assert page.status_code == 200
    body = page.body.decode()
    assert "Poll created: How useful was the day?" in body
    assert "How did you hear about us?" in body and "from 1 (poor) to 10 (perfect)" in body

    # When it closes the first
    closed = console.post(f"/console/polls/{first['poll_id']}/close")
    assert closed.status_code == 303
    assert polls_of(event_id)[0]["status"] == "closed"


def test_a_bad_poll_is_named_next_to_its_field_and_nothing_is_written(
        client: Any, organiser_key: str, aws_calls: Any) -> None:
    event_id = create_event(client, organiser_key)
    console = session(client)
    before = len(aws_calls.calls)

    one_option = console.post(f"/console/events/{event_id}/polls",
                              {"question": "Pick", "kind": "single", "options": "Only one"})
    bad_scale = console.post(f"/console/events/{event_id}/polls",
                             {"question": "Rate", "kind": "rating", "scale_min": "ten", "scale_max": "1"})

    assert one_option.status_code == 400 and 'id="poll-options-error"' in one_option.body.decode()
    assert 'value="Pick"' in one_option.body.decode()
    assert bad_scale.status_code == 400 and 'id="poll-scale-error"' in bad_scale.body.decode()
    assert not [op for _, op in aws_calls.calls[before:] if op in WRITES]
    assert polls_of(event_id) == []


def test_poll_forms_need_the_session_and_its_csrf_token(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    console = session(client)
    fields = {"question": "Pick", "kind": "single", "options": "A\nB"}

    forged = console.post(f"/console/events/{event_id}/polls", fields, csrf=False)
    anonymous = client.http.post(f"/console/events/{event_id}/polls", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}, body="question=Pick")
    unsigned_page = client.http.get(f"/console/events/{event_id}/polls", headers={"Accept": "text/html"})

    assert (forged.status_code, anonymous.status_code) == (403, 403)
    assert unsigned_page.status_code == 303 and unsigned_page.headers["Location"].endswith("/console")
    assert polls_of(event_id) == []
    poll = console.post(f"/console/events/{event_id}/polls", fields)
    assert poll.status_code == 303
    [created] = polls_of(event_id)
    assert console.post(f"/console/polls/{created['poll_id']}/close", csrf=False).status_code == 403
    assert polls_of(event_id)[0]["status"] == "open"


def test_present_mode_shows_the_code_to_vote_and_the_answers_as_they_arrive(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given a poll, and six attendees with their personal links
    event_id = create_event(client, organiser_key)
    console = session(client)
    console.post(f"/console/events/{event_id}/polls", {"question": "Coffee or tea?", "kind": "single",
                                                       "options": "Coffee\nTea"})
    [poll] = polls_of(event_id)
    people = [f"person{n}@example.com" for n in range(6)]
    for email in people:
        register(client, event_id, email)
    pump.drain()
    assert console.post(f"/console/events/{event_id}/poll-invitations").status_code == 303
    pump.drain()
    links = [link_path(invitations(outbox, email)[0]) for email in people]

    # When the organiser presents it
    page = console.get(f"/console/polls/{poll['poll_id']}/present")

    # Then the room sees the question, a QR code and the short link to ask for a personal link
    assert page.status_code == 200
    body = page.body.decode()
    assert "<h1 id=\"question\">Coffee or tea?</h1>" in body
    assert 'src="data:image/svg+xml' in body and f"testserver/events/{event_id}/polls" in body
    assert '<meta http-equiv="refresh"' in body and "/console/assets/present.js" in body
    assert "0</strong> answers" in body

    # And the results route follows the answers: the count at once, the bars from five answers
    def shown() -> dict[str, Any]:
        response = console.get(f"/console/polls/{poll['poll_id']}/present/results")
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        return dict(response.json_body)

    for link in links[:4]:
        assert answer(client, link, {poll["poll_id"]: "Coffee"}).status_code == 200
    four = shown()
    assert four["total"] == 4 and "appear once 5 people" in four["html"]
    for link in links[4:]:
        answer(client, link, {poll["poll_id"]: "Tea"})
    six = shown()
    assert six["total"] == 6 and "67%" in six["html"] and "33%" in six["html"]


def test_the_present_script_is_served_from_the_site(client: Any, deployed: Any) -> None:
    script = client.http.get("/console/assets/present.js")
    unknown = client.http.get("/console/assets/other.js")

    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert b"fetch(" in script.body
    assert unknown.status_code == 404
