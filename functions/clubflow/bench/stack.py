"""What the benchmarks share: the local stack's moto with stacks/app.yaml in it, the app in this
process, and registrants written straight into the table."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalice import Chalice
    from chalice.test import Client

    from clubflow.dev.pump import Pump
    from clubflow.dev.resources import Deployed

REGION = "eu-west-2"
EVENT = {
    "title": "Communities of Practice", "number": 48,
    "starts_at": "2030-03-09T10:00:00+00:00", "ends_at": "2030-03-09T16:00:00+00:00",
    "timezone": "Europe/London", "venue": "Close Brothers, 10 Crown Place, London",
    "host": "Close Brothers",
}
PERSON = {"name": "Ada Lovelace", "organisation": "Analytical Engines Ltd", "consent_report": True}
JSON = {"Content-Type": "application/json", "Accept": "application/json"}
# moto single-threaded in a child process, as `clubflow dev` serves it, so that this process's
# time and memory are the functions' alone.
_MOTO_CHILD = """
import sys
from clubflow.dev.stack import MotoServer
server = MotoServer()
server.start()
print(server.url, flush=True)
sys.stdin.read()  # until the parent closes it
server.stop()
"""


def quiet() -> None:
    """The functions' settings for measuring: no tracing, metrics or info logs."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ.update(POWERTOOLS_TRACE_DISABLED="true", POWERTOOLS_METRICS_DISABLED="true",
                      POWERTOOLS_LOG_LEVEL="ERROR", MAIL_FROM="CofEe Club <club@example.com>",
                      PUBLIC_BASE_URL="http://bench",
                      # One client makes every request here: the per-client limit is counted (in
                      # each registration's transaction, as in production) but never refuses.
                      CLUBFLOW_RATE_LIMITS="100000/600")
    warnings.filterwarnings("ignore")
    logging.getLogger("moto").setLevel(logging.ERROR)


@contextlib.contextmanager
def moto_child() -> Iterator[str]:
    """The URL of a fresh single-threaded moto server in its own process."""
    child = subprocess.Popen([sys.executable, "-c", _MOTO_CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None and child.stdin is not None
    try:
        yield child.stdout.readline().strip()
    finally:
        child.stdin.close()
        child.wait(timeout=30)


@dataclass
class Deployment:
    deployed: Deployed
    admin: dict[str, str]  # headers of an organiser's JSON call


def deploy(moto_url: str, stack_name: str = "clubflow-bench") -> Deployment:
    """stacks/app.yaml in the moto at `moto_url`, this process's functions pointed at it."""
    from chalicelib.core import aws
    from chalicelib.core.auth import add_organiser
    from clubflow.dev import resources
    from clubflow.dev.stack import use_local_aws

    quiet()
    use_local_aws(moto_url, REGION)
    deployed = resources.deploy(stack_name=stack_name, region=REGION)
    os.environ.update(deployed.environment)
    use_local_aws(moto_url, REGION)  # forget clients and settings made before the environment
    aws.sesv2().create_email_identity(EmailIdentity="example.com")
    key, _ = add_organiser("bench@example.com")
    return Deployment(deployed, {**JSON, "Authorization": f"Bearer {key}"})


def create_event(client: Client, deployment: Deployment, capacity: int) -> str:
    created = client.http.post("/admin/events", headers=deployment.admin,
                               body=json.dumps({**EVENT, "capacity": capacity}))
    assert created.status_code == 201, created.body
    return str(created.json_body["event_id"])


def seed_registrants(event_id: str, first: int, count: int) -> None:
    """`count` confirmed registrants who consented to the report, 25 to a request."""
    from chalicelib.core import aws, keys, store
    from chalicelib.core.settings import get_settings

    table = get_settings().table_name
    for start in range(first, first + count, 25):
        requests = []
        for i in range(start, min(start + 25, first + count)):
            email = f"person{i:05d}@example.com"
            item = {**keys.registration(event_id, email), **keys.person_registration(email, event_id),
                    "event_id": event_id, "registration_id": f"{i:016x}", "email": email,
                    "name": f"Person {i}", "organisation": "Bench Ltd", "consent_report": True,
                    "consent_updates": False, "status": "confirmed", "attended": False,
                    "registered_at": "2030-02-01T09:00:00+00:00"}
            requests.append({"PutRequest": {"Item": store.to_dynamo(item)}})
        pending: dict[str, Any] = {table: requests}
        while pending:
            pending = aws.dynamodb().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """The functions print their metric lines; a benchmark prints its figures only."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def child_pump(app: Chalice, deployed: Deployed) -> Pump:
    """The event pump for a moto in a child process: the outbox relay reads the table's stream
    through moto's DynamoDB Streams API (the local stack's pump reads moto's memory, which is
    not this process's here), from its first record on, and keeps its place between rounds."""
    import boto3

    from clubflow.dev.pump import LocalContext, Pump, _stream_event

    class ChildPump(Pump):
        def __init__(self) -> None:
            super().__init__(app, deployed)
            self.table_name = deployed.environment.get("TABLE_NAME", "")
            self.streams = boto3.client("dynamodbstreams")
            arn = boto3.client("dynamodb").describe_table(TableName=self.table_name)["Table"]["LatestStreamArn"]
            shard = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
            self.iterator = self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                                            ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            self.unrelayed: list[Any] = []

        def relay_outbox(self) -> int:
            if not self.relays:
                return 0
            if not self.unrelayed:
                # Read ahead (GetRecords' limit), handed to the relay a batch at a time.
                got = self.streams.get_records(ShardIterator=self.iterator, Limit=1000)
                self.iterator, self.unrelayed = got["NextShardIterator"], list(got["Records"])
            records = self.unrelayed[:max(source.batch_size for source in self.relays)]
            if not records:
                return 0
            event = _stream_event([_Record(record) for record in records], self.table_name)
            for source in self.relays:
                try:
                    self.app.handler_map[source.name](event, LocalContext(source.name))
                except Exception:
                    logging.getLogger("clubflow.dev.pump").exception("outbox relay failed; retried next round")
                    return 0
            del self.unrelayed[:len(records)]
            return len(records)

    return ChildPump()


@dataclass
class _Record:
    """A stream record as read over HTTP, shaped as the pump's in-process records are."""

    record: dict[str, Any]
