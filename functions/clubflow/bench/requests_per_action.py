"""DynamoDB requests per registration through the real route, against moto, and Scans (none).

Registers N people on an event with room for half of them (so half are confirmed and half wait),
then repeats some registrations, counting every DynamoDB request each POST makes. Floor: one
request (a single transaction). Goal: at most two per registration (one transaction for a place,
two to join the waiting list, and for a repeat its refused transaction and the reminder it stores
for the outbox relay), no read before writing, and no Scan anywhere.
"""

from __future__ import annotations

import json
import os
import statistics
from typing import Any

from clubflow.bench import stack

READS = ("GetItem", "Query", "BatchGetItem")


def measure(quick: bool) -> dict[str, object]:
    people, repeats = (20, 5) if quick else (200, 50)
    stack.quiet()
    # moto's own stand-in credentials: nothing here may reach a real account.
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": stack.REGION})
    with stack.silenced():
        per, scans = _count(people, repeats)
    sizes = {kind: [len(r) for r in requests] for kind, requests in per.items()}
    return {
        "ddb_requests_per_registration": max(max(s) for s in sizes.values()),
        "scans": scans,
        "ddb_requests_mean": {kind: round(statistics.mean(s), 2) for kind, s in sizes.items()},
        "reads_before_writing": sum(op in READS for requests in per.values() for r in requests for op in r),
    }


def _count(people: int, repeats: int) -> tuple[dict[str, list[list[str]]], int]:
    from botocore.client import BaseClient
    from moto import mock_aws

    calls: list[tuple[str, str]] = []
    original = getattr(BaseClient, "_make_api_call")  # noqa: B009 - not in botocore's stubs

    def recording(self: Any, operation: str, params: Any) -> Any:
        calls.append((self.meta.service_model.service_name, operation))
        return original(self, operation, params)

    setattr(BaseClient, "_make_api_call", recording)  # noqa: B010
    try:
        with mock_aws():
            from chalice.test import Client

            from app import app
            from chalicelib.core import aws, render, settings, workers
            from chalicelib.core.auth import add_organiser
            from clubflow.dev import resources

            for name, value in resources.deploy(stack_name="clubflow-bench").environment.items():
                os.environ[name] = value
            settings.reset()
            aws.reset()
            workers.reset()
            render.environment.cache_clear()
            key, _ = add_organiser("bench@example.com")
            admin = {**stack.JSON, "Authorization": f"Bearer {key}"}
            with Client(app) as client:
                created = client.http.post("/admin/events", headers=admin,
                                           body=json.dumps({**stack.EVENT, "capacity": people // 2}))
                event_id = created.json_body["event_id"]
                per: dict[str, list[list[str]]] = {"confirmed": [], "waitlisted": [], "repeated": []}
                emails = [f"person{i}@example.com" for i in range(people)]
                for i, email in enumerate(emails + emails[:repeats]):
                    before = len(calls)
                    response = client.http.post(f"/events/{event_id}/registrations", headers=stack.JSON,
                                                body=json.dumps({"email": email, **stack.PERSON}))
                    assert response.status_code == 202, response.body
                    kind = "repeated" if i >= people else ("confirmed" if i < people // 2 else "waitlisted")
                    per[kind].append([op for service, op in calls[before:] if service == "dynamodb"])
    finally:
        setattr(BaseClient, "_make_api_call", original)  # noqa: B010
    return per, sum(1 for service, op in calls if service == "dynamodb" and op == "Scan")
