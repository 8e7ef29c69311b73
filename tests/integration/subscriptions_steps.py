"""Steps shared by the tests of the club's list: ask to join, and follow the emailed link."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlparse

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
LINK = re.compile(r"https?://[^\s\"'<>]+/subscriptions/[A-Za-z0-9_-]{20,100}")


def ask_to_join(client: Any, email: str, **more: Any) -> Any:
    return client.http.post("/subscriptions", headers=JSON, body=json.dumps({"email": email, **more}))


def join_links(outbox: Any, email: str) -> list[str]:
    """Paths of the joining links emailed to `email`, newest first."""
    return [path for m in outbox.messages_to(email)
            for path in dict.fromkeys(urlparse(link).path for link in LINK.findall(m["text"]))]


def press_confirm(client: Any, path: str) -> Any:
    """What the page's button sends: an empty form post to the link."""
    return client.http.post(path, body="", headers={
        "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"})


def subscribed(client: Any, pump: Any, outbox: Any, email: str, **more: Any) -> None:
    """Ask, open the link, press the button: `email` is a confirmed subscriber."""
    assert ask_to_join(client, email, **more).status_code == 202
    pump.drain()
    [path] = join_links(outbox, email)
    assert press_confirm(client, path).json_body == {"status": "confirmed", "email": email}
