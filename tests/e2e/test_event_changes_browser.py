"""An event moves, then is cancelled, as people meet it in Chromium with JavaScript off: the
moved event's invite reaches the outbox updated, the cancelled event tells everyone and its page
refuses registration."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.attendee_steps import register_on_the_page
from tests.e2e.conftest import LocalStack

pytestmark = pytest.mark.browser

EVENT = {
    "title": "Skills for data teams", "number": 62,
    "starts_at": "2030-06-11T10:00:00+01:00", "ends_at": "2030-06-11T16:00:00+01:00",
    "timezone": "Europe/London", "venue": "Close Brothers, London", "host": "Close Brothers", "capacity": 1,
}


def _calendar(message: dict[str, Any]) -> list[str]:
    (attachment,) = [a for a in message["attachments"] if a["content_type"] == "text/calendar"]
    return str(attachment["content"]).replace("\r\n ", "").split("\r\n")


def test_a_moved_then_cancelled_event_reaches_everyone(local_stack: LocalStack, phone: Any) -> None:
    # Given Grace confirmed and Alan waiting, both registered on the event page
    event_id = local_stack.admin("POST", "/admin/events", EVENT).json()["event_id"]
    page = f"{local_stack.url}/events/{event_id}"
    grace, alan = (f"e2e-{who}-{event_id}@example.org" for who in ("grace", "alan"))
    register_on_the_page(phone, page, grace, "Grace Hopper")
    register_on_the_page(phone, page, alan, "Alan Turing")
    local_stack.pump()

    # When the organiser moves it a day later and to Leeds
    moved = local_stack.admin("PATCH", f"/admin/events/{event_id}", {
        "starts_at": "2030-06-12T14:00:00+01:00", "ends_at": "2030-06-12T18:00:00+01:00", "venue": "Leeds"})
    assert moved.status_code == 200, moved.text
    local_stack.pump()

    # Then Grace's outbox has an update: SEQUENCE 1, the new DTSTART, the same UID as before
    [update, first] = local_stack.outbox(to=grace)
    assert update["subject"].startswith("Changed:")
    lines = _calendar(update)
    assert "SEQUENCE:1" in lines and "METHOD:REQUEST" in lines
    assert "DTSTART;TZID=Europe/London:20300612T140000" in lines
    assert [x for x in lines if x.startswith("UID:")] == [x for x in _calendar(first) if x.startswith("UID:")]
    # And Alan, waiting, is told what changed
    assert local_stack.outbox(to=alan)[0]["subject"].startswith("Changed:")
    # And the event page shows the new time
    phone.goto(page)
    assert phone.get_by_text("Wednesday 12 June 2030, 14:00 BST").is_visible()

    # When the organiser cancels it
    cancelled = local_stack.admin("POST", f"/admin/events/{event_id}/cancel",
                                  {"message": "Our host's building is closed that week."})
    assert cancelled.status_code == 200, cancelled.text
    local_stack.pump()

    # Then everyone, confirmed or waiting, gets one METHOD:CANCEL
    for email in (grace, alan):
        notices = [m for m in local_stack.outbox(to=email) if m["subject"].startswith("Cancelled:")]
        assert len(notices) == 1
        assert "METHOD:CANCEL" in _calendar(notices[0])
    # And the page says so and has no form; a registration sent anyway is refused
    phone.goto(page)
    assert phone.get_by_text("This event has been cancelled.").is_visible()
    assert phone.get_by_text("Our host's building is closed that week.").is_visible()
    assert phone.get_by_label("Email address").count() == 0
    refused = local_stack.post(f"/events/{event_id}/registrations", json={
        "email": f"e2e-late-{event_id}@example.org", "name": "Late", "organisation": "Late Ltd"})
    assert refused.status_code == 409
