"""`clubflow people export|erase EMAIL` ask the organiser API and say what it answered."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from clubflow.cli import main

API = ["--api", "http://api.test", "--key", "cfk_x"]
EXPORTED = {"email": "ada@example.com", "exported_at": "2030-03-10T09:00:00+00:00",
            "held": {"registrations": [{"event_id": "evt", "name": "Ada Lovelace"}], "poll_votes": []}}


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, Any]]:
    """What the command asked the API; it answers as the API would."""
    calls: list[tuple[str, str, Any]] = []

    def call(self: Any, method: str, path: str, body: Any = None) -> Any:
        calls.append((method, path, body))
        return EXPORTED if path.endswith("/export") else {"erased": 3, "kept": {"suppression": 1}}

    monkeypatch.setattr("clubflow.api.Api.call", call)
    return calls


def test_export_prints_the_json_or_writes_it_to_a_file(
    asked: list[tuple[str, str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["people", "export", "ada@example.com", *API]) == 0
    assert json.loads(capsys.readouterr().out) == EXPORTED

    target = tmp_path / "ada.json"
    assert main(["people", "export", "ada@example.com", "--output", str(target), *API]) == 0
    assert json.loads(target.read_text()) == EXPORTED
    assert "Wrote 1 item held about ada@example.com" in capsys.readouterr().out
    assert asked == [("POST", "/admin/people/export", {"email": "ada@example.com"})] * 2


def test_erase_with_yes_erases_and_says_what_was_kept(
    asked: list[tuple[str, str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["people", "erase", "ada@example.com", "--yes", *API]) == 0

    assert asked == [("POST", "/admin/people/erase", {"email": "ada@example.com"})]
    out = capsys.readouterr().out
    assert "Erased 3 items held about ada@example.com." in out
    assert "suppression list" in out


def test_erase_without_yes_and_no_terminal_erases_nothing(
    asked: list[tuple[str, str, Any]], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))

    assert main(["people", "erase", "ada@example.com", *API]) != 0

    assert asked == []
    assert "erasing cannot be undone: there is no terminal to ask on, so add --yes" in capsys.readouterr().err


def test_erase_at_a_terminal_shows_what_is_held_and_asks(
    asked: list[tuple[str, str, Any]], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert main(["people", "erase", "ada@example.com", *API]) == 1
    assert asked == [("POST", "/admin/people/export", {"email": "ada@example.com"})]
    err = capsys.readouterr().err
    assert "  registrations: 1" in err and "poll votes" not in err
    assert "Nothing erased." in err

    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert main(["people", "erase", "ada@example.com", *API]) == 0
    assert asked[-1] == ("POST", "/admin/people/erase", {"email": "ada@example.com"})
