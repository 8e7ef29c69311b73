"""An organiser runs the series from the `clubflow` command line against the running local stack:
events, polls, report sections and runs, and nominations."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

from tests.e2e.conftest import LocalStack

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
POLL_LINK = re.compile(r"https?://[^\s\"'<>]+/p/[A-Za-z0-9_-]{20,100}")


def cli_ok(stack: LocalStack, *args: str) -> str:
    """`clubflow ARGS`'s output, after checking it succeeded."""
    ran = stack.cli(*args)
    assert ran.returncode == 0, ran.stderr
    assert "Traceback" not in ran.stderr
    return ran.stdout


def create_event(stack: LocalStack, title: str, capacity: int = 30) -> str:
    return cli_ok(stack, "events", "create", "--title", title, "--number", "61",
                  "--starts-at", "2031-05-13T09:30:00+01:00", "--ends-at", "2031-05-13T16:00:00+01:00",
                  "--timezone", "Europe/London", "--venue", "The Guildhall, Bath",
                  "--host", "Bath Spa University", "--capacity", str(capacity)).strip()


def register(stack: LocalStack, event_id: str, email: str) -> None:
    response = stack.post(f"/events/{event_id}/registrations", headers=JSON, json={
        "email": email, "name": "Sam Okafor", "organisation": "Wessex Water",
        "consent_report": True, "consent_updates": False})
    assert response.status_code == 202, response.text


def test_an_event_created_by_cli_is_listed_shown_and_changed(local_stack: LocalStack) -> None:
    title = f"Data sharing that works {secrets.token_hex(3)}"
    event_id = create_event(local_stack, title, capacity=30)

    assert local_stack.admin("GET", f"/admin/events/{event_id}").json()["title"] == title
    listed = cli_ok(local_stack, "events", "list")
    [row] = [line for line in listed.splitlines() if line.startswith(event_id)]
    assert title in row and "0/30" in row

    changed = cli_ok(local_stack, "events", "update", event_id, "--capacity", "45")
    assert "Changed capacity" in changed
    shown = json.loads(cli_ok(local_stack, "events", "show", event_id, "--json"))
    assert (shown["capacity"], shown["venue"]) == (45, "The Guildhall, Bath")


def test_bad_event_input_is_one_line_naming_the_field(local_stack: LocalStack) -> None:
    refused = local_stack.cli("events", "create", "--title", "Bad zone", "--starts-at", "2031-05-13T09:30",
                              "--ends-at", "2031-05-13T16:00", "--timezone", "Europe/Atlantis",
                              "--venue", "Bath", "--host", "Bath Spa", "--capacity", "10")
    assert refused.returncode == 2
    assert "--timezone: Unknown time zone" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1

    missing = local_stack.cli("events", "show", "no-such-event-000000")
    assert missing.returncode == 2
    assert missing.stderr == "clubflow: No such event.\n"


def test_registrations_export_to_csv(local_stack: LocalStack, unique_email: str, tmp_path: Path) -> None:
    event_id = create_event(local_stack, f"Open data clinic {secrets.token_hex(3)}")
    register(local_stack, event_id, unique_email)
    local_stack.pump()

    assert unique_email in cli_ok(local_stack, "events", "registrations", event_id)
    target = tmp_path / "registrations.csv"
    cli_ok(local_stack, "events", "registrations", event_id, "--csv", str(target))
    # utf-8-sig: the export starts with a byte-order mark, so spreadsheets read it as UTF-8.
    header, row = target.read_text(encoding="utf-8-sig").splitlines()
    assert header.startswith("Email,Name")
    assert row.startswith(f"{unique_email},Sam Okafor")


