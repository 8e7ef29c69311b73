"""The seed's report rebuilt from the event's own data: Markdown sections with nested lists and a
quote, the three polls as charts in the email's HTML and text and on the web, and polls answered
by too few people withheld."""

from __future__ import annotations

import json
import re
from typing import Any

from tests import seed_report
from tests.integration.polls_steps import answer, invitations, invite, link_path, seed_polls
from tests.integration.reports_steps import (
    create_event,
    organiser,
    register,
    reports_to,
    save_sections,
    start_run,
)

READER = "attendee-0@example.com"
NESTED = re.compile(r"<ol[^>]*>.*?<ul[^>]*>.*?<ul[^>]*>.*?investment in development.*?</ul>\s*</li>.*?</ul>.*?</ol>",
                    re.DOTALL)


def answered_by(client: Any, key: str, event_id: str, pump: Any, outbox: Any,
                answers: list[tuple[Any, ...]], poll_ids: list[str]) -> None:
    """Register one attendee per row of answers, invite them, and answer through their links."""
    emails = [f"attendee-{number}@example.com" for number in range(len(answers))]
    for email in emails:
        assert register(client, event_id, email, consent_report=True).status_code == 202
    pump.drain()
    assert invite(client, key, event_id).status_code == 202
    pump.drain()
    for email, row in zip(emails, answers, strict=True):
        [message] = invitations(outbox, email)
        chosen = {poll_id: value for poll_id, value in zip(poll_ids, row, strict=True) if value is not None}
        response = answer(client, link_path(message), chosen)
        assert response.status_code == 200, response.body


def sent_report(client: Any, key: str, event_id: str, pump: Any, outbox: Any) -> dict[str, Any]:
    assert start_run(client, key, event_id).status_code == 202
    pump.drain()
    [report] = reports_to(outbox, READER)
    return report


def test_the_seed_report_is_rebuilt_with_its_lists_quote_and_charts(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given Event 48 with the seed's sections and its three polls answered by eleven attendees
    event_id = create_event(client, organiser_key)
    assert save_sections(client, organiser_key, event_id, seed_report.SECTIONS).status_code == 200
    poll_ids = seed_polls(client, organiser_key, event_id)
    answered_by(client, organiser_key, event_id, pump, outbox, seed_report.ANSWERS, poll_ids)

    # When the report is sent
    report = sent_report(client, organiser_key, event_id, pump, outbox)
    html, text = report["html"], report["text"]
    web = client.http.get(f"/reports/{event_id}", headers={"Accept": "text/html"}).body.decode()

    for body in (html, web):
        # Then the workshop's bullets sit inside their numbered items, sub-bullets inside bullets
        assert NESTED.search(body), body
        assert '<ol style="margin:4px 0;' in body  # the numbered list of events inside a bullet
        assert "<blockquote" in body and "and not on top-down imposition</p>\n</blockquote>" in body
        assert "<strong>bold" not in body and "<strong>events</strong>" in body
        assert 'href="https://en.wikipedia.org/wiki/Community_of_practice"' in body
        # And each poll is a chart: a bar whose width is its share, and the numbers as text
        assert "64% rated 6 or lower." in body
        assert "11 people answered." in body
        assert "64% chose Communities of Practice." in body
        assert re.search(r'<td width="48%" bgcolor="#b0672f"[^>]*>&nbsp;</td>\s*<td[^>]*>64%', body)  # 7 of 11
        assert re.search(r'<td width="27%" bgcolor="#b0672f"[^>]*>&nbsp;</td>\s*<td[^>]*>36%', body)  # 4 of 11
        assert "Medium levels of adjustment" in body
    # And the plain text keeps the shape without Markdown's markers
    assert "2. Ownership\n\n   - Executive role, which should hold ultimate responsibility\n" in text
    assert "   - Sponsorship should provide:\n     - investment in development, and\n" in text
    assert "     1. Virtual book club\n" in text
    assert "> depended on facilitation and the provision of space to grow and not on top-down imposition" in text
    assert "**" not in text and "#" not in text
    assert "Communities of Practice\n  \N{FULL BLOCK}" in text
    assert "64% (7)" in text and "36% (4)" in text
    assert "64% rated 6 or lower." in text
    assert re.search(r"^ 6  \N{FULL BLOCK}{4}\N{LIGHT SHADE}{16}  18% \(2\)$", text, re.MULTILINE), text


def test_a_poll_answered_by_fewer_than_five_is_not_published(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given the seed's polls: the first answered by four people, the rating by five
    event_id = create_event(client, organiser_key)
    poll_ids = seed_polls(client, organiser_key, event_id)
    rows = [("Profession", None, 6)] * 4 + [(None, None, 7)]
    answered_by(client, organiser_key, event_id, pump, outbox, rows, poll_ids)

    # When the report is sent
    report = sent_report(client, organiser_key, event_id, pump, outbox)
    web = client.http.get(f"/reports/{event_id}", headers={"Accept": "text/html"}).body.decode()

    # Then the four answers are not published anywhere; the five ratings are
    for body in (report["html"], report["text"], web):
        first = body[body.index("What type of entity"):body.index("On a scale of 1 to 10")]
        assert "Not published: fewer than 5 answers." in first
        assert "Profession" not in first and "%" not in first and "4 people" not in first
        assert "80% rated 6 or lower." in body
    # And organisers still see the counts themselves
    results = client.http.get(f"/admin/polls/{poll_ids[0]}/results", headers=organiser(organiser_key)).json_body
    assert results["total"] == 4


def test_an_organiser_can_ask_for_more_answers_before_a_poll_is_published(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given five ratings and a report that publishes polls from six answers
    event_id = create_event(client, organiser_key)
    poll_ids = seed_polls(client, organiser_key, event_id)
    response = client.http.put(f"/admin/events/{event_id}/report", headers=organiser(organiser_key),
                               body=json.dumps({"sections": [], "min_answers": 6}))
    assert response.status_code == 200, response.body
    assert response.json_body["min_answers"] == 6
    answered_by(client, organiser_key, event_id, pump, outbox, [(None, None, 7)] * 5, poll_ids)

    # When the report is sent, then the rating is withheld
    report = sent_report(client, organiser_key, event_id, pump, outbox)
    assert "Not published: fewer than 6 answers." in report["text"]
    assert "rated" not in report["text"]


def test_the_minimum_of_answers_is_five_or_more(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    for wrong in (4, 0, "5", 1.5, True, 1001):
        response = client.http.put(f"/admin/events/{event_id}/report", headers=organiser(organiser_key),
                                   body=json.dumps({"sections": [], "min_answers": wrong}))

        assert response.status_code == 400, wrong
        assert set(response.json_body["errors"]) == {"min_answers"}
