"""What the CLI says when the API refuses: something a person can act on, naming what they typed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.cli_steps import Cli


@pytest.fixture
def cli(client: Any, organiser_key: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(client, organiser_key, monkeypatch)


def test_several_problems_are_one_per_line_each_naming_its_option(cli: Cli) -> None:
    # When an event is created with a misspelt zone, an end before its start and no capacity left
    ran = cli("events", "create", "--title", "CoP", "--starts-at", "2031-05-13T16:00",
              "--ends-at", "2031-05-13T09:30", "--timezone", "Europe/Londn", "--venue", "Bath",
              "--host", "Bath Spa", "--capacity", "0")

    # Then each problem is on its own line, named by the option to fix
    assert ran.code == 2
    lines = ran.err.splitlines()
    assert len(lines) >= 2, ran.err
    assert all(line.startswith("clubflow: --") for line in lines), lines
    assert "clubflow: --timezone: Unknown time zone 'Europe/Londn': did you mean Europe/London?" in lines
    assert any(line.startswith("clubflow: --capacity: ") for line in lines), lines
    assert "starts_at" not in ran.err and "POST /admin" not in ran.err


def test_a_refused_key_says_so_and_how_to_get_a_new_one(cli: Cli) -> None:
    from chalicelib.core.auth import add_organiser, revoke

    raw, _ = add_organiser("leaver@example.com")
    revoke("leaver@example.com")

    for key in (raw, "cfk_not-a-key-at-all"):
        ran = cli("events", "list", key=key)
        assert ran.code == 2
        assert "refused the organiser key (403): it is wrong or has been revoked" in ran.err
        assert "clubflow organisers add" in ran.err and "--key" in ran.err
        assert key not in ran.err


def test_an_unknown_event_is_one_line(cli: Cli) -> None:
    ran = cli("events", "show", "no-such-event")
    assert ran.code == 2
    assert ran.err == "clubflow: No such event.\n"

