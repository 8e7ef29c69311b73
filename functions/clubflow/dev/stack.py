"""The local stack behind `clubflow dev`: the whole system on one machine, no AWS account.

moto stands in for AWS, served single-threaded so that each request is atomic as one DynamoDB
call is (moto's threaded server lets concurrent capacity-checked transactions overbook). The
resources are created from stacks/app.yaml, the Chalice app is served over HTTP, and the event
pump delivers every queue to the same handler functions Lambda would call.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clubflow.dev.template import REPO_ROOT

if TYPE_CHECKING:
    from chalice import Chalice
    from chalice.config import Config
    from chalice.local import LocalDevServer
    from werkzeug.serving import BaseWSGIServer

    from clubflow.dev.persistence import Store
    from clubflow.dev.pump import Pump
    from clubflow.dev.resources import Deployed

REGION = "eu-west-2"
STACK_NAME = "clubflow-local"
FUNCTIONS_DIR = REPO_ROOT / "functions"
# The local organiser's address unless CLUBFLOW_DEV_ORGANISER_EMAIL says otherwise: who signs in
# to the console (the sign-in link arrives in /_dev/outbox).
DEV_ORGANISER_EMAIL = "organiser@example.com"
# The shape of the keys `clubflow organisers add` prints (the authorizer refuses anything else).
_KEY_SHAPE = re.compile(r"cfk_[A-Za-z0-9_-]{8,96}")
ORGANISER_KEY_FILE = "organiser-key"
PUMP_INTERVAL_SECONDS = 0.25
API_LISTEN_BACKLOG = 512

log = logging.getLogger("clubflow.dev")


class LocalStackError(Exception):
    """The local stack cannot start for a reason the developer can fix."""


def local_aws_environment(moto_url: str, region: str) -> dict[str, str]:
    """What boto3 needs to talk to the local moto server and never to a real account."""
    return {
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        # moto has no SES GetAccount: the send rate of an account whose quota has been raised.
        "MAIL_SEND_RATE": "1000",
    }


def use_local_aws(moto_url: str, region: str) -> None:
    """Point this process's boto3 at the local moto server, dropping anything that could
    reach a real account (a profile, a session token, per-service endpoints)."""
    for name in list(os.environ):
        if name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") or (
            name.startswith("AWS_ENDPOINT_URL_")
        ):
            del os.environ[name]
    os.environ.update(local_aws_environment(moto_url, region))
    _forget_clients()


def _forget_clients() -> None:
    from chalicelib.core import aws, settings, workers

    settings.reset()
    aws.reset()
    workers.reset()


class MotoServer:
    """moto over HTTP on a loopback port, one request at a time."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, state: Store | None = None,
                 region: str = REGION) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from clubflow.dev import queries, queues, ses_events, transactions

        transactions.apply()  # a transaction costs what it touches, not the table's size
        queries.apply()  # a query the partition it reads
        queues.apply()  # and a message sent to a queue, not the queue's length
        ses_events.apply()  # SES publishes a Send event for every message it accepts
        # werkzeug logs every request at INFO; the API's own access log is enough.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        moto_app = DomainDispatcherApplication(create_backend_app)
        # Restore before serving: the journal replays into moto, and then journals what follows.
        self.restored = None
        if state is not None:
            with _quiet_cloudformation():
                self.restored = state.restore(moto_app, region)
        self._server: BaseWSGIServer = make_server(
            host, port, state.wrap(moto_app) if state is not None else moto_app,
            threaded=False, request_handler=MotoRequestHandler,
        )
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()


class PumpRunner:
    """Runs the event pump in the background, and on demand (POST /_dev/pump), one at a time.

    The lock makes an on-demand drain see every message: a batch the background loop is in the
    middle of is finished before the drain starts, so "drained" means nothing is in flight.
    """

    def __init__(self, pump: Pump, interval: float = PUMP_INTERVAL_SECONDS) -> None:
        self.pump = pump
        self._interval = interval
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="event-pump", daemon=True)

    def drain(self, now: datetime | None = None) -> int:
        """Fire schedules due by `now` and deliver until every queue is empty."""
        with self._lock:
            return self.pump.drain(now)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.drain()
            except Exception:
                # One bad round must not take the local stack down; say so and go on.
                log.exception("event pump round failed")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


