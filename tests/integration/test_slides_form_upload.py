"""A browser uploads slides straight to the bucket with a presigned POST: with a script the
policy binds the key, type and exact size; a plain form (no script knows the file) gets a
size range and its own folder, and the file is recorded once it has arrived."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests

from tests.integration.slides_steps import PDF, ask_upload, create_event, organiser


def policy(fields: dict[str, str]) -> dict[str, Any]:
    return dict(json.loads(base64.b64decode(fields["policy"])))


def test_a_post_upload_binds_key_type_and_exact_size(client: Any, organiser_key: str, deployed: Any) -> None:
    # Given an event
    event_id = create_event(client, organiser_key)

    # When a browser asks to post a PDF of known size
    answer = ask_upload(client, organiser_key, event_id, size=len(PDF), method="POST").json_body

    # Then the policy binds its key, its type and exactly its size
    assert answer["method"] == "POST" and answer["key"].endswith(".pdf")
    conditions = policy(answer["fields"])["conditions"]
    assert {"key": answer["key"]} in conditions
    assert {"Content-Type": "application/pdf"} in conditions
    assert ["content-length-range", len(PDF), len(PDF)] in conditions
    assert answer["fields"]["Content-Type"] == "application/pdf"

    # And the form post stores the file, which is then listed ready
    posted = requests.post(answer["upload_url"], data=answer["fields"],
                           files={"file": ("deck.pdf", PDF, "application/pdf")}, timeout=10)
    assert posted.status_code == 204
    listing = client.http.get(f"/admin/events/{event_id}/slides", headers=organiser(organiser_key))
    [held] = listing.json_body["files"]
    assert (held["file_id"], held["status"], held["size"]) == (answer["file_id"], "ready", len(PDF))


def test_a_plain_form_upload_is_recorded_once_it_has_arrived(deployed: Any, client: Any, organiser_key: str) -> None:
    from chalicelib.core.errors import Invalid, NotFound
    from chalicelib.slides import service

    event_id = create_event(client, organiser_key)
    back = f"http://testserver/console/events/{event_id}/slides/uploaded"

    # Given the form a page without a script shows: any size up to 100 MB, sent back to the console
    form = service.blank_upload_form(event_id, back)
    conditions = policy(form.fields)["conditions"]
    assert ["content-length-range", 1, 100 * 1024 * 1024] in conditions
    assert {"success_action_redirect": back} in conditions
    assert ["starts-with", "$key", f"slides/{event_id}/{form.file_id}/"] in conditions
    assert service.list_files(event_id) == []  # showing the form records nothing

    # When the browser posts the file, S3 sends it back to the console with the key
    posted = requests.post(form.url, data=form.fields, files={"file": ("deck.pdf", PDF, "application/pdf")},
                           timeout=10, allow_redirects=False)
    assert posted.status_code == 303 and posted.headers["Location"].startswith(back)
    key = parse_qs(urlparse(posted.headers["Location"]).query)["key"][0]
    assert service.form_upload_name(event_id, key) in ("", "deck.pdf")  # moto does not fill in ${filename}

    # Then recording it under its name lists it ready, once
    item = service.finish_form_upload(event_id, key, "deck.pdf", "organiser@example.com")
    again = service.finish_form_upload(event_id, key, "other.pdf", "organiser@example.com")
    assert (item["status"], item["size"], item["content_type"]) == ("ready", len(PDF), "application/pdf")
    assert again["filename"] == "deck.pdf"
    [listed] = service.list_files(event_id)
    assert listed["file_id"] == form.file_id

    # And a name of the wrong kind, an upload that never arrived, or another event's key are refused
    other = service.blank_upload_form(event_id, back)
    with pytest.raises(Invalid):
        service.finish_form_upload(event_id, f"slides/{event_id}/{other.file_id}/x", "notes.docx", "o@example.com")
    with pytest.raises(NotFound):
        service.finish_form_upload(event_id, f"slides/{event_id}/{other.file_id}/x", "deck.pdf", "o@example.com")
    with pytest.raises(NotFound):
        service.finish_form_upload(event_id, f"slides/elsewhere/{other.file_id}/x", "deck.pdf", "o@example.com")
    assert len(service.list_files(event_id)) == 1


def test_the_bucket_lets_a_browser_post_and_put(deployed: Any) -> None:
    rules = boto3.client("s3").get_bucket_cors(Bucket=deployed.environment["SLIDES_BUCKET"])["CORSRules"]

    assert {"PUT", "POST"} <= set(rules[0]["AllowedMethods"])
