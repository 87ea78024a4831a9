"""Contributions against commitments: UNHCR funding by government, resettlement effort, pledge
fulfilment, the gap between host costs and international support, and the "who does what"
responsibility balance.

- :class:`UnhcrFundingShare` (``unhcr_funding_share``): government revenue of UNHCR per capita,
  per GNI/GDP, earmarked vs un-earmarked, against a GNI-proportional fair share.
- :class:`ResettlementEffort` (``resettlement_effort``): resettlement arrivals (or pledges) per
  capita and against a GDP-proportional fair share of a target (reuses
  :class:`~burdenshare.estimators.fair_share.FairShareResettlement`).
- :class:`PledgeFulfilment` (``pledge_fulfilment``): reporting and fulfilment rates of pledges
  read from a documented CSV file (:mod:`burdenshare.pledges`).
- :class:`SupportGap` (``support_gap``): host cost minus international support received.
- :class:`ResponsibilityBalance` (``responsibility_balance``): one tidy table per State and year
  of hosting, financial contributions and resettlement.

Formulas, sources, assumptions and validation are in ``methodology/<name>.md``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..data import Dataset
from ..labels import Labels
from ..results import Computation
from ..results import estimate_row as _row
from .base import EstimatorBase, Ledger, sources_field
from .fair_share import (
    _FAIR_SHARE_DIAGNOSTICS,
    _FAIR_SHARE_QUANTITIES,
    FairShareResettlement,
    _group_label,
)
from .tables import country_year_table

__all__ = ["UnhcrFundingShare", "ResettlementEffort", "PledgeFulfilment", "NON_GOVERNMENT_FILE",
           "CEB_SOURCE"]

_EAR = "unhcr_revenue_earmarked_usd_current"
_UNE = "unhcr_revenue_unearmarked_usd_current"
_USD = "USD current"
_PER_PERSON = "USD current per person"
_PCT_UNIT = "percent of fair share"
_SHARE_UNIT = "fraction of the group total"
#: reference table of the UNHCR revenue rows that are not a government's (embedded samples)
NON_GOVERNMENT_FILE = "unhcr_revenue_non_government.csv"
#: source id of the embedded CEB revenue observations the reference table belongs to
CEB_SOURCE = "un_ceb_unhcr_revenue_2026_02_05"
_NOT_REFUGEE_SPECIFIC = ("total net ODA received (WDI DT.ODA.ODAT.CD) is NOT refugee-specific: it "
                         "covers all development assistance to the country")


_COLUMNS = list(_row("x", None, 0, None, 0.0, ""))


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=_COLUMNS) if rows else pd.DataFrame(columns=_COLUMNS)



def _int(v: Any) -> int:
    return int(v)


def _sha256(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


_CAPACITIES = ("population", "gni_atlas_usd_current", "gdp_usd_current")


def _revenue_table(ledger: Ledger) -> pd.DataFrame:
    """Country-year table of revenue (total ``rev_c``, earmarked, un-earmarked) and capacity."""
    caps = _CAPACITIES
    f = ledger.active()
    nonpos = (f["indicator"].isin(caps) & (f["value"] <= 0)).to_numpy()
    ledger.exclude(f["_row"].to_numpy()[nonpos], "non_positive_denominator",
                   "a capacity measure that is zero or negative divides nothing")
    table = country_year_table(ledger, any_of=(_EAR, _UNE), also=caps)
    for c in (_EAR, _UNE, *caps):
        if c not in table:
            table[c] = np.nan
    e = table[_EAR].fillna(0.0).to_numpy()
    u = table[_UNE].fillna(0.0).to_numpy()
    return table.assign(rev_c=e + u, rev_e=e, rev_u=u)


def _government_rows(table: pd.DataFrame) -> list[dict[str, object]]:
    """Each government's revenue, earmarked shares and ratios to capacity."""
    rows: list[dict[str, object]] = []
    arr = {k: table[k].to_numpy(dtype=float) for k in ("rev_c", "rev_e", "rev_u", *_CAPACITIES)}
    for i, (iso3, yy) in enumerate(zip(table["iso3"], table["year"])):
        y = int(yy)
        cv, ev, uv = arr["rev_c"][i], arr["rev_e"][i], arr["rev_u"][i]
        pop, gni, gdp = (arr[k][i] for k in _CAPACITIES)
        rows.append(_row("unhcr_revenue_usd", iso3, y, None, cv, _USD))
        rows.append(_row("unhcr_revenue_earmarked_usd", iso3, y, None, ev, _USD))
        rows.append(_row("unhcr_revenue_unearmarked_usd", iso3, y, None, uv, _USD))
        if cv > 0:
            rows.append(_row("earmarked_share_pct", iso3, y, None, 100 * ev / cv,
                             "percent of the government's revenue"))
            rows.append(_row("unearmarked_share_pct", iso3, y, None, 100 * uv / cv,
                             "percent of the government's revenue"))
        if np.isfinite(pop):
            rows.append(_row("unhcr_revenue_per_capita", iso3, y, None, cv / pop, _PER_PERSON))
        if np.isfinite(gni):
            rows.append(_row("unhcr_revenue_per_million_gni", iso3, y, None, 1e6 * cv / gni,
                             "USD per USD million of GNI"))
        if np.isfinite(gdp):
            rows.append(_row("unhcr_revenue_per_million_gdp", iso3, y, None, 1e6 * cv / gdp,
                             "USD per USD million of GDP"))
    return rows


