"""The organisers' CSV: every cell shows as text in a spreadsheet, never runs as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.registration import export


@pytest.mark.parametrize(("cell", "shown"), [
    ("=1+1", "'=1+1"),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-5", "'-5"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTabbed", "'\tTabbed"),
    ("\rReturn", "'\rReturn"),
    ("Ada Lovelace", "Ada Lovelace"),
    ("a=b", "a=b"),
    ("", ""),
])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(cell: str, shown: str) -> None:
    assert export.neutralise(cell) == shown


def test_the_csv_has_a_header_a_bom_and_readable_values() -> None:
    text = export.to_csv([{
        "email": "ada@example.com", "name": '=HYPERLINK("x")', "organisation": "A, B & C",
        "job_title": "", "needs": "one\ntwo", "status": "waitlisted", "position": 3,
        "registered_at": "2030-02-01T09:00:00+00:00", "consent_report": True,
        "consent_updates": False, "attended": False,
    }])
    assert text.startswith("\ufeffEmail,Name,Organisation,")
    (row,) = list(csv.DictReader(io.StringIO(text[1:])))
    assert row["Name"] == "'=HYPERLINK(\"x\")"
    assert row["Organisation"] == "A, B & C"
    assert row["Access, dietary or quiet-room needs"] == "one\ntwo"
    assert row["Waiting list position"] == "3"
    assert (row["Wants the summary report"], row["Wants news of future events"]) == ("yes", "no")
