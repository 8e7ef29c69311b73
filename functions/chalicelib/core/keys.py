"""Single-table key design: the only module that knows how items are keyed.

Table: pk/sk, GSI1 (gsi1pk/gsi1sk) for ordered listings, GSI2 (gsi2pk/gsi2sk) for a person's
items across events; `expires_at` (epoch seconds) is the TTL attribute.
"""

from __future__ import annotations

from typing import Any

GSI1 = "gsi1"
GSI2 = "gsi2"
TTL_ATTRIBUTE = "expires_at"


# A primary key: {"pk": ..., "sk": ...}.
Key = dict[str, str]


def event(event_id: str) -> Key:
    return {"pk": f"EVENT#{event_id}", "sk": "EVENT"}


def event_listing(starts_at_iso: str, event_id: str) -> dict[str, str]:
    """GSI1 attributes that list every event by start time, without a Scan."""
    return {"gsi1pk": "EVENTS", "gsi1sk": f"{starts_at_iso}#{event_id}"}


EVENT_LISTING_PK = "EVENTS"


def registration(event_id: str, email: str) -> Key:
    return {"pk": f"EVENT#{event_id}", "sk": f"REG#{email}"}


REGISTRATION_PREFIX = "REG#"


def waiting_listing(event_id: str, arrival: str) -> dict[str, str]:
    """GSI1 attributes that order an event's waiting list by arrival."""
    return {"gsi1pk": f"WAITING#{event_id}", "gsi1sk": arrival}


def waiting_pk(event_id: str) -> str:
    return f"WAITING#{event_id}"


def waiting_attributes() -> tuple[str, str]:
    """The attributes to REMOVE when someone leaves the waiting list."""
    return ("gsi1pk", "gsi1sk")


def person_registration(email: str, event_id: str) -> dict[str, str]:
    """GSI2 attributes that find a person's registrations across events (export, erase)."""
    return person(email, f"REG#{event_id}")


def reminder_schedule(event_id: str) -> str:
    """The Scheduler schedule that reminds an event's confirmed attendees (one per event)."""
    return f"reminders-{event_id}"[:64]


def offer_schedule(registration_id: str) -> str:
    """The Scheduler schedule that lapses an offered place (one per registration: offered once)."""
    return f"offer-{registration_id}"[:64]


def hold_schedule(registration_id: str) -> str:
    """The Scheduler schedule that releases a hold whose address was never confirmed."""
    return f"hold-{registration_id}"[:64]


def person(email: str, sort: str) -> dict[str, str]:
    """GSI2 attributes that find everything held about one person (export, erase)."""
    return {"gsi2pk": f"PERSON#{email}", "gsi2sk": sort}


def person_pk(email: str) -> str:
    return f"PERSON#{email}"


def token(token_hash: str) -> Key:
    return {"pk": f"TOKEN#{token_hash}", "sk": "TOKEN"}


def organiser_key(key_hash: str) -> Key:
    return {"pk": f"ORGKEY#{key_hash}", "sk": "ORGKEY"}


def organiser_listing(email: str, created_at: str) -> dict[str, str]:
    return {"gsi1pk": "ORGANISERS", "gsi1sk": f"{email}#{created_at}"}


ORGANISER_LISTING_PK = "ORGANISERS"


def organiser_listing_prefix(email: str) -> str:
    """The GSI1 sort-key prefix of one organiser's keys in the organisers' listing."""
    return f"{email}#"


def console_session(session_hash: str) -> Key:
    """A signed-in organiser's console session, keyed by the hash of its cookie's token."""
    return {"pk": f"CONSOLESESSION#{session_hash}", "sk": "SESSION"}


def console_form(session_hash: str, form_id: str) -> Key:
    """One console form sent in one session: claimed by its first sending, so a second does nothing."""
    return {"pk": f"CONSOLEFORM#{session_hash}#{form_id}", "sk": "FORM"}


def slide(event_id: str, file_id: str) -> Key:
    return {"pk": f"EVENT#{event_id}", "sk": f"SLIDE#{file_id}"}


SLIDE_PREFIX = "SLIDE#"


def slide_download(event_id: str, at: str, download_id: str) -> Key:
    return {"pk": f"EVENT#{event_id}", "sk": f"DOWNLOAD#{at}#{download_id}"}


