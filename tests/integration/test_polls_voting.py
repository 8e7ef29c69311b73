"""Attendees answer the event's polls through their personal link: once per poll, whatever
they send, with results that read like the seed's report."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.polls_steps import (
    answer,
    answer_by_form,
    attendee_link,
    close,
    create_event,
    invitations,
    invite,
    link_path,
    register,
    results,
    seed_polls,
)

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "PutEvents"}


@pytest.fixture
def event_id(client: Any, organiser_key: str) -> str:
    return create_event(client, organiser_key)


@pytest.fixture
def polls(client: Any, organiser_key: str, event_id: str) -> list[str]:
    return seed_polls(client, organiser_key, event_id)


@pytest.fixture
def ada(client: Any, organiser_key: str, event_id: str, polls: list[str], pump: Any, outbox: Any) -> str:
    """Ada's personal poll link, from her invitation."""
    return attendee_link(client, organiser_key, event_id, "ada@example.com", pump, outbox)


def test_an_attendee_answers_all_three_polls_once_and_the_results_count_them(
    client: Any, organiser_key: str, polls: list[str], ada: str
) -> None:
    entity, approach, rating = polls

    # When Ada answers the three polls through her link
    response = answer(client, ada, {entity: "Communities of Practice",
                                    approach: "Medium levels of adjustment", rating: 6})

    # Then all three are recorded
    assert response.status_code == 200
    assert response.json_body == {"recorded": {entity: "Communities of Practice",
                                               approach: "Medium levels of adjustment", rating: 6}}
    # And her page shows them answered, with nothing left to answer
    page = client.http.get(ada, headers={"Accept": "application/json"}).json_body
    assert [(p["answered"], p["answer"]) for p in page["polls"]] == [
        (True, "Communities of Practice"), (True, "Medium levels of adjustment"), (True, 6)]
    # And the organiser's results count her once
    assert results(client, organiser_key, entity)["percent"]["Communities of Practice"] == 100.0
    assert results(client, organiser_key, rating)["at_or_below"]["6"] == 100.0
    assert results(client, organiser_key, rating)["at_or_below"]["5"] == 0.0


def test_answering_again_is_refused_per_poll_and_the_rest_are_recorded(
    client: Any, organiser_key: str, polls: list[str], ada: str
) -> None:
    entity, _, rating = polls
    assert answer(client, ada, {entity: "Profession"}).status_code == 200

    # When she sends that poll again, changed, along with another
    again = answer(client, ada, {entity: "Communities of Practice", rating: 9})

    # Then that poll says 409, her first answer stands, and the other is recorded
    assert again.status_code == 409
    assert again.json_body["recorded"] == {rating: 9}
    assert "already answered" in again.json_body["errors"][f"poll_{entity}"]
    counted = results(client, organiser_key, entity)
    assert counted["total"] == 1 and counted["counts"]["Profession"] == 1
    assert counted["counts"]["Communities of Practice"] == 0


def test_repeated_posts_of_the_same_ballot_count_once(
    client: Any, organiser_key: str, polls: list[str], ada: str
) -> None:
    ballot = {polls[0]: "Profession", polls[2]: 3}

    answers = [answer(client, ada, ballot) for _ in range(5)]

    assert [a.status_code for a in answers] == [200, 409, 409, 409, 409]
    assert results(client, organiser_key, polls[0])["total"] == 1
    assert results(client, organiser_key, polls[2])["counts"]["3"] == 1


@pytest.mark.parametrize("bad, field", [
    ({"rating": 11}, "rating"),
    ({"entity": "Centres of Excellence and more"}, "entity"),
    ({"approach": ["Low levels of adjustment"]}, "approach"),
])
def test_an_invalid_answer_is_a_400_naming_its_poll_and_nothing_is_recorded(
    client: Any, organiser_key: str, polls: list[str], ada: str, aws_calls: Any,
    bad: dict[str, Any], field: str
) -> None:
    ids = dict(zip(("entity", "approach", "rating"), polls, strict=True))
    good = {ids["entity"]: "Profession"} if "entity" not in bad else {ids["rating"]: 5}
    before = len(aws_calls.calls)

    response = answer(client, ada, {**good, **{ids[name]: value for name, value in bad.items()}})

    assert response.status_code == 400
    assert list(response.json_body["errors"]) == [f"poll_{ids[field]}"]
    assert not WRITES & {operation for _, operation in aws_calls.calls[before:]}
    assert all(results(client, organiser_key, poll)["total"] == 0 for poll in polls)


