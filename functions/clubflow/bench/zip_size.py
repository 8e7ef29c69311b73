"""The Lambda bundle's size, as `clubflow package` builds it (no test or dev dependency inside).

Its floor is Lambda's own limit for a zip uploaded through S3 (250 MB unzipped, 50 MB zipped for a
direct upload); smaller also means a faster cold start download.
"""

from __future__ import annotations

import tempfile
from pathlib import Path


def measure(quick: bool) -> dict[str, object]:
    from clubflow import package

    with tempfile.TemporaryDirectory(prefix="clubflow-bench-") as folder:
        built = package.build(Path(folder) / "dev", stage="dev")
        return {"zip_mb": round(built.zip_bytes / 2**20, 2)}
