"""The rules for slide files and requests, without AWS."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from chalicelib.slides import forms

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@pytest.mark.parametrize("filename, content_type", [
    ("deck.pdf", "application/pdf"),
    ("Deck.PDF", "application/pdf; charset=binary"),
    ("Workshop.pptx", PPTX),
    ("Keynote talk.key", "application/vnd.apple.keynote"),
    ("Keynote talk.key", "application/x-iwork-keynote-sffkey"),
    ("handouts.zip", "application/zip"),
    ("handouts.zip", "application/x-zip-compressed"),
    ("Café \N{EN DASH} notes.pdf", "application/pdf"),
])
def test_accepted_files(filename: str, content_type: str) -> None:
    upload, errors = forms.read_upload({"filename": filename, "content_type": content_type,
                                        "size": 10})
    assert errors == {}
    assert upload is not None and upload.content_type == content_type.split(";")[0]


@pytest.mark.parametrize("filename, field, words", [
    ("notes.docx", "filename", "Upload a .pdf, .pptx, .key, .zip file"),
    ("slides", "filename", "Upload a"),
    (".pdf", "filename", "name before its extension"),
    ("folder/deck.pdf", "filename", "without any folder"),
    ("C:\\fakepath\\deck.pdf", "filename", "without any folder"),
    ("deck\u0000.pdf", "filename", "control characters"),
    ("deck.pdf", "content_type", "application/pdf"),
])
def test_refused_files_name_the_field_and_say_what_to_do(filename: str, field: str,
                                                         words: str) -> None:
    content_type = "image/png" if field == "content_type" else "application/pdf"
    upload, errors = forms.read_upload({"filename": filename, "content_type": content_type,
                                        "size": 10})
    assert upload is None
    assert words in errors[field]


@pytest.mark.parametrize("size, words", [
    (0, "between 1 and"),
    (100 * 1024 * 1024 + 1, "larger than 100 MB"),
    ("10MB", "whole number"),
    (None, "Enter the file's size"),
])
def test_size_is_a_whole_number_of_bytes_up_to_100_mb(size: object, words: str) -> None:
    data = {"filename": "deck.pdf", "content_type": "application/pdf", "size": size}
    if size is None:
        del data["size"]
    _, errors = forms.read_upload(data)
    assert words in errors["size"]


def test_exactly_100_mb_is_accepted() -> None:
    upload, _ = forms.read_upload({"filename": "deck.pdf", "content_type": "application/pdf",
                                   "size": 100 * 1024 * 1024})
    assert upload is not None


def test_content_disposition_keeps_the_exact_name_and_an_ascii_fallback() -> None:
    header = forms.content_disposition('Résumé "final" \N{EN DASH} 50%.pdf')
    fallback, encoded = header.split("; filename*=UTF-8''")
    assert fallback == 'attachment; filename="Resume _final_ _ 50_.pdf"'
    assert unquote(encoded) == 'Résumé "final" \N{EN DASH} 50%.pdf'
    assert all(c.isascii() and c not in ' "' for c in encoded)


def test_guessed_content_type_is_one_the_server_accepts() -> None:
    for filename in ("a.pdf", "b.pptx", "c.key", "d.zip"):
        content_type = forms.guess_content_type(filename)
        assert content_type is not None
        assert forms.check_content_type(filename, content_type) is None
    assert forms.guess_content_type("e.docx") is None


def test_request_needs_consent_only_under_the_consented_policy() -> None:
    request, form = forms.read_request({"email": " Ada@Example.com"}, "registered")
    assert request is not None and request.email == "ada@example.com" and not request.by_robot

    refused, form = forms.read_request({"email": "ada@example.com"}, "consented")
    assert refused is None and "Tick the box" in form.errors["consent"]

    agreed, _ = forms.read_request({"email": "ada@example.com", "consent": "true"}, "consented")
    assert agreed is not None and agreed.consent


def test_honeypot_marks_a_robot_and_unknown_fields_are_named() -> None:
    robot, _ = forms.read_request({"email": "bot@example.com", "website": "x"}, "public")
    assert robot is not None and robot.by_robot

    _, form = forms.read_request({"email": "ada@example.com", "name": "Ada"}, "public")
    assert "not a field here" in form.errors["name"]


def test_sizes_read_as_people_say_them() -> None:
    assert forms.size_text(500) == "1 KB"
    assert forms.size_text(812 * 1024) == "812 KB"
    assert forms.size_text(int(4.2 * 1024 * 1024)) == "4.2 MB"
