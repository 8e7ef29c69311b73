"""Steps shared by the console's browser tests: sign in as the local stack's organiser, from the
sign-in form and the link the local outbox holds.

    def test_something(local_stack, page):
        sign_in(page, local_stack)                  # the page is now on the dashboard
        page.goto(local_stack.url + "/console/...")
"""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import LocalStack

# The organiser `clubflow dev` creates (CLUBFLOW_DEV_ORGANISER_EMAIL's default).
ORGANISER = "organiser@example.com"
SIGN_IN_LINK = re.compile(r"https?://[^\s\"'<>]+/console/sign-in/[A-Za-z0-9_-]{20,100}")


def latest_sign_in_link(stack: LocalStack, email: str = ORGANISER) -> str:
    """The newest sign-in link in the local outbox for `email` (after the pump delivered it)."""
    for message in stack.outbox(to=email):
        found = SIGN_IN_LINK.search(message["text"])
        if found:
            return found.group(0)
    raise AssertionError(f"no sign-in link was emailed to {email}")


def sign_in(page: Any, stack: LocalStack, email: str = ORGANISER) -> None:
    """Ask for a link on the console's form, open it from the outbox, press Sign in."""
    page.goto(stack.url + "/console")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    stack.pump()
    page.goto(latest_sign_in_link(stack, email))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
