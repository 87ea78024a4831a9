"""Charts of a decision grid: the specification curve (sorted estimates above, the choice
matrix beneath) and the variance attribution (share of the spread per choice).

Pure functions from :mod:`burdenshare.multiverse` outputs to Altair charts; altair is imported
inside each function.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd

from ..multiverse import CurveData
from ..presentation import country_name_or_code, d3_format
from ._style import NAVY, PALETTE, finish, inline

__all__ = ["attribution_chart", "specification_curve_chart"]


def specification_curve_chart(curve: CurveData, *, footer: Sequence[str] = (),
                              title: str | None = None, width: int = 520) -> Any:
    """Specification curve: one point per universe, sorted, with the choice matrix beneath.

    Parameters
    ----------
    curve : CurveData
        From :func:`burdenshare.multiverse.specification_curve` (or ``Multiverse.curve``).
    footer : sequence of str
        Caption lines (``Multiverse.footer()`` gives the sources and provenance).
    title : str, optional
    width : int

    Returns
    -------
    altair.VConcatChart
    """
    import altair as alt

    pts = curve.points.copy()
    if pts.empty:
        raise ValueError(f"the curve of {curve.iso3} has no points")
    pts["has_interval"] = pts["ci_lower"].notna() & pts["ci_upper"].notna()
    x = alt.X("position:Q", title="Specification (sorted)",
              scale=alt.Scale(domain=[0.5, len(pts) + 0.5]), axis=alt.Axis(tickMinStep=1))
    rank = curve.on == "rank"
    ytitle = "Rank (1 = heaviest burden)" if rank else curve.unit
    y = alt.Y("estimate:Q", title=ytitle, scale=alt.Scale(reverse=rank, zero=False))
    choices = list(dict.fromkeys(curve.matrix["choice"]))
    tooltip = ["universe_id:Q", "method:N", alt.Tooltip("estimate:Q", format=d3_format()),
               *[f"{c}:N" for c in choices if c != "method"]]
    base = alt.Chart(inline(pts)).encode(x=x)
    bars = base.transform_filter("datum.has_interval").mark_rule(color="#8fc1e1").encode(
        y=alt.Y("ci_lower:Q", title=ytitle, scale=alt.Scale(reverse=rank, zero=False)),
        y2="ci_upper:Q")
    dots = base.mark_circle(size=36, opacity=1).encode(
        y=y, color=alt.Color("median:N", legend=None,
                             scale=alt.Scale(domain=[False, True], range=[PALETTE[0], "#EF4A60"])),
        tooltip=tooltip)
    top = (bars + dots).properties(width=width, height=220)
    mat = curve.matrix.copy()
    mat["row"] = mat["choice"] + ": " + mat["level"].astype(str)
    order = list(dict.fromkeys(mat.sort_values(["choice", "level"])["row"]))
    bottom = alt.Chart(inline(mat)).mark_tick(thickness=2, color=NAVY).encode(
        x=alt.X("position:Q", title=None, scale=alt.Scale(domain=[0.5, len(pts) + 0.5]),
                axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("row:N", sort=order, title=None),
        tooltip=["universe_id:Q", "choice:N", "level:N"],
    ).properties(width=width, height=alt.Step(14))
    chart = alt.vconcat(top, bottom, spacing=6)
    who = country_name_or_code(curve.iso3)
    what = f"rank of {who}" if rank else f"{curve.quantity.replace('_', ' ')}"
    desc = (f"Specification curve of {who} in {curve.year}: {len(pts)} universes "
            f"sorted by {what} from {pts['estimate'].min():,.4g} to {pts['estimate'].max():,.4g}; "
            f"the median universe is marked; beneath, which choice each universe made.")
    notes = [f"{len(curve.missing)} universe(s) have no value for {curve.iso3} (listed in the "
             "curve's missing table)."] if len(curve.missing) else []
    return finish(
        chart,
        title=title or f"{who}: {'rank' if rank else 'estimate'} in every "
                       f"specification | {curve.year}",
        subtitle=[ytitle, "Each dot is one universe of the grid; bars are reported intervals"],
        footer=[*notes, *footer], description=desc, width=width)


def attribution_chart(attribution: pd.DataFrame, *, iso3: str | None = None,
                      family: str | None = None, quantity: str | None = None,
                      year: int | None = None, share: Literal["shapley", "anova"] = "shapley",
                      footer: Sequence[str] = (), title: str | None = None,
                      width: int = 420) -> Any:
    """Bars: the share of the spread explained by each choice (and interaction).

    Parameters
    ----------
    attribution : pandas.DataFrame
        From :func:`burdenshare.multiverse.attribution` (``Multiverse.attribution()``).
    iso3 : str, optional
        A country; default the overall rows.
    family, quantity : str, optional
        Which group to show when the frame holds several.
    year : int, optional
    share : {"shapley", "anova"}
        Shapley shares (one per choice, sum to the explained share) or the ANOVA terms with
        interactions (full-factorial designs only).
    footer : sequence of str
    title : str, optional
    width : int

    Returns
    -------
    altair.VConcatChart
    """
    import altair as alt

    a = attribution
    a = a[a["iso3"] == iso3] if iso3 is not None else a[a["scope"] == "overall"]
    for col, val in (("family", family), ("quantity", quantity), ("year", year)):
        if val is not None:
            a = a[a[col] == val]
    groups = a.drop_duplicates(["family", "quantity", "year"])
    if len(groups) != 1:
        opts = groups[["family", "quantity", "year"]].to_dict("records")
        raise ValueError(f"choose one group (family=, quantity=, year=); the selection holds "
                         f"{len(groups)}: {opts}")
    col = "share_shapley" if share == "shapley" else "share_anova"
    rows = a[a[col].notna()].copy()
    if rows.empty:
        raise ValueError(f"no {share} shares for this selection (ANOVA terms need a complete "
                         "full-factorial design; use share='shapley')")
    rows["pct"] = 100 * rows[col]
    rows = rows.sort_values("pct", ascending=False)
    who = country_name_or_code(iso3) if iso3 is not None else "all countries"
    g = groups.iloc[0]
    what = "rank" if g["quantity"] == "rank" else str(g["quantity"]).replace("_", " ")
    chart = alt.Chart(inline(rows[["term", "pct", "order", "design"]])).mark_bar(
        color=PALETTE[0]).encode(
        x=alt.X("pct:Q", title="Share of the spread (%)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("term:N", sort=list(rows["term"]), title=None),
        tooltip=["term:N", alt.Tooltip("pct:Q", format=".1f"), "design:N"],
    ).properties(width=width, height=alt.Step(18))
    design = str(g["design"])
    notes = [f"Design: {design.replace('_', ' ')}; "
             + ("Shapley shares split each interaction equally between its choices."
                if share == "shapley" else "ANOVA terms of a full factorial sum to 100 %."),
             "Choices are not random variables: the shares describe this grid, whose design "
             "weights the answer."]
    top = rows.iloc[0]
    desc = (f"Share of the spread of the {what} of {who} explained by each choice; the largest "
            f"is {top['term']} ({top['pct']:.0f} %).")
    return finish(chart, title=title or f"What moves the {what} of {who} | {g['year']}",
                  subtitle=[f"{share.capitalize()} shares of the variance across universes",
                            f"family: {g['family']}"],
                  footer=[*notes, *footer], description=desc, width=width)
