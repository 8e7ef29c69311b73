"""Summary reports, as routes, the worker and other capabilities reach them: the organisers'
editorial sections and the web version (content.py), report runs that build the report once and
fan out in batches (runs.py), and each batch's emails, once per person (delivery.py).

A report goes by email only to confirmed registrants who consented and are not suppressed, with
a one-click unsubscribe, and never twice to one person in one run.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core import keys
from chalicelib.reports import delivery, suppression
from chalicelib.reports.content import (
    get_report,
    published_report,
    report_view,
    save_report,
)
from chalicelib.reports.delivery import send_report
from chalicelib.reports.runs import (
    BATCH_DUE,
    RUN_REQUESTED,
    RunRefused,
    build_report_run,
    get_run,
    run_view,
    start_report_run,
)

__all__ = [
    "BATCH_DUE", "RUN_REQUESTED", "RunRefused", "build_report_run", "erase_person",
    "export_person", "get_report", "get_run", "published_report", "report_view",
    "run_view", "save_report", "send_report", "start_report_run",
]


# --- a person's data (export, erasure) --------------------------------------------------------


def export_person(email: str) -> dict[str, list[dict[str, Any]]]:
    """The report deliveries to this address, and its suppression if any."""
    return {"report_deliveries": [keys.stored_fields(item) for item in delivery.deliveries_to(email)],
            "suppression": [keys.stored_fields(item) for item in suppression.suppression_of(email)]}


def erase_person(email: str) -> int:
    """Erase the delivery marks of this address; return how many items.

    The suppression item stays: the address must never get a report again (the export still
    shows it). The runs' counts stay as they are.
    """
    return delivery.erase_deliveries_to(email)
