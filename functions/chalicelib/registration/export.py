"""Registrations as organisers see them: a JSON view and a CSV that opens cleanly in a
spreadsheet, with formula injection neutralised."""

from __future__ import annotations

from typing import Any

COLUMNS = (
    ("email", "Email"),
    ("name", "Name"),
    ("organisation", "Organisation"),
    ("job_title", "Job title"),
    ("needs", "Access, dietary or quiet-room needs"),
    ("status", "Status"),
    ("position", "Waiting list position"),
    ("offer_expires_at", "Place offered until (UTC)"),
    ("registered_at", "Registered at (UTC)"),
    ("consent_report", "Wants the summary report"),
    ("consent_updates", "Wants news of future events"),
    ("attended", "Attended"),
)
# A spreadsheet runs a cell starting with one of these as a formula (or DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def view(record: dict[str, Any]) -> dict[str, Any]:
    """One registration for the JSON listing: the person's fields, no keys."""
    shown = {name: record.get(name) for name, _ in COLUMNS}
    shown["position"] = record.get("position")
    for name in ("confirmed_at", "promoted_at", "cancelled_at", "attended_at", "offered_at", "accepted_at",
                 "declined_at", "lapsed_at", "address_pending", "hold_expires_at", "released_at"):
        if record.get(name):
            shown[name] = record[name]
    return shown


def neutralise(cell: str) -> str:
    """Make a cell show as text in a spreadsheet rather than run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    return neutralise(str(value))


def to_csv(records: list[dict[str, Any]]) -> str:
    """CSV with a header row; a byte-order mark so spreadsheets read it as UTF-8."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _, label in COLUMNS])
    for record in records:
        writer.writerow([_cell(record.get(name)) for name, _ in COLUMNS])
    return "\ufeff" + out.getvalue()
