r"""MkDocs hook: formulas rendered to MathML at build time, so pages need no script and no CDN.

``pymdownx.arithmatex`` (generic mode) marks every ``$...$`` and ``$$...$$`` of the Markdown as
``<span class="arithmatex">\(...\)</span>`` or ``<div class="arithmatex">\[...\]</div>``;
this hook replaces each with the MathML that ``latex2mathml`` writes, which browsers display
natively (MathML Core). A formula that cannot be converted, or that leaves a LaTeX command
unconverted, fails the build with the page and the formula.
"""

from __future__ import annotations

import html
import re
from typing import Any

from latex2mathml.converter import convert
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

MARKED = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.DOTALL)
DELIMITERS = {"span": (r"\(", r"\)"), "div": (r"\[", r"\]")}
DISPLAY = {"span": "inline", "div": "block"}
#: the text of an ``<mtext>`` element (``\\text{...}``)
MTEXT = re.compile(r"(<mtext[^>]*>)([^<]*)(</mtext>)")
#: a character LaTeX escapes in text mode (``\\_``, ``\\$``, ...), which latex2mathml leaves escaped
TEXT_ESCAPE = re.compile(r"\\([_$%&#{}])")
#: a backslash left as text in the MathML: a LaTeX command the converter did not know
LEFT_OVER = re.compile(r">[^<]*\\[^<]*<")


def latex_of(tag: str, marked: str) -> str:
    """Return the LaTeX inside an arithmatex element, unescaped and without its delimiters."""
    text = html.unescape(marked).strip()
    opening, closing = DELIMITERS[tag]
    if text.startswith(opening) and text.endswith(closing):
        text = text[len(opening):-len(closing)]
    return text.strip()


def unescape_text(mathml: str) -> str:
    r"""Return MathML whose ``<mtext>`` shows ``ci_lower`` for ``\text{ci\_lower}``, as LaTeX does."""

    def unescape(match: re.Match[str]) -> str:
        opening, text, closing = match.groups()
        return opening + TEXT_ESCAPE.sub(r"\1", text) + closing

    return MTEXT.sub(unescape, mathml)


def to_mathml(tag: str, latex: str, where: str) -> str:
    """Return the MathML of one formula; raise ``PluginError`` naming it when that fails."""
    try:
        mathml = unescape_text(convert(latex, display=DISPLAY[tag]))
    except Exception as err:  # latex2mathml raises several types; each is a broken formula here
        raise PluginError(f"{where}: formula {latex!r} cannot be rendered: {err}") from err
    if LEFT_OVER.search(mathml):
        raise PluginError(f"{where}: formula {latex!r} has a command MathML cannot show: {mathml}")
    return mathml


def render(html_text: str, where: str) -> str:
    """Replace every arithmatex element of a page by MathML."""

    def replace(match: re.Match[str]) -> str:
        tag, marked = match.groups()
        return to_mathml(tag, latex_of(tag, marked), where)

    return MARKED.sub(replace, html_text)


def on_page_content(content: str, page: Page, **kwargs: Any) -> str:
    """Render the formulas of a page (methodology, docstrings and notebooks alike)."""
    return render(content, page.file.src_uri)
