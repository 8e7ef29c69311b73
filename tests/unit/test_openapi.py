"""The OpenAPI document in stacks/ describes every route the code serves, and nothing AWS-only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clubflow import openapi

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi.generate()


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(_keys(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(item) for item in value))
    return set()


def test_document_lists_every_route_and_method_of_the_app(document: dict[str, Any]) -> None:
    from app import app

    served = {(path, method.lower()) for path, methods in app.routes.items()
              for method in methods if not path.startswith("/_dev")}
    described = {(path, method) for path, methods in document["paths"].items()
                 for method in methods}
    assert served == described
    assert ("/health", "get") in described


def test_organiser_routes_require_the_organiser_key_and_public_ones_do_not(
    document: dict[str, Any],
) -> None:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            secured = bool(operation.get("security"))
            assert secured == path.startswith("/admin"), f"{method.upper()} {path}"
    scheme = document["securityDefinitions"]["organiser_auth"]
    assert scheme == {"type": "apiKey", "in": "header", "name": "Authorization",
                      "description": openapi.ORGANISER_KEY_HELP}


def test_document_is_plain_swagger_without_gateway_extensions(document: dict[str, Any]) -> None:
    assert document["swagger"] == "2.0"
    assert not {key for key in _keys(document) if key.startswith("x-amazon")}
    for methods in document["paths"].values():
        assert set(methods) <= HTTP_METHODS
        for operation in methods.values():
            assert operation["responses"]


def test_committed_document_matches_the_code(document: dict[str, Any]) -> None:
    committed: Path = openapi.DOCUMENT
    assert committed.exists(), "stacks/openapi.json is missing: run `clubflow openapi`"
    assert json.loads(committed.read_text()) == document, (
        "stacks/openapi.json is out of date with the routes: run `clubflow openapi` and commit it"
    )


def test_openapi_command_writes_the_document(tmp_path: Path, document: dict[str, Any]) -> None:
    import argparse

    from clubflow.commands import openapi as command

    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers())
    out = tmp_path / "openapi.json"
    args = parser.parse_args(["openapi", "--out", str(out)])

    assert args.handler(args) == 0
    assert json.loads(out.read_text()) == document
