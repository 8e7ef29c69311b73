"""Organisers manage an event's slides in the console: upload from the browser straight to the
bucket (with the page's script, or a plain form), see downloads per file and who downloaded,
and remove a file. Every form needs the session's CSRF token."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urlparse

import requests

from tests.integration.console_steps import session
from tests.integration.slides_steps import (
    PDF,
    ask_for_slides,
    create_event,
    links_in,
    press_download,
    register,
    slide_emails,
    upload,
)

FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def files_of(event_id: str) -> list[dict[str, Any]]:
    from chalicelib.slides import service

    return service.list_files(event_id)


def test_the_page_shows_downloads_per_file_and_who_downloaded(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given a file that Ada downloaded
    event_id = create_event(client, organiser_key)
    upload(client, organiser_key, event_id)
    register(client, event_id, "ada@example.com")
    pump.drain()
    ask_for_slides(client, event_id, "ada@example.com")
    pump.drain()
    [link] = links_in(slide_emails(outbox, "ada@example.com")[0])
    assert press_download(client, link).status_code == 303

    # When the organiser opens the event's slides
    page = session(client).get(f"/console/events/{event_id}/slides")

    # Then the file is listed with one download, by Ada, and the form posts to the bucket
    assert page.status_code == 200
    body = page.body.decode()
    assert "Communities of Practice.pdf" in body and 'data-downloads="1"' in body
    assert "<li>ada@example.com</li>" in body
    assert 'enctype="multipart/form-data"' in body
    bucket = re.search(r'<form id="upload" method="post" action="([^"]+)"', body)
    assert bucket
    origin = "{0.scheme}://{0.netloc}".format(urlparse(html.unescape(bucket.group(1))))
    policy = page.headers["Content-Security-Policy"]
    assert f"form-action 'self' {origin}" in policy and f"connect-src 'self' {origin}" in policy


def test_the_script_gets_a_policy_for_its_file_and_sends_it_to_the_bucket(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    console = session(client)

    def start(fields: dict[str, Any], *, token: str | None = console.csrf_token) -> Any:
        headers = console.headers(**{"Content-Type": "application/json", "Accept": "application/json"})
        if token:
            headers["X-CSRF-Token"] = token
        return client.http.post(f"/console/events/{event_id}/slides/uploads", headers=headers,
                                body=json.dumps(fields))

    # A Keynote file, for which browsers report no type
    forged = start({"filename": "deck.key", "content_type": "", "size": len(PDF)}, token=None)
    wrong = start({"filename": "notes.docx", "content_type": "application/msword", "size": 10})
    started = start({"filename": "deck.key", "content_type": "", "size": len(PDF)})

    assert forged.status_code == 403
    assert wrong.status_code == 400 and "filename" in wrong.json_body["errors"]
    assert started.status_code == 201, started.body
    answer = started.json_body
    assert answer["fields"]["Content-Type"] == "application/vnd.apple.keynote"
    posted = requests.post(answer["upload_url"], data=answer["fields"],
                           files={"file": ("deck.key", PDF, "application/vnd.apple.keynote")}, timeout=10)
    assert posted.status_code == 204
    [held] = files_of(event_id)
    assert (held["file_id"], held["filename"], held["status"]) == (answer["file_id"], "deck.key", "ready")


def test_a_plain_form_upload_comes_back_to_be_named_and_recorded(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    console = session(client)
    page = console.get(f"/console/events/{event_id}/slides").body.decode()
    action = html.unescape(re.search(r'<form id="upload" method="post" action="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    fields = {name: html.unescape(value) for name, value in FIELD.findall(page) if name != "csrf_token"}

    # When the browser posts the form with a file, S3 sends it back to the console
    posted = requests.post(action, data=fields, files={"file": ("deck.pdf", PDF, "application/pdf")},
                           timeout=10, allow_redirects=False)
    assert posted.status_code == 303
    back = urlparse(posted.headers["Location"])
    assert back.path == f"/console/events/{event_id}/slides/uploaded"
    naming = console.get(f"{back.path}?{back.query}")
    assert naming.status_code == 200 and b'name="filename"' in naming.body
    key = re.search(r'name="key" value="([^"]+)"', naming.body.decode()).group(1)  # type: ignore[union-attr]

    # Then a name of another kind is refused next to its field, and a good one records the file
    refused = console.post(f"/console/events/{event_id}/slides/uploaded", {"key": html.unescape(key),
                                                                           "filename": "deck.exe"})
    assert refused.status_code == 400 and b'id="upload-filename-error"' in refused.body
    assert files_of(event_id) == []
    assert console.post(f"/console/events/{event_id}/slides/uploaded",
                        {"key": html.unescape(key), "filename": "deck.pdf"}, csrf=False).status_code == 403
    recorded = console.post(f"/console/events/{event_id}/slides/uploaded",
                            {"key": html.unescape(key), "filename": "deck.pdf"})
    assert recorded.status_code == 303
    [held] = files_of(event_id)
    assert (held["filename"], held["size"], held["status"]) == ("deck.pdf", len(PDF), "ready")
    assert b"Uploaded: deck.pdf" in console.get(f"/console/events/{event_id}/slides").body
    assert console.get(f"/console/events/{event_id}/slides/uploaded?key=elsewhere/x").status_code == 404


def test_removing_a_file_needs_the_csrf_token(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    file_id = upload(client, organiser_key, event_id)
    console = session(client)

    forged = console.post(f"/console/events/{event_id}/slides/{file_id}/remove", csrf=False)
    assert forged.status_code == 403 and len(files_of(event_id)) == 1

    removed = console.post(f"/console/events/{event_id}/slides/{file_id}/remove")
    assert removed.status_code == 303 and files_of(event_id) == []
    assert console.post(f"/console/events/{event_id}/slides/{file_id}/remove").status_code == 404
