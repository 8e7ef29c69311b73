"""Anyone suggests topics for future events and votes for them: a suggestion is listed, and a
vote counted, only once its emailed link is opened, and each person's vote counts once."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest

from tests.conftest import sample_event

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
LINK = re.compile(r"https?://[^\s\"'<>]+/v/[A-Za-z0-9_-]{20,100}")


def suggest(client: Any, title: str = "Measuring the value of a community",
            email: str = "ada@example.com", **more: Any) -> Any:
    return client.http.post("/topics", headers=JSON,
                            body=json.dumps({"title": title, "email": email, **more}))


def vote(client: Any, topic_id: str, email: str, **more: Any) -> Any:
    return client.http.post(f"/topics/{topic_id}/votes", headers=JSON,
                            body=json.dumps({"email": email, **more}))


def links_to(outbox: Any, email: str) -> list[str]:
    """Confirmation links emailed to `email`, newest first."""
    return [path for m in outbox.messages_to(email)
            for path in dict.fromkeys(urlparse(link).path for link in LINK.findall(m["text"]))]


def look_at_link(client: Any, path: str, json_answer: bool = False) -> Any:
    """What a mail scanner (or a person) gets by opening the link: its page."""
    return client.http.get(path, headers={"Accept": "application/json" if json_answer else "text/html"})


def press_confirm(client: Any, path: str, json_answer: bool = False) -> Any:
    """What the page's Confirm button sends: an empty form post to the link."""
    return client.http.post(path, body="", headers={
        "Accept": "application/json" if json_answer else "text/html",
        "Content-Type": "application/x-www-form-urlencoded"})


def open_link(client: Any, path: str, json_answer: bool = False) -> Any:
    """A person opening the link and pressing Confirm (a dead link's page has no button)."""
    page = look_at_link(client, path, json_answer)
    if page.status_code != 200:
        return page
    return press_confirm(client, path, json_answer)


def topics(client: Any) -> list[dict[str, Any]]:
    response = client.http.get("/topics", headers={"Accept": "application/json"})
    assert response.status_code == 200
    return list(response.json_body["topics"])


def listed_topic(client: Any, pump: Any, outbox: Any, title: str, email: str) -> str:
    """A topic suggested and confirmed by `email`; its id."""
    assert suggest(client, title, email).status_code == 202
    pump.drain()
    opened = open_link(client, links_to(outbox, email)[0], json_answer=True)
    assert opened.status_code == 200, opened.body
    return str(opened.json_body["topic"]["topic_id"])


def test_a_suggestion_is_hidden_until_its_link_is_opened(
    client: Any, deployed: Any, pump: Any, outbox: Any
) -> None:
    # When Ada suggests a topic
    response = suggest(client, description="How do we show what a community is worth?")
    pump.drain()

    # Then the answer is 202, the topic is not listed yet, and a link is on its way
    assert (response.status_code, response.json_body) == (202, {"status": "received"})
    assert topics(client) == []
    [email] = outbox.messages_to("ada@example.com")
    assert email["subject"] == "Confirm your topic suggestion for the CofEe Club"
    assert "Measuring the value of a community" in email["text"] and "7 days" in email["text"]
    [link] = links_to(outbox, "ada@example.com")
    assert link in email["html"]

    # When she opens it
    opened = open_link(client, link)

    # Then she is told it is listed, and it is, with no votes yet
    assert opened.status_code == 200 and b"Your topic is listed" in opened.body
    assert opened.headers["Cache-Control"] == "no-store"
    [topic] = topics(client)
    assert topic["title"] == "Measuring the value of a community"
    assert topic["description"] == "How do we show what a community is worth?"
    assert topic["votes"] == 0 and "email" not in topic


def test_opening_a_vote_link_shows_a_confirm_button_and_counts_nothing(
    client: Any, deployed: Any, pump: Any, outbox: Any
) -> None:
    # Given a listed topic and Grace's emailed vote link
    topic_id = listed_topic(client, pump, outbox, "Communities of Practice", "ada@example.com")
    vote(client, topic_id, "grace@example.org")
    pump.drain()
    [link] = links_to(outbox, "grace@example.org")

    # When her mail scanner opens the link twice, and sends HEAD
    pages = [look_at_link(client, link) for _ in range(2)]
    head = client.http.request("HEAD", link)

    # Then it saw a page with a Confirm button, and the vote does not count yet
    assert [page.status_code for page in pages] == [200, 200]
    page = pages[0].body.decode()
    assert "<h1>Confirm your vote</h1>" in page and '<html lang="en">' in page
    assert f'<form method="post" action="http://testserver{link}">' in page
    assert ">Confirm my vote</button>" in page
    assert pages[0].headers["Cache-Control"] == "no-store"
    assert head.status_code >= 400
    assert topics(client)[0]["votes"] == 0

    # When she presses the button, it counts, once
    pressed = press_confirm(client, link)
    assert pressed.status_code == 200 and b"Your vote counts" in pressed.body
    assert topics(client)[0]["votes"] == 1
    assert press_confirm(client, link).status_code == 404
    assert look_at_link(client, link).status_code == 404
    assert topics(client)[0]["votes"] == 1


