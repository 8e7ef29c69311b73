"""An attendee opens the emailed poll link in Chromium, answers the seed's three polls and sees
them recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack
from tests.e2e.test_polls_e2e import demo_event, register

pytestmark = pytest.mark.browser


def test_attendee_answers_the_three_polls_from_the_email(
    local_stack: LocalStack, page: Any, unique_email: str, tmp_path: Path
) -> None:
    # Given an attendee of Event 48, invited to its polls
    event_id = demo_event(local_stack)
    register(local_stack, event_id, unique_email)
    local_stack.pump()
    assert local_stack.admin("POST", f"/admin/events/{event_id}/poll-invitations", {}).status_code == 202
    local_stack.pump()

    # When they follow the link in the email, on a phone-sized screen
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{local_stack.url}/_dev/outbox.html?to={unique_email}")
    page.locator("a[href*='/p/']").first.click()
    assert page.get_by_role("heading", name="Your polls: Event 48 \N{EN DASH} Communities of Practice").is_visible()

    # And answer the three polls and send them
    page.get_by_role("group", name="What type of entity").get_by_label("Communities of Practice").check()
    page.get_by_label("Medium levels of adjustment").check()
    page.get_by_role("group", name="On a scale of 1 to 10").get_by_label("6", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()

    # Then all three are recorded and shown as answered, with nothing left to send
    assert page.get_by_text("We recorded your answers to 3 polls.").is_visible()
    assert page.get_by_text("Answered: Medium levels of adjustment").is_visible()
    assert page.get_by_text("Answered: 6 out of 10").is_visible()
    assert page.get_by_role("button", name="Send my answers").count() == 0
    page.screenshot(path=str(tmp_path / "polls-answered.png"), full_page=True)
