"""Each console form acts once. Every form the console draws carries a fresh `form_id`; the first
request with it claims it, and a second (a double-click, or the browser sending the form again)
is answered with the first's redirect instead of creating a second event or poll, or emailing
every attendee twice. The claim is kept while the session lives and only once the form has
succeeded (a redirect): a form answered with its errors, or refused, can be corrected and sent
again."""

from __future__ import annotations

import re
import secrets
import time

from chalicelib.core import clock, keys, store

FIELD = "form_id"
_FORM_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
# How long a second sending waits for the first to finish before it gives up and says so.
WAIT_SECONDS = 5.0
_STEP_SECONDS = 0.2


def new_form_id() -> str:
    return secrets.token_urlsafe(16)


def read_form_id(value: object) -> str | None:
    """The form's id if it is one the console draws (anything else is not tracked)."""
    return value if isinstance(value, str) and _FORM_ID.fullmatch(value) else None


def claim(session_hash: str, form_id: str, expires_at: int) -> bool:
    """Whether this is the form's first sending (which now holds it)."""
    try:
        store.put({**keys.console_form(session_hash, form_id), "claimed_at": clock.iso(clock.now()),
                   keys.TTL_ATTRIBUTE: expires_at}, "attribute_not_exists(pk)")
    except store.ConditionFailed:
        return False
    return True


def answered(session_hash: str, form_id: str, location: str) -> None:
    """Keep where the first sending went, for a second one to go there too."""
    store.update(keys.console_form(session_hash, form_id), "SET #location = :location",
                 names={"#location": "location"}, vals={":location": location}, return_values="NONE")


def release(session_hash: str, form_id: str) -> None:
    store.delete(keys.console_form(session_hash, form_id))


def first_answer(session_hash: str, form_id: str, expires_at: int) -> str | None:
    """For a second sending: where the first went, once it has; None if it is still running after
    WAIT_SECONDS. Waits while the first is in flight, and claims the form itself (answering
    "" to mean: go ahead) if the first let it go meanwhile."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        item = store.get(keys.console_form(session_hash, form_id))
        if item is None:
            if claim(session_hash, form_id, expires_at):
                return ""
            continue
        if item.get("location"):
            return str(item["location"])
        if time.monotonic() >= deadline:
            return None
        time.sleep(_STEP_SECONDS)
