"""Registering, and cancelling from the emailed link, in Chromium on a phone-sized screen with
JavaScript switched off: the form works as plain HTML."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack

pytestmark = pytest.mark.browser

EVENT = {
    "title": "Centres of Excellence revisited",
    "number": 53,
    "starts_at": "2030-11-12T10:00:00+00:00",
    "ends_at": "2030-11-12T16:00:00+00:00",
    "timezone": "Europe/London",
    "venue": "Close Brothers, 10 Crown Place, London",
    "host": "Close Brothers",
    "capacity": 30,
}
MANAGE = re.compile(r"https?://[^\s\"'<>]+/r/[A-Za-z0-9_-]{20,100}")
# A person types; about 50 ms a key keeps the fill well above the form's minimum time.
KEY_DELAY_MS = 50


@pytest.fixture
def event_id(local_stack: LocalStack) -> str:
    created = local_stack.admin("POST", "/admin/events", EVENT)
    assert created.status_code == 201, created.text
    return str(created.json()["event_id"])


def test_register_read_the_confirmation_and_cancel_from_the_link(
        local_stack: LocalStack, phone: Any, event_id: str, unique_email: str) -> None:
    # Given the event page on a phone
    phone.goto(f"{local_stack.url}/events/{event_id}")

    # When a person fills in the form by its labels and registers
    phone.get_by_label("Email address").press_sequentially(unique_email, delay=KEY_DELAY_MS)
    phone.get_by_label("Full name").press_sequentially("Grace Hopper", delay=KEY_DELAY_MS)
    phone.get_by_label("Organisation").press_sequentially("Compilers Ltd", delay=KEY_DELAY_MS)
    phone.get_by_label("Access, dietary or quiet-room needs").fill("A quiet room, please")
    phone.get_by_label("Send me the summary report after the event").check()
    phone.get_by_role("button", name="Register").click()

    # Then the page says to check their email
    assert phone.get_by_role("heading", name="Check your email").is_visible()

    # And the confirmation in the outbox carries the invite and a manage link
    local_stack.pump()
    (confirmation,) = local_stack.outbox(to=unique_email)
    assert confirmation["subject"] == "You're registered: Event 53 \u2013 Centres of Excellence revisited"
    assert [a["filename"] for a in confirmation["attachments"]] == ["invite.ics"]
    link = MANAGE.search(confirmation["text"])
    assert link is not None

    # When they open the link and cancel, confirming when asked
    phone.goto(link.group(0))
    assert phone.get_by_text("Your place is confirmed").is_visible()
    assert phone.get_by_label("Access, dietary or quiet-room needs").input_value() == "A quiet room, please"
    phone.get_by_text("Cancel my registration", exact=True).click()
    phone.get_by_role("button", name="Yes, cancel my registration").click()

    # Then the registration is cancelled, and an email confirms it
    assert phone.get_by_role("heading", name="Your registration is cancelled").is_visible()
    local_stack.pump()
    latest = local_stack.outbox(to=unique_email)[0]
    assert latest["subject"].startswith("Registration cancelled")
    registrations = local_stack.admin("GET", f"/admin/events/{event_id}/registrations").json()
    assert [(r["email"], r["status"]) for r in registrations["registrations"]] == [(unique_email, "cancelled")]


def test_a_bad_email_is_shown_next_to_its_field_with_the_values_kept(
        local_stack: LocalStack, phone: Any, event_id: str) -> None:
    # Given the event page
    phone.goto(f"{local_stack.url}/events/{event_id}")

    # When the person mistypes their address and submits
    phone.get_by_label("Email address").press_sequentially("grace.example.org", delay=KEY_DELAY_MS)
    phone.get_by_label("Full name").press_sequentially("Grace <Hopper>", delay=KEY_DELAY_MS)
    phone.get_by_label("Organisation").fill("Compilers Ltd")
    phone.get_by_role("button", name="Register").click()

    # Then the form comes back with the message by the field, tied to it for screen readers
    email = phone.get_by_label("Email address")
    assert email.get_attribute("aria-invalid") == "true"
    assert "email-error" in (email.get_attribute("aria-describedby") or "")
    error = phone.locator("#email-error")
    assert error.is_visible()
    assert "Enter an email address like name@example.com." in error.inner_text()
    assert phone.get_by_role("link", name="Enter an email address like name@example.com.").is_visible()
    # And what they typed is still there, markup as plain text
    assert email.input_value() == "grace.example.org"
    assert phone.get_by_label("Full name").input_value() == "Grace <Hopper>"
    assert local_stack.admin("GET", f"/admin/events/{event_id}/registrations").json()["registrations"] == []


def test_the_form_fits_a_phone_screen(local_stack: LocalStack, browser: Any, event_id: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(f"{local_stack.url}/events/{event_id}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box = page.get_by_role("button", name="Register").bounding_box()
        assert box is not None and box["width"] >= 300  # a full-width tap target
    finally:
        context.close()


def test_an_autofilled_form_pressed_at_once_is_never_dropped(
        local_stack: LocalStack, phone: Any, event_id: str, unique_email: str) -> None:
    # Given the event page, filled at once as autofill does, and Register pressed straight away
    phone.goto(f"{local_stack.url}/events/{event_id}")
    phone.get_by_label("Email address").fill(unique_email)
    phone.get_by_label("Full name").fill("Grace Hopper")
    phone.get_by_label("Organisation").fill("Compilers Ltd")
    phone.get_by_role("button", name="Register").click()

    # When the page asks them to confirm they are a person, they press Register again (the
    # details are still there) until it has been open long enough
    asked = 0
    while phone.get_by_role("heading", name="Check your email").count() == 0:
        assert phone.get_by_text("Please confirm you are a person").is_visible()
        assert phone.get_by_label("Email address").input_value() == unique_email
        asked += 1
        assert asked < 100, "still asked to press again after 100 presses"
        phone.get_by_role("button", name="Register").click()

    # Then "check your email" is true: the confirmation is there
    local_stack.pump()
    (confirmation,) = local_stack.outbox(to=unique_email)
    assert confirmation["subject"].startswith("You're registered")