def test_opening_a_suggestion_link_lists_nothing_until_confirmed(
    client: Any, deployed: Any, pump: Any, outbox: Any
) -> None:
    suggest(client, "Measuring the value of a community", "ada@example.com")
    pump.drain()
    [link] = links_to(outbox, "ada@example.com")

    shown = look_at_link(client, link, json_answer=True)

    assert shown.status_code == 200
    assert shown.json_body["status"] == "pending" and shown.json_body["kind"] == "topic"
    assert shown.json_body["topic"]["title"] == "Measuring the value of a community"
    assert "email" not in shown.json_body["topic"]
    assert b">Confirm my topic</button>" in look_at_link(client, link).body
    assert topics(client) == []
    confirmed = press_confirm(client, link, json_answer=True)
    assert confirmed.json_body["status"] == "confirmed"
    assert [t["title"] for t in topics(client)] == ["Measuring the value of a community"]


def test_an_oversized_confirm_is_refused_and_confirms_nothing(
    client: Any, deployed: Any, pump: Any, outbox: Any
) -> None:
    suggest(client, "Measuring the value of a community", "ada@example.com")
    pump.drain()
    [link] = links_to(outbox, "ada@example.com")

    response = client.http.post(link, headers={"Content-Type": "application/x-www-form-urlencoded"},
                                body="x=" + "a" * (65 * 1024))

    assert response.status_code == 413
    assert topics(client) == []


