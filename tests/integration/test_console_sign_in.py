"""Organisers sign in to the console by an emailed one-time link; forms carry a CSRF token;
a session ends at sign-out, after 12 hours, or when the organiser's key is revoked."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.console_steps import (
    FORM,
    ORGANISER,
    ask_for_link,
    browser_for,
    press_sign_in,
    session,
    session_cookie,
    sign_in_links,
    signed_in,
)
from tests.integration.worker_faults import deliver, delivery_of, first_send_fails


def _later(monkeypatch: pytest.MonkeyPatch, **delta: float) -> None:
    from chalicelib.core import clock

    real_now = clock.now
    moment = real_now() + timedelta(**delta)
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_an_organiser_signs_in_from_the_emailed_link(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given the sign-in form
    form = client.http.get("/console", headers={"Accept": "text/html"})
    assert form.status_code == 200 and b'name="email"' in form.body

    # When an organiser asks for a link
    asked = ask_for_link(client, ORGANISER)
    pump.drain()

    # Then they are told to check their email, and one email with the link arrives (HTML and text)
    assert asked.status_code == 202 and b"Check your email" in asked.body
    [message] = outbox.messages_to(ORGANISER)
    assert "sign in" in message["subject"].lower() and "15 minutes" in message["text"]
    [path] = sign_in_links(outbox)
    assert path in message["html"]

    # When the link is opened (as a mail scanner would), nothing is used up
    for _ in range(2):
        opened = client.http.get(path, headers={"Accept": "text/html"})
        assert opened.status_code == 200 and b">Sign in</button>" in opened.body
        assert "Set-Cookie" not in opened.headers and opened.headers["Cache-Control"] == "no-store"

    # And its button signs in: a session cookie, then the dashboard
    signed = press_sign_in(client, path)
    assert signed.status_code == 303 and signed.headers["Location"].endswith("/console")
    cookie = signed.headers["Set-Cookie"]
    assert {"HttpOnly", "SameSite=Lax", "Path=/console", "Max-Age=43200"} <= {p.strip() for p in cookie.split(";")}
    assert "Secure" not in cookie  # the test stack is served over plain HTTP, as the local stack is
    console = browser_for(client, session_cookie(signed))
    assert b"Dashboard" in console.get("/console").body

    # And the link is used up: a second press, or opening it again, finds nothing
    assert press_sign_in(client, path).status_code == 404
    assert client.http.get(path, headers={"Accept": "text/html"}).status_code == 404


def test_the_session_cookie_is_secure_where_the_site_is_served_over_https(
        client: Any, organiser_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.console import pages, sessions
    from chalicelib.core import settings

    monkeypatch.setenv("PUBLIC_BASE_URL", "https://club.example.org/prod")
    settings.reset()
    raw, _ = sessions.start_session(ORGANISER)
    cookie = {p.strip() for p in pages.session_cookie(raw).split(";")}
    settings.reset()

    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/prod/console"} <= cookie


def test_an_unknown_address_gets_the_same_page_and_no_email(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # When an organiser and a stranger ask for a link
    known = ask_for_link(client, ORGANISER)
    unknown = ask_for_link(client, "stranger@example.net")
    pump.drain()

    # Then both see the same page but for the address they typed
    assert known.status_code == unknown.status_code == 202
    assert known.body.replace(ORGANISER.encode(), b"") == unknown.body.replace(b"stranger@example.net", b"")
    # And only the organiser is emailed
    assert len(outbox.messages_to(ORGANISER)) == 1
    assert outbox.messages_to("stranger@example.net") == []


def test_a_revoked_organiser_gets_no_link(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    from chalicelib.core import auth

    auth.revoke(ORGANISER)
    assert ask_for_link(client, ORGANISER).status_code == 202
    pump.drain()
    assert outbox.messages_to(ORGANISER) == []


def test_a_bad_address_is_named_and_nothing_is_sent(client: Any, organiser_key: str, pump: Any,
                                                     outbox: Any, aws_calls: Any) -> None:
    before = len(aws_calls.calls)
    answer = ask_for_link(client, "not an address")
    json_answer = client.http.post("/console/sign-in", body=json.dumps({"email": ""}),
                                   headers={"Content-Type": "application/json", "Accept": "application/json"})

    assert answer.status_code == 400 and b'aria-invalid="true"' in answer.body
    assert json_answer.status_code == 400 and "email" in json_answer.json_body["errors"]
    assert ("dynamodb", "PutItem") not in aws_calls.calls[before:]


def test_a_link_expires_after_15_minutes(client: Any, organiser_key: str, pump: Any, outbox: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a link emailed now
    ask_for_link(client)
    pump.drain()
    [path] = sign_in_links(outbox)

    # When it is pressed 16 minutes later
    _later(monkeypatch, minutes=16)

    # Then it no longer works, and no session starts
    assert client.http.get(path, headers={"Accept": "text/html"}).status_code == 404
    late = press_sign_in(client, path)
    assert late.status_code == 404 and "Set-Cookie" not in late.headers
    assert b"Ask for a new link" in late.body


def test_a_link_of_an_organiser_revoked_since_signs_no_one_in(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    from chalicelib.core import auth

    ask_for_link(client)
    pump.drain()
    [path] = sign_in_links(outbox)
    auth.revoke(ORGANISER)

    assert press_sign_in(client, path).status_code == 404


def test_asking_for_links_is_limited_per_client(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalice.local import LambdaEventConverter

    from chalicelib.core import settings

    # Given limits of 3 requests per client
    monkeypatch.setenv("CLUBFLOW_RATE_LIMITS", "3/600")
    settings.reset()
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "198.51.100.9")

    # When one client asks five times for five addresses
    answers = [ask_for_link(client, f"someone{n}@example.com") for n in range(5)]

    # Then it is refused after three, with Retry-After, on the site's error page
    assert [a.status_code for a in answers] == [202, 202, 202, 429, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0 and b"Too many requests" in answers[-1].body

    # And another client still may ask
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "203.0.113.4")
    assert ask_for_link(client, ORGANISER).status_code == 202
    settings.reset()


def test_one_address_gets_at_most_five_links_an_hour(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    answers = [ask_for_link(client, ORGANISER) for _ in range(7)]
    pump.drain()

    assert {a.status_code for a in answers} == {202}
    assert len(outbox.messages_to(ORGANISER)) == 5


def test_a_console_page_sends_a_visitor_without_a_session_to_sign_in(client: Any, organiser_key: str) -> None:
    # Given no cookie, a made-up one, and a well-formed one that names no session
    for cookie in ("", "clubflow_console=nonsense", "clubflow_console=" + "a" * 43, "clubflow_console=\"x"):
        home = client.http.get("/console", headers={"Cookie": cookie, "Accept": "text/html"})
        # Then the console shows its sign-in form, and no CSRF token
        assert home.status_code == 200 and b'name="email"' in home.body and b"csrf_token" not in home.body


def test_a_console_form_without_its_csrf_token_is_refused(client: Any, organiser_key: str) -> None:
    # Given a signed-in organiser
    console = session(client)

    # When a form is posted without the token, with another session's, or with none at all
    other = session(client)
    without = console.post("/console/sign-out", csrf=False)
    foreign = console.post("/console/sign-out", {"csrf_token": other.csrf_token}, csrf=False)
    anonymous = client.http.post("/console/sign-out", body="csrf_token=" + console.csrf_token, headers=FORM)

    # Then each is refused with the 403 page, and nothing changed: the session still works
    for refused in (without, foreign, anonymous):
        assert refused.status_code == 403, refused.body
        assert refused.headers["Content-Type"].startswith("text/html") and b"Back to the console" in refused.body
    assert b"Dashboard" in console.get("/console").body


def test_sign_out_ends_the_session(client: Any, organiser_key: str) -> None:
    console = session(client)

    out = console.post("/console/sign-out")

    assert out.status_code == 303 and out.headers["Location"].endswith("/console")
    assert "Max-Age=0" in out.headers["Set-Cookie"]
    # The old cookie, replayed, signs no one in
    home = console.get("/console")
    assert b'name="email"' in home.body and b"Dashboard" not in home.body
    assert console.post("/console/sign-out").status_code == 403


def test_a_revoked_organiser_s_session_stops_working(client: Any, organiser_key: str) -> None:
    from chalicelib.core import auth

    # Given a signed-in organiser
    console = session(client)
    assert b"Dashboard" in console.get("/console").body

    # When their key is revoked
    auth.revoke(ORGANISER)

    # Then their next request finds no session, and their forms are refused
    assert b'name="email"' in console.get("/console").body
    assert console.post("/console/sign-out").status_code == 403
    # And a key added again later does not bring the old session back
    auth.add_organiser(ORGANISER)
    assert b'name="email"' in console.get("/console").body


def test_a_session_lasts_12_hours(client: Any, organiser_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    console = session(client)
    _later(monkeypatch, hours=11, minutes=59)
    assert b"Dashboard" in console.get("/console").body
    _later(monkeypatch, hours=12, minutes=1)
    assert b'name="email"' in console.get("/console").body


def test_the_sign_in_path_through_the_pump_in_full(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    console = signed_in(client, pump, outbox)
    assert console.csrf_token and b"organiser@example.com" in console.get("/console").body


def test_a_failed_sign_in_email_is_sent_on_its_retry(
        client: Any, organiser_key: str, aws_calls: Any, pump: Any, outbox: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.console.worker import send_sign_in_links
    from clubflow.dev.pump import LocalContext

    # Given a request for a link, whose email fails once
    assert ask_for_link(client).status_code == 202
    pump.relay_outbox()
    batch = delivery_of(aws_calls, "SignInRequested", "sqs_sign_in_requested.json")
    ran = first_send_fails(monkeypatch)

    def consume(event: dict[str, Any]) -> Any:
        return send_sign_in_links(event, LocalContext("send_sign_in_links"))

    # When it is delivered, fails, and is delivered twice more
    first, second, third = (deliver(consume, batch) for _ in range(3))

    # Then the retry sends the one link, and the redelivery nothing more
    assert first == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}
    assert second == third == {"batchItemFailures": []}
    assert ran == ["send_sign_in_link", "send_sign_in_link"]
    assert len(sign_in_links(outbox)) == 1
