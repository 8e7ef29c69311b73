"""Poll rules: organisers create and close an event's polls; attendees answer each poll once
through their personal link; results come from running counts, never from reading every vote.

A vote is one DynamoDB transaction: the poll must be open, the (poll, voter) vote item must not
exist yet, and the poll's counts go up in the same step. One vote per attendee per poll is
therefore the database's rule, whatever the page or the network does.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from chalicelib.core import clock, hashing, keys, privacy, store, tokens
from chalicelib.core.errors import NotFound
from chalicelib.events import service as events
from chalicelib.polls import results
from chalicelib.polls.forms import Answer, NewPoll
from chalicelib.registration import service as registrations

LINK_PURPOSE = "poll"
OPEN = "open"
CLOSED = "closed"
ALREADY_ANSWERED = "You have already answered this poll; your first answer stands."
POLL_CLOSED = "This poll has closed, so it takes no more answers."
_POLL_FIELDS = ("poll_id", "event_id", "question", "kind", "options", "scale", "status",
                "position", "created_at", "created_by", "closed_at")


@dataclass(frozen=True)
class Voter:
    """Who a personal poll link belongs to, and the event it is for."""

    event: dict[str, Any]
    email: str


@dataclass
class Submission:
    """What became of a ballot: answers recorded, and polls that refused theirs (with why)."""

    recorded: dict[str, Answer] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


# --- organisers -------------------------------------------------------------------------------


def create_poll(event_id: str, new: NewPoll, organiser: str) -> dict[str, Any]:
    """Add a poll to the event, listed after its earlier polls, with its counts at zero.

    Raises NotFound for an unknown event.
    """
    if events.get_event(event_id) is None:
        raise NotFound("event")
    position = int(store.update(keys.poll_sequence(event_id), "ADD #next :one",
                                names={"#next": "next"}, vals={":one": 1})["next"])
    poll_id = secrets.token_hex(6)
    poll: dict[str, Any] = {
        **keys.poll(poll_id),
        **keys.poll_listing(event_id, position, poll_id),
        "poll_id": poll_id,
        "event_id": event_id,
        "question": new.question,
        "kind": new.kind,
        "status": OPEN,
        "position": position,
        "created_at": clock.iso(clock.now()),
        "created_by": organiser,
    }
    if new.kind == results.RATING:
        assert new.scale is not None
        poll["scale"] = new.scale.as_dict()
        counters = [str(value) for value in range(new.scale.low, new.scale.high + 1)]
    else:
        poll["options"] = list(new.options)
        counters = [str(position) for position in range(len(new.options))]
    store.transact([
        store.put_op(poll, "attribute_not_exists(pk)"),
        store.put_op({**keys.poll_results(poll_id), "poll_id": poll_id, "event_id": event_id,
                      "respondents": 0, "counts": dict.fromkeys(counters, 0)}, "attribute_not_exists(pk)"),
    ])
    return poll


def get_poll(poll_id: str) -> dict[str, Any] | None:
    return store.get(keys.poll(poll_id))


def event_polls(event_id: str) -> list[dict[str, Any]]:
    """The event's polls in the order they were created (an index query, never a scan)."""
    return list(store.query(keys.polls_pk(event_id), index=keys.GSI1))


def open_polls(event_id: str) -> list[dict[str, Any]]:
    return [poll for poll in event_polls(event_id) if poll.get("status") == OPEN]


def poll_view(poll: Mapping[str, Any]) -> dict[str, Any]:
    """A poll as the API shows it: no key attributes."""
    return {name: poll[name] for name in _POLL_FIELDS if poll.get(name) is not None}


def close_poll(poll_id: str) -> dict[str, Any] | None:
    """Stop the poll taking answers; closing a closed poll changes nothing. None if unknown."""
    try:
        return store.update(
            keys.poll(poll_id), "SET #status = :closed, closed_at = :now",
            condition="attribute_exists(pk) AND #status = :open",
            names={"#status": "status"},
            vals={":closed": CLOSED, ":open": OPEN, ":now": clock.iso(clock.now())},
        )
    except store.ConditionFailed:
        return get_poll(poll_id)


def poll_results(poll_id: str) -> dict[str, Any] | None:
    """Counts and percentages of one poll (ratings add mean, median and at-or-below shares),
    from its running counts; None if there is no such poll."""
    poll = get_poll(poll_id)
    if poll is None:
        return None
    return _results(poll, store.get(keys.poll_results(poll_id)) or {})


