"""One-off domain events at a set time, through EventBridge Scheduler: `at(...)` schedules that
put an event on the bus and delete themselves once fired. Setting a schedule again moves it."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from typing import Any

from chalicelib.core import aws, bus, clock
from chalicelib.core.settings import get_settings


def schedule_domain_event(name: str, at: datetime, detail_type: str, detail: dict[str, Any],
                          description: str) -> str:
    """Set (or move) schedule `name` to publish `detail_type` at `at`; return the UTC time it fires."""
    settings = get_settings()
    scheduler = aws.scheduler()
    due = clock.iso(at)[:19]  # Scheduler's at() takes a plain UTC date and time
    spec: dict[str, Any] = {
        "Name": name,
        "GroupName": settings.scheduler_group,
        "Description": description[:512],
        "ScheduleExpression": f"at({due})",
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE",
        "Target": {
            "Arn": settings.bus_arn,
            "RoleArn": settings.scheduler_role_arn,
            "Input": json.dumps(detail),
            "EventBridgeParameters": {"DetailType": detail_type, "Source": bus.SOURCE},
        },
    }
    if settings.schedule_dead_letter_arn:
        # An event Scheduler cannot put on the bus is kept for `clubflow dlq redrive`, not dropped.
        spec["Target"]["DeadLetterConfig"] = {"Arn": settings.schedule_dead_letter_arn}
    try:
        scheduler.update_schedule(**spec)
    except scheduler.exceptions.ResourceNotFoundException:
        try:
            scheduler.create_schedule(**spec)
        except scheduler.exceptions.ConflictException:
            scheduler.update_schedule(**spec)  # created meanwhile by a parallel delivery
    return due


def cancel(name: str) -> None:
    """Remove schedule `name` if it exists."""
    scheduler = aws.scheduler()
    with contextlib.suppress(scheduler.exceptions.ResourceNotFoundException):
        scheduler.delete_schedule(Name=name, GroupName=get_settings().scheduler_group)
