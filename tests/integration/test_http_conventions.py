"""Conventions every route shares: body parsing, sizes, content negotiation, safe headers."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import sample_event
from tests.integration.registration_steps import register_by_form


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


def test_the_front_door_goes_to_the_events(client: Any) -> None:
    response = client.http.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "http://testserver/events"


def test_a_created_resource_s_location_is_absolute_with_the_stage_prefix(
        client: Any, organiser_key: str, monkeypatch: Any) -> None:
    # Given the API reached on its execute-api address, whose paths start with the stage
    from chalicelib.core import settings

    stage_url = "https://abc123.execute-api.eu-west-2.amazonaws.com/prod"
    monkeypatch.setenv("PUBLIC_BASE_URL", stage_url)
    settings.reset()
    headers = {"Authorization": f"Bearer {organiser_key}", "Content-Type": "application/json"}
    body = {"title": "Located", "starts_at": "2030-03-09T10:00:00+00:00", "ends_at": "2030-03-09T16:00:00+00:00",
            "timezone": "Europe/London", "venue": "London", "host": "Ofgem", "capacity": 10}

    # When an organiser creates an event
    response = client.http.post("/admin/events", headers=headers, body=json.dumps(body))

    # Then its Location is the full URL, stage included (a bare path would drop /prod)
    assert response.status_code == 201
    assert response.headers["Location"] == f"{stage_url}/admin/events/{response.json_body['event']['event_id']}"


def test_the_browser_icon_is_served_not_refused(client: Any) -> None:
    response = client.http.get("/favicon.ico", headers={"Accept": "image/avif,image/webp,image/*,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/svg+xml"
    assert response.body.startswith(b"<svg")


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_browser_gets_every_refusal_as_a_page_in_the_site_layout(client: Any, organiser_key: str) -> None:
    closed = client.http.post(
        "/admin/events", headers={"Authorization": f"Bearer {organiser_key}", "Content-Type": "application/json"},
        body=json.dumps({"title": "Closed", "starts_at": "2030-03-09T10:00:00+00:00",
                         "ends_at": "2030-03-09T16:00:00+00:00", "timezone": "Europe/London",
                         "venue": "London", "host": "Close Brothers", "capacity": 10,
                         "registration_closes_at": "2021-01-01T09:00:00+00:00"}),
    ).json_body["event_id"]
    form = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
    answers = {
        400: client.http.post("/topics", headers=form, body=b"title=\xff"),
        404: client.http.get("/p/" + "A" * 43, headers=BROWSER),
        409: register_by_form(client, closed, "ada@example.com"),
        413: client.http.post("/nominations", headers=form, body=b"x" * 70_000),
    }
    for status, response in answers.items():
        assert response.status_code == status, (status, response.body[:300])
        assert response.headers["Content-Type"].startswith("text/html"), status
        assert b'<header class="site">' in response.body, status
        assert response.headers["Cache-Control"] == "no-store"
    assert b"Registration for this event has closed." in answers[409].body
    assert b"Closed" in answers[409].body


def test_an_unexpected_failure_is_a_500_page_for_browsers_json_for_clients_and_logged(
    client: Any, monkeypatch: Any, caplog: Any,
) -> None:
    from chalicelib.events import service

    def broken() -> list[Any]:
        raise RuntimeError("the table fell over")

    monkeypatch.setattr(service, "upcoming_events", broken)

    page = client.http.get("/events", headers=BROWSER)
    api = client.http.get("/events", headers={"Accept": "application/json"})

    assert page.status_code == 500
    assert page.headers["Content-Type"].startswith("text/html")
    assert b"Something went wrong on our side" in page.body
    assert b"the table fell over" not in page.body
    assert api.status_code == 500
    assert list(api.json_body["errors"]) == ["_"]
    failures = [record for record in caplog.records if record.levelname == "ERROR" and record.exc_info]
    assert [str(record.exc_info[1]) for record in failures] == ["the table fell over"] * 2


def test_error_pages_exist_for_every_status_a_browser_can_meet(deployed: Any) -> None:
    from chalicelib.core import web

    for status in (400, 403, 404, 409, 413, 429, 500):
        response = web.error_page(status, errors={"_": "Because."}, what="event")
        assert response.status_code == status
        assert b"<h1>" in response.body.encode(), status
        assert '<header class="site">' in response.body, status


def test_every_route_answers_its_refusals_in_one_place() -> None:
    """A route added after the wiring would answer its errors as Chalice's bare JSON 500."""
    from app import app

    unwrapped = [f"{method} {path}" for path, entries in app.routes.items()
                 for method, entry in entries.items()
                 if not getattr(entry.view_function, "__answers_refusals__", False)]
    assert unwrapped == []


def test_a_browser_gets_pages_for_a_wrong_method_or_media_type(client: Any) -> None:
    # Given a browser on a POST-only address and a form sent as plain text
    wrong_method = client.http.get("/r/sometoken/cancel", headers={"Accept": "text/html"})
    wrong_type = client.http.post("/topics", body=b"title=x",
                                  headers={"Accept": "text/html", "Content-Type": "text/plain"})
    api = client.http.get("/r/sometoken/cancel", headers={"Accept": "application/json"})

    # Then each is a page in the site's layout, and an API client still gets JSON
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Content-Type"].startswith("text/html")
    assert "only works from its page" in wrong_method.body.decode()
    assert wrong_type.status_code == 415
    assert wrong_type.headers["Content-Type"].startswith("text/html")
    assert api.status_code == 405
    assert "Code" in json.loads(api.body)  # Chalice's own JSON answer
