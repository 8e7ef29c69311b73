"""Steps shared by the tests of held places (offers near the start, holds for an address to be
confirmed): events near the start, a clock that moves on, links from the emails."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.integration.registration_steps import JSON

OFFER_LINK = re.compile(r"https?://[^\s\"'<>]+/o/[A-Za-z0-9_-]{20,100}")
ADDRESS_LINK = re.compile(r"https?://[^\s\"'<>]+/a/[A-Za-z0-9_-]{20,100}")


def starting_in(delta: timedelta) -> dict[str, str]:
    """Event fields for an event that starts `delta` from now and lasts two hours."""
    starts = datetime.now(UTC).replace(microsecond=0) + delta
    return {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()}


Move = Callable[[timedelta], datetime]


def clock_mover(monkeypatch: pytest.MonkeyPatch) -> Move:
    """Move the functions' clock on by a delta from the real time (it keeps running); return
    the moved 'now', for the pump's due schedules."""
    from chalicelib.core import clock

    real = clock.now

    def move(by: timedelta) -> datetime:
        monkeypatch.setattr(clock, "now", lambda: real() + by)
        return real() + by

    return move


def link_in(message: dict[str, Any], pattern: re.Pattern[str]) -> str:
    """The path of the one link of `pattern` in an email, the same in both parts."""
    links = set(pattern.findall(message["text"]))
    assert len(links) == 1, message["text"]
    assert links <= set(pattern.findall(message["html"]))
    return urlparse(links.pop()).path


def mail_to(outbox: Any, email: str, subject: str) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to(email) if m["subject"].startswith(subject)]


def answer(client: Any, path: str, reply: str) -> Any:
    return client.http.post(path, headers=JSON, body=json.dumps({"answer": reply}))


def statuses(client: Any, key: str, event_id: str) -> dict[str, str]:
    from tests.integration.registration_steps import registrations

    return {r["email"]: r["status"] for r in registrations(client, key, event_id)}
