"""A host nomination in Chromium on a phone-sized screen with JavaScript off: the form works as
plain HTML, the thank-you page follows, and the acknowledgement is in the outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LocalStack

pytestmark = pytest.mark.browser

# A person types; about 50 ms a key (70-odd keys) keeps the fill above the form's minimum time.
KEY_DELAY_MS = 50


def test_nominate_to_host_from_the_events_page(
        local_stack: LocalStack, phone: Any, unique_email: str, tmp_path: Path) -> None:
    # Given the events page on a phone, with its link to host an event
    phone.goto(f"{local_stack.url}/events")
    phone.get_by_role("link", name="Host an event").click()
    expect(phone.get_by_role("heading", name="Host a CofEe Club event")).to_be_visible()

    # When a person fills in the form by its labels, first leaving out the seats
    phone.get_by_label("Organisation").press_sequentially("Close Brothers", delay=KEY_DELAY_MS)
    phone.get_by_label("Your name").press_sequentially("Grace Hopper", delay=KEY_DELAY_MS)
    phone.get_by_label("Email address").press_sequentially(unique_email, delay=KEY_DELAY_MS)
    phone.get_by_label("Town or city").press_sequentially("London", delay=KEY_DELAY_MS)
    phone.get_by_label("Venue name and address").press_sequentially(
        "10 Crown Place, London EC2A 4FT", delay=KEY_DELAY_MS)
    phone.get_by_label("June").check()
    phone.get_by_role("button", name="Send nomination").click()

    # Then the form comes back with the field's error, and what was typed
    expect(phone.get_by_text("Enter how many people the venue seats.").first).to_be_visible()
    expect(phone.get_by_label("Organisation")).to_have_value("Close Brothers")
    expect(phone.get_by_label("June")).to_be_checked()

    # When they fill it in and send it again
    phone.get_by_label("How many people can the venue seat?").fill("60")
    phone.get_by_role("button", name="Send nomination").click()

    # Then they are thanked
    expect(phone.get_by_role("heading", name="Thank you for offering to host")).to_be_visible()
    phone.screenshot(path=str(tmp_path / "nomination-received.png"), full_page=True)

    # And the acknowledgement is in the outbox
    local_stack.pump()
    [ack] = local_stack.outbox(to=unique_email)
    assert ack["subject"] == "Thank you for offering to host the CofEe Club"
    assert "Close Brothers" in ack["text"] and "June" in ack["text"]
