r"""Synthetic control (:class:`SyntheticControl`, ``synthetic_control``) with placebo-in-space
inference, wrapping :class:`pysyncon.Synth`.

burdenshare builds the balanced unit-year panel itself (donors with gaps, years the treated
unit lacks, codes that are not countries and observations outside the window are excluded
with a reason) and gives pysyncon complete matrices. A unit is a country (``LBN``) or a
sub-national area (``TUR/TR-34``, from observations with an ``area``). Formula, assumptions and validation:
``methodology/synthetic_control.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .._errors import ParameterError
from ..data import Dataset
from ..indicators import VOCABULARY
from ..labels import Labels
from ..results import Computation
from ._panel import (
    PanelBuilder,
    YearWindow,
    check_known_units,
    check_outcome,
    check_unit_codes,
    check_years,
    match_codes,
    outcome_field,
    require,
    years_field,
)
from ._panel.labels import FAMILY
from .base import EstimatorBase, Ledger, library_version, sources_field

__all__ = ["SyntheticControl", "synth_weights"]

#: World Bank Middle East & North Africa economies other than Syria and the three neighbours
#: that received most of its refugees (Lebanon, Jordan, Iraq): the default donor pool.
_MENA_DONORS = ("ARE", "BHR", "DJI", "DZA", "EGY", "IRN", "ISR", "KWT", "LBY", "MAR", "MLT",
                "OMN", "PSE", "QAT", "SAU", "TUN", "YEM")


def synth_weights(z1_pre: pd.Series, z0_pre: pd.DataFrame) -> np.ndarray:
    """Donor weights of a synthetic control fitted on the pre-treatment outcome path.

    Calls :meth:`pysyncon.Synth.fit` with the pre-treatment outcomes as predictors and equal
    predictor weights (``custom_V``), i.e. the convex combination of donors closest to the
    treated unit's (standardised) pre-treatment path.

    Parameters
    ----------
    z1_pre : pandas.Series
        Treated unit's outcome, one value per pre-treatment year.
    z0_pre : pandas.DataFrame
        Donors' outcomes (years x donors).

    Returns
    -------
    numpy.ndarray
        Non-negative weights summing to one, in the order of ``z0_pre``'s columns.
    """
    from pysyncon import Synth

    s = Synth()
    s.fit(X0=z0_pre, X1=z1_pre, Z0=z0_pre, Z1=z1_pre, custom_V=np.ones(len(z1_pre)))
    w = np.clip(np.asarray(s.W, dtype=float), 0.0, None)
    weights: np.ndarray = w / w.sum()
    return weights


def _rmspe(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x)))) if len(x) else float("nan")


@dataclass(frozen=True, kw_only=True)
class SyntheticControl(YearWindow, EstimatorBase):
    r"""Synthetic control for one treated unit, with placebo-in-space inference.

    A unit is a country (ISO3 code) or, with sub-national observations (column ``area``), an area
    written ``ISO3/area`` (e.g. ``TUR/TR-34``). Weights :math:`w_j \ge 0`,
    :math:`\sum_j w_j = 1` on donor units minimise the distance between the treated unit's
    pre-treatment outcome path and the weighted donors' (pysyncon, equal weights on each
    standardised pre-treatment year). The effect estimate is the gap

    .. math:: \hat\tau_t = y_{1t} - \sum_j w_j\, y_{jt}, \quad t \ge T_0

    (quantity ``gap``, one row per year, pre-treatment years included as a fit check) and its
    post-treatment mean (``att_post``). Inference is the placebo-in-space rank test of Abadie,
    Diamond and Hainmueller (2010): each donor in turn is treated as if treated, and the p-value is
    the share of units whose post/pre RMSPE ratio is at least the treated unit's. No interval
    is reported: ``uncertainty_method="permutation"`` with the placebo test, ``"none"`` with
    ``placebo=False``. For an area, the estimate rows carry the
    country in ``iso3`` and the unit code ``ISO3/area`` in ``term``. See
    ``methodology/synthetic_control.md``.

    Parameters
    ----------
    outcome : str
        Outcome indicator (default ``unemployment_rate``).
    treated : str
        The treated unit: an ISO3 code (default Lebanon) or ``ISO3/area`` for an area.
    treatment_year : int
        First treated year (default 2012, the first year of large Syrian arrivals).
    first_year, last_year : int
        Window (default 2000-2019, before COVID-19 and Lebanon's 2019 financial collapse).
    donors : tuple of str
        Donor pool: ISO3 codes (the country, or every area of it on a sub-national panel) and
        ``ISO3/area`` codes (one area); empty means every unit with complete data, less
        ``exclude_donors``.
    exclude_donors : tuple of str
        Units never used as donors (e.g. those hit by the same shock), ISO3 (the country and
        all its areas) or ``ISO3/area``; an exclusion always wins over ``donors``.
    placebo : bool
        Run the placebo-in-space test (one refit per donor).
    sources : tuple of (indicator, source)

    Examples
    --------
    >>> import burdenshare as bs
    >>> res = bs.SyntheticControl().estimate(bs.load_sample())   # doctest: +SKIP
    >>> res.diagnostics["placebo_p_value"]                       # doctest: +SKIP
    """

    name: ClassVar[str] = "synthetic_control"
    #: 1.1: observations with an area are units (ISO3/area) instead of excluded as subnational,
    #: so results on data with areas can change
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "gap"
    unit: ClassVar[str] = "units of the outcome indicator"
    requires: ClassVar[frozenset[str]] = frozenset({"unemployment_rate"})
    reference: ClassVar[str] = "methodology/synthetic_control.md"
    summary: ClassVar[str] = ("Synthetic control (pysyncon) of a host country's outcome after a "
                              "refugee inflow, with placebo-in-space p-value")
    labels: ClassVar[Labels] = Labels(
        title="Synthetic control",
        family=FAMILY,
        description="Gap between a host's outcome after a refugee inflow and a weighted "
                    "combination of donor units that tracked it before",
        unit="units of the outcome indicator",
        quantities={"gap": "Gap: treated minus synthetic control",
                    "synthetic_outcome": "Synthetic control outcome",
                    "att_post": "Mean post-treatment gap"},
        diagnostics={"treated": "Treated unit", "treatment_year": "Treatment year",
                     "n_donors": "Donors", "pre_rmspe": "Pre-treatment RMSPE",
                     "post_rmspe": "Post-treatment RMSPE",
                     "post_pre_rmspe_ratio": "Post/pre RMSPE ratio",
                     "placebo_p_value": "Placebo p-value (in space)",
                     "placebo_rank": "Placebo rank", "excluded": "Observations excluded"},
    )

    outcome: str = outcome_field()
    treated: str = field(default="LBN", metadata={
        "doc": "the treated unit: ISO3 code of a country, or ISO3/area for a sub-national area "
               "(e.g. TUR/TR-34)"})
    treatment_year: int = field(default=2012, metadata={
        "doc": "first treated year", "ge": 1900, "le": 2100})
    first_year: int = years_field((2000, 2019))[0]
    last_year: int = years_field((2000, 2019))[1]
    donors: tuple[str, ...] = field(default=_MENA_DONORS, metadata={
        "doc": "donor pool: ISO3 codes (the country, or every area of it) and ISO3/area codes "
               "(empty: every unit with complete data, less exclude_donors)"})
    exclude_donors: tuple[str, ...] = field(default=("SYR", "JOR", "TUR", "IRQ"), metadata={
        "doc": "units never used as donors (e.g. hit by the same shock): ISO3 (the country and "
               "all its areas) or ISO3/area"})
    placebo: bool = field(default=True, metadata={
        "doc": "run the placebo-in-space test (one refit per donor)"})
    sources: tuple[tuple[str, str], ...] = sources_field()

    #: sub-national areas are units (``ISO3/area``) for the treated unit and the donors
    supports_areas: ClassVar[bool] = True

    def _validate(self) -> None:
        check_outcome(self.outcome)
        check_years(self.years)
        check_unit_codes("treated", [self.treated])
        check_unit_codes("donors", self.donors)
        check_unit_codes("exclude_donors", self.exclude_donors)
        if self.treated in self.donors:
            raise ParameterError(f"parameter 'donors' contains the treated unit {self.treated}")
        if not self.years[0] + 1 < self.treatment_year <= self.years[1]:
            raise ParameterError(
                f"parameter 'treatment_year' = {self.treatment_year} must leave at least two "
                f"pre-treatment years and lie within first_year-last_year = {self.years[0]}-{self.years[1]}")

    def inputs(self) -> frozenset[str]:
        """The outcome indicator."""
        return frozenset({self.outcome})

    def _treated_level(self, frame: pd.DataFrame) -> None:
        """Raise :class:`ParameterError` if an ISO3 ``treated`` is only given by areas."""
        if "/" in self.treated:
            return
        mine = frame[frame["iso3"] == self.treated]
        if len(mine) and bool(mine["area"].notna().all()):
            areas = sorted(self.treated + "/" + mine["area"].astype(str).unique())
            raise ParameterError(
                f"parameter 'treated' = {self.treated!r}: these data give {self.treated} by "
                f"sub-national area only, so the treated unit is one area: name it as ISO3/area, "
                f"e.g. {', '.join(areas[:6])}{' ...' if len(areas) > 6 else ''}")

    def _compute(self, data: Dataset) -> Computation:
        ledger, pb, years, donors = self._sample(data)
        t = pb.table
        tr = self.treated
        pre = [y for y in years if y < self.treatment_year]
        post = [y for y in years if y >= self.treatment_year]
        wide = t.pivot(index="year", columns="iso3", values=self.outcome).loc[years]
        z1 = wide[tr]
        z0 = wide[donors]
        w = synth_weights(z1.loc[pre], z0.loc[pre])
        synth = z0.to_numpy() @ w
        gap = z1.to_numpy() - synth
        is_pre = np.array([y < self.treatment_year for y in years])
        pre_rmspe, post_rmspe = _rmspe(gap[is_pre]), _rmspe(gap[~is_pre])
        ratio = post_rmspe / pre_rmspe if pre_rmspe > 0 else float("inf")
        rows = self._rows(years, gap, synth, post)
        diag: dict[str, Any] = {
            "treated": tr,
            "sub_national": bool((t["iso3"] != t["country"]).any()),
            "treatment_year": self.treatment_year,
            "pre_years": f"{pre[0]}-{pre[-1]}",
            "post_years": f"{post[0]}-{post[-1]}",
            "n_donors": len(donors),
            "donor_weights": {d: float(v) for d, v in zip(donors, w) if v > 1e-6},
            "pre_rmspe": pre_rmspe,
            "post_rmspe": post_rmspe,
            "post_pre_rmspe_ratio": ratio,
            "library": f"pysyncon {library_version('pysyncon')}",
            "sources_used": ", ".join(f"{k}={v}" for k, v in sorted(ledger.chosen_source.items())),
        }
        if self.placebo:
            diag.update(_placebo_test(z0, donors, pre, is_pre, ratio))
        excluded = ledger.excluded_frame()
        diag["excluded"] = len(excluded)
        return Computation(estimates=pd.DataFrame(rows), excluded=excluded, used=ledger.n_used,
                           assumptions=self._assumptions(post, len(donors)), diagnostics=diag,
                           uncertainty_method="permutation" if self.placebo else "none")

    def _sample(self, data: Dataset) -> tuple[Ledger, PanelBuilder, list[int], list[str]]:
        """The balanced panel of the treated unit and its donors, every observation settled.

        Returns the ledger, the panel, the treated unit's years and the donors (sorted).
        """
        ledger = Ledger(data, [self.outcome], dict(self.sources), owner=self.name,
                        supports_areas=self.supports_areas)
        for param, codes in (("treated", [self.treated]), ("donors", self.donors),
                             ("exclude_donors", self.exclude_donors)):
            check_known_units(param, codes, ledger.frame, self.outcome)
        self._treated_level(ledger.frame)
        pb = PanelBuilder(ledger, [self.outcome], self.years)
        self._keep_pool(pb)
        years = self._keep_treated_years(pb)
        self._drop_gappy(pb, years)
        t = pb.table
        pre = [y for y in years if y < self.treatment_year]
        post = [y for y in years if y >= self.treatment_year]
        donors = sorted(set(t["iso3"].unique()) - {self.treated})
        require(len(pre) >= 2 and len(post) >= 1,
                f"synthetic_control: {self.treated} needs at least two complete years before "
                f"and one from {self.treatment_year} within {self.years[0]}-{self.years[1]} in "
                f"these data (has {len(pre)} before, {len(post)} from)")
        demo = (" (the default donors are the Lebanon demo design's Middle East and North Africa "
                "pool: set 'donors' to countries or ISO3/area units of your data)"
                if self.donors == _MENA_DONORS else "")
        require(len(donors) >= 2, "synthetic_control: fewer than two donors have complete data "
                f"for {self.years[0]}-{self.years[1]}; widen 'donors' or narrow "
                f"first_year-last_year{demo}")
        pb.use_all()
        return ledger, pb, years, donors

    def _keep_pool(self, pb: PanelBuilder) -> None:
        """Exclude the units that are neither the treated unit nor in the donor pool."""
        t = pb.table
        tr = self.treated
        units = t.drop_duplicates("iso3").set_index("iso3")["country"]
        in_pool = (match_codes(units, self.donors).notna() if self.donors
                   else pd.Series(True, index=units.index))
        barred = match_codes(units, self.exclude_donors).notna()
        allowed = set(units.index[in_pool & ~barred]) - {tr}
        pb.drop_units(set(units.index) - allowed - {tr}, "not_in_group",
                      "not in the donor pool of this synthetic control")

    def _keep_treated_years(self, pb: PanelBuilder) -> list[int]:
        """Exclude the years the treated unit lacks; return its years (sorted)."""
        t = pb.table
        tr = self.treated
        tr_years = set(t.loc[t["iso3"] == tr, "year"])
        require(bool(tr_years), f"synthetic_control: the treated unit {tr} has no "
                f"complete {self.outcome} observation in {self.years[0]}-{self.years[1]}")
        lacking = ~t["year"].isin(tr_years).to_numpy()
        pb.drop(lacking, "missing_counterpart",
                [f"the treated unit {tr} has no {self.outcome} for {y}" for y in t["year"]])
        return sorted(tr_years)

    def _drop_gappy(self, pb: PanelBuilder, years: list[int]) -> None:
        """Exclude donors lacking any of the treated unit's years (the panel must balance)."""
        counts = pb.table.groupby("iso3")["year"].nunique()
        gappy: dict[str, str] = {
            str(c): f"donor {c} lacks {len(years) - int(n)} of the {len(years)} years the "
                    "treated unit has (a synthetic control needs a balanced panel)"
            for c, n in counts.items() if n < len(years)}
        pb.drop_units(gappy, "insufficient_data", gappy)

    def _rows(self, years: list[int], gap: np.ndarray, synth: np.ndarray, post: list[int]
              ) -> list[dict[str, Any]]:
        """Gap and synthetic outcome per year, and the mean post-treatment gap."""
        tr = self.treated
        unit = VOCABULARY[self.outcome].unit
        # an area: iso3 holds its country, term the unit code ISO3/area (None for a country)
        iso, area_term = tr.partition("/")[0], (tr if "/" in tr else None)
        rows: list[dict[str, Any]] = []
        for y, gv, sv in zip(years, gap, synth):
            for q, v in (("gap", gv), ("synthetic_outcome", sv)):
                rows.append(_no_interval(q, iso, int(y), area_term, float(v), unit))
        is_post = np.array([y >= self.treatment_year for y in years])
        term = f"mean gap {post[0]}-{post[-1]}" + (f" {tr}" if area_term else "")
        rows.append(_no_interval("att_post", iso, None, term, float(gap[is_post].mean()), unit))
        return rows

    def _assumptions(self, post: list[int], n_donors: int) -> tuple[str, ...]:
        tr = self.treated
        return (
            f"Without the inflow, {tr}'s {self.outcome} would have followed the weighted "
            "donors' path (convex hull: the treated unit's pre-treatment path must be "
            "reproducible from donors, checked by pre_rmspe).",
            "Donors are unaffected by the treatment (no spill-over, a strong assumption for "
            "areas of the treated unit's own country, reached by internal migration and "
            "national policy) and by their own comparable "
            f"shocks over {post[0]}-{post[-1]}; units hit by the same shock are excluded "
            f"({', '.join(self.exclude_donors) or 'none'}).",
            "Predictors are the pre-treatment outcomes only, with equal weight per standardised "
            "year (no covariates, no optimisation of predictor weights).",
            "The placebo p-value is a permutation rank (its smallest possible value is "
            f"1/{n_donors + 1}); no confidence interval is reported.",
            "Illustrative: one unit, one outcome; refugee arrivals were not random and "
            "coincided with other shocks (e.g. the Syrian war's trade effects).",
        )


def _no_interval(quantity: str, iso3: str, year: int | None, term: str | None,
                 estimate: float, unit: str) -> dict[str, Any]:
    """An estimate row without a standard error or interval."""
    return {"quantity": quantity, "iso3": iso3, "year": year, "term": term,
            "estimate": estimate, "std_error": np.nan, "ci_lower": np.nan,
            "ci_upper": np.nan, "ci_level": np.nan, "unit": unit}


def _placebo_test(z0: pd.DataFrame, donors: list[str], pre: list[int], is_pre: np.ndarray,
                  ratio: float) -> dict[str, Any]:
    """Placebo in space: each donor treated as if treated, ranked by its post/pre RMSPE."""
    ratios = {}
    for d in donors:
        others = [o for o in donors if o != d]
        wj = synth_weights(z0[d].loc[pre], z0[others].loc[pre])
        gj = z0[d].to_numpy() - z0[others].to_numpy() @ wj
        pr = _rmspe(gj[is_pre])
        ratios[d] = _rmspe(gj[~is_pre]) / pr if pr > 0 else float("inf")
    at_least = sum(1 for v in ratios.values() if v >= ratio)
    return {
        "placebo_p_value": (1 + at_least) / (len(donors) + 1),
        "placebo_rank": 1 + sum(1 for v in ratios.values() if v > ratio),
        "n_placebos": len(ratios),
        "placebo_post_pre_rmspe_ratios": ratios,
        "placebo_test": "placebo in space (Abadie, Diamond and Hainmueller 2010): share of "
                        "the treated and donor units whose post/pre RMSPE ratio is at "
                        "least the treated unit's",
    }
