"""moto's state as the stack left it, and putting it back between tests.

Deploying stacks/app.yaml through moto's CloudFormation takes seconds; emptying what a test can
fill takes milliseconds. Everything is reset through moto's backends, not boto3, so a reset makes
no API call a test could see (the `aws_calls` fixture records every call).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID


def _backend(service: Any, region: str) -> Any:
    return get_backend(service)[DEFAULT_ACCOUNT_ID][region]


def _s3() -> Any:
    # S3 keeps one backend per partition, not per region.
    return get_backend("s3")[DEFAULT_ACCOUNT_ID]["aws"]


@dataclass(frozen=True)
class Baseline:
    """The names of what existed right after the deploy; anything else a test made goes."""

    region: str
    stacks: frozenset[str]
    tables: frozenset[str]
    buckets: frozenset[str]
    queues: frozenset[str]
    schedule_groups: frozenset[str]
    identities: frozenset[str]
    configuration_sets: frozenset[str]

    @classmethod
    def take(cls, region: str) -> Baseline:
        ses = _backend("ses", region)
        return cls(
            region=region,
            stacks=frozenset(_backend("cloudformation", region).stacks),
            tables=frozenset(_backend("dynamodb", region).tables),
            buckets=frozenset(_s3().buckets),
            queues=frozenset(_backend("sqs", region).queues),
            schedule_groups=frozenset(_backend("scheduler", region).schedule_groups),
            identities=frozenset(ses.email_identities),
            configuration_sets=frozenset(ses.config_sets),
        )

    def intact(self) -> bool:
        """False once something reset moto's backends (e.g. a test's own `mock_aws()`)."""
        return self.tables <= set(_backend("dynamodb", self.region).tables)

    def restore(self) -> None:
        """Empty every table, bucket, queue, schedule group and SES outbox; drop what tests added."""
        self._cloudformation()
        self._dynamodb()
        self._s3()
        self._sqs()
        self._scheduler()
        self._ses()

    def _cloudformation(self) -> None:
        backend = _backend("cloudformation", self.region)
        for stack_id in set(backend.stacks) - self.stacks:
            backend.delete_stack(stack_id)
            backend.deleted_stacks.pop(stack_id, None)

    def _dynamodb(self) -> None:
        backend = _backend("dynamodb", self.region)
        for name in set(backend.tables) - self.tables:
            backend.tables.pop(name)
        for name in self.tables:
            backend.tables[name].items.clear()
            if backend.tables[name].stream_shard is not None:
                backend.tables[name].stream_shard.items.clear()  # records not yet relayed

    def _s3(self) -> None:
        backend = _s3()
        for name, bucket in list(backend.buckets.items()):
            for key in list(bucket.keys):
                bucket.keys.pop(key)  # closes the temporary file holding each version
            for upload in list(bucket.multiparts.values()):
                upload.dispose()
            bucket.multiparts.clear()
            if name not in self.buckets:
                backend.buckets.pop(name)
                get_backend("s3").bucket_accounts.pop(name, None)  # type: ignore[attr-defined]

    def _sqs(self) -> None:
        backend = _backend("sqs", self.region)
        for name in set(backend.queues) - self.queues:
            backend.delete_queue(name)
        for queue in backend.queues.values():
            # What PurgeQueue does, without its once-a-minute limit.
            with queue._messages_lock:
                queue._messages = []
                queue._pending_messages = set()

    def _scheduler(self) -> None:
        backend = _backend("scheduler", self.region)
        for name in set(backend.schedule_groups) - self.schedule_groups:
            backend.schedule_groups.pop(name)
        for group in backend.schedule_groups.values():
            group.schedules.clear()

    def _ses(self) -> None:
        backend = _backend("ses", self.region)
        backend.sent_messages.clear()
        backend.sent_message_count = 0
        backend.rejected_messages_count = 0
        for name in set(backend.email_identities) - self.identities:
            backend.email_identities.pop(name)
        for name in set(backend.config_sets) - self.configuration_sets:
            backend.config_sets.pop(name)
