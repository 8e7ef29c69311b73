"""Summary reports: the organisers' editorial sections, and report runs that email the report to
every confirmed registrant who consented, once each, with a one-click unsubscribe.

A run goes queued -> building -> sending -> done. Building renders the report once (kept in the
reports bucket) and walks the registrations page by page, announcing one ReportBatchDue per
BATCH_SIZE people, so neither memory nor any message grows with the audience. Each batch emails
its people, personalising only the unsubscribe link, and adds its counts to the run once.

Never twice, per (run, person): a delivery mark is written with a condition before the email
goes. If a worker dies after writing the mark and before confirming the send, nobody can tell
whether the email left; the redelivered batch counts that person as failed and does not send
again. We prefer one possibly-missed report to one possibly-duplicated one.

An event has one real run (a second is refused); dry runs and test sends may be repeated.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core import aws, bus, clock, keys, mail, render, store
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.events import service as events
from chalicelib.polls import service as polls
from chalicelib.registration import service as registrations
from chalicelib.reports import markdown, suppression
from chalicelib.reports.forms import RunRequest, Section
from chalicelib.slides import service as slides

RUN_REQUESTED = "ReportRunRequested"
BATCH_DUE = "ReportBatchDue"
BATCH_SIZE = 50
QUEUED, BUILDING, SENDING, DONE, FAILED = "queued", "building", "sending", "done", "failed"
SENT, SKIPPED = "sent", "skipped"
REFUSED = "ConditionalCheckFailed"
ATTEMPTS = 8
# SES answers these when it is busy: the batch is retried, rather than the person given up.
_TRY_AGAIN = {"TooManyRequestsException", "Throttling", "ThrottlingException", "LimitExceededException",
              "ServiceUnavailable", "InternalFailure", "InternalServerError"}
EN_DASH = "\N{EN DASH}"


class RunRefused(Conflict):
    """The event's report was already sent for real; `run_id` is that run."""

    def __init__(self, run_id: str) -> None:
        super().__init__({"run": "This event's report has already been sent; a dry run or a "
                                 "test_recipient send is still possible."}, extra={"run_id": run_id})
        self.run_id = run_id


# --- organisers: the editorial sections --------------------------------------------------------


def save_report(event_id: str, sections: list[Section], organiser: str) -> dict[str, Any]:
    """Replace the report's editorial sections. Raises NotFound for an unknown event."""
    if events.get_event(event_id) is None:
        raise NotFound("event")
    return store.update(
        keys.report(event_id),
        "SET event_id = :event_id, #sections = :sections, updated_at = :now, updated_by = :by",
        names={"#sections": "sections"},
        vals={":event_id": event_id, ":sections": [s.as_dict() for s in sections],
              ":now": clock.iso(clock.now()), ":by": organiser},
    )


def get_report(event_id: str) -> dict[str, Any] | None:
    return store.get(keys.report(event_id))


def report_view(event_id: str, report: dict[str, Any] | None) -> dict[str, Any]:
    report = report or {}
    return {"event_id": event_id, "sections": report.get("sections", []),
            "updated_at": report.get("updated_at"), "sent_run_id": report.get("real_run_id"),
            "published_at": report.get("published_at")}


# --- organisers: runs -----------------------------------------------------------------------------


def start_report_run(event_id: str, request: RunRequest, organiser: str,
                     idempotency_key: str | None = None) -> dict[str, Any]:
    """Queue a run of the event's report and return it.

    The same idempotency key gives back the same run (never a second one). A real run is
    refused with RunRefused once the event has had one; dry runs and test sends are not.
    Raises NotFound for an unknown event.
    """
    if events.get_event(event_id) is None:
        raise NotFound("event")
    if idempotency_key:
        run_id = hashlib.sha256(f"{event_id}\n{idempotency_key}".encode()).hexdigest()[:16]
        existing = get_run(run_id)
        if existing is not None:
            if existing["status"] == QUEUED:
                _announce_run(existing)  # its announcement may have been lost: the build is idempotent
            return existing
    else:
        run_id = secrets.token_hex(8)
    run = open_run(event_id, run_id, request, organiser)
    _announce_run(run)
    return run


