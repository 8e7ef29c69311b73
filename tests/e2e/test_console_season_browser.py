"""An organiser's season in the console, end to end in Chromium on the local stack: sign in from
the outbox's link, create an event, watch registrations arrive, check someone in at the door,
present a poll while an attendee answers, then write, preview, test and send the report and
follow it to done. The organiser only clicks and fills in the console's forms; the attendees use
the public pages and their emailed links. Work is delivered by the pump, never waited for, and
every page either side is checked by axe-core."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.attendee_steps import register_on_the_page
from tests.e2e.conftest import LocalStack
from tests.e2e.console_steps import (
    check_in_by_search,
    create_event,
    create_poll,
    follow_run_to_done,
    send_report,
    sign_in,
    write_and_preview_report,
)
from tests.e2e.test_console_polls_browser import answer
from tests.e2e.test_polls_e2e import poll_link

pytestmark = pytest.mark.browser

PEOPLE = (("Grace Hopper", True), ("Alan Turing", True), ("Ada Lovelace", False))


def test_an_organiser_runs_a_season_from_the_console(local_stack: LocalStack, browser: Any,
                                                     tmp_path: Path) -> None:
    organiser = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    title = "Season opener " + secrets.token_hex(3)
    number = 800 + secrets.randbelow(100)

    # Given an organiser signed in from the link the outbox holds
    me = sign_in(organiser, local_stack)

    # When they create the season's first event
    event_id = create_event(organiser, title, number, "2031-09-09T10:00", "2031-09-09T16:00", capacity=20)
    assert organiser.get_by_role("status").filter(has_text="is created").is_visible()

    # And three people register on its public page, on their phones
    attendee = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True,
                                   has_touch=True).new_page()
    emails = {name: f"season-{secrets.token_hex(4)}@example.org" for name, _ in PEOPLE}
    for name, report in PEOPLE:
        register_on_the_page(attendee, f"{local_stack.url}/events/{event_id}", emails[name], name,
                             report=report)
    local_stack.pump()

    # Then the registrations arrive on the event's page
    organiser.reload()
    for name, _ in PEOPLE:
        assert organiser.get_by_role("cell", name=name).is_visible(), name
    assert organiser.get_by_text("3 of 3 registrations shown.").is_visible()

    # When they check Grace in at the door by searching her name
    organiser.get_by_role("navigation", name="This event").get_by_role("link", name="Door").click()
    assert organiser.locator("#attended").inner_text() == "0"
    check_in_by_search(organiser, "hopp", "Grace Hopper")

    # Then the door counts her arrival
    assert organiser.locator("#attended").inner_text() == "1"

    # When they create a poll, email everyone their link, and present it on the room's screen
    organiser.get_by_role("navigation", name="This event").get_by_role("link", name="Polls").click()
    create_poll(organiser, "Coffee or tea?", ["Coffee", "Tea"])
    organiser.get_by_role("button", name="Email attendees their poll links now").click()
    organiser.get_by_text("Invitations are on their way").wait_for()
    local_stack.pump()
    organiser.get_by_role("link", name="Present").click()
    organiser.get_by_role("heading", name="Coffee or tea?").wait_for()
    chart = organiser.locator("#chart")
    assert "0 answers" in chart.inner_text()
    poll_id = organiser.url.rstrip("/").split("/")[-2]

    # And Grace, who came (once attendance is taken only those who came are asked), answers
    # from the link emailed to her
    answer(local_stack, poll_link(local_stack, emails["Grace Hopper"]), poll_id, "Tea")

    # Then the chart on the screen changes without a reload
    expect(chart).to_contain_text("1 answer", timeout=15_000)
    organiser.screenshot(path=str(tmp_path / "season-present.png"), full_page=True)

    # When they go back and write the report, and preview it
    organiser.get_by_role("link", name="Back to the console").click()
    organiser.get_by_role("navigation", name="This event").get_by_role("link", name="Report").click()
    write_and_preview_report(organiser, "What we did", "Thank you to **HPCA** for hosting.")

    # Then the preview shows the section
    assert organiser.get_by_text("What we did").first.is_visible()

    # When they send a test to themselves, it reaches them
    organiser.get_by_role("button", name="Send a test to me").click()
    organiser.get_by_role("heading", name="Test send").wait_for()
    follow_run_to_done(organiser, local_stack)
    assert [m for m in local_stack.outbox(to=me) if m["subject"].startswith("[Test]") and title in m["subject"]]

    # And when they send it to the two who asked for it, the progress reaches done
    send_report(organiser, local_stack, 2)
    assert organiser.locator("#run-progress").get_attribute("value") == "100"
    for name, report in PEOPLE:
        sent = [m for m in local_stack.outbox(to=emails[name]) if m["subject"].endswith(": the summary report")]
        assert bool(sent) is report, name
    organiser.screenshot(path=str(tmp_path / "season-report-sent.png"), full_page=True)
