"""Check-in at the door in Chromium: the confirmation's code opens a page to show at the door,
and the organisers' scan of it marks attendance once, however often it is scanned."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack

pytestmark = pytest.mark.browser

EVENT = {
    "title": "Door test", "number": 63,
    "starts_at": "2030-07-16T10:00:00+01:00", "ends_at": "2030-07-16T16:00:00+01:00",
    "timezone": "Europe/London", "venue": "Ofgem, London", "host": "Ofgem", "capacity": 10,
}
CHECKIN = re.compile(r"https?://[^\s\"'<>]+/k/[A-Za-z0-9_-]{20,100}")


def test_a_check_in_by_qr_token_marks_attendance_once(
        local_stack: LocalStack, phone: Any, unique_email: str) -> None:
    # Given a confirmed person and the check-in link their confirmation's QR code holds
    event_id = local_stack.admin("POST", "/admin/events", EVENT).json()["event_id"]
    local_stack.post(f"/events/{event_id}/registrations", json={
        "email": unique_email, "name": "Grace Hopper", "organisation": "Compilers Ltd"})
    local_stack.pump()
    (confirmation,) = local_stack.outbox(to=unique_email)
    link = CHECKIN.search(confirmation["text"])
    assert link is not None and 'src="cid:checkin-qr"' in confirmation["html"]

    # When the person opens it on their phone, it shows their code for the door
    phone.goto(link.group(0))
    assert phone.get_by_role("heading", name="Check-in code").is_visible()
    assert phone.get_by_text("Grace Hopper").is_visible()

    # And the organisers scan it twice at the door
    scans = [local_stack.admin("POST", f"/admin/events/{event_id}/checkins", {"token": link.group(0)})
             for _ in range(2)]

    # Then attendance is marked once
    assert [s.json()["status"] for s in scans] == ["checked_in", "already_checked_in"]
    event = local_stack.admin("GET", f"/admin/events/{event_id}").json()
    assert event["counts"]["attended"] == 1
