"""The domain events on the bus, one TypedDict per DetailType, each the shape of the `detail`
that events/schemas/<DetailType>.json describes (a test keeps the two equal).

Publishers build these; consumers receive them (parsed from JSON: the schema is the promise).
"""

# No `from __future__ import annotations` here: TypedDict reads NotRequired[...] at class creation.
from typing import NotRequired, TypedDict, get_args


class EventScheduled(TypedDict):
    event_id: str
    starts_at: str
    ends_at: str


class EventUpdated(TypedDict):
    event_id: str
    changed: list[str]
    capacity_before: int
    capacity_after: int
    starts_at: str
    ends_at: str
    moved: NotRequired[list[str]]  # calendar fields whose value changed: people get a new invite
    notify: NotRequired[bool]  # false: the organiser fixed a typo and tells no one
    before: NotRequired[dict[str, str]]  # what calendars held, to say what changed


class EventCancelled(TypedDict):
    event_id: str
    cancelled_at: str
    message: str


class EventNoticeDue(TypedDict):
    """One person's email about their event: moved (an updated invite) or cancelled."""

    event_id: str
    registration_id: str
    email: str
    notice: str  # "moved" or "cancelled"
    sequence: int  # the event's calendar sequence it is about: a later move is a new notice
    before: NotRequired[dict[str, str]]


class EventMessageRequested(TypedDict):
    event_id: str
    message_id: str


class EventMessageDue(TypedDict):
    event_id: str
    message_id: str
    registration_id: str
    email: str


class RegistrationConfirmed(TypedDict):
    event_id: str
    registration_id: str
    email: str
    registered_at: str


class RegistrationWaitlisted(TypedDict):
    event_id: str
    registration_id: str
    email: str
    registered_at: str
    arrival: str


class RegistrationRepeated(TypedDict):
    event_id: str
    registration_id: str
    email: str
    status: str
    requested_at: str


class RegistrationCancelled(TypedDict):
    event_id: str
    registration_id: str
    email: str
    previous_status: str
    cancelled_at: str
    promoted: NotRequired[bool]  # the place went to the next person waiting


class WaitlistPromoted(TypedDict):
    event_id: str
    registration_id: str
    email: str
    promoted_at: str


class PlaceOffered(TypedDict):
    """A freed place near the start, held for a waiting person until `expires_at`."""

    event_id: str
    registration_id: str
    email: str
    offered_at: str
    expires_at: str


class OfferExpiryDue(TypedDict):
    event_id: str
    registration_id: str
    email: str
    expires_at: str  # names the offer: one answered (or passed on) since is left alone


class AddressConfirmationRequested(TypedDict):
    """A place (or spot) held pending until the emailed link is opened, or until `expires_at`."""

    event_id: str
    registration_id: str
    email: str
    requested_at: str
    expires_at: str


class HoldExpiryDue(TypedDict):
    event_id: str
    registration_id: str
    email: str
    expires_at: str


class RemindersDue(TypedDict):
    event_id: str
    starts_at: str


class ReminderDue(TypedDict):
    event_id: str
    registration_id: str
    email: str
    starts_at: str


class PollInvitationsRequested(TypedDict):
    event_id: str
    run_id: str
    requested_by: str
    requested_at: NotRequired[str]
    ends_at: NotRequired[str]  # set by the end-of-event schedule


class PollInvitationDue(TypedDict):
    event_id: str
    run_id: str
    email: str
    registration_id: str


class PollLinkRequested(TypedDict):
    request_id: str
    event_id: str
    email: str
    requested_at: str


class SlidesRequested(TypedDict):
    request_id: str
    event_id: str
    email: str
    consent: bool
    requested_at: str


class NominationReceived(TypedDict):
    nomination_id: str
    received_at: str


class NominationDecided(TypedDict):
    decision_id: str
    nomination_id: str
    status: str
    message: str
    decided_at: str


class TopicSuggested(TypedDict):
    topic_id: str
    email: str
    suggested_at: str


class SubscriptionRequested(TypedDict):
    request_id: str
    email: str
    name: str
    organisation: str
    requested_at: str


class SignInRequested(TypedDict):
    request_id: str
    email: str
    requested_at: str


class VoteRequested(TypedDict):
    request_id: str
    topic_id: str
    email: str
    requested_at: str


class ReportRunRequested(TypedDict):
    event_id: str
    run_id: str
    requested_by: str
    dry_run: NotRequired[bool]
    test_recipient: NotRequired[str]
    requested_at: NotRequired[str]


class AttendanceChunkDue(TypedDict):
    event_id: str
    run_id: str
    chunk: int
    emails: list[str]


class ReportBatchDue(TypedDict):
    event_id: str
    run_id: str
    batch: int
    dry_run: bool
    emails: list[str]


class ReportRunFinished(TypedDict):
    event_id: str
    run_id: str


DomainEvent = (
    EventScheduled | EventUpdated | RegistrationConfirmed | RegistrationWaitlisted | RegistrationRepeated
    | EventCancelled | EventNoticeDue | RegistrationCancelled | WaitlistPromoted | RemindersDue | ReminderDue
    | PlaceOffered | OfferExpiryDue | AddressConfirmationRequested | HoldExpiryDue
    | PollInvitationsRequested | EventMessageRequested | EventMessageDue
    | PollInvitationDue | PollLinkRequested | SlidesRequested | NominationReceived | NominationDecided | TopicSuggested
    | VoteRequested | SubscriptionRequested | ReportRunRequested | ReportBatchDue | ReportRunFinished
    | SignInRequested | AttendanceChunkDue
)

# Each DetailType and the shape of its detail.
DETAIL_TYPES: dict[str, type] = {shape.__name__: shape for shape in get_args(DomainEvent)}
