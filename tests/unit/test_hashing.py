"""Hashes: plain SHA-256 for unguessable input (tokens, keys), whose output never changes or
stored tokens and organiser keys stop matching; HMAC-SHA256 for guessable input (addresses)."""

from __future__ import annotations

import hashlib

from chalicelib.core import hashing


def test_a_token_hashes_to_the_digest_stored_before() -> None:
    assert hashing.digest("ada@example.com") == (
        "b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72")
    assert hashing.legacy_email_digest("ada@example.com") == hashing.digest("ada@example.com")


def test_parts_are_joined_by_a_line_break() -> None:
    assert hashing.digest("ada@example.com", "close brothers") == (
        "8c3c801a1faab7accf7913725b80dfc5206c448edaee6218f867105df81a768c")
    assert hashing.digest("ab", "c") != hashing.digest("a", "bc")
    assert hashing.hmac_hex(b"key", "ab", "c") != hashing.hmac_hex(b"key", "a", "bc")


def test_a_keyed_digest_is_not_the_plain_one_and_depends_on_the_key() -> None:
    plain = hashlib.sha256(b"ada@example.com").hexdigest()

    keyed = hashing.hmac_hex(b"first key", "ada@example.com")

    assert keyed != plain and len(keyed) == 64
    assert hashing.hmac_hex(b"first key", "ada@example.com") == keyed
    assert hashing.hmac_hex(b"second key", "ada@example.com") != keyed
