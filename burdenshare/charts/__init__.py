"""Altair chart builders: pure functions from results and comparisons to ``alt.Chart``.

altair is imported inside each function (``import burdenshare`` stays light). Charts carry
their provenance in the subtitle/caption.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .compare import Comparison
from .countries import country_name
from .results import Result

__all__ = ["ranking_chart", "save_chart"]


def ranking_chart(result: Result, *, year: int | None = None, top: int = 20,
                  quantity: str | None = None, title: str | None = None) -> Any:
    """Horizontal bar chart of the ``top`` countries on one quantity in one year.

    Parameters
    ----------
    result : Result
    year : int, optional
        Default: the latest year in the result.
    top : int
    quantity : str, optional
        Default: the result's main quantity.
    title : str, optional

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    q = quantity or result.main_quantity
    est = result.estimates
    sub = est[(est["quantity"] == q) & est["iso3"].notna()]
    if sub.empty:
        raise ValueError(f"the result has no country rows for quantity {q!r}")
    y = int(year if year is not None else sub["year"].max())
    sub = sub[sub["year"] == y]
    # the heaviest burdens: largest values, or smallest for indices like "1 in N"
    if result.diagnostics.get("higher_means_more_burden", True):
        sub = sub.nlargest(top, "estimate")
    else:
        sub = sub.nsmallest(top, "estimate")
    unit = str(sub["unit"].iloc[0]) if len(sub) else ""
    df = pd.DataFrame({
        "country": [country_name(c) for c in sub["iso3"]],
        "iso3": sub["iso3"].to_numpy(),
        "estimate": sub["estimate"].to_numpy(),
    })
    prov = result.provenance
    sources = "; ".join(f"{s['title']} ({s['retrieved'] or s['vintage']})" for s in prov.sources)
    chart = (
        alt.Chart(df)
        .mark_bar(color="#0072BC")
        .encode(
            x=alt.X("estimate:Q", title=unit),
            y=alt.Y("country:N", sort=list(df["country"]), title=None),
            tooltip=["country", "iso3", alt.Tooltip("estimate:Q", format=",.2f")],
        )
        .properties(
            width=480,
            height=alt.Step(16),
            title=alt.TitleParams(
                text=title or f"{q.replace('_', ' ').capitalize()} | {y}",
                subtitle=[unit, f"Source: {sources}",
                          f"burdenshare {prov.package_version}, {prov.estimator} "
                          f"v{prov.estimator_version}, data {prov.data_fingerprint[:12]}"],
                anchor="start",
            ),
        )
    )
    return chart


def comparison_ranks_chart(comp: Comparison, *, year: int) -> Any:
    """Rank of each country under each method (dots), for one year.

    Parameters
    ----------
    comp : Comparison
    year : int

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    r = comp.ranks().reset_index()
    r = r[r["year"] == year].melt(id_vars=["iso3", "year"], var_name="method", value_name="rank")
    r = r.dropna(subset=["rank"])
    return alt.Chart(r).mark_point().encode(
        x=alt.X("rank:Q"), y=alt.Y("iso3:N", sort="x"), color="method:N",
        tooltip=["iso3", "method", "rank"])


def save_chart(chart: Any, path: str) -> None:
    """Save a chart as PNG, SVG or PDF offline (vl-convert; no browser, no CDN).

    Parameters
    ----------
    chart : altair.Chart
    path : str
    """
    chart.save(path, scale_factor=2) if str(path).endswith(".png") else chart.save(path)
