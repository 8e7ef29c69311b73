"""Build what `sam deploy` ships: the SAM template and the Lambda zip, through `chalice package`.

Chalice bundles only app.py, chalicelib/ and vendor/ of its project dir, so the app is staged in
build/package/project with templates/ copied into chalicelib/templates; the checkout itself is
never touched, so a running local stack or test session keeps reading templates/ undisturbed.
The runtime dependencies are installed for Lambda's platform once per requirements.txt into
build/package/dependencies and handed to Chalice as vendor/, so a code change repackages in
seconds without running pip again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from clubflow.cli import CommandError

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT_DIR = REPO_ROOT / "functions"
TEMPLATES_DIR = REPO_ROOT / "templates"
MERGE_TEMPLATE = REPO_ROOT / "stacks" / "app.yaml"
WORK_DIR = REPO_ROOT / "build" / "package"

STAGES = ("dev", "prod")
DEFAULT_REGION = "eu-west-2"
ZIP_NAME = "deployment.zip"
TEMPLATE_NAMES = ("sam.yaml", "sam.json")

# The Lambda Python runtime ships boto3 with these; a bundled copy would shadow the runtime's
# botocore (aws-xray-sdk pulls it in) and mismatch the runtime's boto3.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "urllib3", "python-dateutil", "six")
# Tooling and test dependencies that must never reach a deployment zip.
FORBIDDEN_TOP_LEVEL = frozenset({
    "clubflow", "tests", "moto", "pytest", "_pytest", "playwright", "cfnlint", "mypy", "ruff",
})
# What the functions run on, whatever Python packages them: wheels are fetched for it, and every
# function's Runtime and Architectures are set to it. manylinux2014 wheels load on Amazon Linux.
RUNTIMES = ("python3.12", "python3.13")
ARCHITECTURES = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
DEFAULT_RUNTIME = "python3.12"
DEFAULT_ARCHITECTURE = "x86_64"


@dataclass(frozen=True)
class Function:
    name: str
    handler: str
    memory_mb: int
    timeout_s: int
    queues: tuple[str, ...]


@dataclass(frozen=True)
class Package:
    stage: str
    template: Path
    zip_path: Path
    zip_bytes: int
    functions: tuple[Function, ...]
    seconds: float
    warnings: tuple[str, ...]
    runtime: str = DEFAULT_RUNTIME
    architecture: str = DEFAULT_ARCHITECTURE


def default_out_dir(stage: str) -> Path:
    """Where `clubflow package` writes by default, and where samconfig.toml looks."""
    return REPO_ROOT / "build" / stage


def build(out_dir: Path, stage: str = "dev", settings: Mapping[str, str] | None = None,
          runtime: str = DEFAULT_RUNTIME, architecture: str = DEFAULT_ARCHITECTURE) -> Package:
    """Write DIR/sam.yaml and DIR/deployment.zip for `stage`, checked for deployability.

    `settings` override the stage's environment variables of functions/.chalice/config.json;
    `runtime` and `architecture` are what Lambda runs the functions on.
    """
    if stage not in STAGES:
        raise CommandError(f"unknown stage {stage!r}: choose one of {', '.join(STAGES)}")
    if runtime not in RUNTIMES or architecture not in ARCHITECTURES:
        raise CommandError(f"choose a runtime of {', '.join(RUNTIMES)} and an architecture of "
                           f"{', '.join(ARCHITECTURES)} (got {runtime} {architecture})")
    settings = dict(settings or {})
    refuse_placeholders(stage, settings)
    for required in (PROJECT_DIR / "app.py", PROJECT_DIR / ".chalice" / "config.json",
                     MERGE_TEMPLATE, TEMPLATES_DIR):
        if not required.exists():
            raise CommandError(f"{required} is missing; run from a clubflow checkout")
    started = time.monotonic()
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in (ZIP_NAME, *TEMPLATE_NAMES):
        (out_dir / stale).unlink(missing_ok=True)

    with _exclusive(WORK_DIR / ".lock"):
        dependencies = _dependencies(PROJECT_DIR / "requirements.txt", runtime, architecture)
        project = WORK_DIR / "project"
        templates = _stage_project(project, dependencies, runtime)
        _set_stage_settings(project / ".chalice" / "config.json", stage, settings)
        _run_chalice(project, stage, out_dir)
        _prune_siblings(project / ".chalice" / "deployments", keep=None)

    zip_path = out_dir / ZIP_NAME
    template = next((out_dir / name for name in TEMPLATE_NAMES if (out_dir / name).exists()), None)
    if template is None or not zip_path.exists():
        raise CommandError(f"chalice package wrote no template or zip into {out_dir}")
    check_zip(zip_path, templates)
    pin_runtime(template, runtime, architecture)
    functions = _functions(template)
    return Package(
        stage=stage,
        template=template,
        zip_path=zip_path,
        zip_bytes=zip_path.stat().st_size,
        functions=functions,
        seconds=time.monotonic() - started,
        warnings=_placeholder_warnings(template, stage) + _bytecode_warning(runtime),
        runtime=runtime,
        architecture=architecture,
    )


def check_zip(zip_path: Path, templates: list[str]) -> None:
    """Fail unless the zip holds the app and the given templates, and no tooling or test code."""
    with zipfile.ZipFile(zip_path) as bundle:
        names = set(bundle.namelist())
    tops = {_distribution_or_module(name) for name in names}
    problems = [f"{top} must not be deployed" for top in sorted(tops & FORBIDDEN_TOP_LEVEL)]
    provided = tops & {_normalise(name) for name in RUNTIME_PROVIDED}
    problems += [f"{top} is provided by the Lambda runtime" for top in sorted(provided)]
    required = ["app.py", "chalicelib/__init__.py"] + [
        f"chalicelib/templates/{name}" for name in templates
    ]
    problems += [f"{name} is missing" for name in required if name not in names]
    problems += _stale_compiled_templates(zip_path)
    if problems:
        raise CommandError(f"{zip_path} is not deployable: " + "; ".join(problems))


def _compile_templates(chalicelib: Path, runtime: str) -> None:
    """Compile the bundled templates into chalicelib/compiled_templates, and those to bytecode:
    a cold function then imports the page it answers with instead of parsing its template.
    Generated here from the templates being bundled, never committed, so never behind them."""
    from chalicelib.core import render

    compiled = chalicelib / render.COMPILED_DIR_NAME
    render.compile_templates(chalicelib / "templates", compiled)
    _compile(compiled, runtime)


def _stale_compiled_templates(zip_path: Path) -> list[str]:
    """Problems with the zip's compiled templates: each bundled template must be there, compiled
    from exactly the bundled version of it (the renderer reads no source when they are present)."""
    from chalicelib.core import render

    with zipfile.ZipFile(zip_path) as bundle, tempfile.TemporaryDirectory() as tmp:
        wanted = [name for name in bundle.namelist() if name.startswith("chalicelib/templates/")
                  or (name.startswith(f"chalicelib/{render.COMPILED_DIR_NAME}/") and name.endswith(".py"))]
        bundle.extractall(tmp, members=wanted)
        root = Path(tmp) / "chalicelib"
        return [f"compiled template: {problem}" for problem in render.stale_compiled_templates(
            root / "templates", root / render.COMPILED_DIR_NAME)]


def _distribution_or_module(zip_name: str) -> str:
    top = zip_name.split("/", 1)[0]
    for suffix in (".dist-info", ".egg-info"):
        if top.endswith(suffix):
            return _normalise(top.removesuffix(suffix).split("-", 1)[0])
    return top.removesuffix(".py")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    # Builds share the staging project and the dependency set; one at a time.
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _dependencies(requirements: Path, runtime: str, architecture: str) -> Path:
    """requirements.txt installed for the Lambda runtime's platform, minus what the runtime provides."""
    python = runtime.removeprefix("python")
    platform = ARCHITECTURES[architecture]
    compiled = runtime_python(runtime) is not None
    key = hashlib.sha256(
        requirements.read_bytes() + f"{python} {platform} {compiled}".encode()
    ).hexdigest()[:16]
    target = WORK_DIR / "dependencies" / key
    if target.is_dir():
        return target
    partial = target.with_name(f"{key}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--target", str(partial),
        "--platform", platform, "--implementation", "cp", "--python-version", python,
        "--only-binary=:all:", "--requirement", str(requirements),
    ]
    result = subprocess.run(command, env=_tool_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"installing {requirements} for Lambda failed:\n  "
                           + "\n  ".join((result.stderr or result.stdout).strip().splitlines()[-15:]))
    _drop_runtime_provided(partial)
    shutil.rmtree(partial / "bin", ignore_errors=True)
    _compile(partial, runtime)
    partial.rename(target)
    _prune_siblings(target.parent, keep=target)
    return target