def test_a_poll_added_by_cli_shows_its_results(local_stack: LocalStack, unique_email: str) -> None:
    # Given an event with an attendee and a rating poll added by CLI
    event_id = create_event(local_stack, f"Poll night {secrets.token_hex(3)}")
    register(local_stack, event_id, unique_email)
    local_stack.pump()
    poll_id = cli_ok(local_stack, "polls", "add", event_id, "--question", "How useful was today?",
                     "--kind", "rating", "--scale", "1-5").strip()
    assert poll_id in cli_ok(local_stack, "polls", "list", event_id)

    # When the organiser invites people and the attendee answers 4
    assert "on their way" in cli_ok(local_stack, "polls", "invite", event_id)
    local_stack.pump()
    [invitation] = [m for m in local_stack.outbox(to=unique_email) if POLL_LINK.search(m["text"])]
    [link] = set(POLL_LINK.findall(invitation["text"]))
    answered = local_stack.http.post(link, headers=JSON, json={"answers": {poll_id: 4}}, timeout=30)
    assert answered.status_code == 200, answered.text
    local_stack.pump()

    # Then the results read as a table with the mean and median
    cli_ok(local_stack, "polls", "close", poll_id)
    results = cli_ok(local_stack, "polls", "results", poll_id)
    assert "How useful was today?" in results
    assert re.search(r"^4\s+1\s+100%$", results, re.MULTILINE), results
    assert "1 person answered; the poll is closed." in results
    assert "Mean 4, median 4." in results
    assert "100% rated 4 or lower" in results


def test_report_sections_from_a_file_and_a_dry_run(
    local_stack: LocalStack, unique_email: str, tmp_path: Path
) -> None:
    event_id = create_event(local_stack, f"Report day {secrets.token_hex(3)}")
    register(local_stack, event_id, unique_email)
    local_stack.pump()
    report = tmp_path / "report.md"
    report.write_text("# Report day\n\n## What we learned\n\nShare **early**.\n\n## Thanks\n\nTo Bath Spa.\n")

    assert "Saved 2 sections" in cli_ok(local_stack, "reports", "sections", event_id, str(report))
    sections = local_stack.admin("GET", f"/admin/events/{event_id}/report").json()["sections"]
    assert sections == [{"title": "What we learned", "markdown": "Share **early**."},
                        {"title": "Thanks", "markdown": "To Bath Spa."}]

    run_id = cli_ok(local_stack, "reports", "run", event_id, "--dry-run", "--no-wait").strip()
    local_stack.pump()
    status = cli_ok(local_stack, "reports", "status", run_id)
    assert status.startswith(f"dry run {run_id}: done; 1 recipients")
    assert "1 would be sent" in status
    # A dry run sends nothing.
    assert [m for m in local_stack.outbox(to=unique_email) if "summary report" in m["subject"]] == []


def test_a_nomination_is_listed_and_decided(local_stack: LocalStack, unique_email: str) -> None:
    organisation = f"Somerset Tech Hub {secrets.token_hex(3)}"
    sent = local_stack.post("/nominations", headers=JSON, json={
        "kind": "host", "organisation": organisation, "contact_name": "Priya Shah", "email": unique_email,
        "city": "Taunton", "venue": "The Old Library", "capacity": 50})
    assert sent.status_code == 202, sent.text
    local_stack.pump()

    listed = json.loads(cli_ok(local_stack, "nominations", "list", "--json"))
    [mine] = [n for n in listed["nominations"] if n["organisation"] == organisation]
    assert organisation in cli_ok(local_stack, "nominations", "list")

    decided = cli_ok(local_stack, "nominations", "decide", mine["nomination_id"], "shortlisted",
                     "--message", "We would love to visit in the autumn.", "--yes")
    assert decided.startswith(f"{organisation}: shortlisted")
    shortlisted = json.loads(cli_ok(local_stack, "nominations", "list", "--status", "shortlisted", "--json"))
    assert mine["nomination_id"] in [n["nomination_id"] for n in shortlisted["nominations"]]
    again = cli_ok(local_stack, "nominations", "decide", mine["nomination_id"], "shortlisted", "--yes")
    assert "already shortlisted; nothing was sent" in again
