"""The local stack's record of where it runs (`.clubflow/dev.json`) appears whole: `clubflow`
commands and tests poll for it while the stack starts, and read it as soon as it is there."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from clubflow.dev import stack


def test_the_state_file_is_renamed_into_place_whole_and_owner_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / ".clubflow" / "dev.json"
    stack._write_private(path, '{"api": "http://127.0.0.1:8000"}')
    seen: list[str] = []
    replace = os.replace

    def renamed(source: Any, target: Any) -> None:
        # At the moment of the rename, the file there is still the whole old one
        seen.append(Path(target).read_text())
        replace(source, target)

    monkeypatch.setattr(os, "replace", renamed)
    stack._write_private(path, '{"api": "http://127.0.0.1:8001"}')

    assert seen == ['{"api": "http://127.0.0.1:8000"}']
    assert path.read_text() == '{"api": "http://127.0.0.1:8001"}'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["dev.json"]  # nothing half-written left beside it
