"""A visitor asks for the slides in Chromium and downloads them from the emailed link."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import LocalStack

pytestmark = pytest.mark.browser

EVENT = {
    "title": "Professions in Practice",
    "number": 51,
    "starts_at": "2030-06-11T10:00:00+01:00",
    "ends_at": "2030-06-11T16:00:00+01:00",
    "timezone": "Europe/London",
    "venue": "Close Brothers, 10 Crown Place, London",
    "host": "Close Brothers",
    "capacity": 30,
    "slide_policy": "public",
}
DECK = b"%PDF-1.7\n" + b"Professions in Practice - the slides used on the day\n" * 2000


def test_visitor_requests_the_slides_and_downloads_them_from_the_email(
    local_stack: LocalStack, page: Any, unique_email: str, tmp_path: Path
) -> None:
    # Given an event whose slides are public, with a deck uploaded through the presigned PUT
    created = local_stack.admin("POST", "/admin/events", EVENT)
    assert created.status_code == 201, created.text
    event_id = created.json()["event_id"]
    plan = local_stack.admin("POST", f"/admin/events/{event_id}/slides", {
        "filename": "Professions in Practice.pdf", "content_type": "application/pdf",
        "size": len(DECK)}).json()
    assert requests.put(plan["upload_url"], data=DECK, headers=plan["headers"],
                        timeout=30).status_code == 200

    # When a visitor asks for them on the slides page
    page.goto(f"{local_stack.url}/events/{event_id}/slides")
    page.get_by_label("Email address").fill(unique_email)
    page.get_by_role("button", name="Email me the slides").click()

    # Then they are told to check their email, and the email has a download link
    assert page.get_by_role("heading", name="Check your email").is_visible()
    page.screenshot(path=str(tmp_path / "slides-requested.png"), full_page=True)
    local_stack.pump()
    page.goto(f"{local_stack.url}/_dev/outbox.html?to={unique_email}")
    assert page.get_by_role("heading", name="Your slides from Event 51").is_visible()
    # Opening the link shows a page with a Download button; opening it used nothing
    page.locator("a[href*='/s/']").first.click()
    assert page.get_by_role("heading", name="Your slides from Event 51").is_visible()
    assert page.get_by_text("works for 5 more downloads").is_visible()
    page.screenshot(path=str(tmp_path / "slides-download-page.png"), full_page=True)
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download").click()
    download = downloading.value
    assert download.suggested_filename == "Professions in Practice.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(str(saved))
    assert saved.read_bytes() == DECK

    # Exactly one use was counted for one press
    report = local_stack.admin("GET", f"/admin/events/{event_id}/slides").json()
    assert report["totals"]["downloads"] == 1


def test_a_dead_link_offers_a_new_one(local_stack: LocalStack, page: Any, unique_email: str) -> None:
    created = local_stack.admin("POST", "/admin/events", {**EVENT, "title": "Dead links"})
    event_id = created.json()["event_id"]

    page.goto(f"{local_stack.url}/s/{secrets.token_urlsafe(32)}?event={event_id}")

    assert page.get_by_role("heading", name="This download link is not valid").is_visible()
    page.get_by_label("Email address").fill(unique_email)
    page.get_by_role("button", name="Email me the slides").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
