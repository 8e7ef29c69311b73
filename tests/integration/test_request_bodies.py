"""Every route that takes a body refuses one it cannot use before looking anything up: over the
limit 413, unreadable (too deeply nested JSON, not UTF-8) 400; nothing is read or written.

The routes come from the app itself, so a route added later is covered without a new test.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib.core.web import BODY_METHODS, MAX_BODY_BYTES
from tests.integration.registration_steps import JSON, create_event, manage_path, organiser, register

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
# Well-formed but unknown: a token passes the format check, so a lookup would be made.
UNKNOWN = {"token": "A" * 43}
NESTED = ("[" * 30_000 + "]" * 30_000).encode()  # inside the limit, far deeper than any parser allows


def _body_routes() -> list[tuple[str, str, list[str]]]:
    from app import app

    return sorted(
        (path, method, entry.content_types)
        for path, entries in app.routes.items()
        for method, entry in entries.items()
        if method in BODY_METHODS and not path.startswith("/_dev")
    )


ROUTES = _body_routes()
ROUTE_IDS = [f"{method} {path}" for path, method, _ in ROUTES]


def _path(template: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: UNKNOWN.get(match.group(1), "no-such-thing"), template)


def _send(client: Any, key: str, path: str, method: str, content_type: str, body: bytes,
          accept: str = "application/json") -> Any:
    headers = {"Content-Type": content_type, "Accept": accept}
    if path.startswith("/admin"):
        headers["Authorization"] = f"Bearer {key}"
    return client.http.request(method, _path(path), headers=headers, body=body)


def _calls_during(aws_calls: Any, send: Any) -> list[tuple[str, str]]:
    before = len(aws_calls.calls)
    send()
    return aws_calls.calls[before:]


def _nothing_looked_up_or_written(path: str, calls: list[tuple[str, str]]) -> None:
    if path.startswith("/admin"):
        # The organiser's key is checked first (API Gateway's authorizer); nothing else.
        assert not [op for svc, op in calls if op in WRITES or svc != "dynamodb"], calls
    else:
        assert calls == [], calls


def test_the_app_has_body_routes_to_check() -> None:
    assert len(ROUTES) >= 20
    assert ("/r/{token}/cancel", "POST") in [(path, method) for path, method, _ in ROUTES]


@pytest.mark.parametrize(("path", "method", "types"), ROUTES, ids=ROUTE_IDS)
def test_a_body_no_route_could_use_is_refused_before_anything_is_looked_up(
    client: Any, organiser_key: str, aws_calls: Any, path: str, method: str, types: list[str],
) -> None:
    # (One deployment per test is the slow part, so each route's refusals share one test.)
    def refused(content_type: str, body: bytes, status: int) -> Any:
        answers: list[Any] = []
        calls = _calls_during(aws_calls, lambda: answers.append(
            _send(client, organiser_key, path, method, content_type, body)))
        assert answers[0].status_code == status, (content_type, body[:40], answers[0].body)
        _nothing_looked_up_or_written(path, calls)
        return answers[0].json_body

    # Over the limit, whatever the route or its token: 413
    too_large = refused(types[0] if types else "application/json", b"x" * (MAX_BODY_BYTES + 1), 413)
    assert "body" in too_large["errors"]
    # JSON nested 100k deep is over the limit too; nested deeper than a parser goes, within it: 400
    refused("application/json", b"[" * 100_000 + b"]" * 100_000, 413)
    nested = refused("application/json", b'{"a": ' + NESTED + b"}", 400)
    assert nested == {"errors": {"body": "Send a valid JSON object."}}
    # Not UTF-8, as JSON or as a form: 400
    for content_type, body in (("application/json", b'{"email": "\xff\xfe"}'),
                               ("application/x-www-form-urlencoded", b"email=%FF&name=\xff\xfe")):
        if not types or content_type in types:
            refused(content_type, body, 400)


def test_a_browser_gets_the_413_and_400_as_pages(client: Any, deployed: Any) -> None:
    too_large = client.http.post("/topics", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                     "Accept": "text/html"},
                                 body=b"title=" + b"x" * MAX_BODY_BYTES)
    unreadable = client.http.post("/topics", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                      "Accept": "text/html"}, body=b"title=\xff")
    for response, heading in ((too_large, b"That was too much to send"), (unreadable, b"Something needs fixing")):
        assert response.headers["Content-Type"].startswith("text/html")
        assert heading in response.body
        assert b'<header class="site">' in response.body


def test_ten_megabytes_to_a_real_cancel_link_cancels_nothing(
    client: Any, organiser_key: str, pump: Any, outbox: Any,
) -> None:
    # Given a confirmed registration and its emailed manage link
    event_id = create_event(client, organiser_key)
    assert register(client, event_id, "ada@example.com").status_code == 202
    pump.drain()
    link = manage_path(outbox.messages_to("ada@example.com")[0])

    # When 10 MB is posted to its cancel link
    response = client.http.post(f"{link}/cancel", headers=JSON, body=json.dumps({"x": "y" * 10_000_000}))

    # Then it is refused and the place is still held
    assert response.status_code == 413
    listing = client.http.get(f"/admin/events/{event_id}", headers=organiser(organiser_key)).json_body
    assert listing["counts"]["confirmed"] == 1
    assert listing["counts"]["cancelled"] == 0
