"""Console pages for events: the list, create, edit (telling attendees or not), cancel, the next
event from this one, and an event's page with its registrations, needs, CSV and messages.

Each action calls what the /admin routes call (events.service, events.cancellation,
registration.service/export/messages); only the browser's forms are read here."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.console import event_forms, pages
from chalicelib.core import web
from chalicelib.events import cancellation, forms, service
from chalicelib.events import changes as changes_rules
from chalicelib.registration import export, messages, needs
from chalicelib.registration import service as registrations

blueprint = Blueprint(__name__)

STATUSES = ("all", "confirmed", "offered", "waitlisted", "cancelled", "attended")
AUDIENCE_WORDS = {"confirmed": "confirmed", "waitlisted": "waiting", "attended": "marked as attended",
                  "all": "confirmed, waiting or marked as attended"}


@pages.route(blueprint, "/console/events")
def events_list(console: pages.Console) -> Response:
    return console.page("console/events.html",
                        upcoming=[service.public_view(item) for item in service.upcoming_events()],
                        past=[service.public_view(item) for item in service.past_events(limit=24)])


@pages.route(blueprint, "/console/events/new")
def new_event(console: pages.Console) -> Response:
    after = console.query.get("from", "")
    previous = service.get_event(after) if web.path_id(after) else None
    values = event_forms.next_event_values(previous) if previous else dict(event_forms.DEFAULTS)
    return _event_form(console, values, previous=previous)


@pages.route(blueprint, "/console/events", methods=["POST"])
def create_event(console: pages.Console) -> Response:
    data = event_forms.new_event_data(console.form)
    event_input, problems = forms.read_new_event(data)
    if event_input is None:
        return _event_form(console, {name: str(value) for name, value in console.form.items()}, 400, problems)
    item = service.create_event(event_input, console.organiser)
    return console.redirect(f"/console/events/{item['event_id']}",
                            flash=f"{service.public_view(item)['title']} is created; registration is open.")


@pages.route(blueprint, "/console/events/{event_id}")
def event_page(console: pages.Console, event_id: str) -> Response:
    event, records = web.found(registrations.roster(event_id), "event")
    query = console.query
    status = query.get("status", "all") if query.get("status") in STATUSES else "all"
    search = query.get("q", "").strip()
    shown = [record for record in records if matches(record, search) and _has_status(record, status)]
    return _event_page(console, event, records, shown, search=search, status_filter=status)


def _event_page(console: pages.Console, event: dict[str, Any], records: list[dict[str, Any]],
                shown: list[dict[str, Any]], status: int = 200, *, search: str = "", status_filter: str = "all",
                values: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> Response:
    """The event's page: `shown` of its registrations `records`, and the message form."""
    return console.page("console/event.html", status, event=service.public_view(event), registrations=shown,
                        total=len(records), search=search, status_filter=status_filter, statuses=STATUSES,
                        needs=needs.summarise(records), needs_labels=needs.LABELS,
                        audiences=messages.AUDIENCES, values=values or {}, errors=errors or {})


@pages.route(blueprint, "/console/events/{event_id}/registrations.csv")
def registrations_csv(console: pages.Console, event_id: str) -> Response:
    _, records = web.found(registrations.roster(event_id), "event")
    return Response(body=export.to_csv(records), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{event_id}-registrations.csv"',
        **pages.PRIVATE})


@pages.route(blueprint, "/console/events/{event_id}/edit")
def edit_event(console: pages.Console, event_id: str) -> Response:
    event = web.found(service.get_event(event_id), "event")
    return _event_form(console, {**event_forms.values_of(event), "notify": "on"}, event=event)


@pages.route(blueprint, "/console/events/{event_id}/edit", methods=["POST"])
def change_event(console: pages.Console, event_id: str) -> Response:
    current = web.found(service.get_event(event_id), "event")
    if current.get("cancelled_at"):
        raise cancellation.EventCancelled(current)
    notify, data, problems = changes_rules.read_notify(event_forms.changes_data(console.form))
    changes, errors = forms.read_changes(data, current)
    problems = {**problems, **errors}
    if problems:
        return _event_form(console, {name: str(value) for name, value in console.form.items()}, 400, problems,
                           event=current)
    try:
        web.found(service.update_event(event_id, changes, notify=notify), "event")
    except service.CapacityTooSmall as small:
        # Known only when saving (people may confirm meanwhile): shown on the form, under its field.
        return _event_form(console, {name: str(value) for name, value in console.form.items()}, 400,
                           small.errors, event=current)
    told = " Attendees are told of any new time, place or title." if notify else " Nobody was emailed."
    return console.redirect(f"/console/events/{event_id}", flash="The event is saved." + told)


@pages.route(blueprint, "/console/events/{event_id}/cancel")
def confirm_cancel(console: pages.Console, event_id: str) -> Response:
    event = web.found(service.get_event(event_id), "event")
    return console.page("console/event_cancel.html", event=service.public_view(event), values={}, errors={})


@pages.route(blueprint, "/console/events/{event_id}/cancel", methods=["POST"])
def cancel_event(console: pages.Console, event_id: str) -> Response:
    event = web.found(service.get_event(event_id), "event")
    message, problems = cancellation.read_message(console.form)
    if message is None:
        return console.page("console/event_cancel.html", 400, event=service.public_view(event),
                            values=console.form, errors=problems)
    done = web.found(cancellation.cancel_event(event_id, message, console.organiser), "event")
    flash = ("This event was already cancelled; nobody was emailed again." if done.already
             else "The event is cancelled; everyone confirmed or waiting is being emailed.")
    return console.redirect(f"/console/events/{event_id}", flash=flash)


@pages.route(blueprint, "/console/events/{event_id}/messages", methods=["POST"])
def write_to_people(console: pages.Console, event_id: str) -> Response:
    event, records = web.found(registrations.roster(event_id), "event")
    message, problems = messages.read_message(console.form)
    if message is not None and not messages.audience_size(records, message.audience):
        # Nothing would be sent: said on the form, rather than "on its way".
        problems = {"audience": f"Nobody is {AUDIENCE_WORDS[message.audience]} yet, so this would reach no one. "
                                "Choose another group, or write once people have registered."}
    if message is None or problems:
        return _event_page(console, event, records, records, 400, values=console.form, errors=problems)
    messages.send_message(event_id, message, console.organiser)
    flash = f"Your message \u201c{message.subject}\u201d is on its way, one email to each ({message.audience})."
    return console.redirect(f"/console/events/{event_id}", flash=flash)


def _event_form(console: pages.Console, values: dict[str, Any], status: int = 200,
                errors: dict[str, str] | None = None, *, event: dict[str, Any] | None = None,
                previous: dict[str, Any] | None = None) -> Response:
    return console.page("console/event_form.html", status, values=values, errors=errors or {},
                        event=service.public_view(event) if event else None,
                        previous=service.public_view(previous) if previous else None,
                        zones=event_forms.ZONES, slide_policies=service.SLIDE_POLICIES)


def matches(record: dict[str, Any], search: str) -> bool:
    """Whether the search is in the registration's name, email or organisation (any case)."""
    if not search:
        return True
    wanted = search.lower()
    return any(wanted in str(record.get(name) or "").lower() for name in ("name", "email", "organisation"))


def _has_status(record: dict[str, Any], status: str) -> bool:
    if status == "all":
        return True
    if status == "attended":
        return bool(record.get("attended"))
    return record.get("status") == status