def _stage_project(project: Path, dependencies: Path, runtime: str) -> list[str]:
    """Lay out the Chalice project to package; return the templates it bundles."""
    chalice_dir = project / ".chalice"
    for entry in project.iterdir() if project.exists() else ():
        if entry == chalice_dir:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    chalice_dir.mkdir(parents=True, exist_ok=True)
    for entry in chalice_dir.iterdir():
        if entry.is_file():
            entry.unlink()
    # Config and IAM policy files only; deployed/ and deployments/ of the checkout stay behind.
    for source in (PROJECT_DIR / ".chalice").glob("*.json"):
        shutil.copy2(source, chalice_dir / source.name)
    shutil.copy2(PROJECT_DIR / "app.py", project / "app.py")
    shutil.copytree(PROJECT_DIR / "chalicelib", project / "chalicelib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "templates"))
    _compile(project / "chalicelib", runtime)
    bundled_templates = project / "chalicelib" / "templates"
    shutil.copytree(TEMPLATES_DIR, bundled_templates, ignore=shutil.ignore_patterns(".*"))
    _compile_templates(project / "chalicelib", runtime)
    # No requirements.txt here: Chalice bundles vendor/ as is instead of running pip.
    (project / "vendor").symlink_to(dependencies, target_is_directory=True)
    return sorted(path.relative_to(bundled_templates).as_posix()
                  for path in bundled_templates.rglob("*") if path.is_file())


def _compile(directory: Path, runtime: str) -> None:
    # Lambda cannot write bytecode to /var/task, so without these every cold start compiles.
    # Hash-based and unchecked: valid whatever timestamps the zip gives the sources. Bytecode is
    # per Python version: compiled by the runtime's Python, found on PATH, or by this one if it is.
    interpreter = runtime_python(runtime)
    if interpreter is None:
        return
    command = [interpreter, "-m", "compileall", "-q", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
               str(directory)]
    if subprocess.run(command, capture_output=True, check=False, env=_own_python_env()).returncode != 0:
        raise CommandError(f"some Python files in {directory} do not compile with {runtime}")


def _own_python_env() -> dict[str, str]:
    # Another Python's packages on PYTHONPATH (a venv's, passed down by a caller) break that
    # interpreter's own imports: the runtime's Python runs with its own library alone.
    return {name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "PYTHONHOME")}


