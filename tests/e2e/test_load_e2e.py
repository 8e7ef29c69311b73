"""The local stack under load: 50 clients at once register 200 people for 50 places, on a table
already holding a season of data (10,000 items)."""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from chalicelib.core import keys, store
from tests.e2e.conftest import DevProcess, LocalStack

CLIENTS = 50
PEOPLE = 200
PLACES = 50
SEASON_ITEMS = 10_000
ANSWER_WITHIN_SECONDS = 5.0
EVENT = {
    "title": "Communities of Practice: the season's rush", "number": 60,
    "starts_at": "2030-10-08T09:00:00+00:00", "ends_at": "2030-10-08T15:00:00+00:00",
    "timezone": "Europe/London", "venue": "London", "host": "Close Brothers", "capacity": PLACES,
}


@pytest.fixture(scope="module")
def loaded_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """A stack of its own, without per-client limits (50 clients here share one address)."""
    workdir = tmp_path_factory.mktemp("loaded-stack")
    key = "cfk_load_" + secrets.token_urlsafe(24)
    dev = DevProcess(workdir, CLUBFLOW_DEV_ORGANISER_KEY=key, CLUBFLOW_RATE_LIMITS="off")
    try:
        yield LocalStack(dev.wait_until_up(), workdir)
    finally:
        dev.interrupt()


def fill_a_season(stack: LocalStack, table: str, items: int) -> None:
    """Past events' registrants, written straight into the table, 25 to a request."""
    dynamodb = stack.aws("dynamodb")
    for start in range(0, items, 25):
        event_id = f"past{start // 500:04d}"  # 500 registrants an event
        requests_ = []
        for i in range(start, start + 25):
            email = f"past-{i:05d}@example.org"
            item = {**keys.registration(event_id, email), **keys.person_registration(email, event_id),
                    "event_id": event_id, "email": email, "status": "confirmed"}
            requests_.append({"PutRequest": {"Item": store.to_dynamo(item)}})
        pending: dict[str, Any] = {table: requests_}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def test_fifty_clients_register_two_hundred_people_on_a_full_table(loaded_stack: LocalStack) -> None:
    # Given a table holding a season of data and an event with 50 places
    state = loaded_stack.aws("dynamodb")
    table = state.list_tables()["TableNames"][0]
    fill_a_season(loaded_stack, table, SEASON_ITEMS)
    assert state.describe_table(TableName=table)["Table"]["ItemCount"] >= SEASON_ITEMS
    created = loaded_stack.admin("POST", "/admin/events", EVENT)
    assert created.status_code == 201, created.text
    event_id = created.json()["event_id"]
    batch = secrets.token_hex(4)
    people = [f"load-{batch}-{i:03d}@example.org" for i in range(PEOPLE)]

    def register(email: str) -> tuple[int | str, float]:
        started = time.monotonic()
        try:
            answer = requests.post(
                f"{loaded_stack.url}/events/{event_id}/registrations", timeout=ANSWER_WITHIN_SECONDS,
                headers={"Accept": "application/json"},
                json={"email": email, "name": "Grace Hopper", "organisation": "Compilers Ltd",
                      "consent_report": True, "consent_updates": False})
        except requests.RequestException as error:
            return type(error).__name__, time.monotonic() - started
        return answer.status_code, time.monotonic() - started

    # When 50 clients register 200 people as fast as they can
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(register, people))

    # Then every request was answered 202 within 5 s: no 5xx, no timeout, no reset
    assert Counter(status for status, _ in answers) == {202: PEOPLE}
    slowest = max(seconds for _, seconds in answers)
    assert slowest < ANSWER_WITHIN_SECONDS
    # (200 outcome emails take the pump longer than one request's usual 30 s)
    drained = loaded_stack.http.post(loaded_stack.url + "/_dev/pump", json={}, timeout=300)
    assert drained.status_code == 200, drained.text
    # And exactly 50 hold places
    counts = loaded_stack.admin("GET", f"/admin/events/{event_id}").json()["counts"]
    assert counts == {"confirmed": PLACES, "waitlisted": PEOPLE - PLACES, "cancelled": 0, "attended": 0, "offered": 0}
