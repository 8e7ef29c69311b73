"""Sending one batch of a report run: each person of the batch who is not suppressed gets the
report once, with a one-click unsubscribe, and the batch's counts are added to the run once.

Never twice, per (run, person): a delivery mark is written with a condition before the email
goes. If a worker dies after writing the mark and before confirming the send, nobody can tell
whether the email left; the redelivered batch counts that person as failed and does not send
again. We prefer one possibly-missed report to one possibly-duplicated one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core import clock, keys, mail, pacing, store
from chalicelib.core.domain_events import ReportBatchDue
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.text import display_title
from chalicelib.events import service as events
from chalicelib.reports import content, runs, suppression
from chalicelib.topics import service as topics

# What became of one person of a batch; the run counts each under the same name.
SENT, SKIPPED, FAILED, WOULD_SEND = "sent", "skipped", "failed", "would_send"
_SENDING = "sending"  # claimed, not yet confirmed
_PREVIEW_LINK = "preview-only-link"
# SES answers these when it is busy: the batch is retried, rather than the person given up.
_TRY_AGAIN = {"TooManyRequestsException", "Throttling", "ThrottlingException", "LimitExceededException",
              "ServiceUnavailable", "InternalFailure", "InternalServerError"}


def send_report(batch: ReportBatchDue) -> dict[str, int]:
    """Email the report to each person of one batch who is not suppressed, once per run, and add
    the batch's counts to the run once. Returns the batch's counts."""
    run_id, number = batch["run_id"], int(batch["batch"])
    run = runs.get_run(run_id)
    if run is None or number in run.get("counted_batches", set()):
        return {}
    tally: Counter[str] = Counter()
    if run.get("dry_run"):
        skipped = []
        for email in batch["emails"]:
            why = suppression.suppressed_because(email)
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
            for email in batch["emails"]:
                tally[_deliver(run, event, html, text, email)] += 1
    _count(run_id, number, tally)
    runs.finish_if_complete(run_id)
    return dict(tally)


def _deliver(run: dict[str, Any], event: dict[str, Any], html: str, text: str, email: str) -> str:
    """Email one person, unless suppressed or already handled by this run; return the outcome."""
    run_id = run["run_id"]
    # An announcement's marks are shared by every run announcing the event: once per person.
    mark = keys.report_delivery(run.get("deliveries_of") or run_id, email)
    if run.get("kind") == runs.ANNOUNCEMENT:
        from chalicelib.announcements import service as announcements

        outcome = SKIPPED if announcements.skip_reason(email) else _SENDING
    else:
        outcome = SKIPPED if suppression.is_suppressed(email) else _SENDING
    try:
        store.put({**mark, **keys.person(email, keys.person_report(run_id)), "run_id": run_id,
                   "event_id": run["event_id"], "email": email, "outcome": outcome,
                   "claimed_at": clock.iso(clock.now())},
                  condition="attribute_not_exists(pk)")
    except store.ConditionFailed:
        if run.get("deliveries_of") and (store.get(mark) or {}).get("run_id") != run_id:
            return SKIPPED  # an earlier announcement of the event handled this person
        return _settle_earlier_claim(mark)
    if outcome == SKIPPED:
        return SKIPPED
    # A retry also claims the first run's mark, which must still say failed: whoever has been
    # reached since (or is being retried by another run) is never sent to again.
    first = keys.report_delivery(run["retry_of"], email) if run.get("retry_of") else None
    if first is not None and not _claim_first(first, run_id):
        _set_outcome(mark, SKIPPED)
        return SKIPPED
    try:
        pacing.paced(lambda: _send(run, event, html, text, email))
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if first is not None:
            _set_outcome(first, FAILED)
        if code in _TRY_AGAIN:
            store.delete(mark)  # nothing left: the retried batch may send
            raise
        logger.warning("report not accepted for sending", extra={"run_id": run_id, "code": code})
        _set_outcome(mark, FAILED)
        return FAILED
    if first is not None:
        _set_outcome(first, SENT)
    _set_outcome(mark, SENT)
    return SENT


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


def _settle_earlier_claim(mark: keys.Key) -> str:
    held = store.get(mark) or {}
    if held.get("outcome") == _SENDING:
        # A worker died between claiming and confirming: the email may have left. Never resend.
        try:
            store.update(mark, "SET outcome = :failed, unconfirmed = :yes", condition="outcome = :sending",
                         vals={":failed": FAILED, ":yes": True, ":sending": _SENDING}, return_values="NONE")
        except store.ConditionFailed:
            return _settle_earlier_claim(mark)
        return FAILED
    return str(held.get("outcome", FAILED))


def _set_outcome(mark: keys.Key, outcome: str) -> None:
    store.update(mark, "SET outcome = :outcome, settled_at = :now",
                 vals={":outcome": outcome, ":now": clock.iso(clock.now())}, return_values="NONE")


def _send(run: dict[str, Any], event: dict[str, Any], html: str, text: str, email: str) -> None:
    if run.get("kind") == runs.ANNOUNCEMENT:
        from chalicelib.announcements import service as announcements

        mail.send(announcements.announcement_email(run, event, html, text, email))
        return
    mail.send(report_email(event, html, text, email, test=bool(run.get("test_recipient")),
                           vote_topics=run.get("vote_topics", []), correction=bool(run.get("correction_of"))))


def report_email(event: dict[str, Any], html: str, text: str, email: str, *, test: bool = False,
                 vote_topics: list[dict[str, str]] | None = None, correction: bool = False,
                 preview: bool = False) -> mail.Email:
    """The report email exactly as `email` gets it: the run's body, the personal vote and
    unsubscribe links, the RFC 8058 headers. A preview issues no links: its personal links
    are placeholders that lead nowhere."""
    from markupsafe import Markup

    base = get_settings().public_base_url
    if preview:
        unsubscribe = f"{base}/u/{_PREVIEW_LINK}"
        votes = [{"title": topic["title"], "url": f"{base}/v/{_PREVIEW_LINK}"} for topic in vote_topics or []]
    else:
        unsubscribe = suppression.unsubscribe_link(email, event["event_id"])
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