def runtime_python(runtime: str) -> str | None:
    """An interpreter of the runtime's Python version on this machine, if there is one."""
    if runtime == f"python{sys.version_info.major}.{sys.version_info.minor}":
        return sys.executable
    version = runtime.removeprefix("python")
    pyenv = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/{runtime}"))  # where pyenv keeps them
    for found in (shutil.which(runtime), *map(str, pyenv)):
        if found and subprocess.run([found, "-c", "pass"], capture_output=True, check=False,
                                    env=_own_python_env()).returncode == 0:
            return found
    return None


def _bytecode_warning(runtime: str) -> tuple[str, ...]:
    if runtime_python(runtime) is not None:
        return ()
    return (f"no {runtime} on this machine: the zip holds sources only, so each cold start compiles them "
            f"(install {runtime} and package again to ship bytecode)",)


def pin_runtime(template: Path, runtime: str, architecture: str) -> None:
    """Set every function's Runtime and Architectures (Chalice writes the packaging Python's)."""
    loaded = load_template(template)
    for spec in loaded["Resources"].values():
        if spec.get("Type") == "AWS::Serverless::Function":
            spec["Properties"]["Runtime"] = runtime
            spec["Properties"]["Architectures"] = [architecture]
    with template.open("w") as handle:
        if template.suffix == ".json":
            json.dump(loaded, handle, indent=2)
        else:
            yaml.safe_dump(loaded, handle, sort_keys=False, width=1000)


def _tool_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("AWS_DEFAULT_REGION", env.get("AWS_REGION", DEFAULT_REGION))
    # Keep pip's downloads with the build (CI can cache build/), and skip its self-check.
    env.setdefault("PIP_CACHE_DIR", str(WORK_DIR / "pip-cache"))
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return env


