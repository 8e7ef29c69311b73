"""Templates compiled ahead of time (the package step puts them in the bundle) render exactly as
their sources do, and a compiled template that no longer matches its source is named."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core import render

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """render.render reading `source`, or the modules compiled from it when `compiled` is given."""

    def rendered(source: Path, compiled: Path | None, template: str, **context: Any) -> str:
        monkeypatch.setenv("TEMPLATES_DIR", str(source))
        if compiled is None:
            monkeypatch.delenv("COMPILED_TEMPLATES_DIR", raising=False)
        else:
            monkeypatch.setenv("COMPILED_TEMPLATES_DIR", str(compiled))
        render.environment.cache_clear()
        return render.render(template, **context)

    yield rendered
    render.environment.cache_clear()


def test_a_checkout_reads_the_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMPILED_TEMPLATES_DIR", raising=False)

    assert render.compiled_templates_dir() is None


def test_compiled_templates_render_as_their_sources(tmp_path: Path, renderer: Any) -> None:
    source = tmp_path / "templates"
    (source / "pages").mkdir(parents=True)
    (source / "base.html").write_text("<title>{% block title %}{% endblock %}</title>{% block body %}{% endblock %}\n")
    (source / "pages" / "page.html").write_text(
        '{% extends "base.html" %}{% block title %}{{ event | display_title }}{% endblock %}\n'
        "{% block body %}{% if person.nickname %}{{ person.nickname }}{% else %}{{ person.name }}{% endif %}"
        " {{ at | local_time('Europe/London') }}{% include \"note.txt\" %}{% endblock %}\n")
    (source / "note.txt").write_text("[{{ note }}]\n")
    compiled = tmp_path / "compiled"
    names = render.compile_templates(source, compiled)
    context = {"event": {"title": "Communities <of>\nPractice", "number": 48}, "person": {"name": "Ada <script>"},
               "at": "2030-03-09T10:00:00+00:00", "note": "<b>kept</b>"}

    from_source = renderer(source, None, "pages/page.html", **context)
    shutil.rmtree(source)  # from here on only the compiled modules can answer
    from_compiled = renderer(tmp_path / "gone", compiled, "pages/page.html", **context)

    assert names == ["base.html", "note.txt", "pages/page.html"]
    assert from_compiled == from_source
    assert "Ada &lt;script&gt;" in from_compiled  # autoescaped as .html ...
    assert "Communities &lt;of&gt; Practice" in from_compiled  # ... and one line
    assert "Saturday 9 March 2030, 10:00 GMT" in from_compiled


def test_plain_text_stays_unescaped_when_compiled(tmp_path: Path, renderer: Any) -> None:
    source = tmp_path / "templates"
    source.mkdir()
    (source / "mail.txt").write_text("Hello {{ name }}\n")
    compiled = tmp_path / "compiled"
    render.compile_templates(source, compiled)

    assert renderer(source, compiled, "mail.txt", name="<Ada>") == "Hello <Ada>"


def test_the_error_page_renders_the_same_compiled(tmp_path: Path, renderer: Any) -> None:
    compiled = tmp_path / "compiled"
    render.compile_templates(TEMPLATES, compiled)
    context = {"code": 404, "errors": {"_": "No <such> page."}}

    assert (renderer(TEMPLATES, compiled, "pages/error.html", **context)
            == renderer(TEMPLATES, None, "pages/error.html", **context))


def test_every_template_compiles_in_step_and_a_stale_one_is_named(tmp_path: Path) -> None:
    source = tmp_path / "templates"
    shutil.copytree(TEMPLATES, source)
    compiled = tmp_path / "compiled"
    names = render.compile_templates(source, compiled)
    assert render.stale_compiled_templates(source, compiled) == []
    assert len(names) == len([path for path in TEMPLATES.rglob("*") if path.is_file()])

    event_page = source / "pages" / "event.html"
    event_page.write_text(event_page.read_text().replace("· CofEe Club", "· The Club"))
    (source / "pages" / "brand_new.html").write_text("<p>{{ title }}</p>\n")
    (source / "pages" / "events.html").unlink()

    assert render.stale_compiled_templates(source, compiled) == [
        "pages/brand_new.html is not compiled",
        "pages/event.html was compiled from another version of it",
        f"{render.module_filename('pages/events.html')} has no template",
    ]


def test_a_template_that_does_not_compile_fails_the_compile(tmp_path: Path) -> None:
    source = tmp_path / "templates"
    source.mkdir()
    (source / "broken.html").write_text("{% if %}\n")

    with pytest.raises(Exception, match="Expected an expression"):
        render.compile_templates(source, tmp_path / "compiled")
