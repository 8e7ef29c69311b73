"""The report's text, without AWS: safe Markdown for the sections, poll results as percentages."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core import render
from chalicelib.polls import results
from chalicelib.reports import charts, markdown

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
    assert "<li>Centres of Excellence</li>\n<li>Professions</li>\n</ul>" in html
    assert "<ol" in html and "<li>Ownership</li>\n<li>Recognition</li>\n</ol>" in html


@pytest.mark.parametrize(("source", "shown"), [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
    ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
    ("[click](data:text/html,hi)", "[click](data:text/html,hi)"),
    # The whole address is the link, parentheses included, with its quotes percent-encoded.
    ('[x](https://a.example/"onmouseover="alert(1))', 'href="https://a.example/%22onmouseover=%22alert(1)"'),
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


def _poll(poll: dict[str, Any], counts: dict[str, int], total: int) -> dict[str, Any]:
    """A poll as polls.poll_results gives it, from its running counts."""
    return {**poll, **results.tally(poll, counts, total), "summary": results.headlines(poll, counts, total)}


def _content(**changes: Any) -> dict[str, Any]:
    poll = charts.poll_chart(_poll(RATING, SEED_RATINGS, 11))
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


WORKSHOP = """1. Ownership

   Considerations touched on the following sub-themes.

   - Executive role, which should hold ultimate responsibility
   - Sponsorship should provide:
     - investment in development, and
     - strategy / purpose setting

2. Membership
   - Should be open (not exclusive) self-organising

> depended on facilitation and the provision of space to grow
> and not on top-down imposition

| Poll | Answers |
|---|--:|
| Entity | 11 |
"""


def test_nested_numbered_lists_quotes_and_tables_keep_their_shape_in_html() -> None:
    html = markdown.to_html(WORKSHOP)

    # The sub-bullets sit inside their bullet, inside the numbered item
    assert html.index("<ol") < html.index("Executive role") < html.index("investment in development")
    sponsorship = html[html.index("Sponsorship should provide:"):]
    assert sponsorship.index('<ul style="margin:4px 0;') < sponsorship.index("investment in development")
    assert sponsorship.index("strategy / purpose setting") < sponsorship.index("</ul>\n</li>")
    assert html.count("<ol") == 1 and html.count("<ul") == 3
    assert '<blockquote style="margin:0 0 16px;padding:4px 0 4px 16px;border-left:4px solid' in html
    assert "depended on facilitation and the provision of space to grow and not on top-down imposition" in html
    assert '<table style="border-collapse:collapse;' in html
    assert "text-align:right" in html and ">11</td>" in html


def test_the_text_part_indents_lists_quotes_lines_and_drops_the_markers() -> None:
    text = markdown.to_text("# Workshops\n\n" + WORKSHOP + "\n**bold *and italic***, `code`")

    assert text.startswith("Workshops\n\n1. Ownership\n\n   Considerations touched")
    assert "   - Executive role, which should hold ultimate responsibility\n" in text
    assert "   - Sponsorship should provide:\n     - investment in development, and\n" \
           "     - strategy / purpose setting" in text
    # A loose list (blank lines between items) keeps a blank line between an item's blocks
    assert "2. Membership\n\n   - Should be open" in text
    assert "> depended on facilitation and the provision of space to grow and not on top-down imposition" in text
    assert "Poll   | Answers\n-------+--------\nEntity | 11" in text
    assert "bold and italic, code" in text
    assert "**" not in text and "#" not in text and "`" not in text


def test_bold_and_italic_nest_and_links_keep_their_parentheses() -> None:
    html = markdown.to_html("**bold *and italic***, [wiki](https://en.example.org/wiki/Practice_(community))"
                            " and [write to us](mailto:club@example.com)")

    assert "<strong>bold <em>and italic</em></strong>" in html
    assert 'href="https://en.example.org/wiki/Practice_(community)"' in html
    assert 'href="mailto:club@example.com"' in html
    assert markdown.to_text("[write to us](mailto:club@example.com)") == "write to us (club@example.com)"


def test_numbered_lists_keep_their_start_and_headings_sit_below_the_section_title() -> None:
    assert markdown.to_text("3. Third\n4. Fourth") == "3. Third\n4. Fourth"
    assert '<ol start="3"' in markdown.to_html("3. Third\n4. Fourth")
    assert "<h3 " in markdown.to_html("# Top") and "<h6 " in markdown.to_html("###### Deep")
