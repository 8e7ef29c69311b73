"""Organisers look after the topic list: a hidden topic leaves /topics and takes no votes until
shown again; a duplicate merged into another topic brings its votes, each person counted once;
a chosen topic says so on /topics."""

from __future__ import annotations

import json
from typing import Any

from tests.integration.test_topics import links_to, listed_topic, open_link, topics, vote

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def admin(client: Any, key: str, path: str, body: dict[str, Any] | None = None) -> Any:
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    if body is None:
        return client.http.post(path, headers=headers)
    return client.http.post(path, headers={**headers, "Content-Type": "application/json"}, body=json.dumps(body))


def organiser_topics(client: Any, key: str) -> dict[str, Any]:
    response = client.http.get("/admin/topics", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.body
    return dict(response.json_body)


def confirmed_votes(client: Any, pump: Any, outbox: Any, topic_id: str, *emails: str) -> None:
    for email in emails:
        assert vote(client, topic_id, email).status_code == 202
    pump.drain()
    for email in emails:
        assert open_link(client, links_to(outbox, email)[0]).status_code == 200


def test_a_hidden_topic_leaves_the_public_list_takes_no_votes_and_can_come_back(
    client: Any, pump: Any, outbox: Any, organiser_key: str
) -> None:
    # Given a listed topic with one vote, and another topic
    spam = listed_topic(client, pump, outbox, "Buy cheap watches", "spam@example.com")
    kept = listed_topic(client, pump, outbox, "Communities of Practice", "ada@example.com")
    confirmed_votes(client, pump, outbox, spam, "grace@example.org")

    # When an organiser hides it
    hidden = admin(client, organiser_key, f"/admin/topics/{spam}/hide")

    # Then it is gone from /topics, listed apart for organisers, and takes no vote
    assert hidden.status_code == 200, hidden.body
    assert hidden.json_body["topic"]["status"] == "hidden"
    assert [t["topic_id"] for t in topics(client)] == [kept]
    held = organiser_topics(client, organiser_key)
    assert [t["topic_id"] for t in held["listed"]] == [kept]
    assert [(t["topic_id"], t["votes"], t["email"]) for t in held["hidden"]] == [(spam, 1, "spam@example.com")]
    assert vote(client, spam, "linus@example.net").status_code == 404
    assert admin(client, organiser_key, f"/admin/topics/{spam}/hide").status_code == 200  # again: no change

    # When it is shown again, it is back with its vote
    shown = admin(client, organiser_key, f"/admin/topics/{spam}/show")
    assert shown.status_code == 200 and shown.json_body["topic"]["status"] == "listed"
    assert {t["topic_id"]: t["votes"] for t in topics(client)} == {spam: 1, kept: 0}
    assert organiser_topics(client, organiser_key)["hidden"] == []


def test_merging_a_duplicate_adds_its_votes_counting_each_person_once(
    client: Any, pump: Any, outbox: Any, organiser_key: str
) -> None:
    # Given two topics that say the same: Grace voted for both
    duplicate = listed_topic(client, pump, outbox, "Communities of practice (CoPs)", "ada@example.com")
    original = listed_topic(client, pump, outbox, "Communities of Practice", "linus@example.net")
    confirmed_votes(client, pump, outbox, duplicate, "grace@example.org", "alan@example.com")
    confirmed_votes(client, pump, outbox, original, "grace@example.org", "barbara@example.com")
    # and Edsger asked to vote for the duplicate, but has not opened his link yet
    assert vote(client, duplicate, "edsger@example.nl").status_code == 202
    pump.drain()
    [late_link] = links_to(outbox, "edsger@example.nl")

    # When an organiser merges the duplicate into the original
    merged = admin(client, organiser_key, f"/admin/topics/{duplicate}/merge", {"into": original})

    # Then the original counts Grace, Barbara and Alan once each, and the duplicate is gone
    assert merged.status_code == 200, merged.body
    assert (merged.json_body["moved"], merged.json_body["already"]) == (1, 1)
    assert merged.json_body["topic"]["votes"] == 3
    assert merged.json_body["topic"]["merged_from"] == [duplicate]
    assert [(t["topic_id"], t["votes"]) for t in topics(client)] == [(original, 3)]
    assert organiser_topics(client, organiser_key)["hidden"] == []

    # And Edsger's link, opened after the merge, counts for the original
    opened = open_link(client, late_link, json_answer=True)
    assert opened.status_code == 200 and opened.json_body["topic"]["topic_id"] == original
    assert topics(client)[0]["votes"] == 4

    # And merging again moves nothing twice; merging it elsewhere is refused
    again = admin(client, organiser_key, f"/admin/topics/{duplicate}/merge", {"into": original})
    assert (again.status_code, again.json_body["moved"], again.json_body["topic"]["votes"]) == (200, 0, 4)
    other = listed_topic(client, pump, outbox, "Centres of Excellence", "ada@example.com")
    assert admin(client, organiser_key, f"/admin/topics/{duplicate}/merge", {"into": other}).status_code == 409
    # And a person who voted for both has one vote item left, for the original
    exported = client.http.post("/admin/people/export", headers={
        "Authorization": f"Bearer {organiser_key}", "Content-Type": "application/json"},
        body=json.dumps({"email": "grace@example.org"}))
    assert [v["topic_id"] for v in exported.json_body["held"]["topic_votes"]] == [original]


def test_a_chosen_topic_says_so_on_the_topics_page(
    client: Any, pump: Any, outbox: Any, organiser_key: str
) -> None:
    topic_id = listed_topic(client, pump, outbox, "Communities of Practice", "ada@example.com")

    chosen = admin(client, organiser_key, f"/admin/topics/{topic_id}/choice", {"chosen": True})

    assert chosen.status_code == 200 and chosen.json_body["topic"]["chosen"] is True
    assert topics(client)[0]["chosen"] is True
    page = client.http.get("/topics", headers={"Accept": "text/html"}).body.decode()
    assert "Chosen for a future event" in page
    unchosen = admin(client, organiser_key, f"/admin/topics/{topic_id}/choice", {"chosen": False})
    assert unchosen.json_body["topic"]["chosen"] is False and topics(client)[0]["chosen"] is False
    # A hidden topic cannot be chosen
    admin(client, organiser_key, f"/admin/topics/{topic_id}/hide")
    assert admin(client, organiser_key, f"/admin/topics/{topic_id}/choice").status_code == 409


def test_a_bad_merge_names_the_field_and_writes_nothing(
    client: Any, pump: Any, outbox: Any, organiser_key: str, aws_calls: Any
) -> None:
    topic_id = listed_topic(client, pump, outbox, "Communities of Practice", "ada@example.com")
    before = len(aws_calls.calls)

    itself = admin(client, organiser_key, f"/admin/topics/{topic_id}/merge", {"into": topic_id})
    unknown = admin(client, organiser_key, f"/admin/topics/{topic_id}/merge", {"into": "nope"})
    missing = admin(client, organiser_key, f"/admin/topics/{topic_id}/merge", {})
    unknown_topic = admin(client, organiser_key, "/admin/topics/nope/hide")

    assert [r.status_code for r in (itself, unknown, missing)] == [400, 400, 400]
    assert all("into" in r.json_body["errors"] for r in (itself, unknown, missing))
    assert unknown_topic.status_code == 404
    assert not [op for _, op in aws_calls.calls[before:] if op in WRITES]
    assert topics(client)[0]["votes"] == 0


def test_topic_moderation_needs_the_organiser_key(client: Any, deployed: Any) -> None:
    assert client.http.get("/admin/topics").status_code == 401
    assert client.http.post("/admin/topics/x/hide").status_code == 401
