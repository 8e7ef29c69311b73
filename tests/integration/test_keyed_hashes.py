"""Addresses are hashed with HMAC-SHA256 under the stack's secret, read through Powertools
Parameters and cached; votes kept under the plain SHA-256 of before still count once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from tests.integration.polls_steps import answer, attendee_link, create_event, seed_polls
from tests.integration.test_topics import listed_topic

ADA = "ada@example.com"


class Reads:
    """GetSecretValue calls made on the functions' own (moto) client, counted by a botocore hook."""

    def __init__(self) -> None:
        from chalicelib.core import aws

        self.count = 0
        aws.client("secretsmanager").meta.events.register(
            "before-call.secrets-manager.GetSecretValue", self._seen)

    def _seen(self, **_: Any) -> None:
        self.count += 1


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Moves the parameters cache's clock on (no sleeping): later(seconds)."""
    from aws_lambda_powertools.utilities.parameters import base

    offset = [timedelta()]

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.now(tz) + offset[0]

    monkeypatch.setattr(base, "datetime", Clock)
    return lambda seconds: offset.__setitem__(0, offset[0] + timedelta(seconds=seconds))


@pytest.fixture
def key_name(deployed: Any) -> Iterator[str]:
    """The stack's hash key; put back as it was after the test (moto keeps secrets between tests)."""
    name = deployed.environment["HASH_KEY"]
    secrets = boto3.client("secretsmanager")
    original = secrets.get_secret_value(SecretId=name)["SecretString"]
    yield name
    if secrets.get_secret_value(SecretId=name)["SecretString"] != original:
        secrets.put_secret_value(SecretId=name, SecretString=original)


def test_the_stack_makes_a_long_random_key(key_name: str) -> None:
    value = boto3.client("secretsmanager").get_secret_value(SecretId=key_name)["SecretString"]

    assert len(value) == 64 and value.isalnum()


def test_an_address_digest_is_keyed_stable_and_read_once_per_cache_period(key_name: str, later: Any) -> None:
    from chalicelib.core import hashing

    reads = Reads()

    # When addresses are hashed many times within the cache period
    first = hashing.email_digest(ADA)
    again = [hashing.email_digest(ADA) for _ in range(50)]
    other = hashing.email_digest("bob@example.com")

    # Then the digest is not the plain SHA-256, is the same each time, and the key was read once
    assert first != hashlib.sha256(ADA.encode()).hexdigest()
    assert set(again) == {first} and other != first
    assert reads.count == 1

    # And once the period has passed, the key is read again (once)
    later(hashing.KEY_MAX_AGE + 1)
    assert hashing.email_digest(ADA) == first
    assert hashing.email_digest(ADA) == first
    assert reads.count == 2


def test_another_key_gives_another_digest_once_the_cache_period_is_over(key_name: str, later: Any) -> None:
    from chalicelib.core import hashing

    before = hashing.email_digest(ADA)
    boto3.client("secretsmanager").put_secret_value(SecretId=key_name, SecretString="another-key-" + "x" * 52)

    assert hashing.email_digest(ADA) == before  # cached
    later(hashing.KEY_MAX_AGE + 1)
    assert hashing.email_digest(ADA) != before
    assert hashing.email_digest(ADA) == hashing.hmac_hex(b"another-key-" + b"x" * 52, ADA)


def _legacy_vote(deployed: Any, pk: str, **fields: Any) -> None:
    """A vote marker as stored before keyed hashes: Ada's, her address already erased, unless
    `fields` give another key and address."""
    from chalicelib.core import hashing

    boto3.resource("dynamodb").Table(deployed.environment["TABLE_NAME"]).put_item(
        Item={"pk": pk, "sk": f"VOTE#{hashing.legacy_email_digest(ADA)}", **fields})


