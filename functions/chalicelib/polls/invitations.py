"""Poll invitations: each confirmed attendee is emailed a personal poll link, once.

An organiser asks for them (POST /admin/events/{id}/poll-invitations), and a Scheduler schedule
asks at the event's end, set when the event is created and moved when its end moves. Either way
PollInvitationsRequested goes on the bus; it fans out into one PollInvitationDue per confirmed
attendee, each emailed on its own. A durable mark per (event, person) means a second run, or a
redelivered message, never emails anyone twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from chalicelib.core import batches, bus, clock, hashing, keys, mail, outbox, rate_limits, schedules, store
from chalicelib.core.domain_events import PollInvitationDue, PollInvitationsRequested, PollLinkRequested
from chalicelib.core.form_guard import EmailRequest
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.text import display_title
from chalicelib.events import service as events
from chalicelib.polls import service
from chalicelib.registration import service as registrations

INVITATIONS_REQUESTED = "PollInvitationsRequested"
INVITATION_DUE = "PollInvitationDue"
LINK_REQUESTED = "PollLinkRequested"
LINK_REQUESTS_PER_EMAIL_PER_HOUR = 3
LINK_DAYS = 30
FAN_OUT_CHUNK = 100


# --- asking -----------------------------------------------------------------------------------


def request_invitations(event_id: str, requested_by: str) -> str:
    """Store the request that the event's attendees be invited to its polls, for the outbox relay
    to announce; return the run id."""
    run_id = secrets.token_hex(8)
    outbox.put(INVITATIONS_REQUESTED, {
        "event_id": event_id, "run_id": run_id, "requested_by": requested_by,
        "requested_at": clock.iso(clock.now()),
    })
    return run_id


def plan_invitations(event_id: str, ends_at: str) -> str | None:
    """Set, or move, the schedule that invites attendees when the event ends; return when it
    fires (None once the event has ended: organisers can still invite by hand)."""
    name = keys.poll_invitation_schedule(event_id)
    end = clock.parse(ends_at)
    if end <= clock.now():
        schedules.cancel(name)
        return None
    due = end.strftime("%Y-%m-%dT%H:%M:%S")
    schedules.schedule_domain_event(
        name, end, INVITATIONS_REQUESTED,
        # The end it was set for: a schedule that fires for an end since moved is ignored.
        {"event_id": event_id, "run_id": f"ended-{due}", "requested_by": "schedule", "ends_at": clock.iso(end)},
        description=f"Invite the attendees of {event_id} to its polls when it ends",
    )
    logger.info("poll invitations planned", extra={"event_id": event_id, "due": due})
    return due


# --- fanning out ------------------------------------------------------------------------------


def invite_to_polls(request: PollInvitationsRequested) -> int:
    """Announce one PollInvitationDue per confirmed attendee; return how many.

    Nothing is announced for an unknown event, an event without open polls, or a scheduled
    request for an end time the event no longer has. Put straight on the bus, not through the
    outbox: this runs in a consumer and stores nothing, so a refused PutEvents fails the record,
    its queue delivers it again, and the fan-out is repeated (each attendee's mark means one
    invitation however often they are announced).
    """
    event_id = request["event_id"]
    event = events.get_event(event_id)
    if event is None or event.get("cancelled_at") or (
            request.get("ends_at") and request["ends_at"] != event["ends_at"]):
        logger.info("poll invitations no longer apply", extra={"event_id": event_id})
        return 0
    if not service.open_polls(event_id):
        logger.info("no open polls to invite to", extra={"event_id": event_id})
        return 0
    announced = 0
    for chunk in batches.chunked(_invitees(event), FAN_OUT_CHUNK):
        bus.publish_many([
            (INVITATION_DUE, {"event_id": event_id, "run_id": request["run_id"],
                              "email": record["email"], "registration_id": record["registration_id"]})
            for record in chunk
        ])
        announced += len(chunk)
    return announced


def _attendance_taken(event: dict[str, Any]) -> bool:
    return int(event.get("attended", 0)) > 0


def _invitees(event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Those marked attended once attendance was taken (nobody marked absent), else the confirmed."""
    if not _attendance_taken(event):
        yield from registrations.confirmed_registrations(event["event_id"])
        return
    for record in registrations.registrations_of(event["event_id"]):
        if record.get("attended"):
            yield record



# --- emailing one person ------------------------------------------------------------------------


