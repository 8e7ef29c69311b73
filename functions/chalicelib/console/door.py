"""Check-in at the door, on a phone: find a confirmed person by name and tap Check in, or scan
the QR code of their confirmation with the camera (where the browser can read codes); the page
keeps a live count of arrivals. Marks attendance with registration.checkins, as the API does."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.console import pages
from chalicelib.console.events import matches
from chalicelib.core import errors, web
from chalicelib.events import service as events
from chalicelib.registration import checkins
from chalicelib.registration import service as registrations

blueprint = Blueprint(__name__)

# The most a search lists: the door needs a few names, not the whole room.
SHOWN = 30


@pages.route(blueprint, "/console/events/{event_id}/door")
def door(console: pages.Console, event_id: str) -> Response:
    event, records = web.found(registrations.roster(event_id), "event")
    search = console.query.get("q", "").strip()
    found = _search(records, search) if search else []
    return console.page("console/door.html", event=events.public_view(event), search=search,
                        found=found[:SHOWN], more=max(0, len(found) - SHOWN), counts=_counts(event))


@pages.route(blueprint, "/console/events/{event_id}/door", methods=["POST"])
def check_in(console: pages.Console, event_id: str) -> Response:
    """A tap (`email`) or a scanned code (`token`); a script asking for JSON gets the API's answer."""
    form = console.form
    search = str(form.pop("q", "") or "")
    back = f"/console/events/{event_id}/door" + (f"?q={quote(search[:100])}" if search else "")
    as_json = web.wants_json(console.request)
    try:
        result = checkins.check_in(event_id, checkins.invalid_if_missing(checkins.read_checkin(form)))
    except (errors.NotFound, errors.Conflict) as refused:
        if as_json:
            raise
        # At the door the page stays where it was, saying why (an unknown code, a waiting place).
        return console.redirect(back, flash=" ".join(refused.errors.values()))
    if as_json:
        event = web.found(events.get_event(event_id), "event")
        return web.json_response({**checkins.check_in_view(result), "counts": _counts(event)},
                                 headers=pages.PRIVATE)
    name = result.record.get("name") or result.record["email"]
    return console.redirect(back, flash=f"{name} was already checked in." if result.already
                            else f"{name} is checked in.")


@pages.route(blueprint, "/console/events/{event_id}/door/count")
def arrivals(console: pages.Console, event_id: str) -> Response:
    """The live count the door page shows, read again every few seconds by its script."""
    event = web.found(events.get_event(event_id), "event")
    return web.json_response(_counts(event), headers=pages.PRIVATE)


def _counts(event: dict[str, Any]) -> dict[str, int]:
    shown = events.counts(event)  # a place held for an open offer is not yet someone at the door
    return {"attended": shown["attended"], "confirmed": shown["confirmed"]}


def _search(records: list[dict[str, Any]], search: str) -> list[dict[str, Any]]:
    held = [r for r in records if r.get("status") == registrations.CONFIRMED or r.get("attended")]
    return sorted((r for r in held if matches(r, search)), key=lambda r: str(r.get("name") or r.get("email")).lower())

