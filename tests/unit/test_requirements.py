"""functions/requirements.txt (what Chalice bundles) must match pyproject's runtime dependencies."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
# Chalice adds its own runtime to the zip and the Lambda runtime provides boto3.
PROVIDED_BY_PLATFORM = {"chalice", "boto3"}


def _key(requirement: Requirement) -> tuple[str, tuple[str, ...], str, str]:
    return (canonicalize_name(requirement.name), tuple(sorted(requirement.extras)),
            str(requirement.specifier), str(requirement.marker or ""))


def bundled() -> set[tuple[str, tuple[str, ...], str, str]]:
    lines = (REPO / "functions" / "requirements.txt").read_text().splitlines()
    return {_key(Requirement(line.split("#", 1)[0])) for line in lines
            if line.split("#", 1)[0].strip()}


def declared_runtime() -> set[tuple[str, tuple[str, ...], str, str]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(line) for line in project["dependencies"]]
    return {_key(r) for r in requirements if canonicalize_name(r.name) not in PROVIDED_BY_PLATFORM}


def test_bundle_requirements_match_pyproject_runtime_dependencies() -> None:
    missing = declared_runtime() - bundled()
    extra = bundled() - declared_runtime()
    assert not missing and not extra, (
        "functions/requirements.txt must list exactly pyproject.toml's [project] dependencies "
        f"without chalice and boto3. Missing there: {sorted(missing)}; not in pyproject: "
        f"{sorted(extra)}"
    )


def test_bundle_requirements_hold_no_development_tools() -> None:
    dev = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["dev"]
    dev_names = {canonicalize_name(Requirement(line).name) for line in dev}
    assert not dev_names & {name for name, *_ in bundled()}
