"""The one hash for addresses, raw tokens and keys: its output never changes, or stored items
(votes, rate counters, tokens, organiser keys, nomination guards) stop matching."""

from __future__ import annotations

from chalicelib.core import hashing


def test_an_address_hashes_to_the_digest_stored_before() -> None:
    assert hashing.email_digest("ada@example.com") == (
        "b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72")


def test_parts_are_joined_by_a_line_break_as_the_nomination_guard_was() -> None:
    assert hashing.digest("ada@example.com", "close brothers") == (
        "8c3c801a1faab7accf7913725b80dfc5206c448edaee6218f867105df81a768c")
    assert hashing.digest("ab", "c") != hashing.digest("a", "bc")