@dataclass(frozen=True)
class Running:
    """What a running local stack offers, as `clubflow dev` prints it and saves it."""

    api_url: str
    moto_url: str
    region: str
    table_name: str
    organiser_key: str
    key_source: str  # "environment", "created" or "state"
    state_dir: Path | None = None
    restored: bool = False

    def state(self) -> dict[str, Any]:
        return {
            "api_url": self.api_url,
            "moto_url": self.moto_url,
            "region": self.region,
            "table_name": self.table_name,
            "organiser_key": self.organiser_key,
            "pid": os.getpid(),
        }


class LocalStack:
    """Starts and stops moto, the resources of stacks/app.yaml, the API and the event pump."""

    def __init__(self, port: int = 8000, organiser_key: str | None = None, host: str = "127.0.0.1",
                 region: str = REGION, state_file: Path | None = None, state_dir: Path | None = None,
                 fresh: bool = False, background_pump: bool = True) -> None:
        if organiser_key is not None and not _KEY_SHAPE.fullmatch(organiser_key):
            raise LocalStackError(
                "CLUBFLOW_DEV_ORGANISER_KEY must look like the keys `clubflow organisers add` "
                "prints: cfk_ followed by 8 to 96 letters, digits, '-' or '_'."
            )
        self._port = port
        self._host = host
        self._region = region
        self._organiser_key = organiser_key
        self._state_file = (state_file or _default_state_file()).absolute()
        # Where moto's data lives between runs (None: in memory only, gone at stop).
        self._state_dir = state_dir.absolute() if state_dir is not None else None
        self._fresh = fresh
        self._background_pump = background_pump
        self._store: Store | None = None
        self._moto: MotoServer | None = None
        self._api: LocalDevServer | None = None
        self._api_thread: threading.Thread | None = None
        self._pump: PumpRunner | None = None
        self.running: Running | None = None

    def start(self) -> Running:
        """Bring everything up; on failure, stop what was started and raise."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Running:
        _quiet_powertools()
        from app import app

        config = _chalice_config(app)
        self._api = self._bind_api(app, config)
        api_url = f"http://{self._host}:{self._api.server.server_address[1]}"

        if self._state_dir is not None:
            from clubflow.dev.persistence import InUse, Store

            try:
                self._store = Store(self._state_dir)
            except InUse as error:
                raise LocalStackError(str(error)) from None
            if self._fresh:
                self._store.empty()
        self._moto = MotoServer(self._host, state=self._store, region=self._region)
        restored = bool(self._moto.restored and self._moto.restored.anything)
        self._moto.start()
        use_local_aws(self._moto.url, self._region)

        deployed = _existing(self._region) if restored else _deploy(self._region)
        os.environ.update(_function_environment(deployed, config, api_url))
        _forget_clients()
        if not restored:
            _verify_sender()
        key, source = self._organiser(restored)

        from chalicelib.core import web
        from clubflow.dev import routes
        from clubflow.dev.pump import Pump

        self._pump = PumpRunner(Pump(app, deployed))
        app.register_blueprint(routes.blueprint(self._pump, self._region))
        web.answer_refusals(app)  # the /_dev routes answer refusals like every other route
        if self._background_pump:
            self._pump.start()
        self._api_thread = threading.Thread(target=self._api.server.serve_forever,
                                            name="api", daemon=True)
        self._api_thread.start()

        self.running = Running(api_url, self._moto.url, self._region,
                               deployed.environment["TABLE_NAME"], key, source, self._state_dir, restored)
        return self.running

    def save_state(self) -> Path:
        """Tell `clubflow` commands where this stack is (owner-only files): in this folder, and in
        this user's runtime file, so they find it from any folder."""
        assert self.running is not None
        text = json.dumps(self.running.state(), indent=2)
        for path in self._state_files():
            _write_private(path, text)
        return self._state_file

    def stop(self) -> None:
        """Stop taking requests, let the pump finish its round, then stop moto. Safe to repeat."""
        if self._api is not None:
            if self._api_thread is not None and self._api_thread.is_alive():
                self._api.shutdown()
                self._api_thread.join()
            self._api.server.server_close()
            self._api = None
        if self._pump is not None:
            self._pump.stop()
            self._pump = None
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        if self._store is not None:
            # Nothing reaches moto now: fold the journal into one snapshot for a quick next start
            # (only after a whole start: a start that failed half-way leaves the files as they were).
            if self.running is not None:
                self._store.snapshot()
            self._store.close()
            self._store = None
        self._forget_state()

    def _state_files(self) -> tuple[Path, Path]:
        from clubflow.api import runtime_file

        return self._state_file, runtime_file().absolute()

    def _forget_state(self) -> None:
        for path in self._state_files():
            try:
                ours = json.loads(path.read_text()).get("pid") == os.getpid()
            except (OSError, ValueError):
                continue
            if ours:  # another stack started since owns it now
                path.unlink(missing_ok=True)

    def _bind_api(self, app: Chalice, config: Config) -> LocalDevServer:
        from chalice.local import ThreadedHTTPServer

        from clubflow.dev.gateway import local_server

        # socketserver queues only 5 pending connections; a burst of registrations (or a busy
        # browser) would see resets that API Gateway never gives.
        ThreadedHTTPServer.request_queue_size = API_LISTEN_BACKLOG
        try:
            return local_server(app, config, self._host, self._port)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise LocalStackError(
                    f"port {self._port} is in use: stop what runs there (another `clubflow dev`?) "
                    "or pass --port"
                ) from None
            raise

    def _organiser(self, restored: bool) -> tuple[str, str]:
        """The organiser key: CLUBFLOW_DEV_ORGANISER_KEY, else the one kept with the state, else a
        new one (kept with the state, so the next start uses it again)."""
        from chalicelib.core.auth import add_organiser, organiser_for

        email = dev_organiser_email()
        kept = self._state_dir / ORGANISER_KEY_FILE if self._state_dir is not None else None
        if self._organiser_key is None and restored and kept is not None and kept.is_file():
            raw = kept.read_text().strip()
            if organiser_for(raw) not in (None, email):
                # State kept from before the address was configurable (or with another one):
                # the key stays, its owner becomes the address that signs in to the console.
                add_organiser(email, raw_key=raw)
            return raw, "state"
        raw, _ = add_organiser(email, raw_key=self._organiser_key)
        if self._organiser_key is not None:
            return raw, "environment"
        if kept is not None:
            _write_private(kept, raw)
        return raw, "created"


