"""Steps shared by the nomination tests: nominate as a browser or an API client, decide."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

NOMINATION = {
    "kind": "host",
    "organisation": "Close Brothers",
    "contact_name": "Grace Hopper",
    "email": "grace@example.com",
    "city": "London",
    "venue": "10 Crown Place, London EC2A 4FT",
    "capacity": 60,
    "facilities": "Lunch and refreshments, quiet rooms",
    "preferred_months": ["June", "September"],
    "message": "We would love to host the club again.",
}
JSON = {"Content-Type": "application/json", "Accept": "application/json"}
# Served a minute before "now", so the form counts as filled in by a person.
PERSON_TIMING = "form_started"


def nominate(client: Any, **changes: Any) -> Any:
    return client.http.post("/nominations", headers=JSON, body=json.dumps({**NOMINATION, **changes}))


def nominate_by_form(client: Any, fields: dict[str, Any]) -> Any:
    from chalicelib.core import clock

    stamp = str(int(clock.now().timestamp()) - 60)
    return client.http.post(
        "/nominations",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
        body=urlencode({**fields, PERSON_TIMING: stamp}, doseq=True),
    )


def organiser(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **JSON}


def listed(client: Any, key: str, status: str = "received") -> list[dict[str, Any]]:
    response = client.http.get(f"/admin/nominations?status={status}", headers=organiser(key))
    assert response.status_code == 200, response.body
    return list(response.json_body["nominations"])


def decide(client: Any, key: str, nomination_id: str, **body: Any) -> Any:
    return client.http.post(f"/admin/nominations/{nomination_id}/decision", headers=organiser(key),
                            body=json.dumps(body))


def nomination_items() -> list[dict[str, Any]]:
    """Every stored nomination, whatever its status (read from the index per status)."""
    from chalicelib.nominations import service

    return [item for status in service.STATUSES for item in service.list_nominations(status)]
