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
from tests.e2e.console_steps import follow_run_to_done, send_report, sign_in, write_and_preview_report
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
    me = sign_in(page, local_stack)
    page.goto(f"{local_stack.url}/console/events/{event_id}/report")
    page.get_by_label("Vote for the next topics").uncheck()
    write_and_preview_report(page, "Panel and workshops",
                             "Thank you to **Ofgem** for hosting.\n\n- Centres of Excellence\n- Professions")

    # Then the preview shows the email with the section
    assert page.get_by_text("Panel and workshops").first.is_visible()

    # When they send a test, its page follows the run to done
    page.get_by_role("button", name="Send a test to me").click()
    assert page.get_by_role("heading", name="Test send").is_visible()
    follow_run_to_done(page, local_stack)
    tests = [m for m in local_stack.outbox(to=me) if m["subject"].startswith("[Test]") and title in m["subject"]]
    assert len(tests) == 1 and "Panel and workshops" in tests[0]["text"]

    # When they go to send it, the page says how many people it goes to
    # Then the run's page follows it to done: two sent
    send_report(page, local_stack, 2)
    for email in people:
        assert [m for m in local_stack.outbox(to=email) if title in m["subject"]]
    page.screenshot(path=str(tmp_path / "report-sent.png"), full_page=True)
