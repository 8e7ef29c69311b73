"""Summary reports over real HTTP on the local stack: sections written, a run triggered and pumped,
the report in the outbox with poll percentages, and one-click unsubscribe through its header URL."""

from __future__ import annotations

import re
from typing import Any

import requests

from tests.e2e.conftest import LocalStack

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
POLL_LINK = re.compile(r"https?://[^\s\"'<>]+/p/[A-Za-z0-9_-]{20,100}")
EVENT = {
    "title": "What makes a community thrive",
    "number": 54,
    "starts_at": "2030-11-12T09:00:00+00:00",
    "ends_at": "2030-11-12T15:30:00+00:00",
    "timezone": "Europe/London",
    "venue": "Ofgem, 10 South Colonnade, London",
    "host": "Ofgem",
    "capacity": 40,
}
RATING = {"question": "How would you rate the day?", "kind": "rating", "scale": {"min": 1, "max": 10}}


def created(response: requests.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201, 202), response.text
    return dict(response.json())


def register(stack: LocalStack, event_id: str, email: str, consent: bool) -> None:
    response = stack.post(f"/events/{event_id}/registrations", headers=JSON, json={
        "email": email, "name": "Jo Stanford", "organisation": "HPCA",
        "consent_report": consent, "consent_updates": False})
    assert response.status_code == 202, response.text


def reports(stack: LocalStack, email: str) -> list[dict[str, Any]]:
    return [m for m in stack.outbox(to=email) if "the summary report" in m["subject"]]


def test_an_organiser_sends_the_report_and_a_reader_unsubscribes_in_one_click(
    local_stack: LocalStack, unique_email: str
) -> None:
    stack = local_stack
    reader, declined = unique_email, unique_email.replace("e2e-", "e2e-no-")
    # Given an event with a rating poll that the reader answered with a 6
    event_id = created(stack.admin("POST", "/admin/events", EVENT))["event_id"]
    poll_id = created(stack.admin("POST", f"/admin/events/{event_id}/polls", RATING))["poll_id"]
    register(stack, event_id, reader, consent=True)
    register(stack, event_id, declined, consent=False)
    stack.pump()
    created(stack.admin("POST", f"/admin/events/{event_id}/poll-invitations", {}))
    stack.pump()
    [invitation] = [m for m in stack.outbox(to=reader) if m["subject"].startswith("How was")]
    [link] = set(POLL_LINK.findall(invitation["text"]))
    assert stack.http.post(link, headers=JSON, json={"answers": {poll_id: 6}}, timeout=30).status_code == 200

    # When the organiser writes the sections and triggers a run
    saved = stack.admin("PUT", f"/admin/events/{event_id}/report", {"sections": [
        {"title": "Conclusions", "markdown": "Communities need **time** and a *purpose*."}]})
    assert saved.status_code == 200, saved.text
    run_id = created(stack.admin("POST", f"/admin/events/{event_id}/report-runs", {}))["run_id"]
    stack.pump()

    # Then the run is done, and the reader has the report, the poll withheld
    status = created(stack.admin("GET", f"/admin/report-runs/{run_id}"))
    assert (status["status"], status["recipients"], status["sent"], status["skipped"]) == ("done", 2, 1, 1)
    [report] = reports(stack, reader)
    assert reports(stack, declined) == []
    # (one answer is too few to publish)
    assert "Not published: fewer than 5 answers." in report["text"] and "100%" not in report["text"]
    assert "<strong>time</strong>" in report["html"]
    assert report["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stack.get(f"/reports/{event_id}").status_code == 200

    # When the reader's mail client posts the one-click body to the header's URL
    url = report["headers"]["List-Unsubscribe"].strip().strip("<>")
    response = stack.http.post(url, data="List-Unsubscribe=One-Click", timeout=30,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})

    # Then a later dry run counts them as skipped
    assert response.status_code == 200, response.text
    dry_id = created(stack.admin("POST", f"/admin/events/{event_id}/report-runs", {"dry_run": True}))["run_id"]
    stack.pump()
    dry = created(stack.admin("GET", f"/admin/report-runs/{dry_id}"))
    assert (dry["status"], dry["would_send"], dry["skipped"]) == ("done", 0, 2)
    assert len(reports(stack, reader)) == 1
