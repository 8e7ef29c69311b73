"""What a visitor and a developer see in a real browser (Debian's Chromium, by Playwright)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack

pytestmark = pytest.mark.browser


def test_visitor_finds_event_48_and_its_registration_form(local_stack: LocalStack, page: Any,
                                                           tmp_path: Path) -> None:
    page.goto(local_stack.url + "/events")
    page.get_by_role("link", name="Communities of Practice").first.click()

    assert "/events/" in page.url
    assert page.get_by_text("Close Brothers").first.is_visible()
    assert page.locator("form input[name=email]").is_visible()
    page.screenshot(path=str(tmp_path / "event-48.png"), full_page=True)


def test_links_in_the_outbox_can_be_followed(local_stack: LocalStack, page: Any,
                                             unique_email: str) -> None:
    link = f"{local_stack.url}/events"
    local_stack.send_email(unique_email, "Your place at Event 48",
                           text=f"Manage your place: {link}",
                           html=f'<a href="{link}">Manage your place</a>')

    page.goto(f"{local_stack.url}/_dev/outbox.html?to={unique_email}")
    assert page.get_by_role("heading", name="Your place at Event 48").is_visible()
    page.get_by_role("link", name=link).click()
    page.wait_for_url(link)
    assert page.get_by_text("Communities of Practice").first.is_visible()

    page.goto(f"{local_stack.url}/_dev/outbox.html?to={unique_email}")
    page.get_by_role("link", name="Open the HTML version").click()
    page.get_by_role("link", name="Manage your place").click()
    page.wait_for_url(link)
