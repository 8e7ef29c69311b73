"""The report's parts from the event's own data: thanks to the host, the speakers, the
organisations in attendance (never a person's name), previous hosts, what's next; each shown or
hidden by the organisers, and the organisations editable before sending."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.integration.reports_steps import create_event, organiser, register, reports_to, start_run

SPEAKERS = [{"name": "Amy Jackson", "organisation": "Close Brothers", "role": "Head of Change"},
            {"name": "Jo Stanford", "organisation": "HPCA"}, {"name": "Ian Cribbes"}]


def put_report(client: Any, key: str, event_id: str, **settings: Any) -> Any:
    return client.http.put(f"/admin/events/{event_id}/report", headers=organiser(key),
                           body=json.dumps({"sections": [], **settings}))


def sent_to_ada(client: Any, key: str, event_id: str, pump: Any, outbox: Any) -> dict[str, Any]:
    assert start_run(client, key, event_id).status_code == 202
    pump.drain()
    [report] = reports_to(outbox, "ada@example.com")
    return report


@pytest.fixture
def event_48(client: Any, organiser_key: str, pump: Any) -> str:
    # Two earlier events, hosted by Ofgem and HPCA, and a later one that is not "previous"
    for number, host, day in ((46, "Ofgem", "2029-09-12"), (47, "HPCA", "2029-12-05"), (49, "Aviva", "2030-06-01")):
        create_event(client, organiser_key, number=number, host=host,
                     starts_at=f"{day}T10:00:00+00:00", ends_at=f"{day}T16:00:00+00:00")
    event_id = create_event(client, organiser_key, speakers=SPEAKERS)
    for email, organisation in (("ada@example.com", "Analytical Engines Ltd"), ("grace@example.org", "Ofgem"),
                                ("alan@example.net", "ofgem "), ("kath@example.com", "NASA")):
        assert register(client, event_id, email, organisation=organisation, name="Secret Name").status_code == 202
    pump.drain()
    return event_id


def test_the_report_thanks_the_host_and_lists_speakers_organisations_and_previous_hosts(
    client: Any, organiser_key: str, event_48: str, pump: Any, outbox: Any
) -> None:
    report = sent_to_ada(client, organiser_key, event_48, pump, outbox)

    for part in ("html", "text"):
        body = report[part]
        assert "Thank you, Close Brothers" in body
        assert "Amy Jackson" in body and "Head of Change" in body and "Ian Cribbes" in body
        # Each organisation once, whatever its spelling; nobody's name
        assert "Organisations in attendance" in body
        assert body.count("Ofgem") == 2  # once attending, once a previous host
        assert "Analytical Engines Ltd" in body and "NASA" in body and "Secret Name" not in body
        assert "Previous hosts" in body and "Aviva" not in body
        hosts = body[body.index("Previous hosts"):]
        assert hosts.index("HPCA") < hosts.index("Ofgem")  # most recent first
        assert "/nominations/host" in body and "/topics" in body


def test_organisations_come_from_those_marked_attended_once_anyone_is(
    client: Any, organiser_key: str, event_48: str
) -> None:
    response = client.http.post(f"/admin/events/{event_48}/attendance", headers=organiser(organiser_key),
                                body=json.dumps({"emails": ["kath@example.com", "alan@example.net"]}))
    assert response.status_code == 200, response.body

    shown = client.http.get(f"/admin/events/{event_48}/report", headers=organiser(organiser_key)).json_body

    assert shown["organisations"] == ["NASA", "ofgem"]  # Alan's spelling: Grace was not marked
    assert shown["organisations_edited"] is False


def test_organisers_edit_the_organisations_and_hide_parts_before_sending(
    client: Any, organiser_key: str, event_48: str, pump: Any, outbox: Any
) -> None:
    # Given the organisers list two organisations and hide the speakers, previous hosts and the vote
    saved = put_report(client, organiser_key, event_48, organisations=["Ofgem", "NASA"],
                       show={"speakers": False, "previous_hosts": False, "vote": False})
    assert saved.status_code == 200, saved.body
    assert saved.json_body["organisations"] == ["Ofgem", "NASA"] and saved.json_body["organisations_edited"]
    # And a later save of the sections alone keeps those choices
    assert put_report(client, organiser_key, event_48).json_body["show"]["speakers"] is False

    report = sent_to_ada(client, organiser_key, event_48, pump, outbox)

    for part in ("html", "text"):
        body = report[part]
        assert "Ofgem" in body and "NASA" in body and "Analytical Engines" not in body
        assert "Amy Jackson" not in body and "Previous hosts" not in body and "/topics" not in body
        assert "Thank you, Close Brothers" in body and "/nominations/host" in body


def test_null_organisations_go_back_to_the_registrations(client: Any, organiser_key: str, event_48: str) -> None:
    put_report(client, organiser_key, event_48, organisations=["Somebody Else"])

    shown = put_report(client, organiser_key, event_48, organisations=None).json_body

    assert shown["organisations"] == ["Analytical Engines Ltd", "NASA", "Ofgem"]
    assert shown["organisations_edited"] is False


@pytest.mark.parametrize(("settings", "field"), [
    ({"show": {"weather": True}}, "show.weather"),
    ({"show": {"vote": "no"}}, "show.vote"),
    ({"show": ["vote"]}, "show"),
    ({"organisations": "Ofgem"}, "organisations"),
    ({"organisations": ["Ofgem", ""]}, "organisations[1]"),
    ({"organisations": ["x" * 151]}, "organisations[0]"),
])
def test_bad_report_settings_name_the_field_and_change_nothing(
    client: Any, organiser_key: str, event_48: str, settings: dict[str, Any], field: str
) -> None:
    response = put_report(client, organiser_key, event_48, **settings)

    assert response.status_code == 400
    assert set(response.json_body["errors"]) == {field}
    shown = client.http.get(f"/admin/events/{event_48}/report", headers=organiser(organiser_key)).json_body
    assert shown["show"]["vote"] is True and shown["organisations_edited"] is False  # nothing was written
    assert "updated_at" not in shown or shown["updated_at"] is None


@pytest.mark.parametrize(("speakers", "field"), [
    ("Amy Jackson", "speakers"),
    ([{"organisation": "HPCA"}], "speakers[0].name"),
    ([{"name": "Amy"}, {"name": "Jo", "email": "jo@example.com"}], "speakers[1].email"),
    ([{"name": "Amy", "role": 3}], "speakers[0].role"),
    (["Amy"], "speakers[0]"),
    ([{"name": "Amy"}] * 31, "speakers"),
])
def test_bad_speakers_name_the_field(client: Any, organiser_key: str, speakers: Any, field: str) -> None:
    from tests.integration.event_steps import NEW_EVENT

    response = client.http.post("/admin/events", headers=organiser(organiser_key),
                                body=json.dumps({**NEW_EVENT, "speakers": speakers}))

    assert response.status_code == 400, response.body
    assert set(response.json_body["errors"]) == {field}


def test_speakers_are_changed_and_cleared_with_patch(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)

    changed = client.http.patch(f"/admin/events/{event_id}", headers=organiser(organiser_key),
                                body=json.dumps({"speakers": [{"name": " Amy\nJackson ", "role": "Chair"}]}))
    cleared = client.http.patch(f"/admin/events/{event_id}", headers=organiser(organiser_key),
                                body=json.dumps({"speakers": []}))

    assert changed.status_code == 200, changed.body
    assert changed.json_body["speakers"] == [{"name": "Amy Jackson", "role": "Chair"}]
    assert cleared.json_body["speakers"] == []


def test_the_contract_names_every_part() -> None:
    from chalicelib.reports import event_parts
    from clubflow import contract

    assert contract.REPORT_PARTS == event_parts.PARTS


def test_each_copy_carries_personal_vote_links_that_count_once_and_only_on_the_button(
    client: Any, organiser_key: str, event_48: str, pump: Any, outbox: Any
) -> None:
    from tests.integration.test_topics import LINK, listed_topic, look_at_link, press_confirm, topics

    # Given two listed topics
    data = listed_topic(client, pump, outbox, "Data in communities", "suggester@example.com")
    listed_topic(client, pump, outbox, "Measuring value", "suggester2@example.com")

    # When the report is sent
    report = sent_to_ada(client, organiser_key, event_48, pump, outbox)
    [grace_report] = reports_to(outbox, "grace@example.org")

    # Then Ada's copy has a vote link per topic, in both parts, not Grace's
    links = list(dict.fromkeys(LINK.findall(report["text"])))
    assert len(links) == 2 and all(link in report["html"] for link in links)
    assert not set(links) & set(LINK.findall(grace_report["text"]))
    assert 'Vote for "Data in communities"' in report["text"]
    [data_url] = re.findall(r'Vote for "Data in communities": (\S+)', report["text"])
    data_link = "/v/" + data_url.rsplit("/v/", 1)[1]
    web = client.http.get(f"/reports/{event_48}").body.decode()
    assert "/v/" not in web  # the web version carries nobody's links
    # And opening a link (as a mail scanner does) counts nothing; the button counts once
    assert look_at_link(client, data_link).status_code == 200
    assert look_at_link(client, data_link).status_code == 200
    assert {t["title"]: t["votes"] for t in topics(client)}["Data in communities"] == 0
    assert press_confirm(client, data_link).status_code == 200
    assert press_confirm(client, data_link).status_code == 404
    assert {t["topic_id"]: t["votes"] for t in topics(client)}[data] == 1


def test_a_hidden_vote_carries_no_links(client: Any, organiser_key: str, event_48: str, pump: Any,
                                        outbox: Any) -> None:
    from tests.integration.test_topics import LINK, listed_topic

    listed_topic(client, pump, outbox, "Data in communities", "suggester@example.com")
    put_report(client, organiser_key, event_48, show={"vote": False})

    report = sent_to_ada(client, organiser_key, event_48, pump, outbox)

    assert LINK.findall(report["text"]) == [] and "Vote for" not in report["html"]


def test_the_archive_lists_published_reports_newest_first_and_event_pages_link_theirs(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given three events: 47 and 48 with sent reports, 46 with a dry run only
    ids = {}
    for number, day in ((46, "2029-09-12"), (47, "2029-12-05"), (48, "2030-03-09")):
        ids[number] = create_event(client, organiser_key, number=number, title=f"Practice {number}",
                                   starts_at=f"{day}T10:00:00+00:00", ends_at=f"{day}T16:00:00+00:00")
        assert register(client, ids[number], f"p{number}@example.com").status_code == 202
    pump.drain()
    for number in (48, 47):
        assert start_run(client, organiser_key, ids[number]).status_code == 202
    assert start_run(client, organiser_key, ids[46], dry_run=True).status_code == 202
    pump.drain()

    archive = client.http.get("/reports", headers={"Accept": "application/json"}).json_body["reports"]
    page = client.http.get("/reports", headers={"Accept": "text/html"}).body.decode()

    assert [report["event_id"] for report in archive] == [ids[48], ids[47]]
    assert page.index(f"/reports/{ids[48]}") < page.index(f"/reports/{ids[47]}") and ids[46] not in page
    for number, linked in ((48, True), (47, True), (46, False)):
        event_page = client.http.get(f"/events/{ids[number]}", headers={"Accept": "text/html"}).body.decode()
        assert (f"/reports/{ids[number]}" in event_page) is linked


def test_an_empty_archive_says_so(client: Any) -> None:
    page = client.http.get("/reports", headers={"Accept": "text/html"})

    assert page.status_code == 200 and "No summary report has been published yet." in page.body.decode()
