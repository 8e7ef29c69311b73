"""Organisers look after the topic list in the console: hide, show again, mark chosen, merge a
duplicate; each form needs the session's CSRF token."""

from __future__ import annotations

from typing import Any

from tests.integration.console_steps import session
from tests.integration.test_topics import listed_topic, topics
from tests.integration.test_topics_moderation import confirmed_votes


def test_an_organiser_hides_chooses_and_merges_topics(client: Any, organiser_key: str, pump: Any,
                                                     outbox: Any) -> None:
    # Given two topics that say the same, and one that should not be public
    original = listed_topic(client, pump, outbox, "Communities of Practice", "ada@example.com")
    duplicate = listed_topic(client, pump, outbox, "Communities of practice!", "linus@example.net")
    spam = listed_topic(client, pump, outbox, "Cheap watches", "spam@example.com")
    confirmed_votes(client, pump, outbox, duplicate, "grace@example.org")
    console = session(client)
    page = console.get("/console/topics")
    assert page.status_code == 200 and b"Cheap watches" in page.body and b"spam@example.com" in page.body

    # Forms without the CSRF token change nothing
    assert console.post(f"/console/topics/{spam}/hide", csrf=False).status_code == 403
    assert console.post(f"/console/topics/{duplicate}/merge", {"into": original}, csrf=False).status_code == 403
    assert len(topics(client)) == 3

    # When the organiser hides one, marks one chosen and merges the duplicate
    assert console.post(f"/console/topics/{spam}/hide").status_code == 303
    assert console.post(f"/console/topics/{original}/choice", {"chosen": "true"}).status_code == 303
    merged = console.post(f"/console/topics/{duplicate}/merge", {"into": original})

    # Then the public list holds the original, chosen, with the duplicate's vote
    assert merged.status_code == 303
    assert [(t["topic_id"], t["votes"], t["chosen"]) for t in topics(client)] == [(original, 1, True)]
    page = console.get("/console/topics").body.decode()
    assert "1 vote moved, 0 already there" in page and "Hidden topics" in page
    assert console.post(f"/console/topics/{spam}/show").status_code == 303
    assert {t["topic_id"] for t in topics(client)} == {original, spam}
    assert console.post(f"/console/topics/{original}/merge", {"into": original}).status_code == 400
