"""What every route takes and answers, as JSON Schemas: the source of the OpenAPI document.

One entry per (method, path) the app serves; a test fails for a route without one, so a new
route is described when it is added. Field limits follow the forms modules and API.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html"
CSV = "text/csv"


def text(max_length: int, **extra: Any) -> Schema:
    return {"type": "string", "maxLength": max_length, **extra}


def one_of(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


def obj(properties: dict[str, Schema], required: tuple[str, ...] = (), *, closed: bool = False) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def list_of(item: Schema, **extra: Any) -> Schema:
    return {"type": "array", "items": item, **extra}


EMAIL = text(254, format="email")
# A form sends "on"/"true"/"false"; JSON sends a boolean. Both are read the same way.
FLAG: Schema = {"type": "boolean"}
MOMENT = text(40, format="date-time", description="ISO 8601 with an offset (or read in the event's zone)")
ANY_OBJECT: Schema = {"type": "object"}
NULLABLE_TEXT: Schema = {"type": ["string", "null"]}
NULLABLE_INT: Schema = {"type": ["integer", "null"]}

ERRORS = obj({"errors": {"type": "object", "additionalProperties": {"type": "string"}}}, ("errors",))
RECEIVED = obj({"status": one_of("received")}, ("status",))
# `offered`: places held for a waiting person who has been offered one near the start.
COUNTS = obj({name: {"type": "integer", "minimum": 0}
              for name in ("confirmed", "waitlisted", "cancelled", "attended", "offered")},
             ("confirmed", "waitlisted", "cancelled", "attended"))
# The report's parts from the event's data (chalicelib.reports.event_parts.PARTS).
REPORT_PARTS = ("thanks", "speakers", "organisations", "slides", "vote", "call_for_hosts", "previous_hosts")
SPEAKER = obj({"name": text(120), "organisation": text(150), "role": text(120)}, ("name",), closed=True)
EVENT = obj({
    "event_id": {"type": "string"}, "title": {"type": "string"}, "number": NULLABLE_INT,
    "starts_at": {"type": "string"}, "ends_at": {"type": "string"}, "timezone": {"type": "string"},
    "venue": {"type": "string"}, "host": {"type": "string"}, "capacity": {"type": "integer"},
    "description": {"type": "string"}, "registration_closes_at": NULLABLE_TEXT,
    "slide_policy": {"type": "string"}, "speakers": list_of(SPEAKER), "counts": COUNTS,
    "cancelled_at": {"type": "string"}, "cancel_message": {"type": "string"}, "sequence": {"type": "integer"},
    "confirm_address": FLAG, "offer_window_hours": {"type": "integer"},
}, ("event_id", "title", "starts_at", "ends_at", "timezone", "counts"))
POLL = obj({
    "poll_id": {"type": "string"}, "event_id": {"type": "string"}, "question": {"type": "string"},
    "kind": one_of("single", "multiple", "rating"), "status": {"type": "string"},
    "options": list_of({"type": "string"}), "scale": ANY_OBJECT,
}, ("poll_id", "question", "kind"))
COUNT = {"type": "integer", "minimum": 0}
RUN = obj({"run_id": {"type": "string"}, "status": {"type": "string"}, "event_id": {"type": "string"},
           "dry_run": {"type": "boolean"}, "recipients": COUNT, "sent": COUNT, "skipped": COUNT,
           "failed": COUNT, "would_send": COUNT,
           # A dry run names whom it would skip and why (no consent, unsubscribed, bounced, ...),
           # up to 500 people; `skipped` is the whole count.
           "skipped_people": list_of(obj({"email": {"type": "string"}, "reason": {"type": "string"}},
                                         ("email", "reason")))},
          ("run_id", "status"))

# An attendance run (a long list marked in chunks): counts of the distinct addresses sent.
ATTENDANCE_RUN = obj({"run_id": {"type": "string"}, "event_id": {"type": "string"},
                      "status": {"enum": ["queued", "marking", "done"]}, "done": FLAG,
                      "total": COUNT, "marked": COUNT, "already": COUNT, "unknown": COUNT,
                      "unknown_emails": list_of({"type": "string"}), "chunks": COUNT, "chunks_done": COUNT,
                      "requested_by": {"type": "string"}, "requested_at": {"type": "string"},
                      "finished_at": {"type": "string"}},
                     ("run_id", "event_id", "status", "done", "total", "marked", "already", "unknown",
                      "unknown_emails"))


@dataclass(frozen=True)
class Reply:
    """One status code's answer: a description and a body per media type (None: no schema)."""

    description: str
    content: dict[str, Schema | None] = field(default_factory=dict)
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A value of one answer that feeds another operation's path parameter (stateful runs)."""

    operation: tuple[str, str]
    parameter: str
    pointer: str


@dataclass(frozen=True)
class Operation:
    summary: str
    replies: dict[int, Reply]
    body: Schema | None = None
    body_types: tuple[str, ...] = (FORM, JSON)
    body_required: bool = True
    query: dict[str, Schema] = field(default_factory=dict)
    links: dict[int, tuple[Link, ...]] = field(default_factory=dict)


def page(description: str, json: Schema | None = None) -> Reply:
    """An HTML page for a browser, or JSON when the client asks for it."""
    return Reply(description, {HTML: None, **({JSON: json} if json is not None else {})})


def json_only(description: str, schema: Schema) -> Reply:
    return Reply(description, {JSON: schema})


NOT_FOUND = page("no such resource (JSON with Accept: application/json)", ERRORS)
INVALID = page("a field is wrong: the form again with each message next to its field, or JSON errors", ERRORS)
INVALID_JSON = json_only("a field is wrong; each message names what to correct", ERRORS)
TOO_LARGE = page("the body is above the 64 KB limit", ERRORS)
UNSUPPORTED = json_only("the body is not one of the route's media types", ANY_OBJECT)
LIMITED = Reply("too many requests from this client", {HTML: None, JSON: ERRORS}, ("Retry-After",))
UNAUTHORISED = json_only("no organiser key", ANY_OBJECT)
FORBIDDEN = json_only("a wrong or revoked organiser key", ANY_OBJECT)


