"""After the form: the page echoes the address as typed and says what to do if nothing arrives."""

from __future__ import annotations

from typing import Any

from tests.integration.registration_steps import create_event, register_by_form


def test_the_page_echoes_the_address_as_typed_and_says_what_to_do_if_nothing_arrives(
        client: Any, organiser_key: str) -> None:
    # Given an event with one place, already taken by ana@example.org
    event_id = create_event(client, organiser_key, capacity=1)
    register_by_form(client, event_id, "ana@example.org")

    # When a new person with a typo, a waiting person and a repeat send the form
    pages = {email: register_by_form(client, event_id, email)
             for email in ("ana@exmaple.org", "bo@example.org", "ana@example.org")}

    # Then each page names the address as typed and what to do if nothing arrives
    for email, response in pages.items():
        page = response.body.decode()
        assert response.status_code == 202
        assert f"We've sent an email to <strong class=\"sent-to\">{email}</strong>" in page
        assert "spam or junk folder" in page and "If it has a typo, register again" in page

    # And nothing on the page tells a known address from a new one
    bodies = [r.body.decode().replace(email, "ADDRESS") for email, r in pages.items()]
    assert len(set(bodies)) == 1


def test_markup_in_the_typed_address_is_shown_as_text(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    response = register_by_form(client, event_id, "<b>x</b>@example.org")
    assert b"<b>x</b>" not in response.body
