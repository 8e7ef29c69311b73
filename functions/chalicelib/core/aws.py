"""Lazily created boto3 clients: importing the app creates nothing, which keeps cold start,
`chalice package` and moto happy. AWS_ENDPOINT_URL (honoured by boto3) points them at the
local stack."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)


@lru_cache(maxsize=None)
def client(service: str) -> Any:
    return boto3.session.Session().client(service, config=_CONFIG)  # type: ignore[call-overload]


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
