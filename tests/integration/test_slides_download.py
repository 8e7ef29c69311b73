"""Following an emailed slide link: opening it shows a page with a Download button and uses
nothing (mail scanners open every link); each press of the button is one use, logged and
answered with a short-lived download; used-up, expired, forged and removed links all get the
same 404 page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.conftest import sample_event
from tests.integration.slides_steps import (
    PDF,
    ask_for_slides,
    create_event,
    links_in,
    organiser,
    path_of,
    press_download,
    query,
    register,
    slide_emails,
    upload,
)

FILENAME = "Communities of Practice \N{EN DASH} Café.pdf"


@pytest.fixture
def link(client: Any, organiser_key: str, pump: Any, outbox: Any) -> str:
    """The download link Ada, a registered attendee, was emailed for the event's one file."""
    event_id = create_event(client, organiser_key)
    upload(client, organiser_key, event_id, FILENAME)
    register(client, event_id, "ada@example.com")
    ask_for_slides(client, event_id, "ada@example.com")
    pump.drain()
    [message] = slide_emails(outbox, "ada@example.com")
    [found] = links_in(message)
    return found


def open_link(client: Any, link: str) -> Any:
    return client.http.get(path_of(link), headers={"Accept": "text/html"})


def follow(client: Any, link: str) -> Any:
    """A person opening the link and pressing Download (a dead link's page has no button)."""
    page = open_link(client, link)
    if page.status_code != 200:
        return page
    return press_download(client, link)


def uses_counted(client: Any, key: str, link: str) -> int:
    listing = client.http.get(f"/admin/events/{query(link)['event']}/slides", headers=organiser(key))
    return int(listing.json_body["files"][0]["downloads"])


def test_link_redirects_to_a_five_minute_download_with_the_original_name(
    client: Any, link: str
) -> None:
    response = follow(client, link)

    assert response.status_code == 303
    location = response.headers["Location"]
    params = query(location)
    assert params["X-Amz-Expires"] == "300"
    assert params["response-content-disposition"] == (
        "attachment; filename=\"Communities of Practice _ Cafe.pdf\"; "
        "filename*=UTF-8''Communities%20of%20Practice%20%E2%80%93%20Caf%C3%A9.pdf"
    )
    assert params["response-content-type"] == "application/pdf"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"

    # And the presigned URL serves the exact bytes as an attachment
    download = requests.get(location, timeout=10)
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_each_download_is_logged_for_the_organisers(
    client: Any, organiser_key: str, link: str
) -> None:
    follow(client, link)
    follow(client, link)
    event_id = query(link)["event"]

    listing = client.http.get(f"/admin/events/{event_id}/slides", headers=organiser(organiser_key))

    [file] = listing.json_body["files"]
    assert file["downloads"] == 2
    assert file["downloaded_by"] == ["ada@example.com"]
    assert [d["email"] for d in listing.json_body["downloads"]] == ["ada@example.com"] * 2
    assert all(d["filename"] == FILENAME and d["at"] for d in listing.json_body["downloads"])
    assert listing.json_body["totals"] == {"downloads": 2, "people": 1}


def test_opening_the_link_shows_a_download_button_and_uses_nothing(
    client: Any, organiser_key: str, link: str
) -> None:
    # When a mail scanner opens the link twice, then the person presses Download once
    first, second = open_link(client, link), open_link(client, link)
    pressed = press_download(client, link)

    # Then the scanner saw the page with its button, and only the press counted
    assert first.status_code == second.status_code == 200
    page = first.body.decode()
    assert '<html lang="en">' in page and "<h1>" in page
    assert f'<form method="post" action="http://testserver{path_of(link)}' in page
    assert '<button type="submit"' in page and ">Download</button>" in page
    assert "works for 5 more downloads" in page
    assert first.headers["Cache-Control"] == "no-store"
    assert first.headers["Referrer-Policy"] == "no-referrer"
    # The button's redirect goes to S3, so the page's form-action must allow S3's origin
    assert "form-action 'self' http" in first.headers["Content-Security-Policy"]
    assert pressed.status_code == 303
    assert uses_counted(client, organiser_key, link) == 1
    assert "works for 4 more downloads" in open_link(client, link).body.decode()


def test_head_changes_nothing(client: Any, organiser_key: str, link: str) -> None:
    for _ in range(6):
        response = client.http.request("HEAD", path_of(link), headers={"Accept": "text/html"})
        assert response.status_code not in (200, 302, 303)

    assert uses_counted(client, organiser_key, link) == 0
    assert press_download(client, link).status_code == 303


