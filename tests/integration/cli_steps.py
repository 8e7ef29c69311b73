"""The organiser CLI run in-process with its HTTP requests answered by the app itself (Chalice's
test client): the command's own request, answer handling and messages, and the real routes."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from clubflow.cli import main

API = "http://api.test"


@dataclass
class Ran:
    code: int
    out: str
    err: str


class Cli:
    """`clubflow ...` with `--api` the app: every request goes through the routes."""

    def __init__(self, client: Any, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.client = client
        self.key = key
        monkeypatch.setattr("clubflow.api.requests.request", self._request)

    def _request(self, method: str, url: str, json: Any = None, headers: dict[str, str] | None = None,
                 **_: Any) -> requests.Response:
        import json as json_module

        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        sent = {**(headers or {}), **({"Content-Type": "application/json"} if json is not None else {})}
        answer = self.client.http.request(method, path, headers=sent,
                                          body=json_module.dumps(json) if json is not None else b"")
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.body  # how requests itself fills a response
        response.reason = HTTPStatus(answer.status_code).phrase
        response.url = url
        return response

    def __call__(self, *argv: str, key: str | None = None, stdin: str | None = None) -> Ran:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*argv, "--api", API, "--key", key or self.key])
        return Ran(code, out.getvalue(), err.getvalue())
