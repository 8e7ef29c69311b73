"""Finding one's way in the console as an organiser new to it: every page of an event leads to
its others, an empty list says what to do next, and a form's error is shown where it was made."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.console_steps import session
from tests.integration.registration_steps import create_event, register


def test_the_door_leads_to_the_event_s_other_pages(client: Any, organiser_key: str) -> None:
    console = session(client)
    event_id = create_event(client, organiser_key)

    door = console.get(f"/console/events/{event_id}/door").body.decode()

    assert 'aria-label="This event"' in door
    for page in ("", "/polls", "/slides", "/report"):
        assert f'href="http://testserver/console/events/{event_id}{page}"' in door, page
    assert f'href="http://testserver/console/events/{event_id}/door" aria-current="page"' in door


def test_an_event_nobody_registered_for_says_where_people_register(client: Any, organiser_key: str) -> None:
    console = session(client)
    event_id = create_event(client, organiser_key)

    page = console.get(f"/console/events/{event_id}").body.decode()

    assert "Nobody has registered yet" in page
    assert f'href="http://testserver/events/{event_id}">public page</a>' in page


def test_a_mistyped_address_is_shown_on_the_form_it_was_typed_in(client: Any, organiser_key: str) -> None:
    console = session(client)
    assert console.get("/console/people").status_code == 200

    exported = console.post("/console/people/export", {"email": "ada.example.org"}).body.decode()
    erased = console.post("/console/people/erase", {"email": "ada.example.org"}).body.decode()

    # One error, under the field that was filled in, and the summary's link goes to that field
    assert 'id="export-email-error"' in exported and 'id="erase-email-error"' not in exported
    assert 'href="#export-email"' in exported and 'value="ada.example.org"' in exported
    assert 'id="erase-email-error"' in erased and 'id="export-email-error"' not in erased
    assert 'href="#erase-email"' in erased


def _form_id(page: str) -> str:
    found = re.search(r'name="form_id" value="([A-Za-z0-9_-]+)"', page)
    assert found, "every console form carries its own id"
    return found.group(1)


def test_a_form_sent_twice_acts_once(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    from tests.integration.test_console_pages import NEW

    console = session(client)
    form_id = _form_id(console.get("/console/events/new").body.decode())

    # When the create form is sent twice (a double-click), the second follows the first
    first = console.post("/console/events", {**NEW, "title": "Twice clicked", "form_id": form_id})
    second = console.post("/console/events", {**NEW, "title": "Twice clicked", "form_id": form_id})

    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    # And the page it lands on still says what the first did, and there is one event
    assert "is created" in console.get(first.headers["Location"].removeprefix("http://testserver")).body.decode()
    assert console.get("/console/events").body.decode().count("Twice clicked") == 1

    # When a message to attendees is sent twice, each person gets one email
    event_id = first.headers["Location"].rsplit("/", 1)[-1]
    register(client, event_id, "ada@example.org")
    pump.drain()
    outbox.clear()
    form_id = _form_id(console.get(f"/console/events/{event_id}").body.decode())
    message = {"audience": "confirmed", "subject": "Parking", "markdown": "Behind the hall.", "form_id": form_id}
    assert console.post(f"/console/events/{event_id}/messages", message).status_code == 303
    assert console.post(f"/console/events/{event_id}/messages", message).status_code == 303
    pump.drain()
    assert len(outbox.messages_to("ada@example.org")) == 1


def test_a_form_answered_with_its_errors_can_be_corrected_and_sent(client: Any, organiser_key: str) -> None:
    from tests.integration.test_console_pages import NEW

    console = session(client)
    form_id = _form_id(console.get("/console/events/new").body.decode())

    refused = console.post("/console/events", {**NEW, "capacity": "-1", "form_id": form_id})
    again = console.post("/console/events", {**NEW, "title": "Corrected", "form_id": form_id})

    assert refused.status_code == 400 and 'id="capacity-error"' in refused.body.decode()
    assert again.status_code == 303
    assert "Corrected" in console.get("/console/events").body.decode()


def test_empty_lists_say_where_their_items_come_from(client: Any, organiser_key: str) -> None:
    console = session(client)
    event_id = create_event(client, organiser_key)

    topics = console.get("/console/topics").body.decode()
    nominations = console.get("/console/nominations").body.decode()
    slides = console.get(f"/console/events/{event_id}/slides").body.decode()

    assert 'No topics yet. People suggest them on <a href="http://testserver/topics">' in topics
    assert '<a href="http://testserver/nominations/host">the nomination form</a>' in nominations
    assert '<a href="#upload-title">Upload the first file below</a>' in slides


def test_a_capacity_below_those_confirmed_is_named_on_the_edit_form(client: Any, organiser_key: str,
                                                                     pump: Any) -> None:
    from tests.integration.test_console_pages import NEW

    console = session(client)
    event_id = create_event(client, organiser_key)
    for email in ("ada@example.org", "grace@example.org"):
        register(client, event_id, email)
    pump.drain()

    answer = console.post(f"/console/events/{event_id}/edit", {**NEW, "title": "Kept as typed", "capacity": "1"})

    body = answer.body.decode()
    assert answer.status_code == 400 and "Edit the event" in body
    assert 'id="capacity-error"' in body and "2 people are already confirmed" in body
    assert 'value="Kept as typed"' in body


def test_a_message_that_would_reach_nobody_says_so_on_the_form(client: Any, organiser_key: str,
                                                                pump: Any, outbox: Any) -> None:
    console = session(client)
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.org")
    pump.drain()
    outbox.clear()

    answer = console.post(f"/console/events/{event_id}/messages",
                          {"audience": "waitlisted", "subject": "Parking", "markdown": "Behind the hall."})

    body = answer.body.decode()
    assert answer.status_code == 400 and 'id="message-audience-error"' in body
    assert "Nobody is waiting yet" in body and 'value="Parking"' in body
    pump.drain()
    assert outbox.messages_to("ada@example.org") == []


def test_the_time_zone_is_chosen_not_typed(client: Any, organiser_key: str) -> None:
    console = session(client)
    elsewhere = create_event(client, organiser_key, timezone="Asia/Tokyo")

    new = console.get("/console/events/new").body.decode()
    edit = console.get(f"/console/events/{elsewhere}/edit").body.decode()

    assert '<select id="timezone" name="timezone"' in new
    assert '<option value="Europe/London" selected>Europe/London</option>' in new
    assert '<option value="America/New_York">America/New York</option>' in new
    # An event in a zone off the list keeps it
    assert '<option value="Asia/Tokyo" selected>Asia/Tokyo</option>' in edit


def test_an_unknown_event_in_the_console_leads_back_to_the_console(client: Any, organiser_key: str) -> None:
    console = session(client)

    for answer in (console.get("/console/events/no-such-event/polls"),
                   console.post("/console/events/no-such-event/polls", {"question": "Tea?"})):
        body = answer.body.decode()
        assert answer.status_code == 404 and "We could not find that event" in body
        assert '<a href="http://testserver/console">Back to the console</a>' in body
        assert "See upcoming events" not in body
