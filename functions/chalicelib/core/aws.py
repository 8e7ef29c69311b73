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


def s3_origin(bucket: str) -> str:
    """The scheme and host of the presigned URLs s3() makes for `bucket`, worked out without an
    S3 client: building one (S3's model is the largest) costs a cold function's first page more
    than the rest of its request, and a page that only names the origin (its CSP) needs none.
    tests/unit/test_s3_origin.py holds this to what botocore itself presigns."""
    from urllib.parse import urlsplit

    local = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if local:
        # A local endpoint keeps boto3's path-style default: the endpoint's own origin.
        parts = urlsplit(local)
        return f"{parts.scheme}://{parts.netloc}"
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    host = "s3.amazonaws.com" if region == "us-east-1" else f"s3.{region}.amazonaws.com"
    if region.startswith("cn-"):
        host += ".cn"
    # Virtual-hosted style, except for names with dots, which a TLS wildcard cannot cover.
    return f"https://{host}" if "." in bucket else f"https://{bucket}.{host}"


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