def dev_organiser_email() -> str:
    """The local organiser's address, normalised as `clubflow organisers add` stores one."""
    from chalicelib.core.validation import normalise_email

    return normalise_email(os.environ.get("CLUBFLOW_DEV_ORGANISER_EMAIL") or DEV_ORGANISER_EMAIL)


def _existing(region: str) -> Deployed:
    from clubflow.dev import resources

    return resources.existing(stack_name=STACK_NAME, region=region)


def _write_private(path: Path, text: str) -> None:
    """Write an owner-only file whole: written beside it, then renamed over it, so a `clubflow`
    command (or a test) looking for the stack never reads it empty or half-written."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    os.replace(partial, path)


def _deploy(region: str) -> Deployed:
    from clubflow.dev import resources

    with _quiet_cloudformation():
        return resources.deploy(stack_name=STACK_NAME, region=region)


@contextlib.contextmanager
def _quiet_cloudformation() -> Iterator[None]:
    # moto's CloudFormation warns about each type it skips (queue and bucket policies, alarms):
    # expected here, and nothing a developer can act on.
    logging.getLogger("moto").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Tried to parse", category=UserWarning)
        yield


def _default_state_file() -> Path:
    from clubflow.api import STATE_FILE

    return STATE_FILE


def _quiet_powertools() -> None:
    # Powertools reads these when the app is imported: no X-Ray daemon or CloudWatch here, and
    # the console shows warnings and errors rather than a JSON line per request.
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")


def _chalice_config(app: Chalice) -> Config:
    """The `dev` stage of functions/.chalice/config.json, as `chalice local` would read it."""
    from chalice.config import Config

    path = FUNCTIONS_DIR / ".chalice" / "config.json"
    from_disk = json.loads(path.read_text()) if path.is_file() else {"app_name": app.app_name}
    return Config(chalice_stage="dev", config_from_disk=from_disk,
                  user_provided_params={"chalice_app": app, "project_dir": str(FUNCTIONS_DIR)})


def _function_environment(deployed: Deployed, config: Config, api_url: str) -> dict[str, str]:
    """What a deployed function sees: the stage's variables from .chalice/config.json, the
    template's globals, and links that point at this machine."""
    return {**config.environment_variables, **deployed.environment, "PUBLIC_BASE_URL": api_url}


def _verify_sender() -> None:
    """SES sends only from verified identities; verify the sender's domain, as a deploy would."""
    from chalicelib.core import aws
    from chalicelib.core.settings import get_settings

    address = parseaddr(get_settings().mail_from)[1]
    aws.sesv2().create_email_identity(EmailIdentity=address.rpartition("@")[2] or address)
