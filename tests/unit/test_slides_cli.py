"""`clubflow slides upload` streams the file to the presigned URL with a progress bar."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from clubflow.cli import main


class Bucket(BaseHTTPRequestHandler):
    """Stands in for S3: keeps what each PUT sent."""

    received: list[dict[str, Any]] = []

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        Bucket.received.append({
            "path": self.path,
            "headers": dict(self.headers.items()),
            "body": self.rfile.read(length),
        })
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def bucket_url() -> Iterator[str]:
    Bucket.received = []
    server = HTTPServer(("127.0.0.1", 0), Bucket)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_upload_streams_the_file_with_its_signed_headers(
    tmp_path: Path, bucket_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a 3 MB deck and an API that hands out an upload URL
    deck = tmp_path / "Communities of Practice.pdf"
    data = b"%PDF-1.7\n" + bytes(range(256)) * (3 * 4096)
    deck.write_bytes(data)
    asked: list[tuple[str, str, Any]] = []

    def call(self: Any, method: str, path: str, body: Any = None) -> Any:
        asked.append((method, path, body))
        return {"upload_url": f"{bucket_url}/slides/evt/abc.pdf?X-Amz-Signature=x",
                "file_id": "abc", "key": "slides/evt/abc.pdf",
                "headers": {"Content-Type": "application/pdf", "Content-Length": str(len(data))}}

    monkeypatch.setattr("clubflow.api.Api.call", call)
    read_sizes: list[int] = []
    from clubflow.commands import slides

    original_read = slides.ProgressReader.read

    def spy(self: Any, amount: int = -1) -> bytes:
        chunk = original_read(self, amount)
        read_sizes.append(len(chunk))
        return chunk

    monkeypatch.setattr(slides.ProgressReader, "read", spy)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)

    # When the organiser uploads it, at a terminal
    code = main(["slides", "upload", "evt", str(deck), "--api", "http://api.test", "--key", "cfk_x"])

    # Then the API was asked with the name, type and size, and the bucket got the exact bytes
    assert code == 0
    assert asked == [("POST", "/admin/events/evt/slides",
                      {"filename": deck.name, "content_type": "application/pdf", "size": len(data)})]
    [put] = Bucket.received
    assert put["body"] == data
    assert put["headers"]["Content-Type"] == "application/pdf"
    assert put["headers"]["Content-Length"] == str(len(data))
    assert "Transfer-Encoding" not in put["headers"]
    # Read in chunks, never the whole file at once
    assert len(read_sizes) > 3 and max(read_sizes) <= slides.CHUNK
    out = capsys.readouterr()
    assert out.out.strip() == "abc"
    assert "100%" in out.err


def test_upload_refuses_other_kinds_before_asking_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.docx"
    notes.write_bytes(b"x")
    monkeypatch.setattr("clubflow.api.Api.call", lambda *a, **k: pytest.fail("API called"))

    code = main(["slides", "upload", "evt", str(notes), "--api", "http://api.test", "--key", "k"])

    assert code == 2
    assert ".pdf, .pptx, .key or .zip" in capsys.readouterr().err


def test_off_a_terminal_no_progress_bar_is_drawn(
    tmp_path: Path, bucket_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a 3 MB deck uploaded with stderr going to a log file (not a terminal)
    deck = tmp_path / "deck.pdf"
    deck.write_bytes(b"%PDF-1.7\n" + b"x" * (3 * 1024 * 1024))
    monkeypatch.setattr("clubflow.api.Api.call", lambda *a, **k: {
        "upload_url": f"{bucket_url}/slides/evt/d.pdf", "file_id": "d", "key": "slides/evt/d.pdf",
        "headers": {"Content-Type": "application/pdf"}})
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)

    assert main(["slides", "upload", "evt", str(deck), "--api", "http://api.test", "--key", "k"]) == 0

    # Then the log holds the one line saying it was uploaded, and no carriage-return redraws
    err = capsys.readouterr().err
    assert "\r" not in err and "%" not in err
    assert err.splitlines() == [f"Uploaded deck.pdf ({deck.stat().st_size} bytes) to event evt."]
    assert len(Bucket.received) == 1
