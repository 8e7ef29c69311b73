"""DynamoDB requests per registration, through the real route, against moto.

Registers N people on an event with room for half of them (so half are confirmed and half wait),
then repeats some registrations, counting every DynamoDB request each POST makes. Goal: at most
two per registration (one transaction for a place or a repeat, two to join the waiting list),
no read before writing, and no Scan anywhere.

    python tests/benchmarks/registration_requests.py [--people 200] [--repeats 50]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "functions"), str(REPO)]
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="eu-west-2",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_DISABLED="true",
    POWERTOOLS_LOG_LEVEL="ERROR",
    TABLE_NAME="unset",
    PUBLIC_BASE_URL="http://bench",
    # One client registers everyone here: the per-client limit is on (it is counted inside each
    # registration's transaction) but high enough never to refuse.
    CLUBFLOW_RATE_LIMITS="100000/600",
)

EVENT = {
    "title": "Communities of Practice", "number": 48,
    "starts_at": "2030-03-09T10:00:00+00:00", "ends_at": "2030-03-09T16:00:00+00:00",
    "timezone": "Europe/London", "venue": "Close Brothers, 10 Crown Place, London",
    "host": "Close Brothers",
}
PERSON = {"name": "Ada Lovelace", "organisation": "Analytical Engines Ltd", "consent_report": True}
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def run(people: int, repeats: int) -> dict[str, Any]:
    import warnings

    warnings.filterwarnings("ignore")
    from botocore.client import BaseClient
    from moto import mock_aws

    calls: list[tuple[str, str]] = []
    original = getattr(BaseClient, "_make_api_call")

    def recording(self: Any, operation: str, params: Any) -> Any:
        calls.append((self.meta.service_model.service_name, operation))
        return original(self, operation, params)

    setattr(BaseClient, "_make_api_call", recording)
    with mock_aws():
        from chalice.test import Client

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

        from app import app

        with Client(app) as client:
            created = client.http.post(
                "/admin/events", body=json.dumps({**EVENT, "capacity": people // 2}),
                headers={**JSON, "Authorization": f"Bearer {key}"})
            event_id = created.json_body["event_id"]
            per: dict[str, list[list[str]]] = {"confirmed": [], "waitlisted": [], "repeated": []}
            emails = [f"person{i}@example.com" for i in range(people)]
            for i, email in enumerate(emails + emails[:repeats]):
                before = len(calls)
                response = client.http.post(f"/events/{event_id}/registrations", headers=JSON,
                                            body=json.dumps({"email": email, **PERSON}))
                assert response.status_code == 202, response.body
                kind = "repeated" if i >= people else ("confirmed" if i < people // 2 else "waitlisted")
                per[kind].append([op for svc, op in calls[before:] if svc == "dynamodb"])
            counts = client.http.get(f"/admin/events/{event_id}",
                                     headers={**JSON, "Authorization": f"Bearer {key}"}).json_body["counts"]
    setattr(BaseClient, "_make_api_call", original)
    return {"per": per, "counts": counts,
            "scans": sum(1 for svc, op in calls if svc == "dynamodb" and op == "Scan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    logging.getLogger("moto").setLevel(logging.ERROR)
    with contextlib.redirect_stdout(io.StringIO()):  # the functions' metric lines
        result = run(args.people, args.repeats)
    print(f"{args.people} people for {args.people // 2} places, then {args.repeats} repeats "
          "(POST /events/{id}/registrations, JSON, moto)")
    reads = 0
    for kind, requests in result["per"].items():
        sizes = [len(r) for r in requests]
        operations = Counter(op for r in requests for op in r)
        reads += sum(n for op, n in operations.items() if op in ("GetItem", "Query", "BatchGetItem"))
        print(f"  {kind:<10} {len(requests):>4}: DynamoDB requests per registration "
              f"mean {statistics.mean(sizes):.2f}, max {max(sizes)}  ({dict(operations)})")
    print(f"  event counts afterwards: {result['counts']}")
    print(f"  reads before writing: {reads}")
    print(f"  Scan calls: {result['scans']}")
    worst = max(len(r) for requests in result["per"].values() for r in requests)
    print(f"goal <= 2 requests per registration, 0 scans: {'met' if worst <= 2 and not result['scans'] else 'MISSED'}")


if __name__ == "__main__":
    main()
