"""MkDocs hook: the pages of the site, taken from the repository as it is, and the navigation.

- ``README.md`` is the home page (``index.md``); ``CONTRIBUTING.md`` is added when it exists.
- Every file under ``methodology/`` keeps its path, so the links between methodology pages work
  unchanged; every decision grid (``methodology/grids/*.toml``) also gets a page showing it.
- The API reference is generated from the public API: ``burdenshare.__all__`` on one page, the
  built-in estimators (read from the registry) on one page per module, and one page per public
  module in ``MODULES``. Adding an estimator therefore needs no change here.

The executed notebooks are added by ``notebooks.py``; this hook only lists them in the navigation.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import griffe
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
METHODOLOGY = ROOT / "methodology"
NOTEBOOKS = ROOT / "notebooks"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"

#: public modules with a page of their own in the API reference (beyond ``burdenshare.__all__``)
MODULES = (
    "burdenshare.registry",
    "burdenshare.testing",
    "burdenshare.labels",
    "burdenshare.indicators",
    "burdenshare.export",
    "burdenshare.charts",
    "burdenshare.app",
    "burdenshare.multiverse",
    "burdenshare.store",
    "burdenshare.fetch",
)


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes, its navigation title and its Markdown."""

    uri: str
    title: str
    markdown: str


def first_sentence(text: str | None) -> str:
    """Return the first sentence of a docstring's first paragraph, without its full stop."""
    paragraph = (text or "").strip().split("\n\n", 1)[0]
    sentence = " ".join(paragraph.split()).split(". ", 1)[0]
    return sentence.rstrip(".")


def methodology_files() -> list[Path]:
    """Return every file under ``methodology/``, ``index.md`` first, then by path."""
    files = [p for p in METHODOLOGY.rglob("*") if p.is_file()]
    return sorted(files, key=lambda p: (p.name != "index.md", p.relative_to(METHODOLOGY).as_posix()))


def methodology_pages() -> list[str]:
    """Return the site paths of the methodology pages (Markdown only)."""
    return [f"methodology/{p.relative_to(METHODOLOGY).as_posix()}"
            for p in methodology_files() if p.suffix == ".md"]


def grid_page(path: Path) -> Page:
    """Return a page that shows a decision grid file and links to it."""
    rel = path.relative_to(METHODOLOGY).with_suffix(".md").as_posix()
    text = path.read_text(encoding="utf-8")
    markdown = (f"# Decision grid `{path.stem}`\n\n"
                f"The file [`{path.name}`]({path.name}) as it ships in `methodology/grids/`; "
                "`burdenshare multiverse` reads it (see [multiverse.md](../multiverse.md)).\n\n"
                f"```toml\n{text}\n```\n")
    return Page(f"methodology/{rel}", path.stem, markdown)


def grid_pages() -> list[Page]:
    """Return one page per decision grid in ``methodology/grids/``."""
    return [grid_page(p) for p in sorted((METHODOLOGY / "grids").glob("*.toml"))]


def notebook_pages() -> list[str]:
    """Return the site paths of the notebook pages that ``notebooks.py`` writes."""
    return [f"notebooks/{p.stem}.md" for p in sorted(NOTEBOOKS.glob("*.ipynb"))]


def builtin_estimators() -> dict[str, list[tuple[str, str]]]:
    """Return the built-in estimators by defining module: ``module -> [(name, class)]``."""
    from burdenshare import registry

    by_module: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, info in registry.available().items():
        if info.builtin:
            module, _, cls = info.target.partition(":")
            by_module[module].append((name, cls))
    return dict(sorted(by_module.items()))


def methodology_link(name: str, depth: int) -> str:
    """Return a link to an estimator's methodology page, or ``-`` when it has none."""
    if not (METHODOLOGY / f"{name}.md").exists():
        return "-"
    return f"[{name}.md]({'../' * depth}methodology/{name}.md)"


def estimator_page(module: str, members: list[tuple[str, str]]) -> Page:
    """Return the API page of one module of built-in estimators."""
    short = module.rsplit(".", 1)[-1]
    summary = first_sentence(importlib.import_module(module).__doc__)
    rows = [f"| `{name}` | [`{cls}`][{module}.{cls}] | {methodology_link(name, 2)} |"
            for name, cls in members]
    blocks = [f"::: {module}.{cls}" for _, cls in members]
    markdown = "\n".join([
        f"# `{short}`", "", f"Module `{module}`: {summary}.", "",
        "| registry name | class | methodology |", "| --- | --- | --- |", *rows, "",
        *[f"{b}\n" for b in blocks],
    ])
    return Page(f"api/estimators/{short}.md", short, markdown)


def estimator_classes() -> set[str]:
    """Return the class names of the built-in estimators."""
    return {cls for members in builtin_estimators().values() for _, cls in members}


def canonical_path(module: ModuleType, name: str) -> str:
    """Return where a public name is defined, e.g. ``burdenshare.compare.compare``."""
    obj = getattr(module, name)
    return f"{obj.__module__}.{obj.__qualname__}"


def static_names(module: ModuleType) -> set[str]:
    """Return the names griffe sees in a module, as mkdocstrings will: no submodules.

    A name loaded on first use (a module ``__getattr__``, with no ``TYPE_CHECKING`` import)
    is not among them, nor is a name shared with a submodule (``burdenshare.compare``, the
    function, and the module): those are rendered where they are defined.
    """
    package = static_package()
    inner = module.__name__.removeprefix("burdenshare").lstrip(".")
    loaded = package[inner] if inner else package
    return {name for name, member in loaded.members.items() if not isinstance(member, griffe.Module)}


