"""The report is sent at the account's pace: a batch whose invocation runs out of time stops
before the next send, and its redelivery sends the rest: everyone once, nobody lost."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.reports_steps import (
    SECTIONS,
    all_reports,
    create_event,
    registered,
    run_status,
    save_sections,
    start_run,
)

PEOPLE = 8


def test_a_batch_out_of_time_is_retried_and_everyone_gets_the_report_once(
    client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core import pacing

    # Given an account that sends 5 emails a second (4 for the report), and invocations that may
    # start sends for only about a second each (the pump's invocations have 60 s)
    event_id = create_event(client, organiser_key, capacity=50)
    save_sections(client, organiser_key, event_id, SECTIONS)
    registered(client, event_id, pump, {f"paced{i}@example.com": True for i in range(PEOPLE)})
    monkeypatch.setenv("MAIL_SEND_RATE", "5")
    monkeypatch.setattr(pacing, "SAFETY_SECONDS", 59.0)
    pacing.reset()

    # When a run is sent
    run_id = start_run(client, organiser_key, event_id).json_body["run_id"]
    failed_before = pump.failed
    pump.drain()

    # Then its batch ran out of time at least once and was delivered again
    assert pump.failed > failed_before
    # And each person has the report exactly once, and the run counts them all as sent
    recipients = sorted(address for message in all_reports(outbox) for address in message["to"])
    assert recipients == sorted(f"paced{i}@example.com" for i in range(PEOPLE))
    status = run_status(client, organiser_key, run_id)
    assert (status["status"], status["sent"], status["failed"]) == ("done", PEOPLE, 0)
