"""The report's text, without AWS: safe Markdown for the sections, poll results as percentages."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core import render
from chalicelib.polls import results
from chalicelib.reports import markdown

RATING = {"kind": "rating", "scale": {"min": 1, "max": 10},
          "question": "How would you rate your organisation's approach?"}
SEED_RATINGS = {"3": 1, "4": 2, "5": 2, "6": 2, "7": 2, "8": 2}
EVENT = {"event_id": "communities-of-practice-4f2a9c", "title": "Communities of Practice", "number": 48,
         "starts_at": "2030-03-09T10:00:00+00:00", "timezone": "Europe/London",
         "venue": "Close Brothers, London", "host": "Close Brothers"}


def test_paragraphs_headings_lists_emphasis_and_links_become_html() -> None:
    html = markdown.to_html(
        "## Panel\n\nA **lively** and *thoughtful* panel,\nwith [the slides](https://club.example.com/s).\n\n"
        "- Centres of Excellence\n- Professions\n\n1. Ownership\n2. Recognition"
    )

    assert '<h4 style="margin:16px 0 8px;">Panel</h4>' in html
    assert "<strong>lively</strong> and <em>thoughtful</em> panel, with " in html
    assert '<a href="https://club.example.com/s" style="color:#6b3f1d;">the slides</a>' in html
    assert "<li>Centres of Excellence</li><li>Professions</li></ul>" in html
    assert "<ol" in html and "<li>Ownership</li><li>Recognition</li></ol>" in html


@pytest.mark.parametrize(("source", "shown"), [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"),
    ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
    ("[click](data:text/html,hi)", "[click](data:text/html,hi)"),
    ('[x](https://a.example/"onmouseover="alert(1))', 'href="https://a.example/&#34;onmouseover=&#34;alert(1"'),
    ("**<b>bold</b>**", "<strong>&lt;b&gt;bold&lt;/b&gt;</strong>"),
    ("a snake_case_name stays", "a snake_case_name stays"),
])
def test_anything_else_is_shown_as_text(source: str, shown: str) -> None:
    html = markdown.to_html(source)

    assert shown in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html


def test_the_text_part_spells_links_out() -> None:
    assert markdown.to_text("See [the slides](https://club.example.com/s), **now**.") == (
        "See the slides (https://club.example.com/s), now.")


def _content(**changes: Any) -> dict[str, Any]:
    poll = {"question": RATING["question"], "lines": results.headlines(RATING, SEED_RATINGS, 11)}
    return {"event": EVENT, "title": "Event 48 \N{EN DASH} Communities of Practice",
            "sections": [{"title": "Panel", "html": markdown.to_html("**Thanks**"), "text": "Thanks"}],
            "polls": [poll], "slides_url": "https://club.example.com/events/e/slides",
            "topics_url": "https://club.example.com/topics",
            "host_url": "https://club.example.com/nominations/host", **changes}


@pytest.mark.parametrize("part", ["html", "txt"])
def test_the_report_gives_poll_results_in_whole_percentages(part: str) -> None:
    body = render.render(f"partials/report_body.{part}", **_content())

    assert "64% rated 6 or lower." in body
    assert "11 people answered." in body
    assert "Average rating 5.7, median 6." in body
    assert "https://club.example.com/events/e/slides" in body
    assert "https://club.example.com/nominations/host" in body


def test_the_report_shows_the_event_in_its_time_zone() -> None:
    body = render.render("partials/report_body.txt", **_content())

    assert "Saturday 9 March 2030, 10:00 GMT" in body


def test_a_report_without_slides_says_nothing_about_them() -> None:
    body = render.render("partials/report_body.html", **_content(slides_url=""))

    assert "slides" not in body.lower()