def test_a_poll_answered_before_keyed_hashes_cannot_be_answered_again(
        client: Any, organiser_key: str, deployed: Any, pump: Any, outbox: Any) -> None:
    # Given Ada's answer to a poll, stored under the plain hash of her address
    event_id = create_event(client, organiser_key)
    entity, _, rating = seed_polls(client, organiser_key, event_id)
    link = attendee_link(client, organiser_key, event_id, ADA, pump, outbox)
    _legacy_vote(deployed, f"POLL#{entity}", poll_id=entity, event_id=event_id, answer="Profession")

    # When she answers it again (and another poll)
    again = answer(client, link, {entity: "Communities of Practice", rating: 7})

    # Then that poll refuses, the other counts, and her page shows the first answer
    assert again.status_code == 409
    assert again.json_body["recorded"] == {rating: 7}
    page = client.http.get(link, headers={"Accept": "application/json"}).json_body
    first = page["polls"][0]
    assert (first["answered"], first["answer"]) == (True, "Profession")


def test_a_topic_voted_for_before_keyed_hashes_is_not_counted_again(
        client: Any, deployed: Any, pump: Any, outbox: Any) -> None:
    from chalicelib.topics import service as topics

    # Given a listed topic Ada voted for under the plain hash of her address
    topic_id = listed_topic(client, pump, outbox, "Measuring value", "bob@example.com")
    _legacy_vote(deployed, f"TOPIC#{topic_id}", topic_id=topic_id)

    # When her vote is asked for and confirmed again
    counted = topics.confirm_vote(topic_id, ADA)

    # Then nothing is counted and no link is sent
    assert counted is not None and counted["votes"] == 0
    assert topics.send_vote_confirmation({"request_id": "r1", "topic_id": topic_id, "email": ADA,
                                          "requested_at": "2026-01-01T00:00:00+00:00"}) is False


def test_a_merge_counts_a_person_once_whichever_key_each_of_their_votes_has(
        client: Any, deployed: Any, pump: Any, outbox: Any) -> None:
    from chalicelib.core import hashing, keys, store
    from chalicelib.topics import moderation
    from chalicelib.topics import service as topics

    # Given two topics that say the same. Ada voted for the duplicate before keyed hashes and for
    # the original since; Grace the other way round; Alan only for the duplicate, before.
    duplicate = listed_topic(client, pump, outbox, "Communities of practice (CoPs)", "bob@example.com")
    original = listed_topic(client, pump, outbox, "Communities of Practice", "linus@example.net")
    grace, alan = "grace@example.org", "alan@example.com"
    for topic_id, email in ((duplicate, ADA), (original, grace), (duplicate, alan)):
        _legacy_vote(deployed, f"TOPIC#{topic_id}", topic_id=topic_id, email=email,
                     voted_at="2026-01-01T00:00:00+00:00", sk=f"VOTE#{hashing.legacy_email_digest(email)}")
        store.update(keys.topic(topic_id), "ADD votes :one", vals={":one": 1}, return_values="NONE")
    assert topics.confirm_vote(original, ADA) is not None
    assert topics.confirm_vote(duplicate, grace) is not None
    assert [topics.listed_topic(t)["votes"] for t in (duplicate, original)] == [3, 2]  # type: ignore[index]

    # When an organiser merges the duplicate into the original
    merged = moderation.merge_topics(duplicate, original, "organiser@example.com")

    # Then only Alan's vote moves: Ada and Grace are there already
    assert (merged.moved, merged.already, merged.topic["votes"]) == (1, 2, 3)
    # And Alan's moved vote is keyed as today's are: voting again for the original counts nothing
    assert topics.confirm_vote(original, alan)["votes"] == 3  # type: ignore[index]


def test_the_local_stack_keeps_its_key_and_makes_one_when_missing(deployed: Any, key_name: str) -> None:
    from clubflow.dev import resources
    from tests.conftest import REGION

    secrets = boto3.client("secretsmanager")
    kept = secrets.get_secret_value(SecretId=key_name)["SecretString"]

    # When the stack starts again on its state, its key is the one it had
    resources.existing(stack_name=deployed.stack_name, region=REGION)
    assert secrets.get_secret_value(SecretId=key_name)["SecretString"] == kept

    # And a state saved before the stack had a key gets one at start
    secrets.delete_secret(SecretId=key_name, ForceDeleteWithoutRecovery=True)
    resources.existing(stack_name=deployed.stack_name, region=REGION)
    made = secrets.get_secret_value(SecretId=key_name)["SecretString"]
    assert made != kept and len(made) == 64 and made.isalnum()
