"""An organiser writes an event's summary report in the console, previews it, sends a test,
sends it after seeing how many people it goes to, and follows the run to done (the local
stack's pump delivers the work; the page is reloaded, never waited for). Every page is checked
by axe-core."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack
from tests.e2e.console_steps import ORGANISER, sign_in
from tests.e2e.test_polls_e2e import EVENT, register

pytestmark = pytest.mark.browser


def test_an_organiser_writes_previews_tests_and_sends_the_report(
        local_stack: LocalStack, page: Any, tmp_path: Path) -> None:
    # Given an event two attendees registered for, both asking for the report
    title = "Report day " + secrets.token_hex(3)
    created = local_stack.admin("POST", "/admin/events", {**EVENT, "title": title})
    assert created.status_code == 201, created.text
    event_id = created.json()["event_id"]
    people = [f"report-{secrets.token_hex(4)}@example.org" for _ in range(2)]
    for email in people:
        register(local_stack, event_id, email)
    local_stack.pump()

    # When the organiser writes a section and saves it to preview
    sign_in(page, local_stack)
    page.goto(f"{local_stack.url}/console/events/{event_id}/report")
    section = page.get_by_role("group", name="Section 1")
    section.get_by_label("Title").fill("Panel and workshops")
    section.get_by_label("Text").fill("Thank you to **Ofgem** for hosting.\n\n- Centres of Excellence\n- Professions")
    page.get_by_label("Vote for the next topics").uncheck()
    page.get_by_role("button", name="Save and preview").click()

    # Then the preview shows the email with the section
    assert page.get_by_role("heading", name="Preview of the report email").is_visible()
    assert page.get_by_text("Panel and workshops").first.is_visible()

    # When they send a test, its page follows the run to done
    page.get_by_role("button", name="Send a test to me").click()
    assert page.get_by_role("heading", name="Test send").is_visible()
    local_stack.pump()
    page.reload()
    assert page.get_by_text("Done", exact=True).is_visible()
    tests = [m for m in local_stack.outbox(to=ORGANISER) if m["subject"].startswith("[Test]") and title in m["subject"]]
    assert len(tests) == 1 and "Panel and workshops" in tests[0]["text"]

    # When they go to send it, the page says how many people it goes to
    page.get_by_role("link", name="Report", exact=True).click()
    page.get_by_role("link", name="Send the report…").click()
    page.get_by_role("button", name="Send to 2 people").click()

    # Then the run's page follows it to done: two sent
    assert page.get_by_role("heading", name="Sending the report").is_visible()
    local_stack.pump()
    page.reload()
    assert page.get_by_text("Done", exact=True).is_visible()
    assert "2 sent" in page.locator(".counts").inner_text().replace("\n", " ")
    for email in people:
        assert [m for m in local_stack.outbox(to=email) if title in m["subject"]]
    page.screenshot(path=str(tmp_path / "report-sent.png"), full_page=True)
