"""An organiser creates a poll in the console and presents it on the room's screen; attendees
answer (one on a phone, from the page the QR code opens) and the chart follows without a reload.
Every page is checked by axe-core."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack
from tests.e2e.console_steps import create_poll, sign_in
from tests.e2e.test_polls_e2e import EVENT, JSON, POLL_LINK, poll_link, polls_of, register

pytestmark = pytest.mark.browser


def answer(stack: LocalStack, link: str, poll_id: str, option: str) -> None:
    response = stack.http.post(link, headers=JSON, json={"answers": {poll_id: option}}, timeout=30)
    assert response.status_code == 200, response.text


def test_an_organiser_presents_a_poll_and_the_chart_follows_the_answers(
        local_stack: LocalStack, page: Any, browser: Any, tmp_path: Path) -> None:
    # Given an event with six confirmed attendees
    created = local_stack.admin("POST", "/admin/events", {**EVENT, "title": "Present mode " + secrets.token_hex(3)})
    assert created.status_code == 201, created.text
    event_id = created.json()["event_id"]
    people = [f"room-{secrets.token_hex(4)}@example.org" for _ in range(6)]
    for email in people:
        register(local_stack, event_id, email)
    local_stack.pump()

    # When the organiser signs in and creates a poll on the event's polls page
    sign_in(page, local_stack)
    page.goto(f"{local_stack.url}/console/events/{event_id}/polls")
    create_poll(page, "Coffee or tea?", ["Coffee", "Tea"])
    [poll] = polls_of(local_stack, event_id)

    # And presents it on the room's screen
    page.get_by_role("link", name="Present").click()
    assert page.get_by_role("heading", name="Coffee or tea?").is_visible()
    assert page.get_by_role("img", name=re.compile("QR code for")).is_visible()
    short_link = f"/events/{event_id}/polls"
    assert page.get_by_text(short_link).is_visible()
    chart = page.locator("#chart")
    assert "0 answers" in chart.inner_text()

    # And four attendees answer through the links emailed to them
    page.get_by_role("link", name="Back to the console").wait_for()
    local_stack.admin("POST", f"/admin/events/{event_id}/poll-invitations", {})
    local_stack.pump()
    for email in people[:4]:
        answer(local_stack, poll_link(local_stack, email), poll["poll_id"], "Coffee")

    # Then the screen shows the count without a reload, and no bars below five answers
    chart.get_by_text("4 answers").wait_for(timeout=15_000)
    assert "appear once 5 people" in chart.inner_text()

    # When a fifth attendee, on a phone, follows the short link, asks for their link and answers
    phone = browser.new_context(viewport={"width": 375, "height": 800})
    mobile = phone.new_page()
    mobile.goto(local_stack.url + short_link)
    mobile.get_by_label("Your email address").fill(people[4])
    mobile.get_by_role("button", name="Email me my poll link").click()
    assert mobile.get_by_role("heading", name="Check your email").is_visible()
    local_stack.pump()
    [asked] = [m for m in local_stack.outbox(to=people[4]) if m["subject"].startswith("Your link to answer")]
    [link] = set(POLL_LINK.findall(asked["text"]))
    mobile.goto(link)
    mobile.get_by_role("group", name="Coffee or tea?").get_by_label("Tea").check()
    mobile.get_by_role("button", name="Send my answers").click()
    assert mobile.get_by_text("We recorded your answer").is_visible()
    phone.close()

    # Then the room's chart changes by itself: five answers, with their bars
    chart.get_by_text("5 answers").wait_for(timeout=15_000)
    assert "80%" in chart.inner_text() and "20%" in chart.inner_text()
    page.screenshot(path=str(tmp_path / "present-mode.png"), full_page=True)
