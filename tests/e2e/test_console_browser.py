"""The organisers' console in Chromium, on the local stack: signing in from the outbox's link
and out again, with every page checked by axe-core."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LocalStack
from tests.e2e.console_steps import ORGANISER, check_in_by_search, create_event, latest_sign_in_link, sign_in

pytestmark = pytest.mark.browser


def test_the_local_organiser_signs_in_from_the_outbox_and_out_again(local_stack: LocalStack, page: Any) -> None:
    # Given a mistyped address, which the form names
    page.goto(local_stack.url + "/console")
    page.get_by_label("Email address").fill("organiser.example.com")
    page.get_by_role("button", name="Email me a sign-in link").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Email address").get_attribute("aria-invalid") == "true"

    # When the local stack's organiser signs in with the emailed link
    sign_in(page, local_stack, ORGANISER)

    # Then the dashboard shows who is signed in, and the session cookie is HttpOnly
    assert page.get_by_text(ORGANISER).is_visible()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "clubflow_console"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    # When they sign out
    page.get_by_role("button", name="Sign out").click()

    # Then the sign-in form is back, and the used link signs no one in again
    page.get_by_role("button", name="Email me a sign-in link").wait_for()
    page.goto(latest_sign_in_link(local_stack))
    assert page.get_by_role("heading", name="This sign-in link no longer works").is_visible()


def test_an_organiser_runs_an_event_from_the_console(local_stack: LocalStack, browser: Any,
                                                     unique_email: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    # Given an organiser signed in from the outbox's link
    sign_in(page, local_stack)

    # When they create an event from the form
    # Then its page says so, with nobody registered yet
    event_id = create_event(page, "Practice in the open", 71, "2031-05-13T10:00", "2031-05-13T16:00")
    assert page.get_by_role("status").filter(has_text="is created").is_visible()
    assert page.get_by_text("0 of 0 registrations shown.").is_visible()

    # When someone registers on the public page
    registered = local_stack.post(f"/events/{event_id}/registrations", json={
        "email": unique_email, "name": "Katherine Johnson", "organisation": "NACA",
        "needs": "Step-free access please"})
    assert registered.status_code == 202, registered.text
    local_stack.pump()

    # Then the registration arrives on the event's page, with the need to plan for
    page.reload()
    assert page.get_by_role("cell", name="Katherine Johnson").is_visible()
    assert page.get_by_role("heading", name="Access (1)").is_visible()

    # When they check her in at the door on a phone, by searching her name
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True,
                                storage_state=context.storage_state())
    door = phone.new_page()
    door.goto(f"{local_stack.url}/console/events/{event_id}/door")
    assert door.locator("#attended").inner_text() == "0"
    check_in_by_search(door, "kather", "Katherine Johnson")

    # Then she is checked in, once, and the count shows her arrival
    assert door.get_by_text("Katherine Johnson is checked in.").is_visible()
    assert door.locator("#attended").inner_text() == "1"
    event = local_stack.admin("GET", f"/admin/events/{event_id}").json()
    assert event["counts"]["attended"] == 1

    # And when a colleague at another door checks someone else in, this phone's count follows
    other = unique_email.replace("e2e-", "e2e-other-")
    local_stack.post(f"/events/{event_id}/registrations", json={"email": other, "name": "Dorothy Vaughan",
                                                                "organisation": "NACA"})
    local_stack.pump()
    assert local_stack.admin("POST", f"/admin/events/{event_id}/checkins", {"email": other}).status_code == 200
    expect(door.locator("#arrivals")).to_contain_text("2 arrived of 2 confirmed", timeout=15_000)
    phone.close()
    context.close()


def test_every_console_page_reads_well_without_javascript(local_stack: LocalStack, browser: Any) -> None:
    # Given an organiser signed in, in a browser with scripts off (axe-core checks each page after)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, local_stack)
    event_id = local_stack.admin("POST", "/admin/events", {
        "title": "Every page", "number": 72, "starts_at": "2031-06-10T10:00:00+01:00",
        "ends_at": "2031-06-10T16:00:00+01:00", "timezone": "Europe/London", "venue": "London",
        "host": "Ofgem", "capacity": 5}).json()["event_id"]

    # When they open each page, and send each form that asks before it acts
    for path in ("/console/events", "/console/events/new", f"/console/events/new?from={event_id}",
                 f"/console/events/{event_id}", f"/console/events/{event_id}/edit",
                 f"/console/events/{event_id}/cancel", f"/console/events/{event_id}/door?q=nobody",
                 "/console/people", "/console/organisers"):
        page.goto(local_stack.url + path)
        assert page.get_by_role("navigation", name="Console").is_visible(), path
    page.goto(f"{local_stack.url}/console/events/{event_id}/edit")
    page.locator("#capacity").fill("0")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_role("alert").is_visible()
    page.goto(local_stack.url + "/console/people")
    page.locator("#erase-email").fill("nobody-here@example.org")
    page.get_by_role("button", name="Continue to erase").click()
    assert page.get_by_text("Nothing is held about this address.").is_visible()
    page.goto(local_stack.url + "/console/organisers")
    page.get_by_role("button", name=re.compile("^Revoke key")).first.click()
    assert page.get_by_role("button", name="Revoke the key").is_visible()
    context.close()


def test_a_title_typed_as_one_long_word_does_not_widen_a_phone_s_page(local_stack: LocalStack, browser: Any) -> None:
    # Given an event, a registration and a poll whose words are far wider than a phone
    word = "Supercalifragilistic" * 7
    event_id = local_stack.admin("POST", "/admin/events", {
        "title": word, "number": 73, "starts_at": "2031-07-08T10:00:00+01:00",
        "ends_at": "2031-07-08T16:00:00+01:00", "timezone": "Europe/London", "venue": "Venue" * 50,
        "host": "Ofgem", "capacity": 5}).json()["event_id"]
    assert local_stack.post(f"/events/{event_id}/registrations", json={
        "email": f"wide-{secrets.token_hex(4)}@example.org", "name": "Wolfeschlegelsteinhausenbergerdorff" * 2,
        "organisation": "NACA"}).status_code == 202
    poll = local_stack.admin("POST", f"/admin/events/{event_id}/polls", {
        "question": "Questionable" * 20 + "?", "kind": "single", "options": ["Optionality" * 10, "B"]}).json()
    local_stack.pump()
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, local_stack)

    # When the organiser opens the event's pages on a phone, then each fits its width
    for path in (f"/console/events/{event_id}", f"/console/events/{event_id}/edit",
                 f"/console/events/{event_id}/door?q=wolfe", f"/console/events/{event_id}/polls",
                 f"/console/polls/{poll['poll_id']}/present", f"/console/events/{event_id}/report/preview",
                 f"/console/events/{event_id}/cancel"):
        page.goto(local_stack.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path

    # And so do the public pages that show the same words (the events list is shared by every
    # event on the stack: one wide title there covered the links below it)
    for path in ("/events", f"/events/{event_id}", "/events/past"):
        page.goto(local_stack.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(local_stack.url + "/events")
    page.get_by_role("link", name="Host an event").click()
    page.get_by_role("heading", name="Host a CofEe Club event").wait_for()
    context.close()
