"""The one place that owns Logger, Metrics and Tracer for every function."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "clubflow"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="Clubflow", service=SERVICE)
tracer = Tracer(service=SERVICE)
