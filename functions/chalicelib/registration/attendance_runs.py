"""Attendance for a long list (a sign-in sheet of 2,000 addresses) is marked through the bus in
chunks, not inside the request: one transaction per person would outlast API Gateway's 29 s.

Up to AT_ONCE distinct addresses are still marked in the request and answered with who was
marked (200). A longer list becomes a run: the run and one AttendanceChunkDue per CHUNK
addresses are stored in one transaction (the outbox relays the chunks to the bus, so a stored
run always gets its chunks), the API answers 202 at once, and `follow_event_changes` marks each
chunk. The run's progress (total, marked, already, unknown, done) is at
GET /admin/attendance-runs/{run_id}.

A chunk delivered again changes nothing twice: each person is marked, and the event's count
moved, once (the registration's own condition); a registration this run marked keeps the run's
id, so a chunk marked again after a crash still reports those people as marked by the run; and
a chunk's counts are added to the run once (the run keeps the numbers of the chunks it counted).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from chalicelib.core import batches, clock, keys, outbox, store
from chalicelib.core.domain_events import AttendanceChunkDue
from chalicelib.core.errors import NotFound
from chalicelib.core.observability import logger
from chalicelib.events import service as events
from chalicelib.registration import service

CHUNK_DUE = "AttendanceChunkDue"
# Up to this many distinct addresses are marked within the request (about a second's work).
AT_ONCE = 100
# Addresses per chunk: 2,000 make 40 chunks, stored with their run in one transaction (at most
# 100 items), and ten chunks of the longest addresses fit one PutEvents call (256 KB).
CHUNK = 50
# A run's progress, and the unregistered addresses it names, are kept this long, then expire:
# long enough to read the result and correct the sheet, short enough not to keep strangers' addresses.
RUN_DAYS = 7
QUEUED, MARKING, DONE = "queued", "marking", "done"
_VIEW_FIELDS = ("run_id", "event_id", "status", "total", "marked", "already", "unknown", "chunks",
                "chunks_done", "requested_by", "requested_at", "finished_at")


def at_once(emails: Sequence[str]) -> bool:
    """Whether the request itself marks these (normalised) addresses."""
    return len(set(emails)) <= AT_ONCE


def start_run(event_id: str, emails: Sequence[str], organiser: str) -> dict[str, Any]:
    """Store a run for these (normalised, valid) addresses with its chunks; return the run.
    Raises NotFound for an unknown event."""
    if events.get_event(event_id) is None:
        raise NotFound("event")
    distinct = list(dict.fromkeys(emails))
    chunks = list(batches.chunked(distinct, CHUNK))
    run_id = secrets.token_hex(8)
    now = clock.now()
    run = {
        **keys.attendance_run(run_id), "run_id": run_id, "event_id": event_id, "status": QUEUED,
        "total": len(distinct), "marked": 0, "already": 0, "unknown": 0,
        "chunks": len(chunks), "chunks_done": 0,
        "requested_by": organiser, "requested_at": clock.iso(now),
        keys.TTL_ATTRIBUTE: int((now + timedelta(days=RUN_DAYS)).timestamp()),
    }
    store.transact([
        store.put_op(run, "attribute_not_exists(pk)"),
        *(outbox.entry(CHUNK_DUE, AttendanceChunkDue(event_id=event_id, run_id=run_id, chunk=number, emails=chunk))
          for number, chunk in enumerate(chunks, start=1)),
    ])
    logger.info("attendance run queued", extra={"event_id": event_id, "run_id": run_id,
                                                 "total": len(distinct), "chunks": len(chunks)})
    return run


def get_run(run_id: str) -> dict[str, Any] | None:
    return store.get(keys.attendance_run(run_id))


def run_view(run: dict[str, Any]) -> dict[str, Any]:
    """A run as organisers see it: its counts, whether it is done, and who was not registered."""
    view = {name: run.get(name) for name in _VIEW_FIELDS}
    view["done"] = run.get("status") == DONE
    view["unknown_emails"] = sorted(run.get("unknown_emails", set()))
    return {name: value for name, value in view.items() if value is not None}


# --- the worker: one chunk ---------------------------------------------------------------------


def mark_chunk(_: str, due: AttendanceChunkDue) -> None:
    """Mark one chunk's people as attended and add its counts to the run, once."""
    run_id, number = due["run_id"], int(due["chunk"])
    run = get_run(run_id)
    if run is None:
        logger.info("attendance run gone; chunk skipped", extra={"run_id": run_id, "chunk": number})
        return
    if number not in run.get("counted_chunks", set()):
        try:
            result = service.mark_attended(due["event_id"], due["emails"], run_id=run_id)
        except NotFound:
            # The event went after the run was asked for: nobody here can be marked any more.
            result = service.Attendance(unknown=list(due["emails"]))
        _count(run_id, number, result)
    finish_if_complete(run_id)


def _count(run_id: str, number: int, result: service.Attendance) -> None:
    unknown = ", unknown_emails :unknown_emails" if result.unknown else ""
    try:
        store.update(
            keys.attendance_run(run_id),
            "SET #status = :marking ADD marked :marked, already :already, #unknown :unknown, "
            f"chunks_done :one, counted_chunks :numbers{unknown}",
            condition="NOT contains(counted_chunks, :number)",
            names={"#status": "status", "#unknown": "unknown"},
            vals={":marking": MARKING, ":marked": len(result.marked), ":already": len(result.already),
                  ":unknown": len(result.unknown), ":one": 1, ":numbers": {number}, ":number": number,
                  **({":unknown_emails": set(result.unknown)} if result.unknown else {})},
            return_values="NONE",
        )
    except store.ConditionFailed:
        logger.info("attendance chunk already counted", extra={"run_id": run_id, "chunk": number})


def finish_if_complete(run_id: str) -> None:
    """Mark the run done once every chunk is counted (the first write to see it so wins)."""
    try:
        store.update(keys.attendance_run(run_id), "SET #status = :done, finished_at = :now",
                     condition="#status <> :done AND chunks_done = chunks", names={"#status": "status"},
                     vals={":done": DONE, ":now": clock.iso(clock.now())}, return_values="NONE")
    except store.ConditionFailed:
        return
    logger.info("attendance run done", extra={"run_id": run_id})
