"""`clubflow messages`: what it asks the API, and that it asks the person first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clubflow.cli import main

API = ["--api", "http://api.test", "--key", "cfk_x"]
EVENT = {"event_id": "evt", "title": "Communities of Practice",
         "counts": {"confirmed": 12, "waitlisted": 3, "cancelled": 0, "attended": 0}}


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, Any]]:
    calls: list[tuple[str, str, Any]] = []
    answers = {("GET", "/admin/events/evt"): EVENT,
               ("POST", "/admin/events/evt/messages"): {"status": "queued", "message_id": "m1"},
               ("GET", "/admin/events/evt/messages/m1"): {
                   "subject": "Parking", "audience": "all",
                   "sent_to": [{"email": "ada@example.com", "sent_at": "2030-01-02T09:00:00+00:00"}]}}

    def call(self: Any, method: str, path: str, body: Any = None) -> Any:
        calls.append((method, path, body))
        return answers[(method, path)]

    monkeypatch.setattr("clubflow.api.Api.call", call)
    return calls


def test_send_shows_whom_it_reaches_and_sends_the_file_with_yes(
        asked: list[tuple[str, str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = tmp_path / "parking.md"
    message.write_text("Use the **north** car park.", encoding="utf-8")

    code = main(["messages", "send", "evt", str(message), "--audience", "all", "--subject", "Parking",
                 "--yes", *API])

    assert code == 0
    assert asked[-1] == ("POST", "/admin/events/evt/messages",
                         {"audience": "all", "subject": "Parking", "markdown": "Use the **north** car park."})
    out = capsys.readouterr()
    assert "about 15 people" in out.err and "clubflow messages show evt m1" in out.out


def test_send_without_a_terminal_or_yes_sends_nothing(
        asked: list[tuple[str, str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    message = tmp_path / "parking.md"
    message.write_text("Use the north car park.", encoding="utf-8")
    monkeypatch.setattr("clubflow.confirm.at_terminal", lambda: False)

    code = main(["messages", "send", "evt", str(message), "--audience", "confirmed", "--subject", "Parking", *API])

    assert code != 0 and "add --yes" in capsys.readouterr().err
    assert [c for c in asked if c[0] == "POST"] == []


def test_show_lists_who_it_went_to(asked: list[tuple[str, str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "show", "evt", "m1", *API]) == 0
    assert "ada@example.com" in capsys.readouterr().out


def test_send_shows_the_subject_as_people_will_get_it(
        asked: list[tuple[str, str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = tmp_path / "parking.md"
    message.write_text("Use the north car park.", encoding="utf-8")

    # A subject pasted with a line break in it
    code = main(["messages", "send", "evt", str(message), "--audience", "all", "--subject", "Parking\nat the venue",
                 "--yes", *API])

    # is shown on one line with the event's name after it, as the email's Subject will be
    assert code == 0
    assert "Subject:  Parking at the venue: Communities of Practice\n" in capsys.readouterr().err