def _funding_assumptions(term: str) -> list[str]:
    return [
        "Revenue = voluntary earmarked + un-earmarked revenue UNHCR recognised from the "
        "government in the year (UN CEB financial statistics): accrual revenue, not pledges "
        "or cash; it can be negative after adjustments. A type with no observation counts "
        "as none when the other type is observed; a missing value stays missing.",
        f"Fair share: the key ({term}) shares its own total revenue in proportion to GNI "
        "(World Bank Atlas, current USD) of the same year; governments of the group without "
        "a GNI observation are left out of the key (diagnostics 'outside_key').",
        "Ratios: per capita (WDI population), per USD million of GNI and of GDP, all of the "
        "same year; a ratio is reported only where its denominator is observed and positive.",
        "Money in current USD, not deflated.",
    ]


# =========================================================================== UNHCR funding
@dataclass(frozen=True, kw_only=True)
class UnhcrFundingShare(EstimatorBase):
    r"""Government revenue of UNHCR per capita, per GNI and GDP, by type, and against a
    GNI-proportional fair share of the total government funding.

    For government :math:`i` and year :math:`t`, with :math:`E` earmarked and :math:`U`
    un-earmarked revenue UNHCR recognised (UN CEB), :math:`C = E + U`:

    .. math::

        pc_i = \frac{C_i}{P_i}, \quad g_i = 10^6 \frac{C_i}{GNI_i}, \quad
        e_i = 100 \frac{E_i}{C_i}, \quad
        s_i = \frac{GNI_i}{\sum_{j \in K} GNI_j}, \quad FS_i = s_i \sum_{j \in K} C_j, \quad
        \%met_i = 100 \frac{C_i}{FS_i}, \quad gap_i = FS_i - C_i

    where :math:`K` is the key: the members of the group with revenue and a positive GNI in
    :math:`t`. Main quantity ``unhcr_revenue_per_capita``. See
    ``methodology/unhcr_funding_share.md``.

    Parameters
    ----------
    group : tuple of str
        ISO3 codes of the governments sharing the total; empty = every government with UNHCR
        revenue and a positive GNI in the year.
    group_name : str
        Name of the group (``term`` of its rows).
    non_government : bool
        Also report the non-government and unattributed residual revenue rows of the embedded
        reference table ``unhcr_revenue_non_government.csv`` as separate group rows (only with
        the embedded CEB revenue source).
    sources : tuple of (indicator, source) pairs

    Examples
    --------
    >>> import burdenshare as bs
    >>> d = bs.load_sample().select(iso3=["DEU", "NOR", "USA"], years=(2022, 2022))
    >>> r = UnhcrFundingShare().estimate(d)
    >>> r.estimates.query("quantity == 'fair_share' and iso3.isna()")["estimate"].round(-6).tolist()
    [2912000000.0]
    >>> met = r.estimates.query("quantity == 'pct_of_fair_share_met'")
    >>> met[["iso3", "estimate"]].round(1).values.tolist()
    [['DEU', 123.8], ['NOR', 362.1], ['USA', 90.4]]
    """

    name: ClassVar[str] = "unhcr_funding_share"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "unhcr_revenue_per_capita"
    unit: ClassVar[str] = _PER_PERSON
    requires: ClassVar[frozenset[str]] = frozenset(
        {_EAR, _UNE, "population", "gni_atlas_usd_current", "gdp_usd_current"})
    reference: ClassVar[str] = "methodology/unhcr_funding_share.md"
    summary: ClassVar[str] = ("Government funding of UNHCR per capita, per GNI/GDP, earmarked "
                              "share, vs a GNI-proportional fair share")
    labels = Labels(
        title="Government funding of UNHCR",
        family="Contributions",
        description="Revenue UNHCR recognised from each government, per inhabitant, per GNI and "
                    "GDP, earmarked or not, against a GNI-proportional fair share",
        unit=_PER_PERSON,
        quantities={"unhcr_revenue_per_capita": "Contribution to UNHCR per inhabitant",
                    "unhcr_revenue_usd": "Contribution to UNHCR",
                    "unhcr_revenue_earmarked_usd": "Earmarked contribution to UNHCR",
                    "unhcr_revenue_unearmarked_usd": "Un-earmarked contribution to UNHCR",
                    "earmarked_share_pct": "Earmarked share (per cent)",
                    "unearmarked_share_pct": "Un-earmarked share (per cent)",
                    "unhcr_revenue_per_million_gni": "Contribution per USD million of GNI",
                    "unhcr_revenue_per_million_gdp": "Contribution per USD million of GDP",
                    "key_share": "Key share (GNI share)", "fair_share": "Fair share",
                    "pct_of_fair_share_met": "Per cent of fair share met",
                    "gap": "Gap: fair share minus contribution"},
        diagnostics={"group": "Group sharing the total",
                     "outside_key": "Governments outside the key, by year",
                     "non_government_file": "Reference table of non-government revenue",
                     "sources_used": "Sources used", "excluded": "Observations excluded"})

    group: tuple[str, ...] = field(default=(), metadata={
        "doc": "ISO3 codes of the governments sharing the total; empty = every government with "
               "revenue and a positive GNI in the year"})
    group_name: str = field(default="", metadata={"doc": "name of the group (term of its rows)"})
    non_government: bool = field(default=False, metadata={
        "doc": "also report the non-government and unattributed residual revenue (embedded "
               "reference table) as separate group rows"})
    sources: tuple[tuple[str, str], ...] = sources_field()

    def _validate(self) -> None:
        bad = [c for c in self.group if not (len(c) == 3 and c.isalpha() and c.isupper())]
        if bad:
            raise ParameterError(f"parameter 'group': {bad[0]!r} is not an ISO3 code")
        if len(set(self.group)) != len(self.group):
            raise ParameterError("parameter 'group' repeats a code")

    def optional_inputs(self) -> frozenset[str]:
        """One revenue type may be absent altogether; capacity measures only enter ratios."""
        return frozenset({_EAR, _UNE, "population", "gdp_usd_current"})

    def group_label(self) -> str:
        """Term of the group rows."""
        return _group_label(self.group_name, self.group, "governments",
                            "governments with revenue and GNI")

    def _compute(self, data: Dataset) -> Computation:
        if not {_EAR, _UNE} & set(data.indicators):
            raise EstimatorError(f"{self.name} needs {_EAR} or {_UNE}, which the data do not "
                                 f"contain (it has: {', '.join(data.indicators) or 'none'})")
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name)
        table = _revenue_table(ledger)
        term = self.group_label()
        rows = _government_rows(table)
        outside: dict[int, list[str]] = {}
        for yk, sub in table.groupby("year", sort=True):
            rows += self._year_rows(_int(yk), sub, term, outside)
        diagnostics: dict[str, object] = {}
        assumptions = _funding_assumptions(term)
        if self.non_government:
            rows.extend(self._non_government_rows(ledger, table, diagnostics))
            assumptions.append(
                "Non-government rows (empty iso3, term 'non-government: …' or 'unattributed "
                "remainder: …', by category and revenue type) come unchanged from the embedded "
                f"reference table {NON_GOVERNMENT_FILE} (UN CEB via open.unfck.org); unattributed "
                "remainders are residuals computed by the portal (total minus named "
                "contributors) and can be negative. They are never merged into any government's "
                "figures or the fair-share total.")
        excluded = ledger.excluded_frame()
        diagnostics.update({
            "excluded": len(excluded), "group": term,
            "outside_key": outside,
            "sources_used": ", ".join(f"{k}={v}" for k, v in sorted(ledger.chosen_source.items())),
        })
        return Computation(estimates=_frame(rows), excluded=excluded,
                           assumptions=tuple(assumptions), diagnostics=diagnostics,
                           used=ledger.n_used)

    def _year_rows(self, y: int, sub: pd.DataFrame, term: str,
                   outside: dict[int, list[str]]) -> list[dict[str, object]]:
        """Totals of one year over every government, and the fair shares of the key."""
        rows: list[dict[str, object]] = []
        allc = float(sub["rev_c"].sum())
        alle = float(sub["rev_e"].sum())
        rows.append(_row("unhcr_revenue_usd", None, y, "all governments in the data", allc,
                         _USD))
        if allc > 0:
            rows.append(_row("earmarked_share_pct", None, y, "all governments in the data",
                             100 * alle / allc, "percent of the governments' revenue"))
        member = sub["iso3"].isin(self.group) if self.group else pd.Series(True, sub.index)
        key = sub[member & sub["gni_atlas_usd_current"].notna()]
        out = sorted(set(sub.loc[~member | sub["gni_atlas_usd_current"].isna(), "iso3"]))
        if out:
            outside[y] = out
        total = float(key["rev_c"].sum())
        if key.empty or total <= 0:
            return rows
        gni = key["gni_atlas_usd_current"].to_numpy()
        share = gni / gni.sum()
        fair = share * total
        for iso3, s, fs, a in zip(key["iso3"], share, fair, key["rev_c"]):
            rows.append(_row("key_share", iso3, y, None, s, _SHARE_UNIT))
            rows.append(_row("fair_share", iso3, y, None, fs, _USD))
            rows.append(_row("pct_of_fair_share_met", iso3, y, None, 100 * a / fs, _PCT_UNIT))
            rows.append(_row("gap", iso3, y, None, fs - a, _USD))
        rows.append(_row("key_share", None, y, term, share.sum(), _SHARE_UNIT))
        rows.append(_row("fair_share", None, y, term, fair.sum(), _USD))
        rows.append(_row("unhcr_revenue_usd", None, y, term, total, _USD))
        rows.append(_row("gap", None, y, term, float(fair.sum() - total), _USD))
        return rows

    def _non_government_rows(self, ledger: Ledger, table: pd.DataFrame,
                             diagnostics: dict[str, object]) -> list[dict[str, object]]:
        from ..io import sample_path

        used = {v for k, v in ledger.chosen_source.items() if k in (_EAR, _UNE) and v}
        if used != {CEB_SOURCE}:
            raise EstimatorError(
                f"{self.name}: non_government=True adds the residual rows of the embedded CEB "
                f"table, which only fit revenue from source {CEB_SOURCE!r} (the data use "
                f"{', '.join(sorted(used)) or 'none'}); set non_government=false")
        path = sample_path(NON_GOVERNMENT_FILE)
        ref = pd.read_csv(path, dtype={"amount_usd": float}, keep_default_na=False)
        diagnostics["non_government_file"] = NON_GOVERNMENT_FILE
        diagnostics["non_government_sha256"] = _sha256(str(path))
        diagnostics["non_government_rows"] = int(len(ref))
        years = set(int(y) for y in table["year"])
        ref = ref[ref["year"].isin(years)]
        rem = ref["is_unattributed_remainder"].astype(str).str.lower() == "true"
        ref = ref.assign(_kind=np.where(rem, "unattributed remainder", "non-government"))
        rows: list[dict[str, object]] = []
        for (y, kind, cat, rt), sub in ref.groupby(
                ["year", "_kind", "contributor_category", "revenue_type"], sort=True):
            rows.append(_row("unhcr_revenue_usd", None, _int(y), f"{kind}: {cat} ({rt})",
                             float(sub["amount_usd"].sum()), _USD))
        for y, sub in ref.groupby("year", sort=True):
            gov = float(table.loc[table["year"] == y, "rev_c"].sum())
            for kind in ("non-government", "unattributed remainder"):
                part = sub[sub["_kind"] == kind]
                rows.append(_row("unhcr_revenue_usd", None, _int(y), f"{kind}: all",
                                 float(part["amount_usd"].sum()), _USD))
            total = gov + float(sub["amount_usd"].sum())
            rows.append(_row("unhcr_revenue_usd", None, _int(y),
                             "all contributors (governments in the data + reference rows)",
                             total, _USD))
        return rows