def public_post(summary: str, done: dict[int, Reply], body: Schema | None, *,
                found: bool = True, types: tuple[str, ...] = (FORM, JSON), required: bool = True) -> Operation:
    """A public POST: its own answers plus those every public body route shares."""
    replies = {**done, 400: INVALID, 413: TOO_LARGE, 415: UNSUPPORTED, 429: LIMITED}
    if found:
        replies[404] = NOT_FOUND
    return Operation(summary, replies, body, types, body_required=required)


def admin(summary: str, done: dict[int, Reply], body: Schema | None = None, *, found: bool = True,
          query: dict[str, Schema] | None = None, links: dict[int, tuple[Link, ...]] | None = None,
          conflict: str = "") -> Operation:
    """An organiser route: JSON in and out, the organiser key required."""
    replies = {**done, 401: UNAUTHORISED, 403: FORBIDDEN}
    if body is not None:
        replies.update({400: INVALID_JSON, 413: TOO_LARGE, 415: UNSUPPORTED})
    if query:
        replies[400] = INVALID_JSON
    if found:
        # A missing resource is answered by content negotiation, as on the public routes.
        replies[404] = NOT_FOUND
    if conflict:
        replies[409] = json_only(conflict, ERRORS)
    return Operation(summary, replies, body, (JSON,) if body is not None else (), query=query or {},
                     links=links or {})


# --- the organisers' console: HTML pages behind a session cookie, forms with a CSRF token -----

TO_SIGN_IN = Reply("not signed in: to the sign-in page (/console)", headers=("Location",))
CSRF_REFUSED = page("no live console session, or the form's CSRF token is missing or wrong", ERRORS)
CSRF_ONLY = obj({"csrf_token": text(100)})


def console_page(summary: str, *, found: bool = False, query: dict[str, Schema] | None = None) -> Operation:
    """A console page (GET): the page when signed in, else a redirect to the sign-in page."""
    replies = {200: page("the page"), 303: TO_SIGN_IN}
    if found:
        replies[404] = NOT_FOUND
    return Operation(summary, replies, query=query or {})


def console_post(summary: str, done: dict[int, Reply], body: Schema = CSRF_ONLY, *,
                 found: bool = False) -> Operation:
    """A console form (POST): its own answers plus those every console form shares; a form sent
    without its session's CSRF token is refused before anything is read or changed."""
    replies = {**done, 400: INVALID, 403: CSRF_REFUSED, 413: TOO_LARGE, 415: UNSUPPORTED}
    if found:
        replies[404] = NOT_FOUND
    return Operation(summary, replies, body)


REGISTRANT_FIELDS: dict[str, Schema] = {
    "email": EMAIL, "name": text(120), "organisation": text(150),
    "job_title": text(150), "needs": text(1000, description="access, dietary, quiet room"),
    "consent_report": FLAG, "consent_updates": FLAG,
}
EVENT_FIELDS: dict[str, Schema] = {
    "title": text(150), "number": {"type": "integer", "minimum": 1, "maximum": 100_000},
    "starts_at": MOMENT, "ends_at": MOMENT, "timezone": text(64, description="an IANA time zone name"),
    "venue": text(300), "host": text(150), "capacity": {"type": "integer", "minimum": 1, "maximum": 10_000},
    "description": text(5000), "registration_closes_at": MOMENT,
    "slide_policy": one_of("registered", "consented", "public"),
    "speakers": list_of(SPEAKER, maxItems=30),
    # A new registration holds its place as pending until its emailed link is opened.
    "confirm_address": FLAG,
    # Inside this many hours before the start a freed place is offered, not given (default 48).
    "offer_window_hours": {"type": "integer", "minimum": 0, "maximum": 336},
}
_OFFER = obj({"state": one_of("open", "accepted", "declined", "lapsed"), "already": FLAG,
               "offer_expires_at": {"type": "string"}, "event": EVENT}, ("state", "event"))
_HOLD = obj({"status": one_of("pending", "confirmed"), "already": FLAG, "registration": ANY_OBJECT,
             "event": EVENT}, ("status", "event"))