DOWNLOAD_PREFIX = "DOWNLOAD#"


def slide_request(event_id: str, email: str) -> Key:
    return {"pk": f"EVENT#{event_id}", "sk": f"SLIDEREQ#{email}"}


SLIDE_REQUEST_PREFIX = "SLIDEREQ#"


def slide_lead(event_id: str, email: str) -> Key:
    """Someone who asked for an event's slides and agreed to be contacted."""
    return {"pk": f"EVENT#{event_id}", "sk": f"LEAD#{email}"}


LEAD_PREFIX = "LEAD#"


def person_slides(event_id: str, what: str, at: str = "") -> str:
    """GSI2 sort key for a person's slide requests, leads and downloads (export, erase)."""
    return f"SLIDES#{event_id}#{what}#{at}"


def rate_window(scope: str, subject: str, window: str) -> Key:
    return {"pk": f"RATE#{scope}#{subject}", "sk": window}


def sent_mail(message_key: str) -> Key:
    return {"pk": f"SENT#{message_key}", "sk": "SENT"}


def event_prefix_pk(event_id: str) -> str:
    return f"EVENT#{event_id}"


def poll(poll_id: str) -> Key:
    """A poll's question and options; its votes and results share its partition."""
    return {"pk": f"POLL#{poll_id}", "sk": "POLL"}


def poll_results(poll_id: str) -> Key:
    """A poll's running counts, kept apart from the (indexed) poll so votes touch no index."""
    return {"pk": f"POLL#{poll_id}", "sk": "RESULTS"}


def poll_vote(poll_id: str, voter: str) -> Key:
    """One vote per (poll, voter): `voter` is a keyed hash of the normalised email (core/hashing)."""
    return {"pk": f"POLL#{poll_id}", "sk": f"VOTE#{voter}"}


def poll_listing(event_id: str, position: int, poll_id: str) -> dict[str, str]:
    """GSI1 attributes that list an event's polls in the order they were created."""
    return {"gsi1pk": f"POLLS#{event_id}", "gsi1sk": f"{position:05d}#{poll_id}"}


def polls_pk(event_id: str) -> str:
    return f"POLLS#{event_id}"


def poll_sequence(event_id: str) -> Key:
    """Counts an event's polls, so each new one is listed after the last."""
    return {"pk": f"EVENT#{event_id}", "sk": "POLLSEQ"}


def poll_invitation(event_id: str, email: str) -> Key:
    """Marks that a person was emailed the event's poll link (never twice)."""
    return {"pk": f"EVENT#{event_id}", "sk": f"POLLINVITE#{email}"}


def person_polls(what: str, subject: str) -> str:
    """GSI2 sort key for a person's votes and poll invitations (export, erase)."""
    return f"POLLS#{what}#{subject}"


def poll_invitation_schedule(event_id: str) -> str:
    """The Scheduler schedule that invites an event's attendees to its polls when it ends."""
    return f"poll-invitations-{event_id}"[:64]


def report(event_id: str) -> Key:
    """An event's summary report: editorial sections, its one real run, what is published."""
    return {"pk": f"EVENT#{event_id}", "sk": "REPORT"}


def report_listing(starts_at_iso: str, event_id: str) -> dict[str, str]:
    """GSI1 attributes that list published reports by their event's start, without a Scan."""
    return {"gsi1pk": REPORT_LISTING_PK, "gsi1sk": f"{starts_at_iso}#{event_id}"}


REPORT_LISTING_PK = "REPORTS"


def report_run(run_id: str) -> Key:
    """One report run: status and counters; its batches and deliveries share its partition."""
    return {"pk": f"REPORTRUN#{run_id}", "sk": "RUN"}


def attendance_run(run_id: str) -> Key:
    """One attendance run: a long list of addresses marked in chunks through the bus, with its
    progress (chalicelib/registration/attendance_runs.py)."""
    return {"pk": f"ATTENDANCERUN#{run_id}", "sk": "RUN"}


def report_batch(run_id: str, number: int) -> Key:
    """Marks that one chunk of a run's recipients was put on the bus (a rebuilt run skips it)."""
    return {"pk": f"REPORTRUN#{run_id}", "sk": f"BATCH#{number:06d}"}


