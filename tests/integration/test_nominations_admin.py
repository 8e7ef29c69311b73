"""Organisers review nominations by status, oldest first, and decide; the nominee is emailed
the decision once, with the organiser's message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.nominations_steps import decide, listed, nominate, organiser

START = datetime(2030, 3, 10, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def three(client: Any, organiser_key: str, pump: Any, outbox: Any,
          monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Three nominations received a minute apart (CITI, Close Brothers, Acme); their ids."""
    from chalicelib.core import clock

    real_now = clock.now
    for minutes, organisation in enumerate(("CITI", "Close Brothers", "Acme")):
        monkeypatch.setattr(clock, "now", lambda m=minutes: START + timedelta(minutes=m))
        assert nominate(client, organisation=organisation,
                        email=f"host{minutes}@example.com").status_code == 202
    monkeypatch.setattr(clock, "now", real_now)
    pump.drain()
    outbox.clear()
    return [item["nomination_id"] for item in listed(client, organiser_key)]


def test_nominations_are_listed_by_status_oldest_first(
    client: Any, organiser_key: str, three: list[str], aws_calls: Any
) -> None:
    received = listed(client, organiser_key)

    assert [item["organisation"] for item in received] == ["CITI", "Close Brothers", "Acme"]
    assert received[0]["received_at"] == "2030-03-10T09:00:00+00:00"
    assert listed(client, organiser_key, "accepted") == []
    # Read from the index: a Scan would have failed the test (see aws_calls).
    assert "Query" in aws_calls.of("dynamodb")


def test_a_decision_moves_the_nomination_and_emails_the_nominee_with_the_message(
    client: Any, organiser_key: str, three: list[str], pump: Any, outbox: Any
) -> None:
    # When an organiser accepts Close Brothers' offer with a message
    response = decide(client, organiser_key, three[1], status="accepted",
                      message="We'd love to come in June.\n<b>Thank you!</b>")
    pump.drain()

    # Then the nomination is accepted, by that organiser, and no longer listed as received
    assert response.status_code == 200
    assert response.json_body["changed"] is True
    assert response.json_body["nomination"]["status"] == "accepted"
    assert response.json_body["nomination"]["decided_by"] == "organiser@example.com"
    assert [i["organisation"] for i in listed(client, organiser_key, "accepted")] == ["Close Brothers"]
    assert [i["organisation"] for i in listed(client, organiser_key)] == ["CITI", "Acme"]
    # And the nominee has the decision and the message, shown as text
    [email] = outbox.messages_to("host1@example.com")
    assert email["subject"] == "You're hosting the CofEe Club: thank you"
    assert "We'd love to come in June." in email["text"] and "<b>Thank you!</b>" in email["text"]
    assert "&lt;b&gt;Thank you!&lt;/b&gt;" in email["html"]


def test_deciding_the_same_thing_again_changes_nothing_and_sends_nothing(
    client: Any, organiser_key: str, three: list[str], pump: Any, outbox: Any
) -> None:
    first = decide(client, organiser_key, three[0], status="shortlisted", message="Soon!")
    pump.drain()
    again = decide(client, organiser_key, three[0], status="shortlisted", message="Other words")
    pump.drain()

    assert again.status_code == 200 and again.json_body["changed"] is False
    assert again.json_body["nomination"] == first.json_body["nomination"]
    assert again.json_body["nomination"]["decision_message"] == "Soon!"
    assert len(outbox.messages_to("host0@example.com")) == 1


def test_a_changed_mind_is_a_new_decision_and_a_new_email(
    client: Any, organiser_key: str, three: list[str], pump: Any, outbox: Any
) -> None:
    decide(client, organiser_key, three[2], status="shortlisted")
    decide(client, organiser_key, three[2], status="declined", message="Our calendar is full.")
    pump.drain()

    subjects = [m["subject"] for m in outbox.messages_to("host2@example.com")]
    assert subjects == ["About your offer to host the CofEe Club",
                        "Your offer to host the CofEe Club is shortlisted"]
    assert [i["organisation"] for i in listed(client, organiser_key, "declined")] == ["Acme"]
    assert listed(client, organiser_key, "shortlisted") == []


def test_an_invalid_decision_is_400_and_changes_nothing(
    client: Any, organiser_key: str, three: list[str], aws_calls: Any
) -> None:
    response = decide(client, organiser_key, three[0], status="maybe")

    assert response.status_code == 400
    assert response.json_body == {"errors": {
        "status": "Choose the decision from: shortlisted, accepted, declined."}}
    assert len(listed(client, organiser_key)) == 3
    assert [e for e in aws_calls.published if e["DetailType"] == "NominationDecided"] == []


def test_an_unknown_status_filter_is_400(client: Any, organiser_key: str) -> None:
    response = client.http.get("/admin/nominations?status=pending", headers=organiser(organiser_key))

    assert response.status_code == 400
    assert response.json_body["errors"]["status"] == (
        "Choose status from: received, shortlisted, accepted, declined.")


def test_deciding_an_unknown_nomination_is_404(client: Any, organiser_key: str) -> None:
    missing = decide(client, organiser_key, "0123456789abcdef", status="accepted")
    odd = decide(client, organiser_key, "not..an..id", status="accepted")

    assert missing.status_code == odd.status_code == 404


def test_nominations_need_an_organiser_key(client: Any, organiser_key: str) -> None:
    anonymous = client.http.get("/admin/nominations")
    wrong = client.http.get("/admin/nominations", headers={"Authorization": "Bearer cfk_wrong"})
    deciding = client.http.post("/admin/nominations/0123456789abcdef/decision",
                                headers={"Content-Type": "application/json"},
                                body='{"status": "accepted"}')

    assert anonymous.status_code == 401 and deciding.status_code == 401
    assert wrong.status_code == 403
