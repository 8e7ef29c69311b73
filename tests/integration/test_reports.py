"""Summary reports: sections, runs to consenting people only, once each, one-click unsubscribe,
dry runs, test sends and the published web version."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import sample_event
from tests.integration.polls_steps import answer, attendee_link, seed_polls
from tests.integration.registration_steps import FORM, with_detail
from tests.integration.reports_steps import (
    JSON,
    SECTIONS,
    all_reports,
    create_event,
    organiser,
    registered,
    reports_to,
    run_status,
    save_sections,
    start_run,
    unsubscribe_path,
)


@pytest.fixture
def event_id(client: Any, organiser_key: str) -> str:
    return create_event(client, organiser_key)


# --- sections -----------------------------------------------------------------------------------


def test_sections_are_saved_and_read_back(client: Any, organiser_key: str, event_id: str) -> None:
    response = save_sections(client, organiser_key, event_id, SECTIONS)

    assert response.status_code == 200, response.body
    shown = client.http.get(f"/admin/events/{event_id}/report", headers=organiser(organiser_key)).json_body
    assert shown["sections"] == SECTIONS


@pytest.mark.parametrize(("sections", "field"), [
    ("not a list", "sections"),
    ([{"markdown": "text"}], "sections[0].title"),
    ([{"title": "Panel", "markdown": "   "}], "sections[0].markdown"),
    ([{"title": "x" * 201, "markdown": "text"}], "sections[0].title"),
    ([{"title": "Panel", "markdown": "ok"}, {"title": "Next", "markdown": "ok", "colour": "red"}],
     "sections[1].colour"),
    ([{"title": "Panel", "markdown": "x" * 20_001}], "sections[0].markdown"),
    ([{"title": "Panel", "markdown": "ok"}] * 21, "sections"),
])
def test_bad_sections_are_refused_by_field_and_nothing_is_saved(
    client: Any, organiser_key: str, event_id: str, sections: Any, field: str
) -> None:
    # Given earlier sections were saved
    save_sections(client, organiser_key, event_id, SECTIONS)

    # When bad ones are sent
    response = save_sections(client, organiser_key, event_id, sections)

    # Then the field is named, and the earlier sections stand
    assert response.status_code == 400
    assert field in response.json_body["errors"], response.json_body
    shown = client.http.get(f"/admin/events/{event_id}/report", headers=organiser(organiser_key)).json_body
    assert shown["sections"] == SECTIONS


def test_sections_of_an_unknown_event_are_not_found(client: Any, organiser_key: str) -> None:
    assert save_sections(client, organiser_key, "no-such-event", SECTIONS).status_code == 404


def test_report_routes_need_an_organiser(client: Any, event_id: str) -> None:
    response = client.http.post(f"/admin/events/{event_id}/report-runs", headers=JSON, body="{}")
    assert response.status_code == 401


# --- a run ----------------------------------------------------------------------------------------


def test_a_run_sends_the_report_to_consenting_people_only_with_one_click_unsubscribe(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    # Given Ada and Grace consented to the report and Alan did not
    save_sections(client, organiser_key, event_id, SECTIONS)
    registered(client, event_id, pump, {"ada@example.com": True, "grace@example.org": True,
                                        "alan@example.net": False})

    # When the organiser starts a run and the workers run
    response = start_run(client, organiser_key, event_id)
    assert response.status_code == 202, response.body
    run_id = response.json_body["run_id"]
    assert run_status(client, organiser_key, run_id)["status"] == "queued"
    pump.drain()

    # Then Ada and Grace have the report, with RFC 8058 headers and both parts; Alan has none
    [ada] = reports_to(outbox, "ada@example.com")
    assert len(reports_to(outbox, "grace@example.org")) == 1
    assert reports_to(outbox, "alan@example.net") == []
    assert ada["subject"] == "Event 48 \N{EN DASH} Communities of Practice: the summary report"
    assert ada["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(ada).startswith("/u/")
    assert "Panel and workshops" in ada["text"] and "Panel and workshops" in ada["html"]
    assert "<strong>Close Brothers</strong>" in ada["html"]
    assert '<a href="https://club.example.com/events"' in ada["html"]
    # And the run is done with its counts
    assert run_status(client, organiser_key, run_id) | {"requested_at": None} == {
        "run_id": run_id, "event_id": event_id, "status": "done", "dry_run": False,
        "recipients": 3, "sent": 2, "skipped": 1, "failed": 0, "requested_at": None,
        "requested_by": "organiser@example.com",
        "finished_at": run_status(client, organiser_key, run_id)["finished_at"],
    }


def test_one_persons_answers_are_not_published(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    # Given the seed's polls, answered by one attendee
    poll_ids = seed_polls(client, organiser_key, event_id)
    path = attendee_link(client, organiser_key, event_id, "ada@example.com", pump, outbox)
    answer(client, path, {poll_ids[0]: "Profession", poll_ids[2]: 6})

    # When the report is sent
    start_run(client, organiser_key, event_id)
    pump.drain()

    # Then it names the polls but says nothing of what the one person chose, in both parts
    [report] = reports_to(outbox, "ada@example.com")
    for part in ("text", "html"):
        assert "What type of entity is your organisation supporting" in report[part]
        assert report[part].count("Not published: fewer than 5 answers.") == 2
        assert "Profession" not in report[part] and "chose" not in report[part] and "rated" not in report[part]


def test_markup_in_sections_and_event_fields_is_shown_as_text(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given an event title and sections with markup and a javascript link
    event_id = create_event(client, organiser_key, title="<i>Practice</i>", host="<b>Host</b>")
    save_sections(client, organiser_key, event_id, [
        {"title": "<script>alert(1)</script>",
         "markdown": "<img src=x onerror=alert(1)> and [click](javascript:alert(1))"}])
    registered(client, event_id, pump, {"ada@example.com": True})

    start_run(client, organiser_key, event_id)
    pump.drain()

    [report] = reports_to(outbox, "ada@example.com")
    html = report["html"]
    assert "<script>" not in html and "<img" not in html and "<i>Practice" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html
    page = client.http.get(f"/reports/{event_id}").body.decode()
    assert "<script>alert" not in page and "&lt;b&gt;Host&lt;/b&gt;" in page


def test_each_person_gets_the_report_once_when_a_batch_is_delivered_twice(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    from app import app
    from clubflow.dev.pump import LocalContext

    # Given a run whose batch was delivered
    registered(client, event_id, pump, {"ada@example.com": True, "grace@example.org": True})
    run_id = start_run(client, organiser_key, event_id).json_body["run_id"]
    pump.drain()
    handler = app.handler_map["send_reports"]

    # When the same batch arrives again, as a new message and as the same one
    detail = {"event_id": event_id, "run_id": run_id}
    again = handler(with_detail(sample_event("sqs_report_batch_due_redelivered.json"), **detail),
                    LocalContext("send_reports"))
    same = handler(with_detail(sample_event("sqs_report_batch_due.json"), **detail), LocalContext("send_reports"))

    # Then nobody has it twice, and the counts did not move
    assert again == same == {"batchItemFailures": []}
    assert len(reports_to(outbox, "ada@example.com")) == 1
    assert len(reports_to(outbox, "grace@example.org")) == 1
    assert run_status(client, organiser_key, run_id)["sent"] == 2


def test_a_redelivered_batch_that_was_never_counted_sends_nobody_twice(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    from chalicelib.core import keys, store
    from chalicelib.reports import delivery

    # Given a batch that emailed Ada and Grace, then stopped before it was counted (the worker died)
    registered(client, event_id, pump, {"ada@example.com": True, "grace@example.org": True})
    run_id = start_run(client, organiser_key, event_id).json_body["run_id"]
    pump.drain()
    store.update(keys.report_run(run_id), "SET #status = :sending, sent = :zero, batches_done = :zero "
                 "REMOVE counted_batches", names={"#status": "status"}, vals={":sending": "sending", ":zero": 0})

    # When the batch is handled again
    counts = delivery.send_report({"event_id": event_id, "run_id": run_id, "batch": 1, "dry_run": False,
                                   "emails": ["ada@example.com", "grace@example.org"]})

    # Then nobody is emailed again, and both count as sent, once
    assert counts == {"sent": 2}
    assert len(reports_to(outbox, "ada@example.com")) == 1
    assert len(reports_to(outbox, "grace@example.org")) == 1
    # And the run is done with those counts
    status = run_status(client, organiser_key, run_id)
    assert (status["status"], status["sent"], status["failed"]) == ("done", 2, 0)


def test_re_triggering_a_run_sends_nothing_again(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    from chalicelib.core import bus

    # Given a real run was sent
    registered(client, event_id, pump, {"ada@example.com": True})
    first = start_run(client, organiser_key, event_id, headers={"Idempotency-Key": "report-48"})
    pump.drain()

    # When the same request is posted again, the same run is put on the bus again, and a new run is asked for
    repeat = start_run(client, organiser_key, event_id, headers={"Idempotency-Key": "report-48"})
    bus.publish("ReportRunRequested", {"event_id": event_id, "run_id": first.json_body["run_id"],
                                       "requested_by": "organiser@example.com"})
    another = start_run(client, organiser_key, event_id)
    pump.drain()

    # Then the repeat is the same run, the new one is refused, and Ada has one report
    assert repeat.status_code == 202 and repeat.json_body["run_id"] == first.json_body["run_id"]
    assert another.status_code == 409
    assert another.json_body["run_id"] == first.json_body["run_id"]
    assert len(reports_to(outbox, "ada@example.com")) == 1
    assert run_status(client, organiser_key, first.json_body["run_id"])["sent"] == 1


def test_a_run_of_many_batches_counts_everyone_once(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    from chalicelib.reports import runs

    # Given more people than one batch holds (every third without consent)
    event_id = create_event(client, organiser_key, capacity=200)
    people = {f"person{i}@example.com": i % 3 != 0 for i in range(runs.BATCH_SIZE + 12)}
    registered(client, event_id, pump, people)

    run_id = start_run(client, organiser_key, event_id).json_body["run_id"]
    pump.drain()

    consenting = sum(people.values())
    status = run_status(client, organiser_key, run_id)
    assert (status["status"], status["recipients"], status["sent"], status["skipped"]) == (
        "done", len(people), consenting, len(people) - consenting)
    assert len(all_reports(outbox)) == consenting


# --- unsubscribe ------------------------------------------------------------------------------------


def test_one_click_unsubscribe_suppresses_and_a_later_run_skips_them(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    # Given Ada received a report
    registered(client, event_id, pump, {"ada@example.com": True, "grace@example.org": True})
    start_run(client, organiser_key, event_id, test_recipient="ada@example.com")
    pump.drain()
    [report] = reports_to(outbox, "ada@example.com")

    # When her mail client posts the RFC 8058 one-click body to the header URL, twice
    path = unsubscribe_path(report)
    first = client.http.post(path, headers={"Content-Type": "application/x-www-form-urlencoded"},
                             body="List-Unsubscribe=One-Click")
    second = client.http.post(path, headers={"Content-Type": "application/x-www-form-urlencoded"},
                              body="List-Unsubscribe=One-Click")

    # Then she is unsubscribed, and the real run skips her
    assert first.status_code == second.status_code == 200
    run_id = start_run(client, organiser_key, event_id).json_body["run_id"]
    pump.drain()
    assert len(reports_to(outbox, "ada@example.com")) == 1
    assert len(reports_to(outbox, "grace@example.org")) == 1
    status = run_status(client, organiser_key, run_id)
    assert (status["sent"], status["skipped"]) == (1, 1)


def test_the_unsubscribe_page_has_a_button_that_works_without_javascript(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    from chalicelib.reports import suppression

    registered(client, event_id, pump, {"ada@example.com": True})
    start_run(client, organiser_key, event_id)
    pump.drain()
    path = unsubscribe_path(reports_to(outbox, "ada@example.com")[0])

    # When Ada opens the link, nothing changes yet; the page holds a plain form
    page = client.http.get(path, headers={"Accept": "text/html"})
    html = page.body.decode()
    assert page.status_code == 200
    assert "ada@example.com" in html
    assert f'<form method="post" action="http://testserver{path}">' in html
    assert '<button type="submit">Unsubscribe</button>' in html
    assert "<script" not in html
    assert not suppression.is_suppressed("ada@example.com")

    # When she presses the button (the form's own fields)
    done = client.http.post(path, headers=FORM, body="List-Unsubscribe=One-Click")

    # Then she is told, and suppressed
    assert done.status_code == 200
    assert "You are unsubscribed" in done.body.decode()
    assert suppression.is_suppressed("ada@example.com")


def test_an_unknown_unsubscribe_link_is_not_found(client: Any) -> None:
    path = "/u/" + "x" * 43
    assert client.http.get(path).status_code == 404
    assert client.http.post(path, headers=FORM, body="List-Unsubscribe=One-Click").status_code == 404


# --- dry runs, test sends, the web version ------------------------------------------------------------


def test_a_dry_run_counts_and_sends_nothing(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    from chalicelib.reports import suppression

    registered(client, event_id, pump, {"ada@example.com": True, "grace@example.org": True,
                                        "alan@example.net": False})
    suppression.suppress("grace@example.org", suppression.BOUNCED)

    response = start_run(client, organiser_key, event_id, dry_run=True)
    pump.drain()

    assert response.status_code == 202
    status = run_status(client, organiser_key, response.json_body["run_id"])
    assert (status["status"], status["recipients"], status["would_send"], status["sent"], status["skipped"]) == (
        "done", 3, 1, 0, 2)
    assert all_reports(outbox) == []
    assert client.http.get(f"/reports/{event_id}").status_code == 404
    # And a real run may still follow
    assert start_run(client, organiser_key, event_id).status_code == 202


def test_a_test_send_goes_only_to_the_test_recipient_and_publishes_nothing(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    registered(client, event_id, pump, {"ada@example.com": True})

    first = start_run(client, organiser_key, event_id, test_recipient="Organiser@Example.com")
    second = start_run(client, organiser_key, event_id, test_recipient="organiser@example.com")
    pump.drain()

    assert first.status_code == second.status_code == 202
    tests = reports_to(outbox, "organiser@example.com")
    assert len(tests) == 2 and tests[0]["subject"].startswith("[Test] ")
    assert reports_to(outbox, "ada@example.com") == []
    assert client.http.get(f"/reports/{event_id}").status_code == 404


def test_a_bad_run_request_names_the_field(client: Any, organiser_key: str, event_id: str) -> None:
    response = start_run(client, organiser_key, event_id, test_recipient="not an email", dry_run="maybe")

    assert response.status_code == 400
    assert set(response.json_body["errors"]) == {"test_recipient", "dry_run"}
    assert start_run(client, organiser_key, "no-such-event").status_code == 404


def test_the_web_version_is_published_by_the_first_real_run(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    # Given sections, and nothing sent yet
    save_sections(client, organiser_key, event_id, SECTIONS)
    registered(client, event_id, pump, {"ada@example.com": True})
    assert client.http.get(f"/reports/{event_id}").status_code == 404

    # When the report is sent
    start_run(client, organiser_key, event_id)
    pump.drain()

    # Then the web version has the same content and no personal link
    page = client.http.get(f"/reports/{event_id}", headers={"Accept": "text/html"})
    html = page.body.decode()
    assert page.status_code == 200
    assert "Panel and workshops" in html and "<strong>Close Brothers</strong>" in html
    assert "/u/" not in html
    [report] = reports_to(outbox, "ada@example.com")
    assert f"http://testserver/reports/{event_id}" in report["text"]


def test_run_status_of_an_unknown_run_is_not_found(client: Any, organiser_key: str) -> None:
    response = client.http.get("/admin/report-runs/nope", headers=organiser(organiser_key))
    assert response.status_code == 404
    assert json.loads(response.body)["errors"]
