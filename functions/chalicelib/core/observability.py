"""The one place that owns Logger, Metrics and Tracer for every function.

Logger is created at import (cheap, needed by every request). Metrics and Tracer are created on
first use: Tracer pulls in the X-Ray SDK, which alone would add ~0.3 s to the API's cold start,
so only the code paths that trace pay for it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics, Tracer

SERVICE = "clubflow"

logger = Logger(service=SERVICE)


@lru_cache(maxsize=1)
def metrics() -> Metrics:
    from aws_lambda_powertools import Metrics

    return Metrics(namespace="Clubflow", service=SERVICE)


@lru_cache(maxsize=1)
def tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def count(values: dict[str, int]) -> None:
    """Add these counts to the metrics and flush them as one EMF line.

    Chalice has no handler decorator that would flush for us, so each call flushes.
    """
    from aws_lambda_powertools.metrics import MetricUnit

    recorder = metrics()
    for name, value in values.items():
        recorder.add_metric(name=name, unit=MetricUnit.Count, value=value)
    recorder.flush_metrics()
