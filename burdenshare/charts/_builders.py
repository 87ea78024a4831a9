"""The chart builders: pure functions from a Result or Comparison to an Altair chart.

Each builder selects and sorts the rows it draws (no other arithmetic: Lorenz points come from
the estimators or from :func:`burdenshare.estimators.inequality.gini_lorenz`), passes only those
rows to Altair as inline data, and finishes the chart with :func:`._style.finish` (title
"What | period", subtitle with the unit, a "Source: …" footer with licences and provenance, a
text description for screen readers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from ..compare import Comparison
from ..estimators.inequality import gini_lorenz
from ..presentation import (
    chart_footer,
    country_name_or_code,
    country_rows,
    d3_format,
    format_amount,
    quantity_label,
)
from ..results import Result
from ._style import NAVY, PALETTE, finish, inline, period, row_header, tooltips

_INTERVAL_WORDS = {
    "scenario_range": "range over scenarios (not a confidence interval)",
    "analytic": "confidence interval",
    "cluster_robust": "confidence interval (cluster-robust)",
    "bootstrap": "bootstrap interval",
}


def _names(codes: Any) -> list[str]:
    """Country names for a column of codes (looked up once per distinct code)."""
    codes = list(codes)
    lookup = {c: country_name_or_code(c) for c in set(codes)}
    return [lookup[c] for c in codes]


def _lc(text: str) -> str:
    """Lower-case the first letter for use inside a sentence (keeps "UNHCR", "ODA")."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _country_rows(result: Result, quantity: str, term: str | None = None) -> pd.DataFrame:
    """Country rows of one quantity; ``term`` None keeps empty terms, or the only term there is."""
    plain = country_rows(result, quantity, term=term)
    if len(plain) or term is not None:
        return plain
    est = result.estimates
    terms = sorted(set(est.loc[(est["quantity"] == quantity) & est["iso3"].notna(), "term"].dropna()))
    if not terms:
        return plain
    if len(terms) == 1:
        return country_rows(result, quantity, term=terms[0])
    raise ValueError(f"quantity {quantity!r} has several terms per country ({terms}); "
                     "pass term= to choose one")


def _comparison_label(comp: Comparison, quantity: str | None) -> str:
    """Label of ``quantity`` as the first method's labels give it, or "Burden by method"."""
    if not quantity:
        return "Burden by method"
    first = next(iter(comp.results.values()), None)
    return quantity_label(quantity, first.labels if first is not None else None)


def _pick_year(years: pd.Series, year: int | None, what: str) -> int:
    avail = sorted({int(y) for y in years.dropna()})
    if not avail:
        raise ValueError(f"{what}: no country rows to chart")
    if year is None:
        return avail[-1]
    if int(year) not in avail:
        raise ValueError(f"{what}: year {year} has no rows; years available: "
                         f"{avail[0]}-{avail[-1]}" if len(avail) > 1 else
                         f"{what}: year {year} has no rows; only {avail[0]} is available")
    return int(year)


def _unit(rows: pd.DataFrame) -> str:
    units = sorted(set(rows["unit"].dropna().astype(str)))
    return units[0] if len(units) == 1 else " / ".join(units)


def _axis(values: Any, title: str | None = None) -> Any:
    """A quantitative axis; large numbers in short scale (``2.1B``, ``350M``), UNHCR style."""
    import altair as alt

    v = pd.to_numeric(pd.Series(values), errors="coerce").abs().max()
    if pd.notna(v) and v >= 1e6:
        return alt.Axis(title=title, labelExpr="replace(format(datum.value, '.3~s'), 'G', 'B')")
    return alt.Axis(title=title)


