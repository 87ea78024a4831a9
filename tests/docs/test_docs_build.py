"""The documentation site (``mkdocs.yml``, ``docs/hooks``) builds in strict mode, offline.

The build test runs the whole build in this process, so the suite's network guard
(``tests/conftest.py``) is in force: MkDocs, its plugins and the hooks cannot fetch anything (the
notebook kernels are separate processes; their outputs are checked for CDN addresses, and the
built HTML for anything loaded from another host). The other tests check the hooks' own rules on
small inputs, without building.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / "docs" / "hooks"

pytestmark = pytest.mark.docs


def hook(name: str) -> ModuleType:
    """Import one hook script of ``docs/hooks`` by its path (they are not a package)."""
    spec = importlib.util.spec_from_file_location(f"_docs_hook_{name}", HOOKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def build_site(site_dir: Path) -> None:
    """Build the site as ``make docs`` does (strict), into ``site_dir``."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"), strict=True, site_dir=str(site_dir))
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def expected_pages() -> list[str]:
    """Return the site address of every page that must exist, from the repository's files."""
    pages = hook("pages")
    sources = [*pages.methodology_pages(), *pages.notebook_pages(),
               *(p.uri for p in pages.grid_pages()), *(p.uri for p in pages.api_pages())]
    if pages.CONTRIBUTING.exists():
        sources.append("CONTRIBUTING.md")
    return ["index.html", *(s.removesuffix(".md") + ".html" for s in sources)]


@pytest.mark.slow
def test_site_builds_strict_offline_with_every_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(site)
    missing = [p for p in expected_pages() if not (site / p).is_file()]
    assert not missing, f"pages missing from the built site: {missing}"


def test_every_methodology_page_is_in_the_navigation() -> None:
    nav = repr(hook("pages").site_nav())
    on_disk = [p.relative_to(ROOT).as_posix() for p in (ROOT / "methodology").rglob("*.md")]
    missing = [p for p in on_disk if repr(p) not in nav]
    assert on_disk and not missing, missing


def test_every_builtin_estimator_has_an_api_page() -> None:
    from burdenshare import registry

    text = "\n".join(p.markdown for p in hook("pages").api_pages())
    targets = [i.target.replace(":", ".") for i in registry.available().values() if i.builtin]
    missing = [t for t in targets if f"::: {t}\n" not in text]
    assert not missing, missing


def test_math_directive_becomes_display_math() -> None:
    text = "Notes\n-----\nFor year :math:`t`:\n\n.. math:: s_t = \\frac{a}{b}\n\nSee :func:`~a.b.refresh`."
    out = hook("griffe_rst").to_markdown(text)
    assert out == "Notes\n-----\nFor year $t$:\n\n\n$$\ns_t = \\frac{a}{b}\n$$\n\n\nSee `refresh`."


def test_indented_math_block_keeps_every_line() -> None:
    text = ".. math::\n\n    a = 1, \\quad\n    b = 2\n\nafter"
    out = hook("griffe_rst").to_markdown(text)
    assert out == "\n$$\na = 1, \\quad\nb = 2\n$$\n\n\nafter"


def test_formula_becomes_mathml_with_text_unescaped() -> None:
    html = '<p><span class="arithmatex">\\(\\text{ci\\_lower} &lt; x\\)</span></p>'
    out = hook("mathml").render(html, "page.md")
    assert "<mtext>ci_lower</mtext><mo>&#x0003C;</mo>" in out
    assert "arithmatex" not in out


def test_unknown_latex_command_fails_the_build() -> None:
    from mkdocs.exceptions import PluginError

    html = '<div class="arithmatex">\\[\\unknowncommand{x}\\]</div>'
    with pytest.raises(PluginError, match="page.md"):
        hook("mathml").render(html, "page.md")


def test_link_check_finds_missing_file_anchor_and_remote_script(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">x</h2>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/#here">ok</a> <a href="a/#gone">anchor</a> <a href="b/">file</a> '
        '<a href="https://example.org/">citation</a> <script src="https://cdn.example/x.js"></script>',
        encoding="utf-8")
    problems = hook("linkcheck").site_problems(tmp_path)
    assert len(problems) == 3, problems
    assert any("#gone" in p for p in problems)
    assert any("b/" in p for p in problems)
    assert any("another host" in p for p in problems)


def test_code_span_naming_a_page_links_to_it() -> None:
    target = SimpleNamespace(url="methodology/one_in_n.html")
    files = SimpleNamespace(get_file_from_path={"methodology/one_in_n.md": target}.get)
    page = SimpleNamespace(url="api/estimators/relative_burden.html")
    html = "<p>See <code>methodology/one_in_n.md</code> and <code>methodology/nowhere.md</code>.</p>"
    out = hook("crosslinks").link_paths(html, page, files)
    linked = '<a href="../../methodology/one_in_n.html"><code>methodology/one_in_n.md</code></a>'
    assert out == f"<p>See {linked} and <code>methodology/nowhere.md</code>.</p>"


def test_link_to_a_repository_file_without_a_page_becomes_its_path() -> None:
    files = SimpleNamespace(get_file_from_path={}.get)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="methodology/index.md"))
    markdown = "[the protocol](../burdenshare/registry.py) and [gone](../burdenshare/nowhere.py)"
    out = hook("crosslinks").unlink_outside_site(markdown, page, files)
    assert out == "the protocol (`burdenshare/registry.py`) and [gone](../burdenshare/nowhere.py)"
