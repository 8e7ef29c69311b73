"""A person's data on request: organisers export everything held about one address, or erase
it while the club's counts (places, poll results, topic votes, downloads, report runs) stand."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.integration import nominations_steps, polls_steps, reports_steps, slides_steps
from tests.integration.registration_steps import JSON, counts, create_event, organiser, register
from tests.integration.test_topics import links_to, open_link, suggest, topics, vote

ADA = "ada@example.com"
BOB = "bob@example.org"
KINDS = {"registrations", "slide_requests", "slide_leads", "slide_downloads", "poll_votes",
         "poll_invitations", "nominations", "topic_suggestions", "topic_votes",
         "report_deliveries", "suppression", "messages", "subscriptions"}
ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


def export(client: Any, key: str, email: str) -> Any:
    return client.http.post("/admin/people/export", headers=organiser(key), body=json.dumps({"email": email}))


def erase(client: Any, key: str, email: str) -> Any:
    return client.http.post("/admin/people/erase", headers=organiser(key), body=json.dumps({"email": email}))


def held(client: Any, key: str, email: str) -> dict[str, list[dict[str, Any]]]:
    response = export(client, key, email)
    assert response.status_code == 200, response.body
    return dict(response.json_body["held"])


def confirmed_topic(client: Any, pump: Any, outbox: Any, title: str, email: str) -> str:
    assert suggest(client, title, email).status_code == 202
    pump.drain()
    opened = open_link(client, links_to(outbox, email)[0], json_answer=True)
    assert opened.status_code == 200, opened.body
    return str(opened.json_body["topic"]["topic_id"])


def confirmed_vote(client: Any, pump: Any, outbox: Any, topic_id: str, email: str) -> None:
    outbox.clear()
    assert vote(client, topic_id, email).status_code == 202
    pump.drain()
    assert open_link(client, links_to(outbox, email)[0]).status_code == 200


@pytest.fixture
def club(client: Any, organiser_key: str, pump: Any, outbox: Any) -> dict[str, Any]:
    """Ada and Bob have each registered, had and downloaded the slides, answered a poll,
    nominated a host, suggested a topic and voted for the other's, and got the report; Ada
    then unsubscribed from reports."""
    key = organiser_key
    event_id = create_event(client, key)
    slides_steps.upload(client, key, event_id)
    poll_ids = polls_steps.seed_polls(client, key, event_id)
    for email in (ADA, BOB):
        # Asking for news of future events puts them on the club's list too.
        assert register(client, event_id, email, consent_updates=True).status_code == 202
        slides_steps.ask_for_slides(client, event_id, email)
    pump.drain()
    for email in (ADA, BOB):
        [link] = slides_steps.links_in(slides_steps.slide_emails(outbox, email)[0])
        assert slides_steps.press_download(client, link).status_code == 303
    assert polls_steps.invite(client, key, event_id).status_code == 202
    pump.drain()
    for email, option in ((ADA, "Profession"), (BOB, "Communities of Practice")):
        path = polls_steps.link_path(polls_steps.invitations(outbox, email)[0])
        assert polls_steps.answer(client, path, {poll_ids[0]: option}).status_code == 200
        assert nominations_steps.nominate(client, email=email).status_code == 202
    topic_ids = {email: confirmed_topic(client, pump, outbox, f"Topic of {email}", email) for email in (ADA, BOB)}
    confirmed_vote(client, pump, outbox, topic_ids[BOB], ADA)
    confirmed_vote(client, pump, outbox, topic_ids[ADA], BOB)
    reports_steps.save_sections(client, key, event_id, reports_steps.SECTIONS)
    run_id = reports_steps.start_run(client, key, event_id).json_body["run_id"]
    pump.drain()
    [report] = reports_steps.reports_to(outbox, ADA)
    assert client.http.post(reports_steps.unsubscribe_path(report), headers=ONE_CLICK,
                            body="List-Unsubscribe=One-Click").status_code == 200
    pump.drain()
    return {"event_id": event_id, "poll_id": poll_ids[0], "run_id": run_id, "topic_ids": topic_ids}


def aggregates(client: Any, key: str, club: dict[str, Any]) -> dict[str, Any]:
    """Every count an organiser or the public sees for the club's event, polls and topics."""
    slides = client.http.get(f"/admin/events/{club['event_id']}/slides", headers=organiser(key)).json_body
    return {
        "event": counts(client, key, club["event_id"]),
        "poll": polls_steps.results(client, key, club["poll_id"]),
        "topics": {t["topic_id"]: t["votes"] for t in topics(client)},
        "downloads": [f["downloads"] for f in slides["files"]],
        "run": reports_steps.run_status(client, key, club["run_id"]),
    }


