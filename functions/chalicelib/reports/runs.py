"""Report runs: an organiser (or the bus) asks for one, and the worker builds it.

A run goes queued -> building -> sending -> done. Building renders the report once (kept in the
reports bucket) and walks the registrations page by page, announcing one ReportBatchDue per
BATCH_SIZE people, so neither memory nor any message grows with the audience; delivery.py emails
each batch and adds its counts to the run.

An event has one real run (a second is refused); dry runs and test sends may be repeated.
A correction run goes once to each person the real run reached, with the report as it is now,
and becomes the web version. A retry run sends a finished run's report again to the people it
failed or could not confirm, never to anyone marked sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from chalicelib.core import batches, bus, clock, hashing, keys, outbox, store
from chalicelib.core.domain_events import ReportBatchDue, ReportRunFinished, ReportRunRequested
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.observability import logger
from chalicelib.events import service as events
from chalicelib.registration import service as registrations
from chalicelib.reports import content
from chalicelib.reports.forms import RunRequest

RUN_REQUESTED = "ReportRunRequested"
BATCH_DUE = "ReportBatchDue"
RUN_FINISHED = "ReportRunFinished"
BATCH_SIZE = 50
# A dry run names whom it skips (up to this many; the count is always whole).
SKIPPED_SHOWN = 500
NO_CONSENT = "did not ask for the report"
QUEUED, BUILDING, SENDING, DONE, FAILED = "queued", "building", "sending", "done", "failed"
# A run that announces an event to the club's list (chalicelib.announcements) rather than
# sending its report: same building, batching and delivery, its own audience and email.
ANNOUNCEMENT = "announcement"


class NothingToCorrect(Conflict):
    def __init__(self) -> None:
        super().__init__({"correction": "This event's report has not been sent yet: send it, then correct it."})


class NotRetryable(Conflict):
    def __init__(self, message: str) -> None:
        super().__init__({"run": message})


class RunRefused(Conflict):
    """The event's report was already sent for real; `run_id` is that run."""

    def __init__(self, run_id: str) -> None:
        super().__init__({"run": "This event's report has already been sent; a dry run or a "
                                 "test_recipient send is still possible."}, extra={"run_id": run_id})
        self.run_id = run_id


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
        run_id = hashing.digest(event_id, idempotency_key)[:16]
        existing = get_run(run_id)
        if existing is not None:
            return existing  # stored with its request to build it, so that is on its way
    else:
        run_id = secrets.token_hex(8)
    return open_run(event_id, run_id, request, organiser)


def open_run(event_id: str, run_id: str, request: RunRequest, organiser: str,
             retry_of: str | None = None, announce: bool = True) -> dict[str, Any]:
    """Record a queued run; a real one also claims the event's one real run, in one step, which
    also stores the run's ReportRunRequested for the relay (unless `announce` is false: the
    worker opening a run asked for on the bus builds it at once)."""
    run = {
        **keys.report_run(run_id), "run_id": run_id, "event_id": event_id, "status": QUEUED,
        "dry_run": request.dry_run, "test_recipient": request.test_recipient,
        "requested_by": organiser, "requested_at": clock.iso(clock.now()),
        "recipients": 0, "sent": 0, "skipped": 0, "failed": 0, "would_send": 0,
        "batches": 0, "batches_done": 0, "built": False,
    }
    if request.correction:
        original = (content.get_report(event_id) or {}).get("real_run_id")
        if not original:
            raise NothingToCorrect
        run["correction_of"] = original
    if retry_of:
        run["retry_of"] = retry_of
    operations = [store.put_op(run, "attribute_not_exists(pk)")]
    if _claims_event(run):
        operations.append(store.update_op(
            keys.report(event_id), "SET event_id = :event_id, real_run_id = :run_id",
            "attribute_not_exists(real_run_id)", vals={":event_id": event_id, ":run_id": run_id}))
    if announce:
        operations.append(outbox.entry(RUN_REQUESTED, _run_requested(run)))
    try:
        store.transact(operations)
    except store.ConditionFailed as refused:
        if refused.refused(0):
            # The same key at the same moment: both callers get the one run.
            return get_run(run_id) or run
        old = refused.old_item(1) or {}
        raise RunRefused(str(old.get("real_run_id", ""))) from None
    return run