def report_skips(run_id: str, number: int, why: str) -> Key:
    """Who a dry run's batch would skip, for one reason (each written by one worker step)."""
    return {"pk": f"REPORTRUN#{run_id}", "sk": f"SKIPPED#{number:06d}#{why}"}


def report_skips_of(run_id: str) -> tuple[str, str]:
    """The partition and sort-key prefix that list a dry run's skipped people."""
    return f"REPORTRUN#{run_id}", "SKIPPED#"


def report_delivery(run_id: str, email: str) -> Key:
    """Marks that a run's report was (about to be) emailed to one person: never twice."""
    return {"pk": f"REPORTRUN#{run_id}", "sk": f"TO#{email}"}


def report_run_pk(run_id: str) -> str:
    """The partition holding a run, its batches and its deliveries (REPORT_DELIVERY_PREFIX)."""
    return f"REPORTRUN#{run_id}"


REPORT_DELIVERY_PREFIX = "TO#"


def person_report(run_id: str) -> str:
    """GSI2 sort key for the reports emailed to a person (export, erase)."""
    return f"REPORT#{run_id}"


def suppression(email: str) -> Key:
    """An address no report may go to (unsubscribed, bounced, complained)."""
    return {"pk": f"SUPPRESSED#{email}", "sk": "SUPPRESSED"}


PERSON_SUPPRESSION = "SUPPRESSED"


def nomination(nomination_id: str) -> Key:
    return {"pk": f"NOMINATION#{nomination_id}", "sk": "NOMINATION"}


def nomination_listing(status: str, received_at: str, nomination_id: str) -> dict[str, str]:
    """GSI1 attributes that list nominations of one status, oldest first."""
    return {"gsi1pk": nominations_pk(status), "gsi1sk": f"{received_at}#{nomination_id}"}


def nominations_pk(status: str) -> str:
    return f"NOMINATIONS#{status}"


def nomination_guard(fingerprint: str) -> Key:
    """Holds one (email, organisation) for a short while, so a repeated post makes nothing twice."""
    return {"pk": f"NOMINATIONGUARD#{fingerprint}", "sk": "GUARD"}


def person_nomination(nomination_id: str) -> str:
    """GSI2 sort key for a person's host nominations (export, erase)."""
    return f"NOMINATION#{nomination_id}"


def topic(topic_id: str) -> Key:
    """A suggested topic; its votes share its partition."""
    return {"pk": f"TOPIC#{topic_id}", "sk": "TOPIC"}


def topic_listing(votes: int, confirmed_at: str, topic_id: str) -> dict[str, str]:
    """GSI1 attributes that list confirmed topics by votes (read backwards: most votes first)."""
    return {"gsi1pk": TOPIC_LISTING_PK, "gsi1sk": f"{votes:09d}#{confirmed_at}#{topic_id}"}


TOPIC_LISTING_PK = "TOPICS"


def hidden_topic_listing(hidden_at: str, topic_id: str) -> dict[str, str]:
    """GSI1 attributes that list topics organisers hid (newest last), apart from the public list."""
    return {"gsi1pk": HIDDEN_TOPIC_LISTING_PK, "gsi1sk": f"{hidden_at}#{topic_id}"}


HIDDEN_TOPIC_LISTING_PK = "TOPICS#HIDDEN"


def topic_vote(topic_id: str, voter: str) -> Key:
    """One vote per (topic, voter): `voter` is a keyed hash of the normalised email (core/hashing)."""
    return {"pk": f"TOPIC#{topic_id}", "sk": f"{TOPIC_VOTE_PREFIX}{voter}"}


TOPIC_VOTE_PREFIX = "VOTE#"


def topic_voter(vote_item: dict[str, Any]) -> str:
    """The voter hash a topic vote item is keyed by (kept after the address is erased)."""
    return str(vote_item["sk"]).removeprefix(TOPIC_VOTE_PREFIX)


def topic_pk(topic_id: str) -> str:
    return f"TOPIC#{topic_id}"


def person_topics(what: str, topic_id: str) -> str:
    """GSI2 sort key for a person's topic suggestions and votes (export, erase)."""
    return f"TOPICS#{what}#{topic_id}"


