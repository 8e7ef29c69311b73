"""Lazily created boto3 clients: importing the app creates nothing, which keeps cold start,
`chalice package` and moto happy. AWS_ENDPOINT_URL (honoured by boto3) points them at the
local stack.

Every client comes from one session: a session loads the endpoint and partition data, its
credentials and the default configuration once, so a request's second client (the events
client after a registration's write, SES after the worker's reads) costs a fraction of the
first instead of as much again.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

# Sessions are not safe to create clients from concurrently (the local stack serves threads).
_SESSION_LOCK = threading.Lock()
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)


@cache
def client(service: str) -> Any:
    config = _CONFIG
    local = os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_S3")
    if service == "s3" and not local:
        # Presigned URLs on the bucket's regional host: the global one redirects for new buckets,
        # which breaks the signature. A local endpoint keeps boto3's path-style default.
        config = _CONFIG.merge(Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))
    with _SESSION_LOCK:
        return _session().client(service, config=config)  # type: ignore[call-overload]


@cache
def _session() -> boto3.session.Session:
    return boto3.session.Session()


def dynamodb() -> Any:
    return client("dynamodb")


def s3() -> Any:
    return client("s3")


def sesv2() -> Any:
    return client("sesv2")


def events() -> Any:
    return client("events")


def scheduler() -> Any:
    return client("scheduler")


def reset() -> None:
    """Drop cached clients, e.g. when tests start a fresh moto backend."""
    client.cache_clear()
    _session.cache_clear()
