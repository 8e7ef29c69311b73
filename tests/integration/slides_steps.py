"""Steps shared by the slide tests: an event, an uploaded file, a registration, a request."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests

from tests.integration.event_steps import NEW_EVENT

PDF = b"%PDF-1.7\n% Communities of Practice - slides\n" + bytes(range(256)) * 8
LINK = re.compile(r"https?://[^\s\"'<>]+/s/[A-Za-z0-9_-]+\?event=[A-Za-z0-9_-]+")


def organiser(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
            "Accept": "application/json"}


def create_event(client: Any, key: str, **changes: Any) -> str:
    response = client.http.post("/admin/events", headers=organiser(key),
                                body=json.dumps({**NEW_EVENT, **changes}))
    assert response.status_code == 201, response.body
    return str(response.json_body["event_id"])


def ask_upload(client: Any, key: str, event_id: str, filename: str = "Communities of Practice.pdf",
               content_type: str = "application/pdf", size: int = len(PDF), **more: Any) -> Any:
    return client.http.post(
        f"/admin/events/{event_id}/slides", headers=organiser(key),
        body=json.dumps({"filename": filename, "content_type": content_type, "size": size, **more}),
    )


def upload(client: Any, key: str, event_id: str, filename: str = "Communities of Practice.pdf",
           data: bytes = PDF, content_type: str = "application/pdf") -> str:
    """Ask for an upload URL and PUT the bytes to it, as the command line does."""
    answer = ask_upload(client, key, event_id, filename, content_type, len(data))
    assert answer.status_code == 201, answer.body
    put = requests.put(answer.json_body["upload_url"], data=data,
                       headers=answer.json_body["headers"], timeout=10)
    assert put.status_code == 200, put.text
    return str(answer.json_body["file_id"])


def register(client: Any, event_id: str, email: str) -> None:
    """Register for the event through its public API, as an attendee does."""
    response = client.http.post(
        f"/events/{event_id}/registrations",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        body=json.dumps({"email": email, "name": "Ada Lovelace", "organisation": "Engines Ltd",
                         "consent_report": True, "consent_updates": False}),
    )
    assert response.status_code == 202, response.body


def registration_held(event_id: str, email: str, status: str) -> None:
    """A registration in a given state, as the registration service stores it."""
    from chalicelib.core import keys, store

    store.put({**keys.registration(event_id, email), "event_id": event_id, "email": email,
               "status": status})


def ask_for_slides(client: Any, event_id: str, email: str, *, json_body: bool = True,
                   **fields: Any) -> Any:
    if json_body:
        return client.http.post(
            f"/events/{event_id}/slides/requests",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            body=json.dumps({"email": email, **fields}),
        )
    from urllib.parse import urlencode

    return client.http.post(
        f"/events/{event_id}/slides/requests",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
        body=urlencode({"email": email, **fields}),
    )


def slide_emails(outbox: Any, address: str) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to(address) if m["subject"].startswith("Your slides")]


def links_in(message: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(LINK.findall(message["text"])))


def path_of(link: str) -> str:
    parsed = urlparse(link)
    return f"{parsed.path}?{parsed.query}"


def press_download(client: Any, link: str) -> Any:
    """What the link page's Download button sends: an empty form post to the link."""
    return client.http.post(path_of(link), headers={
        "Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"}, body="")


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlparse(url).query).items()}
