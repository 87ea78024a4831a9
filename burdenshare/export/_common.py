"""What every format shares: metadata (provenance) dicts, cleaning for JSON, and the report
table (the view that Markdown, LaTeX and HTML print).

Labels, number formats and source notes come from :mod:`burdenshare.presentation`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd

from .._errors import ExportError
from .._version import __version__
from ..compare import Comparison
from ..presentation import (
    country_name_or_code,
    decimals_for,
    quantity_label,
    report_source_notes,
)
from ..presentation import sources as sources
from ..results import Result

#: How a missing value is written in CSV files (an empty field; pandas and R read it as NA).
MISSING_TOKEN = ""
#: How a missing value is printed in report tables (Markdown, LaTeX, HTML).
REPORT_MISSING = "n/a"
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    r"""Prefix a text cell that a spreadsheet would run as a formula with an apostrophe.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is neutralised
    (OWASP "CSV injection"); numbers, including negative numbers, are returned unchanged.

    Parameters
    ----------
    value : object

    Returns
    -------
    object

    Examples
    --------
    >>> neutralise_formula('=HYPERLINK("http://x")')
    '\'=HYPERLINK("http://x")'
    >>> neutralise_formula(-2.5)
    -2.5
    """
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def clean(obj: Any) -> Any:
    """Return ``obj`` made JSON-serialisable (NaN/inf/NA -> None, numpy scalars -> Python)."""
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, Mapping):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if obj is pd.NA or obj is None:
        return None
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        try:
            return clean(obj.item())
        except (ValueError, AttributeError):
            return str(obj)
    return obj


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts."""
    return [clean(r) for r in df.astype(object).where(df.notna(), None).to_dict("records")]


def to_json(obj: Any, indent: int | None = 1) -> str:
    """JSON text of ``obj`` after :func:`clean` (keys sorted for stable diffs)."""
    return json.dumps(clean(obj), indent=indent, sort_keys=True, default=str, ensure_ascii=False)


def meta_result(res: Result) -> dict[str, Any]:
    """Everything a file needs to say where a result came from."""
    return {
        "written_by": f"burdenshare {__version__}",
        "missing_value_token_csv": MISSING_TOKEN,
        "uncertainty_method": res.uncertainty_method,
        "provenance": res.provenance.to_dict(),
        "assumptions": list(res.assumptions),
        "diagnostics": clean(dict(res.diagnostics)),
    }


def meta_comparison(comp: Comparison) -> dict[str, Any]:
    """Provenance of a comparison: the data fingerprint, failures and every method's meta."""
    return {
        "written_by": f"burdenshare {__version__}",
        "missing_value_token_csv": MISSING_TOKEN,
        "data_fingerprint": comp.data_fingerprint,
        "failures": dict(comp.failures),
        "methods": {label: meta_result(r) for label, r in comp.results.items()},
    }


def source_notes(obj: Result | Comparison) -> list[str]:
    """The source notes every file carries (:func:`burdenshare.presentation.report_source_notes`)."""
    return report_source_notes(obj)


# ----------------------------------------------------------------------- report table
@dataclass(frozen=True)
class ReportTable:
    """The table that Markdown, LaTeX and HTML print: display columns plus their metadata.

    Attributes
    ----------
    frame : pandas.DataFrame
        Text columns (``Country``, ``ISO3``, maybe ``Term``) then numeric columns.
    numeric : tuple of str
        The numeric columns, in order.
    decimals : Mapping[str, int]
        Decimals printed per numeric column.
    title, subtitle : str
        ``"What | period"`` and the unit line.
    notes : tuple of str
        Notes under the table (exclusions, intervals, ordering, rounding).
    sources : tuple of str
        Source lines (with licences) and the provenance line.
    meta : Mapping
        The full provenance (as in the JSON sidecars) plus ``table`` (what was selected).
    """

    frame: pd.DataFrame
    numeric: tuple[str, ...]
    decimals: Mapping[str, int]
    title: str
    subtitle: str
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


