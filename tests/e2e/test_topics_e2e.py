"""Topics over real HTTP on the local stack: suggest a topic, confirm it from the emailed link,
vote for it, confirm the vote, and see the count."""

from __future__ import annotations

import re
import secrets

from tests.e2e.conftest import LocalStack

LINK = re.compile(r"https?://[^\s\"'<>]+/v/[A-Za-z0-9_-]{20,100}")
JSON = {"Accept": "application/json"}


def emailed_link(stack: LocalStack, email: str) -> str:
    [message] = stack.outbox(to=email)
    found = LINK.search(message["text"])
    assert found is not None, message["text"]
    return found.group(0)


def test_suggest_confirm_vote_and_see_the_count(local_stack: LocalStack, unique_email: str) -> None:
    title = f"Communities that last {secrets.token_hex(3)}"
    voter = unique_email.replace("e2e-", "e2e-voter-")

    # When a visitor suggests a topic
    suggested = local_stack.post("/topics", json={"title": title, "email": unique_email},
                                 headers=JSON)
    local_stack.pump()

    # Then it waits for confirmation, unlisted
    assert suggested.status_code == 202
    listed = local_stack.get("/topics", headers=JSON).json()["topics"]
    assert title not in [t["title"] for t in listed]

    # When they open the emailed link, it asks them to confirm, and lists nothing yet
    suggestion_link = emailed_link(local_stack, unique_email)
    shown = local_stack.http.get(suggestion_link, timeout=30)
    assert shown.status_code == 200 and ">Confirm my topic</button>" in shown.text
    listed = local_stack.get("/topics", headers=JSON).json()["topics"]
    assert title not in [t["title"] for t in listed]

    # When they press the button
    confirmed = local_stack.http.post(suggestion_link, data={}, timeout=30)

    # Then the topic is listed with no votes
    assert confirmed.status_code == 200 and "Your topic is listed" in confirmed.text
    [topic] = [t for t in local_stack.get("/topics", headers=JSON).json()["topics"]
               if t["title"] == title]
    assert topic["votes"] == 0

    # When someone votes for it, their mail scanner opens the link, and they press Confirm twice
    requested = local_stack.post(f"/topics/{topic['topic_id']}/votes", data={"email": voter})
    local_stack.pump()
    link = emailed_link(local_stack, voter)
    scanned = [local_stack.http.get(link, timeout=30) for _ in range(2)]
    assert [page.status_code for page in scanned] == [200, 200]
    assert "Confirm your vote" in scanned[0].text
    first = local_stack.http.post(link, data={}, timeout=30)
    second = local_stack.http.post(link, data={}, timeout=30)

    # Then their vote counts once, and the used link is the one page for dead links
    assert requested.status_code == 202 and "Check your email" in requested.text
    assert first.status_code == 200 and "Your vote counts" in first.text
    assert second.status_code == 404 and "This link is not valid" in second.text
    [after] = [t for t in local_stack.get("/topics", headers=JSON).json()["topics"]
               if t["title"] == title]
    assert after["votes"] == 1
    page = local_stack.get("/topics")
    assert title in page.text and "1 vote" in page.text