def retry_report_run(run_id: str, organiser: str, idempotency_key: str | None = None) -> dict[str, Any]:
    """Queue a run that sends a finished run's report again to those it failed or could not
    confirm. A retry of a retry goes back to the first run, so its marks stay the one record
    of who has the report. Raises NotFound, or NotRetryable for a dry or unfinished run."""
    asked = get_run(run_id)
    if asked is None:
        raise NotFound("report run")
    original = get_run(str(asked.get("retry_of") or run_id)) or asked
    if original.get("dry_run"):
        raise NotRetryable("A dry run sent nothing, so there is nothing to retry.")
    if original["status"] != DONE:
        raise NotRetryable("This run has not finished; retry it once its status is done.")
    root = original["run_id"]
    retry_id = hashing.digest(root, "retry", idempotency_key)[:16] if idempotency_key else secrets.token_hex(8)
    existing = get_run(retry_id)
    if existing is not None:
        return existing
    return open_run(original["event_id"], retry_id, RunRequest(False, original.get("test_recipient")),
                    organiser, retry_of=root)


def audience_count(event_id: str, *, correction: bool = False) -> int:
    """How many people the event's report would go to if it were sent now, for the organisers'
    confirmation: confirmed people who asked for it and have not refused email since, or, for a
    correction, everyone the sent report reached. The run itself decides again as it sends."""
    from chalicelib.reports import delivery, suppression

    if correction:
        original = (content.get_report(event_id) or {}).get("real_run_id")
        return sum(1 for _ in delivery.delivered(str(original), delivery.SENT)) if original else 0
    consenting = [str(person["email"]) for person in
                  registrations.confirmed_registrations(event_id, fields=("email", "consent_report"))
                  if person.get("consent_report") and person.get("email")]
    suppressed = suppression.reasons_among(consenting)  # one read per 100, not one per person
    return sum(1 for email in consenting if email not in suppressed)


def get_run(run_id: str) -> dict[str, Any] | None:
    return store.get(keys.report_run(run_id))


def run_view(run: dict[str, Any]) -> dict[str, Any]:
    """A run as organisers see it: status and counts (recipients = confirmed people considered;
    skipped = no consent or suppressed). A dry run also names who it skipped, and why."""
    view = {name: run.get(name) for name in (
        "run_id", "kind", "event_id", "status", "dry_run", "test_recipient", "correction_of", "retry_of", "recipients",
        "sent", "skipped", "failed", "requested_at", "requested_by", "finished_at", "reason")}
    if run.get("dry_run"):
        view["would_send"] = run.get("would_send", 0)
        view["skipped_people"] = skipped_people(run["run_id"])
    return {name: value for name, value in view.items() if value is not None}


def keep_skipped(run_id: str, number: int, why: str, people: list[dict[str, str]]) -> None:
    """Note whom a dry run's batch skips and why (the same again changes nothing)."""
    if people:
        store.put({**keys.report_skips(run_id, number, why), "people": people})


def skipped_people(run_id: str) -> list[dict[str, str]]:
    """Whom a dry run skipped, `{"email", "reason"}` each, by batch (at most SKIPPED_SHOWN)."""
    pk, prefix = keys.report_skips_of(run_id)
    found: list[dict[str, str]] = []
    for item in store.query(pk, sk_prefix=prefix):
        found += [{"email": str(p["email"]), "reason": str(p["reason"])} for p in item.get("people", [])]
        if len(found) >= SKIPPED_SHOWN:
            return found[:SKIPPED_SHOWN]
    return found


