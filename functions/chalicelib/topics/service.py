"""Topic rules: anyone may suggest a topic for a future event or vote for a listed one.

Nothing counts on the word of a form alone. A suggestion is stored unlisted and is listed when
the suggester opens the emailed link; a vote counts when the voter opens theirs. One vote per
(topic, person) is the database's rule: the vote item is put only if absent, in the same
transaction that moves the topic's count and its place in the listing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.core import clock, hashing, keys, mail, outbox, privacy, rate_limits, store, tokens
from chalicelib.core.domain_events import TopicSuggested, VoteRequested
from chalicelib.core.form_guard import EmailRequest
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.topics.forms import TopicSuggestion

TOPIC_SUGGESTED = "TopicSuggested"
VOTE_REQUESTED = "VoteRequested"
CONFIRM_TOPIC = "confirm-topic"
CONFIRM_VOTE = "confirm-vote"
PENDING = "pending"
LISTED = "listed"
# Set by organisers (topics/moderation.py): off the public list, or folded into another topic.
HIDDEN = "hidden"
MERGED = "merged"
# A merged topic's votes go to the topic it was merged into, which may itself be merged later.
MERGE_HOPS = 5
LINK_DAYS = 7
# An unconfirmed suggestion outlives its link by a day, then DynamoDB's TTL removes it.
PENDING_DAYS = LINK_DAYS + 1
REQUESTS_PER_EMAIL_PER_HOUR = 5
LISTING_LIMIT = 100


@dataclass(frozen=True)
class Confirmation:
    """What an opened link confirmed: a suggestion ("topic") or a vote ("vote"), and the topic."""

    kind: str
    topic: dict[str, Any]


def topic_view(item: dict[str, Any]) -> dict[str, Any]:
    """A topic as anyone may see it: no address of who suggested or voted."""
    return {"topic_id": item["topic_id"], "title": item["title"],
            "description": item.get("description") or "", "votes": int(item.get("votes", 0)),
            "confirmed_at": item.get("confirmed_at"), "chosen": bool(item.get("chosen_at"))}


# --- the public: suggest, vote, list --------------------------------------------------------------


def suggest_topic(suggestion: TopicSuggestion) -> None:
    """Store the suggestion unlisted and have a confirmation link emailed.

    Robots and requests over the rate limits are dropped without a word.
    """
    if suggestion.by_robot or not _within_rate_limits(suggestion.email):
        logger.info("topic suggestion dropped", extra={"by_robot": suggestion.by_robot})
        return
    now = clock.now()
    topic_id = secrets.token_hex(8)
    suggested_at = clock.iso(now)
    topic = store.put_op({
        **keys.topic(topic_id),
        **keys.person(suggestion.email, keys.person_topics("suggested", topic_id)),
        "topic_id": topic_id,
        "title": suggestion.title,
        "description": suggestion.description,
        "email": suggestion.email,
        "status": PENDING,
        "votes": 0,
        "suggested_at": suggested_at,
        keys.TTL_ATTRIBUTE: int((now + timedelta(days=PENDING_DAYS)).timestamp()),
    }, "attribute_not_exists(pk)")
    store.transact([topic, outbox.entry(TOPIC_SUGGESTED, {"topic_id": topic_id, "email": suggestion.email,
                                                          "suggested_at": suggested_at})])


def request_vote(topic: dict[str, Any], vote: EmailRequest) -> None:
    """Have a link emailed that counts this person's vote for the topic when opened."""
    if vote.by_robot or not _within_rate_limits(vote.email):
        logger.info("vote request dropped", extra={"by_robot": vote.by_robot})
        return
    outbox.put(VOTE_REQUESTED, {"request_id": secrets.token_hex(16), "topic_id": topic["topic_id"],
                                 "email": vote.email, "requested_at": clock.iso(clock.now())})


def listed_topic(topic_id: str) -> dict[str, Any] | None:
    """The topic if it is listed (its suggester confirmed it)."""
    item = store.get(keys.topic(topic_id))
    return item if item and item.get("status") == LISTED else None


def voting_topic(topic_id: str) -> dict[str, Any] | None:
    """The listed topic a vote for `topic_id` counts for: the topic itself, or the topic a
    duplicate was merged into (a vote link emailed before the merge still counts)."""
    for _ in range(MERGE_HOPS):
        item = store.get(keys.topic(topic_id))
        if item is None:
            return None
        if item.get("status") != MERGED:
            return item if item.get("status") == LISTED else None
        topic_id = str(item["merged_into"])
    return None