# =========================================================================== resettlement
@dataclass(frozen=True, kw_only=True)
class ResettlementEffort(FairShareResettlement):
    r"""Resettlement arrivals (or pledges) per 1,000 inhabitants and against a GDP-proportional
    fair share of a target.

    The fair share is :class:`~burdenshare.estimators.fair_share.FairShareResettlement`'s
    (:math:`FS_i = T\,Y_i/\sum_j Y_j`, whole-person allocation, % met, gap); this estimator adds
    :math:`r_i = 1000\,A_i/P_i` (``arrivals_per_1000_inhabitants``, main quantity) for the key
    members, with :math:`P` the population of the year studied. A target requires its source
    text. See ``methodology/resettlement_effort.md``.

    Parameters
    ----------
    target_persons, target_source, actual, capacity, group, group_name, year, capacity_lag,
    absent_actual, sources
        As for :class:`~burdenshare.estimators.fair_share.FairShareResettlement`.
    """

    name: ClassVar[str] = "resettlement_effort"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "arrivals_per_1000_inhabitants"
    unit: ClassVar[str] = "per 1,000 inhabitants"
    requires: ClassVar[frozenset[str]] = frozenset(
        {"gdp_usd_current", "resettlement_arrivals", "population", "dac_member"})
    reference: ClassVar[str] = "methodology/resettlement_effort.md"
    summary: ClassVar[str] = ("Resettlement per 1,000 inhabitants and vs a GDP-proportional fair "
                              "share of a target or of pledges")
    labels = Labels(
        title="Resettlement effort",
        family="Contributions",
        description="Refugees resettled (or places pledged) per 1,000 inhabitants, and against a "
                    "GDP-proportional fair share of a target",
        unit="per 1,000 inhabitants",
        quantities={"arrivals_per_1000_inhabitants": "Resettled refugees per 1,000 inhabitants",
                    **_FAIR_SHARE_QUANTITIES},
        diagnostics=_FAIR_SHARE_DIAGNOSTICS)

    def _validate(self) -> None:
        super()._validate()
        if self.target_persons is not None and not self.target_source.strip():
            raise ParameterError("parameter 'target_source' must say what target_persons is "
                                 "and where it comes from (e.g. a UNHCR Projected Global "
                                 "Resettlement Needs figure, with the report)")

    def inputs(self) -> frozenset[str]:
        """Fair-share inputs plus population."""
        return super().inputs() | {"population"}

    def _compute(self, data: Dataset) -> Computation:
        comp = super()._compute(data)
        est = comp.estimates
        pop = data.observations
        pop = pop[pop["indicator"] == "population"]
        if "area" in pop.columns:  # whole countries only (sub-national rows are excluded upstream)
            pop = pop[pop["area"].isna()]
        src = dict(self.sources).get("population")
        if src:
            pop = pop[pop["source"] == src]
        popv = {(str(c), int(y)): float(v)
                for c, y, v in zip(pop["iso3"], pop["year"], pop["value"])}
        act = est[(est["quantity"] == "actual") & est["iso3"].notna()]
        rows = []
        for c, yy, a in zip(act["iso3"], act["year"], act["estimate"].to_numpy(dtype=float)):
            p = popv.get((str(c), int(yy)), np.nan)
            if np.isfinite(p) and p > 0:
                rows.append(_row("arrivals_per_1000_inhabitants", c, int(yy), None,
                                 1000.0 * a / p, self.unit))
        est = pd.concat([est, _frame(rows)], ignore_index=True) if rows else est
        assumptions = (*comp.assumptions,
                       "Per 1,000 inhabitants: actual over the WDI population of the year "
                       "studied, for the key members with an actual (the quantity keeps its name "
                       "for pledges: places pledged per 1,000 inhabitants).")
        return Computation(estimates=est, excluded=comp.excluded, assumptions=assumptions,
                           diagnostics=comp.diagnostics, used=comp.used)


