"""The privacy notice in a real browser: reachable from the site's footer, and axe-core finds no
WCAG violation on it (the `browser` fixture checks every page served)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import CheckedBrowser, LocalStack

pytestmark = pytest.mark.browser


def test_the_privacy_notice_is_one_click_from_the_events_and_accessible(
    browser: CheckedBrowser, local_stack: LocalStack,
) -> None:
    page = browser.new_context().new_page()
    page.goto(local_stack.url + "/events")
    page.locator("footer").get_by_role("link", name="Privacy notice").click()
    page.wait_for_url(local_stack.url + "/privacy")

    assert page.get_by_role("heading", name="Privacy notice", level=1).is_visible()
    assert page.get_by_role("heading", name="How long we keep it").is_visible()
    assert page.locator("main a[href^='mailto:']").first.is_visible()


def test_keep_in_touch_from_the_events_page_in_a_browser(
    browser: CheckedBrowser, local_stack: LocalStack, unique_email: str,
) -> None:
    page = browser.new_context().new_page()
    page.goto(local_stack.url + "/events")
    page.get_by_label("Email address").fill(unique_email)
    page.get_by_role("button", name="Keep me in touch").click()

    assert page.get_by_role("heading", name="Check your email").is_visible()
    local_stack.pump()
    [sent] = local_stack.outbox(to=unique_email)
    # The link's page has the button; pressing it joins. Then the email's own choices link.
    join = re.search(r"https?://\S+/subscriptions/[A-Za-z0-9_-]+", sent["text"])
    choices = re.search(r"Choose which emails you get, or none: (\S+)", sent["text"])
    assert join and choices, sent["text"]
    page.goto(join.group(0))
    page.get_by_role("button", name="Yes, keep me in touch").click()
    assert page.get_by_role("heading", name="You are on the list").is_visible()
    page.goto(choices.group(1))
    assert page.get_by_label("News of future CofEe Club events").is_checked()
    page.get_by_label("News of future CofEe Club events").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    assert page.get_by_text("Your choices are saved.").is_visible()
    assert not page.get_by_label("News of future CofEe Club events").is_checked()
    # An empty address: the form again, the error next to its field
    page.goto(local_stack.url + "/events")
    page.get_by_role("button", name="Keep me in touch").click()
    assert page.locator("#subscribe-email[aria-invalid=true]").is_visible()