def test_a_link_works_once_and_used_unknown_and_expired_links_look_the_same(
    client: Any, deployed: Any, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from chalicelib.core import clock

    suggest(client, "Professions and communities", "ada@example.com")
    suggest(client, "Centres of Excellence revisited", "grace@example.com")
    pump.drain()
    [used] = links_to(outbox, "ada@example.com")
    [late] = links_to(outbox, "grace@example.com")
    assert open_link(client, used).status_code == 200

    again = open_link(client, used)
    unknown = open_link(client, "/v/" + "x" * 43)
    later = clock.now() + timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    expired = open_link(client, late)

    assert again.status_code == unknown.status_code == expired.status_code == 404
    assert again.body == unknown.body == expired.body
    assert b"This link is not valid" in again.body
    assert [t["title"] for t in topics(client)] == ["Professions and communities"]


def test_a_vote_counts_once_its_link_is_opened_and_only_once(
    client: Any, deployed: Any, pump: Any, outbox: Any
) -> None:
    # Given a listed topic
    topic_id = listed_topic(client, pump, outbox, "Communities of Practice", "ada@example.com")

    # When Grace asks to vote twice, before opening either link
    first = vote(client, topic_id, "grace@example.org")
    second = vote(client, topic_id, " Grace@Example.org ")
    pump.drain()

    # Then each answer is the same and nothing counts yet
    assert first.status_code == second.status_code == 202 and first.body == second.body
    assert topics(client)[0]["votes"] == 0
    links = links_to(outbox, "grace@example.org")
    assert len(links) == 2
    assert outbox.messages_to("grace@example.org")[0]["subject"] == (
        "Confirm your vote: Communities of Practice")

    # When she opens both links
    opened = [open_link(client, link) for link in links]

    # Then her vote counts once
    assert [o.status_code for o in opened] == [200, 200]
    assert b"Your vote counts" in opened[0].body and b"1 vote" in opened[0].body
    assert topics(client)[0]["votes"] == 1

    # And asking again now sends no new link
    outbox.clear()
    assert vote(client, topic_id, "grace@example.org").status_code == 202
    pump.drain()
    assert outbox.messages_to("grace@example.org") == []


def test_topics_are_listed_by_votes(client: Any, deployed: Any, pump: Any, outbox: Any) -> None:
    quiet = listed_topic(client, pump, outbox, "Quiet topic", "a@example.com")
    popular = listed_topic(client, pump, outbox, "Popular topic", "b@example.com")
    middling = listed_topic(client, pump, outbox, "Middling topic", "c@example.com")
    outbox.clear()
    for topic_id, voters in ((popular, ("v1", "v2", "v3")), (middling, ("v1", "v4")),
                             (quiet, ())):
        for voter in voters:
            vote(client, topic_id, f"{voter}@example.com")
    pump.drain()
    for voter in ("v1", "v2", "v3", "v4"):
        for link in links_to(outbox, f"{voter}@example.com"):
            assert open_link(client, link).status_code == 200

    listed = topics(client)

    assert [(t["title"], t["votes"]) for t in listed] == [
        ("Popular topic", 3), ("Middling topic", 2), ("Quiet topic", 0)]
    page = client.http.get("/topics").body.decode()
    assert page.index("Popular topic") < page.index("Middling topic") < page.index("Quiet topic")
    assert "3 votes" in page and "0 votes" in page
    assert f'action="http://testserver/topics/{popular}/votes"' in page


def test_votes_for_unknown_or_unconfirmed_topics_are_404(
    client: Any, deployed: Any, pump: Any, aws_calls: Any
) -> None:
    from chalicelib.topics import service

    suggest(client, "Not confirmed yet", "ada@example.com")
    pump.relay_outbox()
    [pending] = [json.loads(e["Detail"])["topic_id"] for e in aws_calls.published
                 if e["DetailType"] == service.TOPIC_SUGGESTED]

    assert vote(client, pending, "grace@example.org").status_code == 404
    assert vote(client, "0123456789abcdef", "grace@example.org").status_code == 404
    assert vote(client, "bad..id", "grace@example.org").status_code == 404
    pump.relay_outbox()
    assert not [e for e in aws_calls.published if e["DetailType"] == service.VOTE_REQUESTED]


def test_bad_suggestions_and_votes_are_400_and_nothing_is_written(
    client: Any, deployed: Any, pump: Any, outbox: Any, aws_calls: Any
) -> None:
    topic_id = listed_topic(client, pump, outbox, "Communities of Practice", "ada@example.com")
    aws_calls.published.clear()

    no_title = suggest(client, title="", email="nope")
    bad_vote = vote(client, topic_id, "nope")
    page = client.http.post("/topics", headers=FORM,
                            body=urlencode({"title": "<i>Kept</i>", "email": "nope"}))

    assert no_title.status_code == bad_vote.status_code == page.status_code == 400
    assert set(no_title.json_body["errors"]) == {"title", "email"}
    assert bad_vote.json_body["errors"] == {"email": "Enter an email address like name@example.com."}
    html = page.body.decode()
    assert 'id="suggest-email-error"' in html and 'value="&lt;i&gt;Kept&lt;/i&gt;"' in html
    pump.relay_outbox()
    assert aws_calls.published == []
    assert len(topics(client)) == 1


def test_a_vote_form_with_a_mistake_shows_the_error_on_that_topic(
    client: Any, deployed: Any, pump: Any, outbox: Any
) -> None:
    topic_id = listed_topic(client, pump, outbox, "Communities of Practice", "ada@example.com")

    response = client.http.post(f"/topics/{topic_id}/votes", headers=FORM,
                                body=urlencode({"email": "grace@"}))

    html = response.body.decode()
    assert response.status_code == 400
    assert f'id="vote-{topic_id}-email-error"' in html
    assert f'aria-describedby="vote-{topic_id}-email-error"' in html


def test_markup_in_a_topic_is_shown_as_text(client: Any, deployed: Any, pump: Any, outbox: Any) -> None:
    listed_topic(client, pump, outbox, '<script>alert("x")</script>', "ada@example.com")

    page = client.http.get("/topics").body.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_robots_and_floods_get_the_same_answer_and_no_email(
    client: Any, deployed: Any, pump: Any, outbox: Any
) -> None:
    from chalicelib.topics import service

    robot = suggest(client, email="bot@example.com", website="http://spam.example")
    answers = [suggest(client, f"Topic {n}", "busy@example.com")
               for n in range(service.REQUESTS_PER_EMAIL_PER_HOUR + 2)]
    pump.drain()

    assert robot.status_code == 202 and {a.status_code for a in answers} == {202}
    assert outbox.messages_to("bot@example.com") == []
    assert len(outbox.messages_to("busy@example.com")) == service.REQUESTS_PER_EMAIL_PER_HOUR


def test_redelivered_requests_email_one_link(client: Any, deployed: Any, outbox: Any) -> None:
    # Given the pending topic and the listed topic that the sample events are about
    from app import app
    from chalicelib.core import keys, store
    from chalicelib.topics import service
    from clubflow.dev.pump import LocalContext

    store.put({**keys.topic("70b1c5a9e3d2f4a6"), "topic_id": "70b1c5a9e3d2f4a6",
               "title": "Communities of Practice", "email": "ada@example.com",
               "status": service.PENDING, "votes": 0})
    handler = app.handler_map["send_topic_links"]

    # When the suggestion arrives twice, then is confirmed, then a vote request arrives twice
    assert handler(sample_event("sqs_topic_suggested.json"),
                   LocalContext("send_topic_links")) == {"batchItemFailures": []}
    assert service.confirm_topic("70b1c5a9e3d2f4a6") is not None
    assert handler(sample_event("sqs_vote_requested.json"),
                   LocalContext("send_topic_links")) == {"batchItemFailures": []}

    # Then one link went to each person
    assert len(outbox.messages_to("ada@example.com")) == 1
    assert len(outbox.messages_to("grace@example.org")) == 1
