"""How results are shown, written once: labels, number formats, captions and the rows shown.

The charts, the exports and the apps all read from here, so that a quantity has one label, a
number one format and a source one caption wherever it appears.

- **Labels**: :func:`labels_of` (what an estimator or a result declares about itself, see
  :mod:`burdenshare.labels`), :func:`method_title` and :func:`quantity_label`.
- **Numbers**: :func:`format_number` (significant digits, the one formatter of tables and
  status lines), :func:`format_fixed` (fixed decimals, for report tables),
  :func:`decimals_for` (the decimals that show a column to a number of significant digits),
  :func:`format_amount` (words such as "2.10 million", for sentences) and
  :func:`d3_format` (the same significant digits for chart tooltips).
- **Captions**: :func:`provenances`, :func:`sources`, :func:`chart_footer` (the "Source: …"
  footer of a chart) and :func:`report_source_notes` (the source notes of a report table).
- **Rows**: :func:`country_rows` (country rows of one quantity, by default the main one) and
  :func:`main_rows` (those of every method of a comparison, with a ``method`` column);
  ``Result.higher_means_more_burden`` says which way they rank.

Nothing here computes a number: rows are selected, never changed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from ._version import __version__
from .compare import Comparison
from .countries import country_name
from .labels import Labels, default_labels
from .results import Provenance, Result

__all__ = [
    "DIGITS",
    "MISSING",
    "chart_footer",
    "country_name_or_code",
    "country_rows",
    "d3_format",
    "decimals_for",
    "format_amount",
    "format_fixed",
    "format_number",
    "labels_of",
    "main_rows",
    "method_title",
    "provenance_line",
    "provenances",
    "quantity_label",
    "report_source_notes",
    "source_lines",
    "sources",
]

#: Significant digits shown for an estimate (tables, status lines, chart tooltips).
DIGITS = 4
#: How a missing number is shown on screen.
MISSING = "–"

# ====================================================================== labels
def labels_of(obj: Any) -> Labels:
    """Return the labels of an estimator (class or instance) or of a result.

    Parameters
    ----------
    obj : Estimator, estimator class or Result
        A result gives its ``labels``; an estimator its declared ``labels`` (or
        :func:`~burdenshare.labels.default_labels` built from its name, quantity and unit).

    Returns
    -------
    Labels
    """
    if isinstance(obj, Result):
        if obj.labels is not None:
            return obj.labels
        return Labels(title=obj.provenance.estimator, family="Other", description="", unit="")
    return default_labels(obj)


def method_title(obj: Any) -> str:
    """Return the human name of a method (``labels.title``) for an estimator or a result.

    Parameters
    ----------
    obj : Estimator, estimator class or Result

    Returns
    -------
    str
    """
    return labels_of(obj).title


def quantity_label(quantity: str, labels: Labels | None = None) -> str:
    """Return the display name of a quantity.

    Parameters
    ----------
    quantity : str
        E.g. ``"refugees_per_1000_inhabitants"``.
    labels : Labels, optional
        The labels of the estimator that wrote it (the estimator declares them; nothing here
        keeps a table of quantity names); without one, or for an undeclared quantity, the
        name is made readable.

    Returns
    -------
    str
        E.g. ``"Refugees per 1,000 inhabitants"``; an unknown name is made readable.

    Examples
    --------
    >>> from burdenshare.labels import Labels
    >>> per_1000 = Labels(title="Refugees per 1,000 inhabitants", family="Relative burden",
    ...                   description="", unit="per 1,000 inhabitants",
    ...                   quantities={"refugees_per_1000_inhabitants": "Refugees per 1,000 inhabitants"})
    >>> quantity_label("refugees_per_1000_inhabitants", per_1000)
    'Refugees per 1,000 inhabitants'
    >>> quantity_label("share_of_total")
    'Share of total'
    """
    readable = quantity.replace("_", " ").strip().capitalize()
    if labels is None:
        return readable
    return labels.quantities.get(quantity, readable)


def country_name_or_code(code: Any) -> str:
    """Return a country's name, or the code itself when it is not a known country.

    Parameters
    ----------
    code : object
        An ISO3 code (or an area code such as ``"LBN/North"``).

    Returns
    -------
    str
        An unknown code is shown as it is, never dropped.
    """
    try:
        return country_name(str(code))
    except Exception:  # an unknown code is shown as it is, never dropped
        return str(code)


# ====================================================================== numbers
def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def format_number(value: Any, digits: int = DIGITS, *, missing: str = MISSING) -> str:
    """Format a number to ``digits`` significant figures: the one formatter of the apps.

    Values of 1,000 or more are written whole with thousands separators (no exponent);
    infinities as ``∞``.

    Parameters
    ----------
    value : float or None
    digits : int
        Significant figures.
    missing : str
        Text of a missing value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(0.024691), format_number(38.1149), format_number(1234567.8)
    ('0.02469', '38.11', '1,234,568')
    >>> format_number(float("nan"))
    '–'
    """
    if _is_missing(value):
        return missing
    v = float(value)
    if math.isnan(v):
        return missing
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if v == 0:
        return "0"
    return f"{v:.{digits}g}"


def d3_format(digits: int = DIGITS) -> str:
    """Return the d3 format of :func:`format_number`'s significant figures (chart tooltips).

    Parameters
    ----------
    digits : int

    Returns
    -------
    str
        E.g. ``",.4~g"``.
    """
    return f",.{digits}~g"


def format_fixed(value: Any, decimals: int, *, missing: str = "n/a") -> str:
    """Format a number with fixed decimals and thousands separators (report tables).

    Parameters
    ----------
    value : float or None
    decimals : int
    missing : str

    Returns
    -------
    str

    Examples
    --------
    >>> format_fixed(1234.5, 1), format_fixed(None, 2)
    ('1,234.5', 'n/a')
    """
    if _is_missing(value):
        return missing
    return f"{float(value):,.{decimals}f}"


def decimals_for(values: Any, digits: int = 3) -> int:
    """Return the decimals that show a column's median magnitude to ``digits`` figures (0-6).

    Parameters
    ----------
    values : array-like
    digits : int

    Returns
    -------
    int

    Examples
    --------
    >>> decimals_for([0.0123, 0.02]), decimals_for([52.6, 40.1]), decimals_for([12345])
    (4, 1, 0)
    """
    v = pd.to_numeric(pd.Series(values), errors="coerce").abs()
    v = v[v > 0]
    if v.empty:
        return 0
    return int(min(6, max(0, digits - 1 - math.floor(math.log10(float(v.median()))))))


def format_amount(value: Any) -> str:
    """Format a number for a sentence: ``2.10 billion``, ``350.00 million``, ``1,234``, ``0.0247``.

    Parameters
    ----------
    value : float or None

    Returns
    -------
    str
        ``"missing"`` for a missing value.
    """
    if _is_missing(value):
        return "missing"
    a = abs(float(value))
    if a >= 1e9:
        return f"{value / 1e9:,.2f} billion"
    if a >= 1e6:
        return f"{value / 1e6:,.2f} million"
    if a >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


# ====================================================================== captions
def provenances(obj: Result | Comparison) -> list[Provenance]:
    """Return the provenance(s) behind a result or a comparison, in method order.

    Parameters
    ----------
    obj : Result or Comparison

    Returns
    -------
    list of Provenance
    """
    if isinstance(obj, Comparison):
        return [r.provenance for r in obj.results.values()]
    return [obj.provenance]


def sources(obj: Result | Comparison) -> list[dict[str, str]]:
    """Return the distinct data sources (full records) behind ``obj``, in first-seen order.

    Parameters
    ----------
    obj : Result or Comparison

    Returns
    -------
    list of dict
    """
    seen: dict[str, dict[str, str]] = {}
    for p in provenances(obj):
        for s in p.sources:
            seen.setdefault(str(s.get("id", "")), dict(s))
    return list(seen.values())


def _source_text(source: Mapping[str, str], details: Sequence[str], sep: str) -> str:
    """``publisher, title (detail<sep>detail)`` of one source record."""
    where = f"{source.get('publisher', '')}, {source.get('title', source.get('id', ''))}"
    if not details:
        return where
    return f"{where} ({sep.join(details)})"


def _details(source: Mapping[str, str], keys: Iterable[str]) -> list[str]:
    words = {"licence": "", "vintage": "vintage ", "retrieved": "retrieved ", "url": ""}
    return [f"{words[k]}{source[k]}" for k in keys if source.get(k)]


def source_lines(obj: Result | Comparison) -> list[str]:
    """Return a chart's source caption: ``Source: publisher, title (licence, retrieved …)``.

    The first line starts with ``Source:``, the others are indented under it; with no source
    recorded, the caption says so.
    """
    lines = [_source_text(s, _details(s, ("licence", "retrieved")), ", ") for s in sources(obj)]
    if not lines:
        return ["Source: not recorded"]
    return ["Source: " + lines[0], *["        " + x for x in lines[1:]]]


def provenance_line(obj: Result | Comparison) -> str:
    """Return ``burdenshare V; estimator vN; data FINGERPRINT`` (a chart's last footer line).

    Parameters
    ----------
    obj : Result or Comparison

    Returns
    -------
    str
        Empty for a comparison without results.
    """
    provs = provenances(obj)
    if not provs:
        return ""
    return f"burdenshare {provs[0].package_version}; {_estimators(provs)}; data {_prints(provs)}"


def _estimators(provs: Sequence[Provenance]) -> str:
    return ", ".join(f"{p.estimator} v{p.estimator_version}" for p in provs)


def _prints(provs: Sequence[Provenance]) -> str:
    return ", ".join(sorted({p.data_fingerprint[:12] for p in provs}))


def chart_footer(obj: Result | Comparison, notes: Sequence[str] = ()) -> list[str]:
    """Return a chart's footer: the notes, the source caption, then the provenance line.

    Parameters
    ----------
    obj : Result or Comparison
    notes : sequence of str
        Lines shown first (what is not drawn, and why).

    Returns
    -------
    list of str
    """
    return [*notes, *source_lines(obj), provenance_line(obj)]


def report_source_notes(obj: Result | Comparison) -> list[str]:
    """Return a report table's source notes: one ``Source: …`` line per source, then provenance.

    The lines read, e.g., ``Source: UNHCR, Refugee Data Finder (CC BY 4.0; vintage 2024;
    retrieved …).`` and ``Computed with burdenshare V: estimator vN; data fingerprint FP.``
    """
    keys = ("licence", "vintage", "retrieved", "url")
    lines = [f"Source: {_source_text(s, _details(s, keys), '; ')}." for s in sources(obj)]
    if not lines:
        lines.append("Source: not recorded.")
    provs = provenances(obj)
    lines.append(f"Computed with burdenshare {__version__}: {_estimators(provs)}; "
                 f"data fingerprint {_prints(provs)}.")
    return lines


# ====================================================================== rows
def country_rows(result: Result, quantity: str | None = None, *, term: str | None = None,
                 years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Return the country rows of one quantity and term: ISO3 present, no term by default.

    Parameters
    ----------
    result : Result
    quantity : str, optional
        Default: the result's main quantity.
    term : str, optional
        Keep this term; default the rows without a term.
    years : (int, int), optional
        First and last year kept (inclusive); default every year.

    Returns
    -------
    pandas.DataFrame
        Rows of ``result.estimates``, unchanged.
    """
    e = result.estimates
    q = quantity or result.main_quantity
    terms = e["term"].isna() if term is None else e["term"] == term
    keep = (e["quantity"] == q).to_numpy() & e["iso3"].notna().to_numpy() & terms.to_numpy()
    if years is not None:
        y = e["year"].to_numpy(dtype="float64", na_value=float("nan"))
        keep &= (y >= years[0]) & (y <= years[1])
    return e.loc[keep]


def main_rows(comp: Comparison, *, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Return the country rows of every method's main quantity, with a ``method`` column.

    Parameters
    ----------
    comp : Comparison
    years : (int, int), optional
        First and last year kept (inclusive).

    Returns
    -------
    pandas.DataFrame
        The estimate columns plus ``method`` (the comparison's label) and
        ``uncertainty_method``; empty (with those columns) when no method has such rows.
    """
    frames = [country_rows(r, years=years).assign(method=m,
                                                  uncertainty_method=r.uncertainty_method)
              for m, r in comp.results.items()]
    if not frames:
        return pd.DataFrame(columns=["iso3", "year", "quantity", "estimate", "unit", "method",
                                     "uncertainty_method"])
    return pd.concat(frames, ignore_index=True)