def results_of(polls: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What poll_results gives, for each of these polls already read: their counts in one read."""
    held = {item["poll_id"]: item for item in store.get_many([keys.poll_results(poll["poll_id"]) for poll in polls])}
    return [_results(poll, held.get(poll["poll_id"], {})) for poll in polls]


def _results(poll: Mapping[str, Any], held: Mapping[str, Any]) -> dict[str, Any]:
    counts, respondents = held.get("counts", {}), int(held.get("respondents", 0))
    return {
        **poll_view(poll),
        **results.tally(poll, counts, respondents),
        "summary": results.headlines(poll, counts, respondents),
    }


# --- attendees: the personal link -------------------------------------------------------------


def may_vote(registration: Mapping[str, Any] | None) -> bool:
    """Confirmed or marked attended: people who took their place. A cancelled registration's
    link stops working, unless the person was marked as attended after all."""
    if registration is None:
        return False
    return registration.get("status") == registrations.CONFIRMED or bool(registration.get("attended"))


def issue_link(event_id: str, email: str, days: int) -> str:
    """A personal poll token: many uses (one vote per poll is kept by the votes themselves)."""
    return tokens.issue_token(LINK_PURPOSE, {"event_id": event_id, "email": email},
                              ttl=timedelta(days=days))


def voter_from_link(raw_token: str) -> Voter | None:
    """Who the link belongs to; None for unknown or expired links and for people no longer
    registered (all look the same to the visitor)."""
    token = tokens.peek(raw_token, LINK_PURPOSE)
    if token is None:
        return None
    event_id, email = str(token.data.get("event_id", "")), str(token.data.get("email", ""))
    event = events.get_event(event_id)
    if event is None or not may_vote(registrations.get_registration(event_id, email)):
        return None
    return Voter(event=event, email=email)


def my_answers(polls: list[dict[str, Any]], email: str) -> dict[str, Answer]:
    """The person's answers to these polls, by poll id."""
    voters = (hashing.email_digest(email), hashing.legacy_email_digest(email))
    # One read for every poll; a vote cast before keyed hashes is found under its old key (core/hashing).
    votes = store.get_many([keys.poll_vote(poll["poll_id"], voter) for poll in polls for voter in voters])
    return {vote["poll_id"]: vote["answer"] for vote in votes}


def cast_votes(voter: Voter, polls: list[dict[str, Any]], answers: Mapping[str, Answer]) -> Submission:
    """Record each answer on its own: one poll refusing (already answered, closed) does not stop
    the others."""
    by_id = {poll["poll_id"]: poll for poll in polls}
    submission = Submission()
    for poll_id, answer in answers.items():
        refusal = cast_vote(by_id[poll_id], voter.email, answer)
        if refusal:
            submission.refused[poll_id] = refusal
        else:
            submission.recorded[poll_id] = answer
    return submission


def cast_vote(poll: Mapping[str, Any], email: str, answer: Answer) -> str:
    """Record one validated answer; return "" when recorded, else why it was refused."""
    poll_id = poll["poll_id"]
    chosen = answer if isinstance(answer, list) else [answer]
    counters = ([str(value) for value in chosen] if poll["kind"] == results.RATING
                else [str(poll["options"].index(option)) for option in chosen])
    names = {"#respondents": "respondents", "#counts": "counts",
             **{f"#c{i}": counter for i, counter in enumerate(counters)}}
    adds = ", ".join(f"#counts.#c{i} = #counts.#c{i} + :one" for i in range(len(counters)))
    try:
        store.transact([
            store.check_op(keys.poll(poll_id), "#status = :open", names=store.names("status"), vals={":open": OPEN}),
            # One vote per person: also none under the key of before keyed hashes (core/hashing).
            store.check_op(keys.poll_vote(poll_id, hashing.legacy_email_digest(email)), "attribute_not_exists(pk)"),
            store.put_op({**keys.poll_vote(poll_id, hashing.email_digest(email)),
                          **keys.person(email, keys.person_polls("vote", poll_id)),
                          "poll_id": poll_id, "event_id": poll["event_id"], "email": email,
                          "answer": answer, "voted_at": clock.iso(clock.now())},
                         "attribute_not_exists(pk)"),
            store.update_op(keys.poll_results(poll_id), f"SET #respondents = #respondents + :one, {adds}",
                            "attribute_exists(pk)", names=names, vals={":one": 1}),
        ])
    except store.ConditionFailed as refused:
        if refused.refused(1) or refused.refused(2):
            return ALREADY_ANSWERED
        if refused.refused(0):
            return POLL_CLOSED
        raise
    return ""


# --- a person's data (export, erasure) --------------------------------------------------------


def export_person(email: str) -> dict[str, list[dict[str, Any]]]:
    """The person's poll answers and the poll invitations emailed to them."""
    exported: dict[str, list[dict[str, Any]]] = {"poll_votes": [], "poll_invitations": []}
    for item in store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_POLLS):
        kind = "poll_votes" if "answer" in item else "poll_invitations"
        exported[kind].append(keys.stored_fields(item))
    return exported


def erase_person(email: str) -> int:
    """Erase the person's poll answers and invitation marks; return how many items.

    Results keep every answer counted. A vote item stays without its address (its key is a
    keyed hash, core/hashing), so a vote is never counted twice; an invitation mark is deleted.
    """
    items = list(store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_POLLS))
    for item in items:
        if "answer" not in item:  # only votes hold an answer
            store.delete(keys.primary_key(item))
            continue
        privacy.forget_owner(item)
    return len(items)
