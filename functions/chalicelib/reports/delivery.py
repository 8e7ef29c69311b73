"""Sending one batch of a report run: each person of the batch who is not suppressed gets the
report once, with a one-click unsubscribe, and the batch's counts are added to the run once.

Never twice, per (run, person): each person's delivery mark is claimed with a condition before
the email goes (core/deliveries.py), and the email is tagged with the run's marks, so SES's Send
event marks it sent even if the worker dies before it can. A redelivered batch that finds a
claim still in flight sends nobody: it asks for the batch again a few minutes after the claim,
when SES has confirmed the send or it is certain that the email never left (then it goes once
more). The batch is counted by the delivery that finds every one of its people settled.

A batch costs a handful of requests besides its sends: one read of the suppressions, one
transaction that claims every mark, one write per 25 unsubscribe links and per 25 outcomes.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core import clock, deliveries, keys, mail, pacing, store
from chalicelib.core.domain_events import ReportBatchDue
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.text import display_title
from chalicelib.events import service as events
from chalicelib.reports import content, runs, suppression
from chalicelib.topics import service as topics

# What became of one person of a batch; the run counts each under the same name.
SENT, SKIPPED, FAILED, WOULD_SEND = deliveries.SENT, deliveries.SKIPPED, deliveries.FAILED, "would_send"
_SENDING = deliveries.SENDING  # claimed, not yet settled
_PREVIEW_LINK = "preview-only-link"
# SES answers these when it is busy: the batch is retried, rather than the person given up.
_TRY_AGAIN = {"TooManyRequestsException", "Throttling", "ThrottlingException", "LimitExceededException",
              "ServiceUnavailable", "InternalFailure", "InternalServerError"}
# Items of one claiming transaction (DynamoDB's limit); a batch is runs.BATCH_SIZE people.
_CLAIMS_PER_TRANSACTION = 100


def send_report(batch: ReportBatchDue) -> dict[str, int]:
    """Email the report to each person of one batch who is not suppressed, once per run, and add
    the batch's counts to the run once. Returns the batch's counts ({} when there is nothing
    to count yet: counted before, or someone's send is still being settled)."""
    run_id, number = batch["run_id"], int(batch["batch"])
    run = runs.get_run(run_id)
    if run is None or number in run.get("counted_batches", set()):
        return {}
    tally: Counter[str] = Counter()
    if run.get("dry_run"):
        reasons = suppression.reasons_among(batch["emails"])
        skipped = []
        for email in batch["emails"]:
            why = reasons.get(email)
            tally[SKIPPED if why else WOULD_SEND] += 1
            if why:
                skipped.append({"email": email, "reason": why})
        runs.keep_skipped(run_id, number, "suppressed", skipped)
    else:
        event = events.get_event(run["event_id"])
        if event is None:
            tally[FAILED] += len(batch["emails"])
        else:
            html, text = content.rendered(run["body_key"])
            settled = _deliver(run, event, html, text, batch)
            if settled is None:
                return {}
            tally.update(settled)
    _count(run_id, number, tally)
    runs.finish_if_complete(run_id)
    return dict(tally)


def _deliver(run: dict[str, Any], event: dict[str, Any], html: str, text: str,
             batch: ReportBatchDue) -> Counter[str] | None:
    """Email each person of the batch not suppressed and not handled before; return everyone's
    outcome, or None if someone's earlier send is not settled yet (the batch comes back later)."""
    run_id, emails = run["run_id"], list(dict.fromkeys(batch["emails"]))
    # An announcement's marks are shared by every run announcing the event: once per person.
    marks_of = run.get("deliveries_of") or run_id
    skip = _to_skip(run, emails)
    now = clock.iso(clock.now())
    marks = {email: {**keys.report_delivery(marks_of, email), **keys.person(email, keys.person_report(run_id)),
                     "run_id": run_id, "event_id": run["event_id"], "email": email,
                     "outcome": SKIPPED if email in skip else _SENDING, "claimed_at": now, "attempts": 1}
             for email in emails}
    earlier = _claim(marks)
    outcomes: Counter[str] = Counter()
    to_send: list[str] = []
    in_flight: list[str] = []
    for email, mark in marks.items():
        held = earlier.get(email)
        if held is None:
            if mark["outcome"] == SKIPPED:
                outcomes[SKIPPED] += 1
            else:
                to_send.append(email)
            continue
        if run.get("deliveries_of") and held.get("run_id") != run_id:
            outcomes[SKIPPED] += 1  # an earlier announcement of the event handled this person
            continue
        decision = deliveries.resume(keys.report_delivery(marks_of, email), held)
        if decision == deliveries.WAIT:
            in_flight.append(str(held["claimed_at"]))
        elif decision == deliveries.RETRY:
            marks[email] = {**held, "attempts": int(held.get("attempts", 1)) + 1}
            to_send.append(email)
        else:
            outcomes[decision] += 1
    outcomes.update(_send_all(run, event, html, text, marks, to_send))
    if in_flight:
        # Counted when the batch comes back: by then SES has confirmed those sends, or they go once more.
        deliveries.check_later(f"{run_id}-{batch['batch']}", min(in_flight), runs.BATCH_DUE, batch)
        logger.info("report batch has sends in flight; counting it later",
                    extra={"run_id": run_id, "batch": batch["batch"], "in_flight": len(in_flight)})
        return None
    return outcomes


def _to_skip(run: dict[str, Any], emails: list[str]) -> set[str]:
    if run.get("kind") == runs.ANNOUNCEMENT:
        from chalicelib.announcements import service as announcements

        return {email for email in emails if announcements.skip_reason(email)}
    return set(suppression.reasons_among(emails))


def _claim(marks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Claim every mark not claimed before, in as few transactions as the batch needs; return
    the marks found already claimed (by an earlier delivery of the batch), as they were."""
    earlier: dict[str, dict[str, Any]] = {}
    pending = list(marks)
    while pending:
        chunk = pending[:_CLAIMS_PER_TRANSACTION]
        try:
            store.transact([store.put_op(marks[email], "attribute_not_exists(pk)") for email in chunk])
        except store.ConditionFailed as refused:
            for index, email in enumerate(chunk):
                if refused.refused(index):
                    earlier[email] = refused.old_item(index) or {"outcome": FAILED}
            # Nothing of the transaction was written: claim the rest of the chunk again.
            pending = [email for email in pending if email not in earlier]
            continue
        pending = pending[len(chunk):]
    return earlier


def _send_all(run: dict[str, Any], event: dict[str, Any], html: str, text: str,
              marks: dict[str, dict[str, Any]], to_send: list[str]) -> Counter[str]:
    """Send to each of `to_send` (claimed), at SES's pace; write their outcomes 25 a request.

    SES busy: the outcomes so far are written, the claims of everyone not yet sent are given
    back, and the throttle is raised so that the batch is retried. Any other failure leaves the
    send it interrupted in flight (SES may have accepted it) and gives back the claims after it.
    """
    outcomes: Counter[str] = Counter()
    settled: list[dict[str, Any]] = []
    retry_of = run.get("retry_of")
    links = _unsubscribe_links(run, event, to_send)
    tag = deliveries.tag(deliveries.REPORT, run.get("deliveries_of") or run["run_id"])
    attempted = 0
    try:
        for email in to_send:
            # A retry also claims the first run's mark, which must still say failed: whoever has
            # been reached since (or is being retried by another run) is never sent to again.
            first = keys.report_delivery(retry_of, email) if retry_of else None
            if first is not None and not _claim_first(first, run["run_id"]):
                attempted += 1
                settled.append(_settled(marks[email], SKIPPED))
                outcomes[SKIPPED] += 1
                continue
            attempted += 1
            try:
                message_id = pacing.paced(functools.partial(_send, run, event, html, text, email, links, tag))
            except ClientError as error:
                code = str(error.response.get("Error", {}).get("Code", ""))
                if first is not None:
                    deliveries.settle(first, FAILED)
                if code in _TRY_AGAIN:
                    attempted -= 1  # SES accepted nothing: its claim is given back with the rest
                    raise
                logger.warning("report not accepted for sending", extra={"run_id": run["run_id"], "code": code})
                settled.append(_settled(marks[email], FAILED))
                outcomes[FAILED] += 1
                continue
            if first is not None:
                deliveries.settle(first, SENT)
            settled.append(_settled(marks[email], SENT, message_id))
            outcomes[SENT] += 1
    finally:
        store.put_many(settled)
        untouched = to_send[attempted:]
        if untouched:
            store.delete_many([keys.primary_key(marks[email]) for email in untouched])
    return outcomes


def _settled(mark: dict[str, Any], outcome: str, message_id: str = "") -> dict[str, Any]:
    settled = {**mark, "outcome": outcome, "settled_at": clock.iso(clock.now())}
    if message_id:
        settled["ses_message_id"] = message_id
    return settled


def _unsubscribe_links(run: dict[str, Any], event: dict[str, Any], emails: list[str]) -> dict[str, str]:
    """The report's personal unsubscribe links for these people, issued together (an
    announcement's links are its own)."""
    if run.get("kind") == runs.ANNOUNCEMENT or not emails:
        return {}
    return suppression.unsubscribe_links(emails, event["event_id"])


def _claim_first(first: keys.Key, run_id: str) -> bool:
    try:
        store.update(first, "SET outcome = :sending, retried_by = :run_id", condition="outcome = :failed",
                     vals={":sending": _SENDING, ":run_id": run_id, ":failed": FAILED}, return_values="NONE")
    except store.ConditionFailed:
        return False
    return True


def delivered(run_id: str, outcome: str) -> Iterator[dict[str, Any]]:
    """The people of a run whose delivery ended as `outcome` (sent, failed), page by page."""
    for item in store.query(keys.report_run_pk(run_id), sk_prefix=keys.REPORT_DELIVERY_PREFIX):
        if item.get("outcome") == outcome:
            yield {"email": item["email"], "consent_report": True}


def _send(run: dict[str, Any], event: dict[str, Any], html: str, text: str, email: str,
          links: dict[str, str], tag: str) -> str:
    if run.get("kind") == runs.ANNOUNCEMENT:
        from chalicelib.announcements import service as announcements

        return mail.send(announcements.announcement_email(run, event, html, text, email), delivery=tag)
    return mail.send(report_email(event, html, text, email, test=bool(run.get("test_recipient")),
                                  vote_topics=run.get("vote_topics", []), correction=bool(run.get("correction_of")),
                                  unsubscribe=links.get(email)),
                     delivery=tag)


def report_email(event: dict[str, Any], html: str, text: str, email: str, *, test: bool = False,
                 vote_topics: list[dict[str, str]] | None = None, correction: bool = False,
                 preview: bool = False, unsubscribe: str | None = None) -> mail.Email:
    """The report email exactly as `email` gets it: the run's body, the personal vote and
    unsubscribe links (`unsubscribe` if issued already), the RFC 8058 headers. A preview issues
    no links: its personal links are placeholders that lead nowhere."""
    from markupsafe import Markup

    base = get_settings().public_base_url
    if preview:
        unsubscribe = f"{base}/u/{_PREVIEW_LINK}"
        votes = [{"title": topic["title"], "url": f"{base}/v/{_PREVIEW_LINK}"} for topic in vote_topics or []]
    else:
        unsubscribe = unsubscribe or suppression.unsubscribe_link(email, event["event_id"])
        votes = [{"title": topic["title"],
                  "url": topics.vote_link(topic["topic_id"], email, days=content.VOTE_LINK_DAYS)}
                 for topic in vote_topics or []]
    title = display_title(event)
    prefix = "[Test] " if test else "Correction: " if correction else ""
    return mail.Email(
        to=email,
        subject=f"{prefix}{title}: the summary report",
        template="report",
        # The body was rendered (and escaped) once for the whole run; only the links are personal.
        context={"body_html": Markup(html), "body_text": text, "title": title, "test": test,  # noqa: S704
                 "correction": correction, "web_url": f"{base}/reports/{event['event_id']}", "votes": votes,
                 "unsubscribe_url": unsubscribe},
        headers={"List-Unsubscribe": f"<{unsubscribe}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def _count(run_id: str, number: int, tally: Counter[str]) -> None:
    try:
        store.update(
            keys.report_run(run_id),
            "ADD sent :sent, skipped :skipped, failed :failed, would_send :would_send, batches_done :one, "
            "counted_batches :numbers",
            condition="NOT contains(counted_batches, :number)",
            vals={":sent": tally[SENT], ":skipped": tally[SKIPPED], ":failed": tally[FAILED],
                  ":would_send": tally[WOULD_SEND], ":one": 1, ":numbers": {number}, ":number": number},
            return_values="NONE",
        )
    except store.ConditionFailed:
        logger.info("batch already counted", extra={"run_id": run_id, "batch": number})


# --- a person's data (export, erasure) --------------------------------------------------------


def deliveries_to(email: str) -> list[dict[str, Any]]:
    """The delivery marks of every run that considered this address (an index query)."""
    return list(store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_REPORTS))


def erase_deliveries_to(email: str) -> int:
    """Delete this address's delivery marks (the runs' counts stay); return how many."""
    items = deliveries_to(email)
    for item in items:
        store.delete(keys.primary_key(item))
    return len(items)


def export_person(email: str) -> dict[str, list[dict[str, Any]]]:
    """The report deliveries to this address, and its suppression if any."""
    return {"report_deliveries": [keys.stored_fields(item) for item in deliveries_to(email)],
            "suppression": [keys.stored_fields(item) for item in suppression.suppression_of(email)]}


def erase_person(email: str) -> int:
    """Erase the delivery marks of this address; return how many items.

    The suppression item stays: the address must never get a report again (the export still
    shows it). The runs' counts stay as they are.
    """
    return erase_deliveries_to(email)