def _width(n_panels: int) -> int:
    return max(110, min(480, 640 // max(n_panels, 1)))


# ------------------------------------------------------------------------- ranking
def ranking_chart(result: Result, *, year: int | None = None, top: int = 20,
                  quantity: str | None = None, title: str | None = None) -> Any:
    """Horizontal bars: the ``top`` countries with the heaviest burden on one quantity in a year.

    Intervals (``ci_lower``/``ci_upper``), where the result has them, are drawn as lines.

    Parameters
    ----------
    result : Result
    year : int, optional
        Default: the latest year in the result.
    top : int
        How many countries (heaviest burden first).
    quantity : str, optional
        Default: the result's main quantity.
    title : str, optional
        Default ``"<Quantity> | <year>"``.

    Returns
    -------
    altair.VConcatChart
        The chart above its "Source: …" footer.

    Raises
    ------
    ValueError
        No country rows for the quantity, or no rows in ``year``.
    """
    import altair as alt

    q = quantity or result.main_quantity
    sub = _country_rows(result, q)
    if sub.empty:
        raise ValueError(f"the result has no country rows for quantity {q!r}")
    y = _pick_year(sub["year"], year, "ranking_chart")
    sub = sub[(sub["year"] == y) & sub["estimate"].notna()]
    higher = result.higher_means_more_burden
    sub = sub.nlargest(top, "estimate") if higher else sub.nsmallest(top, "estimate")
    unit = _unit(sub)
    df = pd.DataFrame({
        "country": _names(sub["iso3"]), "iso3": sub["iso3"].to_numpy(),
        "estimate": sub["estimate"].to_numpy(), "ci_lower": sub["ci_lower"].to_numpy(),
        "ci_upper": sub["ci_upper"].to_numpy(),
    })
    order = list(df["country"])
    base = alt.Chart(inline(df))
    bars = base.mark_bar(color=PALETTE["blue"]).encode(
        x=alt.X("estimate:Q", axis=_axis(df[["estimate", "ci_upper"]].stack(), unit)),
        y=alt.Y("country:N", sort=order, title=None),
        tooltip=tooltips("country:N", "iso3:N", "estimate:Q", "ci_lower:Q", "ci_upper:Q"),
    )
    layers = [bars]
    has_ci = bool(df["ci_lower"].notna().any())
    if has_ci:
        layers.append(base.transform_filter("isValid(datum.ci_lower)").mark_rule(
            color=NAVY, strokeWidth=1.5).encode(
            x="ci_lower:Q", x2="ci_upper:Q", y=alt.Y("country:N", sort=order)))
    chart = alt.layer(*layers).properties(width=480, height=alt.Step(16))
    ci_note = ([f"Lines: {_INTERVAL_WORDS.get(result.uncertainty_method, 'interval')}"]
               if has_ci else [])
    what = quantity_label(q, result.labels)
    rank_word = "highest" if higher else "lowest (heaviest burden)"
    desc = (f"Bar chart of {_lc(what)} ({unit}) in {y} for the {len(df)} countries with the "
            f"{rank_word} values under {result.provenance.estimator}. "
            + (f"First: {df['country'].iloc[0]} ({format_amount(df['estimate'].iloc[0])}); last shown: "
               f"{df['country'].iloc[-1]} ({format_amount(df['estimate'].iloc[-1])})." if len(df) else
               "No country has a value."))
    return finish(chart, title=title or f"{what} | {y}",
                  subtitle=[unit, *ci_note], footer=chart_footer(result), description=desc)


# ---------------------------------------------------------------------- comparison
def _main_rows(comp: Comparison) -> pd.DataFrame:
    """Country rows of each method's main quantity, with method and uncertainty columns."""
    frames = []
    for m, r in comp.results.items():
        sub = _country_rows(r, r.main_quantity)
        frames.append(sub.assign(method=m, uncertainty_method=r.uncertainty_method))
    if not frames:
        raise ValueError("the comparison has no results to chart")
    return pd.concat(frames, ignore_index=True)


def _chosen(comp: Comparison, year: int | None, countries: Sequence[str] | None, top: int,
            what: str) -> tuple[int, list[str], pd.DataFrame, list[str]]:
    """(year, iso3 codes in display order, ranks of that year, requested codes without any
    estimate that year) for comparison charts.

    Order: the given countries in the order of their mean burden rank; by default the ``top``
    countries by mean rank over the methods that rank them (rank 1 = heaviest burden, from
    :meth:`Comparison.ranks`), ties by code.
    """
    ranks = comp.ranks()
    if ranks.empty:
        raise ValueError(f"{what}: no method has country estimates to compare")
    y = _pick_year(ranks.index.get_level_values("year").to_series(), year, what)
    r = cast(pd.DataFrame, ranks.xs(y, level="year"))
    order = r.mean(axis=1).rename("mean_rank").reset_index().sort_values(["mean_rank", "iso3"])
    if countries is not None:
        want = [str(c) for c in countries]
        if not want:
            raise ValueError(f"{what}: countries= is empty; pass ISO3 codes or None")
        unknown = [c for c in want if c not in set(order["iso3"])]
        if len(unknown) == len(want):
            raise ValueError(f"{what}: none of {want} has an estimate in {y}")
        codes = [c for c in order["iso3"] if c in set(want)]
    else:
        unknown = []
        codes = list(order["iso3"].head(int(top)))
    return y, codes, r, unknown


def comparison_chart(comp: Comparison, *, year: int | None = None,
                     countries: Sequence[str] | None = None, top: int = 20,
                     title: str | None = None) -> Any:
    """Per-country estimate of every method, one panel per method (each in its own unit).

    Points are the estimates; lines are the intervals (``ci_lower``/``ci_upper``) where a
    method has them. Methods measure different things in different units, so each panel has
    its own x scale; countries are in the same order in every panel (mean burden rank).

    Parameters
    ----------
    comp : Comparison
    year : int, optional
        Default: the latest year with ranks.
    countries : sequence of str, optional
        ISO3 codes to show; default the ``top`` countries by mean rank.
    top : int
    title : str, optional

    Returns
    -------
    altair.VConcatChart
        One panel of dots and intervals per method, above the footer.

    Raises
    ------
    ValueError
        No country estimates, unknown year, or none of ``countries`` estimated.
    """
    import altair as alt

    y, codes, _ranks, absent = _chosen(comp, year, countries, top, "comparison_chart")
    every = _main_rows(comp)
    rows = every[(every["year"] == y) & every["iso3"].isin(codes)]
    have = set(every["method"])
    methods = [m for m in comp.results if m in have]
    no_rows = [m for m in comp.results if m not in have]
    units = {m: _unit(every[every["method"] == m]) for m in methods}
    panel = {m: f"{m} ({units[m]})" for m in methods}
    df = pd.DataFrame({
        "panel": rows["method"].map(panel).to_numpy(), "method": rows["method"].to_numpy(),
        "country": _names(rows["iso3"]), "iso3": rows["iso3"].to_numpy(),
        "estimate": rows["estimate"].to_numpy(), "ci_lower": rows["ci_lower"].to_numpy(),
        "ci_upper": rows["ci_upper"].to_numpy(), "unit": rows["unit"].to_numpy(),
    })
    order = _names(codes)
    ycol = alt.Y("country:N", sort=order, title=None)
    base = alt.Chart()
    points = base.mark_point(filled=True, size=50, color=PALETTE["blue"]).encode(
        x=alt.X("estimate:Q", axis=_axis(df[["estimate", "ci_upper"]].stack()),
                scale=alt.Scale(zero=False)), y=ycol,
        tooltip=tooltips("method:N", "country:N", "iso3:N", "estimate:Q", "ci_lower:Q",
                         "ci_upper:Q", "unit:N"))
    rules = base.transform_filter("isValid(datum.ci_lower) && isValid(datum.ci_upper)").mark_rule(
        color=NAVY, strokeWidth=1.5).encode(x="ci_lower:Q", x2="ci_upper:Q", y=ycol)
    inner = alt.layer(rules, points, data=inline(df)).properties(
        width=_width(len(methods)), height=alt.Step(16))
    chart = inner.facet(
        column=alt.Column("panel:N", sort=[panel[m] for m in methods], title=None,
                          header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start",
                                            labelLimit=_width(len(methods)), labelFontWeight="bold")),
    ).resolve_scale(x="independent")
    kinds = sorted({_INTERVAL_WORDS[u] for m, u in zip(df["method"], df["method"].map(
        lambda m: comp.results[m].uncertainty_method)) if u in _INTERVAL_WORDS})
    sub = ["Main quantity of each method, in its own unit (panels are not on one scale)"]
    if kinds and df["ci_lower"].notna().any():
        sub.append("Lines: " + "; ".join(kinds))
    missing = {m: len(codes) - int(((df["method"] == m) & df["estimate"].notna()).sum())
               for m in methods}
    gaps = [f"{m}: {n} of {len(codes)} countries without an estimate" for m, n in missing.items() if n]
    if absent:
        gaps.append(f"No method has an estimate in {y} for: {', '.join(absent)}")
    if no_rows:
        gaps.append("Not shown (no country estimates of the main quantity): " + ", ".join(no_rows))
    desc = (f"Dot plot comparing {len(methods)} methods ({', '.join(methods)}) for "
            f"{len(codes)} countries in {y}, one panel per method in its own unit, countries "
            f"ordered by mean burden rank (first: {order[0] if order else 'none'})."
            + (" " + "; ".join(gaps) + "." if gaps else ""))
    return finish(chart, title=title or f"Burden by method | {y}", subtitle=sub,
                  footer=chart_footer(comp, gaps), description=desc,
                  width=_width(len(methods)) * len(methods))


def rank_agreement_chart(comp: Comparison, *, year: int | None = None,
                         countries: Sequence[str] | None = None, top: int = 20,
                         title: str | None = None) -> Any:
    """Each country's burden rank under each method (rank 1 = heaviest), joined by lines.

    Parallel lines mean the methods agree on the order; crossings show where they differ.
    Ranks come from :meth:`Comparison.ranks` (each method's main quantity, its own burden
    direction); the subtitle gives the Spearman correlations of :meth:`Comparison.agreement`.

    Parameters
    ----------
    comp : Comparison
    year : int, optional
    countries : sequence of str, optional
    top : int
    title : str, optional

    Returns
    -------
    altair.VConcatChart
        The slope chart of ranks above the footer.
    """
    import altair as alt

    y, codes, r, absent = _chosen(comp, year, countries, top, "rank_agreement_chart")
    methods = [m for m in comp.results if m in r.columns]
    long = r.loc[r.index.isin(codes), methods].reset_index().melt(
        id_vars="iso3", var_name="method", value_name="rank").dropna(subset=["rank"])
    long["country"] = _names(long["iso3"])
    long["order"] = long["method"].map({m: i for i, m in enumerate(methods)})
    long = long.sort_values(["iso3", "order"])
    first = long[long["method"] == methods[0]] if methods else long.iloc[:0]
    last = long[long["method"] == methods[-1]] if methods else long.iloc[:0]
    x = alt.X("method:N", sort=methods, title=None,
              axis=alt.Axis(labelAngle=0, orient="top", labelLimit=140))
    yy = alt.Y("rank:Q", scale=alt.Scale(reverse=True, zero=False, nice=False),
               title="burden rank (1 = heaviest)")
    tip = [alt.Tooltip("country:N"), alt.Tooltip("method:N"), alt.Tooltip("rank:Q", format=".0f")]
    lines = alt.Chart(inline(long)).mark_line(color=PALETTE["blue"], opacity=0.55).encode(
        x=x, y=yy, detail="iso3:N", order="order:Q")
    pts = alt.Chart(inline(long)).mark_circle(color=PALETTE["blue"], size=45).encode(
        x=x, y=yy, tooltip=tip)
    left = alt.Chart(inline(first)).mark_text(align="right", dx=-8, fontSize=10, color=NAVY).encode(
        x=x, y=yy, text="country:N")
    right = alt.Chart(inline(last)).mark_text(align="left", dx=8, fontSize=10, color=NAVY).encode(
        x=x, y=yy, text="country:N")
    width = max(240, 150 * len(methods))
    span = float(long["rank"].max() - long["rank"].min() + 1) if len(long) else 1.0
    height = int(min(900, max(240, 14 * span, 18 * len(codes))))  # labels 1 rank apart stay legible
    chart = alt.layer(lines, pts, left, right).properties(width=width, height=height)
    agree = comp.agreement()
    rho = agree.reindex(index=methods, columns=methods).to_numpy(dtype=float)
    pairs = [f"{a} vs {methods[j]}: {rho[i, j]:.2f}" for i, a in enumerate(methods)
             for j in range(i + 1, len(methods)) if not np.isnan(rho[i, j])]
    sub = ["Rank among the countries each method estimates (1 = heaviest burden)"]
    if pairs:
        sub.append("Spearman rank correlation, all years and countries: " + "; ".join(pairs[:4])
                   + ("; …" if len(pairs) > 4 else ""))
    desc = (f"Rank comparison (slope chart) of {len(codes)} countries in {y} across "
            f"{len(methods)} methods ({', '.join(methods)}); each line is a country, rank 1 at the "
            "top is the heaviest burden." + (" " + sub[1] + "." if pairs else ""))
    notes = [f"No method ranks in {y}: {', '.join(absent)}"] if absent else []
    unranked = [m for m in comp.results if m not in methods]
    if unranked:
        notes.append("Not ranked (no country estimates of the main quantity): "
                     + ", ".join(unranked))
    return finish(chart, title=title or f"Burden rank by method | {y}", subtitle=sub,
                  footer=chart_footer(comp, notes), description=desc, width=width)


def comparison_ranks_chart(comp: Comparison, *, year: int) -> Any:
    """Rank of each country under each method in ``year``: :func:`rank_agreement_chart`.

    Kept for older callers.
    """
    return rank_agreement_chart(comp, year=year)


# --------------------------------------------------------------------- time series
def time_series_chart(obj: Result | Comparison, *, countries: Sequence[str],
                      quantity: str | None = None, title: str | None = None) -> Any:
    """Lines over years for a few countries; a Comparison gets one panel per method.

    Intervals, where present, are drawn as a light band.

    Parameters
    ----------
    obj : Result or Comparison
    countries : sequence of str
        ISO3 codes (at least one).
    quantity : str, optional
        Default: the (each method's) main quantity. For a Comparison, only the methods that
        report ``quantity`` are shown.
    title : str, optional

    Returns
    -------
    altair.VConcatChart
        Lines over years (one panel per method for a Comparison), above the footer.

    Raises
    ------
    ValueError
        No countries, or none of them has a value.
    """
    import altair as alt

    want = [str(c) for c in countries]
    if not want:
        raise ValueError("time_series_chart needs at least one country (ISO3 code) in countries=")
    results = dict(obj.results) if isinstance(obj, Comparison) else {"": obj}
    frames = []
    for m, r in results.items():
        q = quantity or r.main_quantity
        got = _country_rows(r, q)
        frames.append(got[got["iso3"].isin(want)].assign(method=m))
    rows = pd.concat(frames, ignore_index=True).dropna(subset=["year"])
    if rows.empty or rows["estimate"].notna().sum() == 0:
        raise ValueError(f"time_series_chart: none of {want} has a value for "
                         f"{quantity or 'the main quantity'}")
    rows = rows.sort_values(["method", "iso3", "year"])
    units = {m: _unit(g) for m, g in rows.groupby("method", sort=False)}
    df = pd.DataFrame({
        "method": rows["method"].to_numpy(),
        "panel": [f"{m} ({units[m]})" if m else units[m] for m in rows["method"]],
        "country": _names(rows["iso3"]), "iso3": rows["iso3"].to_numpy(),
        "year": rows["year"].astype(int).to_numpy(), "estimate": rows["estimate"].to_numpy(),
        "ci_lower": rows["ci_lower"].to_numpy(), "ci_upper": rows["ci_upper"].to_numpy(),
    })
    names = _names([c for c in want if c in set(df["iso3"])])
    scale = alt.Scale(domain=names, range=list(PALETTE))
    colour = alt.Color("country:N", sort=names, title=None, scale=scale,
                       legend=alt.Legend(orient="top", direction="horizontal"))
    xs = alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1),
               scale=alt.Scale(zero=False, nice=False))
    base = alt.Chart()
    band = base.transform_filter("isValid(datum.ci_lower) && isValid(datum.ci_upper)").mark_area(
        opacity=0.25, color=PALETTE["grey"]).encode(x=xs, y="ci_lower:Q", y2="ci_upper:Q",
                                                    detail="country:N")
    line = base.mark_line(point=True, strokeWidth=2).encode(
        x=xs, y=alt.Y("estimate:Q", axis=_axis(df[["estimate", "ci_upper"]].stack())),
        color=colour,
        strokeDash=alt.StrokeDash("country:N", sort=names, legend=None),
        tooltip=tooltips("country:N", "year:Q", "estimate:Q", "ci_lower:Q", "ci_upper:Q"))
    # direct labels at each line's last point, so colour is not the only key (UNHCR practice)
    ends = base.transform_filter("isValid(datum.estimate)").transform_joinaggregate(
        last="max(year)", groupby=["panel", "country"]).transform_filter(
        "datum.year == datum.last").mark_text(align="left", dx=6, fontSize=10).encode(
        x=xs, y="estimate:Q", text="country:N", color=colour)
    inner = alt.layer(band, line, ends, data=inline(df)).properties(width=480, height=200)
    methods = [m for m in results if m in set(df["method"])]
    unshown = [m for m in results if m not in methods]
    if isinstance(obj, Comparison):
        chart = inner.facet(row=alt.Row("panel:N", sort=[f"{m} ({units[m]})" for m in methods],
                                         title=None, header=row_header()),
                            ).resolve_scale(y="independent")
        subtitle = ["Main quantity of each method, in its own unit (panels are not on one scale)"]
        what = _comparison_label(obj, quantity)
    else:
        chart = inner
        subtitle = [units[""]]
        what = quantity_label(quantity or obj.main_quantity, obj.labels)
    if df["ci_lower"].notna().any():
        kinds = sorted({_INTERVAL_WORDS.get(results[m].uncertainty_method, "interval")
                        for m in df.loc[df["ci_lower"].notna(), "method"].unique()})
        subtitle.append("Band: " + "; ".join(kinds))
    per = period(df["year"])
    missing = [c for c in want if c not in set(df["iso3"])]
    desc = (f"Line chart of {_lc(what)} over {per} for {', '.join(names)}"
            + (f", one panel per method ({', '.join(methods)})" if isinstance(obj, Comparison) else "")
            + ". Each line is labelled with its country at its last year; line style as well as "
            "colour distinguishes countries."
            + (f" No value for: {', '.join(missing)}." if missing else ""))
    notes = [f"No value for: {', '.join(missing)}"] if missing else []
    if unshown and isinstance(obj, Comparison):
        notes.append(f"Not shown (no {quantity or 'main quantity'} for these countries): "
                     + ", ".join(unshown))
    return finish(chart, title=title or f"{what} | {per}", subtitle=subtitle,
                  footer=chart_footer(obj, notes), description=desc)


