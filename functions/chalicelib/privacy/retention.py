"""How long personal data is kept, and the daily job that erases what has been kept long enough.

Per stage, from the settings (stated on /privacy): registrations' needs go NEEDS_RETENTION_DAYS
after their event ends, and their other personal details (name, organisation, job title)
RETENTION_MONTHS after it; slide download logs DOWNLOAD_LOG_RETENTION_MONTHS after the download.
What names no one stays: the registration itself (status, attendance, consent), so every count,
and anonymous poll results.

No Scan: the events are read from their listing by start time (oldest first, stopping at the
first that is too recent to have anything due), an event's registrations and download logs from
its own partition, the logs in date order (stopping at the first one still kept). An event
records what was erased, so a later day does not do it again.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import Any

from chalicelib.core import clock, keys, store
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings

DETAILS = ("name", "organisation", "job_title", "needs")
NEEDS = ("needs",)


def months_after(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the month's last day where it is shorter)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def needs_until(event: dict[str, Any]) -> datetime:
    return clock.parse(event["ends_at"]) + timedelta(days=get_settings().needs_retention_days)


def details_until(event: dict[str, Any]) -> datetime:
    return months_after(clock.parse(event["ends_at"]), get_settings().retention_months)


def download_log_until(at: str) -> datetime:
    return months_after(clock.parse(at), get_settings().download_log_retention_months)


def apply_retention(now: datetime | None = None) -> dict[str, int]:
    """Erase everything whose time has come; return how many items of each kind were changed.
    Running it again the same day changes nothing."""
    now = now or clock.now()
    settings = get_settings()
    # An event cannot have anything due before its needs are: it must have ended that long ago.
    latest_start = clock.iso(now - timedelta(days=settings.needs_retention_days))
    done = {"needs": 0, "details": 0, "download_logs": 0}
    for event in store.query(keys.EVENT_LISTING_PK, index=keys.GSI1):
        if str(event.get("starts_at", "")) > latest_start:
            break  # the listing is in start order: every later event is more recent still
        if not event.get("details_erased_at") and details_until(event) <= now:
            done["details"] += _erase_registrations(event, DETAILS, "details_erased_at", now)
        elif not event.get("needs_erased_at") and not event.get("details_erased_at") and needs_until(event) <= now:
            done["needs"] += _erase_registrations(event, NEEDS, "needs_erased_at", now)
        done["download_logs"] += _erase_download_logs(event["event_id"], now)
    logger.info("retention applied", extra=done)
    return done


def _erase_registrations(event: dict[str, Any], fields: tuple[str, ...], mark: str, now: datetime) -> int:
    event_id = event["event_id"]
    changed = 0
    for item in store.query(keys.event_prefix_pk(event_id), sk_prefix=keys.REGISTRATION_PREFIX):
        present = [name for name in fields if name in item]
        if present:
            store.update(keys.primary_key(item), "REMOVE " + ", ".join(f"#{n}" for n in present),
                         names={f"#{n}": n for n in present}, return_values="NONE")
            changed += 1
    # Marked after the registrations: a job stopped half-way does the rest the next day.
    store.update(keys.event(event_id), f"SET {mark} = :at", condition="attribute_exists(pk)",
                 vals={":at": clock.iso(now)}, return_values="NONE")
    return changed


def _erase_download_logs(event_id: str, now: datetime) -> int:
    erased = 0
    for item in store.query(keys.event_prefix_pk(event_id), sk_prefix=keys.DOWNLOAD_PREFIX):
        if download_log_until(str(item["at"])) > now:
            break  # in date order: the rest are kept too
        store.delete(keys.primary_key(item))
        erased += 1
    return erased


def kept_until(held: dict[str, list[dict[str, Any]]]) -> list[dict[str, str]]:
    """For a person's export: until when each kind of their data is kept."""
    from chalicelib.events import service as events

    kept: list[dict[str, str]] = []
    for registration in held.get("registrations", []):
        event = events.get_event(str(registration.get("event_id", "")))
        if event is None:
            continue
        kept.append({"what": "access, dietary and quiet-room needs", "event_id": event["event_id"],
                     "until": clock.iso(needs_until(event))})
        kept.append({"what": "name, organisation and job title given at registration",
                     "event_id": event["event_id"], "until": clock.iso(details_until(event))})
    for download in held.get("slide_downloads", []):
        kept.append({"what": "slide download log", "event_id": str(download.get("event_id", "")),
                     "until": clock.iso(download_log_until(str(download["at"])))})
    return kept
