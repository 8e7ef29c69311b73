"""The organisers' console in Chromium, on the local stack: signing in from the outbox's link
and out again, with every page checked by axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LocalStack
from tests.e2e.console_steps import ORGANISER, latest_sign_in_link, sign_in

pytestmark = pytest.mark.browser


def test_the_local_organiser_signs_in_from_the_outbox_and_out_again(local_stack: LocalStack, page: Any) -> None:
    # Given a mistyped address, which the form names
    page.goto(local_stack.url + "/console")
    page.get_by_label("Email address").fill("organiser.example.com")
    page.get_by_role("button", name="Email me a sign-in link").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Email address").get_attribute("aria-invalid") == "true"

    # When the local stack's organiser signs in with the emailed link
    sign_in(page, local_stack)

    # Then the dashboard shows who is signed in, and the session cookie is HttpOnly
    assert page.get_by_text(ORGANISER).is_visible()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "clubflow_console"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    # When they sign out
    page.get_by_role("button", name="Sign out").click()

    # Then the sign-in form is back, and the used link signs no one in again
    page.get_by_role("button", name="Email me a sign-in link").wait_for()
    page.goto(latest_sign_in_link(local_stack))
    assert page.get_by_role("heading", name="This sign-in link no longer works").is_visible()