# -------------------------------------------------------------------------- Lorenz
def lorenz_points(result: Result, year: int | None = None) -> tuple[int, float, pd.DataFrame]:
    """The Lorenz curve of burden against capacity in one year, from a result.

    Uses the result's ``lorenz_capacity_share``/``lorenz_hosted_share`` rows (e.g.
    ``hosting_concentration``), sorted; or its ``capacity_share``/``burden_share`` rows (e.g.
    ``relative_effort``) passed to :func:`~burdenshare.estimators.inequality.gini_lorenz`.

    Parameters
    ----------
    result : Result
    year : int, optional
        Default: the latest year.

    Returns
    -------
    (int, float, pandas.DataFrame)
        Year, Gini (NaN if the result does not report one) and the points ``iso3, capacity,
        burden`` (cumulative shares, starting at 0, 0).

    Raises
    ------
    ValueError
        The result has neither pair of quantities.
    """
    q = set(result.estimates["quantity"])
    if {"lorenz_capacity_share", "lorenz_hosted_share"} <= q:
        xr = _country_rows(result, "lorenz_capacity_share", term="lorenz") if (
            result.estimates["term"] == "lorenz").any() else _country_rows(
            result, "lorenz_capacity_share")
        yr = _country_rows(result, "lorenz_hosted_share", term="lorenz") if (
            result.estimates["term"] == "lorenz").any() else _country_rows(
            result, "lorenz_hosted_share")
        y = _pick_year(xr["year"], year, "lorenz_chart")
        pts = (xr[xr["year"] == y][["iso3", "estimate"]].rename(columns={"estimate": "capacity"})
               .merge(yr[yr["year"] == y][["iso3", "estimate"]].rename(
                   columns={"estimate": "burden"}), on="iso3", validate="one_to_one")
               .sort_values(["capacity", "burden", "iso3"]))
        est = result.estimates
        g = est[(est["quantity"] == "gini") & est["iso3"].isna() & (est["year"] == y)]["estimate"]
        gini = float(g.iloc[0]) if len(g) else float("nan")
        left_out = []
    elif {"capacity_share", "burden_share"} <= q:
        b = _country_rows(result, "burden_share")
        k = _country_rows(result, "capacity_share")
        y = _pick_year(b["year"], year, "lorenz_chart")
        m = (b[b["year"] == y][["iso3", "estimate"]].rename(columns={"estimate": "b"})
             .merge(k[k["year"] == y][["iso3", "estimate"]].rename(columns={"estimate": "k"}),
                    on="iso3", validate="one_to_one").dropna())
        left_out = sorted(set(b.loc[b["year"] == y, "iso3"]) - set(m.loc[m["k"] > 0, "iso3"]))
        m = m[m["k"] > 0]
        gini, points = gini_lorenz(m["iso3"].to_numpy(dtype=object), m["b"].to_numpy(float),
                                   m["k"].to_numpy(float))
        pts = pd.DataFrame(points, columns=["iso3", "capacity", "burden"])
    else:
        raise ValueError("lorenz_chart needs a result with lorenz_capacity_share and "
                         "lorenz_hosted_share (hosting_concentration) or capacity_share and "
                         f"burden_share (relative_effort); this one has {sorted(q)}")
    start = pd.DataFrame({"iso3": [""], "capacity": [0.0], "burden": [0.0]})
    out = pd.concat([start, pts], ignore_index=True)
    out.attrs["left_out"] = left_out  # countries without a positive capacity share or a burden
    return y, gini, out


