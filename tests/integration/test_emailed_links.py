"""Mail scanners (Safe Links, Proofpoint, Mimecast) open every link in every email, with GET and
HEAD: opening any emailed link changes nothing and uses nothing up; only the page's button does."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from tests.integration.slides_steps import ask_for_slides, create_event, register, upload

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
LINK = re.compile(r"https?://[^\s\"'<>]+")
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def emailed_links(outbox: Any) -> set[str]:
    """Every link in every email sent so far, as path and query."""
    links = {link for message in outbox.messages() for link in LINK.findall(message["text"])}
    return {urlsplit(link).path + (f"?{urlsplit(link).query}" if urlsplit(link).query else "")
            for link in links}


def test_opening_every_emailed_link_changes_nothing(
    client: Any, organiser_key: str, pump: Any, outbox: Any, aws_calls: Any
) -> None:
    from chalicelib.polls import service as polls
    from chalicelib.reports import suppression

    # Given Ada's emails: her registration (manage link), slides, a topic and a vote to
    # confirm, a poll invitation and a report's unsubscribe link
    event_id = create_event(client, organiser_key, slide_policy="public")
    upload(client, organiser_key, event_id)
    register(client, event_id, "ada@example.com")
    ask_for_slides(client, event_id, "ada@example.com")
    client.http.post("/topics", headers=JSON, body=json.dumps(
        {"title": "Measuring the value of a community", "email": "ada@example.com"}))
    pump.drain()
    poll_link = f"/p/{polls.issue_link(event_id, 'ada@example.com', days=7)}"
    unsubscribe_link = urlsplit(suppression.unsubscribe_link("ada@example.com", event_id)).path
    links = emailed_links(outbox) | {poll_link, unsubscribe_link}
    kinds = {path.split("/")[1] for path in links}
    assert {"r", "s", "v", "p", "u"} <= kinds, links

    # When a scanner opens each of them, twice, with GET and with HEAD
    before = len(aws_calls.calls)
    answers = {}
    for path in sorted(links):
        for method in ("GET", "GET", "HEAD"):
            answers[(method, path)] = client.http.request(
                method, path, headers={"Accept": "text/html"}).status_code

    # Then each GET showed a page, nothing was written or published, and nothing was used up
    token_pages = {key: status for key, status in answers.items()
                   if key[0] == "GET" and key[1].split("/")[1] in {"r", "s", "v", "p", "u"}}
    assert set(token_pages.values()) == {200}, token_pages
    assert [op for svc, op in aws_calls.calls[before:] if op in WRITES or svc == "events"] == []
    assert all(status >= 400 for (method, _), status in answers.items() if method == "HEAD")
    assert suppression.is_suppressed("ada@example.com") is False


def test_no_route_answers_head_so_no_head_reaches_a_change(deployed: Any) -> None:
    # API Gateway answers a method no route declares itself, without calling the Lambda, and
    # Chalice answers it 405 locally: while no route declares HEAD, a HEAD runs none of our code.
    from app import app

    assert [path for path, methods in app.routes.items() if "HEAD" in methods] == []
