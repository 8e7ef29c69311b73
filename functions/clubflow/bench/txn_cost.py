"""Registration time with 10,000 items in the table, as a ratio to the time with 100.

A registration is one conditional transaction; DynamoDB's cost for it does not depend on the
table's size, and the local stack's should not either (clubflow.dev.transactions). The app
registers people through its real route in this process against the local stack's moto in a
child process; the table is then filled with other registrants to 10,000 items and the same
number of people register again. Goal: at most 1.5x. (`--quick` fills to 2,000 items only.)
"""

from __future__ import annotations

import json
import statistics
import time

from clubflow.bench import stack

SMALL, LARGE, QUICK_LARGE = 100, 10_000, 2_000


def measure(quick: bool) -> dict[str, object]:
    samples, large_size = (10, QUICK_LARGE) if quick else (60, LARGE)
    with stack.moto_child() as moto_url, stack.silenced():
        deployment = stack.deploy(moto_url)
        from chalice.test import Client

        from app import app

        with Client(app) as client:
            event_id = stack.create_event(client, deployment, capacity=1_000)
            filler = stack.create_event(client, deployment, capacity=1_000)
            stack.seed_registrants(filler, 0, SMALL)

            def registration_ms(batch: str) -> float:
                times = []
                for i in range(samples):
                    body = json.dumps({"email": f"{batch}-{i}@example.org", **stack.PERSON})
                    started = time.perf_counter()
                    answer = client.http.post(f"/events/{event_id}/registrations", headers=stack.JSON, body=body)
                    times.append(time.perf_counter() - started)
                    assert answer.status_code == 202, answer.body
                return statistics.median(times) * 1000

            registration_ms("warm")
            small = registration_ms("small")
            stack.seed_registrants(filler, SMALL, large_size - SMALL)
            large = registration_ms("large")
    return {"txn_cost_ratio_10k": round(large / small, 2), "txn_cost_items": [SMALL, large_size],
            "registration_ms": [round(small, 1), round(large, 1)]}
