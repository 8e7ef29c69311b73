"""Console pages for an event's summary report: write its sections and choose which parts from
the event's data it shows, preview the email, send a test to yourself, send it (after a page
that says how many people it goes to), follow a run to done, and send a correction.

Every action is the reports capability's own (content.save_report, preview.preview_report,
runs.start_report_run), as for the /admin routes.
"""

from __future__ import annotations

import secrets
from typing import Any

from chalice import Blueprint, Response

from chalicelib.console import pages
from chalicelib.core import web
from chalicelib.events import service as events
from chalicelib.reports import content, event_parts, forms, preview, runs

blueprint = Blueprint(__name__)

# Empty section slots under the written ones: a page holds a new section without a script.
BLANK_SECTIONS = 2
PART_NAMES = {
    "thanks": "Thanks to the host", "speakers": "The speakers", "organisations": "Organisations in attendance",
    "slides": "Where to get the slides", "vote": "Vote for the next topics", "call_for_hosts": "Call for hosts",
    "previous_hosts": "Previous hosts",
}
# The run page reloads itself this often until the run is done or failed.
RUN_REFRESH_SECONDS = 3


def _event(event_id: str) -> dict[str, Any]:
    return web.found(events.get_event(event_id), "event")


def _report_page(console: pages.Console, event: dict[str, Any], status: int = 200, *,
                 sections: list[dict[str, str]] | None = None, show: dict[str, bool] | None = None,
                 min_answers: Any = None, errors: dict[str, str] | None = None) -> Response:
    view = content.report_view(event["event_id"], content.get_report(event["event_id"]))
    written = sections if sections is not None else list(view["sections"])
    return console.page(
        "console/report.html", status, event=event, report=view,
        sections=[*written, *([{"title": "", "markdown": ""}] * BLANK_SECTIONS)],
        show=show if show is not None else view["show"], parts=PART_NAMES,
        min_answers=view["min_answers"] if min_answers is None else min_answers,
        errors=errors or {}, sent_run=runs.get_run(view["sent_run_id"]) if view["sent_run_id"] else None)


@pages.route(blueprint, "/console/events/{event_id}/report")
def report(console: pages.Console, event_id: str) -> Response:
    return _report_page(console, _event(event_id))


def _listed(value: Any) -> list[str]:
    """A repeated form field as a list (one field arrives as a string)."""
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


@pages.route(blueprint, "/console/events/{event_id}/report", methods=["POST"])
def save(console: pages.Console, event_id: str) -> Response:
    event = _event(event_id)
    posted = console.form
    titles, texts = _listed(posted.get("section_title")), _listed(posted.get("section_markdown"))
    # Slots left empty are not sections; a slot half filled is, and its empty half is named.
    sections = [{"title": title, "markdown": text} for title, text in zip(titles, texts, strict=False)
                if title.strip() or text.strip()]
    show = {part: f"show_{part}" in posted for part in event_parts.PARTS}
    raw_minimum = str(posted.get("min_answers", "")).strip()
    minimum: Any = int(raw_minimum) if raw_minimum.isdigit() else (raw_minimum or None)
    settings, errors = forms.read_report({"sections": sections, "show": show,
                                          **({"min_answers": minimum} if minimum is not None else {})})
    if settings is None:
        return _report_page(console, event, 400, sections=sections, show=show, min_answers=raw_minimum,
                            errors=errors)
    content.save_report(event_id, settings, console.organiser)
    if posted.get("then") == "preview":
        return console.redirect(f"/console/events/{event_id}/report/preview", flash="Saved.")
    return console.redirect(f"/console/events/{event_id}/report", flash="Saved.")


@pages.route(blueprint, "/console/events/{event_id}/report/preview")
def show_preview(console: pages.Console, event_id: str) -> Response:
    event = _event(event_id)
    return console.page("console/report_preview.html", event=event,
                        email=preview.preview_report(event_id, console.organiser))


@pages.route(blueprint, "/console/events/{event_id}/report/preview/email")
def preview_email(console: pages.Console, event_id: str) -> Response:
    """The preview's HTML part as its own page: the email exactly as a mail client gets it."""
    email = preview.preview_report(event_id, console.organiser)
    response = web.html_response(email["html"])
    response.headers.update(pages.PRIVATE)
    return response


@pages.route(blueprint, "/console/events/{event_id}/report/test", methods=["POST"])
def send_test(console: pages.Console, event_id: str) -> Response:
    run = runs.start_report_run(event_id, forms.RunRequest(dry_run=False, test_recipient=console.organiser),
                                console.organiser)
    return console.redirect(f"/console/report-runs/{run['run_id']}",
                            flash=f"A test copy is on its way to {console.organiser}.")


def _confirm_page(console: pages.Console, event_id: str, *, correction: bool) -> Response:
    event = _event(event_id)
    return console.page("console/report_send.html", event=event, correction=correction,
                        recipients=runs.audience_count(event_id, correction=correction),
                        # One click, one run: a second press (or a reload) gives back the same run.
                        send_key=secrets.token_hex(16),
                        sent_run_id=content.report_view(event_id, content.get_report(event_id))["sent_run_id"])


@pages.route(blueprint, "/console/events/{event_id}/report/send")
def confirm_send(console: pages.Console, event_id: str) -> Response:
    return _confirm_page(console, event_id, correction=False)


@pages.route(blueprint, "/console/events/{event_id}/report/correction")
def confirm_correction(console: pages.Console, event_id: str) -> Response:
    return _confirm_page(console, event_id, correction=True)


def _send(console: pages.Console, event_id: str, *, correction: bool) -> Response:
    key, errors = forms.read_idempotency_key(str(console.form.get("send_key") or ""))
    if errors:
        return web.invalid(errors)
    run = runs.start_report_run(event_id, forms.RunRequest(dry_run=False, test_recipient=None, correction=correction),
                                console.organiser, key)
    return console.redirect(f"/console/report-runs/{run['run_id']}",
                            flash="The correction is on its way." if correction else "The report is on its way.")


@pages.route(blueprint, "/console/events/{event_id}/report/send", methods=["POST"])
def send(console: pages.Console, event_id: str) -> Response:
    return _send(console, event_id, correction=False)


@pages.route(blueprint, "/console/events/{event_id}/report/correction", methods=["POST"])
def send_correction(console: pages.Console, event_id: str) -> Response:
    return _send(console, event_id, correction=True)


@pages.route(blueprint, "/console/report-runs/{run_id}")
def run_progress(console: pages.Console, run_id: str) -> Response:
    run = runs.run_view(web.found(runs.get_run(run_id), "report run"))
    event = events.get_event(str(run.get("event_id")))
    finished = run["status"] in (runs.DONE, runs.FAILED)
    handled = int(run.get("sent", 0)) + int(run.get("skipped", 0)) + int(run.get("failed", 0))
    recipients = int(run.get("recipients", 0))
    return console.page("console/report_run.html", run=run, event=event, finished=finished,
                        handled=handled, percent=round(100 * handled / recipients) if recipients else 0,
                        refresh=None if finished else RUN_REFRESH_SECONDS)
