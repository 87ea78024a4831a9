"""Write results and comparisons to files, each carrying its provenance. Formats only; no
arithmetic happens here.

======== ===================================================================================
suffix   what is written
======== ===================================================================================
.csv     every estimate row (UTF-8, missing = empty field) + ``FILE.provenance.json`` +
         ``FILE.excluded.csv`` (a comment header would break CSV readers)
.parquet every estimate row + the same two sidecars
.xlsx    sheets ``estimates``, ``excluded``, ``metadata`` (title, notes, sources with licences,
         full provenance), ``provenance``, ``sources``, ``assumptions`` (``summary`` for a
         comparison); bold frozen header and filters on every sheet; text cells starting with
         ``= + - @``, tab or CR neutralised, numbers untouched; missing = empty cell
.json    one object: ``estimates``, ``excluded``, ``provenance``, ``assumptions``, …
.md      report table: bold "What | period" line, unit, pipe table, notes, "Source: …" lines
         with licences, provenance JSON in an HTML comment
.tex     booktabs ``table`` float: ``% provenance:`` comment header, caption "What | period",
         escaped text (UTF-8 names kept), notes and sources under the table
.html    self-contained page: great_tables table with title, subtitle (unit) and source notes,
         provenance as a JSON data block; no script, stylesheet or font is fetched
.png     the default chart (:func:`~burdenshare.charts.result_chart` for a result: a ranking,
.svg     or the econometric design's own chart; :func:`~burdenshare.charts.comparison_chart`
         for a comparison) or the one given,
.pdf     with a "Source: …" footer, + ``FILE.provenance.json``
======== ===================================================================================

Report tables (md, tex, html) show one quantity in one year (default: the main quantity and
the latest year); the data formats keep every row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import ExportError
from ..compare import Comparison
from ..results import Result
from ._common import (
    MISSING_TOKEN,
    REPORT_MISSING,
    ReportTable,
    comparison_table,
    meta_comparison,
    meta_result,
    neutralise_formula,
    result_table,
    source_notes,
    sources,
)
from ._text import LATEX_PREAMBLE, md_escape, tex_escape

__all__ = ["write_result", "write_comparison", "write_workbook", "neutralise_formula", "MISSING_TOKEN",
           "REPORT_MISSING", "SUFFIXES", "LATEX_PREAMBLE", "ReportTable", "result_table",
           "comparison_table", "report_table", "gt_table", "md_escape", "tex_escape"]

#: Every suffix the writers accept.
SUFFIXES = (".csv", ".parquet", ".xlsx", ".json", ".md", ".tex", ".html", ".png", ".svg", ".pdf")
_CHARTS = (".png", ".svg", ".pdf")


def _suffix(path: Path) -> str:
    s = path.suffix.lower()
    if s not in SUFFIXES:
        raise ExportError(f"cannot write {path.name}: unsupported suffix {s!r}; use one of "
                          f"{', '.join(SUFFIXES)}")
    return s


def report_table(obj: Result | Comparison, *, quantity: str | None = None,
                 year: int | None = None, top: int | None = None,
                 countries: Sequence[str] | None = None, decimals: int | None = None,
                 title: str | None = None) -> ReportTable:
    """The report table of a result or comparison (what ``.md``, ``.tex`` and ``.html`` print).

    Parameters
    ----------
    obj : Result or Comparison
    quantity, year, top, countries, decimals, title
        See :func:`result_table` and :func:`comparison_table` (``countries`` only for a
        comparison).

    Returns
    -------
    ReportTable
    """
    if isinstance(obj, Comparison):
        return comparison_table(obj, quantity=quantity, year=year, top=top, countries=countries,
                                decimals=decimals, title=title)
    return result_table(obj, quantity=quantity, year=year, top=top, decimals=decimals, title=title)


def gt_table(obj: Result | Comparison, *, quantity: str | None = None, year: int | None = None,
             top: int | None = None, countries: Sequence[str] | None = None,
             decimals: int | None = None, title: str | None = None) -> Any:
    """The styled great_tables view of :func:`report_table` (for notebooks and HTML).

    Parameters
    ----------
    obj : Result or Comparison
    quantity, year, top, countries, decimals, title
        As in :func:`report_table`.

    Returns
    -------
    great_tables.GT
    """
    from ._html import gt_table as _gt

    return _gt(report_table(obj, quantity=quantity, year=year, top=top, countries=countries,
                            decimals=decimals, title=title))


def _write_report(path: Path, suffix: str, table: Callable[[], ReportTable]) -> list[Path]:
    from ._text import latex, markdown, write_text

    t = table()
    if suffix == ".md":
        return write_text(path, markdown(t))
    if suffix == ".tex":
        return write_text(path, latex(t))
    from ._html import html_page

    return write_text(path, html_page(t))


def _write_chart(path: Path, chart: Any, meta: dict[str, Any]) -> list[Path]:
    from ..charts import describe, save_chart
    from ._tabular import write_sidecars

    save_chart(chart, path)
    spec_title = chart.to_dict(validate=False).get("title", {})
    meta = {**meta, "chart": {"title": spec_title.get("text", "") if isinstance(spec_title, dict)
                              else str(spec_title),
                              "description": describe(chart), "font": "Lato"}}
    return [path, *write_sidecars(path, meta, None)]


def write_result(res: Result, path: str | Path, *, quantity: str | None = None,
                 year: int | None = None, top: int | None = None, decimals: int | None = None,
                 title: str | None = None, chart: Any = None) -> list[Path]:
    """Write one result; the format follows the suffix of ``path``.

    Parameters
    ----------
    res : Result
    path : str or Path
        One of :data:`SUFFIXES`.
    quantity : str, optional
        Report tables and charts: the quantity shown (default the main quantity).
    year : int, optional
        Report tables and charts: the year shown (default the latest).
    top : int, optional
        Report tables: the first ``top`` countries (default all); charts: bars (default 20).
    decimals : int, optional
        Report tables: decimals printed (default three significant digits per column).
    title : str, optional
        Report tables and charts: replaces the default "What | period" title.
    chart : altair chart, optional
        ``.png/.svg/.pdf``: the chart to save (default :func:`~burdenshare.charts.result_chart`:
        a ranking of country estimates, or the coefficient, event-study or synthetic-control
        chart of an econometric result).

    Returns
    -------
    list of Path
        Every file written (sidecars included).

    Raises
    ------
    ExportError
        Unsupported suffix, or nothing to show for ``quantity``/``year``.
    """
    p = Path(path)
    s = _suffix(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    meta = meta_result(res)
    if s in (".md", ".tex", ".html"):
        return _write_report(p, s, lambda: result_table(
            res, quantity=quantity, year=year, top=top, decimals=decimals, title=title))
    if s in _CHARTS:
        if chart is None:
            from ..charts import result_chart

            try:
                chart = result_chart(res, year=year, top=top or 20, quantity=quantity, title=title)
            except ValueError as err:
                raise ExportError(f"cannot draw {p.name}: {err}") from err
        return _write_chart(p, chart, meta)
    from . import _tabular as tab

    if s == ".csv":
        return tab.write_csv(p, res.estimates, res.excluded, meta)
    if s == ".parquet":
        return tab.write_parquet(p, res.estimates, res.excluded, meta)
    if s == ".json":
        return tab.write_json(p, res.estimates, res.excluded, meta)
    prov = pd.DataFrame(tab.kv({k: v for k, v in meta.items() if k != "assumptions"}),
                        columns=["field", "value"])
    t_title = title or f"{res.provenance.estimator}: all estimates"
    return tab.write_xlsx(p, {
        "estimates": res.estimates, "excluded": res.excluded,
        "metadata": tab.metadata_sheet(t_title, {"rows": len(res.estimates)}, meta,
                                       [*_assumption_notes(res), *source_notes(res)], sources(res)),
        "provenance": prov,
        "sources": pd.DataFrame([dict(x) for x in res.provenance.sources]),
        "assumptions": pd.DataFrame({"assumption": list(res.assumptions)}),
    })


def write_workbook(path: str | Path, sheets: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write frames as the sheets of one Excel workbook, with the exporters' safety and layout.

    Each sheet gets a bold frozen header, filters and readable column widths; text a
    spreadsheet could run as a formula is neutralised (:func:`neutralise_formula`) and numbers
    are never changed. For tables assembled by an app or a report script (the result and
    comparison writers build their own sheets with this function).

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (its folder is created).
    sheets : Mapping of str to pandas.DataFrame
        Sheet name -> frame, in order.

    Returns
    -------
    list of Path
        The file written.

    Raises
    ------
    ExportError
        The suffix is not ``.xlsx``.
    """
    from . import _tabular as tab

    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise ExportError(f"write_workbook writes .xlsx files, not {p.name!r}")
    p.parent.mkdir(parents=True, exist_ok=True)
    return tab.write_xlsx(p, sheets)


