"""The one place that owns Logger and Metrics for every function.

Logger is created at import (cheap, needed by every request); Metrics on first use. There is no
Powertools Tracer: Lambda's active tracing records every invocation without it, while the X-Ray
SDK it pulls in costs a cold function ~0.4 s before its first answer (the SDK's import creates
two X-Ray clients), measured by `python -m clubflow.bench.first_response`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics

SERVICE = "clubflow"

logger = Logger(service=SERVICE)


@lru_cache(maxsize=1)
def metrics() -> Metrics:
    from aws_lambda_powertools import Metrics

    return Metrics(namespace="Clubflow", service=SERVICE)


def count(values: dict[str, int]) -> None:
    """Add these counts to the metrics and flush them as one EMF line.

    Chalice has no handler decorator that would flush for us, so each call flushes.
    """
    from aws_lambda_powertools.metrics import MetricUnit

    recorder = metrics()
    for name, value in values.items():
        recorder.add_metric(name=name, unit=MetricUnit.Count, value=value)
    recorder.flush_metrics()
