"""Write results and comparisons to files, each carrying its provenance. Formats only; no
arithmetic happens here.

======== ===================================================================================
suffix   what is written
======== ===================================================================================
.csv     every estimate row (UTF-8, missing = empty field, formula-like text neutralised as in
         .xlsx) + ``FILE.provenance.json`` + ``FILE.excluded.csv`` (a comment header would
         break CSV readers)
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
the latest year); the data formats keep every row. :func:`write` dispatches on the object's
type (result, comparison, multiverse, chart, frames); every output and its sidecars land
together or not at all, and a file-system problem is an :class:`OutputError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import ExportError, OutputError
from .._version import __version__
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
from ._files import land
from ._text import LATEX_PREAMBLE, md_escape, tex_escape

__all__ = ["write", "write_result", "write_comparison", "write_workbook", "neutralise_formula",
           "OutputError", "MISSING_TOKEN",
           "REPORT_MISSING", "SUFFIXES", "LATEX_PREAMBLE", "ReportTable", "result_table",
           "comparison_table", "report_table", "gt_table", "md_escape", "tex_escape"]

#: Every suffix the writers accept.
SUFFIXES = (".csv", ".parquet", ".xlsx", ".json", ".md", ".tex", ".html", ".png", ".svg", ".pdf")
_CHARTS = (".png", ".svg", ".pdf")
_REPORTS = (".md", ".tex", ".html")


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


@dataclass(frozen=True)
class _View:
    """What a report table or chart shows, and whether formula-like text is kept."""

    quantity: str | None = None
    year: int | None = None
    top: int | None = None
    countries: Sequence[str] | None = None
    decimals: int | None = None
    title: str | None = None
    chart: Any = None
    keep_formulas: bool = False


def _write_report(path: Path, suffix: str, table: ReportTable) -> list[Path]:
    from ._text import latex, markdown, write_text

    if suffix == ".md":
        return write_text(path, markdown(table))
    if suffix == ".tex":
        return write_text(path, latex(table))
    from ._html import html_page

    return write_text(path, html_page(table))


def _write_chart(path: Path, chart: Any, meta: dict[str, Any]) -> list[Path]:
    from ..charts import describe, save_chart
    from ._tabular import write_sidecars

    save_chart(chart, path)
    spec_title = chart.to_dict(validate=False).get("title", {})
    meta = {**meta, "chart": {"title": spec_title.get("text", "") if isinstance(spec_title, dict)
                              else str(spec_title),
                              "description": describe(chart), "font": "Lato"}}
    return [path, *write_sidecars(path, meta, None)]


def _default_chart(obj: Result | Comparison, path: Path, view: _View) -> Any:
    """The chart to save: the one given, else the default chart of ``obj``."""
    if view.chart is not None:
        return view.chart
    from ..charts import comparison_chart, result_chart

    try:
        if isinstance(obj, Comparison):
            return comparison_chart(obj, year=view.year, countries=view.countries,
                                    top=view.top or 20, title=view.title)
        return result_chart(obj, year=view.year, top=view.top or 20, quantity=view.quantity,
                            title=view.title)
    except ValueError as err:
        raise ExportError(f"cannot draw {path.name}: {err}") from err


def _result_sheets(res: Result, meta: dict[str, Any], view: _View) -> dict[str, pd.DataFrame]:
    from . import _tabular as tab

    prov = pd.DataFrame(tab.kv({k: v for k, v in meta.items() if k != "assumptions"}),
                        columns=["field", "value"])
    title = view.title or f"{res.provenance.estimator}: all estimates"
    notes = [*_assumption_notes(res), *source_notes(res)]
    return {
        "estimates": res.estimates, "excluded": res.excluded,
        "metadata": tab.metadata_sheet(title, {"rows": len(res.estimates)}, meta, notes,
                                       sources(res), keep_formulas=view.keep_formulas),
        "provenance": prov,
        "sources": pd.DataFrame([dict(x) for x in res.provenance.sources]),
        "assumptions": pd.DataFrame({"assumption": list(res.assumptions)}),
    }


def _comparison_sheets(comp: Comparison, meta: dict[str, Any],
                       view: _View) -> dict[str, pd.DataFrame]:
    from . import _tabular as tab

    prov_rows = tab.kv({"written_by": meta["written_by"], "data_fingerprint": comp.data_fingerprint,
                        "failures": meta["failures"]})
    for label, r in comp.results.items():
        prov_rows.extend(tab.kv(meta_result(r), f"{label}."))
    notes = [n for r in comp.results.values() for n in _assumption_notes(r)]
    notes += [f"failed: {k}: {v}" for k, v in comp.failures.items()]
    title = view.title or "burdenshare comparison: all estimates"
    table_meta = {"methods": list(comp.results), "rows": len(comp.long)}
    return {
        "estimates": comp.long, "excluded": comp.excluded,
        "metadata": tab.metadata_sheet(title, table_meta, meta, [*notes, *source_notes(comp)],
                                       sources(comp), keep_formulas=view.keep_formulas),
        "provenance": pd.DataFrame(prov_rows, columns=["field", "value"]),
        "sources": pd.DataFrame(sources(comp)),
        "summary": comp.summary(),
    }


def _rows_producer(obj: Result | Comparison, suffix: str, meta: dict[str, Any],
                   view: _View) -> Callable[[Path], list[Path]]:
    """The writer of a data format (every row): ``.csv``, ``.parquet``, ``.json`` or ``.xlsx``."""
    from . import _tabular as tab

    keep = view.keep_formulas
    if suffix == ".xlsx":
        sheets = (_comparison_sheets(obj, meta, view) if isinstance(obj, Comparison)
                  else _result_sheets(obj, meta, view))
        return lambda q: tab.write_xlsx(q, sheets, keep_formulas=keep)
    long = obj.long if isinstance(obj, Comparison) else obj.estimates
    if suffix == ".csv":
        return lambda q: tab.write_csv(q, long, obj.excluded, meta, keep_formulas=keep)
    if suffix == ".parquet":
        return lambda q: tab.write_parquet(q, long, obj.excluded, meta, keep_formulas=keep)
    return lambda q: tab.write_json(q, long, obj.excluded, meta)


def _estimates_files(obj: Result | Comparison, path: Path, view: _View) -> list[Path]:
    """Write a result or comparison in the format of ``path``'s suffix, through staging."""
    s = _suffix(path)
    meta = meta_comparison(obj) if isinstance(obj, Comparison) else meta_result(obj)
    produce: Callable[[Path], list[Path]]
    if s in _REPORTS:
        table = report_table(obj, quantity=view.quantity, year=view.year, top=view.top,
                             countries=view.countries, decimals=view.decimals, title=view.title)
        produce = partial(_write_report, suffix=s, table=table)
    elif s in _CHARTS:
        produce = partial(_write_chart, chart=_default_chart(obj, path, view), meta=meta)
    else:
        produce = _rows_producer(obj, s, meta, view)
    return land(path, produce)