# =========================================================================== pledges
_BY = ("all", "entity", "pledge_type", "area", "forum", "year_pledged")


@dataclass(frozen=True, kw_only=True)
class PledgeFulfilment(EstimatorBase):
    r"""Reporting and fulfilment rates of pledges, and delivered/pledged amounts, by as-of date.

    Pledges come from a CSV file in the documented format (:mod:`burdenshare.pledges`,
    ``data_samples/pledges_template.csv``), named by ``pledge_file``; the file's sha256 is
    recorded (diagnostics and assumptions) and can be pinned with ``pledge_file_sha256``. For
    each as-of date :math:`d` and group :math:`g` (``by``):

    .. math::

        reporting_{g,d} = 100 \frac{\#\{status \neq \varnothing\}}{\#pledges}, \quad
        fulfilment_{g,d} = 100 \frac{\#\{status = Fulfilled\}}{\#\{status \neq \varnothing\}},
        \quad delivered_{g,d,cur} = 100 \frac{\sum amount\_fulfilled}{\sum amount}

    the last over pledges with both amounts in currency :math:`cur` (never across currencies).
    A missing amount stays missing (counted in ``pledges_without_amount``). ``term`` carries the
    as-of date. The ``Dataset`` is not used (``requires`` is empty). See
    ``methodology/pledge_fulfilment.md``.

    Parameters
    ----------
    pledge_file : str
        Path of the pledge CSV file.
    pledge_file_sha256 : str
        Expected sha256 of the file; empty = not checked (the actual one is recorded anyway).
    by : {"all", "entity", "pledge_type", "area", "forum", "year_pledged"}
        Grouping of the rates.
    """

    name: ClassVar[str] = "pledge_fulfilment"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "fulfilment_rate_pct"
    unit: ClassVar[str] = "percent of pledges with a status update"
    requires: ClassVar[frozenset[str]] = frozenset()
    reference: ClassVar[str] = "methodology/pledge_fulfilment.md"
    summary: ClassVar[str] = ("Pledge reporting and fulfilment rates, delivered/pledged amounts, "
                              "with as-of dates (user pledge file)")
    labels = Labels(
        title="Pledge fulfilment",
        family="Contributions",
        description="Share of pledges with a status update, share of those fulfilled, and "
                    "amounts delivered against amounts pledged, by as-of date",
        unit="percent of pledges with a status update",
        quantities={"fulfilment_rate_pct": "Fulfilment rate (per cent)",
                    "reporting_rate_pct": "Reporting rate (per cent)",
                    "pledges": "Pledges", "pledges_fulfilled": "Pledges fulfilled",
                    "pledges_with_update": "Pledges with a status update",
                    "pledges_planning_stage": "Pledges in the planning stage",
                    "pledges_in_progress": "Pledges in progress",
                    "pledges_without_amount": "Pledges without an amount",
                    "amount_pledged": "Amount pledged", "amount_fulfilled": "Amount fulfilled",
                    "amount_delivered_pct": "Amount delivered (per cent of amount pledged)"},
        diagnostics={"pledge_file": "Pledge file", "pledge_rows": "Pledges read",
                     "as_of_dates": "As-of dates"})

    pledge_file: str = field(default="", metadata={"doc": "path of the pledge CSV file"})
    pledge_file_sha256: str = field(default="", metadata={
        "doc": "expected sha256 of the pledge file (empty: not checked, still recorded)"})
    by: Literal["all", "entity", "pledge_type", "area", "forum", "year_pledged"] = field(
        default="all", metadata={"doc": "grouping of the rates"})

    def _compute(self, data: Dataset) -> Computation:
        p, sha = self._read()
        rows: list[dict[str, object]] = []
        key = None if self.by == "all" else self.by
        for as_of, snap in p.groupby("as_of", sort=True):
            groups = [("all pledges", snap)] if key is None else [
                (f"{key}={g}", sub) for g, sub in snap.groupby(
                    snap[key].astype(object).where(snap[key].notna(), "(not stated)"), sort=True)]
            for label, sub in groups:
                rows += self._group_rows(f"{label} | as of {as_of}", key, sub)
        est = _frame(rows)
        est = est[est["estimate"].notna()].reset_index(drop=True)
        excluded = Ledger(data, frozenset(), owner=self.name).excluded_frame()
        return Computation(
            estimates=est, excluded=excluded,
            assumptions=(
                f"Pledges read from {self.pledge_file} (sha256 {sha}, {len(p)} rows); every "
                "figure is for one as-of date (in term): coverage is revised for months.",
                "Reporting rate = pledges with a status / pledges; fulfilment rate = pledges "
                "'Fulfilled' / pledges with a status (UNHCR's stages of progress).",
                "Amounts are summed within one currency (or persons) only, never converted; a "
                "missing amount stays missing and is counted in pledges_without_amount; "
                "amount_delivered_pct covers pledges with both amounts.",
            ),
            used=0,
            diagnostics={"excluded": 0, "pledge_file": self.pledge_file,
                         "pledge_file_sha256": sha, "pledge_rows": int(len(p)),
                         "as_of_dates": sorted(set(p["as_of"]))},
            external_inputs=({"path": str(self.pledge_file), "sha256": sha,
                              "description": f"pledge file ({len(p)} rows, as of "
                                             f"{', '.join(sorted(set(p['as_of'])))})"},),
        )

    # ---- the stages of _compute
    def _read(self) -> tuple[pd.DataFrame, str]:
        """The pledges of ``pledge_file`` and its sha256 (checked when pinned)."""
        from ..pledges import file_sha256, read_pledges

        if not self.pledge_file:
            raise EstimatorError(f"{self.name} needs pledge_file=PATH (a CSV in the format of "
                                 "data_samples/pledges_template.csv)")
        try:
            sha = file_sha256(self.pledge_file)
        except OSError as err:
            raise EstimatorError(f"{self.name}: cannot read pledge_file "
                                 f"{self.pledge_file!r}: {err}") from err
        if self.pledge_file_sha256 and sha != self.pledge_file_sha256.lower():
            raise EstimatorError(f"{self.name}: {self.pledge_file} has sha256 {sha}, not the "
                                 f"expected {self.pledge_file_sha256}")
        p = read_pledges(self.pledge_file)
        if p.empty:
            raise EstimatorError(f"{self.name}: {self.pledge_file} holds no pledge (an empty "
                                 "template?)")
        return p, sha

    def _group_rows(self, term: str, key: str | None,
                    sub: pd.DataFrame) -> list[dict[str, object]]:
        """Counts, rates and amounts of one group of pledges at one as-of date."""
        rows: list[dict[str, object]] = []
        iso3 = None
        year = None
        if key == "entity":
            codes = set(sub["entity_iso3"].dropna())
            iso3 = codes.pop() if len(codes) == 1 else None
        if key == "year_pledged":
            year = int(sub["year_pledged"].iloc[0])
        n = len(sub)
        upd = int(sub["status"].notna().sum())
        ful = int((sub["status"] == "Fulfilled").sum())
        rows.append(_row("pledges", iso3, year, term, n, "pledges"))
        rows.append(_row("pledges_with_update", iso3, year, term, upd, "pledges"))
        rows.append(_row("pledges_fulfilled", iso3, year, term, ful, "pledges"))
        for st in ("Planning stage", "In progress"):
            rows.append(_row("pledges_" + st.lower().replace(" ", "_"), iso3, year, term,
                             int((sub["status"] == st).sum()), "pledges"))
        rows.append(_row("reporting_rate_pct", iso3, year, term, 100.0 * upd / n,
                         "percent of pledges"))
        rows.append(_row("fulfilment_rate_pct", iso3, year, term,
                         100.0 * ful / upd if upd else np.nan, self.unit))
        rows.append(_row("pledges_without_amount", iso3, year, term,
                         int(sub["amount"].isna().sum()), "pledges"))
        for cur, cs in sub[sub["currency"].notna()].groupby("currency", sort=True):
            rows += _amount_rows(iso3, year, f"{term} | {cur}", str(cur), cs)
        return rows


def _amount_rows(iso3: str | None, year: int | None, term: str, cur: str,
                 cs: pd.DataFrame) -> list[dict[str, object]]:
    """Amounts pledged and fulfilled in one currency (or persons), never converted."""
    rows: list[dict[str, object]] = []
    unit = "persons" if cur == "persons" else f"{cur} (as pledged, not converted)"
    amt = cs["amount"].dropna()
    if len(amt):
        rows.append(_row("amount_pledged", iso3, year, term, amt.sum(), unit))
    both = cs[cs["amount"].notna() & cs["amount_fulfilled"].notna()]
    if len(both):
        rows.append(_row("amount_fulfilled", iso3, year, term,
                         both["amount_fulfilled"].sum(), unit))
        den = both["amount"].sum()
        rows.append(_row("amount_delivered_pct", iso3, year, term,
                         100.0 * both["amount_fulfilled"].sum() / den
                         if den > 0 else np.nan, "percent of amount pledged"))
    return rows
