"""Report tables as Markdown and LaTeX text (no extra dependency: both are written here)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..presentation import format_fixed
from ._common import REPORT_MISSING, ReportTable, to_json


def _cells(t: ReportTable, row: Any, escape: Callable[[str], str]) -> list[str]:
    """One row's cells: numbers with their column's decimals, text escaped for the format."""
    out = []
    for c in t.frame.columns:
        if c in t.numeric:
            out.append(format_fixed(row[c], t.decimals[c], missing=REPORT_MISSING))
        else:
            out.append(escape(row[c]))
    return out


# ------------------------------------------------------------------------- Markdown
_MD_SPECIAL = re.compile(r"([\\|*_`\[\]<>#$])")


def md_escape(text: str) -> str:
    r"""Escape text for a Markdown table cell (``|``, ``*``, ``_``, backslash, …; no newlines).

    Examples
    --------
    >>> md_escape("a|b_c")
    'a\\|b\\_c'
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")


def markdown(t: ReportTable) -> str:
    """A Markdown document: bold title line, unit line, pipe table, notes, sources, provenance.

    The provenance is an HTML comment holding JSON: invisible when rendered, kept when pasted.
    """
    cols = list(t.frame.columns)
    align = ["---:" if c in t.numeric else ":---" for c in cols]
    lines = [f"**{md_escape(t.title)}**", "", f"*{md_escape(t.subtitle)}*", "",
             "| " + " | ".join(md_escape(c) for c in cols) + " |",
             "| " + " | ".join(align) + " |"]
    for _, row in t.frame.iterrows():
        cells = _cells(t, row, md_escape)
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines += [md_escape(n) + "  " for n in t.notes]
    lines += [md_escape(s) + "  " for s in t.sources]
    # "-->" would end the comment early; \u003e is JSON for ">", so the JSON is unchanged
    block = to_json(t.meta, indent=1).replace("-->", "--\\u003e")
    lines += ["", "<!-- burdenshare provenance", block, "-->", ""]
    return "\n".join(lines)


# -------------------------------------------------------------------------- LaTeX
_TEX = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}",
}
_TEX_RE = re.compile("|".join(re.escape(k) for k in _TEX))

#: Preamble lines a document needs for the tables written by :func:`latex`.
LATEX_PREAMBLE = (
    r"\usepackage{booktabs}",
    r"\usepackage[T1]{fontenc}  % pdfLaTeX; with XeLaTeX/LuaLaTeX use \usepackage{fontspec}",
    r"% UTF-8 input (Côte d'Ivoire, Türkiye) is the default since LaTeX 2018;",
    r"% before that: \usepackage[utf8]{inputenc}",
)


def tex_escape(text: str) -> str:
    r"""Escape LaTeX special characters; UTF-8 letters (Côte d'Ivoire, Türkiye) are kept.

    Examples
    --------
    >>> tex_escape("R&D 50% a_b #1 $x {y} ~z ^w \\")
    'R\\&D 50\\% a\\_b \\#1 \\$x \\{y\\} \\textasciitilde{}z \\textasciicircum{}w \\textbackslash{}'
    """
    return _TEX_RE.sub(lambda m: _TEX[m.group(0)], str(text)).replace("\n", " ")


def _label(title: str) -> str:
    return "tab:" + (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "burdenshare")


def latex(t: ReportTable) -> str:
    """A booktabs ``table`` float: ``% provenance:`` comment header, caption, notes, sources."""
    cols = list(t.frame.columns)
    spec = "".join("r" if c in t.numeric else "l" for c in cols)
    head = ["% Written by burdenshare. Needs in the preamble:"]
    head += ["%   " + p for p in LATEX_PREAMBLE]
    head += ["% provenance:"] + ["% " + ln for ln in to_json(t.meta, indent=1).splitlines()]
    body = [r"\begin{table}[htbp]", r"\centering", rf"\caption{{{tex_escape(t.title)}}}",
            rf"\label{{{_label(t.title)}}}", rf"\begin{{tabular}}{{{spec}}}", r"\toprule",
            " & ".join(tex_escape(c) for c in cols) + r" \\", r"\midrule"]
    for _, row in t.frame.iterrows():
        cells = _cells(t, row, tex_escape)
        body.append(" & ".join(cells) + r" \\")
    body += [r"\bottomrule", r"\end{tabular}", r"\par\smallskip", r"\begin{minipage}{\linewidth}",
             r"\footnotesize"]
    body += [tex_escape(x) + r"\par" for x in (t.subtitle, *t.notes, *t.sources)]
    body += [r"\end{minipage}", r"\end{table}", ""]
    return "\n".join(head + body)


def write_text(path: Path, text: str) -> list[Path]:
    """Write UTF-8 text with Unix line ends."""
    path.write_text(text, encoding="utf-8", newline="\n")
    return [path]
