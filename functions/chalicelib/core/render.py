"""One renderer for every page and email: Jinja2 with autoescape on, templates from templates/.

In the deployment bundle the templates sit in chalicelib/templates (copied at package time)
next to chalicelib/compiled_templates, the same templates compiled to Python modules at package
time: a cold function then imports the one module a route renders (and those it extends or
includes) instead of lexing, parsing and compiling the sources at its first response. Where no
compiled templates are present (a checkout, the local stack, tests) the sources are read from
the repository's templates/ folder. Jinja2 is imported on first use so that routes which render
nothing do not pay for it at cold start.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from jinja2 import BaseLoader, Environment

_HERE = Path(__file__).resolve().parent
COMPILED_DIR_NAME = "compiled_templates"


def templates_dir() -> Path:
    override = os.environ.get("TEMPLATES_DIR")
    if override:
        return Path(override)
    bundled = _HERE.parent / "templates"
    if bundled.is_dir():
        return bundled
    return _HERE.parents[2] / "templates"


def compiled_templates_dir() -> Path | None:
    """Where the package step put the compiled templates, or None to read the sources."""
    override = os.environ.get("COMPILED_TEMPLATES_DIR")
    if override:
        return Path(override)
    bundled = _HERE.parent / COMPILED_DIR_NAME
    return bundled if bundled.is_dir() else None


def _local_time(value: str, zone: str, fmt: str = "%A %-d %B %Y, %H:%M") -> str:
    """Show a stored UTC time in the event's time zone."""
    from datetime import datetime

    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(zone))
    return moment.strftime(fmt) + " " + (moment.tzname() or "")


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import FileSystemLoader, ModuleLoader

    compiled = compiled_templates_dir()
    return _environment(ModuleLoader(str(compiled)) if compiled is not None
                        else FileSystemLoader(str(templates_dir())))


def _environment(loader: BaseLoader) -> Environment:
    # Compiling bakes in autoescape and whitespace handling: the compiled modules and the
    # sources must be read by environments built here alike.
    from jinja2 import Environment, StrictUndefined, select_autoescape

    from chalicelib.core.text import display_title

    class OptionalUndefined(StrictUndefined):
        """An optional field left out is no attribute at all: `{% if item.field %}` is false,
        while printing or looping over a missing field is still an error."""

        __slots__ = ()

        def __bool__(self) -> bool:  # type: ignore[override]
            return False

    env = Environment(
        loader=loader,
        # Plain-text emails (.txt) are not HTML-escaped; everything else is.
        autoescape=select_autoescape(
            enabled_extensions=("html", "xml"),
            disabled_extensions=("txt", "ics"),
            default=True,
            default_for_string=True,
        ),
        undefined=OptionalUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local_time"] = _local_time
    env.filters["display_title"] = display_title
    return env


def render(template: str, **context: Any) -> str:
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    context.setdefault("base_url", settings.public_base_url)
    return environment().get_template(template).render(**context)


def compile_templates(source: Path, target: Path) -> list[str]:
    """Compile every template under `source` into modules in `target` (emptied first), as the
    package step does for the bundle; return the template names. A template that does not
    compile raises."""
    import shutil

    from jinja2 import FileSystemLoader

    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    env = _environment(FileSystemLoader(str(source)))
    names = sorted(env.list_templates())
    env.compile_templates(str(target), zip=None, ignore_errors=False)
    return names


def stale_compiled_templates(source: Path, compiled: Path) -> list[str]:
    """What differs between `compiled` and the templates under `source` compiled now: a template
    missing, out of date, or compiled from a template that is gone. Empty when in step."""
    import tempfile

    with tempfile.TemporaryDirectory() as fresh_dir:
        fresh = Path(fresh_dir)
        names = compile_templates(source, fresh)
        problems = []
        for name in names:
            module = module_filename(name)
            if not (compiled / module).is_file():
                problems.append(f"{name} is not compiled")
            elif (compiled / module).read_bytes() != (fresh / module).read_bytes():
                problems.append(f"{name} was compiled from another version of it")
        expected = {module_filename(name) for name in names}
        problems += [f"{path.name} has no template" for path in sorted(compiled.glob("*.py"))
                     if path.name not in expected]
    return problems


def module_filename(name: str) -> str:
    """The file a template compiles to (Jinja2's ModuleLoader finds it by this name)."""
    from jinja2 import ModuleLoader

    return ModuleLoader.get_module_filename(name)
