"""MkDocs hook: a link check of the built HTML, after MkDocs' own checks of the Markdown.

MkDocs (strict, with ``validation`` in ``mkdocs.yml``) checks the links written in Markdown. It
does not see links inside raw HTML (notebook outputs) or in the HTML mkdocstrings writes, nor
does it know whether a page loads anything from the internet. After the build this hook reads
every HTML file of the site and fails the build when:

- a relative link or ``src`` points to a file that is not in the site;
- a link's ``#anchor`` is not an ``id`` of the page it points to;
- a script, style sheet, image, font or frame would be loaded from another host at view time.

Links to other sites (``<a href="https://...">``, citations) are allowed and not followed: the
build stays offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

#: attributes that load something when the page is viewed
LOADING = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
           ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"),
           ("object", "data"), ("image", "href")}
#: attributes that only link
LINKING = {("a", "href")}
#: schemes that are neither a file of the site nor a request to another host
IGNORED_SCHEMES = {"mailto", "data", "javascript", "tel"}
#: the page served for a missing address
NOT_FOUND_PAGE = "404.html"
#: ``<link rel=...>`` values that name the page's address rather than load anything
NOT_LOADED_RELS = {"canonical", "alternate", "prev", "next", "author", "license", "help"}


@dataclass
class Reference:
    """One ``href`` or ``src`` of a page: the tag, the attribute and the address."""

    tag: str
    attribute: str
    url: str


class PageLinks(HTMLParser):
    """The ``id`` attributes and the references of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[Reference] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the ``id`` and the addresses of one start tag."""
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if "name" in values and tag == "a":
            self.ids.add(values["name"])
        if tag == "link" and values.get("rel", "") in NOT_LOADED_RELS:
            return
        for attribute in ("href", "src", "data"):
            if attribute in values and ((tag, attribute) in LOADING | LINKING):
                self.references.append(Reference(tag, attribute, values[attribute]))


def parse(path: Path) -> PageLinks:
    """Return the ids and references of one HTML file."""
    page = PageLinks()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def target_file(page: Path, path: str) -> Path:
    """Return the file a relative address of ``page`` names (a directory means its index)."""
    target = (page.parent / unquote(path)).resolve() if path else page
    if target.is_dir() or path.endswith("/"):
        target = target / "index.html"
    return target


def reference_problem(page: Path, ref: Reference, site: Path, pages: dict[Path, PageLinks]) -> str | None:
    """Describe what is wrong with one reference of ``page``, or return ``None``."""
    parts = urlsplit(ref.url)
    if parts.scheme in IGNORED_SCHEMES:
        return None
    if parts.scheme or parts.netloc:
        if (ref.tag, ref.attribute) in LOADING:
            return f"<{ref.tag} {ref.attribute}={ref.url!r}> loads from another host at view time"
        return None
    target = target_file(page, parts.path)
    if not target.is_file() or site.resolve() not in target.parents:
        return f"<{ref.tag} {ref.attribute}={ref.url!r}>: no such file in the site"
    if parts.fragment and target.suffix == ".html":
        ids = pages[target].ids if target in pages else parse(target).ids
        if unquote(parts.fragment) not in ids:
            return f"<{ref.tag} {ref.attribute}={ref.url!r}>: no anchor #{parts.fragment} there"
    return None


def site_problems(site: Path) -> list[str]:
    """Return every link problem of the HTML files of a built site.

    ``404.html`` is a target but is not checked itself: it is served at any address, so its
    links are absolute from the site root.
    """
    pages = {p.resolve(): parse(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for path, links in pages.items():
        if path.name == NOT_FOUND_PAGE and path.parent == site.resolve():
            continue
        for ref in links.references:
            problem = reference_problem(path, ref, site, pages)
            if problem is not None:
                problems.append(f"{path.relative_to(site.resolve())}: {problem}")
    return problems


def on_post_build(config: MkDocsConfig, **kwargs: Any) -> None:
    """Fail the build when the built HTML has a broken link or loads anything from the web."""
    problems = site_problems(Path(config.site_dir))
    if problems:
        shown = "\n".join(problems[:50])
        raise PluginError(f"{len(problems)} link problem(s) in the built site:\n{shown}")
