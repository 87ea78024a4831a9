"""Griffe extension: the few reStructuredText forms the docstrings use, read as Markdown.

The docstrings are numpydoc and mostly Markdown-compatible (````code```` is a Markdown code span
too). Three reStructuredText forms are not, and are rewritten before mkdocstrings renders them:

- ``.. math::`` blocks become ``$$ ... $$`` (rendered as MathML by ``mathml.py``);
- ``:math:`x``` becomes ``$x$``;
- cross-reference roles (``:func:`name```, ``:class:`~a.B```, ...) become code spans.

The docstrings in ``burdenshare/`` are not changed; only the copy griffe hands to the renderer.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

INLINE_MATH = re.compile(r":math:`([^`]+)`")
ROLE = re.compile(r":(?:func|class|meth|attr|mod|exc|data|obj|const|ref):`(~?)([^`]+)`")
MATH_DIRECTIVE = re.compile(r"^(\s*)\.\. math::\s*(.*)$")


def indentation(line: str) -> int:
    """Return the number of leading spaces of a line."""
    return len(line) - len(line.lstrip(" "))


def directive_body(lines: list[str], start: int, indent: int) -> int:
    """Return the index of the first line after the body of the directive at ``start - 1``.

    The body is every following line that is blank or indented deeper than the directive.
    """
    end = start
    while end < len(lines) and (not lines[end].strip() or indentation(lines[end]) > indent):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end


def math_block(indent: str, formula: list[str]) -> list[str]:
    """Return a display-math block, at the indentation of the directive it replaces."""
    body = [f"{indent}{line.strip()}" for line in formula if line.strip()]
    return ["", f"{indent}$$", *body, f"{indent}$$", ""]


def rewrite_math_directives(text: str) -> str:
    """Replace every ``.. math::`` directive by a ``$$`` block."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = MATH_DIRECTIVE.match(lines[i])
        if match is None:
            out.append(lines[i])
            i += 1
            continue
        indent, first = match.groups()
        end = directive_body(lines, i + 1, len(indent))
        out.extend(math_block(indent, [first, *lines[i + 1:end]]))
        i = end
    return "\n".join(out)


def role_as_code(match: re.Match[str]) -> str:
    """Return a cross-reference role as a code span (``~a.b.C`` shows as ``C``, as in Sphinx)."""
    tilde, target = match.groups()
    if tilde:
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def rewrite_roles(text: str) -> str:
    """Replace inline math roles by ``$...$`` and cross-reference roles by code spans."""
    text = INLINE_MATH.sub(r"$\1$", text)
    return ROLE.sub(role_as_code, text)


def to_markdown(text: str) -> str:
    """Return a docstring with its reStructuredText forms rewritten as Markdown."""
    return rewrite_roles(rewrite_math_directives(text))


class RestructuredTextToMarkdown(griffe.Extension):
    """Rewrite the reStructuredText forms of every docstring griffe loads."""

    def on_instance(self, *, node: Any, obj: griffe.Object, agent: Any, **kwargs: Any) -> None:
        """Rewrite the docstring of each object as it is loaded."""
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)