def _assumption_notes(res: Result) -> list[str]:
    return [f"{res.provenance.estimator} assumes: {a}" for a in res.assumptions]


def write_comparison(comp: Comparison, path: str | Path, *, quantity: str | None = None,
                     year: int | None = None, top: int | None = None,
                     countries: Sequence[str] | None = None, decimals: int | None = None,
                     title: str | None = None, chart: Any = None) -> list[Path]:
    """Write a comparison: the long table with a ``method`` column, exclusions and provenance.

    Parameters
    ----------
    comp : Comparison
    path : str or Path
        One of :data:`SUFFIXES`.
    quantity : str, optional
        Report tables: one quantity for every method reporting it (units must agree); default
        each method's main quantity.
    year : int, optional
        Report tables and charts: the year shown (default the latest).
    top : int, optional
        Report tables: the first ``top`` countries by mean rank (default all); charts: 20.
    countries : sequence of str, optional
        Report tables and charts: ISO3 codes to show.
    decimals : int, optional
    title : str, optional
    chart : altair chart, optional
        ``.png/.svg/.pdf``: the chart to save (default
        :func:`~burdenshare.charts.comparison_chart`).

    Returns
    -------
    list of Path
    """
    p = Path(path)
    s = _suffix(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    meta = meta_comparison(comp)
    if s in (".md", ".tex", ".html"):
        return _write_report(p, s, lambda: comparison_table(
            comp, quantity=quantity, year=year, top=top, countries=countries, decimals=decimals,
            title=title))
    if s in _CHARTS:
        if chart is None:
            from ..charts import comparison_chart

            try:
                chart = comparison_chart(comp, year=year, countries=countries, top=top or 20,
                                         title=title)
            except ValueError as err:
                raise ExportError(f"cannot draw {p.name}: {err}") from err
        return _write_chart(p, chart, meta)
    from . import _tabular as tab

    if s == ".csv":
        return tab.write_csv(p, comp.long, comp.excluded, meta)
    if s == ".parquet":
        return tab.write_parquet(p, comp.long, comp.excluded, meta)
    if s == ".json":
        return tab.write_json(p, comp.long, comp.excluded, meta)
    prov_rows = tab.kv({"written_by": meta["written_by"], "data_fingerprint": comp.data_fingerprint,
                        "failures": meta["failures"]})
    for label, r in comp.results.items():
        prov_rows.extend(tab.kv(meta_result(r), f"{label}."))
    notes = [n for r in comp.results.values() for n in _assumption_notes(r)]
    notes += [f"failed: {k}: {v}" for k, v in comp.failures.items()]
    return tab.write_xlsx(p, {
        "estimates": comp.long, "excluded": comp.excluded,
        "metadata": tab.metadata_sheet(title or "burdenshare comparison: all estimates",
                                       {"methods": list(comp.results), "rows": len(comp.long)},
                                       meta, [*notes, *source_notes(comp)], sources(comp)),
        "provenance": pd.DataFrame(prov_rows, columns=["field", "value"]),
        "sources": pd.DataFrame(sources(comp)),
        "summary": comp.summary(),
    })
