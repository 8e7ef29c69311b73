"""Exactly once per person: an email is claimed before it goes, and SES's own record settles it.

Each email that must go once is a *delivery* with a record in the table. The record is claimed
(outcome `sending`) with a condition before the send, so two workers never both send it; the
send carries the delivery's tag (an SES message tag), and the configuration set's Send event,
which SES publishes for every message it accepts, marks the record sent whatever became of the
worker that sent it.

A worker may die between SES accepting a message and recording it. A retry that then finds the
delivery in flight does not send: it asks for the same domain event again UNCERTAIN after the
claim (a one-off schedule). By then SES's Send event has marked the delivery sent if SES
accepted it; if it has not, the email never left and is sent once more (TRIES in all). One
still unconfirmed after that is given up and logged, never sent a third time.

Registration mail keeps one record per email here (`send_once`); a report run's delivery marks
are its records (reports/delivery.py claims and settles a whole batch of them at once).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core import clock, hashing, keys, mail, schedules, store
from chalicelib.core.observability import logger

# What became of a delivery (a record's `outcome`); a report run counts each under its name.
SENDING, SENT, SKIPPED, FAILED = "sending", "sent", "skipped", "failed"
# What to do about a delivery claimed earlier and still in flight: ask again later, or send now.
WAIT, RETRY = "wait", "retry"
# SES publishes a Send event within seconds of accepting a message; after this long without
# one, the message was not accepted.
UNCERTAIN = timedelta(minutes=5)
# The schedule fires a little after UNCERTAIN, so the retry finds the claim old enough.
_MARGIN = timedelta(seconds=30)
# Sends of one delivery at most: the first, and one retry when SES has no record of it.
TRIES = 2
# Records outlive any redelivery from a consumer queue (SQS keeps a message 4 days).
RECORD_DAYS = 7
# Kinds of record a delivery tag names: one email's own record, or a report run's mark.
MAIL, REPORT = "mail", "report"
# The configuration set's event for a message SES accepted (EventBridge detail-type).
EMAIL_SENT = "Email Sent"

Detail = Mapping[str, Any]


def tag(kind: str, scope: str) -> str:
    """The SES tag value naming a delivery's record: MAIL and the delivery id, or REPORT and the
    run whose marks hold it (the recipient comes from the message's destination)."""
    return f"{kind}-{scope}"


def record_keys(detail: Detail) -> list[keys.Key]:
    """The records of the deliveries an SES event is about, from the message's delivery tag."""
    message = detail.get("mail") or {}
    found: list[keys.Key] = []
    for value in (message.get("tags") or {}).get(mail.DELIVERY_TAG, []):
        kind, _, scope = str(value).partition("-")
        if kind == MAIL and scope:
            found.append(keys.mail_delivery(scope))
        elif kind == REPORT and scope:
            found += [keys.report_delivery(scope, str(to)) for to in message.get("destination") or []]
    return found


def in_flight(details: Iterable[Detail]) -> set[tuple[str, str]]:
    """Of the deliveries these Send events are about, the keys of those still in flight (one read
    for the lot: usually their workers have already marked them sent)."""
    wanted = {(key["pk"], key["sk"]): key for detail in details for key in record_keys(detail)}
    found = store.get_many(list(wanted.values()), fields=("outcome",))
    return {(item["pk"], item["sk"]) for item in found if item.get("outcome") == SENDING}


def confirm_sent(detail: Detail, pending: set[tuple[str, str]]) -> int:
    """Mark sent each delivery of this Send event that is still in flight; return how many."""
    marked = 0
    message_id = str((detail.get("mail") or {}).get("messageId", ""))
    for key in record_keys(detail):
        if (key["pk"], key["sk"]) not in pending:
            continue
        try:
            store.update(key, "SET outcome = :sent, ses_message_id = :id, settled_at = :now, confirmed_by = :ses",
                         condition="outcome = :sending",
                         vals={":sent": SENT, ":id": message_id, ":now": clock.iso(clock.now()), ":ses": "ses",
                               ":sending": SENDING},
                         return_values="NONE")
        except store.ConditionFailed:
            continue  # settled meanwhile by its worker
        marked += 1
    if marked:
        logger.info("deliveries confirmed by SES", extra={"count": marked, "message_id": message_id})
    return marked


def resume(key: keys.Key, record: Mapping[str, Any]) -> str:
    """Decide about a delivery someone claimed earlier: its outcome if settled (SENT, SKIPPED,
    FAILED); WAIT while SES may still report it; RETRY once it is certain SES never accepted it
    (the caller now holds the claim and sends); FAILED after TRIES unconfirmed sends."""
    outcome = record.get("outcome")
    if outcome != SENDING:
        return str(outcome or FAILED)
    seen = str(record["claimed_at"])
    if clock.now() < clock.parse(seen) + UNCERTAIN:
        return WAIT
    attempts = int(record.get("attempts", 1))
    now = clock.iso(clock.now())
    condition = "outcome = :sending AND claimed_at = :seen"
    try:
        if attempts < TRIES:
            store.update(key, "SET attempts = :next, claimed_at = :now", condition=condition,
                         vals={":next": attempts + 1, ":now": now, ":sending": SENDING, ":seen": seen},
                         return_values="NONE")
            logger.warning("delivery unconfirmed by SES; sending it once more", extra={"delivery": key["pk"]})
            return RETRY
        store.update(key, "SET outcome = :failed, unconfirmed = :yes, settled_at = :now", condition=condition,
                     vals={":failed": FAILED, ":yes": True, ":now": now, ":sending": SENDING, ":seen": seen},
                     return_values="NONE")
    except store.ConditionFailed:
        return resume(key, store.get(key) or {"outcome": FAILED})  # another worker decided first
    logger.error("delivery unconfirmed after every try; given up", extra={"delivery": key["pk"], "tries": attempts})
    return FAILED


def check_later(check_id: str, claimed_at: str, detail_type: str, detail: Mapping[str, Any]) -> None:
    """Put this domain event on the bus again once a delivery claimed at `claimed_at` can be
    settled (setting it again moves the one schedule)."""
    schedules.schedule_domain_event(
        keys.delivery_check_schedule(check_id), clock.parse(claimed_at) + UNCERTAIN + _MARGIN,
        detail_type, dict(detail), f"{detail_type} again: settle an email SES has not confirmed yet")


def delivery_id_of(name: str, payload: Mapping[str, Any]) -> str:
    """The id of the one email `name` sends for `payload` (hex: an SES tag value may hold it)."""
    return hashing.digest(name, json.dumps(dict(payload), sort_keys=True, default=str))[:40]


def send_once(name: str, payload: Mapping[str, Any], build: Callable[[], mail.Email | None],
              again: tuple[str, Mapping[str, Any]]) -> str:
    """Send the email `build()` returns (None: nothing to send) at most once for this (name,
    payload), however often it is asked; return the SES message id, or "" if nothing went now.

    `again` is the domain event (detail-type, detail) being handled: put on the bus again later
    when an earlier attempt's outcome is not known yet.
    """
    delivery_id = delivery_id_of(name, payload)
    key = keys.mail_delivery(delivery_id)
    claimed_at = clock.iso(clock.now())
    try:
        store.put({**key, "name": name, "outcome": SENDING, "claimed_at": claimed_at, "attempts": 1,
                   keys.TTL_ATTRIBUTE: int((clock.now() + timedelta(days=RECORD_DAYS)).timestamp())},
                  condition="attribute_not_exists(pk)")
    except store.ConditionFailed:
        record = store.get(key) or {}
        decision = resume(key, record)
        if decision == WAIT:
            check_later(delivery_id, str(record["claimed_at"]), *again)
            logger.info("delivery in flight; checking again later", extra={"mail": name})
        if decision != RETRY:
            return ""
    try:
        message = build()
    except Exception:
        release(key)  # nothing left: the retry may send
        raise
    if message is None:
        settle(key, SKIPPED)
        return ""
    try:
        message_id = mail.send(message, delivery=tag(MAIL, delivery_id))
    except ClientError:
        # SES answered with an error: it accepted nothing, and the retry may send.
        release(key)
        raise
    # Any other failure leaves the claim in flight: SES may have accepted the message.
    settle(key, SENT, message_id)
    return message_id


def settle(key: keys.Key, outcome: str, message_id: str = "") -> None:
    vals: dict[str, Any] = {":outcome": outcome, ":now": clock.iso(clock.now())}
    expression = "SET outcome = :outcome, settled_at = :now"
    if message_id:
        expression += ", ses_message_id = :id"
        vals[":id"] = message_id
    store.update(key, expression, vals=vals, return_values="NONE")


def release(key: keys.Key) -> None:
    """Give up a claim whose email certainly did not leave, so that a retry may send it."""
    store.delete(key)
