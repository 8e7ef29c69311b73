"""Organisers see who registered (JSON and a spreadsheet-safe CSV) and mark who came."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.registration_steps import (
    counts,
    create_event,
    organiser,
    register,
    registrations,
)


def _attendance(client: Any, key: str, event_id: str, body: Any) -> Any:
    return client.http.post(f"/admin/events/{event_id}/attendance", headers=organiser(key),
                            body=json.dumps(body))


def test_the_list_shows_every_registration_with_status_and_counts(client: Any, organiser_key: str) -> None:
    # Given one place, taken, and one person waiting
    event_id = create_event(client, organiser_key, capacity=1)
    register(client, event_id, "ada@example.com", job_title="Head of Practice", consent_updates=True)
    register(client, event_id, "bob@example.com")

    # When the organiser lists registrations
    response = client.http.get(f"/admin/events/{event_id}/registrations", headers=organiser(organiser_key))

    # Then each person is there, in arrival order, with what they told us
    body = response.json_body
    assert body["counts"] == {"confirmed": 1, "waitlisted": 1, "cancelled": 0, "attended": 0, "offered": 0}
    ada, bob = body["registrations"]
    assert (ada["email"], ada["status"], ada["job_title"], ada["consent_updates"]) == (
        "ada@example.com", "confirmed", "Head of Practice", True)
    assert (bob["email"], bob["status"], bob["position"]) == ("bob@example.com", "waitlisted", 1)
    assert "pk" not in ada and "gsi1pk" not in bob


def test_organiser_routes_need_a_key(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    assert client.http.get(f"/admin/events/{event_id}/registrations").status_code == 401
    assert client.http.post(f"/admin/events/{event_id}/attendance", body="{}",
                            headers={"Content-Type": "application/json"}).status_code == 401
    assert client.http.get(f"/admin/events/{event_id}/registrations",
                           headers={"Authorization": "Bearer cfk_nope"}).status_code == 403


def test_the_csv_opens_cleanly_and_runs_no_formula(client: Any, organiser_key: str) -> None:
    # Given registrations whose fields hold formulas and markup
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com", name='=HYPERLINK("http://evil.example","Click")',
             organisation="+SUM(A1:A9)", job_title="-2+3", needs="@cmd|' /C calc'!A0")
    register(client, event_id, "bob@example.com", name="<script>alert(1)</script>",
             organisation="Tab\tCo", job_title="\tlead", needs="line one\nline two")

    # When the organiser downloads the CSV
    response = client.http.get(f"/admin/events/{event_id}/registrations?format=csv",
                               headers={"Authorization": f"Bearer {organiser_key}"})

    # Then it is a UTF-8 CSV attachment whose risky cells are plain text
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event_id}-registrations.csv"'
    text = response.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    ada = next(r for r in rows if r["Email"] == "ada@example.com")
    bob = next(r for r in rows if r["Email"] == "bob@example.com")
    assert ada["Name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert ada["Organisation"] == "'+SUM(A1:A9)"
    assert ada["Job title"] == "'-2+3"
    assert ada["Access, dietary or quiet-room needs"] == "'@cmd|' /C calc'!A0"
    assert bob["Name"] == "<script>alert(1)</script>"  # shown as the text it is
    assert bob["Job title"] == "lead"  # stripped on the way in
    assert bob["Access, dietary or quiet-room needs"] == "line one\nline two"
    assert ada["Status"] == "confirmed" and ada["Wants the summary report"] == "yes"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                   for row in rows for cell in row.values() if cell)


def test_an_unknown_format_is_a_400(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    response = client.http.get(f"/admin/events/{event_id}/registrations?format=xls",
                               headers=organiser(organiser_key))
    assert response.status_code == 400
    assert "format=csv" in response.json_body["errors"]["format"]


def test_marking_attendance_counts_each_person_once(client: Any, organiser_key: str) -> None:
    # Given two registered people
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    register(client, event_id, "bob@example.com")

    # When the organiser marks Ada (twice, in another case) and someone unknown
    first = _attendance(client, organiser_key, event_id,
                        {"emails": ["ada@example.com", "ADA@example.com ", "stranger@example.com"]})
    second = _attendance(client, organiser_key, event_id, {"emails": ["ada@example.com", "bob@example.com"]})

    # Then Ada counts once, the stranger is reported back, and Bob joins later
    assert first.status_code == 200
    assert first.json_body == {"marked": ["ada@example.com"], "already": [],
                               "unknown": ["stranger@example.com"]}
    assert second.json_body == {"marked": ["bob@example.com"], "already": ["ada@example.com"], "unknown": []}
    assert counts(client, organiser_key, event_id)["attended"] == 2
    assert {r["email"]: r["attended"] for r in registrations(client, organiser_key, event_id)} == {
        "ada@example.com": True, "bob@example.com": True}


def test_bad_attendance_input_is_a_400_and_nothing_is_marked(
        client: Any, organiser_key: str, aws_calls: Any) -> None:
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    before = len(aws_calls.calls)

    wrong_shape = _attendance(client, organiser_key, event_id, {"emails": "ada@example.com", "who": 1})
    not_addresses = _attendance(client, organiser_key, event_id, {"emails": ["ada@example.com", "nope"]})

    assert wrong_shape.status_code == 400 and set(wrong_shape.json_body["errors"]) == {"who"}
    assert not_addresses.status_code == 400
    assert "nope" in not_addresses.json_body["errors"]["emails"]
    assert "TransactWriteItems" not in [op for svc, op in aws_calls.calls[before:] if svc == "dynamodb"]
    assert counts(client, organiser_key, event_id)["attended"] == 0
    assert _attendance(client, organiser_key, "no-such-event", {"emails": ["a@example.com"]}).status_code == 404


def test_the_command_line_marks_attendance_from_a_csv(
        client: Any, organiser_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # Given the registrations export with Ada ticked as attended, and the CLI talking to the API
    from clubflow import api
    from clubflow.cli import main

    event_id = create_event(client, organiser_key)
    for email in ("ada@example.com", "bob@example.com"):
        register(client, event_id, email, name="=cmd")
    export = client.http.get(f"/admin/events/{event_id}/registrations?format=csv",
                             headers={"Authorization": f"Bearer {organiser_key}"}).body.decode()
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    attended = rows[0].index("Attended")
    for row in rows[1:]:
        row[attended] = "yes" if row[0] == "ada@example.com" else ""
    sheet = tmp_path / "sign-in.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)

    def call(self: Any, method: str, path: str, body: Any = None) -> Any:
        answer = client.http.request(method, path, headers=organiser(self.key), body=json.dumps(body))
        assert answer.status_code == 200, answer.body
        return answer.json_body

    monkeypatch.setattr(api.Api, "call", call)

    # When the organiser runs the command, with one more address typed in
    code = main(["attendance", "mark", event_id, "stranger@example.com", "--csv", str(sheet),
                 "--api", "http://api.invalid", "--key", organiser_key])

    # Then Ada is marked, Bob is not, and the stranger is reported
    assert code == 0
    out = capsys.readouterr()
    assert "Marked 1 as attended" in out.out
    assert "stranger@example.com" in out.err
    assert {r["email"]: r["attended"] for r in registrations(client, organiser_key, event_id)} == {
        "ada@example.com": True, "bob@example.com": False}


def test_the_command_line_needs_some_addresses(tmp_path: Path) -> None:
    from clubflow.cli import CommandError
    from clubflow.commands.attendance import emails_from_csv, mark_attendance

    plain = tmp_path / "plain.csv"
    plain.write_text("ada@example.com\nbob@example.com,late\n\n")
    assert emails_from_csv(plain) == ["ada@example.com", "bob@example.com"]
    with pytest.raises(CommandError):
        mark_attendance(argparse.Namespace(emails=[], csv=None, api=None, key=None, json=False,
                                           event_id="e"))


def test_a_sign_in_sheet_given_as_an_address_is_pointed_to_csv(tmp_path: Path, aws_calls: Any) -> None:
    from clubflow.cli import CommandError
    from clubflow.commands.attendance import mark_attendance

    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Email\nada@example.com\n")
    with pytest.raises(CommandError, match=r"sheet.csv is a file, not an address: give it as --csv .*sheet.csv"):
        mark_attendance(argparse.Namespace(emails=[str(sheet)], csv=None, api=None, key=None, json=False,
                                           event_id="e"))
    assert aws_calls.calls == []  # nothing asked of the API