def _run_requested(run: dict[str, Any]) -> ReportRunRequested:
    detail = ReportRunRequested(event_id=run["event_id"], run_id=run["run_id"], dry_run=bool(run.get("dry_run")),
                                requested_by=run["requested_by"], requested_at=run["requested_at"])
    if run.get("test_recipient"):
        detail["test_recipient"] = run["test_recipient"]
    return detail


def _is_real(run: dict[str, Any]) -> bool:
    """A real run of the event's report (an announcement is not one: it publishes nothing)."""
    return not run.get("dry_run") and not run.get("test_recipient") and run.get("kind") != ANNOUNCEMENT


def _claims_event(run: dict[str, Any]) -> bool:
    """The event's one real run: not a correction or a retry of it."""
    return _is_real(run) and not run.get("correction_of") and not run.get("retry_of")


# --- the worker: build once, fan out in batches ------------------------------------------------------


def build_report_run(request: ReportRunRequested) -> None:
    """Render the report once, publish its web version (real runs), and announce one
    ReportBatchDue per BATCH_SIZE confirmed registrants. Safe to repeat for the same run: each
    batch is announced and counted once, and a finished run is left alone."""
    run_id, event_id = request["run_id"], request["event_id"]
    run = get_run(run_id)
    if run is None:
        # Asked for straight on the bus (not through the API): open it under the same rules.
        try:
            run = open_run(event_id, run_id, RunRequest(bool(request.get("dry_run")), request.get("test_recipient")),
                           str(request.get("requested_by", "bus")), announce=False)
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
            _move(run_id, FAILED, (BUILDING,), reason="The event no longer exists.", finished=run)
            return
        if run.get("retry_of"):
            _reuse_rendered(run)  # a retry sends what the run it retries sent
        elif run.get("kind") == ANNOUNCEMENT:
            from chalicelib.announcements import service as announcements

            _keep_rendered(run, event, *announcements.render_note(run))
        else:
            _keep_rendered(run, event, *content.render_report(event))
        _move(run_id, SENDING, (BUILDING,))
    for number, people in enumerate(_chunks(_audience(run)), start=1):
        _announce_batch(run, number, people)
    store.update(keys.report_run(run_id), "SET built = :yes", vals={":yes": True}, return_values="NONE")
    finish_if_complete(run_id)


def _audience(run: dict[str, Any]) -> Iterator[dict[str, Any]]:
    from chalicelib.reports import delivery

    if run.get("kind") == ANNOUNCEMENT:
        from chalicelib.announcements import service as announcements

        yield from announcements.audience()
        return
    if run.get("correction_of"):
        yield from delivery.delivered(run["correction_of"], delivery.SENT)
        return
    if run.get("retry_of"):
        yield from delivery.delivered(run["retry_of"], delivery.FAILED)
        return
    if run.get("test_recipient"):
        # A test send goes to the organiser who asked, consent or not (never if suppressed).
        yield {"email": run["test_recipient"], "consent_report": True}
        return
    # A generator over the registrations, page by page: the audience is never all in memory.
    # Only what a batch needs is read (_chunks).
    yield from registrations.confirmed_registrations(run["event_id"], fields=("email", "consent_report"))