def event_message(event_id: str, message_id: str) -> Key:
    """An organiser's message to an event's people, in the event's partition (listed with it)."""
    return {"pk": f"EVENT#{event_id}", "sk": f"{EVENT_MESSAGE_PREFIX}{message_id}"}


EVENT_MESSAGE_PREFIX = "MESSAGE#"


def message_delivery(message_id: str, email: str) -> Key:
    """Who was sent an organiser's message: one item per person, the record of what went."""
    return {"pk": f"MESSAGE#{message_id}", "sk": f"TO#{email}"}


def message_deliveries(message_id: str) -> tuple[str, str]:
    """The partition and sort-key prefix that list a message's deliveries."""
    return f"MESSAGE#{message_id}", "TO#"


def person_message(message_id: str) -> str:
    """GSI2 sort key for the organiser messages emailed to a person (export, erase)."""
    return f"{PERSON_MESSAGES}{message_id}"


def outbox_entry(entry_id: str) -> Key:
    """A domain event written in the same transaction as the change it announces; the table's
    stream carries it to the relay, which puts it on the bus. Its own partition: no hot key."""
    return {"pk": f"{OUTBOX_PREFIX}{entry_id}", "sk": "OUTBOX"}


OUTBOX_PREFIX = "OUTBOX#"


def subscriber(email: str) -> Key:
    """A confirmed member of the club's list (news of future events), one per normalised address."""
    return {"pk": f"SUBSCRIBER#{email}", "sk": "SUBSCRIBER"}


def subscriber_listing(joined_at: str, email: str) -> dict[str, str]:
    """GSI1 attributes that list every confirmed subscriber by when they joined, without a Scan."""
    return {"gsi1pk": SUBSCRIBER_LISTING_PK, "gsi1sk": f"{joined_at}#{email}"}


SUBSCRIBER_LISTING_PK = "SUBSCRIBERS"


def former_subscriber_listing(left_at: str, email: str) -> dict[str, str]:
    """GSI1 attributes that list who left the list (for the organisers' counts), by when."""
    return {"gsi1pk": FORMER_SUBSCRIBER_LISTING_PK, "gsi1sk": f"{left_at}#{email}"}


FORMER_SUBSCRIBER_LISTING_PK = "SUBSCRIBERS#LEFT"


def mail_delivery(delivery_id: str) -> Key:
    """One email that must go once (core/deliveries.py): claimed, then settled by its send or SES."""
    return {"pk": f"DELIVERY#{delivery_id}", "sk": "DELIVERY"}


def delivery_check_schedule(check_id: str) -> str:
    """The Scheduler schedule that delivers a domain event again once its send can be settled."""
    return f"delivery-check-{check_id}"[:64]


def idempotency_record(idempotency_key: str) -> Key:
    """A worker's record that an action ran: its own partition, so no send shares a hot one."""
    return {"pk": f"idempotency#{idempotency_key}", "sk": "IDEMPOTENCY"}


# --- one person's items, across capabilities (export, erase) -----------------------------------

# GSI2 sort-key prefixes, one per capability, so each finds only its own items of a person.
PERSON_REGISTRATIONS = "REG#"
PERSON_SLIDES = "SLIDES#"
PERSON_POLLS = "POLLS#"
PERSON_NOMINATIONS = "NOMINATION#"
PERSON_TOPICS = "TOPICS#"
PERSON_REPORTS = "REPORT#"
PERSON_MESSAGES = "MESSAGE#"
PERSON_SUBSCRIPTION = "SUBSCRIBER"

# How an item is stored rather than what it says: never shown in an export.
STORAGE_ATTRIBUTES = ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", TTL_ATTRIBUTE)


def primary_key(item: dict[str, Any]) -> Key:
    """The primary key of an item read from an index."""
    return {"pk": str(item["pk"]), "sk": str(item["sk"])}


def person_attributes() -> tuple[str, str]:
    """The attributes to REMOVE when an item kept after erasure no longer belongs to anyone."""
    return ("gsi2pk", "gsi2sk")


def stored_fields(item: dict[str, Any]) -> dict[str, Any]:
    """What an item says, without its key, index and expiry attributes."""
    return {name: value for name, value in item.items() if name not in STORAGE_ATTRIBUTES}
