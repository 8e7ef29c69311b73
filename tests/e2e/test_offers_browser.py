"""A place freed near the start, offered in Chromium on a phone with JavaScript off: the first
person waiting declines it from the emailed link's page, and it passes on to the next, who
accepts it. Every page passes axe-core (the `browser` fixture checks each)."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import LocalStack

pytestmark = pytest.mark.browser

MANAGE = re.compile(r"https?://[^\s\"'<>]+/r/[A-Za-z0-9_-]{20,100}")
OFFER = re.compile(r"https?://[^\s\"'<>]+/o/[A-Za-z0-9_-]{20,100}\?answer=(?:accept|decline)")
OFFER_SUBJECT = "A place has come up for you"


def _offer_link(local_stack: LocalStack, email: str, answer: str) -> str:
    (offer,) = [m for m in local_stack.outbox(to=email) if m["subject"].startswith(OFFER_SUBJECT)]
    links = {link for link in OFFER.findall(offer["text"]) if link.endswith(answer)}
    assert len(links) == 1, offer["text"]
    return links.pop()


def test_an_offer_near_the_start_passes_on_when_declined_and_is_accepted_by_the_next(
        local_stack: LocalStack, phone: Any) -> None:
    # Given an event ten hours ahead with one place taken and two people waiting
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=10)
    event_id = local_stack.admin("POST", "/admin/events", {
        "title": "Data communities", "number": 62, "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(), "timezone": "Europe/London",
        "venue": "Ofgem, 10 South Colonnade, London", "host": "Ofgem", "capacity": 1}).json()["event_id"]
    holder, ada, bob = (f"e2e-{name}-{secrets.token_hex(4)}@example.org" for name in ("holder", "ada", "bob"))
    for email, name in ((holder, "Holder"), (ada, "Ada Lovelace"), (bob, "Bob Kahn")):
        answered = local_stack.post(f"/events/{event_id}/registrations", json={
            "email": email, "name": name, "organisation": "Data Ltd"})
        assert answered.status_code == 202
    local_stack.pump()

    # When the holder cancels, the place is offered (not given) to Ada, and held
    (confirmation,) = local_stack.outbox(to=holder)
    manage = MANAGE.search(confirmation["text"])
    assert manage is not None
    cancel = urlparse(manage.group(0)).path + "/cancel"
    assert local_stack.post(cancel, headers={"Accept": "application/json"}).status_code == 200
    local_stack.pump()
    counts = local_stack.admin("GET", f"/admin/events/{event_id}").json()["counts"]
    assert counts == {"confirmed": 0, "waitlisted": 1, "cancelled": 1, "attended": 0, "offered": 1}

    # When Ada opens the decline link from her email and presses its button
    phone.goto(_offer_link(local_stack, ada, "decline"))
    assert phone.get_by_role("heading", name="A place has come up for you").is_visible()
    phone.get_by_role("button", name="No, offer it to the next person").click()

    # Then she is told it went on, and it is offered to Bob
    assert phone.get_by_role("heading", name="Offer passed on").is_visible()
    local_stack.pump()

    # When Bob opens the accept link and presses its button
    phone.goto(_offer_link(local_stack, bob, "accept"))
    phone.get_by_role("button", name="Yes, I'll take the place").click()

    # Then the place is Bob's, with his invite on the way; Ada's is given up
    assert phone.get_by_role("heading", name="Your place is confirmed").is_visible()
    local_stack.pump()
    promoted = [m for m in local_stack.outbox(to=bob) if m["subject"].startswith("A place has come up, you're")]
    assert len(promoted) == 1
    assert [a["filename"] for a in promoted[0]["attachments"] if a["content_type"] == "text/calendar"]
    listed = local_stack.admin("GET", f"/admin/events/{event_id}/registrations").json()
    assert {r["email"]: r["status"] for r in listed["registrations"]} == {
        holder: "cancelled", ada: "cancelled", bob: "confirmed"}
    assert listed["counts"] == {"confirmed": 1, "waitlisted": 0, "cancelled": 2, "attended": 0, "offered": 0}

    # And Ada's link, used again, says the offer is no longer hers to take
    phone.goto(_offer_link(local_stack, ada, "accept"))
    assert phone.get_by_role("heading", name="Offer passed on").is_visible()
