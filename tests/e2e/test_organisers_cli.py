"""`clubflow organisers` against the running local stack: a key is printed once and opens the
admin routes until it is revoked."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import LocalStack, free_port, run_cli


def test_added_key_works_until_revoked(local_stack: LocalStack, unique_email: str) -> None:
    added = local_stack.cli("organisers", "add", unique_email.upper())
    assert added.returncode == 0, added.stderr
    key = added.stdout.strip()
    assert key.startswith("cfk_") and "\n" not in key
    assert "shown only now" in added.stderr
    assert local_stack.admin("GET", "/admin/events", key=key).status_code == 200

    listed = local_stack.cli("organisers", "list", "--json")
    mine = [o for o in json.loads(listed.stdout) if o["email"] == unique_email]
    assert [o["revoked"] for o in mine] == [False]
    assert key not in listed.stdout

    revoked = local_stack.cli("organisers", "revoke", mine[0]["key_id"])
    assert revoked.returncode == 0, revoked.stderr
    assert local_stack.admin("GET", "/admin/events", key=key).status_code == 403
    # The stack's own key is untouched.
    assert local_stack.admin("GET", "/admin/events").status_code == 200

    again = local_stack.cli("organisers", "revoke", mine[0]["key_id"])
    assert again.returncode == 2
    assert "no live key" in again.stderr


def test_list_shows_a_table_of_keys(local_stack: LocalStack) -> None:
    listed = local_stack.cli("organisers", "list")
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["KEY", "ID", "EMAIL", "CREATED", "STATUS"]
    assert any("organiser@example.com" in row and row.endswith("live") for row in rows)


def test_a_bad_email_is_refused_and_nothing_is_stored(local_stack: LocalStack) -> None:
    before = local_stack.cli("organisers", "list", "--json").stdout
    refused = local_stack.cli("organisers", "add", "not-an-email")
    assert refused.returncode == 2
    assert "not an email address" in refused.stderr
    assert refused.stdout == ""
    assert local_stack.cli("organisers", "list", "--json").stdout == before


def test_with_no_stack_named_and_none_running_it_says_what_to_do(tmp_path: Path) -> None:
    refused = run_cli(tmp_path, "organisers", "list")
    assert refused.returncode == 2
    assert "pass --stack or --table" in refused.stderr
    assert "clubflow dev" in refused.stderr


def test_a_stopped_local_stack_is_reported_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / ".clubflow").mkdir()
    closed = f"http://127.0.0.1:{free_port()}"
    (tmp_path / ".clubflow" / "dev.json").write_text(json.dumps(
        {"api_url": closed, "moto_url": closed, "region": "eu-west-2", "table_name": "gone"}))
    refused = run_cli(tmp_path, "organisers", "add", "ann@example.com")
    assert refused.returncode == 2
    assert "is not answering" in refused.stderr
    assert "Traceback" not in refused.stderr
