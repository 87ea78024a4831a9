"""MkDocs hook: links between the repository's files, as they read on the site.

- A code span that names a file shown on the site links to its page. The docstrings, the README
  and the notebooks name pages as paths in code spans (``methodology/refugees_per_1000.md``,
  ``notebooks/00_quickstart.ipynb``); on the site each becomes a link to the page. Spans already
  inside a link, and paths with no page, are left as they are.
- A Markdown link to a repository file that is not on the site (``[base](../burdenshare/x.py)``)
  becomes its text followed by the path as a code span: it is not broken in the repository, it
  just has no page here. A link to a file that exists nowhere is left for MkDocs to report.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

#: ``<code>path</code>``, and the opening tag of a link just before it, if any
CODE_PATH = re.compile(
    r"(<a\b[^>]*>)?<code>((?:methodology|notebooks)/[\w./-]+|README\.md|CONTRIBUTING\.md)</code>")
#: repository path -> site path, where the two differ
RENAMED = {"README.md": "index.md"}
ROOT = Path(__file__).resolve().parents[2]
#: ``[text](relative/path#anchor)``, not an image, not an address with a scheme
MARKDOWN_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((?![a-z][a-z0-9+.-]*:|#)([^)#\s]+)(#[^)\s]*)?\)")


def site_path(repository_path: str) -> str:
    """Return the site path of a repository file (a notebook becomes its Markdown page)."""
    if repository_path.startswith("notebooks/") and repository_path.endswith(".ipynb"):
        return repository_path.removesuffix(".ipynb") + ".md"
    return RENAMED.get(repository_path, repository_path)


def link_paths(content: str, page: Page, files: Files) -> str:
    """Wrap each code span naming a page of the site in a link to that page."""

    def link(match: re.Match[str]) -> str:
        inside_link, path = match.groups()
        target = files.get_file_from_path(site_path(path))
        if inside_link or target is None:
            return match.group(0)
        href = get_relative_url(target.url, page.url)
        return f'<a href="{href}"><code>{path}</code></a>'

    return CODE_PATH.sub(link, content)


def repository_path(page: Page, target: str) -> str:
    """Return the repository path a relative link of a page points to."""
    folder = posixpath.dirname(page.file.src_uri)
    return posixpath.normpath(posixpath.join(folder, target))


def unlink_outside_site(markdown: str, page: Page, files: Files) -> str:
    """Replace links to repository files that have no page by their text and path."""

    def unlink(match: re.Match[str]) -> str:
        text, target, _anchor = match.groups()
        path = repository_path(page, target)
        outside = path.startswith("..") or not (ROOT / path).is_file()
        if outside or files.get_file_from_path(path) is not None:
            return match.group(0)
        return f"{text} (`{path}`)"

    return MARKDOWN_LINK.sub(unlink, markdown)


def on_page_markdown(markdown: str, page: Page, files: Files, **kwargs: Any) -> str:
    """Turn links to repository files without a page into plain text and a path."""
    return unlink_outside_site(markdown, page, files)


def on_page_content(content: str, page: Page, files: Files, **kwargs: Any) -> str:
    """Link the file paths named in code spans of a page."""
    return link_paths(content, page, files)
