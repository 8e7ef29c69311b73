"""`clubflow ... | head`: the reader leaving early ends the command quietly, with no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
# Far more than a pipe holds (64 KB), so the command is still writing when the reader leaves.
EVENTS = [{"event_id": f"cop-{n:05d}", "title": f"Communities of Practice {n}", "timezone": "Europe/London",
           "starts_at": f"2090-{1 + n % 12:02d}-09T10:00:00+00:00",
           "ends_at": f"2090-{1 + n % 12:02d}-09T16:00:00+00:00", "capacity": 80,
           "counts": {"confirmed": 1, "waitlisted": 0, "cancelled": 0, "attended": 0}}
          for n in range(3000)]


class Api(BaseHTTPRequestHandler):
    """Answers `GET /admin/events` as the organiser API does, with many events."""

    def do_GET(self) -> None:
        body = json.dumps(EVENTS).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def api_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_reader_that_stops_early_gets_no_traceback(api_url: str, tmp_path: Path) -> None:
    # Given `clubflow events list` writing into a real pipe
    env = {**os.environ, "PYTHONPATH": str(REPO / "functions")}
    command = subprocess.Popen(
        [sys.executable, "-m", "clubflow", "events", "list", "--api", api_url, "--key", "cfk_x"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert command.stdout is not None and command.stderr is not None

    # When the reader takes the header and one line, then goes away (as `head -2` does)
    first = [command.stdout.readline(), command.stdout.readline()]
    command.stdout.close()
    err = command.stderr.read().decode()
    code = command.wait(timeout=60)

    # Then the command ends quietly, as one ended by SIGPIPE
    assert first[0].split()[:3] == [b"EVENT", b"ID", b"STARTS"]
    assert err == ""
    assert code == 141


def test_through_a_shell_pipe_to_head_nothing_is_printed_but_the_lines(api_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "functions")}
    ran = subprocess.run(
        f"{sys.executable} -m clubflow events list --api {api_url} --key cfk_x | head -3",
        shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert ran.returncode == 0
    assert len(ran.stdout.splitlines()) == 3
    assert "Traceback" not in ran.stderr and "BrokenPipe" not in ran.stderr
    assert ran.stderr == ""
