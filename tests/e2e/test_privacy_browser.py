"""The privacy notice in a real browser: reachable from the site's footer, and axe-core finds no
WCAG violation on it (the `browser` fixture checks every page served)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import CheckedBrowser, LocalStack

pytestmark = pytest.mark.browser


def test_the_privacy_notice_is_one_click_from_the_events_and_accessible(
    browser: CheckedBrowser, local_stack: LocalStack,
) -> None:
    page = browser.new_context().new_page()
    page.goto(local_stack.url + "/events")
    page.get_by_role("link", name="Privacy notice").click()
    page.wait_for_url(local_stack.url + "/privacy")

    assert page.get_by_role("heading", name="Privacy notice", level=1).is_visible()
    assert page.get_by_role("heading", name="How long we keep it").is_visible()
    assert page.locator("main a[href^='mailto:']").first.is_visible()
