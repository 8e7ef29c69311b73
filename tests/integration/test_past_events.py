"""/events keeps what is to come; /events/past lists what has been, with hosts and reports."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core import clock
from tests.integration.registration_steps import create_event
from tests.integration.reports_steps import SECTIONS, registered, save_sections, start_run

HTML = {"Accept": "text/html"}


def test_past_events_show_their_hosts_and_published_reports(
        client: Any, organiser_key: str, pump: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given Event 47 hosted by Ofgem, with its report sent, and Event 48 by Close Brothers
    # without one, both over by now, and Event 49 still to come
    e47 = create_event(client, organiser_key, number=47, host="Ofgem",
                       starts_at="2030-02-09T10:00:00+00:00", ends_at="2030-02-09T16:00:00+00:00")
    e48 = create_event(client, organiser_key, number=48, host="Close Brothers",
                       starts_at="2030-03-09T10:00:00+00:00", ends_at="2030-03-09T16:00:00+00:00")
    e49 = create_event(client, organiser_key, number=49, host="Lloyds",
                       starts_at="2030-05-09T10:00:00+00:00", ends_at="2030-05-09T16:00:00+00:00")
    save_sections(client, organiser_key, e47, SECTIONS)
    registered(client, e47, pump, {"ada@example.com": True})
    start_run(client, organiser_key, e47)
    pump.drain()
    monkeypatch.setattr(clock, "now", lambda: clock.parse("2030-04-01T00:00:00+00:00"))

    # When a visitor looks at past and upcoming events
    past = client.http.get("/events/past", headers=HTML).body.decode()
    past_json = client.http.get("/events/past", headers={"Accept": "application/json"}).json_body
    upcoming = client.http.get("/events", headers={"Accept": "application/json"}).json_body

    # Then past events come latest first with their hosts; only Event 47 links to its report
    assert past.index("Event 48") < past.index("Event 47") and "Event 49" not in past
    assert "Hosted by Ofgem" in past and "Hosted by Close Brothers" in past
    assert f'href="http://testserver/reports/{e47}"' in past
    assert f"/reports/{e48}" not in past
    assert [(e["event_id"], e["report_url"]) for e in past_json] == [(e48, None), (e47, f"/reports/{e47}")]
    # And upcoming keeps only what is to come, and links to the past
    assert [e["event_id"] for e in upcoming] == [e49]
    assert 'href="http://testserver/events/past"' in client.http.get("/events", headers=HTML).body.decode()


def test_no_past_events_yet(client: Any) -> None:
    page = client.http.get("/events/past", headers=HTML)
    assert page.status_code == 200 and "No events have taken place yet." in page.body.decode()
