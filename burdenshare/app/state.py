"""What the comparison app shows, as plain data and pure functions (no widgets here).

:class:`AppState` is the whole user selection (countries, years, methods, each method's
parameters, which chart). :func:`compute` turns it into a :class:`~burdenshare.Comparison`
with :func:`burdenshare.compare`; :func:`table_frame`, :func:`table_html` and
:func:`chart_for` turn the comparison into what the app displays; :func:`export_files`
writes it. The widget shell (:mod:`burdenshare.app.widgets`) only calls these functions,
so everything the app does is testable in-process. No arithmetic happens here: numbers come
from the estimators, formatting and selection only.
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import BurdenshareError, ExportError
from ..compare import Comparison, compare
from ..countries import country_name, is_country
from ..data import Dataset
from ..export import write_comparison
from ..presentation import country_rows, format_number
from ..registry import available, get

__all__ = [
    "AppState",
    "CHART_KINDS",
    "DEFAULT_METHODS",
    "EXPORT_FORMATS",
    "ResultCache",
    "build_estimators",
    "chart_for",
    "compute",
    "country_options",
    "default_state",
    "export_files",
    "table_frame",
    "table_html",
    "top_hosts",
    "year_view",
]

#: Methods ticked when the app opens: the relative-burden indices of UNHCR's Global Trends
#: (per 1,000 inhabitants, per GDP PPP per capita) and Thielemann-style relative effort.
DEFAULT_METHODS: tuple[str, ...] = ("refugees_per_1000", "refugees_per_gdp_ppp_pc",
                                    "relative_effort")
#: Charts the app can draw: methods side by side, agreement of ranks, one method's ranking.
CHART_KINDS: tuple[str, ...] = ("comparison", "rank_agreement", "ranking")
#: Formats the export button can write (the suffix chooses the writer).
EXPORT_FORMATS: tuple[str, ...] = ("xlsx", "csv", "json", "parquet", "png", "svg", "pdf",
                                   "md", "html", "tex")
#: Formats written from the chart rather than from the table.
_CHART_FORMATS = frozenset({"png", "svg", "pdf"})
#: Report tables (one year, the chosen countries).
_REPORT_FORMATS = frozenset({"md", "html", "tex"})

Params = tuple[tuple[str, Any], ...]


def _hashable(value: Any) -> Any:
    """Lists become tuples (recursively) so that parameters can key a cache."""
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    return value


@dataclass(frozen=True)
class AppState:
    """The user's whole selection in the comparison app.

    Parameters
    ----------
    countries : tuple of str
        ISO3 codes shown in the table and chart; empty means the ``top`` countries of the
        first method.
    years : (int, int)
        First and last year shown (inclusive).
    methods : tuple of str
        Registry names of the methods compared, in display order.
    params : tuple of (method, ((name, value), ...))
        Parameters set by the user per method (the others keep their defaults).
    chart : str
        One of :data:`CHART_KINDS`.
    top : int
        How many countries the chart (and an empty country selection) shows.
    """

    countries: tuple[str, ...] = ()
    years: tuple[int, int] = (2024, 2024)
    methods: tuple[str, ...] = DEFAULT_METHODS
    params: tuple[tuple[str, Params], ...] = field(default=())
    chart: str = "comparison"
    top: int = 20

    def __post_init__(self) -> None:
        object.__setattr__(self, "countries", tuple(dict.fromkeys(self.countries)))
        object.__setattr__(self, "methods", tuple(dict.fromkeys(self.methods)))
        lo, hi = (int(y) for y in self.years)
        if lo > hi:
            raise ValueError(f"years=({lo}, {hi}): the first year is after the last")
        object.__setattr__(self, "years", (lo, hi))
        if self.chart not in CHART_KINDS:
            raise ValueError(f"chart={self.chart!r}: choose one of {', '.join(CHART_KINDS)}")
        if int(self.top) < 1:
            raise ValueError(f"top={self.top!r} must be at least 1")
        canon = tuple((str(m), tuple(sorted((str(k), _hashable(v)) for k, v in dict(p).items())))
                      for m, p in dict(self.params).items())
        object.__setattr__(self, "params", canon)

    def params_for(self, method: str) -> dict[str, Any]:
        """Return the parameters the user set for ``method`` (empty: all defaults).

        Parameters
        ----------
        method : str

        Returns
        -------
        dict
        """
        return dict(dict(self.params).get(method, ()))

    def with_params(self, method: str, params: Mapping[str, Any]) -> AppState:
        """Return a copy with ``method``'s user parameters replaced by ``params``.

        Parameters
        ----------
        method : str
        params : Mapping

        Returns
        -------
        AppState
        """
        new = dict(self.params)
        new[method] = tuple(dict(params).items())
        return dataclasses.replace(self, params=tuple(new.items()))

    def replace(self, **changes: Any) -> AppState:
        """Return a copy with some fields changed (validated again).

        Parameters
        ----------
        **changes
            Field names and new values.

        Returns
        -------
        AppState
        """
        return dataclasses.replace(self, **changes)


def country_options(data: Dataset) -> list[tuple[str, str]]:
    """Return ``(label, iso3)`` for every country in ``data``, sorted by name.

    Parameters
    ----------
    data : Dataset

    Returns
    -------
    list of (str, str)
        Labels such as ``"Lebanon (LBN)"``; regions and other aggregates are left out.
    """
    codes = pd.Series(sorted(set(data.observations["iso3"].dropna())))
    codes = codes[is_country(codes).to_numpy()]
    return sorted(((f"{country_name(c)} ({c})", c) for c in codes), key=lambda t: t[0].lower())


def top_hosts(data: Dataset, year: int, n: int = 10, indicator: str = "refugees") -> tuple[str, ...]:
    """Return the ``n`` countries with the most ``indicator`` (refugees) in ``year``.

    Parameters
    ----------
    data : Dataset
    year : int
    n : int
    indicator : str

    Returns
    -------
    tuple of str
        ISO3 codes, largest first; fewer than ``n`` if the data have fewer.
    """
    obs = data.observations
    sub = obs[(obs["indicator"] == indicator) & (obs["year"] == year) & obs["value"].notna()]
    sub = sub[is_country(sub["iso3"]).to_numpy()]
    return tuple(sub.sort_values(["value", "iso3"], ascending=[False, True])["iso3"]
                 .drop_duplicates().head(n))


def default_state(data: Dataset, *, year: int | None = None, n_countries: int = 10) -> AppState:
    """Return the selection the app opens on: the latest year with data for every default
    method, its ten largest refugee-hosting countries, the default methods with default
    parameters.

    Parameters
    ----------
    data : Dataset
    year : int, optional
        Default: the latest year in which every indicator the default methods require (and
        ``refugees``) has observations.
    n_countries : int

    Returns
    -------
    AppState
    """
    obs = data.observations
    names = available()
    methods = tuple(m for m in DEFAULT_METHODS if m in names)
    if year is None:
        needed = {"refugees"}.union(*(get(m).requires for m in methods))
        have = obs[obs["value"].notna()].groupby("indicator")["year"].unique()
        common = set(data.years)
        for ind in needed:
            common &= {int(y) for y in have.get(ind, ())}
        year = max(common) if common else int(max(data.years))
    return AppState(countries=top_hosts(data, year, n_countries), years=(year, year),
                    methods=methods)


def build_estimators(state: AppState, classes: Mapping[str, type] | None = None,
                     ) -> tuple[dict[str, Any], dict[str, str]]:
    """Build one estimator per chosen method with the user's parameters.

    Parameters
    ----------
    state : AppState
    classes : Mapping, optional
        Name -> estimator class for methods not in the registry (e.g. defined in a notebook).

    Returns
    -------
    estimators : dict
        Method name -> estimator instance.
    failures : dict
        Method name -> message, for methods whose parameters are rejected (or which cannot
        be loaded); these never raise, so the app can show them.
    """
    out: dict[str, Any] = {}
    failures: dict[str, str] = {}
    for m in state.methods:
        try:
            cls = (classes or {}).get(m) or get(m)
            out[m] = cls(**state.params_for(m))
        except (BurdenshareError, TypeError, ValueError) as err:
            failures[m] = f"{type(err).__name__}: {err}"
    return out, failures


class ResultCache:
    """Results already computed, keyed by data fingerprint, estimator class and parameters.

    Changing one method's parameter then re-estimates that method only. Holds at most
    ``maxsize`` results (least recently used dropped first).

    Parameters
    ----------
    maxsize : int
    """

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self._store: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(data: Dataset, est: Any) -> tuple[str, str, str]:
        """Return the cache key of ``est`` on ``data``."""
        cls = type(est)
        # id(): a class redefined in a notebook cell is a new class, never a stale hit
        return (data.fingerprint, f"{cls.__module__}.{cls.__qualname__}@{id(cls)}",
                json.dumps(est.get_params(), sort_keys=True, default=str))

    def get(self, data: Dataset, est: Any) -> Any:
        """Return the cached result or None."""
        k = self.key(data, est)
        if k in self._store:
            self._store.move_to_end(k)
            self.hits += 1
            return self._store[k]
        self.misses += 1
        return None

    def put(self, data: Dataset, est: Any, result: Any) -> None:
        """Store a result."""
        self._store[self.key(data, est)] = result
        while len(self._store) > self.maxsize:
            self._store.popitem(last=False)

    def __len__(self) -> int:
        return len(self._store)


def compute(state: AppState, data: Dataset, cache: ResultCache | None = None, *,
            classes: Mapping[str, type] | None = None) -> Comparison:
    """Compare the chosen methods on ``data`` with :func:`burdenshare.compare`.

    Methods are estimated on the whole dataset (some need earlier years, e.g. the latest land
    area); the year and country selection only filter what is shown. A method whose
    parameters are rejected, or which fails, is listed in ``Comparison.failures``.

    Parameters
    ----------
    state : AppState
    data : Dataset
    cache : ResultCache, optional
        Results reused across calls; only methods not in it are estimated.
    classes : Mapping, optional
        Name -> estimator class for methods not in the registry.

    Returns
    -------
    Comparison
    """
    ests, failures = build_estimators(state, classes)
    results: dict[str, Any] = {}
    todo: dict[str, Any] = {}
    for label, est in ests.items():
        hit = cache.get(data, est) if cache is not None else None
        if hit is not None:
            results[label] = hit
        else:
            todo[label] = est
    if todo:
        fresh = compare(todo, data, on_error="record")
        failures.update(fresh.failures)
        for label, res in fresh.results.items():
            results[label] = res
            if cache is not None:
                cache.put(data, todo[label], res)
    ordered = {m: results[m] for m in state.methods if m in results}
    fails = {m: failures[m] for m in state.methods if m in failures}
    return Comparison(results=ordered, failures=fails, data_fingerprint=data.fingerprint)


_country_name = lru_cache(maxsize=None)(country_name)


def table_frame(comp: Comparison, state: AppState) -> pd.DataFrame:
    """Return what the table shows: one row per country and year, one column per method.

    Rows are the chosen countries (or, with none chosen, the ``top`` countries of the first
    method) in the chosen years, ordered by year (latest first) and then from the heaviest to
    the lightest burden on the first method (the order of ``Comparison.ranks``: descending, or
    ascending for indices such as "1 in N"). Values are each method's main quantity, unchanged.

    Parameters
    ----------
    comp : Comparison
    state : AppState

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3, country, year`` and one per successful method; ``attrs["units"]``
        maps method -> unit and ``attrs["quantities"]`` method -> quantity.
    """
    methods = [m for m in state.methods if m in comp.results]
    cols = ["iso3", "country", "year", *methods]
    rows = {m: country_rows(comp.results[m], years=state.years) for m in methods}
    if not any(len(rows[m]) for m in methods):
        out = pd.DataFrame(columns=cols)
        out.attrs.update(units={}, quantities={})
        return out
    units = {m: str(rows[m]["unit"].iloc[0]) if len(rows[m]) else "" for m in methods}
    wide = pd.concat({m: rows[m].drop_duplicates(["iso3", "year"]).set_index(["iso3", "year"])
                      ["estimate"] for m in methods}, axis=1)
    wide.index.names = ["iso3", "year"]
    wide = wide.reset_index()
    if state.countries:
        wide = wide[wide["iso3"].isin(state.countries)]
    first = next((m for m in methods if wide[m].notna().any()), methods[0])
    heavier_first = not comp.results[first].higher_means_more_burden
    wide = wide.sort_values(["year", first, "iso3"], ascending=[False, heavier_first, True],
                            na_position="last")
    if not state.countries:
        wide = wide.groupby("year", sort=False).head(state.top)
    wide.insert(1, "country", [_country_name(c) for c in wide["iso3"]])
    out = wide[cols].reset_index(drop=True)
    out["year"] = out["year"].astype("int64")
    out.columns.name = None
    out.attrs.update(units=units, quantities={m: comp.results[m].main_quantity for m in methods})
    return out


def table_html(frame: pd.DataFrame, *, failures: Mapping[str, str] | None = None) -> str:
    """Render :func:`table_frame` as an HTML table.

    Each row carries ``data-iso3`` and ``data-year``, each value cell ``data-method`` (the
    browser tests find cells this way); headers give each method's unit.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`table_frame`.
    failures : Mapping, optional
        Failed methods, shown as a column note.

    Returns
    -------
    str
    """
    esc = html.escape
    methods = [c for c in frame.columns if c not in ("iso3", "country", "year")]
    units = frame.attrs.get("units", {})
    head = "".join(
        f'<th data-method="{esc(m)}">{esc(m)}<br><span class="bs-unit">{esc(units.get(m, ""))}'
        "</span></th>" for m in methods)
    body = []
    for rec in frame.to_dict("records"):
        cells = "".join(f'<td data-method="{esc(m)}" style="text-align:right">'
                        f"{esc(format_number(rec[m]))}</td>" for m in methods)
        body.append(f'<tr data-iso3="{esc(str(rec["iso3"]))}" data-year="{int(rec["year"])}">'
                    f'<td>{esc(str(rec["country"]))}</td><td>{esc(str(rec["iso3"]))}</td>'
                    f'<td>{int(rec["year"])}</td>{cells}</tr>')
    if not body:
        body.append(f'<tr class="bs-empty"><td colspan="{3 + len(methods)}">No estimates for '
                    "this selection (see the status above).</td></tr>")
    note = ""
    if failures:
        note = ("<caption>Not shown (failed): "
                + esc(", ".join(failures)) + "</caption>")
    return ('<table class="bs-table-grid" style="border-collapse:collapse">' + note
            + f"<thead><tr><th>country</th><th>iso3</th><th>year</th>{head}</tr></thead>"
            + "<tbody>" + "".join(body) + "</tbody></table>")


def _shown_countries(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["iso3"])) if len(frame) else []


def chart_for(comp: Comparison, state: AppState, frame: pd.DataFrame | None = None) -> Any:
    """Return the Altair chart the app shows for ``state`` (the last chosen year).

    Parameters
    ----------
    comp : Comparison
    state : AppState
    frame : pandas.DataFrame, optional
        The table (:func:`table_frame`); its countries are the chart's.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    from .. import charts as _charts

    frame = table_frame(comp, state) if frame is None else frame
    year = state.years[1]
    countries = _shown_countries(frame[frame["year"] == year]) if len(frame) else []
    if not comp.results:
        return alt.Chart(pd.DataFrame({"x": []})).mark_text().properties(
            title="No method ran: see the status above")
    if state.chart == "ranking":
        first = next(iter(comp.results.values()))
        return _charts.ranking_chart(first, year=year, top=state.top)
    if state.chart == "comparison":
        # one year drawn: the year view gives the same chart, faster
        return _charts.comparison_chart(year_view(comp, year), year=year,
                                        countries=countries or None, top=state.top)
    # rank agreement: its subtitle gives the agreement over every year, so the whole comparison
    return _charts.rank_agreement_chart(comp, year=year, countries=countries or None,
                                        top=state.top)


