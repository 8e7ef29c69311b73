"""Every kind of email read on a phone: rendered at 390 px wide in Chromium, nothing reaches past
the screen's edge (long links wrap or sit behind buttons), and axe-core finds no WCAG violation.

The emails are the real ones: each is sent through the app's own flows in moto and read back from
SES's raw MIME, as the outbox shows them."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import AxeChecks
from tests.integration.console_steps import ask_for_link
from tests.integration.hold_steps import starting_in
from tests.integration.nominations_steps import decide, nominate
from tests.integration.polls_steps import invite, seed_polls
from tests.integration.registration_steps import FORM, JSON, create_event, manage_path, register
from tests.integration.reports_steps import SECTIONS, save_sections, start_run
from tests.integration.slides_steps import ask_for_slides, upload
from tests.integration.subscriptions_steps import subscribed
from tests.integration.test_topics import listed_topic, vote

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"
# What people type is long: an organisation, a venue and a title that do not fit a phone's line.
LONG = "Department-for-Science-Innovation-and-Technology-Digital-Transformation-Directorate"


def every_kind_of_email(client: Any, key: str, pump: Any, outbox: Any) -> dict[str, str]:
    """Send one email of each kind through the app's flows; the HTML part of each, by template."""
    from chalicelib.core import mail

    html: dict[str, str] = {}
    build = mail.build

    def kept(message: mail.Email) -> EmailMessage:
        built = build(message)
        part = built.get_body(("html",))
        assert part is not None
        html.setdefault(message.template, str(part.get_content()))
        return built

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mail, "build", kept)
        # Registration: confirmed, waitlisted, repeated, cancelled, promoted, reminded
        event_id = create_event(client, key, capacity=1, title=f"Communities of Practice {LONG}",
                                venue=f"{LONG}, 10 Crown Place, London", host=LONG, slide_policy="public",
                                starts_at="2030-07-09T09:00:00+00:00", ends_at="2030-07-09T15:00:00+00:00")
        register(client, event_id, "ada@example.com", organisation=LONG, needs=LONG)
        register(client, event_id, "bob@example.com")
        register(client, event_id, "ada@example.com")
        pump.drain()
        confirmed = [m for m in outbox.messages_to("ada@example.com") if "registered:" in m["subject"]][-1]
        client.http.post(f"{manage_path(confirmed)}/cancel", headers=FORM, body="")
        pump.drain()
        pump.drain(now=datetime(2030, 7, 8, 9, 0, 1, tzinfo=UTC))
        # The event moves (everyone holding a place or waiting is told)
        client.http.patch(f"/admin/events/{event_id}", headers={"Authorization": f"Bearer {key}", **JSON},
                          body=json.dumps({"venue": f"{LONG}, 1 Other Place, Leeds"}))
        # Slides, topics and votes, polls
        upload(client, key, event_id, filename=f"{LONG}.pdf")
        ask_for_slides(client, event_id, "bob@example.com")
        topic_id = listed_topic(client, pump, outbox, f"Measuring {LONG}", "cy@example.com")
        vote(client, topic_id, "dee@example.com")
        seed_polls(client, key, event_id)
        invite(client, key, event_id)
        # Joining the club's list, and an announcement to it
        subscribed(client, pump, outbox, "eve@example.com", organisation=LONG)
        client.http.post("/admin/announcements", headers={"Authorization": f"Bearer {key}",
                                                          "Content-Type": "application/json"},
                         body=json.dumps({"event_id": event_id, "markdown": f"See {LONG}"}))
        pump.drain()
        # An organiser's link to sign in to the console
        ask_for_link(client)
        pump.drain()
        # Nominations: received, to organisers, decided
        nominate(client, organisation=LONG, venue=f"{LONG}, 10 Crown Place", message=LONG)
        pump.drain()
        [nomination] = client.http.get("/admin/nominations?status=received",
                                       headers={"Authorization": f"Bearer {key}"}).json_body["nominations"]
        decide(client, key, nomination["nomination_id"], status="accepted", message=f"See you at {LONG}")
        # The report, with a long link in its sections
        save_sections(client, key, event_id, [*SECTIONS, {"title": "Links", "markdown":
                      f"See https://club.example.com/reports/{LONG.lower()}/{LONG.lower()}?from=email"}])
        start_run(client, key, event_id, test_recipient="bob@example.com")
        pump.drain()
        # The organisers write to everyone, with a long link
        client.http.post(f"/admin/events/{event_id}/messages", headers={"Authorization": f"Bearer {key}", **JSON},
                         body=json.dumps({"audience": "all", "subject": "Parking",
                                          "markdown": f"See https://club.example.com/{LONG.lower()}?from=email"}))
        pump.drain()
        # Near the start a freed place is offered; an event may hold places until the address is confirmed
        near = create_event(client, key, capacity=1, title=f"Soon {LONG}", venue=LONG, host=LONG,
                            **starting_in(timedelta(hours=10)))
        register(client, near, "hal@example.com")
        register(client, near, "ivy@example.com", organisation=LONG)
        pump.drain()
        client.http.post(f"{manage_path(outbox.messages_to('hal@example.com')[0])}/cancel", headers=FORM, body="")
        held = create_event(client, key, capacity=1, title=f"Held {LONG}", venue=LONG, host=LONG,
                            confirm_address=True)
        register(client, held, "jo@example.com", organisation=LONG)
        pump.drain()
        # Last, the event is cancelled
        client.http.post(f"/admin/events/{event_id}/cancel", headers={"Authorization": f"Bearer {key}", **JSON},
                         body=json.dumps({"message": f"The venue is closed. {LONG}"}))
        pump.drain()
    return html


def test_every_kind_of_email_fits_a_phone_and_passes_axe(
    client: Any, organiser_key: str, pump: Any, outbox: Any, launched_browser: Any, tmp_path: Path
) -> None:
    # Given one email of every kind, sent with long text where people type it
    emails = every_kind_of_email(client, organiser_key, pump, outbox)
    templates = {path.stem for path in EMAIL_TEMPLATES.glob("*.html") if not path.stem.startswith("_")}
    assert set(emails) == templates, f"no email sent of kind: {templates - set(emails)}"

    # When each is shown at a phone's width
    # One PNG per kind, to look at: in CLUBFLOW_SCREENSHOTS when set, else the test's own folder.
    shots = Path(os.environ.get("CLUBFLOW_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = launched_browser.new_context(viewport=PHONE, java_script_enabled=True)
    widths: dict[str, int] = {}
    try:
        page = context.new_page()
        for template, html in sorted(emails.items()):
            page.set_content(html)
            widths[template] = int(page.evaluate("document.documentElement.scrollWidth"))
            page.screenshot(path=str(shots / f"{template}.png"), full_page=True)
    finally:
        context.close()

    # Then none reaches past the edge of the screen
    print("\nwidths at 390 px: " + ", ".join(f"{t} {w}" for t, w in sorted(widths.items())))
    assert {t: w for t, w in widths.items() if w > PHONE["width"]} == {}

    # And axe-core, run on each as on the outbox's emails, finds no WCAG violation
    checks = AxeChecks(launched_browser)
    checks.served = [(f"http://mail.test/_dev/outbox/{template}", html) for template, html in emails.items()]
    assert checks.violations() == []
