"""Every optional field may be left out, alone or together, and any valid text may be typed:
every page, email, export, report and organiser command that shows the thing still works.

The property tests create events, registrations, polls, nominations and topics with a random
subset of their optional fields and random valid values (odd Unicode, line breaks and control
characters, text up to each limit), then open everything that shows them. The backend is
shared by the examples of one test, so each example uses its own event and addresses.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from chalicelib.core.text import display_title, one_line, paragraphs
from clubflow.cli import CommandError, main
from tests.integration.event_steps import NEW_EVENT
from tests.integration.polls_steps import invitations, link_path
from tests.integration.registration_steps import JSON, manage_path, organiser
from tests.integration.slides_steps import links_in, slide_emails, upload

EXAMPLES = settings(max_examples=4, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
HTML = {"Accept": "text/html"}
FORM_POST = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
VOTE_LINK = re.compile(r"https?://[^\s\"'<>]+(/v/[A-Za-z0-9_-]{20,100})")
_people = itertools.count()


def typed(max_size: int, *, lines: bool = False, min_size: int = 1) -> st.SearchStrategy[str]:
    """What a person may type: any characters (line breaks and control characters too), at
    most `max_size` of them, with something left once the text is made one line or tidied."""
    clean = paragraphs if lines else one_line
    return st.text(min_size=min_size, max_size=max_size).filter(lambda value: bool(clean(value)))


def some(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A random subset of the optional fields, each with a random value."""
    return st.fixed_dictionaries({}, optional=fields)


def address(tag: str) -> str:
    return f"{tag}{next(_people)}@example.com"


def ok(response: Any, *expected: int) -> Any:
    assert response.status_code in (expected or (200,)), (response.status_code, response.body[:500])
    return response


