"""MkDocs hook: a code span that names a repository file shown on the site links to its page.

The docstrings, the README and the notebooks name pages as paths in code spans
(``methodology/refugees_per_1000.md``, ``notebooks/00_quickstart.ipynb``). On the site each such
span becomes a link to the page, whichever page it appears on. Spans already inside a link, and
paths with no page, are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

#: ``<code>path</code>``, and the opening tag of a link just before it, if any
CODE_PATH = re.compile(
    r"(<a\b[^>]*>)?<code>((?:methodology|notebooks)/[\w./-]+|README\.md|CONTRIBUTING\.md)</code>")
#: repository path -> site path, where the two differ
RENAMED = {"README.md": "index.md"}


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


def on_page_content(content: str, page: Page, files: Files, **kwargs: Any) -> str:
    """Link the file paths named in code spans of a page."""
    return link_paths(content, page, files)
