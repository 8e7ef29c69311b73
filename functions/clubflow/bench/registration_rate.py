"""Registrations a second over HTTP through the local stack, as a ratio to the bare transaction
rate on the same moto server.

The local stack runs in this process as `clubflow dev` runs it (its state journalled to a throwaway
folder; the event pump left to run on demand, so only registrations are measured). Clients post
registrations concurrently to the API; then, on the same server, one client writes the same
transaction a registration makes (the event's counter and the person's record) as fast as it can.
Goal: near 1 (the API layer costs little next to the write itself).
"""

from __future__ import annotations

import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from clubflow.bench import stack

CLIENTS = 10


def measure(quick: bool) -> dict[str, object]:
    import requests

    from chalicelib.core import aws, keys, store
    from chalicelib.core.settings import get_settings
    from clubflow.dev.stack import LocalStack

    people = 40 if quick else 400
    stack.quiet()
    with tempfile.TemporaryDirectory(prefix="clubflow-bench-") as folder, stack.silenced():
        local = LocalStack(port=0, state_file=Path(folder) / "dev.json", state_dir=Path(folder) / "state",
                           background_pump=False)
        running = local.start()
        try:
            admin = {**stack.JSON, "Authorization": f"Bearer {running.organiser_key}"}
            created = requests.post(f"{running.api_url}/admin/events", headers=admin, timeout=30,
                                    data=json.dumps({**stack.EVENT, "capacity": 10_000}))
            event_id = created.json()["event_id"]

            def register(i: int) -> int:
                body = json.dumps({"email": f"rate-{i}@example.org", **stack.PERSON})
                return requests.post(f"{running.api_url}/events/{event_id}/registrations",
                                     headers=stack.JSON, data=body, timeout=60).status_code

            started = time.perf_counter()
            with ThreadPoolExecutor(CLIENTS) as pool:
                answers = list(pool.map(register, range(people)))
            http_rate = people / (time.perf_counter() - started)
            assert answers == [202] * people, answers

            table = get_settings().table_name
            started = time.perf_counter()
            for i in range(people):
                email = f"bare-{i}@example.org"
                store_item = {**keys.registration(event_id, email), "email": email, "status": "confirmed"}
                aws.dynamodb().transact_write_items(TransactItems=[
                    {"Update": {"TableName": table, "Key": store.to_dynamo(keys.event(event_id)),
                                "UpdateExpression": "ADD #n :one", "ConditionExpression": "attribute_exists(pk)",
                                "ExpressionAttributeNames": {"#n": "bench_count"},
                                "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                    {"Put": {"TableName": table, "Item": store.to_dynamo(store_item),
                             "ConditionExpression": "attribute_not_exists(pk)"}},
                ])
            bare_rate = people / (time.perf_counter() - started)
        finally:
            local.stop()
    return {"registration_rate_ratio": round(http_rate / bare_rate, 2),
            "registrations_per_s": round(http_rate, 1), "bare_transactions_per_s": round(bare_rate, 1)}