def lorenz_chart(result: Result, *, year: int | None = None, title: str | None = None) -> Any:
    """Lorenz curve of burden against capacity, with the line of proportional sharing.

    Countries are ordered from the lowest to the highest burden per unit of capacity; a curve
    far below the diagonal means a few countries carry most of the burden relative to their
    capacity (Gini in the subtitle).

    Parameters
    ----------
    result : Result
        ``hosting_concentration`` or ``relative_effort`` (or any result with the same
        quantities; see :func:`lorenz_points`).
    year : int, optional
    title : str, optional

    Returns
    -------
    altair.VConcatChart
        The curve and the diagonal above the footer.
    """
    import altair as alt

    y, gini, pts = lorenz_points(result, year)
    params = result.provenance.params
    cap = str(params.get("capacity", "capacity")).replace("_", " ")
    bur = str(params.get("burden", "refugees hosted")).replace("_", " ")
    if bur == "hosted":
        bur = "people hosted (" + "+".join(params.get("who_counts", ["refugees"])) + ")"
    df = pts.assign(country=[n if c else "" for c, n in zip(pts["iso3"], _names(pts["iso3"]))])
    diag = pd.DataFrame({"capacity": [0.0, 1.0], "burden": [0.0, 1.0]})
    ax = alt.Axis(format=".0%")
    xs = alt.X("capacity:Q", title=f"cumulative share of {cap}", axis=ax,
               scale=alt.Scale(domain=[0, 1]))
    ys = alt.Y("burden:Q", title=f"cumulative share of {bur}", axis=ax,
               scale=alt.Scale(domain=[0, 1]))
    eq = alt.Chart(inline(diag)).mark_line(color=NAVY, strokeDash=[4, 4]).encode(x=xs, y=ys)
    curve = alt.Chart(inline(df)).mark_line(color=PALETTE["blue"], strokeWidth=2,
                                            point=alt.OverlayMarkDef(size=14)).encode(
        x=xs, y=ys, order="capacity:Q",
        tooltip=[alt.Tooltip("country:N"), alt.Tooltip("capacity:Q", format=".1%"),
                 alt.Tooltip("burden:Q", format=".1%")])
    chart = alt.layer(eq, curve).properties(width=380, height=380)
    g = "not reported" if np.isnan(gini) else f"{gini:.2f}"
    sub = [f"Cumulative shares; countries ordered by burden per unit of {cap}; Gini {g}",
           "Dashed line: burden proportional to capacity"]
    desc = (f"Lorenz curve of {bur} against {cap} in {y} for {len(df) - 1} countries "
            f"({result.provenance.estimator}); Gini coefficient {g}. The further the curve "
            "lies below the dashed diagonal, the more unequal the sharing.")
    left = pts.attrs.get("left_out", [])
    notes = ([f"Not on the curve (no burden or no positive {cap} share): {', '.join(left)}"]
             if left else [])
    return finish(chart, title=title or f"Concentration of {bur} relative to {cap} | {y}",
                  subtitle=sub, footer=chart_footer(result, notes), description=desc,
                  width=380)


