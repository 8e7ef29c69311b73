"""The typed domain events and their JSON Schemas say the same: every schema has a TypedDict
with the same keys, required where the schema requires them, and no TypedDict lacks a schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.core import domain_events

SCHEMAS = Path(__file__).resolve().parents[2] / "events" / "schemas"
NAMES = sorted(path.stem for path in SCHEMAS.glob("*.json"))


def test_every_typed_event_has_a_schema() -> None:
    assert sorted(domain_events.DETAIL_TYPES) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_each_typed_event_has_its_schemas_keys(name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    shape = domain_events.DETAIL_TYPES.get(name)

    assert shape is not None, f"no TypedDict for {name} in chalicelib/core/domain_events.py"
    required = set(schema.get("required", []))
    assert set(shape.__required_keys__) == required  # type: ignore[attr-defined]
    assert set(shape.__optional_keys__) == set(schema["properties"]) - required  # type: ignore[attr-defined]
