"""`clubflow dev` itself: it prints a working key when none is given, Ctrl-C stops everything,
and what keeps it from starting is said in one line."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import requests

from tests.e2e.conftest import DevProcess, LocalStack, run_cli


def test_without_a_key_one_is_printed_that_works_and_ctrl_c_stops_all(tmp_path: Path) -> None:
    dev = DevProcess(tmp_path)
    stack = LocalStack(dev.wait_until_up(), tmp_path)
    printed = re.search(r"Bearer (cfk_\S+)", dev.log())
    assert printed is not None, dev.log()
    assert printed.group(1) == stack.key
    assert stack.admin("GET", "/admin/events").status_code == 200
    assert stack.get("/_dev/outbox").json() == []
    assert stack.get("/events", headers={"Accept": "application/json"}).json() == []  # no --demo
    # The banner says where organisers sign in, and as whom
    console = re.search(r"Console +(\S+/console) +\(sign in as (\S+);", dev.log())
    assert console is not None, dev.log()
    assert console.group(2) == "organiser@example.com"
    assert stack.get("/console").status_code == 200

    assert dev.interrupt() == 0
    assert "stopped" in dev.log()
    assert "Traceback" not in dev.log()
    assert not dev.state_file.exists()
    for url in (stack.url, stack.moto_url):
        try:
            requests.get(url, timeout=2)
        except requests.ConnectionError:
            continue
        raise AssertionError(f"{url} still answers after Ctrl-C")


def test_a_port_in_use_is_refused_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        refused = run_cli(tmp_path, "dev", "--port", port)
    assert refused.returncode == 2
    assert f"port {port} is in use" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_malformed_organiser_key_is_refused_before_anything_starts(tmp_path: Path) -> None:
    refused = run_cli(tmp_path, "dev", "--port", "0", CLUBFLOW_DEV_ORGANISER_KEY="hunter2")
    assert refused.returncode == 2
    assert "CLUBFLOW_DEV_ORGANISER_KEY must look like" in refused.stderr
    assert not (tmp_path / ".clubflow").exists()
