"""Steps shared by the registration tests: an event, people registering, links from emails."""

from __future__ import annotations

import copy
import json
import re
import time
from typing import Any
from urllib.parse import urlencode, urlparse

from tests.integration.event_steps import NEW_EVENT

PERSON = {
    "name": "Ada Lovelace",
    "organisation": "Analytical Engines Ltd",
    "job_title": "Head of Practice",
    "needs": "Vegetarian; a quiet room please",
    "consent_report": True,
    "consent_updates": False,
}
JSON = {"Content-Type": "application/json", "Accept": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
MANAGE_LINK = re.compile(r"https?://[^\s\"'<>]+/r/[A-Za-z0-9_-]{20,100}")


def organiser(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **JSON}


def create_event(client: Any, key: str, **changes: Any) -> str:
    response = client.http.post("/admin/events", headers=organiser(key),
                                body=json.dumps({**NEW_EVENT, **changes}))
    assert response.status_code == 201, response.body
    return str(response.json_body["event_id"])


def change_event(client: Any, key: str, event_id: str, **changes: Any) -> Any:
    response = client.http.patch(f"/admin/events/{event_id}", headers=organiser(key),
                                 body=json.dumps(changes))
    assert response.status_code == 200, response.body
    return response.json_body


def counts(client: Any, key: str, event_id: str) -> dict[str, int]:
    response = client.http.get(f"/admin/events/{event_id}", headers=organiser(key))
    return dict(response.json_body["counts"])


def register(client: Any, event_id: str, email: str, **fields: Any) -> Any:
    """Register as an API client would: JSON in, JSON out."""
    return client.http.post(f"/events/{event_id}/registrations", headers=JSON,
                            body=json.dumps({"email": email, **PERSON, **fields}))


def register_by_form(client: Any, event_id: str, email: str, *, seconds_on_page: int = 30,
                     **fields: Any) -> Any:
    """Register as a browser posts the event page's form, filled in over `seconds_on_page`."""
    data = {"email": email, **PERSON, "website": "",
            "form_started": str(int(time.time()) - seconds_on_page), **fields}
    for name in ("consent_report", "consent_updates"):
        if data.get(name) is True:
            data[name] = "true"
        elif data.get(name) is False:
            data.pop(name)  # an unticked checkbox is not sent
    return client.http.post(f"/events/{event_id}/registrations", headers=FORM, body=urlencode(data))


def registrations(client: Any, key: str, event_id: str) -> list[dict[str, Any]]:
    response = client.http.get(f"/admin/events/{event_id}/registrations", headers=organiser(key))
    assert response.status_code == 200, response.body
    return list(response.json_body["registrations"])


def manage_path(message: dict[str, Any]) -> str:
    """The path of the manage link in an email (the same link in both parts)."""
    links = set(MANAGE_LINK.findall(message["text"]))
    assert len(links) == 1, message["text"]
    assert links <= set(MANAGE_LINK.findall(message["html"]))
    return urlparse(links.pop()).path


def invite(message: dict[str, Any]) -> str:
    (attachment,) = [a for a in message["attachments"] if a["content_type"] == "text/calendar"]
    return str(attachment["content"])


def with_detail(sample: dict[str, Any], **detail: Any) -> dict[str, Any]:
    """A sample SQS event whose records carry this test's own ids in their domain event."""
    event = copy.deepcopy(sample)
    for record in event["Records"]:
        envelope = json.loads(record["body"])
        envelope["detail"].update(detail)
        record["body"] = json.dumps(envelope)
    return event