def test_a_closed_poll_refuses_answers_with_409_and_leaves_the_page(
    client: Any, organiser_key: str, polls: list[str], ada: str
) -> None:
    entity, approach, rating = polls
    close(client, organiser_key, approach)

    response = answer(client, ada, {approach: "No adjustment required", rating: 7})
    page = client.http.get(ada, headers={"Accept": "application/json"}).json_body

    assert response.status_code == 409
    assert response.json_body["recorded"] == {rating: 7}
    assert "closed" in response.json_body["errors"][f"poll_{approach}"]
    assert results(client, organiser_key, approach)["total"] == 0
    assert [p["poll_id"] for p in page["polls"]] == [entity, rating]


def test_the_page_is_a_form_that_works_without_javascript(
    client: Any, polls: list[str], ada: str
) -> None:
    entity, approach, rating = polls

    # The page offers radio buttons, and the 1-10 scale with its labels from the seed
    page = client.http.get(ada, headers={"Accept": "text/html"})
    html = page.body.decode()
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert f'action="http://testserver{ada}"' in html and "<script" not in html
    assert html.count(f'type="radio" id="poll_{entity}-') == 3
    assert html.count(f'name="poll_{rating}"') == 10
    assert f'<label for="poll_{rating}-6">' in html
    assert "1 = poor, 10 = perfect" in html

    # A bad answer comes back with the message next to its poll and the other choice kept
    refused = answer_by_form(client, ada, [(f"poll_{entity}", "Profession"), (f"poll_{rating}", "12")])
    body = refused.body.decode()
    assert refused.status_code == 400
    assert f'id="poll_{rating}-error"' in body and "Choose a number from 1 to 10." in body
    assert re.search(r'value="Profession"\s+checked', body)

    # A good one is recorded and shown as answered
    sent = answer_by_form(client, ada, [(f"poll_{entity}", "Profession"), (f"poll_{rating}", "4")])
    body = sent.body.decode()
    assert sent.status_code == 200
    assert "We recorded your answers to 2 polls." in body
    assert "Answered: Profession" in body and "Answered: 4 out of 10" in body
    assert body.count(f'name="poll_{approach}"') == 4


def test_a_multiple_choice_poll_takes_several_boxes_and_counts_respondents(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    created = client.http.post(
        f"/admin/events/{event_id}/polls",
        headers={"Authorization": f"Bearer {organiser_key}", "Content-Type": "application/json"},
        body='{"question": "Which themes matter to you?", "kind": "multiple",'
             ' "options": ["Ownership", "Membership", "Recognition"]}',
    )
    poll = created.json_body["poll_id"]
    ada = attendee_link(client, organiser_key, event_id, "ada@example.com", pump, outbox)
    grace = attendee_link(client, organiser_key, event_id, "grace@example.org", pump, outbox)

    answer_by_form(client, ada, [(f"poll_{poll}", "Ownership"), (f"poll_{poll}", "Recognition")])
    answer(client, grace, {poll: ["Ownership"]})

    counted = results(client, organiser_key, poll)
    assert counted["total"] == 2
    assert counted["counts"] == {"Ownership": 2, "Membership": 0, "Recognition": 1}
    assert counted["percent"] == {"Ownership": 100.0, "Membership": 0.0, "Recognition": 50.0}


def test_eleven_ratings_with_seven_at_six_or_lower_read_like_the_seed(
    client: Any, organiser_key: str, event_id: str, polls: list[str], pump: Any, outbox: Any
) -> None:
    # Given eleven attendees invited to the polls
    people = [f"person{n:02d}@example.com" for n in range(11)]
    for email in people:
        register(client, event_id, email)
    pump.drain()
    invite(client, organiser_key, event_id)
    pump.drain()

    # When they rate their organisation's approach, seven of them 6 or lower
    for email, rating in zip(people, [3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8], strict=True):
        [message] = invitations(outbox, email)
        assert answer(client, link_path(message), {polls[2]: rating}).status_code == 200

    # Then the results read as the report does: 64% rated 6 or lower
    counted = results(client, organiser_key, polls[2])
    assert counted["total"] == 11
    assert counted["at_or_below"]["6"] == 63.6
    assert counted["median"] == 6.0 and counted["mean"] == 5.7
    assert "64% rated 6 or lower." in counted["summary"]


def test_unknown_links_and_cancelled_registrations_get_the_same_404(
    client: Any, organiser_key: str, event_id: str, polls: list[str], ada: str
) -> None:
    # Given Ada cancelled her place after she was invited
    from chalicelib.registration import service as registrations

    registrations.cancel(event_id, "ada@example.com")

    # When she, and someone with a made-up link, open or post to the poll page
    cancelled = client.http.get(ada, headers={"Accept": "text/html"})
    forged = client.http.get("/p/" + "A" * 43, headers={"Accept": "text/html"})
    posted = answer(client, ada, {polls[0]: "Profession"})

    # Then both see the same not-found page and nothing is counted
    assert cancelled.status_code == forged.status_code == posted.status_code == 404
    assert cancelled.body == forged.body
    assert results(client, organiser_key, polls[0])["total"] == 0
