"""Sends that cannot be undone ask first: run by a script (no terminal), a real report run sends
nothing without --yes; with it, the report goes out."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.integration.cli_steps import Cli
from tests.integration.registration_steps import create_event
from tests.integration.reports_steps import SECTIONS, all_reports, registered, save_sections


@pytest.fixture
def cli(client: Any, organiser_key: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(client, organiser_key, monkeypatch)


def test_a_real_report_run_without_a_terminal_refuses_without_yes(
    cli: Cli, client: Any, organiser_key: str, pump: Any, outbox: Any, aws_calls: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an event with its report written and two people who consented
    event_id = create_event(client, organiser_key)
    assert save_sections(client, organiser_key, event_id, SECTIONS).status_code == 200
    registered(client, event_id, pump, {"ada@example.com": True, "bob@example.com": True})
    outbox.clear()
    # ...and the command run by a script, a "y" piped in where no one can read the question
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))

    # When the report is sent without --yes
    before = len(aws_calls.published)
    ran = cli("reports", "run", event_id)

    # Then it refuses, having shown what it would have done, and started no run at all
    assert ran.code == 2
    assert "there is no terminal to ask on, so add --yes" in ran.err
    assert f"({event_id})" in ran.err and "sections:    2 (Panel and workshops, What's next)" in ran.err
    assert ran.out == ""
    assert aws_calls.published[before:] == []
    pump.drain()
    assert all_reports(outbox) == []

    # When it is sent with --yes
    sent = cli("reports", "run", event_id, "--yes", "--no-wait")
    pump.drain()

    # Then the run starts without a question and the report reaches both
    assert sent.code == 0, sent.err
    assert "[y/N]" not in sent.err
    assert sorted(message["to"][0] for message in all_reports(outbox)) == ["ada@example.com", "bob@example.com"]


def test_a_dry_run_lists_who_it_would_skip_and_why(
    cli: Cli, client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    from chalicelib.reports import suppression

    # Given Ada who asked for the report, Bob who did not, and Cy who asked but whose mail bounced
    event_id = create_event(client, organiser_key)
    registered(client, event_id, pump, {"ada@example.com": True, "bob@example.com": False,
                                        "cy@example.com": True})
    suppression.suppress("cy@example.com", "bounced")
    outbox.clear()

    # When the organiser makes a dry run (no question: it sends nothing) and reads it
    started = cli("reports", "run", event_id, "--dry-run", "--no-wait")
    assert started.code == 0, started.err
    run_id = started.out.strip()
    pump.drain()
    shown = cli("reports", "status", run_id)

    # Then it names the two it would skip, each with the reason, and sent nothing
    assert shown.code == 0, shown.err
    assert "3 recipients, 1 would be sent, 2 skipped" in shown.out
    assert "  bob@example.com: did not ask for the report" in shown.out.splitlines()
    assert "  cy@example.com: bounced" in shown.out.splitlines()
    assert "ada@example.com" not in shown.out
    assert all_reports(outbox) == []
