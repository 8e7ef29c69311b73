"""The console's pages do what the API does, from a browser's forms: events created, changed
(telling attendees or not), cancelled and followed by the next; registrations searched, their
needs summarised, downloaded and written to; people checked in at the door; people's data
exported and erased; organisers added and revoked."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.console_steps import ORGANISER, session
from tests.integration.registration_steps import counts, create_event, register

NEW = {"title": "Communities of Practice", "number": "49", "starts_at": "2031-03-11T10:00",
       "ends_at": "2031-03-11T16:00", "timezone": "Europe/London", "venue": "Ofgem, London",
       "host": "Ofgem", "capacity": "2", "description": "A day of practice.", "slide_policy": "registered",
       "registration_closes_at": ""}


def _event_id(response: Any) -> str:
    assert response.status_code == 303, response.body
    match = re.search(r"/console/events/([\w-]+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def test_an_event_created_in_the_console_is_the_api_s_event(client: Any, organiser_key: str) -> None:
    console = session(client)
    assert b"Create the event" in console.get("/console/events/new").body

    event_id = _event_id(console.post("/console/events", NEW))

    shown = client.http.get(f"/admin/events/{event_id}", headers={
        "Authorization": f"Bearer {organiser_key}", "Accept": "application/json"}).json_body
    assert shown["title"] == "Communities of Practice" and shown["number"] == 49 and shown["capacity"] == 2
    # Times typed without an offset are read in the event's zone (March 11 is GMT)
    assert shown["starts_at"] == "2031-03-11T10:00:00+00:00"
    page = console.get(f"/console/events/{event_id}").body.decode()
    assert "Event 49 \u2013 Communities of Practice" in page and "is created" in page  # the flash, once
    assert "is created" not in console.get(f"/console/events/{event_id}").body.decode()
    assert "Event 49" in console.get("/console/events").body.decode()


def test_held_places_are_set_from_the_event_form_and_kept_or_changed_on_edit(client: Any, organiser_key: str) -> None:
    console = session(client)
    admin = {"Authorization": f"Bearer {organiser_key}", "Accept": "application/json"}
    # Left empty, the window is the default; the box ticked asks for real addresses
    event_id = _event_id(console.post("/console/events", {**NEW, "offer_window_hours": "",
                                                          "confirm_address": "on"}))
    shown = client.http.get(f"/admin/events/{event_id}", headers=admin).json_body
    assert shown["confirm_address"] is True and shown["offer_window_hours"] == 48
    edit = console.get(f"/console/events/{event_id}/edit").body.decode()
    assert 'name="confirm_address" value="on" checked' in edit

    # An edit with the box unticked and a narrower window changes both
    assert console.post(f"/console/events/{event_id}/edit", {**NEW, "offer_window_hours": "12"}).status_code == 303
    shown = client.http.get(f"/admin/events/{event_id}", headers=admin).json_body
    assert shown["confirm_address"] is False and shown["offer_window_hours"] == 12

    # A window out of range is named and nothing changes
    refused = console.post(f"/console/events/{event_id}/edit", {**NEW, "offer_window_hours": "-1"})
    assert refused.status_code == 400 and b"offer_window_hours" in refused.body
    assert client.http.get(f"/admin/events/{event_id}", headers=admin).json_body["offer_window_hours"] == 12


def test_a_bad_event_form_comes_back_with_each_field_named(client: Any, organiser_key: str,
                                                          aws_calls: Any) -> None:
    console = session(client)
    before = len(aws_calls.calls)
    answer = console.post("/console/events", {**NEW, "capacity": "0", "ends_at": "2031-03-11T09:00"})

    assert answer.status_code == 400
    body = answer.body.decode()
    assert 'id="capacity-error"' in body and 'id="ends_at-error"' in body
    assert 'value="Communities of Practice"' in body  # what was typed is kept
    assert not [op for _, op in aws_calls.calls[before:] if op in ("PutItem", "TransactWriteItems")]


def test_the_next_event_is_this_one_a_month_later(client: Any, organiser_key: str) -> None:
    console = session(client)
    event_id = _event_id(console.post("/console/events", {**NEW, "starts_at": "2031-01-31T10:00",
                                                          "ends_at": "2031-01-31T16:00"}))

    form = console.get(f"/console/events/new?from={event_id}").body.decode()

    assert 'value="50"' in form and 'value="2031-02-28T10:00"' in form and 'value="2031-02-28T16:00"' in form
    assert 'value="Ofgem, London"' in form


def test_an_edit_tells_attendees_only_when_asked(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    console = session(client)
    event_id = _event_id(console.post("/console/events", NEW))
    assert register(client, event_id, "ada@example.org").status_code == 202
    pump.drain()
    outbox.clear()
    edit = console.get(f"/console/events/{event_id}/edit").body.decode()
    assert 'name="notify" value="on" checked' in edit

    # When the venue is fixed quietly (the box unticked), then moved with the box ticked
    quiet = {**NEW, "venue": "Ofgem, 10 South Colonnade, London"}
    assert console.post(f"/console/events/{event_id}/edit", quiet).status_code == 303
    pump.drain()
    assert outbox.messages_to("ada@example.org") == []
    told = {**quiet, "venue": "HPCA, London", "notify": "on"}
    assert console.post(f"/console/events/{event_id}/edit", told).status_code == 303
    pump.drain()

    # Then only the second reached the attendee
    [moved] = outbox.messages_to("ada@example.org")
    assert "HPCA, London" in moved["text"]


def test_cancelling_asks_first_then_emails_everyone_once(client: Any, organiser_key: str, pump: Any,
                                                         outbox: Any) -> None:
    console = session(client)
    event_id = _event_id(console.post("/console/events", NEW))
    register(client, event_id, "ada@example.org")
    pump.drain()
    outbox.clear()

    asks = console.get(f"/console/events/{event_id}/cancel")
    assert asks.status_code == 200 and b"Cancel this event?" in asks.body
    for _ in range(2):
        assert console.post(f"/console/events/{event_id}/cancel", {"message": "The venue flooded."}).status_code == 303
    pump.drain()

    [cancelled] = outbox.messages_to("ada@example.org")
    assert "The venue flooded." in cancelled["text"]
    assert b"already cancelled" in console.get(f"/console/events/{event_id}").body


def test_the_event_page_searches_filters_and_plans_needs(client: Any, organiser_key: str, pump: Any) -> None:
    console = session(client)
    event_id = create_event(client, organiser_key, capacity=1)
    register(client, event_id, "ada@example.org", name="Ada Lovelace", needs="Vegan, and step-free access")
    register(client, event_id, "grace@example.org", name="Grace Hopper", needs="none")
    pump.drain()

    page = console.get(f"/console/events/{event_id}").body.decode()
    assert "Ada Lovelace" in page and "Grace Hopper" in page and "2 of 2 registrations" in page
    # Needs of the confirmed, under each heading they name
    needs = page[page.index('id="needs"'):page.index('id="message"')]
    assert "Dietary (1)" in needs and "Access (1)" in needs and "Grace" not in needs

    searched = _listed(console.get(f"/console/events/{event_id}?q=grace").body.decode())
    assert "Grace Hopper" in searched and "Ada Lovelace" not in searched
    waiting = _listed(console.get(f"/console/events/{event_id}?status=waitlisted").body.decode())
    assert "Grace Hopper" in waiting and "Ada Lovelace" not in waiting

    csv = console.get(f"/console/events/{event_id}/registrations.csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert "ada@example.org" in csv.body.decode("utf-8-sig")
    assert console.get("/console/events/no-such-event").status_code == 404


def _listed(page: str) -> str:
    """The registrations table of an event's page."""
    return page[page.index('id="registrations"'):page.index('id="needs"')]


