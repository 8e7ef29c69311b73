"""People change their own details from the manage link, download their invite again and add
the event to a web calendar."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from tests.integration.registration_steps import (
    JSON,
    create_event,
    manage_path,
    register,
    registrations,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}


def _link(client: Any, organiser_key: str, pump: Any, outbox: Any, **fields: Any) -> tuple[str, str]:
    event_id = create_event(client, organiser_key, **fields)
    register(client, event_id, "ada@example.com")
    pump.drain()
    return event_id, manage_path(outbox.messages_to("ada@example.com")[-1])


def _held(client: Any, key: str, event_id: str) -> dict[str, Any]:
    (record,) = registrations(client, key, event_id)
    return record


def test_a_person_changes_their_needs_and_consents_from_the_page(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Ada's manage link (she asked for the report, not for updates)
    event_id, path = _link(client, organiser_key, pump, outbox)

    # When she sends the page's form with new needs, the report box unticked, updates ticked
    response = client.http.post(path, headers=FORM, body=urlencode({
        "name": "Ada Lovelace", "organisation": "Engines\nLtd", "job_title": "",
        "needs": "Step-free access\nVegan", "consent_updates": "true"}))

    # Then the page says so and shows what is held; the organisers see it too
    assert response.status_code == 200
    assert "Your changes are saved." in response.body.decode()
    held = _held(client, organiser_key, event_id)
    assert held["needs"] == "Step-free access\nVegan"
    assert held["organisation"] == "Engines Ltd"  # one line by the time it is stored
    assert held["job_title"] == ""
    assert (held["consent_report"], held["consent_updates"]) == (False, True)
    assert held["status"] == "confirmed"


def test_a_json_client_changes_only_the_fields_it_sends(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id, path = _link(client, organiser_key, pump, outbox)

    response = client.http.post(path, headers=JSON, body=json.dumps({"needs": "A quiet room"}))

    assert response.status_code == 200
    assert response.json_body["registration"]["needs"] == "A quiet room"
    held = _held(client, organiser_key, event_id)
    assert (held["name"], held["consent_report"]) == ("Ada Lovelace", True)


def test_a_bad_change_names_the_field_and_writes_nothing(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id, path = _link(client, organiser_key, pump, outbox)
    before = _held(client, organiser_key, event_id)

    as_json = client.http.post(path, headers=JSON, body=json.dumps({"name": "", "email": "x@example.com"}))
    as_page = client.http.post(path, headers=FORM, body=urlencode({"name": "", "organisation": "Engines",
                                                                   "needs": "x" * 1001}))

    assert as_json.status_code == 400 and set(as_json.json_body["errors"]) == {"name", "email"}
    assert as_page.status_code == 400
    page = as_page.body.decode()
    assert 'id="name-error"' in page and 'id="needs-error"' in page and 'value="Engines"' in page
    assert _held(client, organiser_key, event_id) == before


def test_an_unknown_link_changes_nothing(client: Any) -> None:
    response = client.http.post("/r/" + "x" * 43, headers=FORM, body="name=A&organisation=B")
    assert response.status_code == 404


def test_the_invite_downloads_again_and_web_calendars_get_the_event(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Ada's manage link for an event in New York
    _, path = _link(client, organiser_key, pump, outbox, timezone="America/New_York",
                    starts_at="2030-03-09T10:00:00-05:00", ends_at="2030-03-09T16:00:00-05:00")

    # When she downloads the calendar file again
    ics = client.http.get(f"{path}/invite.ics")

    # Then it is the same invite as the email's: one UID, a REQUEST at the event's time
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    body = ics.body.decode()
    assert "METHOD:REQUEST" in body and "DTSTART;TZID=America/New_York:20300309T100000" in body
    emailed = outbox.messages_to("ada@example.com")[-1]
    (attachment,) = emailed["attachments"]
    uid = [line for line in body.split("\r\n") if line.startswith("UID:")]
    assert uid and uid[0] in str(attachment["content"])

    # And the page links to Google Calendar and Outlook.com with the event's times and place
    page = client.http.get(path).body.decode()
    assert f'href="http://testserver{path}/invite.ics"' in page
    google = _link_on(page, "https://calendar.google.com/")
    assert google["dates"] == ["20300309T150000Z/20300309T210000Z"]
    assert google["ctz"] == ["America/New_York"]
    outlook = _link_on(page, "https://outlook.live.com/")
    assert outlook["startdt"] == ["2030-03-09T15:00:00+00:00"]
    assert outlook["location"] == google["location"]
    assert "/events/" in page


def test_a_waiting_person_has_no_invite_to_download(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = create_event(client, organiser_key, capacity=1)
    register(client, event_id, "ada@example.com")
    register(client, event_id, "bob@example.com")
    pump.drain()
    path = manage_path(outbox.messages_to("bob@example.com")[-1])

    assert client.http.get(f"{path}/invite.ics").status_code == 404
    assert "calendar.google.com" not in client.http.get(path).body.decode()


def _link_on(page: str, prefix: str) -> dict[str, list[str]]:
    import html

    start = page.index(f'href="{prefix}') + len('href="')
    return parse_qs(urlparse(html.unescape(page[start:page.index('"', start)])).query)