def _rounding(dec: Mapping[str, int]) -> str:
    """The rounding note, e.g. "Rounded for display: Estimate to 1 decimal."."""
    return "Rounded for display: " + ", ".join(
        f"{c} to {d} decimal{'' if d == 1 else 's'}" for c, d in dec.items()) + "."


def _latest(years: pd.Series, year: int | None, what: str) -> int:
    avail = sorted({int(y) for y in years.dropna()})
    if not avail:
        raise ExportError(f"{what}: nothing to tabulate (no rows with a year)")
    if year is None:
        return avail[-1]
    if int(year) not in avail:
        raise ExportError(f"{what}: year {year} has no rows; years available: "
                          f"{', '.join(map(str, avail[-12:]))}")
    return int(year)


def result_table(res: Result, *, quantity: str | None = None, year: int | None = None,
                 top: int | None = None, decimals: int | None = None,
                 title: str | None = None) -> ReportTable:
    """The report table of one result: every row of one quantity in one year.

    Countries come first, heaviest burden first (``higher_means_more_burden``), then group
    rows (no ISO3; named by their term). Interval columns appear when the result has any.

    Parameters
    ----------
    res : Result
    quantity : str, optional
        Default: the main quantity.
    year : int, optional
        Default: the latest year of that quantity.
    top : int, optional
        Keep only the first ``top`` countries (group rows are always kept).
    decimals : int, optional
        Decimals for every number; default per column (three significant digits of the
        column's median).
    title : str, optional

    Returns
    -------
    ReportTable

    Raises
    ------
    ExportError
        Unknown quantity or year.
    """
    q = quantity or res.main_quantity
    est = res.estimates
    sub = est[est["quantity"] == q]
    if sub.empty:
        raise ExportError(f"the result has no quantity {q!r}; quantities: "
                          f"{sorted(set(est['quantity']))}")
    if sub["year"].isna().all() and sub["iso3"].isna().all():
        return _term_table(res, q, sub, decimals=decimals, title=title)
    y = _latest(sub["year"], year, "result table")
    sub = sub[sub["year"] == y]
    higher = res.higher_means_more_burden
    countries = sub[sub["iso3"].notna()].sort_values(
        ["estimate", "iso3"], ascending=[not higher, True], na_position="last", kind="stable")
    if top is not None:
        countries = countries.head(int(top))
    groups = sub[sub["iso3"].isna()]
    rows = pd.concat([countries, groups])
    frame = pd.DataFrame({
        "Country": [country_name_or_code(c) if isinstance(c, str) else (t if isinstance(t, str) else "")
                    for c, t in zip(rows["iso3"], rows["term"])],
        "ISO3": [c if isinstance(c, str) else "" for c in rows["iso3"]],
    })
    if rows.loc[rows["iso3"].notna(), "term"].notna().any():
        frame["Term"] = [t if isinstance(t, str) else "" for t in rows["term"]]
    frame["Estimate"] = rows["estimate"].to_numpy()
    numeric = ["Estimate"]
    if rows["ci_lower"].notna().any() or rows["ci_upper"].notna().any():
        frame["Lower"] = rows["ci_lower"].to_numpy()
        frame["Upper"] = rows["ci_upper"].to_numpy()
        numeric += ["Lower", "Upper"]
    notes = [f"Countries ordered by burden ({'highest' if higher else 'lowest'} value first)"
             + ("; group rows last" if len(groups) else "") + f"; {REPORT_MISSING} = no estimate."]
    if "Lower" in frame:
        kind = {"scenario_range": "range over scenarios (not a confidence interval)"}.get(
            res.uncertainty_method, f"interval ({res.uncertainty_method})")
        notes.append(f"Lower/Upper: {kind}.")
    return _finish_result_table(res, frame, numeric, rows["unit"], notes, decimals=decimals,
                                title=title or f"{quantity_label(q, res.labels)} | {y}",
                                table_meta={"quantity": q, "year": y, "top": top})