def year_view(comp: Comparison, year: int) -> Comparison:
    """Return ``comp`` with only the estimates of ``year`` (for drawing one year quickly).

    The results keep their exclusions, diagnostics and provenance; only their ``estimates``
    are restricted to ``year``. Charts of one year are identical on the view and on ``comp``
    (ranks are per year), and are built faster; statistics over all years (such as the
    agreement in the rank-agreement chart's subtitle) are not.

    Parameters
    ----------
    comp : Comparison
    year : int

    Returns
    -------
    Comparison
    """
    results = {}
    for label, r in comp.results.items():
        y = r.estimates["year"].to_numpy(dtype="float64", na_value=float("nan"))
        results[label] = dataclasses.replace(r, estimates=r.estimates[y == year])
    return Comparison(results=results, failures=comp.failures,
                      data_fingerprint=comp.data_fingerprint)


def export_files(comp: Comparison, state: AppState, directory: str | Path,
                 formats: Iterable[str], *, chart: Any = None,
                 stem: str | None = None) -> list[Path]:
    """Write the comparison in each chosen format; provenance travels with every file.

    Every format is written by :func:`burdenshare.export.write_comparison`. Data formats
    (xlsx, csv, json, parquet) hold the whole comparison: every year and country of the chosen
    methods, the exclusions and the provenance. Report tables (md, html, tex) show the last
    chosen year and the chosen countries; chart formats (png, svg, pdf) save the chart shown,
    each with a ``FILE.provenance.json`` sidecar.

    Parameters
    ----------
    comp : Comparison
    state : AppState
    directory : str or Path
    formats : iterable of str
        Items of :data:`EXPORT_FORMATS`.
    chart : altair.Chart, optional
        The chart shown (default: :func:`chart_for`).
    stem : str, optional
        File name without suffix (default ``comparison_<first>-<last year>``).

    Returns
    -------
    list of Path
        Every file written.

    Raises
    ------
    ExportError
        Unknown format, nothing to export, or a writer failing (message names the file).
    """
    fmts = list(dict.fromkeys(formats))
    bad = [f for f in fmts if f not in EXPORT_FORMATS]
    if bad:
        raise ExportError(f"unknown export format(s) {bad}; choose from {', '.join(EXPORT_FORMATS)}")
    if not fmts:
        raise ExportError("no export format chosen: tick at least one")
    if not comp.results:
        raise ExportError("nothing to export: no method produced results")
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    stem = stem or f"comparison_{state.years[0]}-{state.years[1]}"
    frame = table_frame(comp, state)
    year = state.years[1]
    countries = _shown_countries(frame[frame["year"] == year]) if len(frame) else []
    if chart is None and _CHART_FORMATS.intersection(fmts):
        chart = chart_for(comp, state, frame)
    written: list[Path] = []
    for f in fmts:
        kw: dict[str, Any] = {}
        if f in _CHART_FORMATS:
            kw = {"chart": chart}
        elif f in _REPORT_FORMATS:
            kw = {"year": year, "countries": countries or None}
        written.extend(write_comparison(comp, d / f"{stem}.{f}", **kw))
    return written
