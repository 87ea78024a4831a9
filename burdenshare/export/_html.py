"""Report tables as self-contained HTML through great_tables (no CDN, no web fonts)."""

from __future__ import annotations

import html
from typing import Any

from ._common import REPORT_MISSING, ReportTable, to_json

#: Fonts named in the table CSS: system fonts only, so nothing is fetched.
HTML_FONTS = ["Lato", "Arial", "Helvetica", "sans-serif"]


def gt_table(t: ReportTable) -> Any:
    """The styled ``great_tables.GT``: title, subtitle (unit), numbers, notes and sources.

    Parameters
    ----------
    t : ReportTable

    Returns
    -------
    great_tables.GT
    """
    from great_tables import GT

    g = GT(t.frame).tab_header(title=t.title, subtitle=t.subtitle)
    for c in t.numeric:
        g = g.fmt_number(columns=c, decimals=t.decimals[c], use_seps=True)
    if t.numeric:
        g = g.sub_missing(columns=list(t.numeric), missing_text=REPORT_MISSING)
    for line in (*t.notes, *t.sources):
        g = g.tab_source_note(line)
    return g.opt_table_font(font=HTML_FONTS).opt_align_table_header(align="left")


def html_page(t: ReportTable) -> str:
    """A full UTF-8 HTML page: the GT table and the provenance as a JSON data block."""
    table = gt_table(t).as_raw_html()
    data = to_json(t.meta, indent=1).replace("</", "<\\/")  # cannot close the script element
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(t.title)}</title>\n</head>\n<body>\n{table}\n"
        "<script type=\"application/json\" id=\"burdenshare-provenance\">\n"
        f"{data}\n</script>\n</body>\n</html>\n"
    )