def open_run(event_id: str, run_id: str, request: RunRequest, organiser: str) -> dict[str, Any]:
    """Record a queued run; a real one also claims the event's one real run, in one step."""
    run = {
        **keys.report_run(run_id), "run_id": run_id, "event_id": event_id, "status": QUEUED,
        "dry_run": request.dry_run, "test_recipient": request.test_recipient,
        "requested_by": organiser, "requested_at": clock.iso(clock.now()),
        "recipients": 0, "sent": 0, "skipped": 0, "failed": 0, "would_send": 0,
        "batches": 0, "batches_done": 0, "built": False,
    }
    operations: list[dict[str, Any]] = [
        {"Put": {"Item": run, "ConditionExpression": "attribute_not_exists(pk)"}},
    ]
    if _is_real(run):
        operations.append({"Update": {
            "Key": keys.report(event_id),
            "UpdateExpression": "SET event_id = :event_id, real_run_id = :run_id",
            "ConditionExpression": "attribute_not_exists(real_run_id)",
            "ExpressionAttributeValues": {":event_id": event_id, ":run_id": run_id}}})
    try:
        _transact(operations)
    except store.ConditionFailed as refused:
        if refused.code(0) == REFUSED:
            # The same key at the same moment: both callers get the one run.
            return get_run(run_id) or run
        old = refused.old_item(1) or {}
        raise RunRefused(str(old.get("real_run_id", ""))) from None
    return run


def get_run(run_id: str) -> dict[str, Any] | None:
    return store.get(keys.report_run(run_id))


def run_view(run: dict[str, Any]) -> dict[str, Any]:
    """A run as organisers see it: status and counts (recipients = confirmed people considered;
    skipped = no consent or suppressed)."""
    view = {name: run.get(name) for name in (
        "run_id", "event_id", "status", "dry_run", "test_recipient", "recipients", "sent", "skipped",
        "failed", "requested_at", "requested_by", "finished_at", "reason")}
    if run.get("dry_run"):
        view["would_send"] = run.get("would_send", 0)
    return {name: value for name, value in view.items() if value is not None}


def _announce_run(run: dict[str, Any]) -> None:
    detail: dict[str, Any] = {"event_id": run["event_id"], "run_id": run["run_id"],
                              "dry_run": bool(run.get("dry_run")), "requested_by": run["requested_by"],
                              "requested_at": run["requested_at"]}
    if run.get("test_recipient"):
        detail["test_recipient"] = run["test_recipient"]
    bus.publish(RUN_REQUESTED, detail)


def _is_real(run: dict[str, Any]) -> bool:
    return not run.get("dry_run") and not run.get("test_recipient")


# --- the worker: build once, fan out in batches ------------------------------------------------------


def build_report_run(request: dict[str, Any]) -> None:
    """Render the report once, publish its web version (real runs), and announce one
    ReportBatchDue per BATCH_SIZE confirmed registrants. Safe to repeat for the same run: each
    batch is announced and counted once, and a finished run is left alone."""
    run_id, event_id = request["run_id"], request["event_id"]
    run = get_run(run_id)
    if run is None:
        # Asked for straight on the bus (not through the API): open it under the same rules.
        try:
            run = open_run(event_id, run_id, RunRequest(bool(request.get("dry_run")), request.get("test_recipient")),
                           str(request.get("requested_by", "bus")))
        except RunRefused:
            logger.info("report already sent; run refused", extra={"event_id": event_id, "run_id": run_id})
            return
    if run["status"] in (DONE, FAILED) or run.get("built"):
        return
    if run["status"] != SENDING:
        # A build that stopped while fanning out resumes there, with the report it rendered.
        _move(run_id, BUILDING, (QUEUED, BUILDING))
        event = events.get_event(event_id)
        if event is None:
            _move(run_id, FAILED, (BUILDING,), reason="The event no longer exists.")
            return
        _keep_rendered(run, *render_report(event))
        _move(run_id, SENDING, (BUILDING,))
    for number, people in enumerate(_chunks(_audience(run)), start=1):
        _announce_batch(run, number, people)
    store.update(keys.report_run(run_id), "SET built = :yes", vals={":yes": True}, return_values="NONE")
    _finish_if_complete(run_id)


