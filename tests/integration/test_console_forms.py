"""Every console form refuses a post that lacks the session's CSRF token, or comes with no
session, before it reads or writes anything. The routes come from the app itself, so a console
form added later is covered without a new test."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chalicelib.core.web import BODY_METHODS
from tests.integration.console_steps import FORM, session

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
# Reached before a session exists, or ending one: they have their own tests.
OPEN_FORMS = ("/console/sign-in", "/console/sign-in/{token}")


def _console_forms() -> list[str]:
    from app import app

    return sorted(path for path, entries in app.routes.items()
                  if path.startswith("/console") and path not in OPEN_FORMS
                  and any(method in BODY_METHODS for method in entries))


FORMS = _console_forms()


def _path(template: str) -> str:
    return re.sub(r"\{(\w+)\}", "no-such-thing", template)


@pytest.mark.parametrize("template", FORMS)
def test_a_console_form_without_its_token_or_a_session_changes_nothing(
        template: str, client: Any, organiser_key: str, aws_calls: Any) -> None:
    console = session(client)
    path = _path(template)
    before = len(aws_calls.calls)

    forged = console.post(path, {"question": "Hello", "status": "accepted", "into": "x"}, csrf=False)
    wrong = console.post(path, {"csrf_token": "0" * 64}, csrf=False)
    anonymous = client.http.post(path, headers=FORM, body="question=Hello")

    assert (forged.status_code, wrong.status_code, anonymous.status_code) == (403, 403, 403)
    calls = aws_calls.calls[before:]
    assert not [op for _, op in calls if op in WRITES], calls


def test_the_console_forms_are_found() -> None:
    # The tools of an event and of the club, beside the foundation's sign-out.
    assert {"/console/events/{event_id}/polls", "/console/polls/{poll_id}/close",
            "/console/events/{event_id}/report/send", "/console/topics/{topic_id}/merge",
            "/console/nominations/{nomination_id}/decision", "/console/sign-out"} <= set(FORMS)
