"""Steps shared by the report tests: sections, runs, the report emails and their unsubscribe links."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlparse

from tests.integration.registration_steps import JSON, create_event, organiser, register

__all__ = ["JSON", "create_event", "organiser", "register"]

SUBJECT = "the summary report"
SECTIONS = [
    {"title": "Panel and workshops",
     "markdown": "Thank you to **Close Brothers** for hosting.\n\n- Centres of Excellence\n- Professions\n"
                 "- Communities of Practice"},
    {"title": "What's next", "markdown": "Event 49 is in May: [see the events](https://club.example.com/events)."},
]
UNSUBSCRIBE_HEADER = re.compile(r"^<(https?://[^>]+/u/[A-Za-z0-9_-]{20,100})>$")


def save_sections(client: Any, key: str, event_id: str, sections: Any) -> Any:
    return client.http.put(f"/admin/events/{event_id}/report", headers=organiser(key),
                           body=json.dumps({"sections": sections}))


def start_run(client: Any, key: str, event_id: str, headers: dict[str, str] | None = None,
              **options: Any) -> Any:
    return client.http.post(f"/admin/events/{event_id}/report-runs",
                            headers={**organiser(key), **(headers or {})}, body=json.dumps(options))


def run_status(client: Any, key: str, run_id: str) -> dict[str, Any]:
    response = client.http.get(f"/admin/report-runs/{run_id}", headers=organiser(key))
    assert response.status_code == 200, response.body
    return dict(response.json_body)


def reports_to(outbox: Any, address: str) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to(address) if SUBJECT in m["subject"]]


def all_reports(outbox: Any) -> list[dict[str, Any]]:
    return [m for m in outbox.messages() if SUBJECT in m["subject"]]


def unsubscribe_path(message: dict[str, Any]) -> str:
    """The path of the List-Unsubscribe URL, which the footer link also carries."""
    # A long header is folded onto its own line; unfolded it is the one URL in angle brackets.
    match = UNSUBSCRIBE_HEADER.match(message["headers"]["List-Unsubscribe"].strip())
    assert match, message["headers"]["List-Unsubscribe"]
    url = match.group(1)
    assert url in message["text"] and url in message["html"]
    return urlparse(url).path


def registered(client: Any, event_id: str, pump: Any, people: dict[str, bool]) -> None:
    """Register each person, with or without consent to the report."""
    for email, consent in people.items():
        response = register(client, event_id, email, consent_report=consent)
        assert response.status_code == 202, response.body
    pump.drain()
