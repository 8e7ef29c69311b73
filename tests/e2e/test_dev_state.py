"""The local stack keeps its data: killed with SIGKILL mid-way, started again on the same state
folder, it still has the event, the registration, the outbox and the queued report run, which then
finishes."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import requests

from tests.e2e.conftest import DevProcess, LocalStack, run_cli, runtime_dir

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
EVENT = {
    "title": "Communities that last", "number": 57,
    "starts_at": "2030-11-12T09:00:00+00:00", "ends_at": "2030-11-12T15:30:00+00:00",
    "timezone": "Europe/London", "venue": "London", "host": "Ofgem", "capacity": 40,
}


def ok(response: requests.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201, 202), response.text
    return dict(response.json())


def started(workdir: Path, key: str) -> tuple[DevProcess, LocalStack]:
    # Work waits for the test's own pump calls, so a report batch can be left queued.
    dev = DevProcess(workdir, CLUBFLOW_DEV_ORGANISER_KEY=key, CLUBFLOW_DEV_PUMP="manual")
    return dev, LocalStack(dev.wait_until_up(), workdir)


def test_a_killed_stack_comes_back_with_everything_it_acknowledged(tmp_path: Path) -> None:
    key = "cfk_state_" + secrets.token_urlsafe(24)
    reader = f"reader-{secrets.token_hex(4)}@example.org"
    dev, stack = started(tmp_path, key)
    try:
        # Given an event, a registration whose confirmation was sent, and a report run whose
        # batch is still queued
        event_id = ok(stack.admin("POST", "/admin/events", EVENT))["event_id"]
        ok(stack.post(f"/events/{event_id}/registrations", headers=JSON, json={
            "email": reader, "name": "Jo Stanford", "organisation": "HPCA",
            "consent_report": True, "consent_updates": False}))
        stack.pump()
        ok(stack.admin("PUT", f"/admin/events/{event_id}/report", {"sections": [
            {"title": "Conclusions", "markdown": "Communities need **time**."}]}))
        run_id = ok(stack.admin("POST", f"/admin/events/{event_id}/report-runs", {}))["run_id"]
        assert ok(stack.admin("GET", f"/admin/report-runs/{run_id}"))["status"] != "done"

        # When the stack is killed outright
        dev.process.kill()
        dev.process.wait(timeout=30)
    except BaseException:
        dev.interrupt()
        raise
    assert (tmp_path / ".clubflow" / "dev" / "journal").stat().st_size > 0
    (tmp_path / ".clubflow" / "dev.json").unlink()  # as the killed process could not

    # And started again on the same state folder
    dev, stack = started(tmp_path, key)
    try:
        assert "restored" in dev.log()
        # Then the event, the registration and the sent email are there
        assert ok(stack.admin("GET", f"/admin/events/{event_id}"))["counts"]["confirmed"] == 1
        listed = ok(stack.admin("GET", f"/admin/events/{event_id}/registrations"))["registrations"]
        assert [r["email"] for r in listed] == [reader]
        assert [m["subject"].split(":")[0] for m in stack.outbox(to=reader)] == ["You're registered"]

        # And the queued batch is delivered: the run finishes, the reader gets the report once
        stack.pump()
        status = ok(stack.admin("GET", f"/admin/report-runs/{run_id}"))
        assert (status["status"], status["sent"]) == ("done", 1)
        subjects = [m["subject"] for m in stack.outbox(to=reader)]
        assert sum("the summary report" in subject for subject in subjects) == 1
    finally:
        code = dev.interrupt()
    assert code == 0, dev.log()

    # And a clean stop folds everything into the snapshot, which the next start reads
    assert (tmp_path / ".clubflow" / "dev" / "journal").stat().st_size == 0
    dev, stack = started(tmp_path, key)
    try:
        assert ok(stack.admin("GET", f"/admin/report-runs/{run_id}"))["status"] == "done"
    finally:
        assert dev.interrupt() == 0


def test_fresh_starts_empty(tmp_path: Path) -> None:
    key = "cfk_state_" + secrets.token_urlsafe(24)
    dev, stack = started(tmp_path, key)
    try:
        event_id = ok(stack.admin("POST", "/admin/events", EVENT))["event_id"]
    finally:
        assert dev.interrupt() == 0
    dev = DevProcess(tmp_path, "--fresh", CLUBFLOW_DEV_ORGANISER_KEY=key)
    try:
        stack = LocalStack(dev.wait_until_up(), tmp_path)
        assert stack.admin("GET", f"/admin/events/{event_id}").status_code == 404
    finally:
        assert dev.interrupt() == 0


def test_stopped_and_started_twice_it_keeps_its_key_and_its_demo(tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []
    for _ in range(3):
        dev = DevProcess(tmp_path, "--demo")
        try:
            stack = LocalStack(dev.wait_until_up(), tmp_path)
            events = stack.admin("GET", "/admin/events").json()
            seen.append((stack.key, ",".join(sorted(e["event_id"] for e in events))))
        finally:
            assert dev.interrupt() == 0, dev.log()
    # The key created at the first start still opens the organiser routes; the demo loaded once
    assert len(set(seen)) == 1, seen
    assert seen[0][1].count(",") == 0 and seen[0][1].startswith("communities-of-practice")


def test_commands_find_the_running_stack_from_any_folder(tmp_path: Path) -> None:
    home, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    mine = {"CLUBFLOW_RUNTIME_DIR": runtime_dir(home)}
    dev = DevProcess(home)
    try:
        stack = LocalStack(dev.wait_until_up(), home)
        ok(stack.admin("POST", "/admin/events", EVENT))
        listed = run_cli(elsewhere, "events", "list", **mine)
        assert listed.returncode == 0, listed.stderr
        assert "Communities that last" in listed.stdout
    finally:
        assert dev.interrupt() == 0
    # Stopped, it is not found, and the command says how to reach a deployment instead
    refused = run_cli(elsewhere, "events", "list", **mine)
    assert refused.returncode == 2
    assert "CLUBFLOW_API_URL" in refused.stderr and "clubflow dev" in refused.stderr


def test_a_second_stack_on_the_same_state_is_refused_in_one_line(tmp_path: Path) -> None:
    dev = DevProcess(tmp_path)
    try:
        dev.wait_until_up()
        second = run_cli(tmp_path, "dev", "--port", "0")
    finally:
        assert dev.interrupt() == 0
    assert second.returncode == 2
    assert "another `clubflow dev` keeps its data in" in second.stderr
    assert "Traceback" not in second.stderr
