"""Organisers look after the topic list: hide a topic that should not be public, merge a
duplicate into the topic it repeats, and mark the topics chosen for a future event.

A hidden topic leaves the public listing (it is listed apart, for organisers) and takes no
votes; it can be shown again. Merging moves the duplicate's votes to the other topic: each
vote is keyed by a hash of the voter's address, so a person who voted for both still counts
once. A merge that stops halfway is finished by asking again; a vote link for a merged topic
counts for the topic it was merged into.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core import clock, keys, store
from chalicelib.core.errors import Conflict, Invalid, NotFound
from chalicelib.topics import service

# Votes moved in one transaction: a delete and a put each, and the count (DynamoDB takes 100).
MOVE_CHUNK = 49
ORGANISER_LIMIT = 1000

_ORGANISER_FIELDS = ("status", "email", "suggested_at", "hidden_at", "hidden_by", "chosen_at",
                     "chosen_by", "merged_into", "merged_at")


@dataclass(frozen=True)
class Merge:
    """What a merge did: the topic now holding the votes, how many votes moved to it, and how
    many were already there (the same person had voted for both)."""

    topic: dict[str, Any]
    moved: int
    already: int


def organiser_view(item: dict[str, Any]) -> dict[str, Any]:
    """A topic as organisers see it: with its state and who suggested it."""
    view = service.topic_view(item)
    view.update({name: item[name] for name in _ORGANISER_FIELDS if item.get(name) is not None})
    if item.get("merged_from"):
        view["merged_from"] = sorted(item["merged_from"])
    return view


def organiser_topics() -> dict[str, list[dict[str, Any]]]:
    """Listed topics (most votes first) and hidden ones (most recently hidden first), from
    their indexes; unconfirmed suggestions and merged duplicates are not listed."""
    listed = store.query(keys.TOPIC_LISTING_PK, index=keys.GSI1, forward=False, limit=ORGANISER_LIMIT)
    hidden = store.query(keys.HIDDEN_TOPIC_LISTING_PK, index=keys.GSI1, forward=False, limit=ORGANISER_LIMIT)
    return {"listed": [organiser_view(item) for item in listed],
            "hidden": [organiser_view(item) for item in hidden]}


def _confirmed_topic(topic_id: str) -> dict[str, Any]:
    item = store.get(keys.topic(topic_id))
    if item is None or item.get("status") == service.PENDING:
        raise NotFound("topic")
    return item


def hide_topic(topic_id: str, organiser: str) -> dict[str, Any]:
    """Take a listed topic off the public list; hiding a hidden topic changes nothing.

    Raises NotFound for an unknown or unconfirmed topic, Conflict for a merged one.
    """
    item = _confirmed_topic(topic_id)
    if item.get("status") == service.HIDDEN:
        return organiser_view(item)
    if item.get("status") == service.MERGED:
        raise Conflict({"topic": "This topic was merged into another; hide that one instead."})
    now = clock.iso(clock.now())
    listing = keys.hidden_topic_listing(now, topic_id)
    try:
        hidden = store.update(
            keys.topic(topic_id),
            "SET #status = :hidden, hidden_at = :now, hidden_by = :by, gsi1pk = :gpk, gsi1sk = :gsk",
            condition="#status = :listed", names=store.names("status"),
            vals={":hidden": service.HIDDEN, ":listed": service.LISTED, ":now": now, ":by": organiser,
                  ":gpk": listing["gsi1pk"], ":gsk": listing["gsi1sk"]})
    except store.ConditionFailed:
        return hide_topic(topic_id, organiser)  # changed meanwhile (merged, hidden): answer as it is now
    return organiser_view(hidden)


def show_topic(topic_id: str) -> dict[str, Any]:
    """Put a hidden topic back on the public list with its votes; a listed topic stays as it is.

    Raises NotFound for an unknown or unconfirmed topic, Conflict for a merged one.
    """
    item = _confirmed_topic(topic_id)
    if item.get("status") == service.LISTED:
        return organiser_view(item)
    if item.get("status") == service.MERGED:
        raise Conflict({"topic": "This topic was merged into another, which holds its votes."})
    listing = keys.topic_listing(int(item.get("votes", 0)), item["confirmed_at"], topic_id)
    try:
        shown = store.update(
            keys.topic(topic_id),
            "SET #status = :listed, gsi1pk = :gpk, gsi1sk = :gsk REMOVE hidden_at, hidden_by",
            condition="#status = :hidden", names=store.names("status"),
            vals={":hidden": service.HIDDEN, ":listed": service.LISTED,
                  ":gpk": listing["gsi1pk"], ":gsk": listing["gsi1sk"]})
    except store.ConditionFailed:
        return show_topic(topic_id)
    return organiser_view(shown)


def choose_topic(topic_id: str, organiser: str, *, chosen: bool = True) -> dict[str, Any]:
    """Mark a listed topic as chosen for a future event (shown so on /topics), or unmark it.

    Raises NotFound for an unknown or unconfirmed topic, Conflict for a hidden or merged one.
    """
    _confirmed_topic(topic_id)
    try:
        if chosen:
            item = store.update(
                keys.topic(topic_id), "SET chosen_at = if_not_exists(chosen_at, :now), chosen_by = :by",
                condition="#status = :listed", names=store.names("status"),
                vals={":listed": service.LISTED, ":now": clock.iso(clock.now()), ":by": organiser})
        else:
            item = store.update(keys.topic(topic_id), "REMOVE chosen_at, chosen_by",
                                condition="#status = :listed", names=store.names("status"),
                                vals={":listed": service.LISTED})
    except store.ConditionFailed as refused:
        raise Conflict({"topic": "Only a listed topic can be chosen; show it again first."}) from refused
    return organiser_view(item)


def merge_topics(duplicate_id: str, into_id: str, organiser: str) -> Merge:
    """Merge the duplicate into another listed topic: the duplicate leaves every list and its
    votes count for the other topic, each person once. Asking again finishes a merge that
    stopped halfway and changes nothing after one that finished.

    Raises NotFound for an unknown duplicate, Invalid for a bad `into`, Conflict when the
    duplicate was merged into another topic.
    """
    if duplicate_id == into_id:
        raise Invalid({"into": "Choose another topic to merge this one into, not the topic itself."})
    if service.listed_topic(into_id) is None:
        raise Invalid({"into": "Choose a listed topic to merge into; this one is unknown, hidden or merged."})
    duplicate = _confirmed_topic(duplicate_id)
    if duplicate.get("status") == service.MERGED and duplicate.get("merged_into") != into_id:
        raise Conflict({"topic": f"This topic was already merged into {duplicate.get('merged_into')}."})
    if duplicate.get("status") != service.MERGED:
        try:
            store.update(
                keys.topic(duplicate_id),
                "SET #status = :merged, merged_into = :into, merged_at = :now, merged_by = :by "
                "REMOVE gsi1pk, gsi1sk, chosen_at, chosen_by",
                condition="#status = :seen", names=store.names("status"),
                vals={":merged": service.MERGED, ":into": into_id, ":now": clock.iso(clock.now()),
                      ":by": organiser, ":seen": duplicate["status"]},
                return_values="NONE")
        except store.ConditionFailed:
            return merge_topics(duplicate_id, into_id, organiser)  # hidden or merged meanwhile
    store.update(keys.topic(into_id), "ADD merged_from :from", condition="attribute_exists(pk)",
                 vals={":from": {duplicate_id}}, return_values="NONE")
    moved = already = 0
    while True:
        votes = list(store.query(keys.topic_pk(duplicate_id), sk_prefix=keys.TOPIC_VOTE_PREFIX,
                                 limit=MOVE_CHUNK))
        if not votes:
            break
        chunk_moved, chunk_already = _move_votes(votes, into_id)
        moved, already = moved + chunk_moved, already + chunk_already
    target = service.listed_topic(into_id)
    if target is None:
        raise Conflict({"into": "The topic merged into was hidden meanwhile; show it again, then merge."})
    return Merge(topic=organiser_view(target), moved=moved, already=already)


def _move_votes(votes: list[dict[str, Any]], into_id: str) -> tuple[int, int]:
    """Move these votes of a duplicate to `into_id` in one transaction: each vote item leaves
    the duplicate and is put for the other topic unless that voter's vote is there already;
    the count goes up by the votes put, on the condition that it is still the one read."""
    already: set[str] = set()
    for attempt in range(store.ATTEMPTS):
        target = service.listed_topic(into_id)
        if target is None:
            raise Conflict({"into": "The topic merged into was hidden meanwhile; show it again, then merge."})
        moving = [vote for vote in votes if keys.topic_voter(vote) not in already]
        operations = [store.delete_op(keys.primary_key(vote)) for vote in votes]
        operations += [store.put_op(_moved_vote(vote, into_id), "attribute_not_exists(pk)") for vote in moving]
        # A vote the other topic holds under the key of before keyed hashes counts as there already.
        legacy = [(vote, service.vote_keys(into_id, vote["email"])[1]) for vote in moving if vote.get("email")]
        operations += [store.check_op(key, "attribute_not_exists(pk)") for _, key in legacy]
        count = int(target.get("votes", 0))
        if moving:
            listing = keys.topic_listing(count + len(moving), target["confirmed_at"], into_id)
            operations.append(store.update_op(
                keys.topic(into_id), "SET votes = :votes, gsi1sk = :gsk", "#status = :listed AND votes = :read",
                names=store.names("status"),
                vals={":votes": count + len(moving), ":read": count, ":listed": service.LISTED,
                      ":gsk": listing["gsi1sk"]}))
        try:
            store.transact(operations)
        except store.ConditionFailed as refused:
            first_put, first_check = len(votes), len(votes) + len(moving)
            # The voters whose vote the other topic already holds: their vote just leaves.
            already |= {keys.topic_voter(vote) for i, vote in enumerate(moving) if refused.refused(first_put + i)}
            already |= {keys.topic_voter(vote) for i, (vote, _) in enumerate(legacy)
                        if refused.refused(first_check + i)}
            if refused.refused(len(operations) - 1) and moving:
                store.backoff(attempt)  # a vote moved the count meanwhile: read it again
            continue
        return len(moving), len(already)
    raise RuntimeError(f"votes not moved to topic {into_id} after {store.ATTEMPTS} attempts")


def _moved_vote(vote: dict[str, Any], into_id: str) -> dict[str, Any]:
    # Keyed as a vote cast today (a vote from before keyed hashes is keyed anew), so that the
    # other topic's vote by the same person, under either key, is found.
    if vote.get("email"):
        key = service.vote_keys(into_id, vote["email"])[0]
    else:  # an erased person's vote keeps the key it has
        key = keys.topic_vote(into_id, keys.topic_voter(vote))
    moved = {**key, "topic_id": into_id,
             "voted_at": vote.get("voted_at"), "merged_from": vote.get("topic_id")}
    if vote.get("email"):  # an erased person's vote moves without an address
        moved.update({**keys.person(vote["email"], keys.person_topics("vote", into_id)), "email": vote["email"]})
    return moved
