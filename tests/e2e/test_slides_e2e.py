"""Slides over real HTTP on the local stack: the organiser uploads with `clubflow slides upload`
(a presigned PUT), a registered attendee and a stranger ask for them, and the emailed link gives
the exact bytes until it is used up or expires."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from tests.e2e.conftest import LocalStack

EVENT = {
    "title": "Centres of Excellence",
    "number": 50,
    "starts_at": "2030-05-14T10:00:00+01:00",
    "ends_at": "2030-05-14T16:00:00+01:00",
    "timezone": "Europe/London",
    "venue": "CITI, 1 Poultry, London",
    "host": "CITI",
    "capacity": 30,
}
LINK = re.compile(r"https?://[^\s\"'<>]+/s/[A-Za-z0-9_-]+\?event=[A-Za-z0-9_-]+")
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def slide_links(stack: LocalStack, email: str) -> list[str]:
    messages = [m for m in stack.outbox(to=email) if m["subject"].startswith("Your slides")]
    return [link for m in messages for link in dict.fromkeys(LINK.findall(m["text"]))]


def expire(stack: LocalStack, link: str) -> None:
    """Move the link's expiry into the past, as seven days passing would."""
    from chalicelib.core import keys, store, tokens

    raw = urlparse(link).path.rsplit("/", 1)[1]
    state = json.loads((stack.workdir / ".clubflow" / "dev.json").read_text())
    stack.aws("dynamodb").update_item(
        TableName=state["table_name"], Key=store.to_dynamo(keys.token(tokens.hash_token(raw))),
        UpdateExpression="SET #exp = :past", ExpressionAttributeNames={"#exp": keys.TTL_ATTRIBUTE},
        ExpressionAttributeValues={":past": {"N": "1"}},
    )


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("slides") / "Centres of Excellence \N{EN DASH} keynote.pdf"
    path.write_bytes(b"%PDF-1.7\n" + secrets.token_bytes(3 * 1024 * 1024 + 17))
    return path


@pytest.fixture(scope="module")
def event_with_slides(local_stack: LocalStack, deck: Path) -> str:
    created = local_stack.admin("POST", "/admin/events", EVENT)
    assert created.status_code == 201, created.text
    event_id = str(created.json()["event_id"])

    uploaded = local_stack.cli("slides", "upload", event_id, str(deck))

    assert uploaded.returncode == 0, uploaded.stderr
    # Run by a script, no terminal: one line saying what was done, no progress redraws in a log
    assert uploaded.stderr.startswith("Uploaded ") and "\r" not in uploaded.stderr
    listed = local_stack.cli("slides", "list", event_id, "--json")
    [file] = json.loads(listed.stdout)["files"]
    assert file["status"] == "ready" and file["size"] == deck.stat().st_size
    assert file["file_id"] == uploaded.stdout.strip()
    return event_id


def register(stack: LocalStack, event_id: str, email: str) -> None:
    response = stack.post(f"/events/{event_id}/registrations", headers=JSON, json={
        "email": email, "name": "Grace Hopper", "organisation": "Compilers Ltd",
        "consent_report": True, "consent_updates": False})
    assert response.status_code == 202, response.text


def ask(stack: LocalStack, event_id: str, email: str, as_form: bool = False) -> requests.Response:
    if as_form:
        return stack.post(f"/events/{event_id}/slides/requests", data={"email": email},
                          headers={"Accept": "text/html"})
    return stack.post(f"/events/{event_id}/slides/requests", json={"email": email}, headers=JSON)


def test_attendee_gets_the_exact_bytes_and_a_stranger_gets_nothing(
    local_stack: LocalStack, event_with_slides: str, deck: Path
) -> None:
    attendee = f"attendee-{secrets.token_hex(4)}@example.org"
    stranger = f"stranger-{secrets.token_hex(4)}@example.org"
    register(local_stack, event_with_slides, attendee)
    local_stack.pump()

    # Both ask, by API and by form: the answers are identical
    answers = [ask(local_stack, event_with_slides, who, as_form)
               for as_form in (False, True) for who in (attendee, stranger)]
    local_stack.pump()
    assert (answers[0].status_code, answers[0].text) == (answers[1].status_code, answers[1].text)
    assert (answers[2].status_code, answers[2].text) == (answers[3].status_code, answers[3].text)
    assert answers[0].json() == {"status": "received"} and answers[0].status_code == 202
    assert answers[2].status_code == 202 and "Check your email" in answers[2].text

    # Only the attendee is emailed, once, one link for the one file
    assert slide_links(local_stack, stranger) == []
    [link] = slide_links(local_stack, attendee)

    # Opening it (as a mail scanner would, twice) shows the Download page and uses nothing
    for _ in range(2):
        shown = requests.get(link, allow_redirects=False, timeout=30)
        assert shown.status_code == 200 and ">Download</button>" in shown.text
    assert requests.head(link, allow_redirects=False, timeout=30).status_code >= 400

    # Pressing Download gives a five-minute presigned URL that serves the exact bytes
    hop = requests.post(link, allow_redirects=False, timeout=30, data={})
    assert hop.status_code == 303
    assert hop.headers["Referrer-Policy"] == "no-referrer"
    download = requests.get(hop.headers["Location"], timeout=60)
    assert download.status_code == 200
    assert download.content == deck.read_bytes()
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Centres%20of%20Excellence%20%E2%80%93%20keynote.pdf" in (
        download.headers["Content-Disposition"])

    # The organisers see who downloaded
    report = local_stack.admin("GET", f"/admin/events/{event_with_slides}/slides").json()
    assert report["files"][0]["downloaded_by"] == [attendee]
    assert report["totals"]["downloads"] == 1


def test_used_up_expired_and_forged_links_get_one_404_page(
    local_stack: LocalStack, event_with_slides: str
) -> None:
    first = f"first-{secrets.token_hex(4)}@example.org"
    second = f"second-{secrets.token_hex(4)}@example.org"
    for email in (first, second):
        register(local_stack, event_with_slides, email)
        ask(local_stack, event_with_slides, email)
    local_stack.pump()
    [used] = slide_links(local_stack, first)
    [expiring] = slide_links(local_stack, second)

    for _ in range(5):
        assert requests.post(used, allow_redirects=False, timeout=30, data={}).status_code == 303
    expire(local_stack, expiring)
    forged = re.sub(r"/s/[A-Za-z0-9_-]+", "/s/" + secrets.token_urlsafe(32), used)

    pages = [requests.get(link, allow_redirects=False, timeout=30, headers={"Accept": "text/html"})
             for link in (used, expiring, forged)]

    assert [page.status_code for page in pages] == [404, 404, 404]
    assert pages[0].text == pages[1].text == pages[2].text
    assert "This download link is not valid" in pages[0].text
    assert f"/events/{event_with_slides}/slides/requests" in pages[0].text
    assert all(page.headers["Referrer-Policy"] == "no-referrer" for page in pages)
