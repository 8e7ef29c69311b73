"""A small client for the clubflow HTTP API, used by organiser commands.

It finds the API and key from --api/--key, then CLUBFLOW_API_URL/CLUBFLOW_ORGANISER_KEY, then
the running local stack: `clubflow dev` writes where it runs to .clubflow/dev.json in its folder
and to a per-user runtime file, so commands find it from any folder while it runs.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import requests

from clubflow.cli import CommandError

STATE_FILE = Path(".clubflow") / "dev.json"
NOT_FOUND = ("pass --api (and --key) or set CLUBFLOW_API_URL and CLUBFLOW_ORGANISER_KEY for a deployment, "
             "or start `clubflow dev` for the local stack")


def runtime_file() -> Path:
    """This user's record of the running local stack: $CLUBFLOW_RUNTIME_DIR, else
    $XDG_RUNTIME_DIR/clubflow, else ~/.cache/clubflow."""
    folder = os.environ.get("CLUBFLOW_RUNTIME_DIR")
    if folder:
        return Path(folder) / "dev.json"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / "clubflow" if runtime else Path.home() / ".cache" / "clubflow"
    return base / "dev.json"


def local_state() -> dict[str, Any]:
    """The local stack started in this folder, else the one this user has running, else {}."""
    try:
        return dict(json.loads(STATE_FILE.read_text()))
    except (OSError, ValueError):
        pass
    try:
        state = dict(json.loads(runtime_file().read_text()))
    except (OSError, ValueError):
        return {}
    return state if _running(state.get("pid")) else {}  # a killed stack leaves its record


def _running(pid: object) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--api and --key; called last, so the command's own options are known by then, and the
    API's field errors can name the option (or argument) a person typed."""
    parser.add_argument("--api", help="API base URL (default: $CLUBFLOW_API_URL or the local stack)")
    parser.add_argument("--key", help="organiser key (default: $CLUBFLOW_ORGANISER_KEY or the local stack's)")
    parser.set_defaults(api_names={
        action.dest: action.option_strings[-1] if action.option_strings else str(action.metavar or action.dest)
        for action in parser._actions if action.dest != "help"
    })


class Api:
    def __init__(self, args: argparse.Namespace) -> None:
        self.names: dict[str, str] = dict(getattr(args, "api_names", None) or {})
        state = local_state()
        self.base = (args.api or os.environ.get("CLUBFLOW_API_URL") or state.get("api_url") or "").rstrip("/")
        self.key = args.key or os.environ.get("CLUBFLOW_ORGANISER_KEY") or state.get("organiser_key")
        if not self.base:
            raise CommandError(f"no API URL: {NOT_FOUND}")
        if not self.key:
            raise CommandError("no organiser key: pass --key or set CLUBFLOW_ORGANISER_KEY")

    def call(self, method: str, path: str, body: Any = None) -> Any:
        response = self._send(method, path, body, accept="application/json")
        return response.json() if response.content else None

    def text(self, path: str) -> str:
        """A GET answered with text (such as a CSV export) rather than JSON."""
        return self._send("GET", path, None, accept="*/*").text

    def page(self, path: str) -> requests.Response:
        """A GET of one of the site's pages, as a browser asks for it."""
        return self._send("GET", path, None, accept="text/html")

    def _send(self, method: str, path: str, body: Any, accept: str) -> requests.Response:
        try:
            response = requests.request(
                method, self.base + path, json=body, timeout=30,
                headers={"Authorization": f"Bearer {self.key}", "Accept": accept},
            )
        except requests.RequestException as error:
            raise CommandError(f"{self.base} is not answering ({type(error).__name__}): "
                               "is the URL right, and is the API running?") from None
        if response.status_code >= 400:
            raise CommandError(self.refusal(method, path, response))
        return response

    def refusal(self, method: str, path: str, response: requests.Response) -> str:
        """What a person can act on: each field error on its own line, named as they typed it."""
        if response.status_code == 401:
            return ("the API asked for an organiser key and none was sent: pass --key or set "
                    "CLUBFLOW_ORGANISER_KEY")
        if response.status_code == 403:
            return ("the API refused the organiser key (403): it is wrong or has been revoked.\n"
                    "A new one comes from `clubflow organisers add YOUR_EMAIL` (with --stack for a "
                    "deployment, run by someone with access to its AWS account); pass it with --key "
                    "or CLUBFLOW_ORGANISER_KEY.")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if not isinstance(errors, dict) or not errors:
            # Not our error shape: API Gateway's own answer (no such route, denied), whose
            # message can echo the Authorization header, so only its reason is shown.
            return f"{method} {path} answered {response.status_code}: {response.reason}"
        # "_" names no field (such as an unknown resource): its message alone is clearer.
        return "\n".join(str(message) if field == "_" else f"{self.names.get(field, field)}: {message}"
                         for field, message in errors.items())