# ------------------------------------------------------------ contributions vs fair share
#: (actual, reference) quantity pairs recognised by :func:`contributions_chart`, in order.
CONTRIBUTION_PAIRS = (
    ("actual", "fair_share"),                     # fair_share_*, resettlement_effort
    ("unhcr_revenue_usd", "fair_share"),          # unhcr_funding_share
    ("support_received_usd", "host_cost_usd"),    # support_gap
    ("pledges_fulfilled", "pledges"),             # pledge_fulfilment
)


def contributions_chart(result: Result, *, year: int | None = None, top: int = 20,
                        actual: str | None = None, reference: str | None = None,
                        term: str | None = None, title: str | None = None) -> Any:
    """Bars of what each country contributed, ticks at its fair share (or other benchmark).

    Parameters
    ----------
    result : Result
        ``fair_share_funding``, ``fair_share_resettlement``, ``resettlement_effort``,
        ``unhcr_funding_share``, ``support_gap``, ``pledge_fulfilment`` (see
        :data:`CONTRIBUTION_PAIRS`), or any result given ``actual=`` and ``reference=``.
    year : int, optional
    top : int
        The countries with the largest reference value.
    actual, reference : str, optional
        Quantities to draw (same unit); default the first pair of :data:`CONTRIBUTION_PAIRS`
        the result has.
    term : str, optional
        Term to keep when a quantity has several per country.
    title : str, optional

    Returns
    -------
    altair.VConcatChart
        Bars and ticks above the footer.

    Raises
    ------
    ValueError
        No recognised pair, units that differ, or no rows.
    """
    import altair as alt

    q = set(result.estimates["quantity"])
    if actual is None or reference is None:
        pair = next(((a, b) for a, b in CONTRIBUTION_PAIRS
                     if (actual in (None, a)) and (reference in (None, b)) and {a, b} <= q), None)
        if pair is None:
            raise ValueError("contributions_chart: the result has none of the quantity pairs "
                             f"{list(CONTRIBUTION_PAIRS)}; pass actual= and reference= "
                             f"(quantities: {sorted(q)})")
        actual, reference = pair
    for name in (actual, reference):
        if name not in q:
            raise ValueError(f"contributions_chart: no quantity {name!r}; have {sorted(q)}")
    a = _country_rows(result, actual, term)
    b = _country_rows(result, reference, term)
    ua, ub = _unit(a), _unit(b)
    if ua != ub:
        raise ValueError(f"contributions_chart: {actual!r} is in {ua!r} but {reference!r} in "
                         f"{ub!r}; no silent rescaling")
    y = _pick_year(b["year"], year, "contributions_chart")
    ref = b[(b["year"] == y) & b["estimate"].notna()].nlargest(top, "estimate")
    act = a[(a["year"] == y) & a["iso3"].isin(ref["iso3"])]
    ref_name = quantity_label(reference, result.labels)
    act_name = quantity_label(actual, result.labels)
    both = pd.concat([
        pd.DataFrame({"iso3": act["iso3"].to_numpy(), "value": act["estimate"].to_numpy(),
                      "series": act_name}),
        pd.DataFrame({"iso3": ref["iso3"].to_numpy(), "value": ref["estimate"].to_numpy(),
                      "series": ref_name}),
    ], ignore_index=True)
    both["country"] = _names(both["iso3"])
    order = _names(ref["iso3"])
    colour = alt.Color("series:N", title=None, scale=alt.Scale(
        domain=[act_name, ref_name], range=[PALETTE["blue"], NAVY]),
        legend=alt.Legend(orient="top", direction="horizontal"))
    ycol = alt.Y("country:N", sort=order, title=None)
    tip = [alt.Tooltip("country:N"), alt.Tooltip("series:N"), alt.Tooltip("value:Q", format=d3_format())]
    base = alt.Chart()
    bars = base.transform_filter(alt.datum.series == act_name).mark_bar(height=10).encode(
        x=alt.X("value:Q", axis=_axis(both["value"], ua)), y=ycol, color=colour, tooltip=tip)
    ticks = base.transform_filter(alt.datum.series == ref_name).mark_tick(
        thickness=3, size=16).encode(x="value:Q", y=ycol, color=colour, tooltip=tip)
    chart = alt.layer(bars, ticks, data=inline(both)).properties(width=480, height=alt.Step(18))
    no_actual = [c for c in ref["iso3"] if c not in set(act["iso3"].dropna())
                 or act.loc[act["iso3"] == c, "estimate"].isna().all()]
    notes = ([f"No {_lc(act_name)} reported for: {', '.join(no_actual)}"] if no_actual else [])
    desc = (f"Bar chart of {_lc(act_name)} (bars) against {_lc(ref_name)} (ticks), in "
            f"{ua}, for the {len(ref)} countries with the largest {_lc(ref_name)} in {y} "
            f"({result.provenance.estimator}). A bar short of its tick means less than the "
            "benchmark." + (" " + notes[0] + "." if notes else ""))
    return finish(chart, title=title or f"{act_name} and {_lc(ref_name)} | {y}",
                  subtitle=[ua, f"Bars: {_lc(act_name)}; ticks: {_lc(ref_name)}"],
                  footer=chart_footer(result, notes), description=desc)
