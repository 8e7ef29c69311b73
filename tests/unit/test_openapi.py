"""The OpenAPI document in stacks/ describes every route the code serves, and nothing AWS-only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from clubflow import contract, openapi

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi.generate()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, operation) for path, methods in document["paths"].items()
            for method, operation in methods.items()]


def test_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_document_lists_every_route_and_method_of_the_app(document: dict[str, Any]) -> None:
    from app import app

    served = {(path, method.lower()) for path, methods in app.routes.items()
              for method in methods if not path.startswith("/_dev")}
    described = {(path, method) for method, path, _ in _operations(document)}
    assert served == described
    assert ("/health", "get") in described
    assert {method for method, _, _ in _operations(document)} <= HTTP_METHODS


def test_a_route_without_a_contract_entry_fails_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    trimmed = dict(contract.OPERATIONS)
    del trimmed[("get", "/health")]
    monkeypatch.setattr(contract, "OPERATIONS", trimmed)

    with pytest.raises(openapi.Undescribed, match="/health"):
        openapi.generate()


def test_every_contract_entry_is_a_served_route() -> None:
    assert set(contract.OPERATIONS) <= set(openapi.served_routes())


def test_organiser_routes_require_the_bearer_key_and_public_ones_do_not(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        secured = operation.get("security") == [{openapi.SECURITY_SCHEME: []}]
        assert secured == path.startswith("/admin"), f"{method.upper()} {path}"
        if secured:
            assert {"401", "403"} <= set(operation["responses"]), f"{method.upper()} {path}"
    scheme = document["components"]["securitySchemes"][openapi.SECURITY_SCHEME]
    assert scheme == {"type": "http", "scheme": "bearer", "description": openapi.ORGANISER_KEY_HELP}


def test_every_path_parameter_is_declared(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        named = {part.strip("{}") for part in path.split("/") if part.startswith("{")}
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert named == declared, f"{method.upper()} {path}"


def test_public_posts_take_forms_and_json_and_organiser_routes_json(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        if "requestBody" not in operation:
            continue
        kinds = set(operation["requestBody"]["content"])
        expected = {contract.JSON} if path.startswith("/admin") else {contract.JSON, contract.FORM}
        assert kinds == expected, f"{method.upper()} {path}"
        assert {"400", "413"} <= set(operation["responses"]), f"{method.upper()} {path}"
    registration = document["paths"]["/events/{event_id}/registrations"]["post"]
    schema = registration["requestBody"]["content"][contract.FORM]["schema"]
    assert set(schema["required"]) == {"email", "name", "organisation"}
    assert schema["properties"]["needs"]["maxLength"] == 1000
    assert schema["additionalProperties"] is False


def test_answers_are_described_per_status_with_schemas(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        assert "default" not in responses
        assert any(status.startswith(("2", "3")) for status in responses), f"{method.upper()} {path}"
        for status, response in responses.items():
            if status.startswith("4") and status not in ("401", "403", "415"):
                assert response["content"][contract.JSON]["schema"] == contract.ERRORS, f"{status} {path}"
    event_page = document["paths"]["/events/{event_id}"]["get"]["responses"]["200"]["content"]
    assert set(event_page) == {contract.HTML, contract.JSON}


def test_created_events_and_polls_link_to_their_operations(document: dict[str, Any]) -> None:
    ids = {operation["operationId"] for _, _, operation in _operations(document)}
    linked = [link for _, _, operation in _operations(document)
              for response in operation["responses"].values() for link in response.get("links", {}).values()]
    assert linked
    assert {link["operationId"] for link in linked} <= ids
    created = document["paths"]["/admin/events"]["post"]["responses"]["201"]["links"]
    assert created["get_events_event_id"]["parameters"] == {"event_id": "$response.body#/event_id"}


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
