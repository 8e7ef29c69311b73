"""The local stack over HTTP: `clubflow dev` started as a developer starts it, in its own process.

One stack (with --demo) serves a whole test session; tests keep apart by using their own emails
and events. Work queued by a request is delivered by `local_stack.pump()` (POST /_dev/pump),
which returns once every queue is empty: drive it, never sleep.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import requests

STARTUP_SECONDS = 90
STOP_SECONDS = 20
# Names the test process sets for in-process tests (tests/conftest.py); a stack or a CLI run
# started from here must find its own.
_NOT_INHERITED = ("TABLE_NAME", "PUBLIC_BASE_URL", "AWS_ENDPOINT_URL", "CLUBFLOW_DEV_ORGANISER_KEY")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def child_environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def free_port() -> int:
    """A loopback port nothing listens on (for as long as nobody else takes it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def runtime_dir(workdir: Path) -> str:
    """Where a stack started in `workdir` records itself for this user (one per test stack, so
    that parallel stacks, and a developer's own, never meet)."""
    return str(workdir / ".runtime")


def run_cli(workdir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`clubflow ARGS` in `workdir`, where a running `clubflow dev` left its state file."""
    return subprocess.run(
        [sys.executable, "-m", "clubflow", *args], cwd=workdir,
        env=child_environment(**{"CLUBFLOW_RUNTIME_DIR": runtime_dir(workdir), **env}),
        capture_output=True, text=True, timeout=60, check=False,
    )


class DevProcess:
    """One `clubflow dev` process in its own folder, its output in a log file there."""

    def __init__(self, workdir: Path, *args: str, **env: str) -> None:
        self.workdir = workdir
        self.state_file = workdir / ".clubflow" / "dev.json"
        self.log_file = workdir / "clubflow-dev.log"
        with self.log_file.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "clubflow", "dev", "--port", "0", *args], cwd=workdir,
                env=child_environment(**{"CLUBFLOW_RUNTIME_DIR": runtime_dir(workdir), **env}),
                stdout=log, stderr=subprocess.STDOUT,
            )

    def log(self) -> str:
        return self.log_file.read_text()

    def wait_until_up(self) -> dict[str, Any]:
        """The stack's state, once it has written it (it does so when everything is up)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"clubflow dev exited with {self.process.returncode}:\n{self.log()}")
            if self.state_file.exists():
                return dict(json.loads(self.state_file.read_text()))
            time.sleep(0.1)
        self.process.kill()
        pytest.fail(f"clubflow dev was not up after {STARTUP_SECONDS} s:\n{self.log()}")

    def interrupt(self) -> int:
        """Ctrl-C, as a developer stops it; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"clubflow dev did not stop {STOP_SECONDS} s after Ctrl-C:\n{self.log()}")


class LocalStack:
    """A running local stack, reached over HTTP as a browser, an organiser or the CLI would."""

    def __init__(self, state: dict[str, Any], workdir: Path) -> None:
        self.url: str = state["api_url"]
        self.key: str = state["organiser_key"]
        self.moto_url: str = state["moto_url"]
        self.region: str = state["region"]
        self.workdir = workdir
        self.http = requests.Session()

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.url + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.post(self.url + path, timeout=30, **kwargs)

    def admin(self, method: str, path: str, body: Any = None,
              key: str | None = None) -> requests.Response:
        """An organiser's JSON call with the stack's key (or `key`)."""
        return self.http.request(
            method, self.url + path, json=body, timeout=30,
            headers={"Authorization": f"Bearer {key or self.key}", "Accept": "application/json"},
        )

    def pump(self, now: datetime | None = None) -> dict[str, Any]:
        """Deliver everything queued; with `now`, first fire the schedules due by then."""
        # One call drains all the work queued (200 registrations are 200 emails and their Send
        # events): on a busy two-core machine that can outlast the 30 s a request is given.
        response = self.http.post(self.url + "/_dev/pump", json={"now": now.isoformat()} if now else {},
                                  timeout=300)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def outbox(self, to: str | None = None) -> list[dict[str, Any]]:
        """Emails sent so far (to `to`, if given), newest first."""
        response = self.get("/_dev/outbox", params={"to": to} if to else None)
        assert response.status_code == 200, response.text
        return list(response.json())

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(self.workdir, *args)

    def aws(self, service: str) -> Any:
        """A boto3 client of the stack's moto, to look behind the API."""
        import boto3

        return boto3.client(service, endpoint_url=self.moto_url, region_name=self.region,  # type: ignore[call-overload]
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def send_email(self, to: str, subject: str, text: str, html: str,
                   attachment: tuple[str, str, str] | None = None) -> None:
        """Send raw MIME through the stack's SES, as the app's mail module does."""
        message = EmailMessage()
        message["From"] = "CofEe Club <club@example.com>"
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = "Thu, 07 Mar 2030 09:00:00 +0000"
        message.set_content(text)
        if "<html" not in html:
            # A fragment becomes a whole document, as every email the app sends is.
            html = f'<!doctype html><html lang="en"><head><title>{subject}</title></head><body>{html}</body></html>'
        message.add_alternative(html, subtype="html")
        if attachment:
            filename, content_type, body = attachment
            maintype, _, subtype = content_type.partition("/")
            message.add_attachment(body.encode(), maintype=maintype, subtype=subtype,
                                   filename=filename)
        self.aws("sesv2").send_email(Destination={"ToAddresses": [to]},
                                     Content={"Raw": {"Data": message.as_bytes()}})


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """`clubflow dev --demo` with a known organiser key, for the whole session."""
    workdir = tmp_path_factory.mktemp("local-stack")
    key = "cfk_e2e_" + secrets.token_urlsafe(24)
    dev = DevProcess(workdir, "--demo", CLUBFLOW_DEV_ORGANISER_KEY=key)
    try:
        stack = LocalStack(dev.wait_until_up(), workdir)
        assert stack.key == key
        yield stack
    finally:
        code = dev.interrupt()
    assert code == 0, f"clubflow dev ended with {code} on Ctrl-C:\n{dev.log()}"


@pytest.fixture
def unique_email() -> str:
    return f"e2e-{secrets.token_hex(5)}@example.org"


def chromium_path() -> str:
    found = os.environ.get("CLUBFLOW_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        pytest.fail("browser tests drive Debian's Chromium: `make browser` installs it")
    return found


AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
_AXE_RUN = """(options) => axe.run(document, options).then((result) => result.violations.map(
    (v) => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" "))})))"""
# An email's HTML (the outbox shows it as sent) is held to the WCAG rules; axe's best practices
# for pages (one main landmark, a level-one heading) are not what mail clients render.
_EMAIL_PATH = "/_dev/outbox/"
_WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


class AxeChecks:
    """Every HTML page a browser test is served, checked with axe-core after the test.

    Each context the test opens keeps the HTML of every document it navigates to (GET or POST,
    errors included, scripts on or off); afterwards each page is served again, as it was, to a
    checking page with JavaScript on, where axe runs with the page's own styles."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.served: list[tuple[str, str]] = []

    def watch(self, context: Any) -> Any:
        context.route("**/*", self._keep)
        return context

    def _keep(self, route: Any) -> None:
        # Pages are taken as they pass, before the browser has them: none is missed or raced.
        request = route.request
        if not (request.is_navigation_request() and request.frame.parent_frame is None):
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        if "text/html" in (response.headers.get("content-type") or "") and not 300 <= response.status < 400:
            self.served.append((request.url, response.text()))
        route.fulfill(response=response)

    def violations(self) -> list[str]:
        found: list[str] = []
        if not self.served:
            return found
        if not AXE_SCRIPT.exists():
            pytest.fail("axe-core is missing: `npm ci` at the repository root installs it (make test does)")
        context = self.browser.new_context(bypass_csp=True)
        try:
            checker = context.new_page()
            for url, html in dict.fromkeys(self.served):
                checker.route(url, _serve(html))
                checker.goto(url)
                checker.unroute(url)
                checker.add_script_tag(path=str(AXE_SCRIPT))
                options = _WCAG if _EMAIL_PATH in url else {}
                for rule in checker.evaluate(_AXE_RUN, {"resultTypes": ["violations"], **options}):
                    found += [f"{rule['id']} ({rule['impact']}) at {target} on {url}: {rule['help']}"
                              for target in rule["targets"]]
        finally:
            context.close()
        return found


def _serve(html: str) -> Any:
    def fulfil(route: Any) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    return fulfil


class CheckedBrowser:
    """The browser as tests use it: every context it opens is watched by axe-core checks."""

    def __init__(self, launched: Any) -> None:
        self.launched = launched
        self.checks = AxeChecks(launched)

    def new_context(self, **options: Any) -> Any:
        return self.checks.watch(self.launched.new_context(**options))


@pytest.fixture(scope="session")
def launched_browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield launched
        launched.close()


@pytest.fixture
def browser(launched_browser: Any) -> Iterator[CheckedBrowser]:
    """Chromium for one test; the test fails on any axe-core violation of a page it was served."""
    checked = CheckedBrowser(launched_browser)
    yield checked
    violations = checked.checks.violations()
    if violations:
        pytest.fail(f"{len(violations)} accessibility violations (axe-core):\n  " + "\n  ".join(violations))


@pytest.fixture
def page(browser: CheckedBrowser) -> Iterator[Any]:
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def phone(browser: CheckedBrowser) -> Iterator[Any]:
    """A phone-sized page with JavaScript off: how the public pages must work at their plainest."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, java_script_enabled=False,
                                  is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()