def send_invitation(due: PollInvitationDue) -> bool:
    """Email one attendee their personal poll link, unless they were already invited (by any
    run), are no longer registered, or the event has no open polls left. Return whether sent."""
    event_id, email = due["event_id"], due["email"]
    event = events.get_event(event_id)
    registration = registrations.get_registration(event_id, email)
    if event is None or not service.may_vote(registration):
        logger.info("not registered any more; no poll invitation", extra={"event_id": event_id})
        return False
    if _attendance_taken(event) and not (registration or {}).get("attended"):
        logger.info("marked absent; no poll invitation", extra={"event_id": event_id})
        return False
    polls = service.open_polls(event_id)
    if not polls or not _claim(event_id, email, due["run_id"]):
        return False
    _email_link(event, registration or {}, polls, asked=False)
    store.update(keys.poll_invitation(event_id, email), "SET sent_at = :now",
                 vals={":now": clock.iso(clock.now())}, return_values="NONE")
    return True


def _email_link(event: dict[str, Any], registration: dict[str, Any], polls: list[dict[str, Any]], *,
                asked: bool) -> None:
    """Email a registrant a new personal link to the event's polls (`asked`: they asked for it)."""
    email = registration["email"]
    raw = service.issue_link(event["event_id"], email, LINK_DAYS)
    settings = get_settings()
    title = display_title(event)
    mail.send(mail.Email(
        to=email,
        subject=f"Your link to answer the polls of {title}" if asked
        else f"How was {title}? {_questions(len(polls))}",
        template="poll_invitation",
        # Thanked for coming only once the event is over and they were not marked absent.
        context={"event": event, "title": title, "count": len(polls), "asked": asked,
                 "came": event["ends_at"] <= clock.iso(clock.now()) and (
                     not _attendance_taken(event) or bool(registration.get("attended"))),
                 "questions": _questions(len(polls)).lower(), "days": LINK_DAYS,
                 "name": registration.get("name") or "",
                 "link": f"{settings.public_base_url}/p/{raw}"},
    ))


# --- someone in the room asks for their link -------------------------------------------------------
#
# A poll on the room's screen shows a QR code. It cannot carry a personal link (everyone sees
# it), and a shared link would let anyone vote any number of times. So it opens a page where a
# registrant enters their address, and their own link goes to that address: one vote per
# attendee per poll still holds, and a stranger typing someone else's address gains nothing.


def request_link(event_id: str, request: EmailRequest) -> None:
    """Accept a request for a personal poll link; the answer never depends on who asked.

    Within the rate limit the request is stored for the relay; robots and requests over the
    limit are dropped without a word.
    """
    if request.by_robot or not rate_limits.within_hourly_limits([
        # Per address only: each client is limited at the route (core/rate_limits).
        ("poll-link-email", hashing.email_digest(request.email), LINK_REQUESTS_PER_EMAIL_PER_HOUR),
    ]):
        logger.info("poll link request dropped", extra={"event_id": event_id, "by_robot": request.by_robot})
        return
    outbox.put(LINK_REQUESTED, {"request_id": secrets.token_hex(16), "event_id": event_id,
                                "email": request.email, "requested_at": clock.iso(clock.now())})


def send_requested_link(request: PollLinkRequested) -> bool:
    """Email the person their personal poll link, if they may vote (confirmed or attended) and
    the event has open polls; return whether it was sent. Nobody else hears anything."""
    event = events.get_event(request["event_id"])
    registration = registrations.get_registration(request["event_id"], request["email"])
    if event is None or event.get("cancelled_at") or not service.may_vote(registration):
        logger.info("no poll link for this address", extra={"event_id": request["event_id"]})
        return False
    polls = service.open_polls(event["event_id"])
    if not polls:
        return False
    _email_link(event, registration or {}, polls, asked=True)
    return True


def _questions(count: int) -> str:
    return f"{count} quick question{'s' if count != 1 else ''}"


def _claim(event_id: str, email: str, run_id: str) -> bool:
    """Mark the person as invited; False if they already were. The same run may take its mark
    again when its email was never sent (a crash between the two), so nobody goes without."""
    try:
        store.put(
            {**keys.poll_invitation(event_id, email),
             **keys.person(email, keys.person_polls("invitation", event_id)),
             "event_id": event_id, "email": email, "run_id": run_id,
             "claimed_at": clock.iso(clock.now())},
            condition="attribute_not_exists(pk) OR (#run_id = :run_id AND attribute_not_exists(sent_at))",
            names={"#run_id": "run_id"}, vals={":run_id": run_id},
        )
    except store.ConditionFailed:
        logger.info("already invited to the polls", extra={"event_id": event_id})
        return False
    return True