def _chunks(people: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    # Only what a batch needs travels in its message.
    return batches.chunked(({"email": person["email"], "consent_report": bool(person.get("consent_report"))}
                            for person in people), BATCH_SIZE)


def _announce_batch(run: dict[str, Any], number: int, people: list[dict[str, Any]]) -> None:
    # Put straight on the bus, not through the outbox: the build runs in a consumer, and a
    # batch counted onto the run but not yet marked published is published again by the
    # retry of its record (each person is emailed once per run however often a batch comes).
    # The count stays one single update, never a transaction: delivery workers add to the run
    # meanwhile, and a transaction on it would collide with them.
    run_id = run["run_id"]
    emails = [person["email"] for person in people if person["consent_report"]]
    if run.get("dry_run"):
        keep_skipped(run_id, number, "consent", [{"email": person["email"], "reason": NO_CONSENT}
                                                 for person in people if not person["consent_report"]])
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
        bus.publish(BATCH_DUE, ReportBatchDue(event_id=run["event_id"], run_id=run_id, batch=number,
                                              dry_run=bool(run.get("dry_run")), emails=emails))
    store.put({**batch_key, "run_id": run_id, "number": number, "people": len(emails), "published": True})


def _keep_rendered(run: dict[str, Any], event: dict[str, Any], html: str, text: str) -> None:
    """Keep the run's rendered report (and publish it as the web version for a real run)."""
    event_id, run_id = run["event_id"], run["run_id"]
    body_key = content.keep_rendered(event_id, run_id, html, text)
    # The topics to vote on are chosen once per run, like the body; only the links are personal.
    store.update(keys.report_run(run_id), "SET body_key = :key, vote_topics = :topics",
                 vals={":key": body_key, ":topics": content.vote_topics(event_id)}, return_values="NONE")
    if _is_real(run):
        content.publish(event_id, run_id, body_key, event["starts_at"])


def _reuse_rendered(run: dict[str, Any]) -> None:
    original = get_run(run["retry_of"]) or {}
    store.update(keys.report_run(run["run_id"]), "SET body_key = :key, vote_topics = :topics",
                 vals={":key": original["body_key"], ":topics": original.get("vote_topics", [])},
                 return_values="NONE")


def finish_if_complete(run_id: str) -> None:
    """Mark the run done once it is built and every announced batch is counted, in the one
    transaction that stores its ReportRunFinished (only the write that finishes it does)."""
    run = get_run(run_id)
    # Read first: most batches finish with others still out, and a read costs less than a
    # refused write.
    if run is None or run["status"] != SENDING or not run.get("built") or \
            int(run.get("batches_done", 0)) != int(run.get("batches", 0)):
        return
    try:
        store.transact([
            store.update_op(keys.report_run(run_id), "SET #status = :done, finished_at = :now",
                            "#status = :sending AND built = :yes AND batches_done = batches",
                            names={"#status": "status"},
                            vals={":done": DONE, ":sending": SENDING, ":yes": True, ":now": clock.iso(clock.now())}),
            _finished(run),
        ])
    except store.ConditionFailed:
        return
    logger.info("report run done", extra={"run_id": run_id})


def _finished(run: dict[str, Any]) -> store.Operation:
    # Stored only with the one write that ends the run: the organisers hear once.
    return outbox.entry(RUN_FINISHED, ReportRunFinished(event_id=run["event_id"], run_id=run["run_id"]))


def run_kind(run: dict[str, Any]) -> str:
    """What sort of run it is, in a word or two: run, dry run, test send, correction, retry."""
    if run.get("kind") == ANNOUNCEMENT:
        return ANNOUNCEMENT
    if run.get("dry_run"):
        return "dry run"
    if run.get("test_recipient"):
        return "test send"
    return "correction" if run.get("correction_of") else "retry" if run.get("retry_of") else "run"


def _move(run_id: str, status: str, allowed: tuple[str, ...], reason: str | None = None,
          finished: dict[str, Any] | None = None) -> bool:
    """Move the run to `status` if it is in one of `allowed`; a move that ends the `finished`
    run stores its ReportRunFinished with it."""
    vals: dict[str, Any] = {":status": status, **{f":from{i}": s for i, s in enumerate(allowed)}}
    expression = "SET #status = :status"
    if reason:
        expression += ", reason = :reason"
        vals[":reason"] = reason
    condition = f"#status IN ({', '.join(f':from{i}' for i in range(len(allowed)))})"
    names = {"#status": "status"}
    try:
        if finished is None:
            store.update(keys.report_run(run_id), expression, condition=condition, names=names, vals=vals,
                         return_values="NONE")
        else:
            store.transact([store.update_op(keys.report_run(run_id), expression, condition, names=names, vals=vals),
                            _finished(finished)])
    except store.ConditionFailed:
        return False
    return True
