"""`clubflow smoke` passes against a running stack over HTTP and leaves nothing behind."""

from __future__ import annotations

import subprocess
import sys

from tests.e2e.conftest import LocalStack, child_environment


def test_smoke_check_passes_and_cleans_up(local_stack: LocalStack) -> None:
    done = subprocess.run([sys.executable, "-m", "clubflow", "smoke", "--api", local_stack.url,
                           "--key", local_stack.key], cwd=local_stack.workdir, env=child_environment(),
                          capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines[:6]] == [
        "health", "events page", "create an event", "event page", "register the SES mailbox simulator", "clean up"]
    assert lines[-1] == "smoke check passed"
    event_id = lines[2].split()[-1]
    # Nothing is left where people look: the event is no longer listed, the person is gone
    assert event_id not in local_stack.get("/events").text
    exported = local_stack.admin("POST", "/admin/people/export", {"email": "success@simulator.amazonses.com"})
    assert exported.status_code == 200
    assert not exported.json().get("registrations"), exported.json()


def test_smoke_check_names_the_step_that_fails(local_stack: LocalStack) -> None:
    done = subprocess.run([sys.executable, "-m", "clubflow", "smoke", "--api", local_stack.url,
                           "--key", "cfk_wrong_key_0000000000"], cwd=local_stack.workdir, env=child_environment(),
                          capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode != 0
    assert "smoke check failed at 'create an event'" in done.stderr
