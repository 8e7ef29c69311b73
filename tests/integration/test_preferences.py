"""Consent per purpose, managed by the person: every email carries a personal link to their
choices (summary reports, news of future events, or nothing); RFC 8058's one-click POST refuses
the purpose of the email it came in; only the person's own refusal can be lifted, by them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlparse

from tests.integration.registration_steps import create_event, register
from tests.integration.reports_steps import SECTIONS, registered, reports_to, save_sections, start_run, unsubscribe_path
from tests.integration.subscriptions_steps import subscribed

JSON = {"Accept": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
PREFERENCES = re.compile(r"Choose which emails you get, or none: (https?://\S+/u/[A-Za-z0-9_-]{20,100})")


def preferences_path(message: dict[str, Any]) -> str:
    match = PREFERENCES.search(message["text"])
    assert match, message["text"][-400:]
    return urlparse(match.group(1)).path


def choose(client: Any, path: str, **fields: str) -> Any:
    return client.http.post(path, headers=FORM, body=urlencode(fields))


def test_every_email_links_the_persons_choices_and_looking_changes_nothing(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com", consent_updates=True)
    pump.drain()
    [confirmation] = outbox.messages_to("ada@example.com")
    path = preferences_path(confirmation)
    assert path in confirmation["html"]

    page = client.http.get(path, headers=JSON)

    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert page.json_body == {"email": "ada@example.com", "purpose": "choices", "reports": True, "news": True}
    html = client.http.get(path, headers={"Accept": "text/html"}).body.decode()
    assert "Save my choices" in html and "Unsubscribe from all" in html
    assert client.http.get(path, headers=JSON).json_body["news"] is True


def test_one_click_on_a_report_refuses_reports_only(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    from chalicelib.reports import suppression
    from chalicelib.subscriptions import service

    event_id = create_event(client, organiser_key)
    registered(client, event_id, pump, {"ada@example.com": True})
    service.join("ada@example.com", source="test")
    save_sections(client, organiser_key, event_id, SECTIONS)
    start_run(client, organiser_key, event_id)
    pump.drain()
    path = unsubscribe_path(reports_to(outbox, "ada@example.com")[0])

    done = client.http.post(path, headers=FORM, body="List-Unsubscribe=One-Click")

    assert done.json_body == {"status": "unsubscribed", "email": "ada@example.com", "purpose": "reports",
                              "reports": False, "news": True}
    assert suppression.is_suppressed("ada@example.com")
    assert service.is_listed(service.subscriber("ada@example.com"))


def test_the_person_changes_each_purpose_and_can_change_back(
    client: Any, pump: Any, outbox: Any
) -> None:
    from chalicelib.preferences import service as preferences
    from chalicelib.reports import suppression

    subscribed(client, pump, outbox, "grace@example.org")
    path = urlparse(preferences.link("grace@example.org", preferences.NEWS)).path

    # No news, reports still
    saved = choose(client, path, choice="save", reports="true")
    assert (saved.json_body["reports"], saved.json_body["news"]) == (True, False)
    assert client.http.get(path, headers=JSON).json_body["news"] is False
    # Nothing at all
    none = choose(client, path, choice="none")
    assert (none.json_body["reports"], none.json_body["news"]) == (False, False)
    assert suppression.suppressed_because("grace@example.org") == "unsubscribed"
    # Both again: the person's own refusals are lifted
    both = choose(client, path, choice="save", reports="true", news="true")
    assert (both.json_body["reports"], both.json_body["news"]) == (True, True)
    assert not suppression.is_suppressed("grace@example.org")


def test_a_bounce_is_never_lifted_from_the_page(client: Any) -> None:
    from chalicelib.preferences import service as preferences
    from chalicelib.reports import suppression

    suppression.suppress("bo@example.com", suppression.BOUNCED)
    path = urlparse(preferences.link("bo@example.com")).path

    answer = choose(client, path, choice="save", reports="true", news="true")

    assert answer.json_body["reports"] is False
    assert suppression.suppressed_because("bo@example.com") == "bounced"


def test_one_click_on_news_leaves_the_list_and_a_redelivered_registration_does_not_rejoin(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    from chalicelib.preferences import service as preferences
    from chalicelib.registration import service as registrations
    from chalicelib.subscriptions import service

    event_id = create_event(client, organiser_key)
    register(client, event_id, "cy@example.com", consent_updates=True)
    pump.drain()
    assert service.is_listed(service.subscriber("cy@example.com"))
    path = urlparse(preferences.link("cy@example.com", preferences.NEWS)).path

    assert client.http.post(path, headers=FORM, body="List-Unsubscribe=One-Click").json_body["news"] is False

    # The registration's consent predates the refusal: seeing it again changes nothing
    record = registrations.get_registration(event_id, "cy@example.com")
    assert record is not None
    assert service.join_from_registration(record, event_id) is False
    assert not service.is_listed(service.subscriber("cy@example.com"))
    # A new consent, by the emailed link's button, does rejoin
    subscribed(client, pump, outbox, "cy@example.com")
    assert service.is_listed(service.subscriber("cy@example.com"))


def test_an_unknown_link_is_not_found(client: Any) -> None:
    path = "/u/" + "y" * 43
    assert client.http.get(path, headers=JSON).status_code == 404
    assert choose(client, path, choice="none").status_code == 404
