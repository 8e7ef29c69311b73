"""A person's data across the club: export everything held about one address, or erase it.

Each capability knows what its items of a person mean and which counts rest on them, so each
service offers `export_person(email)` and `erase_person(email)`, and this module only gathers
them: the rule for a kind of item lives next to the code that writes it, and a capability is
reached only through its service. Every capability tags a person's items in GSI2, so each pair
is one index query, never a scan.

Erasure deletes personal records or strips the address from items whose counts must stand
(event counts, poll results, topic votes, download counts). Erasing twice is harmless: the
second time finds nothing and answers zero.

Kept on purpose:
- the suppression item of an unsubscribed, bounced or complaining address: the address must
  never get a report again, so it stays (and stays in the export, so the person can see it);
- emailed links (tokens) issued to the person: they are stored under a hash of the link, are
  not indexed by person, and expire within days (unsubscribe links within a year); they are
  left to expire. A slide or vote link opened after erasure records that new act again, and a
  manage or poll link finds no registration and shows the page for an unknown link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.core import clock, hashing
from chalicelib.core.observability import logger
from chalicelib.nominations import service as nominations
from chalicelib.polls import service as polls
from chalicelib.registration import messages
from chalicelib.registration import service as registrations
from chalicelib.reports import delivery as reports
from chalicelib.slides import service as slides
from chalicelib.subscriptions import service as subscriptions
from chalicelib.topics import service as topics

Export = dict[str, list[dict[str, Any]]]

# Registrations go first: giving up a held place must happen while the record still exists.
HOLDERS: tuple[tuple[Callable[[str], Export], Callable[[str], int]], ...] = (
    (registrations.export_person, registrations.erase_person),
    (messages.export_person, messages.erase_person),
    (slides.export_person, slides.erase_person),
    (polls.export_person, polls.erase_person),
    (nominations.export_person, nominations.erase_person),
    (topics.export_person, topics.erase_person),
    (reports.export_person, reports.erase_person),
    (subscriptions.export_person, subscriptions.erase_person),
)


def export_person(email: str, organiser: str) -> dict[str, Any]:
    """Everything held about this (normalised) address, grouped by kind, without storage keys.

    An unknown address gets the same shape with every kind empty.
    """
    held: Export = {}
    for export, _ in HOLDERS:
        held.update(export(email))
    _audit("export", email, organiser)
    from chalicelib.privacy import retention

    return {"email": email, "exported_at": clock.iso(clock.now()), "held": held,
            "kept_until": retention.kept_until(held)}


def erase_person(email: str, organiser: str) -> dict[str, Any]:
    """Erase what is held about this (normalised) address; aggregate counts stay.

    Returns how many items were erased, and what is kept (the suppression, if any).
    """
    erased = sum(erase(email) for _, erase in HOLDERS)
    kept = len(reports.export_person(email)["suppression"])
    _audit("erase", email, organiser, erased=erased)
    return {"erased": erased, "kept": {"suppression": kept}}


def _audit(action: str, email: str, organiser: str, **extra: Any) -> None:
    # The log names the person only by a hash: the log must not undo an erasure.
    logger.info("person data %s", action, extra={
        "audit": True, "action": f"people.{action}", "organiser": organiser,
        "person": hashing.email_digest(email), **extra})