def _finish_result_table(res: Result, frame: pd.DataFrame, numeric: list[str], units: pd.Series,
                         notes: list[str], *, decimals: int | None, title: str,
                         table_meta: Mapping[str, Any]) -> ReportTable:
    """Decimals, unit, the exclusion and rounding notes and the metadata of a result table."""
    dec = {c: (decimals if decimals is not None else decimals_for(frame["Estimate"]))
           for c in numeric}
    unit = ", ".join(sorted(set(units.dropna().astype(str)))) or "no unit recorded"
    notes = list(notes)
    if len(res.excluded):
        notes.append(f"{len(res.excluded):,} input observations were excluded, each with a "
                     "reason (see the excluded table in the CSV/XLSX export).")
    notes.append(_rounding(dec))
    meta = {**meta_result(res), "table": {**table_meta, "decimals": dec,
                                           "missing_text": REPORT_MISSING}}
    return ReportTable(frame=frame.reset_index(drop=True), numeric=tuple(numeric), decimals=dec,
                       title=title, subtitle=f"Unit: {unit}", notes=tuple(notes),
                       sources=tuple(report_source_notes(res)), meta=meta)


def _term_table(res: Result, q: str, sub: pd.DataFrame, *, decimals: int | None,
                title: str | None) -> ReportTable:
    """Report table of a quantity estimated once for the whole data (regression coefficients).

    One row per term, with its standard error and interval.
    """
    d = res.diagnostics
    first = d.get("first_year", d.get("first_panel_year"))
    last = d.get("last_year", d.get("last_panel_year"))
    period = f"{first}-{last}" if first is not None and last is not None else "whole panel"
    frame = pd.DataFrame({"Term": [t if isinstance(t, str) else "" for t in sub["term"]],
                          "Estimate": sub["estimate"].to_numpy()})
    numeric = ["Estimate"]
    for col, name in (("std_error", "Std. error"), ("ci_lower", "Lower"), ("ci_upper", "Upper")):
        if sub[col].notna().any():
            frame[name] = sub[col].to_numpy()
            numeric.append(name)
    notes = [f"One row per term, estimated on the whole panel ({period}); {REPORT_MISSING} = "
             "not estimated."]
    if "Lower" in frame:
        levels = sorted({float(v) for v in sub["ci_level"].dropna()})
        lvl = f"{100 * levels[0]:g} % " if len(levels) == 1 else ""
        notes.append(f"Lower/Upper: {lvl}interval ({res.uncertainty_method}).")
    for key in ("n_obs", "n_entities", "n_clusters", "first_stage_f"):
        if key in d:
            notes.append(f"{key.replace('_', ' ')}: {d[key]}.")
    return _finish_result_table(res, frame, numeric, sub["unit"], notes, decimals=decimals,
                                title=title or f"{quantity_label(q, res.labels)} | {period}",
                                table_meta={"quantity": q, "year": None, "period": period})


def _comparison_countries(comp: Comparison, quantity: str | None, y: int, wide: pd.DataFrame,
                          countries: Sequence[str] | None, top: int | None) -> list[str]:
    """Return the ISO3 codes of the comparison table, by mean rank, filtered and cut."""
    ranks = comp.ranks(quantity)
    order = (cast(pd.DataFrame, ranks.xs(y, level="year")).mean(axis=1).rename("r").reset_index()
             .sort_values(["r", "iso3"]) if not ranks.empty and y in
             ranks.index.get_level_values("year") else pd.DataFrame({"iso3": sorted(wide.index)}))
    codes = [c for c in order["iso3"] if c in wide.index]
    codes += [c for c in sorted(wide.index) if c not in set(codes)]
    if countries is not None:
        keep = {str(c) for c in countries}
        codes = [c for c in codes if c in keep]
    if top is not None:
        codes = codes[: int(top)]
    return codes


def _quantity_title(comp: Comparison, quantity: str) -> str:
    """The display label of ``quantity``, as the first method that writes it declares it."""
    for res in comp.results.values():
        if bool((res.estimates["quantity"] == quantity).any()):
            return quantity_label(quantity, res.labels)
    return quantity_label(quantity)