@lru_cache(maxsize=1)
def static_package() -> griffe.Module:
    """Return the package as griffe reads it from the source (loaded once: about a second)."""
    loaded = griffe.load("burdenshare", search_paths=[str(ROOT)], resolve_aliases=False)
    assert isinstance(loaded, griffe.Module)
    return loaded


def members_markdown(module: ModuleType, names: list[str]) -> str:
    """Return the mkdocstrings blocks of a module's docstring and of the public ``names``.

    Names griffe sees under the module's path are rendered there; the others at the path
    where they are defined.
    """
    visible = static_names(module)
    hidden = [n for n in names if n not in visible]
    seen = "".join(f"        - {n}\n" for n in names if n not in hidden)
    members = f"      members:\n{seen}" if seen else "      members: false\n"
    blocks = [f"::: {module.__name__}\n    options:\n      show_root_heading: false\n{members}"]
    blocks += [f"::: {canonical_path(module, n)}\n" for n in hidden]
    return "\n".join(blocks)


def top_level_page() -> Page:
    """Return the page of ``burdenshare.__all__`` less the estimators (on their own pages)."""
    import burdenshare

    skip = estimator_classes()
    names = [n for n in burdenshare.__all__ if n not in skip]
    markdown = (
        "# `burdenshare`\n\n"
        "The public API is exactly `burdenshare.__all__`: the names below, and the built-in "
        "estimators, documented by module under [Estimators](index.md#estimators).\n\n"
        + members_markdown(burdenshare, names)
    )
    return Page("api/burdenshare.md", "burdenshare", markdown)


def module_page(name: str) -> Page:
    """Return the API page of one public module: its docstring and everything in ``__all__``."""
    module = importlib.import_module(name)
    short = name.rsplit(".", 1)[-1]
    markdown = f"# `{name}`\n\n" + members_markdown(module, list(module.__all__))
    return Page(f"api/{short}.md", short, markdown)


def api_index(estimators: list[Page], modules: list[Page]) -> Page:
    """Return the overview page of the API reference."""
    est = [f"- [`{p.title}`]({Path(p.uri).relative_to('api').as_posix()})" for p in estimators]
    mods = [f"- [`burdenshare.{p.title}`]({Path(p.uri).relative_to('api').as_posix()})"
            for p in modules]
    markdown = "\n".join([
        "# API reference", "",
        "Generated from the numpydoc docstrings. The formulas, sources, assumptions and "
        "validation of each estimator are on its [methodology page](../methodology/index.md).", "",
        "## Package", "", "- [`burdenshare`](burdenshare.md): everything in `burdenshare.__all__`",
        "", "## Estimators", "", *est, "", "## Modules", "", *mods, "",
    ])
    return Page("api/index.md", "API reference", markdown)


def api_pages() -> list[Page]:
    """Return every page of the API reference, the overview first."""
    estimators = [estimator_page(m, members) for m, members in builtin_estimators().items()]
    modules = [module_page(m) for m in MODULES]
    return [api_index(estimators, modules), top_level_page(), *estimators, *modules]


def nav_entry(page: Page) -> dict[str, str]:
    """Return the navigation entry of a generated page."""
    return {page.title: page.uri}


def api_nav(pages: list[Page]) -> list[Any]:
    """Return the navigation of the API reference."""
    index, top, *rest = pages
    estimators = [nav_entry(p) for p in rest if p.uri.startswith("api/estimators/")]
    modules = [nav_entry(p) for p in rest if not p.uri.startswith("api/estimators/")]
    return [index.uri, nav_entry(top), {"Estimators": estimators}, {"Modules": modules}]


def methodology_nav() -> list[Any]:
    """Return the navigation of the methodology: its pages, then the decision grids."""
    grids = [nav_entry(p) for p in grid_pages()]
    return [*methodology_pages(), {"Decision grids": grids}]


def site_nav() -> list[Any]:
    """Return the whole navigation."""
    nav: list[Any] = [
        {"Home": "index.md"},
        {"Methodology": methodology_nav()},
        {"Notebooks": notebook_pages()},
        {"API reference": api_nav(api_pages())},
    ]
    if CONTRIBUTING.exists():
        nav.append({"Contributing": "CONTRIBUTING.md"})
    return nav


def repository_files(config: MkDocsConfig) -> list[File]:
    """Return the repository files that become pages or assets, under their site paths."""
    files = [File.generated(config, "index.md", abs_src_path=str(ROOT / "README.md"))]
    for path in methodology_files():
        uri = f"methodology/{path.relative_to(METHODOLOGY).as_posix()}"
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    if CONTRIBUTING.exists():
        files.append(File.generated(config, "CONTRIBUTING.md", abs_src_path=str(CONTRIBUTING)))
    return files


def generated_files(config: MkDocsConfig) -> list[File]:
    """Return the pages written here: the decision grids and the API reference."""
    pages = [*grid_pages(), *api_pages()]
    return [File.generated(config, p.uri, content=p.markdown) for p in pages]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Set the navigation from the files that exist now."""
    config.nav = site_nav()
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the repository's pages and the generated API reference to the site."""
    for file in [*repository_files(config), *generated_files(config)]:
        files.append(file)
    return files
