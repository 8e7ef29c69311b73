"""The OpenAPI 3.1 document of the HTTP API: the Chalice app's routes, described by clubflow.contract.

The routes (paths, methods, path parameters, who may call) come from the app itself, so the
document lists exactly what is served; bodies and answers come from the contract module. The
local stack's /_dev routes are left out: they are never deployed.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from clubflow import contract

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = REPO_ROOT / "stacks" / "openapi.json"
LOCAL_ONLY_PREFIX = "/_dev"
SECURITY_SCHEME = "organiser_key"
ORGANISER_KEY_HELP = "The organiser key from `clubflow organisers add EMAIL`, as `Authorization: Bearer <key>`."


class Undescribed(Exception):
    """A served route has no entry in clubflow.contract."""


def served_routes() -> dict[tuple[str, str], Any]:
    """(method, path) -> Chalice's route entry, for every route the deployed app serves."""
    app = importlib.import_module("app").app
    return {(method.lower(), path): entry for path, methods in app.routes.items()
            for method, entry in methods.items() if not path.startswith(LOCAL_ONLY_PREFIX)}


def generate() -> dict[str, Any]:
    """The document for the app in functions/app.py, with every route and method."""
    routes = served_routes()
    missing = sorted(set(routes) - set(contract.OPERATIONS))
    if missing:
        raise Undescribed(f"describe these routes in clubflow/contract.py: {missing}")
    paths: dict[str, dict[str, Any]] = {}
    for (method, path), entry in sorted(routes.items(), key=lambda item: (item[0][1], item[0][0])):
        spec = contract.OPERATIONS[(method, path)]
        paths.setdefault(path, {})[method] = _operation(method, path, entry, spec)
    app = importlib.import_module("app").app
    return {
        "openapi": "3.1.0",
        "info": {
            "title": app.app_name,
            "version": "v1",
            "description": "HTTP API of clubflow: registration, slides, nominations, topics, polls "
            "and reports for attendees; /admin routes for organisers. Public routes answer HTML, "
            "or JSON to `Accept: application/json`.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                SECURITY_SCHEME: {"type": "http", "scheme": "bearer", "description": ORGANISER_KEY_HELP},
            },
        },
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def write(path: Path = DOCUMENT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(generate()))
    return path


def operation_id(method: str, path: str) -> str:
    words = [part.strip("{}").replace("-", "_") for part in path.strip("/").split("/") if part]
    return "_".join([method, *words]) or method


def _operation(method: str, path: str, entry: Any, spec: contract.Operation) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id(method, path),
        "summary": spec.summary,
        "responses": {str(status): _response(reply, spec.links.get(status, ()))
                      for status, reply in sorted(spec.replies.items())},
    }
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
                  for name in entry.view_args]
    parameters += [{"name": name, "in": "query", "required": False, "schema": schema}
                   for name, schema in spec.query.items()]
    if parameters:
        operation["parameters"] = parameters
    if spec.body is not None:
        types = [kind for kind in spec.body_types if kind in entry.content_types]
        operation["requestBody"] = {
            "required": spec.body_required,
            "content": {kind: {"schema": spec.body} for kind in types},
        }
    if entry.authorizer is not None:
        operation["security"] = [{SECURITY_SCHEME: []}]
    return operation


def _response(reply: contract.Reply, links: tuple[contract.Link, ...]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": reply.description}
    if reply.content:
        response["content"] = {kind: ({"schema": schema} if schema is not None else {"schema": {"type": "string"}})
                               for kind, schema in reply.content.items()}
    if reply.headers:
        response["headers"] = {name: {"schema": {"type": "string"}} for name in reply.headers}
    if links:
        response["links"] = {
            operation_id(*link.operation): {
                "operationId": operation_id(*link.operation),
                "parameters": {link.parameter: f"$response.body#{link.pointer}"},
            }
            for link in links
        }
    return response
