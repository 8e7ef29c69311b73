"""Hashes for what must be matched again but never stored in the clear.

Two kinds, by what goes in:

- `digest`: plain SHA-256, for what nobody can guess (random tokens, organiser keys, ids).
- `keyed_digest` / `email_digest`: HMAC-SHA256 under the club's hash key, for what anyone could
  guess (addresses, a client's IP): the vote kept after an erasure, a rate counter or an audit
  line cannot be matched to an address by hashing candidates without the key.

The key is a Secrets Manager secret made by the stack (stacks/app.yaml `HashKey`; the local
stack makes its own), named by HASH_KEY and read through Powertools Parameters, cached for
KEY_MAX_AGE seconds, so a warm function reads it once in that time, not once per hash.

Before keyed hashes, addresses were hashed with plain SHA-256 (`legacy_email_digest`). Rate
counters and nomination repeat guards keyed that way expire within hours and are not carried
over (until then a client or an address counts from zero again). The vote markers that keep one
vote per person per poll or topic stay for good, so voting checks the legacy key too (polls and
topics services): a person who voted before the change cannot vote again.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from typing import Any

from chalicelib.core import aws
from chalicelib.core.settings import SettingsError, get_settings

# Seconds a warm function keeps the key before reading it again: a few reads an hour, not one
# per hash. The key is never rotated (a new one would stop every vote marker matching).
KEY_MAX_AGE = 300

_LOCK = threading.Lock()
_current: list[Any] = []  # [client, provider] once made


def digest(*parts: str) -> str:
    """SHA-256 hex of the parts joined by line breaks (a line break cannot end one part early).
    Only for unguessable input: see `keyed_digest` for anything a person could guess."""
    return hashlib.sha256(_joined(parts)).hexdigest()


def keyed_digest(*parts: str) -> str:
    """HMAC-SHA256 hex of the parts (joined as `digest` joins them) under the club's hash key."""
    return hmac_hex(_key(), *parts)


def email_digest(email: str) -> str:
    """An address as it is counted or keyed without being stored (pass it normalised)."""
    return keyed_digest(email)


def legacy_email_digest(email: str) -> str:
    """How an address was keyed before keyed hashes (vote markers stored then still hold it)."""
    return digest(email)


def hmac_hex(key: bytes, *parts: str) -> str:
    return hmac.new(key, _joined(parts), hashlib.sha256).hexdigest()


def _joined(parts: tuple[str, ...]) -> bytes:
    return "\n".join(parts).encode()


def _key() -> bytes:
    name = get_settings().hash_key
    if not name:
        raise SettingsError("HASH_KEY is not set: name the Secrets Manager secret that keys address hashes")
    value = _provider().get(name, max_age=KEY_MAX_AGE)
    return value.encode() if isinstance(value, str) else bytes(value)


def _provider() -> Any:
    """Powertools' Secrets Manager provider over our own client (so moto and the local stack
    answer it); a new client (core/aws.reset) gets a new provider, and so an empty cache."""
    client = aws.client("secretsmanager")
    with _LOCK:
        if not _current or _current[0] is not client:
            # Imported here: the API's cold start must not pay for it before its first hash.
            from aws_lambda_powertools.utilities.parameters import SecretsProvider

            _current[:] = [client, SecretsProvider(boto3_client=client)]
        return _current[1]
