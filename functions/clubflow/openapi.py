"""The OpenAPI (Swagger 2.0) document of the HTTP API, generated from the Chalice app's routes.

It starts from the Swagger Chalice sends to API Gateway, so it lists exactly the deployed routes,
then drops API Gateway's integration extensions and the local stack's /_dev routes.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = REPO_ROOT / "stacks" / "openapi.json"
LOCAL_ONLY_PREFIX = "/_dev"
ORGANISER_KEY_HELP = "Bearer <organiser key>, from `clubflow organisers add EMAIL`."
CONTRACT_NOTE = "Status codes and bodies are described in API.md."


def generate() -> dict[str, Any]:
    """The document for the app in functions/app.py, with every route and method."""
    from chalice.deploy.swagger import CFNSwaggerGenerator

    app = importlib.import_module("app").app
    swagger = CFNSwaggerGenerator().generate_swagger(app)
    document = _without_gateway_extensions(swagger)
    document["paths"] = {
        path: {method: _operation(spec) for method, spec in methods.items()}
        for path, methods in sorted(document["paths"].items())
        if not path.startswith(LOCAL_ONLY_PREFIX)
    }
    document["info"] = {
        "title": app.app_name,
        "version": "v1",
        "description": "HTTP API of clubflow: registration, slides, nominations, topics, polls "
        "and reports for attendees; /admin routes for organisers.",
    }
    for scheme in document.get("securityDefinitions", {}).values():
        scheme["description"] = ORGANISER_KEY_HELP
    # Chalice's catch-all "Empty" schema says nothing; responses are described in API.md.
    document.pop("definitions", None)
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def write(path: Path = DOCUMENT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(generate()))
    return path


def _operation(spec: dict[str, Any]) -> dict[str, Any]:
    # Chalice claims JSON for every route; pages answer HTML unless asked for JSON.
    spec.pop("produces", None)
    spec["responses"] = {"default": {"description": CONTRACT_NOTE}}
    return spec


def _without_gateway_extensions(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_gateway_extensions(item) for key, item in value.items()
                if not key.startswith("x-amazon-apigateway")}
    if isinstance(value, list):
        return [_without_gateway_extensions(item) for item in value]
    return value
