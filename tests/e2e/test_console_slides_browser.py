"""An organiser uploads slides from the console in Chromium straight to the local stack's bucket:
with the page's script (a policy for the file, then the upload with its progress) and without
one (the plain form, then naming the file). Then the topics and nominations pages. Every page
is checked by axe-core."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack
from tests.e2e.console_steps import sign_in
from tests.e2e.test_polls_e2e import EVENT

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n"


def files_of(stack: LocalStack, event_id: str) -> list[dict[str, Any]]:
    response = stack.admin("GET", f"/admin/events/{event_id}/slides")
    assert response.status_code == 200, response.text
    return list(response.json()["files"])


def test_slides_go_from_the_browser_to_the_bucket_with_and_without_a_script(
        local_stack: LocalStack, page: Any, browser: Any, tmp_path: Path) -> None:
    created = local_stack.admin("POST", "/admin/events", {**EVENT, "title": "Slides " + secrets.token_hex(3)})
    event_id = created.json()["event_id"]
    deck = tmp_path / "Communities of Practice.pdf"
    deck.write_bytes(PDF)
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(PDF[:1000] + b"\n%%EOF\n")
    sign_in(page, local_stack)
    cookies = page.context.cookies()

    # The uploads go from contexts the axe checks do not watch: those serve each page through a
    # route, and Chromium then takes the page for a public one that may not reach the loopback
    # bucket. The same pages are checked below, as served to `page`.
    # With the page's script: the file is sent straight to the bucket, then listed ready
    scripted = browser.launched.new_context()
    scripted.add_cookies(cookies)
    uploader = scripted.new_page()
    uploader.goto(f"{local_stack.url}/console/events/{event_id}/slides")
    uploader.locator("#file").set_input_files(str(deck))
    with uploader.expect_navigation():
        uploader.get_by_role("button", name="Upload").click()
    uploader.get_by_role("heading", name="Communities of Practice.pdf").wait_for()
    [held] = files_of(local_stack, event_id)
    assert (held["filename"], held["status"], held["size"]) == ("Communities of Practice.pdf", "ready", len(PDF))
    scripted.close()

    # Without a script: the plain form posts the file to the bucket, which sends the browser back
    plain = browser.launched.new_context(java_script_enabled=False)
    plain.add_cookies(cookies)
    uploader = plain.new_page()
    uploader.goto(f"{local_stack.url}/console/events/{event_id}/slides")
    uploader.locator("#file").set_input_files(str(notes))
    uploader.get_by_role("button", name="Upload").click()
    uploader.get_by_role("heading", name="Your file has arrived").wait_for()
    naming_page = uploader.url
    uploader.get_by_label("File name").fill("Workshop notes.pdf")
    uploader.get_by_role("button", name="Add it to the slides").click()
    # Waited for: the click returns once the redirect's page starts arriving, not once it is drawn.
    uploader.get_by_text("Uploaded: Workshop notes.pdf").wait_for()
    assert sorted(f["filename"] for f in files_of(local_stack, event_id)) == [
        "Communities of Practice.pdf", "Workshop notes.pdf"]
    plain.close()

    # The pages, as the organiser's browser is served them (each checked by axe-core)
    page.goto(naming_page)
    assert page.get_by_role("heading", name="Your file has arrived").is_visible()
    page.goto(f"{local_stack.url}/console/events/{event_id}/slides")
    assert page.locator("[data-downloads]").count() == 2
    # And a file is removed from the page
    page.get_by_role("button", name="Remove this file").first.click()
    assert page.get_by_text("The file is removed").is_visible()
    assert len(files_of(local_stack, event_id)) == 1
    page.get_by_role("link", name="Topics").click()
    assert page.get_by_role("heading", name="Topics", exact=True).is_visible()
    page.get_by_role("link", name="Nominations").click()
    assert page.get_by_role("heading", name="Host nominations").is_visible()
