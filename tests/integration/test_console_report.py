"""Organisers write, preview and send an event's summary report from the console: sections and
parts shown, a preview of the exact email, a test to themselves, a send confirmed with its
recipient count, a progress page to done, and a correction. No form works without the CSRF token."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.console_steps import ORGANISER, session
from tests.integration.reports_steps import create_event, registered, reports_to

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def stored_report(event_id: str) -> dict[str, Any]:
    from chalicelib.reports import content

    return content.report_view(event_id, content.get_report(event_id))


def run_id_of(response: Any) -> str:
    assert response.status_code == 303, response.body
    match = re.search(r"/console/report-runs/([0-9a-f]+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def test_an_organiser_writes_the_sections_chooses_the_parts_and_previews(
        client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    console = session(client)
    assert console.get(f"/console/events/{event_id}/report").status_code == 200

    # When the organiser writes one section (one slot left empty), hides the vote, and previews
    saved = console.post(f"/console/events/{event_id}/report", {
        "section_title": ["Panel and workshops", ""], "section_markdown": ["Thank you to **Close Brothers**.", ""],
        **{f"show_{part}": "true" for part in ("thanks", "speakers", "organisations", "slides", "call_for_hosts")},
        "min_answers": "6", "then": "preview"})

    # Then the report holds exactly that, and the preview shows the email with it
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/console/events/{event_id}/report/preview")
    held = stored_report(event_id)
    assert held["sections"] == [{"title": "Panel and workshops", "markdown": "Thank you to **Close Brothers**."}]
    assert held["show"]["vote"] is False and held["show"]["thanks"] is True and held["min_answers"] == 6
    preview = console.get(f"/console/events/{event_id}/report/preview")
    assert preview.status_code == 200
    assert "Panel and workshops" in preview.body.decode() and "Subject: " in preview.body.decode()
    html = console.get(f"/console/events/{event_id}/report/preview/email")
    assert html.status_code == 200 and b"<strong>Close Brothers</strong>" in html.body
    editor = console.get(f"/console/events/{event_id}/report").body.decode()
    assert 'name="show_vote" value="true">' in editor and 'name="show_thanks" value="true" checked>' in editor


def test_a_half_written_section_is_named_and_a_form_without_its_token_saves_nothing(
        client: Any, organiser_key: str, aws_calls: Any) -> None:
    event_id = create_event(client, organiser_key)
    console = session(client)
    before = len(aws_calls.calls)

    half = console.post(f"/console/events/{event_id}/report",
                        {"section_title": ["", "What's next"], "section_markdown": ["", ""]})
    forged = console.post(f"/console/events/{event_id}/report",
                          {"section_title": "Hello", "section_markdown": "World"}, csrf=False)

    assert half.status_code == 400 and 'id="report-sections[0].markdown-error"' in half.body.decode()
    assert 'value="What&#39;s next"' in half.body.decode()
    assert forged.status_code == 403
    assert not [op for _, op in aws_calls.calls[before:] if op in WRITES]
    assert stored_report(event_id)["sections"] == []


def test_test_send_then_send_with_its_count_then_progress_to_done_then_a_correction(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given an event whose attendees asked for the report, but one
    event_id = create_event(client, organiser_key)
    registered(client, event_id, pump, {"ada@example.com": True, "grace@example.org": True,
                                        "linus@example.net": False})
    console = session(client)
    console.post(f"/console/events/{event_id}/report", {"section_title": "Panel", "section_markdown": "Thanks."})

    # When the organiser sends a test, it goes to them alone and its page reaches done
    test_run = run_id_of(console.post(f"/console/events/{event_id}/report/test"))
    assert b'data-status="queued"' in console.get(f"/console/report-runs/{test_run}").body
    pump.drain()
    done = console.get(f"/console/report-runs/{test_run}").body.decode()
    assert 'data-status="done"' in done and 'http-equiv="refresh"' not in done
    assert [m["subject"][:6] for m in reports_to(outbox, ORGANISER)] == ["[Test]"]
    assert reports_to(outbox, "ada@example.com") == []

    # When it goes to send, the page says how many people get it
    confirm = console.get(f"/console/events/{event_id}/report/send").body.decode()
    assert 'data-recipients="2"' in confirm and "Send to 2 people" in confirm
    key = re.search(r'name="send_key" value="([0-9a-f]+)"', confirm).group(1)  # type: ignore[union-attr]
    assert console.post(f"/console/events/{event_id}/report/send", {"send_key": key}, csrf=False).status_code == 403

    # And sending runs once, however often the button is pressed; its page follows it to done
    real = run_id_of(console.post(f"/console/events/{event_id}/report/send", {"send_key": key}))
    assert run_id_of(console.post(f"/console/events/{event_id}/report/send", {"send_key": key})) == real
    running = console.get(f"/console/report-runs/{real}").body.decode()
    assert '<meta http-equiv="refresh" content="3">' in running
    pump.drain()
    finished = console.get(f"/console/report-runs/{real}").body.decode()
    assert 'data-status="done"' in finished and "<strong>2</strong> sent" in finished
    assert len(reports_to(outbox, "ada@example.com")) == 1 and reports_to(outbox, "linus@example.net") == []
    # A second real send is refused
    again = console.get(f"/console/events/{event_id}/report/send").body.decode()
    assert "already been sent" in again and 'name="send_key"' not in again

    # When a correction is sent, it goes to the two who got the report
    correcting = console.get(f"/console/events/{event_id}/report/correction").body.decode()
    assert 'data-recipients="2"' in correcting
    key = re.search(r'name="send_key" value="([0-9a-f]+)"', correcting).group(1)  # type: ignore[union-attr]
    correction = run_id_of(console.post(f"/console/events/{event_id}/report/correction", {"send_key": key}))
    pump.drain()
    assert 'data-status="done"' in console.get(f"/console/report-runs/{correction}").body.decode()
    assert [m["subject"].startswith("Correction") for m in reports_to(outbox, "ada@example.com")] == [True, False]
