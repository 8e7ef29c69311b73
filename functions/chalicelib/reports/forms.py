"""Reading an organiser's report sections and run requests, naming each bad field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.core.text import one_line, paragraphs
from chalicelib.core.validation import Form

MAX_SECTIONS = 20
MAX_TITLE = 200
MAX_MARKDOWN = 20_000
MAX_IDEMPOTENCY_KEY = 128
# A poll answered by fewer people is not published; organisers may ask for more, never fewer.
MIN_ANSWERS_FLOOR, MIN_ANSWERS_CEILING = 5, 1000
REPORT_FIELDS = {"sections", "min_answers", "show", "organisations", "ready", "send_after_days"}
MAX_SEND_AFTER_DAYS = 60
MAX_ORGANISATIONS = 300
MAX_ORGANISATION = 150
SECTION_FIELDS = {"title", "markdown"}
RUN_FIELDS = {"dry_run", "test_recipient", "test_send", "correction"}


@dataclass(frozen=True)
class Section:
    title: str
    markdown: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "markdown": self.markdown}


@dataclass(frozen=True)
class ReportSettings:
    """What an organiser sets on a report; None leaves a setting as it was."""

    sections: list[Section]
    min_answers: int | None = None
    # Each part of the report from the event's data, shown (true) or hidden (false).
    show: dict[str, bool] | None = None
    # The organisations in attendance as edited; [] lists none, RESET goes back to the registrations.
    organisations: list[str] | None = None
    reset_organisations: bool = False
    # Ready to send; with send_after_days, the run starts by itself that many days after the event.
    ready: bool | None = None
    send_after_days: int | None = None
    reset_send_after_days: bool = False


@dataclass(frozen=True)
class RunRequest:
    dry_run: bool
    test_recipient: str | None
    # A correction goes once to each person the event's sent report reached.
    correction: bool = False


def read_report(data: dict[str, Any]) -> tuple[ReportSettings | None, dict[str, str]]:
    """The report's editorial sections in order and its optional minimum of answers, or a
    message per bad field (`sections[2].title`, `min_answers`)."""
    form = Form(data)
    form.unknown(REPORT_FIELDS)
    min_answers = data.get("min_answers")
    if min_answers is not None and (
            isinstance(min_answers, bool) or not isinstance(min_answers, int)
            or not MIN_ANSWERS_FLOOR <= min_answers <= MIN_ANSWERS_CEILING):
        form.error("min_answers", f"Give a whole number from {MIN_ANSWERS_FLOOR} to {MIN_ANSWERS_CEILING}: "
                                  "a poll with fewer answers is not published.")
    ready = form.boolean("ready") if "ready" in data else None
    send_after_days = None
    if data.get("send_after_days") is not None:
        send_after_days = form.integer("send_after_days", "the days after the event to send the report",
                                       minimum=0, maximum=MAX_SEND_AFTER_DAYS)
    show = _show(form, data.get("show"))
    organisations = _organisations(form, data.get("organisations"))
    sections = _sections(form, data.get("sections"))
    if sections is None or not form.ok:
        return None, form.errors
    return ReportSettings(sections, min_answers, show, organisations,
                          reset_organisations="organisations" in data and data["organisations"] is None,
                          ready=ready, send_after_days=send_after_days,
                          reset_send_after_days="send_after_days" in data and data["send_after_days"] is None), {}


def _show(form: Form, raw: Any) -> dict[str, bool] | None:
    from chalicelib.reports.event_parts import PARTS

    if raw is None:
        return None
    if not isinstance(raw, dict):
        form.error("show", f"Send an object such as {{\"vote\": false}}; parts: {', '.join(PARTS)}.")
        return None
    for name, value in raw.items():
        if name not in PARTS:
            form.error(f"show.{name}", f"'{name}' is not a part of the report; parts: {', '.join(PARTS)}.")
        elif not isinstance(value, bool):
            form.error(f"show.{name}", "Give true to show this part or false to hide it.")
    return {name: value for name, value in raw.items() if name in PARTS and isinstance(value, bool)}


def _organisations(form: Form, raw: Any) -> list[str] | None:
    if raw is None:
        return None  # absent: unchanged; null: back to the registrations' list
    if not isinstance(raw, list) or len(raw) > MAX_ORGANISATIONS:
        form.error("organisations", f"Send a list of at most {MAX_ORGANISATIONS} organisation names, "
                                    "or null to list those of the people who came.")
        return None
    names: list[str] = []
    for index, item in enumerate(raw):
        name = one_line(item) if isinstance(item, str) else ""
        if not name or len(name) > MAX_ORGANISATION:
            form.error(f"organisations[{index}]", f"Give each organisation as a name of 1 to "
                                                  f"{MAX_ORGANISATION} characters.")
        else:
            names.append(name)
    return names


def _sections(form: Form, raw: Any) -> list[Section] | None:
    if not isinstance(raw, list):
        form.error("sections", 'Send "sections" as a list of {"title", "markdown"} objects (it may be empty).')
        return None
    if len(raw) > MAX_SECTIONS:
        form.error("sections", f"A report holds at most {MAX_SECTIONS} sections; merge or drop some.")
        return None
    sections: list[Section] = []
    for index, item in enumerate(raw):
        name = f"sections[{index}]"
        if not isinstance(item, dict):
            form.error(name, 'Each section is an object with "title" and "markdown".')
            continue
        for extra in sorted(set(item) - SECTION_FIELDS):
            form.error(f"{name}.{extra}", f"'{extra}' is not a section field; use title and markdown.")
        title = _text(form, item.get("title"), f"{name}.title", "a title for this section", MAX_TITLE, one_line)
        markdown = _text(form, item.get("markdown"), f"{name}.markdown", "the text of this section",
                         MAX_MARKDOWN, paragraphs)
        if title is not None and markdown is not None:
            sections.append(Section(title, markdown))
    return sections


def _text(form: Form, raw: Any, name: str, label: str, max_len: int,
          clean: Callable[[str], str]) -> str | None:
    if not isinstance(raw, str) or not clean(raw):
        form.error(name, f"Enter {label}." if raw in (None, "") or isinstance(raw, str)
                   else f"Give {label} as text.")
        return None
    value = clean(raw)
    if len(value) > max_len:
        form.error(name, f"Keep {label} to {max_len} characters or fewer (it has {len(value)}).")
        return None
    return value


def read_run_request(data: dict[str, Any], organiser: str) -> tuple[RunRequest | None, dict[str, str]]:
    """A run request; `test_send` sends one copy to the organiser asking."""
    form = Form(data)
    form.unknown(RUN_FIELDS)
    dry_run = form.boolean("dry_run")
    test_recipient = form.email("test_recipient", required=False)
    if form.boolean("test_send"):
        if test_recipient:
            form.error("test_send", "Give test_send (a copy to you) or test_recipient, not both.")
        test_recipient = organiser
    correction = form.boolean("correction")
    if correction and test_recipient:
        form.error("correction", "A correction goes to everyone who got the report; for a test, "
                                 "leave correction out (the test shows the report as it is now).")
    return (RunRequest(dry_run, test_recipient, correction), {}) if form.ok else (None, form.errors)


def read_idempotency_key(raw: str | None) -> tuple[str | None, dict[str, str]]:
    """An optional Idempotency-Key header: the same key gives the same run, never a second."""
    if raw is None or not raw.strip():
        return None, {}
    value = raw.strip()
    if len(value) > MAX_IDEMPOTENCY_KEY or not value.isprintable():
        return None, {"Idempotency-Key": f"Use a printable key of at most {MAX_IDEMPOTENCY_KEY} characters, "
                                         "such as a UUID."}
    return value, {}