def listed_topics() -> list[dict[str, Any]]:
    """Listed topics, most votes first, from the index (never a scan)."""
    return [topic_view(item) for item in store.query(
        keys.TOPIC_LISTING_PK, index=keys.GSI1, forward=False, limit=LISTING_LIMIT)]


# --- the worker: email the links ------------------------------------------------------------------


def send_topic_confirmation(detail: TopicSuggested) -> bool:
    """Email the suggester the link that lists their topic; False if there is nothing to confirm."""
    item = store.get(keys.topic(detail["topic_id"]))
    if item is None or item.get("status") != PENDING:
        return False
    raw = tokens.issue_token(CONFIRM_TOPIC, {"topic_id": item["topic_id"]},
                             ttl=timedelta(days=LINK_DAYS), max_uses=1)
    mail.send(mail.Email(
        to=item["email"],
        subject="Confirm your topic suggestion for the CofEe Club",
        template="topic_confirm",
        context={"topic": topic_view(item), "link": _link(raw), "days": LINK_DAYS,
                 "topics_page": f"{get_settings().public_base_url}/topics"},
    ))
    return True


def send_vote_confirmation(detail: VoteRequested) -> bool:
    """Email the voter the link that counts their vote; nothing if it already counts."""
    topic = voting_topic(detail["topic_id"])
    email = detail["email"]
    if topic is None or _has_voted(topic["topic_id"], email):
        return False
    raw = tokens.issue_token(CONFIRM_VOTE, {"topic_id": topic["topic_id"], "email": email},
                             ttl=timedelta(days=LINK_DAYS), max_uses=1)
    mail.send(mail.Email(
        to=email,
        subject=f"Confirm your vote: {topic['title']}",
        template="vote_confirm",
        context={"topic": topic_view(topic), "link": _link(raw), "days": LINK_DAYS,
                 "topics_page": f"{get_settings().public_base_url}/topics"},
    ))
    return True


def vote_keys(topic_id: str, email: str) -> tuple[keys.Key, keys.Key]:
    """Where a person's vote for a topic is: its key today, and its key from before keyed hashes
    (core/hashing), where a vote cast then still is. One vote per person, whenever cast."""
    return (keys.topic_vote(topic_id, hashing.email_digest(email)),
            keys.topic_vote(topic_id, hashing.legacy_email_digest(email)))


def _has_voted(topic_id: str, email: str) -> bool:
    return bool(store.get_many(list(vote_keys(topic_id, email))))


def vote_link(topic_id: str, email: str, *, days: int = LINK_DAYS) -> str:
    """A personal link to vote for a listed topic, for another email to carry (the summary
    report): its page counts the vote when its button is pressed, once per person."""
    raw = tokens.issue_token(CONFIRM_VOTE, {"topic_id": topic_id, "email": email},
                             ttl=timedelta(days=days), max_uses=1)
    return _link(raw)


def _link(raw_token: str) -> str:
    return f"{get_settings().public_base_url}/v/{raw_token}"


# --- the public: open the emailed link -----------------------------------------------------------


def pending_confirmation(raw_token: str) -> Confirmation | None:
    """What the link would confirm, for its page; looking confirms nothing (scanners look).

    None for unknown, expired, used or forged links, and for topics that are gone.
    """
    token = tokens.peek(raw_token, CONFIRM_TOPIC)
    if token is not None:
        item = store.get(keys.topic(token.data["topic_id"]))
        return Confirmation("topic", topic_view(item)) if item is not None else None
    token = tokens.peek(raw_token, CONFIRM_VOTE)
    if token is not None:
        topic = voting_topic(token.data["topic_id"])
        return Confirmation("vote", topic_view(topic)) if topic is not None else None
    return None


def confirm_link(raw_token: str) -> Confirmation | None:
    """Confirm the suggestion or vote the link stands for; the link then stops working.

    None for unknown, expired, used or forged links alike. The confirmation is applied before
    the link is used up, and applying it twice changes nothing, so a failure between the two
    leaves a link that still works.
    """
    token = tokens.peek(raw_token, CONFIRM_TOPIC)
    if token is not None:
        topic = confirm_topic(token.data["topic_id"])
        if topic is None or tokens.redeem(raw_token, CONFIRM_TOPIC) is None:
            return None
        return Confirmation("topic", topic)
    token = tokens.peek(raw_token, CONFIRM_VOTE)
    if token is not None:
        topic = confirm_vote(token.data["topic_id"], token.data["email"])
        if topic is None or tokens.redeem(raw_token, CONFIRM_VOTE) is None:
            return None
        return Confirmation("vote", topic)
    return None


