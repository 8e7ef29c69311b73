"""One hash for what must be matched again but never stored in the clear: addresses, raw tokens
and keys, fingerprints. SHA-256 hex, so items stored before this module keep their keys."""

from __future__ import annotations

import hashlib


def digest(*parts: str) -> str:
    """SHA-256 hex of the parts joined by line breaks (a line break cannot end one part early)."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def email_digest(email: str) -> str:
    """An address as it is counted or keyed without being stored (pass it normalised)."""
    return digest(email)
