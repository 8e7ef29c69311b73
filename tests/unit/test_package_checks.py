"""`clubflow package` refuses undeployable output and explains failures in one message."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from clubflow import package
from clubflow.cli import CommandError


def make_zip(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name in names:
            bundle.writestr(name, "")
    return path


def test_unknown_stage_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="unknown stage 'staging'"):
        package.build(tmp_path, stage="staging")
    assert not any(tmp_path.iterdir())


def test_zip_with_test_tooling_or_bundled_sdk_or_missing_templates_is_refused(
    tmp_path: Path,
) -> None:
    bundle = make_zip(tmp_path / "deployment.zip", [
        "app.py", "chalicelib/__init__.py", "chalicelib/templates/pages/event.html",
        "moto/__init__.py", "pytest-8.0.0.dist-info/RECORD", "botocore/__init__.py",
    ])

    with pytest.raises(CommandError) as refused:
        package.check_zip(bundle, ["pages/event.html", "emails/confirmed.txt"])

    message = str(refused.value)
    assert "moto must not be deployed" in message
    assert "pytest must not be deployed" in message
    assert "botocore is provided by the Lambda runtime" in message
    assert "chalicelib/templates/emails/confirmed.txt is missing" in message


def _with_compiled(path: Path, names: list[str], template: str, compiled_from: str) -> Path:
    """A zip of `names` plus pages/event.html holding `template`, compiled from `compiled_from`."""
    from chalicelib.core import render

    source = path.parent / "source"
    (source / "pages").mkdir(parents=True)
    (source / "pages" / "event.html").write_text(compiled_from)
    compiled = path.parent / "compiled"
    render.compile_templates(source, compiled)
    module = render.module_filename("pages/event.html")
    with zipfile.ZipFile(path, "w") as bundle:
        for name in names:
            bundle.writestr(name, "")
        bundle.writestr("chalicelib/templates/pages/event.html", template)
        bundle.writestr(f"chalicelib/compiled_templates/{module}", (compiled / module).read_text())
    return path


def test_complete_zip_passes(tmp_path: Path) -> None:
    bundle = _with_compiled(tmp_path / "deployment.zip", [
        "app.py", "chalicelib/__init__.py",
        "jinja2/__init__.py", "aws_lambda_powertools-3.37.0.dist-info/RECORD",
    ], template="<p>{{ title }}</p>\n", compiled_from="<p>{{ title }}</p>\n")

    package.check_zip(bundle, ["pages/event.html"])


def test_zip_with_a_stale_or_missing_compiled_template_is_refused(tmp_path: Path) -> None:
    stale = _with_compiled(tmp_path / "stale" / "deployment.zip", ["app.py", "chalicelib/__init__.py"],
                           template="<p>{{ title }}</p>\n", compiled_from="<p>{{ name }}</p>\n")
    missing = make_zip(tmp_path / "deployment.zip", [
        "app.py", "chalicelib/__init__.py", "chalicelib/templates/pages/event.html"])

    with pytest.raises(CommandError, match=r"compiled template: pages/event\.html was compiled from another"):
        package.check_zip(stale, ["pages/event.html"])
    with pytest.raises(CommandError, match=r"compiled template: pages/event\.html is not compiled"):
        package.check_zip(missing, ["pages/event.html"])


def test_runtime_provided_distributions_are_removed_by_their_record(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in ("botocore/__init__.py", "botocore/data/s3.json", "six.py",
                 "jinja2/__init__.py", "urllib3/__init__.py"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("")
    for dist, files in {
        "botocore-1.40.0": ["botocore/__init__.py", "botocore/data/s3.json"],
        "six-1.17.0": ["six.py"],
        "Jinja2-3.1.6": ["jinja2/__init__.py"],
        "urllib3-2.2.0": ["urllib3/__init__.py"],
    }.items():
        info = site / f"{dist}.dist-info"
        info.mkdir()
        record = [f"{name},sha256=x,0" for name in files] + [f"{info.name}/RECORD,,"]
        (info / "RECORD").write_text("\n".join(record) + "\n")

    package._drop_runtime_provided(site)

    left = sorted(path.relative_to(site).as_posix() for path in site.rglob("*"))
    assert left == ["Jinja2-3.1.6.dist-info", "Jinja2-3.1.6.dist-info/RECORD",
                    "jinja2", "jinja2/__init__.py"]


def test_chalice_failure_becomes_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(package, "WORK_DIR", tmp_path / "work")
    dependencies = tmp_path / "dependencies"
    dependencies.mkdir()
    monkeypatch.setattr(package, "_dependencies", lambda requirements, runtime, architecture: dependencies)
    calls: list[list[str]] = []

    def failing_chalice(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return subprocess.CompletedProcess(
            command, 2, stdout="", stderr="Traceback (most recent call last):\n  ...\n"
            "RuntimeError: Unable to load IAM policy file policy-baseline.json\n",
        )

    monkeypatch.setattr(package.subprocess, "run", failing_chalice)

    with pytest.raises(CommandError) as failed:
        package.build(tmp_path / "out", stage="prod", settings={
            "PUBLIC_BASE_URL": "https://club.clubflow.test", "MAIL_FROM": "Club <club@club.clubflow.test>",
            "MAIL_REPLY_TO": "Organisers <organisers@club.clubflow.test>"})

    assert "chalice package failed for stage prod" in str(failed.value)
    assert "Unable to load IAM policy file" in str(failed.value)
    (chalice,) = [command for command in calls if "--stage" in command]  # others look for the runtime's Python
    assert chalice[chalice.index("--stage") + 1] == "prod"
    assert chalice[chalice.index("--merge-template") + 1] == str(package.MERGE_TEMPLATE)


def test_staged_project_bundles_templates_and_no_tooling(tmp_path: Path) -> None:
    dependencies = tmp_path / "dependencies"
    dependencies.mkdir()

    templates = package._stage_project(tmp_path / "project", dependencies, package.DEFAULT_RUNTIME)

    staged = tmp_path / "project"
    assert "pages/event.html" in templates
    assert (staged / "chalicelib" / "templates" / "pages" / "event.html").is_file()
    # Every template compiled from the staged copy, and byte-compiled (Lambda cannot write it).
    from chalicelib.core import render

    compiled = staged / "chalicelib" / render.COMPILED_DIR_NAME
    assert render.stale_compiled_templates(staged / "chalicelib" / "templates", compiled) == []
    assert len(list((compiled / "__pycache__").glob("*.pyc"))) == len(templates)
    assert (staged / ".chalice" / "config.json").is_file()
    assert (staged / "vendor").resolve() == dependencies.resolve()
    assert not (staged / "clubflow").exists()
    # Without requirements.txt Chalice bundles vendor/ instead of running pip again.
    assert not (staged / "requirements.txt").exists()