def comparison_table(comp: Comparison, *, quantity: str | None = None, year: int | None = None,
                     top: int | None = None, countries: Sequence[str] | None = None,
                     decimals: int | None = None, title: str | None = None) -> ReportTable:
    """The report table of a comparison: countries x methods for one year.

    Each method shows its main quantity (header ``method (unit)``) or, with ``quantity``,
    that quantity (:meth:`Comparison.wide`; units must agree). Countries are ordered by mean
    burden rank over the methods (:meth:`Comparison.ranks`), as in the charts.

    Parameters
    ----------
    comp : Comparison
    quantity : str, optional
    year : int, optional
        Default: the latest year with estimates.
    top : int, optional
        Keep the first ``top`` countries.
    countries : sequence of str, optional
        ISO3 codes to keep.
    decimals : int, optional
    title : str, optional

    Returns
    -------
    ReportTable
    """
    if not comp.results:
        raise ExportError("the comparison has no results to tabulate")
    long = comp.long
    main = comp.main_quantities()
    want_q = long["quantity"] == (quantity if quantity else long["method"].map(main))
    sub = long[want_q & long["iso3"].notna() & long["term"].isna()]
    if sub.empty:
        what = f"quantity {quantity!r}" if quantity else "country estimates"
        raise ExportError(f"no method reports {what}")
    if quantity:
        units = sub.groupby("method")["unit"].first()
        if units.nunique() > 1:
            raise ExportError(f"methods report {quantity!r} in different units: "
                              + "; ".join(f"{m}: {u}" for m, u in units.items()))
    y = _latest(sub["year"], year, "comparison table")
    sub = sub[sub["year"] == y]
    wide = sub.pivot_table(index="iso3", columns="method", values="estimate", aggfunc="first")
    methods = [m for m in comp.results if m in wide.columns]
    codes = _comparison_countries(comp, quantity, y, wide, countries, top)
    units = sub.groupby("method")["unit"].first()
    cols = {m: f"{m} ({units[m]})" for m in methods}
    frame = pd.DataFrame({"Country": [country_name_or_code(c) for c in codes], "ISO3": codes})
    for m in methods:
        frame[cols[m]] = wide.loc[codes, m].to_numpy() if codes else []
    numeric = tuple(cols[m] for m in methods)
    dec = {c: (decimals if decimals is not None else decimals_for(frame[c])) for c in numeric}
    what = _quantity_title(comp, quantity) if quantity else "Burden by method"
    notes = [
        "Each column is one method's " + (f"{quantity!r}" if quantity else "main quantity")
        + ", in the unit in its header; countries ordered by mean burden rank over the "
        f"methods; {REPORT_MISSING} = no estimate.",
        _rounding(dec),
    ]
    missing_methods = [m for m in comp.results if m not in methods]
    if missing_methods:
        notes.append("Not in the table (no country estimates of "
                     + (repr(quantity) if quantity else "the main quantity") + f" in {y}): "
                     + ", ".join(missing_methods) + ".")
    if comp.failures:
        notes.append("Methods that failed: " + "; ".join(f"{k}: {v}" for k, v in comp.failures.items()))
    n_exc = len(comp.excluded)
    if n_exc:
        notes.append(f"{n_exc:,} input observations were excluded across the methods, each with "
                     "a reason (see the excluded table in the CSV/XLSX export).")
    meta = {**meta_comparison(comp), "table": {"quantity": quantity, "year": y, "top": top,
                                                "countries": list(countries) if countries else None,
                                                "decimals": dec, "missing_text": REPORT_MISSING}}
    return ReportTable(frame=frame, numeric=numeric, decimals=dec,
                       title=title or f"{what} | {y}",
                       subtitle="Unit: " + ("; ".join(f"{m}: {units[m]}" for m in methods)),
                       notes=tuple(notes), sources=tuple(report_source_notes(comp)), meta=meta)