def test_a_five_use_link_gives_exactly_five_downloads_then_the_404_page(
    client: Any, organiser_key: str, link: str
) -> None:
    answers = [press_download(client, link).status_code for _ in range(5)]

    assert answers == [303] * 5
    assert uses_counted(client, organiser_key, link) == 5
    assert press_download(client, link).status_code == 404
    assert open_link(client, link).status_code == 404
    assert uses_counted(client, organiser_key, link) == 5


def test_the_sixth_use_gets_the_not_found_page_offering_a_new_link(client: Any, link: str) -> None:
    for _ in range(5):
        assert follow(client, link).status_code == 303

    sixth = follow(client, link)

    assert sixth.status_code == 404
    assert b"This download link is not valid" in sixth.body
    event_id = query(link)["event"]
    assert f'action="http://testserver/events/{event_id}/slides/requests"'.encode() in sixth.body
    assert sixth.headers["Referrer-Policy"] == "no-referrer"


def test_an_expired_link_gets_the_same_page(client: Any, link: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import clock

    eight_days_on = clock.now() + timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: eight_days_on)

    expired = follow(client, link)

    assert expired.status_code == 404
    assert b"This download link is not valid" in expired.body


def test_forged_and_unknown_links_get_the_same_page(client: Any, link: str) -> None:
    used_up = link
    for _ in range(6):
        last = follow(client, used_up)
    event = query(link)["event"]
    forged = follow(client, f"/s/{'A' * 43}?event={event}")
    garbage = follow(client, f"/s/not-a-token!?event={event}")

    assert last.status_code == forged.status_code == garbage.status_code == 404
    assert last.body == forged.body == garbage.body

    # Without a known event the page points to the events list instead of a form
    bare = client.http.get(f"/s/{'B' * 43}")
    assert bare.status_code == 404
    assert b"Find your event" in bare.body and b"<form" not in bare.body


def test_a_removed_file_can_no_longer_be_downloaded(client: Any, organiser_key: str,
                                                    link: str) -> None:
    event_id = query(link)["event"]
    listing = client.http.get(f"/admin/events/{event_id}/slides", headers=organiser(organiser_key))
    file_id = listing.json_body["files"][0]["file_id"]
    client.http.delete(f"/admin/events/{event_id}/slides/{file_id}",
                       headers=organiser(organiser_key))

    assert follow(client, link).status_code == 404


def test_json_clients_get_a_json_404(client: Any) -> None:
    response = client.http.get(f"/s/{'C' * 43}", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert "token" in response.json_body["errors"]
    pressed = client.http.post(f"/s/{'C' * 43}", headers={"Accept": "application/json"}, body="")
    assert pressed.status_code == 404 and "token" in pressed.json_body["errors"]


def test_json_clients_see_what_the_link_offers_without_using_it(
    client: Any, organiser_key: str, link: str
) -> None:
    response = client.http.get(path_of(link), headers={"Accept": "application/json"})

    assert response.status_code == 200
    assert response.json_body["filename"] == FILENAME
    assert response.json_body["uses_left"] == 5
    assert uses_counted(client, organiser_key, link) == 0


def test_an_oversized_press_is_refused_and_uses_nothing(
    client: Any, organiser_key: str, link: str
) -> None:
    response = client.http.post(path_of(link), headers={
        "Content-Type": "application/x-www-form-urlencoded"}, body="x=" + "a" * (65 * 1024))

    assert response.status_code == 413
    assert uses_counted(client, organiser_key, link) == 0


def test_api_gateway_link_event_gets_the_not_found_page_for_its_event(
    client: Any, organiser_key: str
) -> None:
    # Given the sample API Gateway event for a link click, naming this test's event
    from app import app
    from clubflow.dev.pump import LocalContext

    event_id = create_event(client, organiser_key)
    request = sample_event("api_gateway_get_slide_link.json")
    request["queryStringParameters"]["event"] = event_id
    request["multiValueQueryStringParameters"]["event"] = [event_id]

    # When Lambda hands it to the app (its token was never issued)
    response = app(request, LocalContext("APIHandler"))

    # Then it is the one not-found page, offering a new link for that event
    assert response["statusCode"] == 404
    assert "This download link is not valid" in response["body"]
    assert f"/events/{event_id}/slides/requests" in response["body"]
    assert response["headers"]["Cache-Control"] == "no-store"
