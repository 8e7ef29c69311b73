"""The seed's report in Chromium: the email fits 600 px and 390 px without scrolling sideways,
and the email and the web version pass axe-core (the `browser` fixture checks every page)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests import seed_report
from tests.e2e.conftest import LocalStack
from tests.e2e.test_reports_e2e import EVENT, POLL_LINK, created, reports
from tests.integration.polls_steps import SEED_POLLS

pytestmark = pytest.mark.browser
WIDTHS = (600, 390)
_SCROLL = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def seed_report_sent(stack: LocalStack, tag: str) -> tuple[str, dict[str, Any]]:
    """An event with the seed's sections and polls, answered by eleven people, its report sent."""
    event_id = created(stack.admin("POST", "/admin/events", {**EVENT, "title": "Communities of Practice"}))["event_id"]
    assert stack.admin("PUT", f"/admin/events/{event_id}/report",
                       {"sections": seed_report.SECTIONS}).status_code == 200
    poll_ids = [created(stack.admin("POST", f"/admin/events/{event_id}/polls", poll))["poll_id"]
                for poll in SEED_POLLS]
    emails = [f"e2e-{tag}-{number}@example.org" for number in range(len(seed_report.ANSWERS))]
    for email in emails:
        response = stack.post(f"/events/{event_id}/registrations", json={
            "email": email, "name": "Jo Stanford", "organisation": "HPCA",
            "consent_report": True, "consent_updates": False}, headers={"Accept": "application/json"})
        assert response.status_code == 202, response.text
    stack.pump()
    created(stack.admin("POST", f"/admin/events/{event_id}/poll-invitations", {}))
    stack.pump()
    for email, row in zip(emails, seed_report.ANSWERS, strict=True):
        [invitation] = [m for m in stack.outbox(to=email) if m["subject"].startswith("How was")]
        [link] = set(POLL_LINK.findall(invitation["text"]))
        answered = stack.http.post(link, json={"answers": dict(zip(poll_ids, row, strict=True))},
                                   headers={"Accept": "application/json"}, timeout=30)
        assert answered.status_code == 200, answered.text
    created(stack.admin("POST", f"/admin/events/{event_id}/report-runs", {}))
    stack.pump()
    [report] = reports(stack, emails[0])
    return event_id, report


def test_the_report_email_fits_a_phone_and_a_desktop_and_the_web_version_is_accessible(
    local_stack: LocalStack, browser: Any, tmp_path: Path, unique_email: str
) -> None:
    event_id, report = seed_report_sent(local_stack, unique_email.split("@")[0].removeprefix("e2e-"))
    assert "64% rated 6 or lower." in report["html"]

    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        # The email as sent (the outbox serves its HTML part whole)
        page.goto(f"{local_stack.url}/_dev/outbox/{report['id']}")
        assert page.get_by_text("64% rated 6 or lower.").is_visible()
        scroll_width, client_width = page.evaluate(_SCROLL)
        page.screenshot(path=str(tmp_path / f"report-email-{width}.png"), full_page=True)
        assert scroll_width <= client_width, f"the email scrolls sideways at {width} px"
        # The web version: the same charts, the numbers as text
        page.goto(f"{local_stack.url}/reports/{event_id}")
        assert page.get_by_role("heading", name=re.compile("Professions workshop")).is_visible()
        assert page.get_by_text("64% chose Communities of Practice.").is_visible()
        scroll_width, client_width = page.evaluate(_SCROLL)
        page.screenshot(path=str(tmp_path / f"report-web-{width}.png"), full_page=True)
        assert scroll_width <= client_width, f"the web version scrolls sideways at {width} px"
        # The archive and the event's page lead to it
        page.goto(f"{local_stack.url}/reports")
        page.get_by_role("link", name=re.compile("Communities of Practice")).first.click()
        page.wait_for_url(re.compile("/reports/"))
        page.goto(f"{local_stack.url}/events/{event_id}")
        assert page.get_by_role("link", name="read the summary report").is_visible()
        context.close()
