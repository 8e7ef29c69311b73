"""The local stack's organiser can sign in to the console as CLUBFLOW_DEV_ORGANISER_EMAIL says
(organiser@example.com by default), and keeps its key when the address changes between starts."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import DevProcess, LocalStack
from tests.e2e.console_steps import ORGANISER, SIGN_IN_LINK

FORM = {"Accept": "text/html"}


def links_to(stack: LocalStack, email: str) -> list[str]:
    return [found.group(0) for message in stack.outbox(to=email) if (found := SIGN_IN_LINK.search(message["text"]))]


def asked(stack: LocalStack, email: str) -> None:
    answer = stack.post("/console/sign-in", data={"email": email}, headers=FORM)
    assert answer.status_code == 202, answer.text
    stack.pump()


def test_the_configured_address_signs_in_and_a_restart_moves_the_key_to_the_new_one(tmp_path: Path) -> None:
    # Given a stack whose organiser is configured as lead@example.org
    dev = DevProcess(tmp_path, CLUBFLOW_DEV_ORGANISER_EMAIL="Lead@Example.org", CLUBFLOW_DEV_PUMP="manual")
    try:
        stack = LocalStack(dev.wait_until_up(), tmp_path)
        key = stack.key
        asked(stack, "lead@example.org")
        asked(stack, ORGANISER)
        # Then that address (normalised) gets a link, and the default address none
        assert len(links_to(stack, "lead@example.org")) == 1 and links_to(stack, ORGANISER) == []
    finally:
        assert dev.interrupt() == 0, dev.log()

    # When it starts again on its state with the default address
    dev = DevProcess(tmp_path, CLUBFLOW_DEV_PUMP="manual")
    try:
        stack = LocalStack(dev.wait_until_up(), tmp_path)
        asked(stack, ORGANISER)
        # Then the same key now belongs to organiser@example.com, who can sign in
        assert stack.key == key and stack.admin("GET", "/admin/events").status_code == 200
        [link] = links_to(stack, ORGANISER)
        signed = stack.http.post(link, headers=FORM, allow_redirects=False, timeout=30)
        assert signed.status_code == 303 and "clubflow_console=" in signed.headers["Set-Cookie"]
    finally:
        assert dev.interrupt() == 0, dev.log()
