"""Near the start a freed place is offered, not given: the first waiting person accepts or
declines from their emailed link (a page, then its button), and an offer not taken, declined or
lapsed by its schedule, passes to the next person. While offered, the place is held."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.hold_steps import OFFER_LINK, answer, clock_mover, link_in, mail_to, starting_in, statuses
from tests.integration.registration_steps import JSON, counts, create_event, manage_path, organiser, register

OFFER_SUBJECT = "A place has come up for you"
PROMOTED_SUBJECT = "A place has come up, you're registered"


def _full_with_two_waiting(client: Any, key: str, pump: Any, **event: Any) -> str:
    """One place, taken by first@; ada@ then bob@ waiting."""
    event_id = create_event(client, key, capacity=1, **event)
    for person in ("first@example.com", "ada@example.com", "bob@example.com"):
        assert register(client, event_id, person).status_code == 202
    pump.drain()
    return event_id


def _cancel(client: Any, outbox: Any, pump: Any, email: str) -> None:
    path = manage_path(outbox.messages_to(email)[-1])
    assert client.http.post(f"{path}/cancel", headers=JSON, body="{}").status_code == 200
    pump.drain()


def _offer_path(outbox: Any, email: str) -> str:
    (offer,) = mail_to(outbox, email, OFFER_SUBJECT)
    return link_in(offer, OFFER_LINK)


def test_the_window_decides_between_promoting_and_offering(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given two places taken and two people waiting, at an event five days ahead (window 48 hours)
    event_id = create_event(client, organiser_key, capacity=2, **starting_in(timedelta(days=5)))
    for person in ("one@example.com", "two@example.com", "ada@example.com", "bob@example.com"):
        register(client, event_id, person)
    pump.drain()
    move = clock_mover(monkeypatch)

    # When a place is freed a minute before the window opens, and another a minute into it
    move(timedelta(days=3, minutes=-1))
    _cancel(client, outbox, pump, "one@example.com")
    move(timedelta(days=3, minutes=1))
    _cancel(client, outbox, pump, "two@example.com")

    # Then the first went to Ada as today; the second is offered to Bob and held for him
    assert statuses(client, organiser_key, event_id) == {
        "one@example.com": "cancelled", "two@example.com": "cancelled",
        "ada@example.com": "confirmed", "bob@example.com": "offered"}
    assert mail_to(outbox, "ada@example.com", PROMOTED_SUBJECT)
    assert mail_to(outbox, "bob@example.com", OFFER_SUBJECT)
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 0, "cancelled": 2, "attended": 0, "offered": 1}


def test_a_narrower_window_set_by_the_organiser_promotes_as_today(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given an event ten hours ahead whose organisers offer only in the last six hours
    event_id = _full_with_two_waiting(client, organiser_key, pump, offer_window_hours=6,
                                      **starting_in(timedelta(hours=10)))

    # When the place is freed
    _cancel(client, outbox, pump, "first@example.com")

    # Then Ada is promoted, not asked
    assert statuses(client, organiser_key, event_id)["ada@example.com"] == "confirmed"


def test_an_offer_is_held_then_accepted_from_its_page(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given the place freed ten hours before the start, offered to Ada
    event_id = _full_with_two_waiting(client, organiser_key, pump, **starting_in(timedelta(hours=10)))
    _cancel(client, outbox, pump, "first@example.com")
    path = _offer_path(outbox, "ada@example.com")
    (offer,) = mail_to(outbox, "ada@example.com", OFFER_SUBJECT)
    assert "decline" in offer["text"] and "decline" in offer["html"]

    # When someone new registers, and Ada's link is opened (as a mail scanner would)
    register(client, event_id, "carol@example.com")
    page = client.http.get(f"{path}?answer=accept")

    # Then the place stays held for Ada: Carol waits, and opening the page changed nothing
    assert page.status_code == 200
    assert "Yes, I&#39;ll take the place" in page.body.decode() or "Yes, I'll take the place" in page.body.decode()
    assert page.headers["Cache-Control"] == "no-store"
    assert statuses(client, organiser_key, event_id)["carol@example.com"] == "waitlisted"
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 0, "waitlisted": 2, "cancelled": 1, "attended": 0, "offered": 1}

    # When Ada accepts (and presses again)
    accepted = answer(client, path, "accept")
    again = answer(client, path, "accept")
    pump.drain()

    # Then the place is hers, once, with the invite; the other answer is refused now
    assert accepted.status_code == 200 and accepted.json_body["state"] == "accepted"
    assert again.status_code == 200 and again.json_body["already"] is True
    assert answer(client, path, "decline").status_code == 409
    (promoted,) = mail_to(outbox, "ada@example.com", PROMOTED_SUBJECT)
    assert any(a["content_type"] == "text/calendar" for a in promoted["attachments"])
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 2, "cancelled": 1, "attended": 0, "offered": 0}


def test_a_declined_offer_passes_to_the_next_person_then_frees_the_place(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given the place offered to Ada, with Bob waiting behind her
    event_id = _full_with_two_waiting(client, organiser_key, pump, **starting_in(timedelta(hours=10)))
    _cancel(client, outbox, pump, "first@example.com")

    # When Ada declines from the page's form
    response = client.http.post(_offer_path(outbox, "ada@example.com"),
                                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
                                body="answer=decline")
    pump.drain()

    # Then it is offered to Bob, still held
    assert response.status_code == 200 and "the place goes to the next person waiting" in response.body.decode()
    assert statuses(client, organiser_key, event_id) == {
        "first@example.com": "cancelled", "ada@example.com": "cancelled", "bob@example.com": "offered"}
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 0, "waitlisted": 0, "cancelled": 2, "attended": 0, "offered": 1}

    # When Bob declines too, with nobody left waiting
    assert answer(client, _offer_path(outbox, "bob@example.com"), "decline").status_code == 200
    pump.drain()

    # Then the place is free, and the next to register takes it
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 0, "waitlisted": 0, "cancelled": 3, "attended": 0, "offered": 0}
    register(client, event_id, "carol@example.com")
    assert statuses(client, organiser_key, event_id)["carol@example.com"] == "confirmed"


def test_an_offer_left_unanswered_lapses_by_its_schedule_and_passes_on(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the place offered to Ada twenty hours before the start: open for 12 hours
    event_id = _full_with_two_waiting(client, organiser_key, pump, **starting_in(timedelta(hours=20)))
    _cancel(client, outbox, pump, "first@example.com")
    path = _offer_path(outbox, "ada@example.com")
    move = clock_mover(monkeypatch)

    # When eleven hours pass (the day-before reminder fires), nothing lapses
    pump.drain(now=move(timedelta(hours=11)))
    assert statuses(client, organiser_key, event_id)["ada@example.com"] == "offered"

    # When twelve hours have passed and the schedule fires (twice, as a redelivery would)
    twelve = move(timedelta(hours=12, seconds=5))
    pump.drain(now=twelve)
    pump.drain(now=twelve)

    # Then the offer has lapsed and gone to Bob, once; Ada's late answer is refused with 409
    assert statuses(client, organiser_key, event_id) == {
        "first@example.com": "cancelled", "ada@example.com": "cancelled", "bob@example.com": "offered"}
    assert len(mail_to(outbox, "bob@example.com", OFFER_SUBJECT)) == 1
    late = answer(client, path, "accept")
    assert late.status_code == 409 and "lapsed" in late.json_body["errors"]["answer"]
    assert client.http.get(path, headers={"Accept": "application/json"}).json_body["state"] == "lapsed"
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 0, "waitlisted": 0, "cancelled": 2, "attended": 0, "offered": 1}


def test_an_offer_made_close_to_the_start_lapses_at_the_start_and_frees_the_place(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the place offered to Ada three hours before the start
    event_id = _full_with_two_waiting(client, organiser_key, pump, **starting_in(timedelta(hours=3)))
    _cancel(client, outbox, pump, "first@example.com")
    (offer,) = mail_to(outbox, "ada@example.com", OFFER_SUBJECT)

    # When the start comes with no answer
    pump.drain(now=clock_mover(monkeypatch)(timedelta(hours=3, seconds=5)))

    # Then the offer lapsed at the start, and nobody else is asked once the event has begun
    assert statuses(client, organiser_key, event_id)["ada@example.com"] == "cancelled"
    assert statuses(client, organiser_key, event_id)["bob@example.com"] == "waitlisted"
    assert not mail_to(outbox, "bob@example.com", OFFER_SUBJECT)
    assert counts(client, organiser_key, event_id)["offered"] == 0
    assert answer(client, link_in(offer, OFFER_LINK), "accept").status_code == 409


def test_an_answer_is_named_and_an_unknown_link_is_404(client: Any, organiser_key: str, pump: Any,
                                                       outbox: Any, aws_calls: Any) -> None:
    _full_with_two_waiting(client, organiser_key, pump, **starting_in(timedelta(hours=10)))
    _cancel(client, outbox, pump, "first@example.com")
    path = _offer_path(outbox, "ada@example.com")

    before = len(aws_calls.calls)
    wrong = answer(client, path, "maybe")
    assert wrong.status_code == 400 and "accept or decline" in wrong.json_body["errors"]["answer"]
    assert not {"TransactWriteItems", "UpdateItem", "PutItem"} & {op for _, op in aws_calls.calls[before:]}
    assert client.http.get("/o/" + "x" * 43).status_code == 404
    assert answer(client, "/o/" + "x" * 43, "accept").status_code == 404


def test_counts_csv_and_listing_show_the_offer(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = _full_with_two_waiting(client, organiser_key, pump, **starting_in(timedelta(hours=10)))
    _cancel(client, outbox, pump, "first@example.com")

    listed = client.http.get(f"/admin/events/{event_id}/registrations", headers=organiser(organiser_key)).json_body
    csv_text = client.http.get(f"/admin/events/{event_id}/registrations?format=csv",
                               headers=organiser(organiser_key)).body.decode("utf-8-sig")

    assert listed["counts"]["offered"] == 1
    (ada,) = [r for r in listed["registrations"] if r["email"] == "ada@example.com"]
    assert ada["status"] == "offered" and ada["offer_expires_at"]
    rows = {row["Email"]: row for row in csv.DictReader(io.StringIO(csv_text))}
    assert rows["ada@example.com"]["Status"] == "offered"
    assert rows["ada@example.com"]["Place offered until (UTC)"] == ada["offer_expires_at"]


def test_an_offer_to_an_address_that_bounced_is_not_emailed_and_passes_on(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    from chalicelib.reports.suppression import suppress

    # Given Ada first in line, whose address has since bounced
    event_id = _full_with_two_waiting(client, organiser_key, pump, **starting_in(timedelta(hours=10)))
    suppress("ada@example.com", "bounced")

    # When the place is freed inside the window
    _cancel(client, outbox, pump, "first@example.com")

    # Then no email goes to the bounced address, and the offer passes on to Bob at once
    assert not mail_to(outbox, "ada@example.com", OFFER_SUBJECT)
    assert statuses(client, organiser_key, event_id) == {
        "first@example.com": "cancelled", "ada@example.com": "cancelled", "bob@example.com": "offered"}
    assert mail_to(outbox, "bob@example.com", OFFER_SUBJECT)


def test_more_places_near_the_start_are_offered_too(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    from tests.integration.registration_steps import change_event

    # Given a full event ten hours ahead with two people waiting
    event_id = _full_with_two_waiting(client, organiser_key, pump, **starting_in(timedelta(hours=10)))

    # When the organiser adds a place
    change_event(client, organiser_key, event_id, capacity=2)
    pump.drain()

    # Then it is offered to the first waiting person, and held
    assert statuses(client, organiser_key, event_id)["ada@example.com"] == "offered"
    assert mail_to(outbox, "ada@example.com", OFFER_SUBJECT)
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 1, "cancelled": 0, "attended": 0, "offered": 1}
