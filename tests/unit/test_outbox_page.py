"""The local outbox page shows each email's text as text, with its links clickable."""

from __future__ import annotations

from clubflow.dev.routes import linkify, render_outbox


def test_links_become_anchors_and_markup_stays_text() -> None:
    html = str(linkify('Cancel: https://club.example/r/abc?x=1&y=2\n<b>"hi"</b>'))
    assert '<a href="https://club.example/r/abc?x=1&amp;y=2">' in html
    assert "&lt;b&gt;&#34;hi&#34;&lt;/b&gt;" in html
    assert "<b>" not in html


def test_a_link_cannot_break_out_of_its_attribute() -> None:
    html = str(linkify('https://evil.example/"onmouseover="alert(1)'))
    assert 'href="https://evil.example/&#34;onmouseover=&#34;alert(1)"' in html
    assert '"onmouseover' not in html


def test_subject_and_addresses_are_escaped() -> None:
    page = render_outbox([{
        "id": "m1", "from": "Club <club@example.com>", "to": ["<x>@example.org"],
        "subject": "<script>alert(1)</script>", "text": "hello", "html": "", "attachments": [],
        "sent_at": None,
    }])
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "Open the HTML version" not in page
