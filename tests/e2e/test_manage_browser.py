"""A person manages their registration from the emailed link in Chromium on a phone, with
JavaScript off: changes their needs, and finds the calendar links."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack

pytestmark = pytest.mark.browser

EVENT = {
    "title": "Data communities", "number": 61,
    "starts_at": "2030-05-14T10:00:00+01:00", "ends_at": "2030-05-14T16:00:00+01:00",
    "timezone": "Europe/London", "venue": "Ofgem, 10 South Colonnade, London", "host": "Ofgem", "capacity": 20,
}
MANAGE = re.compile(r"https?://[^\s\"'<>]+/r/[A-Za-z0-9_-]{20,100}")


def test_a_person_edits_their_needs_on_the_manage_page(
        local_stack: LocalStack, phone: Any, unique_email: str) -> None:
    # Given a confirmed registration and its emailed manage link
    event_id = local_stack.admin("POST", "/admin/events", EVENT).json()["event_id"]
    registered = local_stack.post(f"/events/{event_id}/registrations", json={
        "email": unique_email, "name": "Grace Hopper", "organisation": "Compilers Ltd", "needs": "Vegetarian",
        "consent_report": True})
    assert registered.status_code == 202
    local_stack.pump()
    (confirmation,) = local_stack.outbox(to=unique_email)
    link = MANAGE.search(confirmation["text"])
    assert link is not None

    # When they open it, change their needs and save
    phone.goto(link.group(0))
    needs = phone.get_by_label("Access, dietary or quiet-room needs")
    assert needs.input_value() == "Vegetarian"
    needs.fill("Vegetarian; step-free access please")
    phone.get_by_role("button", name="Save my changes").click()

    # Then the page says it is saved and shows the new needs, and the organisers see them
    assert phone.get_by_text("Your changes are saved.").is_visible()
    assert phone.get_by_label("Access, dietary or quiet-room needs").input_value() == \
        "Vegetarian; step-free access please"
    assert phone.get_by_label("Send me the summary report after the event").is_checked()
    listed = local_stack.admin("GET", f"/admin/events/{event_id}/registrations").json()["registrations"]
    assert [(r["needs"], r["status"]) for r in listed] == [("Vegetarian; step-free access please", "confirmed")]

    # And the page offers the calendar file and web calendars, and the event page
    assert phone.get_by_role("link", name="Add to Google Calendar").is_visible()
    assert phone.get_by_role("link", name="Add to Outlook.com").is_visible()
    assert phone.get_by_role("link", name="See the event page").get_attribute("href").endswith(f"/events/{event_id}")
    with phone.expect_download() as download:
        phone.get_by_role("link", name=re.compile("Download the calendar file")).click()
    assert download.value.suggested_filename == "invite.ics"
