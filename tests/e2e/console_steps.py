"""Steps shared by the console's browser tests: sign in as an organiser of the test's own (or the
local stack's), from the sign-in form and the link the local outbox holds.

    def test_something(local_stack, page):
        organiser = sign_in(page, local_stack)      # the page is now on the dashboard
        page.goto(local_stack.url + "/console/...")
"""

from __future__ import annotations

import re
import secrets
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


def new_organiser(stack: LocalStack) -> str:
    """An organiser of one test's own, added as `clubflow organisers add` adds one."""
    email = f"organiser-{secrets.token_hex(4)}@example.com"
    added = stack.cli("organisers", "add", email)
    assert added.returncode == 0, added.stderr
    return email


def sign_in(page: Any, stack: LocalStack, email: str | None = None) -> str:
    """Ask for a link on the console's form, open it from the outbox, press Sign in; return who
    signed in. Without `email`, an organiser of the test's own: links are limited to five an hour
    per address, and the tests sharing one local stack would run past that as one organiser."""
    email = email or new_organiser(stack)
    page.goto(stack.url + "/console")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    stack.pump()
    page.goto(latest_sign_in_link(stack, email))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    return email


def create_event(page: Any, title: str, number: int, starts_at: str, ends_at: str,
                 venue: str = "HPCA, London", host: str = "HPCA", capacity: int = 30) -> str:
    """Create an event from the console's form (times as the browser's datetime-local takes them,
    e.g. 2031-05-13T10:00); the page is left on the event's page, whose id is returned."""
    page.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name="Create an event").click()
    page.locator("#title").fill(title)
    page.locator("#number").fill(str(number))
    page.locator("#starts_at").fill(starts_at)
    page.locator("#ends_at").fill(ends_at)
    page.locator("#venue").fill(venue)
    page.locator("#host").fill(host)
    page.locator("#capacity").fill(str(capacity))
    page.get_by_role("button", name="Create the event").click()
    page.get_by_role("heading", name=f"Event {number} \u2013 {title}").wait_for()
    return str(page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1])


def check_in_by_search(door: Any, search: str, name: str) -> None:
    """On the door's page: search for a person and tap their Check in button."""
    door.get_by_label("Name, email or organisation").fill(search)
    door.get_by_role("button", name="Find").click()
    door.get_by_role("button", name=f"Check in {name}").click()
    door.get_by_text(f"{name} is checked in.").wait_for()


def create_poll(page: Any, question: str, options: list[str]) -> None:
    """On an event's polls page: create a one-choice poll."""
    page.get_by_label("Question").fill(question)
    page.get_by_label("One choice").check()
    page.get_by_label("Options, one per line").fill("\n".join(options))
    page.get_by_role("button", name="Create the poll").click()
    page.get_by_text(f"Poll created: {question}").wait_for()


def write_and_preview_report(page: Any, title: str, markdown: str) -> None:
    """On an event's report page: write the first section, save it and open the preview."""
    section = page.get_by_role("group", name="Section 1")
    section.get_by_label("Title").fill(title)
    section.get_by_label("Text").fill(markdown)
    page.get_by_role("button", name="Save and preview").click()
    page.get_by_role("heading", name="Preview of the report email").wait_for()


def follow_run_to_done(page: Any, stack: LocalStack) -> None:
    """On a report run's page: deliver the queued work, reload, and see the run done."""
    stack.pump()
    page.reload()
    page.get_by_text("Done", exact=True).wait_for()


def send_report(page: Any, stack: LocalStack, recipients: int) -> None:
    """From the report's tab: confirm the send to `recipients` people and follow it to done."""
    page.get_by_role("link", name="Report", exact=True).click()
    page.get_by_role("link", name="Send the report…").click()
    page.get_by_role("button", name=f"Send to {recipients} people").click()
    page.get_by_role("heading", name="Sending the report").wait_for()
    follow_run_to_done(page, stack)
    assert f"{recipients} sent" in page.locator(".counts").inner_text().replace("\n", " ")
