"""Finding one's way in the console as an organiser new to it: every page of an event leads to
its others, an empty list says what to do next, and a form's error is shown where it was made."""

from __future__ import annotations

from typing import Any

from tests.integration.console_steps import session
from tests.integration.registration_steps import create_event


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