def cli(client: Any, key: str, monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    """Run an organiser command in-process against the test client; what it printed."""

    def send(method: str, path: str, body: Any) -> Any:
        response = client.http.request(method, path, headers={**organiser(key), "Accept": "*/*"},
                                       body=json.dumps(body) if body is not None else b"")
        assert response.status_code < 500, (method, path, response.body[:500])
        if response.status_code >= 400:
            raise CommandError(f"{method} {path} answered {response.status_code}")
        return response

    def call(self: Any, method: str, path: str, body: Any = None) -> Any:
        response = send(method, path, body)
        return json.loads(response.body) if response.body else None

    def text(self: Any, path: str) -> str:
        return str(send("GET", path, None).body.decode())

    monkeypatch.setattr("clubflow.api.Api.call", call)
    monkeypatch.setattr("clubflow.api.Api.text", text)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main([*argv, "--api", "http://testserver", "--key", key]) == 0
    return out.getvalue()


def shows(page: Any, text: str) -> bool:
    return str(escape(text)) in page.body.decode()


# --- the two 500s that were found, and the slide email stopped by a line break ----------------------------


def test_an_event_without_a_number_shows_everywhere_and_can_be_cancelled(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given an event created without a number, and Ada registered for it
    body = {k: v for k, v in NEW_EVENT.items() if k != "number"}
    event_id = ok(client.http.post("/admin/events", headers=organiser(organiser_key), body=json.dumps(body)),
                  201).json_body["event_id"]
    ok(client.http.post(f"/events/{event_id}/registrations", headers=JSON, body=json.dumps(
        {"email": "ada@example.com", "name": "Ada", "organisation": "Engines"})), 202)
    pump.drain()

    # Then the list, its page, its slides page and Ada's manage page show its title alone
    for path in ("/events", f"/events/{event_id}", f"/events/{event_id}/slides"):
        page = ok(client.http.get(path, headers=HTML))
        assert b"Communities of Practice" in page.body and b"Event None" not in page.body
    [confirmed] = outbox.messages_to("ada@example.com")
    assert confirmed["subject"] == "You're registered: Communities of Practice"
    manage = manage_path(confirmed)
    assert b"Communities of Practice" in ok(client.http.get(manage, headers=HTML)).body
    # And cancelling answers a page, not an error after the cancel was made
    cancelled = ok(client.http.post(f"{manage}/cancel", headers=FORM_POST, body=b""))
    assert b"We have cancelled your registration for Communities of Practice" in cancelled.body


def test_a_rating_poll_added_as_the_readme_shows_keeps_the_poll_page_working(
    client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a rating poll added with `--kind rating --scale 1-10` and no labels
    event_id = ok(client.http.post("/admin/events", headers=organiser(organiser_key),
                                   body=json.dumps(NEW_EVENT)), 201).json_body["event_id"]
    cli(client, organiser_key, monkeypatch, "polls", "add", event_id, "--question", "How was the day?",
        "--kind", "rating", "--scale", "1-10")
    ok(client.http.post(f"/events/{event_id}/registrations", headers=JSON, body=json.dumps(
        {"email": "ada@example.com", "name": "Ada", "organisation": "Engines"})), 202)
    pump.drain()
    ok(client.http.post(f"/admin/events/{event_id}/poll-invitations", headers=organiser(organiser_key),
                        body="{}"), 202)
    pump.drain()

    # When Ada opens her poll link
    [invitation] = invitations(outbox, "ada@example.com")
    page = ok(client.http.get(link_path(invitation), headers=HTML))

    # Then the page asks for a number on the scale
    assert b"How was the day?" in page.body
    assert b"Choose a number from 1 to 10." in page.body


def test_a_title_with_a_line_break_is_stored_on_one_line_and_the_slides_email_goes(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given an event whose title was typed with a line break, with slides, and Ada registered
    event = {**NEW_EVENT, "title": "Communities\r\nof Practice", "venue": "Close Brothers\n10 Crown Place"}
    created = ok(client.http.post("/admin/events", headers=organiser(organiser_key), body=json.dumps(event)), 201)
    event_id = created.json_body["event_id"]
    assert created.json_body["event"]["title"] == "Communities of Practice"
    assert created.json_body["event"]["venue"] == "Close Brothers 10 Crown Place"
    upload(client, organiser_key, event_id)
    ok(client.http.post(f"/events/{event_id}/registrations", headers=JSON, body=json.dumps(
        {"email": "ada@example.com", "name": "Ada\nLovelace", "organisation": "Engines"})), 202)
    pump.drain()

    # When she asks for the slides
    ok(client.http.post(f"/events/{event_id}/slides/requests", headers=JSON,
                        body=json.dumps({"email": "ada@example.com"})), 202)
    pump.drain()

    # Then the email arrives, its subject on one line
    [message] = slide_emails(outbox, "ada@example.com")
    assert message["subject"] == "Your slides from Event 48 \N{EN DASH} Communities of Practice"
    assert links_in(message)


def test_a_title_stored_with_a_line_break_still_reaches_every_email(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given an event whose title was stored with a line break before titles were made one line
    from chalicelib.core import keys, store

    event_id = ok(client.http.post("/admin/events", headers=organiser(organiser_key),
                                   body=json.dumps(NEW_EVENT)), 201).json_body["event_id"]
    store.update(keys.event(event_id), "SET title = :title", vals={":title": "Communities\nof Practice"})
    upload(client, organiser_key, event_id)
    ok(client.http.post(f"/events/{event_id}/registrations", headers=JSON, body=json.dumps(
        {"email": "ada@example.com", "name": "Ada", "organisation": "Engines"})), 202)
    pump.drain()

    # When Ada asks for the slides
    ok(client.http.post(f"/events/{event_id}/slides/requests", headers=JSON,
                        body=json.dumps({"email": "ada@example.com"})), 202)
    pump.drain()

    # Then the confirmation and the slides email both went, with one-line subjects
    subjects = sorted(message["subject"] for message in outbox.messages_to("ada@example.com"))
    assert subjects == ["You're registered: Event 48 \N{EN DASH} Communities of Practice",
                        "Your slides from Event 48 \N{EN DASH} Communities of Practice"]


# --- properties --------------------------------------------------------------------------------------------

SPEAKERS = st.lists(st.fixed_dictionaries({"name": typed(120)},
                                           optional={"organisation": typed(150), "role": typed(120)}), max_size=3)
OPTIONAL_EVENT_FIELDS = {
    "number": st.integers(min_value=1, max_value=100_000),
    "description": typed(5000, lines=True),
    "registration_closes_at": st.just("2030-03-08T17:00:00+00:00"),
    "slide_policy": st.sampled_from(["registered", "consented", "public"]),
    "speakers": SPEAKERS,
}
EVENT_CHANGES = {
    "title": typed(150), "venue": typed(300), "host": typed(150), "number": st.integers(1, 100_000),
    "description": typed(5000, lines=True), "capacity": st.integers(1, 10_000),
    "slide_policy": st.sampled_from(["registered", "consented", "public"]), "speakers": SPEAKERS,
}
OPTIONAL_PERSON_FIELDS = {
    "job_title": typed(150), "needs": typed(1000, lines=True),
    "consent_report": st.booleans(), "consent_updates": st.booleans(),
}


@EXAMPLES
@given(
    required=st.fixed_dictionaries({"title": typed(150), "venue": typed(300), "host": typed(150)}),
    optional=some(OPTIONAL_EVENT_FIELDS),
    changes=some(EVENT_CHANGES),
    people=st.lists(st.fixed_dictionaries({"name": typed(120), "organisation": typed(150)},
                                          optional=OPTIONAL_PERSON_FIELDS), max_size=2),
    sections=st.lists(st.fixed_dictionaries({"title": typed(200), "markdown": typed(300, lines=True)}),
                      max_size=2),
    with_slides=st.booleans(),
)
def test_any_event_and_registration_shows_on_every_page_email_export_and_command(
    client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch,
    required: dict[str, Any], optional: dict[str, Any], changes: dict[str, Any],
    people: list[dict[str, Any]], sections: list[dict[str, Any]], with_slides: bool,
) -> None:
    # Given an event with some of its optional fields, perhaps changed afterwards
    body = {**{k: NEW_EVENT[k] for k in ("starts_at", "ends_at", "timezone", "capacity")}, **required, **optional}
    created = ok(client.http.post("/admin/events", headers=organiser(organiser_key), body=json.dumps(body)), 201)
    event_id = created.json_body["event_id"]
    event = created.json_body["event"]
    assert event["title"] == one_line(required["title"])
    if changes:
        event = ok(client.http.patch(f"/admin/events/{event_id}", headers=organiser(organiser_key),
                                     body=json.dumps(changes))).json_body
    title = display_title(event)
    if with_slides:
        upload(client, organiser_key, event_id)
    # And people registered with some of their optional fields
    emails = [address("person") for _ in people]
    for email, person in zip(emails, people, strict=True):
        ok(client.http.post(f"/events/{event_id}/registrations", headers=JSON,
                            body=json.dumps({"email": email, **person})), 202)
    pump.drain()

    # Then every public page of the event shows its one display title
    for path in ("/events", f"/events/{event_id}", f"/events/{event_id}/slides"):
        assert shows(ok(client.http.get(path, headers=HTML)), title), path
    assert ok(client.http.get("/events", headers=JSON)).status_code == 200
    # And each person's confirmation names it on one line, and their manage page works
    for email, person in zip(emails, people, strict=True):
        [confirmation] = outbox.messages_to(email)
        assert confirmation["subject"].endswith(title), (confirmation["subject"], title)
        manage = manage_path(confirmation)
        page = ok(client.http.get(manage, headers=HTML))
        assert shows(page, title) and shows(page, one_line(person["name"]))
        ok(client.http.get(manage, headers=JSON))
    # And the organiser's exports and commands show it
    ok(client.http.get(f"/admin/events/{event_id}/registrations", headers=organiser(organiser_key)))
    ok(client.http.get(f"/admin/events/{event_id}/registrations?format=csv",
                       headers={**organiser(organiser_key), "Accept": "text/csv"}))
    assert title in cli(client, organiser_key, monkeypatch, "events", "show", event_id)
    assert event_id in cli(client, organiser_key, monkeypatch, "events", "list")
    cli(client, organiser_key, monkeypatch, "events", "registrations", event_id)
    cli(client, organiser_key, monkeypatch, "events", "registrations", event_id, "--csv", "-")
    for email in emails:
        assert email in cli(client, organiser_key, monkeypatch, "people", "export", email)

    # When people ask for the slides, and the report is sent
    for email in emails:
        ok(client.http.post(f"/events/{event_id}/slides/requests", headers=JSON,
                            body=json.dumps({"email": email, "consent": True})), 202)
    ok(client.http.put(f"/admin/events/{event_id}/report", headers=organiser(organiser_key),
                       body=json.dumps({"sections": sections})))
    run_id = ok(client.http.post(f"/admin/events/{event_id}/report-runs", headers=organiser(organiser_key),
                                 body="{}"), 202).json_body["run_id"]
    pump.drain()

    # Then the slide emails and reports went (the first person has a place; others may wait),
    # and the report's web version shows the title
    for first, (email, person) in zip(itertools.count(0), zip(emails, people, strict=True), strict=False):
        slides = slide_emails(outbox, email)
        assert [m["subject"] for m in slides] in ([], [f"Your slides from {title}"])
        reports = [m for m in outbox.messages_to(email) if m["subject"].endswith("the summary report")]
        assert len(reports) <= (1 if person.get("consent_report") else 0)
        if first == 0:
            assert len(slides) == (1 if with_slides else 0)
            assert len(reports) == (1 if person.get("consent_report") else 0)
    assert "done" in cli(client, organiser_key, monkeypatch, "reports", "status", run_id)
    assert shows(ok(client.http.get(f"/reports/{event_id}", headers=HTML)), title)
    # And a cancel answers its page
    for email in emails:
        [confirmation] = [m for m in outbox.messages_to(email) if m["subject"].startswith("You're")]
        assert shows(ok(client.http.post(f"{manage_path(confirmation)}/cancel", headers=FORM_POST, body=b"")), title)


POLL = st.one_of(
    st.fixed_dictionaries({
        "question": typed(300), "kind": st.sampled_from(["single", "multiple"]),
        "options": st.lists(typed(200), min_size=2, max_size=12,
                            unique_by=lambda option: one_line(option).casefold()),
    }),
    st.fixed_dictionaries({"question": typed(300), "kind": st.just("rating")}, optional={
        "scale": st.integers(-5, 5).flatmap(lambda low: st.fixed_dictionaries(
            {"min": st.just(low), "max": st.integers(low + 1, low + 20)},
            optional={"min_label": typed(40), "max_label": typed(40)})),
    }),
)


@EXAMPLES
@given(polls=st.lists(POLL, min_size=1, max_size=3), number=st.none() | st.integers(1, 100_000),
       answer=st.booleans())
def test_any_poll_shows_on_the_poll_page_invitation_results_and_commands(
    client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch,
    polls: list[dict[str, Any]], number: int | None, answer: bool,
) -> None:
    # Given an event, with or without a number, with random polls and one attendee invited
    body = {k: v for k, v in NEW_EVENT.items() if k != "number"} | ({"number": number} if number else {})
    event_id = ok(client.http.post("/admin/events", headers=organiser(organiser_key),
                                   body=json.dumps(body)), 201).json_body["event_id"]
    poll_ids = [ok(client.http.post(f"/admin/events/{event_id}/polls", headers=organiser(organiser_key),
                                    body=json.dumps(poll)), 201).json_body["poll_id"] for poll in polls]
    email = address("voter")
    ok(client.http.post(f"/events/{event_id}/registrations", headers=JSON, body=json.dumps(
        {"email": email, "name": "Ada", "organisation": "Engines"})), 202)
    pump.drain()
    ok(client.http.post(f"/admin/events/{event_id}/poll-invitations", headers=organiser(organiser_key),
                        body="{}"), 202)
    pump.drain()

    # When the attendee opens the invitation's link, and perhaps answers every poll
    title = display_title({"title": NEW_EVENT["title"], "number": number})
    [invitation] = invitations(outbox, email)
    assert invitation["subject"].startswith(f"How was {title}?")
    path = link_path(invitation)
    page = ok(client.http.get(path, headers=HTML))
    for poll in polls:
        assert shows(page, one_line(poll["question"]))
    if answer:
        answers = {poll_id: one_line(poll["options"][0]) if poll["kind"] == "single"
                   else [one_line(poll["options"][-1])] if poll["kind"] == "multiple"
                   else poll.get("scale", {}).get("max", 10)
                   for poll_id, poll in zip(poll_ids, polls, strict=True)}
        ok(client.http.post(path, headers=JSON, body=json.dumps({"answers": answers})))

    # Then the page (answered or not), the results and the commands all answer
    ok(client.http.get(path, headers=HTML))
    ok(client.http.get(path, headers=JSON))
    listed = cli(client, organiser_key, monkeypatch, "polls", "list", event_id)
    for poll_id in poll_ids:
        ok(client.http.get(f"/admin/polls/{poll_id}/results", headers=organiser(organiser_key)))
        assert poll_id in listed
        cli(client, organiser_key, monkeypatch, "polls", "results", poll_id)


NOMINATION_OPTIONAL = {
    "facilities": typed(1000, lines=True),
    "preferred_months": st.lists(st.sampled_from(["January", "Mar", "june", "December"]), max_size=4),
    "message": typed(2000, lines=True),
}


@EXAMPLES
@given(
    nomination=st.fixed_dictionaries({
        "organisation": typed(150), "contact_name": typed(120), "city": typed(80),
        "venue": typed(300, lines=True), "capacity": st.integers(1, 5000),
    }, optional=NOMINATION_OPTIONAL),
    decision=st.fixed_dictionaries({"status": st.sampled_from(["shortlisted", "accepted", "declined"])},
                                   optional={"message": typed(2000, lines=True)}),
    topic=st.fixed_dictionaries({"title": typed(120)}, optional={"description": typed(1000, lines=True)}),
)
def test_any_nomination_and_topic_shows_in_emails_lists_exports_and_commands(
    client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch,
    nomination: dict[str, Any], decision: dict[str, Any], topic: dict[str, Any],
) -> None:
    # Given a host nomination and a topic suggestion with some of their optional fields
    nominee, suggester = address("nominee"), address("suggester")
    ok(client.http.post("/nominations", headers=JSON,
                        body=json.dumps({"kind": "host", "email": nominee, **nomination})), 202)
    ok(client.http.post("/topics", headers=JSON, body=json.dumps({"email": suggester, **topic})), 202)
    pump.drain()

    # When the organisers decide the nomination and the suggester confirms the topic
    organisation = one_line(nomination["organisation"])
    listed = ok(client.http.get("/admin/nominations?status=received", headers=organiser(organiser_key)))
    [found] = [n for n in listed.json_body["nominations"] if n["email"] == nominee]
    assert found["organisation"] == organisation
    assert found["nomination_id"] in cli(client, organiser_key, monkeypatch, "nominations", "list")
    ok(client.http.post(f"/admin/nominations/{found['nomination_id']}/decision",
                        headers=organiser(organiser_key), body=json.dumps(decision)))
    [confirm] = outbox.messages_to(suggester)
    vote_path = VOTE_LINK.search(confirm["text"])
    assert vote_path, confirm["text"]
    # A GET confirms today; once emailed links act on POST only, the POST does (either way, no 5xx).
    ok(client.http.get(vote_path.group(1), headers=HTML))
    assert client.http.post(vote_path.group(1), headers=FORM_POST, body=b"").status_code < 500
    pump.drain()

    # Then the nominee heard twice, the topics page lists the topic, and the exports answer
    assert len(outbox.messages_to(nominee)) == 2
    assert shows(ok(client.http.get("/topics", headers=HTML)), one_line(topic["title"]))
    cli(client, organiser_key, monkeypatch, "nominations", "list", "--status", decision["status"])
    for email in (nominee, suggester):
        assert email in cli(client, organiser_key, monkeypatch, "people", "export", email)