EVENT_REQUIRED = ("title", "starts_at", "ends_at", "timezone", "venue", "host", "capacity")
MONTHS = one_of("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
NOMINATION_FIELDS: dict[str, Schema] = {
    "kind": one_of("host"), "organisation": text(150), "contact_name": text(120), "email": EMAIL,
    "city": text(80), "venue": text(300), "capacity": {"type": "integer", "minimum": 1, "maximum": 5000},
    "facilities": text(1000), "preferred_months": list_of(MONTHS), "message": text(2000),
}
ANSWER: Schema = {"oneOf": [{"type": "string"}, {"type": "integer"}, list_of({"type": "string"})]}


def _confirmation(status: str) -> Schema:
    """A topic suggestion's or vote's link, before (pending) and after its button (confirmed)."""
    return obj({"status": one_of(status), "kind": one_of("topic", "vote"), "topic": ANY_OBJECT}, ("status",))


EMAIL_ONLY = obj({"email": EMAIL}, ("email",), closed=True)
ADMIN_TOPIC = obj({
    "topic_id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
    "votes": COUNT, "chosen": {"type": "boolean"}, "status": one_of("listed", "hidden", "merged"),
    "email": {"type": "string"}, "merged_into": {"type": "string"}, "merged_from": list_of({"type": "string"}),
}, ("topic_id", "title", "votes", "chosen", "status"))
TOPIC_ANSWER = obj({"topic": ADMIN_TOPIC}, ("topic",))

_EVENT_LINKS = (
    Link(("get", "/admin/events/{event_id}"), "event_id", "/event_id"),
    Link(("patch", "/admin/events/{event_id}"), "event_id", "/event_id"),
    Link(("get", "/events/{event_id}"), "event_id", "/event_id"),
    Link(("get", "/events/{event_id}/slides"), "event_id", "/event_id"),
    Link(("post", "/events/{event_id}/registrations"), "event_id", "/event_id"),
    Link(("post", "/admin/events/{event_id}/polls"), "event_id", "/event_id"),
    Link(("get", "/admin/events/{event_id}/registrations"), "event_id", "/event_id"),
    Link(("put", "/admin/events/{event_id}/report"), "event_id", "/event_id"),
    Link(("post", "/admin/events/{event_id}/slides"), "event_id", "/event_id"),
)
_POLL_LINKS = (
    Link(("get", "/admin/polls/{poll_id}/results"), "poll_id", "/poll_id"),
    Link(("post", "/admin/polls/{poll_id}/close"), "poll_id", "/poll_id"),
)

OPERATIONS: dict[tuple[str, str], Operation] = {
    # --- public -------------------------------------------------------------------------------
    ("get", "/"): Operation("the front door", {302: Reply("to the events page", headers=("Location",))}),
    ("get", "/favicon.ico"): Operation("the site's icon", {200: Reply("an SVG icon", {"image/svg+xml": None})}),
    ("get", "/health"): Operation("liveness", {200: json_only("up", obj({"status": one_of("ok")}, ("status",)))}),
    ("get", "/privacy"): Operation("the privacy notice", {200: page("the notice")}),
    ("post", "/subscriptions"): public_post(
        "ask for news of future events: a confirmation link goes by email",
        {202: page("received: the same whether or not the address is known", RECEIVED)},
        obj({"email": EMAIL, "name": text(120), "organisation": text(150)},
            ("email",), closed=True), found=False),
    ("get", "/subscriptions/{token}"): Operation(
        "the emailed link's page: a button that confirms joining (looking joins nothing)",
        {200: page("the page", obj({"status": one_of("pending"), "email": EMAIL}, ("status", "email"))),
         404: NOT_FOUND}),
    ("post", "/subscriptions/{token}"): public_post(
        "confirm joining the list",
        {200: page("joined (again is fine)", obj({"status": one_of("confirmed"), "email": EMAIL},
                                                 ("status", "email")))},
        obj({}), required=False),
    ("get", "/events"): Operation("upcoming events", {200: page("the events page", list_of(EVENT))}),
    ("get", "/events/past"): Operation(
        "past events, latest first, with their hosts and links to published reports",
        {200: page("the past events page", list_of({**EVENT, "properties": {
            **EVENT["properties"], "report_url": NULLABLE_TEXT}}))}),
    ("get", "/events/{event_id}"): Operation(
        "an event's page and registration form", {200: page("the event", EVENT), 404: NOT_FOUND}),
    ("post", "/events/{event_id}/registrations"): public_post(
        "register for an event; the outcome goes by email",
        {202: page("received: the same for a new, waitlisted or repeated registration", RECEIVED),
         409: page("registration is closed", ERRORS)},
        obj(REGISTRANT_FIELDS, ("email", "name", "organisation"), closed=True)),
    ("get", "/r/{token}"): Operation(
        "manage my registration", {200: page("details, calendar links and cancel", obj(
            {"event": EVENT, "registration": ANY_OBJECT}, ("event", "registration"))), 404: NOT_FOUND}),
    ("post", "/r/{token}"): public_post(
        "change my details: a form sends every field, JSON only those that change",
        {200: page("saved: the page again, or the registration as now held", obj(
            {"event": EVENT, "registration": ANY_OBJECT}, ("event", "registration")))},
        obj({name: REGISTRANT_FIELDS[name] for name in (
            "name", "organisation", "job_title", "needs", "consent_report", "consent_updates")}, closed=True),
        required=False),
    ("get", "/r/{token}/invite.ics"): Operation(
        "my calendar invite again (a confirmed place)",
        {200: Reply("the .ics file", {"text/calendar": None}), 404: NOT_FOUND}),
    ("get", "/o/{token}"): Operation(
        "a place offered near the start: the page to accept or decline it (opening it answers nothing)",
        {200: page("the offer, open or as it was answered (accepted, declined, lapsed)", _OFFER), 404: NOT_FOUND},
        query={"answer": one_of("accept", "decline")}),
    ("post", "/o/{token}"): public_post(
        "answer an offered place: accept takes it, decline passes it to the next person waiting",
        {200: page("answered (already: the same answer was given before)", _OFFER),
         409: page("the offer has lapsed (or was answered the other way, or the event has begun)", ERRORS)},
        obj({"answer": one_of("accept", "decline")}, ("answer",), closed=True)),
    ("get", "/a/{token}"): Operation(
        "a registration's link to confirm its address (events that ask for it): a page with a Confirm button",
        {200: page("the confirm page", _HOLD), 404: NOT_FOUND}),
    ("post", "/a/{token}"): public_post(
        "the page's Confirm button: the held place (or waiting spot) becomes the person's, once",
        {200: page("confirmed (already: it was before)", _HOLD)}, obj({}), required=False),
    ("get", "/k/{token}"): Operation(
        "a check-in code (what the confirmation's QR code opens): shown for the door; changes nothing",
        {200: page("the code"), 404: NOT_FOUND}),
    ("post", "/r/{token}/cancel"): public_post(
        "cancel my registration", {
            200: page("cancelled", obj({"status": one_of("cancelled"), "already": FLAG}, ("status",))),
            409: page("the event has started", ERRORS)},
        obj({}), required=False),
    ("get", "/events/{event_id}/slides"): Operation(
        "the form to ask for an event's slides", {200: page("the form"), 404: NOT_FOUND}),
    ("post", "/events/{event_id}/slides/requests"): public_post(
        "ask for the slides; a link is emailed where policy allows",
        {202: page("always the same answer", RECEIVED)},
        obj({"email": EMAIL, "consent": FLAG}, ("email",), closed=True)),
    ("get", "/s/{token}"): Operation(
        "a slide link: a page with a Download button; opening it uses nothing",
        {200: page("the download page", obj({"filename": {"type": "string"}, "uses_left": {"type": "integer"},
                                              "expires_at": {"type": "string"}}, ("filename",))),
         404: NOT_FOUND}),
    ("post", "/s/{token}"): public_post(
        "the page's Download button: counts one use",
        {303: Reply("to a short-lived download URL", headers=("Location",))},
        obj({}), required=False),
    ("get", "/events/{event_id}/polls"): Operation(
        "where a poll's QR code on the room's screen leads: ask for your personal poll link by email",
        {200: page("the form"), 404: NOT_FOUND}),
    ("post", "/events/{event_id}/polls/links"): public_post(
        "email my personal poll link to the address I registered with",
        {202: page("always the same answer; the link goes only to a confirmed registrant", RECEIVED)},
        EMAIL_ONLY),
    ("get", "/p/{token}"): Operation(
        "my poll page: every open poll of the event",
        {200: page("the polls", obj({"event": ANY_OBJECT, "polls": list_of(ANY_OBJECT)}, ("event", "polls"))),
         404: NOT_FOUND}),
    ("post", "/p/{token}"): public_post(
        "answer polls: JSON {answers: {poll_id: answer}} or form fields poll_<poll_id>",
        {200: page("recorded", obj({"recorded": {}}, ("recorded",))),
         409: page("already answered (per poll); what else was sent is recorded", ERRORS)},
        obj({"answers": {"type": "object", "additionalProperties": ANSWER}}, ("answers",))),
    ("get", "/nominations/host"): Operation("the host nomination form", {200: page("the form")}),
    ("post", "/nominations"): public_post(
        "nominate a host organisation", {202: page("received", RECEIVED)},
        obj(NOMINATION_FIELDS, ("organisation", "contact_name", "email", "city", "venue", "capacity"),
            closed=True), found=False),
    ("get", "/topics"): Operation(
        "suggested topics with vote counts",
        {200: page("the topics", obj({"topics": list_of(ANY_OBJECT)}, ("topics",)))}),
    ("post", "/topics"): public_post(
        "suggest a topic; listed once the emailed link is opened", {202: page("received", RECEIVED)},
        obj({"title": text(120), "description": text(1000), "email": EMAIL}, ("title", "email"), closed=True),
        found=False),
    ("post", "/topics/{topic_id}/votes"): public_post(
        "vote for a topic; counted once the emailed link is opened", {202: page("received", RECEIVED)},
        EMAIL_ONLY),
    ("get", "/v/{token}"): Operation(
        "a topic suggestion's or vote's link: a page with a Confirm button; opening it confirms nothing",
        {200: page("the confirm page", _confirmation("pending")), 404: NOT_FOUND}),
    ("post", "/v/{token}"): public_post(
        "the page's Confirm button: lists the suggestion or counts the vote, once",
        {200: page("confirmed", _confirmation("confirmed"))}, obj({}), required=False),
    ("get", "/reports"): Operation(
        "the series' published summary reports, newest event first",
        {200: page("the archive", obj({"reports": list_of(ANY_OBJECT)}, ("reports",)))}),
    ("get", "/reports/{event_id}"): Operation(
        "the web version of an event's summary report", {200: page("the report"), 404: NOT_FOUND}),
    ("get", "/u/{token}"): Operation("preferences and unsubscribe", {200: page("the page"), 404: NOT_FOUND}),
    ("post", "/u/{token}"): public_post(
        "RFC 8058 one-click unsubscribe (List-Unsubscribe=One-Click)",
        {200: page("unsubscribed", obj({"status": one_of("unsubscribed")}, ("status",)))},
        obj({"List-Unsubscribe": one_of("One-Click")}), types=(FORM, JSON), required=False),
    # --- organisers ---------------------------------------------------------------------------
    ("post", "/admin/events"): admin(
        "create an event",
        {201: json_only("created", obj({"event_id": {"type": "string"}, "event": EVENT}, ("event_id",)))},
        obj(EVENT_FIELDS, EVENT_REQUIRED, closed=True), found=False, links={201: _EVENT_LINKS}),
    ("get", "/admin/events"): admin("every event", {200: json_only("the events", list_of(EVENT))}, found=False),
    ("get", "/admin/events/{event_id}"): admin("an event with its counts", {200: json_only("the event", EVENT)}),
    ("patch", "/admin/events/{event_id}"): admin(
        "change an event's fields; people are told of time, zone, venue or title changes",
        {200: json_only("the changed event", EVENT)},
        {**obj({**EVENT_FIELDS, "notify": FLAG}, closed=True), "minProperties": 1},
        conflict="the event is cancelled"),
    ("post", "/admin/events/{event_id}/cancel"): admin(
        "cancel an event: registration closes and everyone confirmed or waiting is emailed a calendar CANCEL",
        {200: json_only("cancelled (already: it was before, and nobody was emailed again)", obj(
            {"status": one_of("cancelled"), "already": FLAG, "event": EVENT}, ("status", "already", "event")))},
        obj({"message": text(2000)}, closed=True)),
    ("post", "/admin/events/{event_id}/attendance"): admin(
        "mark people as attended, each once: up to 100 distinct addresses at once (200); more, up to "
        "2000, are queued (202) and marked in chunks: follow Location",
        {200: json_only("marked (100 distinct addresses or fewer): who was marked now, who already was, "
                        "and who is not registered", obj(
                            {name: list_of({"type": "string"}) for name in ("marked", "already", "unknown")},
                            ("marked", "already", "unknown"))),
         202: Reply("queued (more than 100 distinct addresses): the run, to follow at Location",
                    {JSON: ATTENDANCE_RUN}, ("Location",))},
        obj({"emails": {"oneOf": [list_of(EMAIL, minItems=1, maxItems=2000), {"type": "string"}]}},
            ("emails",), closed=True),
        links={202: (Link(("get", "/admin/attendance-runs/{run_id}"), "run_id", "/run_id"),)}),
    ("get", "/admin/attendance-runs/{run_id}"): admin(
        "a long attendance list's progress: how many of its addresses were marked, already marked or "
        "not registered (named), and whether it is done",
        {200: json_only("the run", ATTENDANCE_RUN)}),
    ("post", "/admin/events/{event_id}/checkins"): admin(
        "check a person in at the door by their QR code's token (or link) or their email; once",
        {200: json_only("checked in, or already checked in", obj(
            {"status": one_of("checked_in", "already_checked_in"), "email": {"type": "string"},
             "name": {"type": "string"}, "organisation": {"type": "string"}}, ("status", "email")))},
        obj({"token": text(500), "email": EMAIL}, closed=True),
        conflict="the registration holds no place"),
    ("post", "/admin/events/{event_id}/messages"): admin(
        "write to an event's people: one email each, once, never to a bounced or complaining address",
        {202: json_only("queued", obj({"status": one_of("queued"), "message_id": {"type": "string"}},
                                      ("status", "message_id")))},
        obj({"audience": one_of("confirmed", "waitlisted", "attended", "all"), "subject": text(150),
             "markdown": text(20_000)}, ("audience", "subject", "markdown"), closed=True)),
    ("get", "/admin/events/{event_id}/messages/{message_id}"): admin(
        "an organiser message and who it was sent to",
        {200: json_only("the message", obj({
            "message_id": {"type": "string"}, "audience": {"type": "string"}, "subject": {"type": "string"},
            "markdown": {"type": "string"},
            "sent_to": list_of(obj({"email": {"type": "string"}, "sent_at": NULLABLE_TEXT}, ("email",)))},
            ("message_id", "sent_to")))}),
    ("get", "/admin/events/{event_id}/registrations"): admin(
        "every registration of an event",
        {200: Reply("the registrations", {JSON: obj(
            {"event_id": {"type": "string"}, "counts": COUNTS, "registrations": list_of(ANY_OBJECT)},
            ("event_id", "counts", "registrations")), CSV: None})},
        query={"format": one_of("json", "csv")}),
    ("post", "/admin/events/{event_id}/slides"): admin(
        "start a slide upload: a presigned PUT URL, or with method POST a presigned POST (for a browser's form)",
        {201: json_only("the upload URL", obj({
            "upload_url": {"type": "string"}, "key": {"type": "string"}, "file_id": {"type": "string"},
            "method": one_of("PUT", "POST"), "headers": ANY_OBJECT, "expires_in": {"type": "integer"},
            "fields": {**ANY_OBJECT, "description": "POST only: the form fields to send before the file"}},
            ("upload_url",)))},
        obj({"filename": text(200), "content_type": text(120),
             "size": {"type": "integer", "minimum": 1, "maximum": 100 * 1024 * 1024},
             "method": one_of("PUT", "POST")},
            ("filename", "content_type", "size"), closed=True)),
    ("get", "/admin/events/{event_id}/slides"): admin(
        "an event's slide files, downloads and leads", {200: json_only("the slides", ANY_OBJECT)}),
    ("delete", "/admin/events/{event_id}/slides/{file_id}"): admin(
        "remove a slide file", {200: json_only("removed", obj({"status": one_of("removed")}, ("status",)))}),
    ("post", "/admin/events/{event_id}/polls"): admin(
        "create a poll: options for single and multiple, a scale for rating",
        {201: json_only("created", obj({"poll_id": {"type": "string"}, "poll": POLL}, ("poll_id",)))},
        obj({"question": text(300), "kind": one_of("single", "multiple", "rating"),
             "options": list_of(text(200), minItems=2, maxItems=12),
             "scale": obj({"min": {"type": "integer"}, "max": {"type": "integer"},
                           "min_label": text(40), "max_label": text(40)}, closed=True)},
            ("question", "kind"), closed=True),
        links={201: _POLL_LINKS}),
    ("get", "/admin/events/{event_id}/polls"): admin(
        "an event's polls",
        {200: json_only("the polls", obj({"event_id": {"type": "string"}, "polls": list_of(POLL)}, ("polls",)))}),
    ("post", "/admin/polls/{poll_id}/close"): admin("close a poll", {200: json_only("the closed poll", POLL)}),
    ("get", "/admin/polls/{poll_id}/results"): admin(
        "a poll's results in counts and percent",
        {200: json_only("the results", obj({"total": {"type": "integer"}, "counts": ANY_OBJECT,
                                            "percent": ANY_OBJECT}, ("total", "counts", "percent")))}),
    ("post", "/admin/events/{event_id}/poll-invitations"): admin(
        "email each confirmed registrant a personal poll link now",
        {202: json_only("queued", obj({"status": one_of("queued"), "run_id": {"type": "string"}}, ("status",)))},
        conflict="the event has no open polls"),
    ("get", "/admin/nominations"): admin(
        "nominations, oldest first",
        {200: json_only("the nominations", obj({"nominations": list_of(ANY_OBJECT)}, ("nominations",)))},
        found=False, query={"status": one_of("received", "shortlisted", "accepted", "declined")}),
    ("post", "/admin/nominations/{nomination_id}/decision"): admin(
        "decide on a nomination; the nominee is emailed",
        {200: json_only("decided", obj({"nomination": ANY_OBJECT, "changed": FLAG}, ("nomination",)))},
        obj({"status": one_of("shortlisted", "accepted", "declined"), "message": text(2000)},
            ("status",), closed=True)),
    ("get", "/admin/topics"): admin(
        "every listed topic (most votes first) and every hidden one, with who suggested it",
        {200: json_only("the topics", obj({"listed": list_of(ADMIN_TOPIC), "hidden": list_of(ADMIN_TOPIC)},
                                          ("listed", "hidden")))}, found=False),
    ("post", "/admin/topics/{topic_id}/hide"): admin(
        "take a topic off the public list (it takes no votes until shown again)",
        {200: json_only("hidden", TOPIC_ANSWER)}, conflict="the topic was merged into another"),
    ("post", "/admin/topics/{topic_id}/show"): admin(
        "put a hidden topic back on the public list with its votes",
        {200: json_only("listed", TOPIC_ANSWER)}, conflict="the topic was merged into another"),
    ("post", "/admin/topics/{topic_id}/choice"): admin(
        "mark a listed topic as chosen for a future event (shown so on /topics), or unmark it",
        {200: json_only("the topic", TOPIC_ANSWER)},
        obj({"chosen": {**FLAG, "description": "false unmarks it; left out: chosen"}}, closed=True),
        conflict="the topic is hidden or merged"),
    ("post", "/admin/topics/{topic_id}/merge"): admin(
        "merge a duplicate into another listed topic: its votes move there, each person counted once",
        {200: json_only("merged (again finishes a merge that stopped, and moves nothing twice)", obj(
            {"topic": ADMIN_TOPIC, "moved": COUNT, "already": COUNT}, ("topic", "moved", "already")))},
        obj({"into": text(64)}, ("into",), closed=True),
        conflict="the topic was merged into another one"),
    ("put", "/admin/events/{event_id}/report"): admin(
        "the report's editorial sections and settings (parts shown, organisations, minimum answers, automatic run)",
        {200: json_only("the report", obj({"event_id": {"type": "string"}, "sections": list_of(ANY_OBJECT)},
                                          ("event_id", "sections")))},
        obj({"sections": list_of(obj({"title": text(200), "markdown": text(20_000)}, ("title", "markdown"),
                                     closed=True), maxItems=20),
             "min_answers": {"type": "integer", "minimum": 5, "maximum": 1000},
             "show": obj({part: {"type": "boolean"} for part in REPORT_PARTS}, closed=True),
             "organisations": {"oneOf": [list_of(text(150), maxItems=300), {"type": "null"}]},
             "ready": {**FLAG, "description": "the report is ready to go"},
             "send_after_days": {"type": ["integer", "null"], "minimum": 0, "maximum": 60,
                                 "description": "once ready, send it by itself this many days after the event"}},
            ("sections",), closed=True)),
    ("get", "/admin/events/{event_id}/report"): admin(
        "the report's editorial sections",
        {200: json_only("the report", obj({"event_id": {"type": "string"}, "sections": list_of(ANY_OBJECT)},
                                          ("event_id", "sections")))}),
    ("post", "/admin/events/{event_id}/report-runs"): admin(
        "send (or dry-run) the summary report; the same run is never sent twice",
        {202: json_only("queued", RUN)},
        obj({"dry_run": FLAG, "test_recipient": EMAIL,
             "test_send": {**FLAG, "description": "send one copy to the organiser asking"},
             "correction": {**FLAG, "description": "send the report as it is now, once, to everyone the sent "
                                                   "report reached, as a correction"}}, closed=True),
        conflict="the report was already sent"),
    ("get", "/admin/events/{event_id}/report/preview"): admin(
        "the report email exactly as it would be sent now (personal links are placeholders)",
        {200: json_only("the email", obj({"to": {"type": "string"}, "subject": {"type": "string"},
                                          "text": {"type": "string"}, "html": {"type": "string"},
                                          "headers": ANY_OBJECT}, ("to", "subject", "text", "html")))}),
    ("get", "/admin/report-runs/{run_id}"): admin("a report run's progress", {200: json_only("the run", RUN)}),
    ("post", "/admin/report-runs/{run_id}/retry"): admin(
        "send a finished run's report again to those it failed or could not confirm, never to anyone sent",
        {202: json_only("queued", RUN)}, obj({}, closed=True),
        conflict="the run is a dry run or has not finished"),
    ("post", "/admin/announcements"): admin(
        "announce an event to every confirmed subscriber, once each (batched like a report run)",
        {202: json_only("queued", RUN)},
        obj({"event_id": text(100), "subject": text(150), "markdown": text(5000)}, ("event_id",), closed=True)),
    ("get", "/admin/announcements/{run_id}"): admin(
        "an announcement run's progress and counts", {200: json_only("the run", RUN)}),
    ("get", "/admin/consents"): admin(
        "how many want each kind of email: news of future events, and with event_id an event's report",
        {200: json_only("the counts", obj({
            "news": obj({"subscribed": COUNT, "left": COUNT}, ("subscribed", "left")),
            "reports": obj({"event_id": {"type": "string"}, "asked": COUNT, "refused": COUNT,
                            "would_receive": COUNT}, ("event_id", "asked", "refused", "would_receive"))},
            ("news",)))},
        query={"event_id": text(100)}),
    ("post", "/admin/people/export"): admin(
        "everything held about a person",
        {200: json_only("the data", obj({
            "email": {"type": "string"}, "held": ANY_OBJECT,
            # Until when each kind of the person's data is kept (chalicelib/privacy/retention.py).
            "kept_until": list_of(obj({"what": {"type": "string"}, "event_id": {"type": "string"},
                                       "until": {"type": "string"}}, ("what", "event_id", "until")))},
            ("email", "held")))},
        EMAIL_ONLY, found=False),
    ("post", "/admin/people/erase"): admin(
        "erase a person's data; aggregate counts stay",
        {200: json_only("erased", obj({"erased": {"type": "integer"}, "kept": ANY_OBJECT}, ("erased",)))},
        EMAIL_ONLY, found=False),
    ("get", "/console"): Operation(
        "the console: its sign-in form (an email address), or the dashboard when signed in",
        {200: page("the sign-in form or the dashboard")}),
    ("post", "/console/sign-in"): public_post(
        "ask for a one-time sign-in link (15 minutes): emailed only to an organiser's address",
        {202: page("asked: the same answer whether or not the address is an organiser's", RECEIVED)},
        EMAIL_ONLY, found=False),
    ("get", "/console/sign-in/{token}"): Operation(
        "the emailed sign-in link's page: a Sign in button (looking signs no one in)",
        {200: page("the page"), 404: NOT_FOUND}),
    ("post", "/console/sign-in/{token}"): public_post(
        "sign in: uses the link up and sets the session cookie (HttpOnly, SameSite=Lax, 12 hours)",
        {303: Reply("signed in: to the console, with Set-Cookie", headers=("Location", "Set-Cookie"))},
        obj({}), required=False),
    ("post", "/console/sign-out"): console_post(
        "sign out: the session ends and its cookie is cleared",
        {303: Reply("to the sign-in page", headers=("Location", "Set-Cookie"))}),
    ("get", "/console/events"): console_page("every event, to come and past, with its counts"),
    ("get", "/console/events/new"): console_page(
        "the form that creates an event; with from=EVENT_ID, filled in as the event after that one "
        "(number + 1, a month later)", query={"from": text(64)}),
    ("post", "/console/events"): console_post(
        "create an event (the fields of POST /admin/events; times without an offset are read in its zone)",
        {303: Reply("created: to its page", headers=("Location",))},
        obj({**EVENT_FIELDS, "csrf_token": text(100)})),
    ("get", "/console/events/{event_id}"): console_page(
        "an event: counts, registrations (search q, status), needs to plan for, writing to attendees",
        found=True, query={"q": text(100), "status": one_of("all", "confirmed", "waitlisted", "cancelled",
                                                             "attended")}),
    ("get", "/console/events/{event_id}/registrations.csv"): Operation(
        "every registration of the event as CSV (as /admin/events/{event_id}/registrations?format=csv)",
        {200: Reply("the CSV", {CSV: None}), 303: TO_SIGN_IN, 404: NOT_FOUND}),
    ("get", "/console/events/{event_id}/edit"): console_page("the form that changes an event", found=True),
    ("post", "/console/events/{event_id}/edit"): console_post(
        "change an event; notify (the \"tell attendees\" box) as PATCH /admin/events/{event_id}",
        {303: Reply("saved: to its page", headers=("Location",)),
         409: page("the event is cancelled", ERRORS)},
        obj({**EVENT_FIELDS, "notify": FLAG, "csrf_token": text(100)}), found=True),
    ("get", "/console/events/{event_id}/cancel"): console_page(
        "what cancelling the event does, with the form that does it", found=True),
    ("post", "/console/events/{event_id}/cancel"): console_post(
        "cancel the event, with an optional message to everyone (as POST /admin/events/{event_id}/cancel)",
        {303: Reply("cancelled (again changes nothing): to its page", headers=("Location",))},
        obj({"message": text(2000), "csrf_token": text(100)}), found=True),
    ("post", "/console/events/{event_id}/messages"): console_post(
        "email the event's people (as POST /admin/events/{event_id}/messages)",
        {303: Reply("queued: to the event's page", headers=("Location",))},
        obj({"audience": one_of("confirmed", "waitlisted", "attended", "all"), "subject": text(150),
             "markdown": text(20000), "csrf_token": text(100)}), found=True),
    ("get", "/console/events/{event_id}/door"): console_page(
        "check-in at the door: find a confirmed person by name (q) and check them in, or scan their code",
        found=True, query={"q": text(100)}),
    ("post", "/console/events/{event_id}/door"): console_post(
        "check someone in by email (a tap) or token (a scanned code), once (as POST /admin/events/{event_id}/checkins)",
        {303: Reply("to the door page, saying who was checked in", headers=("Location",)),
         200: json_only("for a script asking for JSON: who, and the counts after", obj({
             "status": one_of("checked_in", "already_checked_in"), "email": {"type": "string"},
             "name": {"type": "string"}, "organisation": {"type": "string"},
             "counts": obj({"attended": COUNT, "confirmed": COUNT}, ("attended", "confirmed"))},
             ("status", "email", "counts"))),
         409: page("the registration holds no place", ERRORS)},
        obj({"email": EMAIL, "token": text(500), "q": text(100), "csrf_token": text(100)}), found=True),
    ("get", "/console/events/{event_id}/door/count"): Operation(
        "the door page's live count of arrivals",
        {200: json_only("the counts", obj({"attended": COUNT, "confirmed": COUNT}, ("attended", "confirmed"))),
         303: TO_SIGN_IN, 404: NOT_FOUND}),
    ("get", "/console/people"): console_page("export or erase what is held about a person"),
    ("post", "/console/people/export"): console_post(
        "everything held about a person, on a page (as POST /admin/people/export)",
        {200: page("the export")}, obj({"email": EMAIL, "csrf_token": text(100)})),
    ("post", "/console/people/erase"): console_post(
        "erase a person's data: without confirm=yes, what is held and a button; with it, erased",
        {200: page("what is held, asking to confirm"), 303: Reply("erased: to the people page", headers=("Location",))},
        obj({"email": EMAIL, "confirm": one_of("yes"), "csrf_token": text(100)})),
    ("get", "/console/organisers"): console_page("the organisers' keys, and the form that adds one"),
    ("post", "/console/organisers"): console_post(
        "add an organiser: their key is shown once on the answer", {200: page("the key, once")},
        obj({"email": EMAIL, "csrf_token": text(100)})),
    ("post", "/console/organisers/revoke"): console_post(
        "revoke a key (by id or email): without confirm=yes, a page that asks; with it, revoked",
        {200: page("asking to confirm"), 303: Reply("revoked: to the organisers page", headers=("Location",))},
        obj({"key_id": text(254), "confirm": one_of("yes"), "csrf_token": text(100)}), found=True),
}

# --- the console's tools: an event's polls, slides and report; nominations; topics -----------
DECISION_FORM = obj({"csrf_token": text(100), "status": one_of("shortlisted", "accepted", "declined"),
                     "message": text(2000)}, ("status",))
SEND_FORM = obj({"csrf_token": text(100), "send_key": text(128)})
BACK_TO_PAGE = {303: Reply("done: back to the page, with a one-line message", headers=("Location",))}
NEW_POLL_FORM = obj({
    "csrf_token": text(100), "question": text(300), "kind": one_of("single", "multiple", "rating"),
    "options": text(3000, description="one option per line (single and multiple)"),
    "scale_min": text(3), "scale_max": text(3), "min_label": text(40), "max_label": text(40)},
    ("question", "kind"))

OPERATIONS.update({
    ("get", "/console/assets/{name}"): Operation(
        "one of the console's scripts (each page works without it)",
        {200: Reply("the script", {"text/javascript": None}), 404: NOT_FOUND}),
    ("get", "/console/events/{event_id}/polls"): console_page(
        "an event's polls with their results, and the form to create one", found=True),
    ("post", "/console/events/{event_id}/polls"): console_post(
        "create a poll: options one per line, or a scale with labels for its ends", BACK_TO_PAGE,
        NEW_POLL_FORM, found=True),
    ("post", "/console/polls/{poll_id}/close"): console_post("close a poll", BACK_TO_PAGE, found=True),
    ("post", "/console/events/{event_id}/poll-invitations"): console_post(
        "email each confirmed attendee their personal poll link (once each)",
        {**BACK_TO_PAGE, 409: page("the event has no open polls", ERRORS)}, found=True),
    ("get", "/console/polls/{poll_id}/present"): console_page(
        "present mode: the poll full screen, a QR code and short link to vote, a chart that follows the answers",
        found=True),
    ("get", "/console/polls/{poll_id}/present/results"): Operation(
        "what present mode asks every few seconds: the answer count and the chart's HTML",
        {200: json_only("the count and chart", obj({"poll_id": {"type": "string"}, "status": {"type": "string"},
                                                    "total": COUNT, "html": {"type": "string"}},
                                                   ("poll_id", "total", "html"))),
         303: TO_SIGN_IN, 404: NOT_FOUND}),
    ("get", "/console/events/{event_id}/slides"): console_page(
        "an event's slides with downloads per file and who downloaded, and a form that uploads to the bucket",
        found=True),
    ("post", "/console/events/{event_id}/slides/uploads"): console_post(
        "the upload form's script: a presigned POST bound to the file's name, type and size",
        {201: json_only("the upload", obj({"file_id": {"type": "string"}, "upload_url": {"type": "string"},
                                           "fields": ANY_OBJECT}, ("file_id", "upload_url", "fields")))},
        obj({"csrf_token": text(100), "filename": text(200), "content_type": text(120),
             "size": {"type": "integer", "minimum": 1, "maximum": 100 * 1024 * 1024}},
            ("filename", "size")), found=True),
    ("get", "/console/events/{event_id}/slides/uploaded"): Operation(
        "where S3 sends the browser after a plain form's upload: a form to name and record the file",
        {200: page("the page"), 303: TO_SIGN_IN, 404: NOT_FOUND},
        query={"key": text(1024), "bucket": text(255), "etag": text(100)}),
    ("post", "/console/events/{event_id}/slides/uploaded"): console_post(
        "record a file a plain form uploaded, under the name people will see", BACK_TO_PAGE,
        obj({"csrf_token": text(100), "key": text(1024), "filename": text(200)}, ("key", "filename")), found=True),
    ("post", "/console/events/{event_id}/slides/{file_id}/remove"): console_post(
        "remove a slide file; its links stop working", BACK_TO_PAGE, found=True),
    ("get", "/console/nominations"): Operation(
        "host nominations of one status, oldest first",
        {200: page("the page"), 303: TO_SIGN_IN},
        query={"status": one_of("received", "shortlisted", "accepted", "declined")}),
    ("get", "/console/nominations/{nomination_id}"): console_page(
        "a nomination with its decision form", found=True),
    ("post", "/console/nominations/{nomination_id}/preview"): console_post(
        "the email a decision would send the nominee, shown before anything is sent",
        {200: page("the nomination with the email to check")}, DECISION_FORM, found=True),
    ("post", "/console/nominations/{nomination_id}/decision"): console_post(
        "decide on a nomination; the nominee is emailed (deciding the same again sends nothing)",
        BACK_TO_PAGE, DECISION_FORM, found=True),
    ("get", "/console/topics"): console_page("listed and hidden topics, with hide, merge and choose"),
    ("post", "/console/topics/{topic_id}/hide"): console_post(
        "take a topic off the public list", {**BACK_TO_PAGE, 409: page("the topic was merged", ERRORS)},
        found=True),
    ("post", "/console/topics/{topic_id}/show"): console_post(
        "put a hidden topic back on the public list", {**BACK_TO_PAGE, 409: page("the topic was merged", ERRORS)},
        found=True),
    ("post", "/console/topics/{topic_id}/choice"): console_post(
        "mark a topic chosen for a future event, or unmark it",
        {**BACK_TO_PAGE, 409: page("the topic is hidden or merged", ERRORS)},
        obj({"csrf_token": text(100), "chosen": FLAG}), found=True),
    ("post", "/console/topics/{topic_id}/merge"): console_post(
        "merge a duplicate into another listed topic: its votes move, each person counted once",
        {**BACK_TO_PAGE, 409: page("the topic was merged into another one", ERRORS)},
        obj({"csrf_token": text(100), "into": text(64)}, ("into",)), found=True),
    ("get", "/console/events/{event_id}/report"): console_page(
        "the report's section editor, its parts from the event's data, and test, send and correction", found=True),
    ("post", "/console/events/{event_id}/report"): console_post(
        "save the report's sections (title and Markdown, repeated), parts shown and minimum of answers",
        BACK_TO_PAGE, obj({"csrf_token": text(100), "section_title": {"oneOf": [text(200), list_of(text(200))]},
                           "section_markdown": {"oneOf": [text(20_000), list_of(text(20_000))]},
                           "min_answers": text(5), "then": one_of("preview"),
                           **{f"show_{part}": FLAG for part in REPORT_PARTS}}), found=True),
    ("get", "/console/events/{event_id}/report/preview"): console_page(
        "the report email as it would be sent now: subject and text, with a link to its HTML", found=True),
    ("get", "/console/events/{event_id}/report/preview/email"): console_page(
        "the preview's HTML part as a page, as a mail client shows it", found=True),
    ("post", "/console/events/{event_id}/report/test"): console_post(
        "send a test copy of the report to the signed-in organiser",
        {303: Reply("to the test run's progress", headers=("Location",))}, found=True),
    ("get", "/console/events/{event_id}/report/send"): console_page(
        "confirm sending the report: how many people it goes to", found=True),
    ("post", "/console/events/{event_id}/report/send"): console_post(
        "send the report (the same send_key gives back the same run)",
        {303: Reply("to the run's progress", headers=("Location",)),
         409: page("the report was already sent", ERRORS)}, SEND_FORM, found=True),
    ("get", "/console/events/{event_id}/report/correction"): console_page(
        "confirm a correction: how many people the sent report reached", found=True),
    ("post", "/console/events/{event_id}/report/correction"): console_post(
        "send the report as it is now, once, to everyone the sent report reached",
        {303: Reply("to the run's progress", headers=("Location",)),
         409: page("the report has not been sent yet", ERRORS)}, SEND_FORM, found=True),
    ("get", "/console/report-runs/{run_id}"): console_page(
        "a run's progress; the page reloads itself until the run is done", found=True),
})
