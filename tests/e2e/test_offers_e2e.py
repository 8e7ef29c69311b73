"""Offers near the start under concurrent clients on the local stack: cancellations, new
registrations and answers arriving at once never over-fill the event or give a held place away,
and the counts always match the records."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from tests.e2e.conftest import LocalStack

CLIENTS = 10
PLACES = 10
MANAGE = re.compile(r"https?://[^\s\"'<>]+/r/[A-Za-z0-9_-]{20,100}")
OFFER = re.compile(r"https?://[^\s\"'<>]+/o/[A-Za-z0-9_-]{20,100}")
OFFER_SUBJECT = "A place has come up for you"


def _link(local_stack: LocalStack, email: str, pattern: re.Pattern[str], subject: str = "") -> str:
    (message,) = [m for m in local_stack.outbox(to=email) if m["subject"].startswith(subject)]
    found = pattern.search(message["text"])
    assert found is not None, message["text"]
    return urlparse(found.group(0)).path


def _registered(local_stack: LocalStack, event_id: str) -> tuple[dict[str, int], Counter[str]]:
    listed = local_stack.admin("GET", f"/admin/events/{event_id}/registrations").json()
    return listed["counts"], Counter(r["status"] for r in listed["registrations"])


def _consistent(counts: dict[str, int], statuses: Counter[str]) -> None:
    assert {name: counts[name] for name in ("confirmed", "waitlisted", "cancelled", "offered")} == {
        name: statuses[name] for name in ("confirmed", "waitlisted", "cancelled", "offered")}
    assert counts["confirmed"] + counts["offered"] <= PLACES


def test_concurrent_cancellations_registrations_and_answers_keep_places_and_counts(local_stack: LocalStack) -> None:
    # Given an event ten hours ahead: 10 places taken, 10 people waiting
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=10)
    event_id = local_stack.admin("POST", "/admin/events", {
        "title": "Offers under load", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(), "timezone": "Europe/London",
        "venue": "London", "host": "Close Brothers", "capacity": PLACES}).json()["event_id"]
    run = secrets.token_hex(3)
    holders, waiting, newcomers = ([f"e2e-{kind}{n}-{run}@example.org" for n in range(PLACES)]
                                   for kind in ("holder", "waiting", "new"))

    def register(email: str) -> int:
        return local_stack.post(f"/events/{event_id}/registrations", json={
            "email": email, "name": "Load Tester", "organisation": "Load Ltd"}).status_code

    assert [register(email) for email in holders + waiting] == [202] * (2 * PLACES)
    local_stack.pump()
    cancels = [_link(local_stack, email, MANAGE) + "/cancel" for email in holders]

    # When every holder cancels while as many newcomers register, all at once
    def act(task: tuple[str, str]) -> int:
        kind, what = task
        return local_stack.post(what, json={}).status_code if kind == "cancel" else register(what)

    tasks = [task for pair in zip(cancels, newcomers, strict=True) for task in (("cancel", pair[0]), ("join", pair[1]))]
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(act, tasks))
    cancelled, joined = results[0::2], results[1::2]
    local_stack.pump()

    # Then each freed place is offered to someone who waited, and held: the newcomers all wait
    assert cancelled == [200] * PLACES and joined == [202] * PLACES
    counts, statuses = _registered(local_stack, event_id)
    _consistent(counts, statuses)
    assert counts == {"confirmed": 0, "waitlisted": PLACES, "cancelled": PLACES, "attended": 0, "offered": PLACES}

    # When half of those offered accept and half decline, all at once
    answers = [(_link(local_stack, email, OFFER, OFFER_SUBJECT), "accept" if n % 2 == 0 else "decline")
               for n, email in enumerate(waiting)]
    with ThreadPoolExecutor(CLIENTS) as pool:
        answered = list(pool.map(lambda pair: local_stack.post(pair[0], json={"answer": pair[1]}).status_code,
                                 answers))
    local_stack.pump()

    # Then five places are taken, the five declined are offered on to five newcomers, once each
    assert answered == [200] * PLACES
    counts, statuses = _registered(local_stack, event_id)
    _consistent(counts, statuses)
    half = PLACES // 2
    assert counts == {"confirmed": half, "waitlisted": half, "cancelled": PLACES + half, "attended": 0,
                      "offered": half}
    offered_on = Counter(to for email in newcomers for m in local_stack.outbox(to=email)
                         if m["subject"].startswith(OFFER_SUBJECT) for to in m["to"])
    assert sorted(offered_on.values()) == [1] * half
