"""Charts of the econometric host-impact designs: coefficients, event studies, synthetic control.

Pure functions from a :class:`~burdenshare.results.Result` (or a
:class:`~burdenshare.compare.Comparison` of several designs) to an Altair chart, finished like
every other burdenshare chart (title "What | period", subtitle with the unit and what the bars
mean, "Source: …" footer with licences and provenance, a text description). They draw only the
rows the estimators returned: no number is computed here except the treated unit's outcome in
the synthetic-control chart, which is ``synthetic_outcome + gap`` of the same year, as the
estimator defines the gap.

- :func:`coefficient_chart` — point estimates with their intervals, one row per (design, term):
  where methods agree and how uncertain each is;
- :func:`event_study_chart` — leads and lags of ``event_study`` / ``staggered_did`` with
  intervals, the reference period and the onset marked (the pre-trend picture);
- :func:`synthetic_control_chart` — the treated unit against its synthetic control, and the gap;
- :func:`result_chart` — the default chart of any result (used by the exporters).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..compare import Comparison
from ..estimators.did import event_study_frame
from ..presentation import chart_footer, country_name_or_code, d3_format, quantity_label
from ..results import Result
from ._builders import _INTERVAL_WORDS, _lc
from ._style import NAVY, PALETTE, finish, inline, row_header, tooltips

__all__ = ["coefficient_chart", "event_study_chart", "synthetic_control_chart", "result_chart",
           "EVENT_TIME_QUANTITIES"]

#: quantities holding leads and lags (``term`` = ``e=<event time>``)
EVENT_TIME_QUANTITIES = ("event_time_coefficient", "att_event_time")

#: the event-time periods of :func:`~burdenshare.estimators.did.event_study_frame`, as drawn
_PERIODS = {"pre": "before onset", "reference": "reference (e = -1)", "post": "from onset"}


def _level(rows: pd.DataFrame) -> str:
    lv = rows["ci_level"].dropna().unique()
    return f"{100 * float(lv[0]):g} % " if len(lv) == 1 else ""


def _whole_panel_rows(res: Result) -> pd.DataFrame:
    """Rows estimated once for the whole panel (no country, no year) with a value."""
    e = res.estimates
    keep = e["iso3"].isna() & e["year"].isna() & e["estimate"].notna() & \
        ~e["quantity"].isin(EVENT_TIME_QUANTITIES)
    return e[keep]


def _period(res: Result) -> str:
    d = res.diagnostics
    for a, b in (("first_panel_year", "last_panel_year"), ("first_year", "last_year")):
        if d.get(a) is not None and d.get(b) is not None:
            return f"{int(d[a])}-{int(d[b])}" if int(d[a]) != int(d[b]) else str(int(d[a]))
    return "whole panel"


# ------------------------------------------------------------------ coefficients
def coefficient_chart(obj: Result | Comparison, *, title: str | None = None) -> Any:
    """Point estimates and intervals of whole-panel estimates, one row per (design, term).

    The chart of a technical review comparing designs: ``panel_fe`` and ``iv_2sls``
    coefficients, ``did``/``staggered_did`` ATTs, side by side with their intervals and a zero
    line. Designs reporting in different units are drawn in separate panels with their own
    scale (a coefficient per refugee per 1,000 inhabitants is not an ATT in percentage points).

    Parameters
    ----------
    obj : Result or Comparison
        Results with whole-panel estimates (``iso3`` and ``year`` empty), e.g. ``panel_fe``,
        ``iv_2sls``, ``did``, ``staggered_did``. Leads and lags are left to
        :func:`event_study_chart`.
    title : str, optional
        Replaces the default "Estimated effects | period" title.

    Returns
    -------
    altair.VConcatChart
        Dots and intervals per (design, term), above the footer.

    Raises
    ------
    ValueError
        No result has a whole-panel estimate.

    Examples
    --------
    >>> import burdenshare as bs
    >>> from burdenshare.charts import coefficient_chart
    >>> comp = bs.compare(["panel_fe", "iv_2sls", "did"], bs.load_sample())  # doctest: +SKIP
    >>> coefficient_chart(comp)                                             # doctest: +SKIP
    """
    import altair as alt

    results: Mapping[str, Result] = dict(obj.results) if isinstance(obj, Comparison) \
        else {obj.provenance.estimator: obj}
    frames = []
    for m, r in results.items():
        rows = _whole_panel_rows(r)
        if rows.empty:
            continue
        frames.append(pd.DataFrame({
            "method": m, "term": rows["term"].astype(str).to_numpy(),
            "what": [quantity_label(q, r.labels) for q in rows["quantity"]],
            "unit": rows["unit"].astype(str).to_numpy(),
            "estimate": rows["estimate"].to_numpy(float),
            "std_error": rows["std_error"].to_numpy(float),
            "ci_lower": rows["ci_lower"].to_numpy(float),
            "ci_upper": rows["ci_upper"].to_numpy(float),
            "ci_level": rows["ci_level"].to_numpy(float),
            "interval": _INTERVAL_WORDS.get(r.uncertainty_method, "no interval"),
            "period": _period(r),
        }))
    if not frames:
        raise ValueError("coefficient_chart: no whole-panel estimate (coefficient or ATT) in "
                         f"{', '.join(results)}; event studies: use event_study_chart, "
                         "synthetic control: synthetic_control_chart")
    df = pd.concat(frames, ignore_index=True)
    drawn = list(dict.fromkeys(df["method"]))
    if isinstance(obj, Comparison) and len(drawn) < len(results):
        # the footer names the designs drawn, not those without a whole-panel estimate
        obj = Comparison(results={m: results[m] for m in drawn}, failures=obj.failures,
                         data_fingerprint=obj.data_fingerprint)
    df["row"] = [f"{m}: {t}" for m, t in zip(df["method"], df["term"])]
    df["panel"] = df["unit"]
    order = list(df["row"])
    units = list(dict.fromkeys(df["unit"]))
    methods = list(dict.fromkeys(df["method"]))
    colour = alt.Color("method:N", sort=methods, title=None, legend=None,
                       scale=alt.Scale(domain=methods, range=list(PALETTE)))
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X("estimate:Q", title=None, scale=alt.Scale(zero=True))
    tips = tooltips("method:N", "term:N", "estimate:Q", "std_error:Q", "ci_lower:Q",
                    "ci_upper:Q", "interval:N", "period:N")
    base = alt.Chart()
    rule = base.transform_filter("isValid(datum.ci_lower) && isValid(datum.ci_upper)").mark_rule(
        strokeWidth=2).encode(x="ci_lower:Q", x2="ci_upper:Q", y=y, color=colour)
    point = base.mark_point(filled=True, size=70).encode(x=x, y=y, color=colour, tooltip=tips)
    zero = base.mark_rule(color=PALETTE["grey"], strokeDash=[4, 3]).encode(x="zero:Q")
    text = base.mark_text(align="left", dy=-9, fontSize=10).encode(
        x=x, y=y, text=alt.Text("estimate:Q", format=d3_format(3)), color=colour)
    df["zero"] = 0.0
    height = max(60, 28 * int(df.groupby("panel").size().max()))
    inner = alt.layer(zero, rule, point, text, data=inline(df)).properties(width=420,
                                                                          height=height)
    if len(units) > 1:
        chart = inner.facet(row=alt.Row("panel:N", sort=units, title=None,
                                        header=row_header())).resolve_scale(
            y="independent", x="independent")
        subtitle = ["One panel per unit of measurement (panels are not on one scale)"]
    else:
        chart = inner
        subtitle = [units[0]]
    kinds = sorted(set(df.loc[df["ci_lower"].notna(), "interval"]))
    if kinds:
        subtitle.append(f"Lines: {_level(df)}" + "; ".join(kinds) + "; dashed line: zero")
    no_ci = sorted(set(df.loc[df["ci_lower"].isna(), "row"]))
    notes = [f"No interval: {', '.join(no_ci)}"] if no_ci else []
    periods = sorted(set(df["period"]))
    per = periods[0] if len(periods) == 1 else "several periods"
    what = "Estimated effects" if len(set(df["what"])) > 1 else df["what"].iloc[0]
    desc = (f"Dot-and-interval chart of {len(df)} whole-panel estimates from "
            f"{', '.join(methods)}: " + "; ".join(
                f"{r} {v:.3g}" + (f" ({lo:.3g} to {hi:.3g})" if np.isfinite(lo) else "")
                for r, v, lo, hi in zip(df["row"], df["estimate"], df["ci_lower"],
                                        df["ci_upper"])) + ".")
    return finish(chart, title=title or f"{what} | {per}", subtitle=subtitle,
                  footer=chart_footer(obj, notes), description=desc)


# ------------------------------------------------------------------ event study
def event_study_chart(result: Result, *, title: str | None = None) -> Any:
    """Leads and lags of an ``event_study`` or ``staggered_did`` result, with intervals.

    Effects by event time (years since onset) relative to the reference period ``e = -1``
    (drawn as a hollow point at zero, it has no interval by construction), a zero line, and a
    dashed line between the last pre-period and the onset. Pre-period estimates far from zero
    are the visual form of the pre-trend test (its Wald p-value, when the result has one, is in
    the subtitle).

    Parameters
    ----------
    result : Result
        From ``event_study`` (quantity ``event_time_coefficient``) or ``staggered_did``
        (``att_event_time``).
    title : str, optional
        Replaces the default title.

    Returns
    -------
    altair.VConcatChart
        Leads and lags with their intervals, above the footer.

    Raises
    ------
    ValueError
        The result has no event-time estimates.
    """
    import altair as alt

    e = result.estimates
    q = next((x for x in EVENT_TIME_QUANTITIES if x in set(e["quantity"])), None)
    if q is None:
        raise ValueError(f"event_study_chart: {result.provenance.estimator} has no event-time "
                         "estimates (use event_study or staggered_did)")
    rows = e[e["quantity"] == q]
    df = event_study_frame(result)
    df["period"] = df["period"].map(_PERIODS)
    unit = str(rows["unit"].iloc[0])
    kinds = [_PERIODS["pre"], _PERIODS["reference"], _PERIODS["post"]]
    colour = alt.Color("period:N", sort=kinds, title=None, scale=alt.Scale(
        domain=kinds, range=[PALETTE["grey"], PALETTE["grey"], PALETTE["blue"]]),
        legend=alt.Legend(orient="top", direction="horizontal"))
    x = alt.X("event_time:Q", title="Years since onset", axis=alt.Axis(format="d",
                                                                       tickMinStep=1))
    base = alt.Chart()
    band = base.transform_filter("isValid(datum.ci_lower) && isValid(datum.ci_upper)").mark_rule(
        strokeWidth=2).encode(x=x, y="ci_lower:Q", y2="ci_upper:Q", color=colour)
    point = base.mark_point(filled=True, size=60).encode(
        x=x, y=alt.Y("estimate:Q", title=None), color=colour,
        shape=alt.Shape("period:N", sort=kinds, legend=None, scale=alt.Scale(
            domain=kinds, range=["circle", "diamond", "circle"])),
        tooltip=[alt.Tooltip("event_time:Q", format="d", title="event time"),
                 *tooltips("estimate:Q", "std_error:Q", "ci_lower:Q", "ci_upper:Q")])
    df["zero"], df["onset"] = 0.0, -0.5
    zero = base.mark_rule(color=PALETTE["grey"]).encode(y="zero:Q")
    onset = base.mark_rule(color=NAVY, strokeDash=[4, 3]).encode(x="onset:Q")
    chart = alt.layer(zero, onset, band, point, data=inline(df)).properties(width=480,
                                                                           height=240)
    d = result.diagnostics
    subtitle = [f"{unit}, relative to the year before onset"]
    if result.uncertainty_method in _INTERVAL_WORDS:
        subtitle.append(f"Lines: {_level(rows)}{_INTERVAL_WORDS[result.uncertainty_method]}")
    p = d.get("pretrend_p_value")
    if p is not None and np.isfinite(float(p)):
        subtitle.append(f"Pre-trend test (joint Wald, leads = 0): p = {float(p):.3g}")
    what = quantity_label(q, result.labels)
    pre = df[df["event_time"] < -1]
    desc = (f"Event-study chart of {_lc(what)} from {int(df['event_time'].min())} to "
            f"{int(df['event_time'].max())} years since onset; the year before onset is the "
            f"reference at zero. {len(pre)} pre-onset estimates"
            + (f", of which {int(((pre['ci_lower'] > 0) | (pre['ci_upper'] < 0)).sum())} have "
               "an interval excluding zero" if pre["ci_lower"].notna().any() else "")
            + f"; the effect at onset is {df.loc[df['event_time'] == 0, 'estimate'].iloc[0]:.3g}"
            if (df["event_time"] == 0).any() else f"Event-study chart of {_lc(what)}") + "."
    return finish(chart, title=title or f"{what} | {_period(result)}", subtitle=subtitle,
                  footer=chart_footer(result), description=desc)


# ------------------------------------------------------------------ synthetic control
def synthetic_control_chart(result: Result, *, title: str | None = None) -> Any:
    """The treated unit against its synthetic control, and the gap, by year.

    Top: the treated unit's outcome (``synthetic_outcome + gap``, as the estimator defines the
    gap) and the synthetic control's; bottom: the gap with a zero line. A dashed line marks the
    treatment year. The placebo-in-space p-value and the pre-treatment fit (RMSPE), when the
    result has them, are in the subtitle.

    Parameters
    ----------
    result : Result
        From ``synthetic_control``.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    altair.VConcatChart
        The two paths over the gap bars, above the footer.

    Raises
    ------
    ValueError
        The result has no ``gap`` and ``synthetic_outcome`` rows.
    """
    import altair as alt

    e = result.estimates
    gap = e[e["quantity"] == "gap"]
    syn = e[e["quantity"] == "synthetic_outcome"]
    if gap.empty or syn.empty:
        raise ValueError(f"synthetic_control_chart: {result.provenance.estimator} has no gap "
                         "and synthetic_outcome rows (use synthetic_control)")
    g = gap.set_index("year")["estimate"].astype(float)
    s = syn.set_index("year")["estimate"].astype(float).reindex(g.index)
    d = result.diagnostics
    code = str(d.get("treated") or gap["iso3"].iloc[0])
    who = code if "/" in code else country_name_or_code(code)  # an area keeps its ISO3/area code
    years = g.index.astype(int).to_numpy()
    paths = pd.DataFrame({
        "year": np.concatenate([years, years]),
        "series": [who] * len(years) + ["synthetic control"] * len(years),
        "value": np.concatenate([(s + g).to_numpy(), s.to_numpy()]),
    })
    gaps = pd.DataFrame({"year": years, "gap": g.to_numpy(), "zero": 0.0})
    ty = d.get("treatment_year")
    unit = str(gap["unit"].iloc[0])
    series = [who, "synthetic control"]
    colour = alt.Color("series:N", sort=series, title=None, scale=alt.Scale(
        domain=series, range=[PALETTE["blue"], PALETTE["grey"]]),
        legend=alt.Legend(orient="top", direction="horizontal"))
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1),
              scale=alt.Scale(zero=False, nice=False))
    marks = pd.DataFrame({"treatment_year": [float(ty) - 0.5 if ty is not None else np.nan]})
    onset = alt.Chart(inline(marks)).transform_filter("isValid(datum.treatment_year)").mark_rule(
        color=NAVY, strokeDash=[4, 3]).encode(x="treatment_year:Q")
    top = alt.layer(
        alt.Chart(inline(paths)).mark_line(strokeWidth=2).encode(
            x=x, y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=False)), color=colour,
            strokeDash=alt.StrokeDash("series:N", sort=series, legend=None),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("year:Q", format="d"),
                     alt.Tooltip("value:Q", format=d3_format())]),
        onset).properties(width=480, height=200)
    bottom = alt.layer(
        alt.Chart().mark_rule(color=PALETTE["grey"]).encode(y="zero:Q"),
        alt.Chart().mark_bar(color=PALETTE["blue"]).encode(
            x=x, y=alt.Y("gap:Q", title="Gap (treated - synthetic)"),
            tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("gap:Q", format=d3_format())]),
        data=inline(gaps)).properties(width=480, height=120)
    bottom = alt.layer(bottom, onset)
    subtitle = [unit]
    if ty is not None:
        subtitle.append(f"Dashed line: treatment from {int(ty)}")
    facts = []
    if d.get("pre_rmspe") is not None:
        facts.append(f"pre-treatment RMSPE {float(d['pre_rmspe']):.3g}")
    if d.get("placebo_p_value") is not None:
        facts.append(f"placebo-in-space p = {float(d['placebo_p_value']):.3g} "
                     f"({int(d.get('n_placebos', 0))} placebos)")
    if facts:
        subtitle.append("; ".join(facts))
    weights = d.get("donor_weights") or {}
    ranked = sorted(weights.items(), key=lambda kv: -kv[1])
    notes = ["Synthetic control: " + ", ".join(
        f"{k if '/' in k else country_name_or_code(k)} {v:.2f}" for k, v in ranked if v >= 0.005)
        + (f" ({sum(v < 0.005 for _, v in ranked)} donors under 0.005 not listed)"
           if any(v < 0.005 for _, v in ranked) else "")] if weights else []
    post = gaps[gaps["year"] >= ty] if ty is not None else gaps.iloc[0:0]
    per = f"{years.min()}-{years.max()}"
    outcome = quantity_label(str(result.provenance.params.get("outcome", "outcome")))
    desc = (f"Line chart of {who}'s {_lc(outcome)} and its "
            f"synthetic control over {per}, with the yearly gap as bars below"
            + (f"; the mean gap from {int(ty)} is {post['gap'].mean():.3g}"
               if ty is not None and len(post) else "")
            + ".")
    chart = alt.vconcat(top, bottom, spacing=8)
    return finish(chart, title=title or f"{who}: treated and synthetic control | {per}",
                  subtitle=subtitle, footer=chart_footer(result, notes), description=desc)


# ------------------------------------------------------------------ default chart
def result_chart(result: Result, *, year: int | None = None, top: int = 20,
                 quantity: str | None = None, title: str | None = None) -> Any:
    """The default chart of a result: what the exporters draw for ``.png/.svg/.pdf``.

    Synthetic control → :func:`synthetic_control_chart`; leads and lags →
    :func:`event_study_chart`; estimates for the whole panel (coefficients, ATTs) →
    :func:`coefficient_chart`; country estimates → :func:`~burdenshare.charts.ranking_chart`.

    Parameters
    ----------
    result : Result
    year, top, quantity : optional
        Passed to :func:`~burdenshare.charts.ranking_chart` for country estimates.
    title : str, optional

    Returns
    -------
    altair chart

    Raises
    ------
    ValueError
        Nothing to draw.
    """
    from ._builders import ranking_chart

    qs = set(result.estimates["quantity"])
    q = quantity or result.main_quantity
    if q in ("gap", "synthetic_outcome") and "synthetic_outcome" in qs:
        return synthetic_control_chart(result, title=title)
    if q in EVENT_TIME_QUANTITIES:
        return event_study_chart(result, title=title)
    if quantity is None and not _whole_panel_rows(result).empty and \
            result.estimates["iso3"].isna().all():
        return coefficient_chart(result, title=title)
    return ranking_chart(result, year=year, top=top, quantity=quantity, title=title)