def _run_chalice(project: Path, stage: str, out_dir: Path) -> None:
    command = [
        sys.executable, "-c", "import sys; from chalice.cli import main; sys.exit(main())",
        "--project-dir", str(project), "package", "--stage", stage,
        "--merge-template", str(MERGE_TEMPLATE), str(out_dir),
    ]
    result = subprocess.run(command, env=_tool_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip().splitlines()
        detail = "\n  ".join(output[-15:]) or f"exit status {result.returncode}"
        raise CommandError(f"chalice package failed for stage {stage}:\n  {detail}")


def _prune_siblings(directory: Path, keep: Path | None) -> None:
    # Old dependency sets and Chalice's per-build zips are never reused once superseded.
    for entry in directory.iterdir() if directory.is_dir() else ():
        if entry == keep:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _drop_runtime_provided(site: Path) -> None:
    """Remove the distributions of RUNTIME_PROVIDED (files listed in their RECORD) from `site`."""
    wanted = {_normalise(name) for name in RUNTIME_PROVIDED}
    for dist_info in site.glob("*.dist-info"):
        if _distribution_or_module(dist_info.name) not in wanted:
            continue
        for line in (dist_info / "RECORD").read_text().splitlines():
            listed = (site / line.split(",", 1)[0]).resolve()
            if line and listed.is_relative_to(site.resolve()) and listed.is_file():
                listed.unlink()
        shutil.rmtree(dist_info)
    for directory in sorted((p for p in site.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()


def load_template(template: Path) -> dict[str, Any]:
    """The generated template as a dict (Chalice writes long-form intrinsics, plain YAML/JSON)."""
    with template.open() as handle:
        return dict(yaml.safe_load(handle))


def _functions(template: Path) -> tuple[Function, ...]:
    resources = load_template(template)["Resources"]
    found = []
    for name, spec in sorted(resources.items()):
        if spec.get("Type") != "AWS::Serverless::Function":
            continue
        props = spec["Properties"]
        queues = tuple(
            str(event["Properties"]["Queue"].get("Fn::GetAtt", ["?"])[0])
            for event in (props.get("Events") or {}).values()
            if event.get("Type") == "SQS" and isinstance(event["Properties"].get("Queue"), dict)
        )
        found.append(Function(name=name, handler=props["Handler"], memory_mb=props["MemorySize"],
                              timeout_s=props["Timeout"], queues=queues))
    return tuple(found)


def _placeholder_warnings(template: Path, stage: str) -> tuple[str, ...]:
    resources = load_template(template)["Resources"]
    unset = sorted({
        variable
        for spec in resources.values() if spec.get("Type") == "AWS::Serverless::Function"
        for variable, value in ((spec["Properties"].get("Environment") or {})
                                .get("Variables", {}).items())
        if isinstance(value, str) and "example.com" in value
    })
    if not unset:
        return ()
    return (f"{', '.join(unset)} still hold example.com placeholders: set them for stage "
            f"{stage} in functions/.chalice/config.json before deploying",)


def stage_settings(stage: str, settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment variables config.json gives every function of `stage`, with `settings` over them."""
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    return {**config.get("environment_variables", {}),
            **config.get("stages", {}).get(stage, {}).get("environment_variables", {}),
            **(settings or {})}


def refuse_placeholders(stage: str, settings: Mapping[str, str] | None = None) -> None:
    """Production must not send from, or link to, example.com: fail before building."""
    if stage != "prod":
        return
    unset = sorted(name for name, value in stage_settings(stage, settings).items() if "example.com" in value)
    if unset:
        raise CommandError(
            f"{', '.join(unset)} still hold example.com placeholders: set them under "
            f"stages.{stage}.environment_variables in functions/.chalice/config.json "
            "(or give --set NAME=VALUE) before packaging for production"
        )


def _set_stage_settings(config_file: Path, stage: str, settings: Mapping[str, str]) -> None:
    # The staged copy only: the checkout's config.json stays as it is.
    if not settings:
        return
    config = json.loads(config_file.read_text())
    stage_config = config.setdefault("stages", {}).setdefault(stage, {})
    stage_config.setdefault("environment_variables", {}).update(settings)
    config_file.write_text(json.dumps(config, indent=2))


def summary(package: Package) -> str:
    lines = [
        f"template  {package.template}",
        f"zip       {package.zip_path} ({package.zip_bytes / 1_000_000:.1f} MB)",
        "functions",
    ]
    for function in package.functions:
        queues = f"  <- {', '.join(function.queues)}" if function.queues else ""
        lines.append(f"  {function.name:<24} {function.handler}  "
                     f"{function.memory_mb} MB, {function.timeout_s} s{queues}")
    lines.append(f"runtime   {package.runtime} on {package.architecture}")
    lines += [f"warning   {warning}" for warning in package.warnings]
    lines.append(f"built in {package.seconds:.1f} s")
    return "\n".join(lines)