def test_export_holds_everything_about_the_person_and_nothing_of_anyone_else(
    client: Any, organiser_key: str, club: dict[str, Any]
) -> None:
    # When an organiser exports what is held about Ada (typed as she might give it)
    response = export(client, organiser_key, "  Ada@Example.com ")

    # Then every kind of record about her is there, once
    assert response.status_code == 200, response.body
    assert response.json_body["email"] == ADA
    found = response.json_body["held"]
    assert set(found) == KINDS
    assert {kind: len(items) for kind, items in found.items()} == {
        **dict.fromkeys(KINDS, 1), "slide_leads": 0, "messages": 0}
    assert found["registrations"][0]["name"] == "Ada Lovelace"
    assert found["poll_votes"][0]["answer"] == "Profession"
    assert found["nominations"][0]["contact_name"] == "Grace Hopper"
    assert found["topic_suggestions"][0]["title"] == f"Topic of {ADA}"
    assert found["topic_votes"][0]["topic_id"] == club["topic_ids"][BOB]
    assert found["suppression"][0]["reason"] == "unsubscribed"
    # And times carry their offset, storage keys are not shown, and Bob appears nowhere
    assert datetime.fromisoformat(found["registrations"][0]["registered_at"]).utcoffset() is not None
    for items in found.values():
        for item in items:
            assert not {"pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"} & set(item), item
    assert BOB not in response.body.decode()
    assert response.headers["Cache-Control"] == "no-store"


def test_erasing_after_the_event_removes_the_person_and_keeps_every_count(
    client: Any, organiser_key: str, club: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the event is over, and what everyone sees of it
    from chalicelib.core import clock

    later = clock.now() + timedelta(days=365 * 10)
    monkeypatch.setattr(clock, "now", lambda: later)
    before = aggregates(client, organiser_key, club)
    bobs = held(client, organiser_key, BOB)

    # When an organiser erases Ada
    response = erase(client, organiser_key, ADA)

    # Then her records are gone; only the suppression that keeps reports away from her stays
    assert response.status_code == 200, response.body
    assert response.json_body == {"erased": 10, "kept": {"suppression": 1}}
    left = held(client, organiser_key, ADA)
    assert {kind: items for kind, items in left.items() if items} == {"suppression": left["suppression"]}
    # And the counts stand, and Bob's data is untouched
    assert aggregates(client, organiser_key, club) == before
    assert held(client, organiser_key, BOB) == bobs
    registered = client.http.get(f"/admin/events/{club['event_id']}/registrations",
                                 headers=organiser(organiser_key)).json_body["registrations"]
    assert [r["email"] for r in registered] == [BOB]
    assert [t["title"] for t in topics(client) if t["topic_id"] == club["topic_ids"][ADA]] == [f"Topic of {ADA}"]

    # When she is erased again, nothing more is found
    again = erase(client, organiser_key, ADA)
    assert again.status_code == 200
    assert again.json_body == {"erased": 0, "kept": {"suppression": 1}}


def test_erasing_before_the_event_gives_the_place_to_the_next_waiting_person(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given Ada holds the one place and Bob waits
    event_id = create_event(client, organiser_key, capacity=1)
    for email in (ADA, BOB):
        assert register(client, event_id, email).status_code == 202
        pump.drain()
    outbox.clear()

    # When Ada is erased
    response = erase(client, organiser_key, ADA)
    pump.drain()

    # Then Bob has her place and is told; Ada gets no email and nothing of hers is left
    assert response.json_body["erased"] == 1
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 0, "cancelled": 1, "attended": 0, "offered": 0}
    assert len(outbox.messages_to(BOB)) == 1
    assert outbox.messages_to(ADA) == []
    assert not any(held(client, organiser_key, ADA).values())


def test_an_unknown_person_gets_the_same_shape_with_nothing_in_it(
    client: Any, organiser_key: str
) -> None:
    exported = export(client, organiser_key, "nobody@example.com")
    erased = erase(client, organiser_key, "nobody@example.com")

    assert exported.status_code == erased.status_code == 200
    assert exported.json_body["held"] == {kind: [] for kind in KINDS}
    assert erased.json_body == {"erased": 0, "kept": {"suppression": 0}}


@pytest.mark.parametrize("route", ["/admin/people/export", "/admin/people/erase"])
@pytest.mark.parametrize(("body", "field"), [
    ({}, "email"),
    ({"email": ""}, "email"),
    ({"email": "not an address"}, "email"),
    ({"email": ["a@example.com", "b@example.com"]}, "email"),
    ({"email": ADA, "name": "Ada"}, "name"),
])
def test_a_bad_request_names_the_field_and_erases_nothing(
    client: Any, organiser_key: str, pump: Any, route: str, body: dict[str, Any], field: str
) -> None:
    # Given Ada is registered
    event_id = create_event(client, organiser_key)
    register(client, event_id, ADA)
    pump.drain()

    response = client.http.post(route, headers=organiser(organiser_key), body=json.dumps(body))

    assert response.status_code == 400
    assert field in response.json_body["errors"], response.json_body
    assert len(held(client, organiser_key, ADA)["registrations"]) == 1


@pytest.mark.parametrize("route", ["/admin/people/export", "/admin/people/erase"])
def test_people_routes_need_an_organiser(client: Any, organiser_key: str, route: str) -> None:
    body = json.dumps({"email": ADA})

    assert client.http.post(route, headers=JSON, body=body).status_code == 401
    assert client.http.post(route, headers={**JSON, "Authorization": "Bearer wrong-key"},
                            body=body).status_code == 403