def _frames_files(frames: pd.DataFrame | Mapping[str, pd.DataFrame], path: Path,
                  view: _View) -> list[Path]:
    """Write one frame (``.csv``, ``.parquet``, ``.xlsx``) or named frames (``.xlsx``)."""
    from . import _tabular as tab

    s = path.suffix.lower()
    keep = view.keep_formulas
    if isinstance(frames, pd.DataFrame) and s == ".csv":
        return land(path, lambda q: [tab.csv_file(q, frames, keep_formulas=keep)])
    if isinstance(frames, pd.DataFrame) and s == ".parquet":
        return land(path, lambda q: [_parquet_file(q, frames)])
    if s != ".xlsx":
        raise ExportError(f"cannot write {path.name}: frames are written as .xlsx (or one frame "
                          "as .csv or .parquet)")
    sheets = {"data": frames} if isinstance(frames, pd.DataFrame) else dict(frames)
    return land(path, lambda q: tab.write_xlsx(q, sheets, keep_formulas=keep))


def _parquet_file(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_parquet(path, index=False)
    return path


def _chart_files(chart: Any, path: Path) -> list[Path]:
    """Save a chart given alone, with a provenance sidecar naming the writer."""
    if path.suffix.lower() not in _CHARTS:
        raise ExportError(f"cannot write {path.name}: a chart is written as "
                          f"{', '.join(_CHARTS)}")
    meta = {"written_by": f"burdenshare {__version__}"}
    return land(path, partial(_write_chart, chart=chart, meta=meta))


def _is_chart(obj: Any) -> bool:
    """Whether ``obj`` is an Altair chart (without importing altair)."""
    return type(obj).__module__.startswith("altair") and hasattr(obj, "to_dict")


def write(obj: Any, path: str | Path, *, quantity: str | None = None, year: int | None = None,
          top: int | None = None, countries: Sequence[str] | None = None,
          decimals: int | None = None, title: str | None = None, chart: Any = None,
          keep_formulas: bool = False) -> list[Path]:
    """Write ``obj`` to ``path``: the object's type and the path's suffix pick the format.

    Every output and its sidecars are written to a staging folder inside the target folder and
    renamed into place only when all of them were written: they land together or not at all.

    ================== ===================================================================
    ``obj``            suffixes
    ================== ===================================================================
    Result             any of :data:`SUFFIXES` (see the table at the top of this module)
    Comparison         any of :data:`SUFFIXES`
    Multiverse         ``.csv`` (with sidecars) or the ``.parquet`` folder it was streamed
                       to (adds the attribution and rank tables)
    Altair chart       ``.png``, ``.svg``, ``.pdf`` (+ ``FILE.provenance.json``)
    DataFrame          ``.csv``, ``.parquet``, ``.xlsx`` (one sheet ``data``)
    mapping of frames  ``.xlsx``: one sheet per frame, in order
    ================== ===================================================================

    Parameters
    ----------
    obj : Result, Comparison, Multiverse, altair chart, DataFrame or mapping of DataFrames
    path : str or Path
    quantity, year, top, countries, decimals, title, chart
        What report tables and charts show (see :func:`write_result` and
        :func:`write_comparison`); for a multiverse, ``top`` is the k of its rank table
        (default 10).
    keep_formulas : bool
        Write text as it is in ``.csv`` and ``.xlsx`` files. By default text cells a
        spreadsheet would run as a formula are neutralised (:func:`neutralise_formula`).

    Returns
    -------
    list of Path
        Every file written (sidecars included).

    Raises
    ------
    ExportError
        Unsupported type or suffix, nothing to show, or a sheet too long for Excel.
    OutputError
        A file-system problem (read-only or missing folder, a parent that is a file, a path
        that is a folder, a full disk); nothing of the output is left.
    """
    p = Path(path)
    view = _View(quantity=quantity, year=year, top=top, countries=countries, decimals=decimals,
                 title=title, chart=chart, keep_formulas=keep_formulas)
    if isinstance(obj, (Result, Comparison)):
        return _estimates_files(obj, p, view)
    if isinstance(obj, (pd.DataFrame, Mapping)):
        return _frames_files(obj, p, view)
    if _is_chart(obj):
        return _chart_files(obj, p)
    from ..multiverse import Multiverse
    from ._multiverse import multiverse_files

    if isinstance(obj, Multiverse):
        return multiverse_files(obj, p, top=top or 10, keep_formulas=keep_formulas)
    raise ExportError(f"cannot write a {type(obj).__name__}: write() takes a Result, Comparison, "
                      "Multiverse, chart, DataFrame or mapping of DataFrames")


def write_result(res: Result, path: str | Path, *, quantity: str | None = None,
                 year: int | None = None, top: int | None = None, decimals: int | None = None,
                 title: str | None = None, chart: Any = None,
                 keep_formulas: bool = False) -> list[Path]:
    """Write one result; the format follows the suffix of ``path`` (:func:`write`).

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
    keep_formulas : bool
        ``.csv``/``.xlsx``: write text as it is (default: neutralise formula-like text).

    Returns
    -------
    list of Path
        Every file written (sidecars included).

    Raises
    ------
    ExportError
        Unsupported suffix, nothing to show for ``quantity``/``year``, or more rows than an
        Excel sheet holds.
    OutputError
        A file-system problem; nothing of the output is left.
    """
    return write(res, path, quantity=quantity, year=year, top=top, decimals=decimals,
                 title=title, chart=chart, keep_formulas=keep_formulas)


def write_workbook(path: str | Path, sheets: Mapping[str, pd.DataFrame], *,
                   keep_formulas: bool = False) -> list[Path]:
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
    keep_formulas : bool
        Write text as it is (default: neutralise formula-like text).

    Returns
    -------
    list of Path
        The file written.

    Raises
    ------
    ExportError
        The suffix is not ``.xlsx``, or a sheet has more rows than Excel holds.
    OutputError
        A file-system problem; nothing is left.
    """
    if Path(path).suffix.lower() != ".xlsx":
        raise ExportError(f"write_workbook writes .xlsx files, not {Path(path).name!r}")
    return write(dict(sheets), path, keep_formulas=keep_formulas)


def _assumption_notes(res: Result) -> list[str]:
    return [f"{res.provenance.estimator} assumes: {a}" for a in res.assumptions]


def write_comparison(comp: Comparison, path: str | Path, *, quantity: str | None = None,
                     year: int | None = None, top: int | None = None,
                     countries: Sequence[str] | None = None, decimals: int | None = None,
                     title: str | None = None, chart: Any = None,
                     keep_formulas: bool = False) -> list[Path]:
    """Write a comparison: the long table with a ``method`` column, exclusions and provenance.

    The format follows the suffix of ``path`` (:func:`write`).

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
    keep_formulas : bool
        ``.csv``/``.xlsx``: write text as it is (default: neutralise formula-like text).

    Returns
    -------
    list of Path

    Raises
    ------
    ExportError
        Unsupported suffix, nothing to show, or more rows than an Excel sheet holds.
    OutputError
        A file-system problem; nothing of the output is left.
    """
    return write(comp, path, quantity=quantity, year=year, top=top, countries=countries,
                 decimals=decimals, title=title, chart=chart, keep_formulas=keep_formulas)