def _audience(run: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if run.get("test_recipient"):
        # A test send goes to the organiser who asked, consent or not (never if suppressed).
        yield {"email": run["test_recipient"], "consent_report": True}
        return
    # A generator over the registrations, page by page: the audience is never all in memory.
    yield from registrations.confirmed_registrations(run["event_id"])


def _chunks(people: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for person in people:
        chunk.append({"email": person["email"], "consent_report": bool(person.get("consent_report"))})
        if len(chunk) == BATCH_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _announce_batch(run: dict[str, Any], number: int, people: list[dict[str, Any]]) -> None:
    run_id = run["run_id"]
    emails = [person["email"] for person in people if person["consent_report"]]
    batch_key = keys.report_batch(run_id, number)
    try:
        # The counts and the batch's number go onto the run in one conditional write: a rebuilt
        # run counts nobody twice (one update, not a transaction, so batches never conflict).
        store.update(
            keys.report_run(run_id),
            "ADD recipients :people, skipped :skipped, batches :batch, announced_batches :numbers",
            condition="NOT contains(announced_batches, :number)",
            vals={":people": len(people), ":skipped": len(people) - len(emails), ":batch": 1 if emails else 0,
                  ":numbers": {number}, ":number": number},
            return_values="NONE",
        )
    except store.ConditionFailed:
        if (store.get(batch_key) or {}).get("published"):
            return
    if emails:
        bus.publish(BATCH_DUE, {"event_id": run["event_id"], "run_id": run_id, "batch": number,
                                "dry_run": bool(run.get("dry_run")), "emails": emails})
    store.put({**batch_key, "run_id": run_id, "number": number, "people": len(emails), "published": True})


def _keep_rendered(run: dict[str, Any], html: str, text: str) -> None:
    """Store the run's rendered report (and publish it as the web version for a real run)."""
    event_id, run_id = run["event_id"], run["run_id"]
    body_key = f"reports/{event_id}/{run_id}"
    s3, bucket = aws.s3(), get_settings().reports_bucket
    s3.put_object(Bucket=bucket, Key=f"{body_key}.html", Body=html.encode(), ContentType="text/html; charset=utf-8")
    s3.put_object(Bucket=bucket, Key=f"{body_key}.txt", Body=text.encode(), ContentType="text/plain; charset=utf-8")
    store.update(keys.report_run(run_id), "SET body_key = :key", vals={":key": body_key}, return_values="NONE")
    if _is_real(run):
        _publish(event_id, run_id, body_key)


def _publish(event_id: str, run_id: str, body_key: str) -> None:
    store.update(
        keys.report(event_id),
        "SET published_run_id = :run_id, published_key = :key, published_at = if_not_exists(published_at, :now)",
        vals={":run_id": run_id, ":key": body_key, ":now": clock.iso(clock.now())},
        return_values="NONE",
    )


# --- the worker: one batch ----------------------------------------------------------------------------


def send_report(batch: dict[str, Any]) -> dict[str, int]:
    """Email the report to each person of one batch who is not suppressed, once per run, and add
    the batch's counts to the run once. Returns the batch's counts."""
    run_id, number = batch["run_id"], int(batch["batch"])
    run = get_run(run_id)
    if run is None or number in run.get("counted_batches", set()):
        return {}
    tally: Counter[str] = Counter()
    if run.get("dry_run"):
        for email in batch["emails"]:
            tally[SKIPPED if suppression.is_suppressed(email) else "would_send"] += 1
    else:
        event = events.get_event(run["event_id"])
        if event is None:
            tally[FAILED] += len(batch["emails"])
        else:
            html, text = _rendered(run["body_key"])
            for email in batch["emails"]:
                tally[_deliver(run, event, html, text, email)] += 1
    _count(run_id, number, tally)
    _finish_if_complete(run_id)
    return dict(tally)


def _deliver(run: dict[str, Any], event: dict[str, Any], html: str, text: str, email: str) -> str:
    """Email one person, unless suppressed or already handled by this run; return the outcome."""
    run_id = run["run_id"]
    mark = keys.report_delivery(run_id, email)
    outcome = SKIPPED if suppression.is_suppressed(email) else "sending"
    try:
        store.put({**mark, **keys.person(email, keys.person_report(run_id)), "run_id": run_id,
                   "event_id": run["event_id"], "email": email, "outcome": outcome,
                   "claimed_at": clock.iso(clock.now())},
                  condition="attribute_not_exists(pk)")
    except store.ConditionFailed:
        return _settle_earlier_claim(mark)
    if outcome == SKIPPED:
        return SKIPPED
    try:
        _send(run, event, html, text, email)
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in _TRY_AGAIN:
            store.delete(mark)  # nothing left: the retried batch may send
            raise
        logger.warning("report not accepted for sending", extra={"run_id": run_id, "code": code})
        _set_outcome(mark, FAILED)
        return FAILED
    _set_outcome(mark, SENT)
    return SENT


def _settle_earlier_claim(mark: keys.Key) -> str:
    held = store.get(mark) or {}
    if held.get("outcome") == "sending":
        # A worker died between claiming and confirming: the email may have left. Never resend.
        try:
            store.update(mark, "SET outcome = :failed, unconfirmed = :yes", condition="outcome = :sending",
                         vals={":failed": FAILED, ":yes": True, ":sending": "sending"}, return_values="NONE")
        except store.ConditionFailed:
            return _settle_earlier_claim(mark)
        return FAILED
    return str(held.get("outcome", FAILED))


def _set_outcome(mark: keys.Key, outcome: str) -> None:
    store.update(mark, "SET outcome = :outcome, settled_at = :now",
                 vals={":outcome": outcome, ":now": clock.iso(clock.now())}, return_values="NONE")


def _send(run: dict[str, Any], event: dict[str, Any], html: str, text: str, email: str) -> None:
    from markupsafe import Markup

    settings = get_settings()
    unsubscribe = suppression.unsubscribe_link(email, event["event_id"])
    title = event_title(event)
    test = bool(run.get("test_recipient"))
    mail.send(mail.Email(
        to=email,
        subject=f"{'[Test] ' if test else ''}{title}: the summary report",
        template="report",
        # The body was rendered (and escaped) once for the whole run; only the footer is personal.
        context={"body_html": Markup(html), "body_text": text, "title": title, "test": test,  # noqa: S704
                 "web_url": f"{settings.public_base_url}/reports/{event['event_id']}",
                 "unsubscribe_url": unsubscribe},
        headers={"List-Unsubscribe": f"<{unsubscribe}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    ))


def _count(run_id: str, number: int, tally: Counter[str]) -> None:
    try:
        store.update(
            keys.report_run(run_id),
            "ADD sent :sent, skipped :skipped, failed :failed, would_send :would_send, batches_done :one, "
            "counted_batches :numbers",
            condition="NOT contains(counted_batches, :number)",
            vals={":sent": tally[SENT], ":skipped": tally[SKIPPED], ":failed": tally[FAILED],
                  ":would_send": tally["would_send"], ":one": 1, ":numbers": {number}, ":number": number},
            return_values="NONE",
        )
    except store.ConditionFailed:
        logger.info("batch already counted", extra={"run_id": run_id, "batch": number})


def _finish_if_complete(run_id: str) -> None:
    try:
        store.update(keys.report_run(run_id), "SET #status = :done, finished_at = :now",
                     condition="#status = :sending AND built = :yes AND batches_done = batches",
                     names={"#status": "status"},
                     vals={":done": DONE, ":sending": SENDING, ":yes": True, ":now": clock.iso(clock.now())},
                     return_values="NONE")
    except store.ConditionFailed:
        return
    logger.info("report run done", extra={"run_id": run_id})


def _move(run_id: str, status: str, allowed: tuple[str, ...], reason: str | None = None) -> bool:
    vals: dict[str, Any] = {":status": status, **{f":from{i}": s for i, s in enumerate(allowed)}}
    expression = "SET #status = :status"
    if reason:
        expression += ", reason = :reason"
        vals[":reason"] = reason
    try:
        store.update(keys.report_run(run_id), expression,
                     condition=f"#status IN ({', '.join(f':from{i}' for i in range(len(allowed)))})",
                     names={"#status": "status"}, vals=vals, return_values="NONE")
    except store.ConditionFailed:
        return False
    return True


def _transact(operations: list[dict[str, Any]]) -> None:
    # Two runs opened together may conflict on the event's report item; DynamoDB cancels one
    # transaction, and it is simply tried again. A refused condition is the caller's answer.
    attempt = 0
    while True:
        try:
            store.transact(operations)
            return
        except store.ConditionFailed as cancelled:
            attempt += 1
            if any(cancelled.code(i) == REFUSED for i in range(len(operations))) or attempt == ATTEMPTS:
                raise
            time.sleep(random.uniform(0, 0.01 * 2**attempt))


# --- the report itself ----------------------------------------------------------------------------------


def event_title(event: dict[str, Any]) -> str:
    title = " ".join(str(event["title"]).split())  # a line break would end a mail header
    return f"Event {event['number']} {EN_DASH} {title}" if event.get("number") else title


def report_content(event: dict[str, Any]) -> dict[str, Any]:
    """What the report says: the editorial sections, each poll's results in sentences with whole
    percentages, and where to find the slides, vote on topics and offer to host."""
    event_id = event["event_id"]
    base = get_settings().public_base_url
    report = get_report(event_id) or {}
    sections = [{"title": s["title"], "html": markdown.to_html(s["markdown"]), "text": markdown.to_text(s["markdown"])}
                for s in report.get("sections", [])]
    results = []
    for poll in polls.event_polls(event_id):
        found = polls.poll_results(poll["poll_id"])
        if found and found.get("total"):
            results.append({"question": found["question"], "lines": found["summary"]})
    return {
        "event": event, "title": event_title(event), "sections": sections, "polls": results,
        "slides_url": f"{base}/events/{event_id}/slides" if slides.published_files(event_id) else "",
        "topics_url": f"{base}/topics", "host_url": f"{base}/nominations/host",
    }


def render_report(event: dict[str, Any]) -> tuple[str, str]:
    """The report's body as HTML and as plain text, the same for every recipient."""
    content = report_content(event)
    return (render.render("partials/report_body.html", **content),
            render.render("partials/report_body.txt", **content))


@lru_cache(maxsize=8)
def _rendered(body_key: str) -> tuple[str, str]:
    # A worker handles many batches of one run: fetch the rendered report once, not per batch.
    s3, bucket = aws.s3(), get_settings().reports_bucket
    html = s3.get_object(Bucket=bucket, Key=f"{body_key}.html")["Body"].read().decode()
    text = s3.get_object(Bucket=bucket, Key=f"{body_key}.txt")["Body"].read().decode()
    return html, text


# --- the public: the web version -------------------------------------------------------------------------


def published_report(event_id: str) -> tuple[dict[str, Any], str] | None:
    """The event and the report's HTML as it was sent, once a real run has published it."""
    report = get_report(event_id)
    event = events.get_event(event_id)
    if not report or not report.get("published_key") or event is None:
        return None
    html, _ = _rendered(report["published_key"])
    return event, html