def test_writing_to_attendees_sends_one_email_each(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    console = session(client)
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.org")
    pump.drain()
    outbox.clear()

    refused = console.post(f"/console/events/{event_id}/messages", {"audience": "confirmed", "subject": "",
                                                                   "markdown": "Hello"})
    assert refused.status_code == 400 and b'id="message-subject-error"' in refused.body
    sent = console.post(f"/console/events/{event_id}/messages",
                        {"audience": "confirmed", "subject": "Parking", "markdown": "Park **behind** the hall."})
    assert sent.status_code == 303
    pump.drain()

    [message] = outbox.messages_to("ada@example.org")
    assert message["subject"].endswith("Parking") or "Parking" in message["subject"]


def test_the_door_finds_by_name_and_checks_in_once(client: Any, organiser_key: str, pump: Any) -> None:
    console = session(client)
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.org", name="Ada Lovelace")
    pump.drain()

    found = console.get(f"/console/events/{event_id}/door?q=lovel").body.decode()
    assert "Ada Lovelace" in found and "Check in Ada Lovelace" in found
    first = console.post(f"/console/events/{event_id}/door", {"email": "ada@example.org", "q": "lovel"})
    again = console.post(f"/console/events/{event_id}/door", {"email": "ada@example.org", "q": "lovel"})

    assert first.status_code == again.status_code == 303
    assert first.headers["Location"].endswith(f"/console/events/{event_id}/door?q=lovel")
    assert b"was already checked in" in console.get(f"/console/events/{event_id}/door").body
    assert counts(client, organiser_key, event_id)["attended"] == 1
    count = client.http.get(f"/console/events/{event_id}/door/count", headers=console.headers())
    assert count.json_body == {"attended": 1, "confirmed": 1}
    # An unknown person is named on the door page, not an error page
    unknown = console.post(f"/console/events/{event_id}/door", {"email": "nobody@example.org"})
    assert unknown.status_code == 303
    assert b"No such registration" in console.get(f"/console/events/{event_id}/door").body


def test_a_scanned_code_checks_in_from_the_door_script(client: Any, organiser_key: str, pump: Any,
                                                        outbox: Any) -> None:
    console = session(client)
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.org")
    pump.drain()
    [confirmation] = outbox.messages_to("ada@example.org")
    link = re.search(r"https?://\S+/k/[A-Za-z0-9_-]+", confirmation["text"])
    assert link

    answer = client.http.post(f"/console/events/{event_id}/door", body=f"token={link.group(0)}",
                              headers=console.headers(**{"Content-Type": "application/x-www-form-urlencoded",
                                                         "Accept": "application/json",
                                                         "X-CSRF-Token": console.csrf_token}))

    assert answer.status_code == 200, answer.body
    assert answer.json_body["status"] == "checked_in" and answer.json_body["counts"]["attended"] == 1
    script = client.http.get("/console/assets/door.js")
    assert script.status_code == 200 and b"BarcodeDetector" in script.body


def test_people_are_exported_and_erased_after_a_confirmation(client: Any, organiser_key: str, pump: Any) -> None:
    console = session(client)
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.org")
    pump.drain()

    exported = console.post("/console/people/export", {"email": "Ada@Example.org"})
    assert exported.status_code == 200 and b"registrations: 1" in exported.body
    asks = console.post("/console/people/erase", {"email": "ada@example.org"})
    assert asks.status_code == 200 and b"Erase it" in asks.body
    assert counts(client, organiser_key, event_id)["confirmed"] == 1  # nothing erased by asking

    erased = console.post("/console/people/erase", {"email": "ada@example.org", "confirm": "yes"})

    assert erased.status_code == 303
    assert b"Erased" in console.get("/console/people").body
    assert b"registrations: 0" in console.post("/console/people/export", {"email": "ada@example.org"}).body


def test_an_organiser_added_sees_the_key_once_and_a_revoked_one_is_signed_out(
        client: Any, organiser_key: str) -> None:
    from chalicelib.core import auth

    console = session(client)
    added = console.post("/console/organisers", {"email": "grace@example.org"})
    key = re.search(r'value="(cfk_[A-Za-z0-9_-]+)"', added.body.decode())
    assert added.status_code == 200 and key and added.headers["Cache-Control"] == "no-store"
    assert auth.organiser_for(key.group(1)) == "grace@example.org"
    grace = session(client, "grace@example.org")
    [record] = [o for o in auth.list_organisers() if o.email == "grace@example.org"]

    asks = console.post("/console/organisers/revoke", {"key_id": record.key_id})
    assert asks.status_code == 200 and b"Revoke the key" in asks.body
    assert console.post("/console/organisers/revoke", {"key_id": record.key_id, "confirm": "yes"}).status_code == 303

    assert auth.organiser_for(key.group(1)) is None
    assert b'name="email"' in grace.get("/console").body
    assert b"Dashboard" in console.get("/console").body and ORGANISER.encode() in console.get("/console").body


def test_every_console_page_needs_a_session(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    for path in ("/console/events", "/console/events/new", f"/console/events/{event_id}",
                 f"/console/events/{event_id}/edit", f"/console/events/{event_id}/door",
                 f"/console/events/{event_id}/registrations.csv", "/console/people", "/console/organisers"):
        answer = client.http.get(path, headers={"Accept": "text/html"})
        assert answer.status_code == 303 and answer.headers["Location"].endswith("/console"), path
    for path in ("/console/events", f"/console/events/{event_id}/door", "/console/people/erase",
                 "/console/organisers"):
        refused = client.http.post(path, body="email=a%40example.org",
                                   headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
        assert refused.status_code == 403, path


def test_the_dashboard_says_what_needs_doing(client: Any, organiser_key: str, monkeypatch: Any) -> None:
    from chalicelib.core import clock

    event_id = create_event(client, organiser_key, title="Past practice", number=None,
                            starts_at="2031-01-10T10:00:00+00:00", ends_at="2031-01-10T16:00:00+00:00")
    create_event(client, organiser_key, title="Next week", number=None,
                 starts_at="2031-01-15T10:00:00+00:00", ends_at="2031-01-15T16:00:00+00:00")
    create_event(client, organiser_key, title="Next month", number=None,
                 starts_at="2031-02-15T10:00:00+00:00", ends_at="2031-02-15T16:00:00+00:00")
    monkeypatch.setattr(clock, "now", lambda: clock.parse("2031-01-12T09:00:00+00:00"))
    console = session(client)

    page = console.get("/console").body.decode()

    assert "Past practice: no polls yet" in page and "Past practice: report to write" in page
    assert f"/console/events/{event_id}" in page
    assert "Next week: no polls yet for the day" in page and "Next month: no polls" not in page


def test_the_dashboard_shows_a_report_run_until_it_is_done(client: Any, organiser_key: str, pump: Any,
                                                           monkeypatch: Any) -> None:
    from chalicelib.core import clock
    from tests.integration.reports_steps import SECTIONS, save_sections, start_run

    event_id = create_event(client, organiser_key, title="Reported", number=None,
                            starts_at="2031-01-10T10:00:00+00:00", ends_at="2031-01-10T16:00:00+00:00")
    monkeypatch.setattr(clock, "now", lambda: clock.parse("2031-01-12T09:00:00+00:00"))
    console = session(client)
    save_sections(client, organiser_key, event_id, SECTIONS)
    assert "Reported: report to send" in console.get("/console").body.decode()

    # When the report is sent: while it is queued, then once it is done
    run = start_run(client, organiser_key, event_id)
    assert run.status_code == 202, run.body
    queued = console.get("/console").body.decode()
    pump.drain()
    done = console.get("/console").body.decode()

    assert "Reports being sent" in queued
    # The run is named by its event and opens its progress page
    assert f'/console/report-runs/{run.json_body["run_id"]}">Reported</a>: waiting to start' in queued
    assert "Reports being sent" not in done and "Reported: report to" not in done