def confirm_topic(topic_id: str) -> dict[str, Any] | None:
    """List a pending topic (kept from now on); None if it is gone."""
    now = clock.iso(clock.now())
    try:
        item = store.update(
            keys.topic(topic_id),
            "SET #status = :listed, confirmed_at = :at, gsi1pk = :gpk, gsi1sk = :gsk "
            "REMOVE #exp",
            condition="attribute_exists(pk) AND #status = :pending",
            names={"#status": "status", "#exp": keys.TTL_ATTRIBUTE},
            vals={":listed": LISTED, ":pending": PENDING, ":at": now,
                  **_listing_values(0, now, topic_id)},
        )
    except store.ConditionFailed:
        listed = listed_topic(topic_id)
        return topic_view(listed) if listed else None
    return topic_view(item)


def confirm_vote(topic_id: str, email: str) -> dict[str, Any] | None:
    """Count one vote of `email` for the topic, once; None if the topic is not listed.

    The vote item (absent before) and the topic's new count go in one transaction, on the
    condition that the count is still the one read, so neither a repeat nor a race counts twice.
    """
    for attempt in range(store.ATTEMPTS):
        topic = voting_topic(topic_id)
        if topic is None:
            return None
        topic_id = topic["topic_id"]
        vote, legacy = vote_keys(topic_id, email)
        votes = int(topic.get("votes", 0))
        try:
            store.transact([
                store.put_op({**vote,
                              **keys.person(email, keys.person_topics("vote", topic_id)),
                              "topic_id": topic_id, "email": email, "voted_at": clock.iso(clock.now())},
                             "attribute_not_exists(pk)"),
                # Nor a vote under the key of before keyed hashes (core/hashing).
                store.check_op(legacy, "attribute_not_exists(pk)"),
                # The listing's sort key holds the count, so the count is set, not added to.
                store.update_op(keys.topic(topic_id), "SET votes = :votes, gsi1sk = :gsk",
                                "#status = :listed AND votes = :read", names=store.names("status"),
                                vals={":votes": votes + 1, ":read": votes, ":listed": LISTED,
                                      ":gsk": _listing_values(votes + 1, topic["confirmed_at"], topic_id)[":gsk"]}),
            ])
        except store.ConditionFailed as refused:
            if refused.refused(0) or refused.refused(1):
                return topic_view(topic)  # this person's vote already counts
            store.backoff(attempt)  # another vote moved the count: read it again
            continue
        return {**topic_view(topic), "votes": votes + 1}
    raise RuntimeError(f"vote for topic {topic_id} not recorded after {store.ATTEMPTS} attempts")


def _listing_values(votes: int, confirmed_at: str, topic_id: str) -> dict[str, str]:
    listing = keys.topic_listing(votes, confirmed_at, topic_id)
    return {":gpk": listing["gsi1pk"], ":gsk": listing["gsi1sk"]}


def _within_rate_limits(email: str) -> bool:
    # Every request emails whatever address was typed: cap each address (each client is
    # limited at the route, core/rate_limits; a cap for everyone would let strangers starve people).
    return rate_limits.within_hourly_limits([
        ("topics-email", hashing.email_digest(email), REQUESTS_PER_EMAIL_PER_HOUR),
    ])


# --- a person's data (export, erasure) --------------------------------------------------------


def export_person(email: str) -> dict[str, list[dict[str, Any]]]:
    """The topics this address suggested and the votes it confirmed."""
    exported: dict[str, list[dict[str, Any]]] = {"topic_suggestions": [], "topic_votes": []}
    for item in store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_TOPICS):
        kind = "topic_suggestions" if "title" in item else "topic_votes"  # only a topic has a title
        exported[kind].append(keys.stored_fields(item))
    return exported


def erase_person(email: str) -> int:
    """Erase the person's topic suggestions and votes; return how many items.

    A listed topic stays listed with its votes but without its suggester's address; one never
    confirmed is deleted. A vote stays counted, without its address (its key is a keyed
    hash, core/hashing), so it is never counted twice.
    """
    items = list(store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_TOPICS))
    for item in items:
        if item.get("status") == PENDING:
            store.delete(keys.primary_key(item))
            continue
        privacy.forget_owner(item)
    return len(items)
