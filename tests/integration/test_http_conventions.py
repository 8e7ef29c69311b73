"""Conventions every route shares: body parsing, sizes, content negotiation, safe headers."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import sample_event


def test_health_answers_ok(client: Any) -> None:
    response = client.http.get("/health")
    assert response.status_code == 200
    assert response.json_body == {"status": "ok"}


def test_every_response_carries_security_headers(client: Any) -> None:
    response = client.http.get("/events")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_body_over_the_limit_is_413_and_nothing_is_written(client: Any, organiser_key: str) -> None:
    headers = {"Authorization": f"Bearer {organiser_key}", "Content-Type": "application/json"}
    response = client.http.post("/admin/events", headers=headers,
                                body=json.dumps({"title": "x" * 70_000}))
    assert response.status_code == 413
    listing = client.http.get("/admin/events", headers=headers)
    assert listing.json_body == []


def test_form_posts_are_read_like_json(client: Any, organiser_key: str) -> None:
    headers = {"Authorization": f"Bearer {organiser_key}",
               "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    body = ("title=Communities+of+Practice&starts_at=2030-03-09T10%3A00%3A00%2B00%3A00"
            "&ends_at=2030-03-09T16%3A00%3A00%2B00%3A00&timezone=Europe%2FLondon&venue=London"
            "&host=Close+Brothers&capacity=40")
    response = client.http.post("/admin/events", headers=headers, body=body)
    assert response.status_code == 201
    assert response.json_body["event"]["capacity"] == 40


def test_unknown_event_page_is_a_friendly_404(client: Any) -> None:
    response = client.http.get("/events/no-such-event")
    assert response.status_code == 404
    assert b"We could not find that event" in response.body


def test_api_gateway_event_reaches_the_route(deployed: Any) -> None:
    """The deployed handler takes API Gateway's own event shape (events/samples)."""
    from chalice.test import Client

    from app import app

    event = sample_event("api_gateway_get_health.json")
    with Client(app):
        response = app(event, None)
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "ok"}
