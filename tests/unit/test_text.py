"""One-line and multi-line text as people type it, and the one way an event is named."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.text import display_title, one_line, paragraphs
from chalicelib.core.validation import Form

BREAKS = ["\n", "\r\n", "\r", "\t", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x00", "\x1b", "\x7f", "\x9f"]


@pytest.mark.parametrize("separator", BREAKS)
def test_every_line_break_and_control_character_becomes_one_space(separator: str) -> None:
    assert one_line(f"  Communities{separator}{separator} of Practice{separator}") == "Communities of Practice"


@given(st.text())
def test_one_line_text_has_no_control_characters_and_no_blank_ends(value: str) -> None:
    line = one_line(value)
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in line)
    assert line == line.strip()
    assert "  " not in line
    assert one_line(line) == line


def test_multi_line_text_keeps_its_line_breaks_and_loses_other_control_characters() -> None:
    typed = "  First line\r\nsecond\x00 line\u2028third\rfourth\x1b\n\n\tindented code  \n"
    assert paragraphs(typed) == "First line\nsecond line\nthird\nfourth\n\n    indented code"


@given(st.text())
def test_multi_line_text_holds_no_control_character_but_the_line_break(value: str) -> None:
    text = paragraphs(value)
    assert not any((ord(c) < 32 and c != "\n") or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in text)
    assert paragraphs(text) == text


def test_display_title_with_and_without_a_number() -> None:
    assert display_title({"title": "Communities of Practice", "number": 48}) == \
        "Event 48 \N{EN DASH} Communities of Practice"
    assert display_title({"title": "Communities of Practice"}) == "Communities of Practice"
    assert display_title({"title": "Communities of Practice", "number": None}) == "Communities of Practice"
    # A title stored before one-line text was enforced still makes one line (a mail header).
    assert display_title({"title": "Communities\nof Practice", "number": 48}) == \
        "Event 48 \N{EN DASH} Communities of Practice"


def test_form_reads_one_line_and_multi_line_fields_and_keeps_what_was_typed() -> None:
    form = Form({"title": " Event\r\n with\ta break ", "description": "One\r\n\r\nTwo\x07"})
    assert form.line("title", "a title") == "Event with a break"
    assert form.paragraphs("description", "a description") == "One\n\nTwo"
    assert form.values["title"] == "Event\r\n with\ta break"
    assert form.ok


def test_a_line_of_only_control_characters_is_empty() -> None:
    form = Form({"title": "\n\t\x00\u2028"})
    assert form.line("title", "a title") is None
    assert form.errors == {"title": "Enter a title."}


def test_the_length_limit_counts_the_text_as_stored() -> None:
    form = Form({"title": "a" + "\n" * 50 + "b"})
    assert form.line("title", "a title", max_len=3) == "a b"


def test_half_a_surrogate_pair_is_refused_not_stored() -> None:
    form = Form({"title": "Caf\ud83d", "description": "\udc00"})
    assert form.line("title", "a title") is None
    assert form.paragraphs("description", "a description") is None
    assert set(form.errors) == {"title", "description"}
    assert form.values == {"title": "", "description": ""}


def test_plain_text_is_checked_as_typed_not_rewritten() -> None:
    # Addresses and file names are checked, never quietly changed into another value.
    form = Form({"filename": "deck\x00.pdf"})
    assert form.text("filename", "the file's name") == "deck\x00.pdf"
