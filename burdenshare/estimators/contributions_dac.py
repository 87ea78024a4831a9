"""Contributions measured with OECD DAC data: in-donor refugee costs and ODA/GNI against 0.7 %.

Formulas, sources, assumptions and validation are in ``methodology/in_donor_refugee_costs.md``
and ``methodology/oda_gni_commitment.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..countries import is_country
from ..data import Dataset
from ..labels import Labels
from ..results import Computation
from ..results import estimate_row as _row
from .base import EstimatorBase, Ledger, sources_field
from .tables import country_year_table

__all__ = ["InDonorRefugeeCosts", "OdaGniCommitment", "UN_ODA_TARGET_PCT", "basis",
           "PRELIMINARY_VINTAGE_PREFIX", "preliminary_years", "as_published",
           "vintage_dataset", "VINTAGES_FILE"]

#: The UN target for ODA, percent of GNI (UN General Assembly resolution 2626 (XXV), 1970).
UN_ODA_TARGET_PCT = 0.7
#: First year in which the OECD's headline ODA (and in-donor refugee costs) is measured in grant
#: equivalents instead of net flows.
GRANT_EQUIVALENT_FROM = 2018

IDRC = "idrc_usd_million_current"
ODA = "oda_usd_million_current"
GNI = "gni_usd_million_current"
APPS = "asylum_applications"
PUBLISHED = "oda_gni_pct_published"
MEMBER = "dac_member"

_TWELVE = "in-donor refugee costs count only the first 12 months of stay"
_BASIS_ASSUMPTION = (
    "ODA and in-donor refugee costs are the OECD's headline measure: net disbursements (flows) "
    f"to {GRANT_EQUIVALENT_FROM - 1}, grant equivalents from {GRANT_EQUIVALENT_FROM}; the basis "
    "of each row is named in its term, so series crossing 2017/2018 are not strictly comparable "
    "(for in-donor refugee costs, which are grants, the two measures are nearly equal; for total "
    "ODA of donors lending much they differ).")
_TWELVE_ASSUMPTION = (
    "DAC reporting rules (clarified by the DAC High Level Meeting of 30-31 October 2017): only "
    "costs of asylum-seekers and refugees during their first 12 months in the donor country count "
    "as ODA; costs beyond 12 months, and integration costs, are outside ODA, so in-donor refugee "
    "costs are not a donor's total spending on refugees. Members' cost methods still differ.")


def basis(year: int) -> str:
    """The ODA measurement basis of a year: ``"net flows"`` (to 2017) or ``"grant equivalent"``."""
    return "net flows" if int(year) < GRANT_EQUIVALENT_FROM else "grant equivalent"


def _term(year: int, group: str | None = None, prelim: frozenset[int] = frozenset()) -> str:
    head = f"{group}; " if group else ""
    tail = f"; {PRELIMINARY_LABEL}" if int(year) in prelim else ""
    return f"{head}{basis(year)} basis; 12-month rule{tail}"


# --- OECD DAC 2023-2025 (issue 14): preliminary years, spliced releases, the published ratio
#: A :class:`~burdenshare.data.Source` whose ``vintage`` starts with this text holds OECD
#: preliminary data (the April release; final data follow in December).
PRELIMINARY_VINTAGE_PREFIX = "OECD preliminary"
#: Appended to the ``term`` of every row of a preliminary year, so that the label travels with
#: the number into every table and export.
PRELIMINARY_LABEL = "OECD preliminary data"
#: The reference table of every release of the 2023-2025 series (embedded samples).
VINTAGES_FILE = "oecd_dac_vintages_2023_2025.csv"


def preliminary_years(data: Dataset, indicators: frozenset[str] | set[str] | list[str]
                      ) -> dict[int, str]:
    """Years in which some observation of ``indicators`` comes from an OECD preliminary release.

    A release is preliminary when its :class:`~burdenshare.data.Source` ``vintage`` starts with
    :data:`PRELIMINARY_VINTAGE_PREFIX` (the embedded 2025 DAC1 data do:
    ``"OECD preliminary, April 2026 ..."``).

    Parameters
    ----------
    data : Dataset
    indicators : collection of str

    Returns
    -------
    dict of int to str
        Year -> the source id(s) of the preliminary release(s), comma-separated.
    """
    prelim = sorted(k for k, src in data.sources.items()
                    if src.vintage.startswith(PRELIMINARY_VINTAGE_PREFIX))
    if not prelim:
        return {}
    obs = data.observations
    sel = obs[obs["indicator"].isin(sorted(indicators)).to_numpy()
              & obs["source"].isin(prelim).to_numpy()]
    out: dict[int, set[str]] = {}
    for y, sid in zip(sel["year"].to_numpy(), sel["source"].to_numpy()):
        out.setdefault(int(y), set()).add(str(sid))
    return {y: ", ".join(sorted(out[y])) for y in sorted(out)}


def as_published(ratio: float) -> float:
    """Round an ODA/GNI ratio (percent) half up to 2 decimals, as the OECD publishes it.

    Parameters
    ----------
    ratio : float

    Returns
    -------
    float

    Examples
    --------
    >>> as_published(0.6993)  # Germany 2016: published 0.70 %, so the 0.7 % target is met
    0.7
    """
    return float(Decimal(repr(float(ratio))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _splice_assumptions(data: Dataset, spliced: dict[str, tuple[str, ...]]) -> list[str]:
    """One sentence per spliced indicator: which source covers which years."""
    out = []
    obs = data.observations
    for ind, srcs in sorted(spliced.items()):
        sub = obs[obs["indicator"] == ind]
        spans = []
        for sid in srcs:
            ys = sub.loc[sub["source"] == sid, "year"]
            if len(ys):
                lo, hi = int(ys.min()), int(ys.max())
                spans.append((lo, f"{lo if lo == hi else f'{lo}-{hi}'} from {sid}"))
        spans = [(lo, text) for lo, text in sorted(spans)]
        out.append(f"{ind} combines releases that cover different years: "
                   + "; ".join(text for _, text in spans)
                   + " (the vintage, status and derivation of each are in the provenance "
                   "sources).")
    return out


def _prelim_assumption(prelim: dict[int, str]) -> list[str]:
    if not prelim:
        return []
    years = ", ".join(str(y) for y in sorted(prelim))
    return [f"{years}: OECD PRELIMINARY data ({'; '.join(sorted(set(prelim.values())))}), "
            "published in April and revised in the final data of December; every row of "
            f"those years says '{PRELIMINARY_LABEL}' in its term."]


def vintage_dataset(year: int, commit: str) -> Dataset:
    """Build a dataset of one stored release of the 2023-2025 DAC series (revisions study).

    Reads the embedded reference table :data:`VINTAGES_FILE` (every release of the shared
    ``oecd_dac_idrc_oda_by_donor_2023_2025_current_usd.csv``) and returns the in-donor refugee
    costs and total ODA of its country rows for ``year`` in the release ``commit`` (of
    ``ONEcampaign/oda-dashboard``; a prefix of at least 7 characters is enough), under source
    id ``oecd_dac1_<year>_release_<commit[:7]>``. A 0 flagged ``idrc_zero_may_be_missing``
    gives no observation, as in the samples. GNI is not in the table: combine with
    ``load_sample().select(years=(year, year), indicators=["gni_usd_million_current"])``.

    Parameters
    ----------
    year : int
    commit : str

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        If the table has no row for that year and release.
    """
    from ..data import Source
    from ..io import sample_path

    path = sample_path(VINTAGES_FILE)
    ref = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    if len(commit) < 7:
        raise ValueError(f"commit {commit!r}: give at least 7 characters")
    sel = ref[(ref["year"] == str(int(year))) & ref["source_commit"].str.startswith(commit)
              & ref["donor_iso3"].notna()]
    if sel.empty:
        have = sorted({f"{y} {c[:7]}" for y, c in zip(ref["year"], ref["source_commit"])})
        raise ValueError(f"{VINTAGES_FILE}: no release {commit!r} for {year} (available: "
                         f"{', '.join(have)})")
    full = str(sel["source_commit"].iloc[0])
    sid = f"oecd_dac1_{int(year)}_release_{full[:7]}"
    note = str(sel["vintage_note"].iloc[0])
    status = "OECD preliminary" if "PRELIMINARY" in note else "OECD release"
    src = Source(id=sid, title=f"OECD DAC1 in-donor refugee costs and total ODA, {year}, "
                 f"release of {sel['source_commit_date'].iloc[0][:10]}",
                 publisher="OECD DAC, processed by the ONE Campaign",
                 url="https://github.com/ONEcampaign/oda-dashboard",
                 licence="OECD Terms and Conditions (free reuse with attribution)",
                 retrieved=str(sel["source_commit_date"].iloc[0][:10]),
                 vintage=f"{status}: {note}; ONEcampaign/oda-dashboard commit {full}",
                 derivation=f"rows of {VINTAGES_FILE} for {year} and commit {full}; a 0 flagged "
                            "idrc_zero_may_be_missing gives no observation")
    rows: list[tuple[str, str, float]] = []
    for iso3, zero, c, o in zip(sel["donor_iso3"].astype(str), sel["idrc_zero_may_be_missing"],
                                sel["idrc_usd_million_current"].astype(float),
                                sel["total_oda_usd_million_current"].astype(float)):
        if zero != "True":
            rows.append((iso3, IDRC, float(c)))
        rows.append((iso3, ODA, float(o)))
    frame = pd.DataFrame({"iso3": [r[0] for r in rows], "year": int(year),
                          "indicator": [r[1] for r in rows], "value": [r[2] for r in rows],
                          "unit": "USD million current", "source": sid})
    return Dataset.from_frame(frame, {sid: src}, origin=f"{VINTAGES_FILE} ({year}, {full[:7]})")


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    cols = ["quantity", "iso3", "year", "term", "estimate", "std_error", "ci_lower", "ci_upper",
            "ci_level", "unit"]
    return pd.DataFrame(rows, columns=cols)



def _members_field() -> bool:
    return field(default=False, metadata={
        "doc": "keep only donors that are DAC members in the year (needs dac_member); others are "
               "excluded as not_in_group. Default: every donor in the data (the DAC files list "
               "members, some reporting before accession)"})


def _settle_optional(ledger: Ledger, indicator: str, need: str | None = None) -> None:
    """Settle an optional per-country input before the table is built.

    A missing value of an optional input is excluded as ``missing_value`` without removing the
    country-year (it only removes what needs that input); with ``need``, a country-year without a
    non-missing ``need`` observation has no use for the input (``missing_counterpart``).
    """
    act = ledger.active()
    rows = act[(act["indicator"] == indicator) & is_country(act["iso3"]).to_numpy()]
    nan = rows["value"].isna().to_numpy()
    ledger.exclude(rows["_row"].to_numpy()[nan], "missing_value",
                   "the value is missing in the input")
    if need is None:
        return
    rows = rows[~nan]
    have = act[(act["indicator"] == need) & act["value"].notna()]
    keys = set(zip(have["iso3"], have["year"].astype(int)))
    lack = np.array([(c, int(y)) not in keys for c, y in zip(rows["iso3"], rows["year"])],
                    dtype=bool)
    ledger.exclude(rows["_row"].to_numpy()[lack], "missing_counterpart",
                   [f"no {need} observation for {c} {y}, so no {indicator} is needed"
                    for c, y in zip(rows["iso3"].to_numpy()[lack], rows["year"].to_numpy()[lack])])


def _members_only(ledger: Ledger) -> str:
    """Exclude donor rows of country-years that are not DAC members; return the group name."""
    act = ledger.active()
    mem = act[act["indicator"] == MEMBER]
    nan = mem["value"].isna().to_numpy()
    ledger.exclude(mem["_row"].to_numpy()[nan], "missing_value", "the value is missing in the input")
    mem = mem[~nan & (mem["value"] == 1).to_numpy()]
    keys = set(zip(mem["iso3"], mem["year"].astype(int)))
    act = ledger.active()
    other = act[(act["indicator"] != MEMBER) & is_country(act["iso3"]).to_numpy()]
    out = np.array([(c, int(y)) not in keys for c, y in zip(other["iso3"], other["year"])],
                   dtype=bool)
    ledger.exclude(other["_row"].to_numpy()[out], "not_in_group",
                   [f"{c} is not a DAC member in {y} (no dac_member = 1)"
                    for c, y in zip(other["iso3"].to_numpy()[out], other["year"].to_numpy()[out])])
    return "DAC members with data"


#: Display labels of the diagnostics every DAC estimator reports.
_DAC_DIAGNOSTICS: dict[str, str] = {
    "basis": "Measurement basis, by year",
    "donors_in_group": "Donors in the group, by year",
    "preliminary_years": "Years of OECD preliminary data",
    "sources_used": "Sources used",
    "excluded": "Observations excluded",
}


def _open_ledger(est: InDonorRefugeeCosts | OdaGniCommitment, data: Dataset
                 ) -> tuple[Ledger, dict[int, str], str]:
    """The ledger (releases spliced), the preliminary years and the group's name, with the
    members-only rule and the optional in-donor costs settled.
    """
    ledger = Ledger(data, est.inputs(), dict(est.sources), owner=est.name, splice_sources=True)
    prelim_src = preliminary_years(data, {IDRC, ODA, GNI})
    group = "DAC donors with data"
    if est.members_only:
        group = _members_only(ledger)
    _settle_optional(ledger, IDRC)
    return ledger, prelim_src, group


def _dac_notes(data: Dataset, ledger: Ledger, prelim_src: dict[int, str]) -> list[str]:
    """The assumption lines every DAC estimator states: basis, 12-month rule, releases."""
    return [_BASIS_ASSUMPTION, _TWELVE_ASSUMPTION, *_prelim_assumption(prelim_src),
            *_splice_assumptions(data, ledger.spliced)]


def _bases(table: pd.DataFrame) -> dict[int, str]:
    return {int(y): basis(y) for y in sorted(table["year"].unique())}


def _table_years(prelim_src: dict[int, str], table: pd.DataFrame) -> dict[int, str]:
    years = set(table["year"].astype(int))
    return {y: v for y, v in prelim_src.items() if y in years}


def _sources_used(ledger: Ledger) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(ledger.chosen_source.items()))


# --------------------------------------------------------------------------- in-donor costs
@dataclass(frozen=True, kw_only=True)
class InDonorRefugeeCosts(EstimatorBase):
    r"""In-donor refugee costs (IDRC) reported as ODA: amount, share of ODA and GNI, per application.

    For donor :math:`d` and year :math:`t`, with :math:`C` the in-donor refugee costs, :math:`O`
    total ODA and :math:`Y` GNI (all US$ million, current) and :math:`A` asylum applications
    lodged in the donor country (UNHCR, persons):

    .. math::

        s^{ODA}_{d,t} = 100\, C_{d,t} / O_{d,t}, \qquad
        s^{GNI}_{d,t} = 100\, C_{d,t} / Y_{d,t}, \qquad
        c^{A}_{d,t} = 10^6\, C_{d,t} / A_{d,t}

    The group rows (empty ``iso3``, ``term`` naming the group) sum over every donor :math:`G_t`
    of the year with ODA and GNI, including donors that report no in-donor refugee costs (as the
    OECD's totals do): :math:`C_{G,t} = \sum_{d} C_{d,t}`,
    :math:`s^{ODA}_{G,t} = 100\, C_{G,t} / \sum_{d \in G_t} O_{d,t}` (never the mean of donors'
    shares, and never over the ODA of reporting donors only). See
    ``methodology/in_donor_refugee_costs.md``.

    Parameters
    ----------
    per_application : bool
        Also report the cost per asylum application (needs ``asylum_applications``, persons).
    members_only : bool
        Keep only donors that are DAC members in the year (needs ``dac_member``).
    sources : tuple of (indicator, source) pairs
    """

    name: ClassVar[str] = "in_donor_refugee_costs"
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "idrc_usd_million"
    unit: ClassVar[str] = "USD million current"
    requires: ClassVar[frozenset[str]] = frozenset({IDRC, ODA, GNI})
    reference: ClassVar[str] = "methodology/in_donor_refugee_costs.md"
    summary: ClassVar[str] = ("OECD DAC in-donor refugee costs: amount, share of ODA and GNI, "
                              "cost per asylum application")
    labels = Labels(
        title="In-donor refugee costs",
        family="Contributions",
        description="What a donor reports as ODA for refugees in its own country: the amount, "
                    "its share of ODA and GNI, and the cost per asylum application",
        unit="USD million current",
        quantities={"idrc_usd_million": "In-donor refugee costs",
                    "idrc_share_of_oda_pct": "In-donor refugee costs as per cent of ODA",
                    "idrc_share_of_gni_pct": "In-donor refugee costs as per cent of GNI",
                    "idrc_usd_per_asylum_application": "In-donor refugee costs per asylum "
                                                       "application",
                    "donors_in_group": "Donors in the group"},
        diagnostics={**_DAC_DIAGNOSTICS,
                     "donors_reporting_idrc": "Donors reporting in-donor refugee costs, by year",
                     "zero_asylum_applications": "Donor-years with no asylum application"})

    per_application: bool = field(default=True, metadata={
        "doc": "also report US$ per asylum application lodged in the donor country (UNHCR, "
               "persons)"})
    members_only: bool = _members_field()
    sources: tuple[tuple[str, str], ...] = sources_field()

    def inputs(self) -> frozenset[str]:
        """Return the indicators used with these parameters."""
        extra = ([APPS] if self.per_application else []) + ([MEMBER] if self.members_only else [])
        return frozenset([IDRC, ODA, GNI, *extra])

    def optional_inputs(self) -> frozenset[str]:
        """Asylum applications may be absent (then no cost per application is reported)."""
        return frozenset([APPS]) if self.per_application else frozenset()

    def _compute(self, data: Dataset) -> Computation:
        ledger, prelim_src, group = _open_ledger(self, data)
        prelim = frozenset(prelim_src)
        if self.per_application:
            _settle_optional(ledger, APPS, need=IDRC)
        also = [IDRC, *([APPS] if self.per_application else [])]
        all_of = [GNI, *([MEMBER] if self.members_only else [])]
        table = country_year_table(ledger, any_of=[ODA], also=also, all_of=all_of,
                                   positive=[ODA, GNI])
        rows, zero_apps = self._donor_rows(table, prelim)
        group_rows, groups, reporting = self._group_rows(table, group, prelim)
        excluded = ledger.excluded_frame()
        return Computation(
            estimates=_frame(rows + group_rows),
            excluded=excluded,
            assumptions=tuple(self._idrc_assumptions(data, ledger, group, prelim_src)),
            diagnostics={
                "excluded": len(excluded),
                "basis": _bases(table),
                "donors_in_group": groups,
                "donors_reporting_idrc": reporting,
                "preliminary_years": _table_years(prelim_src, table),
                "zero_asylum_applications": zero_apps,
                "sources_used": _sources_used(ledger),
            },
            used=ledger.n_used,
        )

    # ---- the stages of _compute
    def _donor_rows(self, table: pd.DataFrame, prelim: frozenset[int]
                    ) -> tuple[list[dict[str, object]], list[str]]:
        """Each donor's costs, shares and cost per application; donors with none of those."""
        rows: list[dict[str, object]] = []
        zero_apps: list[str] = []
        r: Any  # pandas-stubs types every itertuples() field as "any scalar"
        for r in table.itertuples(index=False):
            c = getattr(r, IDRC)
            if pd.isna(c):
                continue
            term = _term(r.year, prelim=prelim)
            o, y = getattr(r, ODA), getattr(r, GNI)
            rows.append(_row("idrc_usd_million", r.iso3, r.year, term, c, self.unit))
            rows.append(_row("idrc_share_of_oda_pct", r.iso3, r.year, term, 100 * c / o,
                             "percent of the donor's total ODA"))
            rows.append(_row("idrc_share_of_gni_pct", r.iso3, r.year, term, 100 * c / y,
                             "percent of the donor's GNI"))
            if self.per_application:
                a = getattr(r, APPS)
                if pd.isna(a):
                    continue
                if a > 0:
                    rows.append(_row("idrc_usd_per_asylum_application", r.iso3, r.year, term,
                                     1e6 * c / a, "USD current per asylum application (persons)"))
                else:
                    zero_apps.append(f"{r.iso3} {r.year}")
        return rows, zero_apps

    def _group_rows(self, table: pd.DataFrame, group: str, prelim: frozenset[int]
                    ) -> tuple[list[dict[str, object]], dict[int, int], dict[int, int]]:
        """The group's totals and shares by year; donors in it and donors reporting costs."""
        rows: list[dict[str, object]] = []
        groups: dict[int, int] = {}
        reporting: dict[int, int] = {}
        year: Any  # pandas-stubs types a groupby key as "any scalar": a year here
        for year, sub in table.groupby("year", sort=True):
            term = _term(year, group, prelim)
            cg = float(sub[IDRC].fillna(0.0).sum())
            og, yg = float(sub[ODA].sum()), float(sub[GNI].sum())
            groups[int(year)] = len(sub)
            reporting[int(year)] = int(sub[IDRC].notna().sum())
            rows.append(_row("idrc_usd_million", None, year, term, cg, self.unit))
            rows.append(_row("idrc_share_of_oda_pct", None, year, term, 100 * cg / og,
                             "percent of the group's total ODA"))
            rows.append(_row("idrc_share_of_gni_pct", None, year, term, 100 * cg / yg,
                             "percent of the group's GNI"))
            rows.append(_row("donors_in_group", None, year, term, float(len(sub)), "donors"))
        return rows, groups, reporting

    def _idrc_assumptions(self, data: Dataset, ledger: Ledger, group: str,
                          prelim_src: dict[int, str]) -> list[str]:
        assumptions = [
            f"Group rows ('{group}') sum over every donor of the year with ODA and GNI "
            "observations; a donor without an in-donor refugee cost observation counts in the "
            "group's ODA and GNI with no in-donor refugee costs (as in the OECD's totals), but "
            "gets no row of its own (a missing amount is never written as zero).",
            *_dac_notes(data, ledger, prelim_src),
        ]
        if self.per_application:
            assumptions.append(
                "Cost per application = in-donor refugee costs / asylum applications lodged in "
                "the donor country in the same year (UNHCR, persons; applications counted in "
                "cases are never used). It is a ratio of two flows, not a unit cost: costs cover "
                "people who arrived in the previous 12 months, resettled refugees and "
                "applications of earlier years, depending on the donor's method.")
            if APPS not in data.indicators:
                assumptions.append("The data contain no asylum_applications observations, so no "
                                   "cost per application is reported.")
        if not self.members_only:
            assumptions.append(
                "The group is every donor in the data (the DAC files list the 30 members of "
                "2022 back to 2010, including years before some joined); select the data, or "
                "set members_only, to define another group.")
        return assumptions


# --------------------------------------------------------------------------- ODA/GNI vs 0.7 %
@dataclass(frozen=True, kw_only=True)
class OdaGniCommitment(EstimatorBase):
    r"""ODA as a share of GNI against the UN target of 0.7 %, with and without in-donor costs.

    For donor :math:`d`, year :math:`t`, ODA :math:`O`, GNI :math:`Y` and in-donor refugee costs
    :math:`C` (US$ million, current):

    .. math::

        r_{d,t} = 100\, O_{d,t} / Y_{d,t}, \qquad
        g_{d,t} = 0.7 - r_{d,t}\ \text{(pp)}, \qquad
        G_{d,t} = g_{d,t}\, Y_{d,t} / 100\ \text{(US\$ million)}

    and the same with :math:`O - C` in place of :math:`O` (``oda_excl_idrc_gni_pct``,
    ``gap_excl_idrc_to_0_7_pct_points``, ``gap_excl_idrc_to_0_7_usd_million``) where :math:`C`
    is observed. A negative gap means the donor exceeds 0.7 %. Group rows (empty ``iso3``) use
    :math:`\sum O / \sum Y` over the donors of the year. With ``compare_published`` the recomputed
    ratio is compared with the OECD's published ratio (rounded to 2 decimals):
    ``oda_gni_pct_minus_published`` :math:`= r_{d,t} - p_{d,t}`. See
    ``methodology/oda_gni_commitment.md``.

    Parameters
    ----------
    compare_published : bool
        Also use ``oda_gni_pct_published`` (where present) and report the difference.
    members_only : bool
        Keep only donors that are DAC members in the year (needs ``dac_member``).
    sources : tuple of (indicator, source) pairs
    """

    name: ClassVar[str] = "oda_gni_commitment"
    version: ClassVar[str] = "1.1"
    quantity: ClassVar[str] = "oda_gni_pct"
    unit: ClassVar[str] = "percent of GNI"
    requires: ClassVar[frozenset[str]] = frozenset({ODA, GNI})
    reference: ClassVar[str] = "methodology/oda_gni_commitment.md"
    summary: ClassVar[str] = ("ODA/GNI against the UN 0.7 % target: gap in pp and US$, with and "
                              "without in-donor refugee costs")
    labels = Labels(
        title="ODA/GNI against the 0.7 % target",
        family="Contributions",
        description="Official development assistance as per cent of GNI, and the gap to the "
                    "UN target of 0.7 %, with and without in-donor refugee costs",
        unit="percent of GNI",
        quantities={"oda_gni_pct": "ODA as per cent of GNI",
                    "oda_gni_pct_published_basis": "ODA/GNI as published (2 decimals)",
                    "meets_0_7_target": "Meets the 0.7 % target",
                    "gap_to_0_7_pct_points": "Gap to 0.7 % (percentage points)",
                    "gap_to_0_7_usd_million": "Gap to 0.7 % (USD million)",
                    "oda_excl_idrc_gni_pct": "ODA excluding in-donor refugee costs as per cent "
                                             "of GNI",
                    "gap_excl_idrc_to_0_7_pct_points": "Gap to 0.7 % excluding in-donor "
                                                       "refugee costs (percentage points)",
                    "gap_excl_idrc_to_0_7_usd_million": "Gap to 0.7 % excluding in-donor "
                                                        "refugee costs (USD million)",
                    "oda_gni_pct_minus_published": "Recomputed minus published ODA/GNI",
                    "donors_in_group": "Donors in the group"},
        diagnostics={**_DAC_DIAGNOSTICS,
                     "published_compared": "Donor-years compared with the published ratio",
                     "published_beyond_rounding": "Donor-years differing beyond rounding",
                     "target_met_as_published_not_unrounded":
                         "Donor-years meeting the target only as published"})

    compare_published: bool = field(default=True, metadata={
        "doc": "compare the recomputed ratio with the OECD's published, rounded ODA/GNI "
               "(oda_gni_pct_published) where present"})
    members_only: bool = _members_field()
    sources: tuple[tuple[str, str], ...] = sources_field()

    def inputs(self) -> frozenset[str]:
        """Return the indicators used with these parameters."""
        extra = ([PUBLISHED] if self.compare_published else []) + (
            [MEMBER] if self.members_only else [])
        return frozenset([ODA, GNI, IDRC, *extra])

    def optional_inputs(self) -> frozenset[str]:
        """In-donor refugee costs and the published ratio may be absent."""
        return frozenset([IDRC, *([PUBLISHED] if self.compare_published else [])])

    def _compute(self, data: Dataset) -> Computation:
        ledger, prelim_src, group = _open_ledger(self, data)
        prelim = frozenset(prelim_src)
        also = [IDRC]
        if self.compare_published:
            _settle_optional(ledger, PUBLISHED, need=ODA)
            also.append(PUBLISHED)
        all_of = [GNI, *([MEMBER] if self.members_only else [])]
        table = country_year_table(ledger, any_of=[ODA], also=also, all_of=all_of,
                                   positive=[GNI])
        rows: list[dict[str, object]] = []
        beyond: list[str] = []
        met_only_as_published: list[str] = []
        r: Any  # pandas-stubs types every itertuples() field as "any scalar"
        for r in table.itertuples(index=False):
            rows += self._donor_rows(r, _term(r.year, prelim=prelim), beyond,
                                     met_only_as_published)
        year: Any  # pandas-stubs types a groupby key as "any scalar": a year here
        for year, sub in table.groupby("year", sort=True):
            rows += _oda_group_rows(year, sub, _term(year, group, prelim))
        excluded = ledger.excluded_frame()
        return Computation(
            estimates=_frame(rows),
            excluded=excluded,
            assumptions=tuple(_oda_assumptions(data, ledger, group, prelim_src)),
            diagnostics={
                "excluded": len(excluded),
                "basis": _bases(table),
                "donors_in_group": table.groupby("year").size().astype(int).to_dict(),
                "published_compared": int(table[PUBLISHED].notna().sum())
                if self.compare_published else 0,
                "published_beyond_rounding": beyond,
                "target_met_as_published_not_unrounded": met_only_as_published,
                "preliminary_years": _table_years(prelim_src, table),
                "sources_used": _sources_used(ledger),
            },
            used=ledger.n_used,
        )

    def _donor_rows(self, r: Any, term: str, beyond: list[str],
                    met_only_as_published: list[str]) -> list[dict[str, object]]:
        """One donor-year: the ratio, the verdict on the target, the gaps (with and without
        in-donor costs) and the difference from the published ratio.
        """
        t = UN_ODA_TARGET_PCT
        o, y = getattr(r, ODA), getattr(r, GNI)
        ratio = 100 * o / y
        p_pub = getattr(r, PUBLISHED) if self.compare_published else np.nan
        if pd.isna(p_pub):
            p_basis, how = as_published(ratio), "recomputed ratio rounded to 2 decimals"
        else:
            p_basis, how = float(p_pub), "ratio as published (2 decimals)"
        verdict = f"{term}; {how}"
        rows = [_row("oda_gni_pct_published_basis", r.iso3, r.year, verdict, p_basis, _PCT),
                _row("meets_0_7_target", r.iso3, r.year, verdict,
                     float(p_basis >= t - 1e-9), _MET)]
        if p_basis >= t - 1e-9 and ratio < t:
            met_only_as_published.append(f"{r.iso3} {r.year}: {ratio:.4f} unrounded, "
                                         f"{p_basis:.2f} {how.split(' (')[0]}")
        rows += _gap_rows("", r.iso3, r.year, term, ratio, y)
        c = getattr(r, IDRC)
        if not pd.isna(c):
            rows += _gap_rows("excl_idrc", r.iso3, r.year, term, 100 * (o - c) / y, y)
        if self.compare_published:
            p = getattr(r, PUBLISHED)
            if not pd.isna(p):
                rows.append(_row("oda_gni_pct_minus_published", r.iso3, r.year, term,
                                 ratio - p, _PP))
                if abs(ratio - p) > 0.005 + 1e-9:
                    beyond.append(f"{r.iso3} {r.year}: {ratio:.4f} vs {p:.2f}")
        return rows


_PCT = "percent of GNI"
_PP = "percentage points of GNI"
_USD_MILLION = "USD million current"
_MET = "1 = target met, 0 = not met"


def _gap_rows(variant: str, iso3: Any, year: Any, term: str, ratio: float,
              gni: float) -> list[dict[str, object]]:
    """The ratio to GNI and the gaps to 0.7 % in points and US$ (``variant``: "" or
    "excl_idrc").
    """
    t = UN_ODA_TARGET_PCT
    if variant:
        names = (f"oda_{variant}_gni_pct", f"gap_{variant}_to_0_7_pct_points",
                 f"gap_{variant}_to_0_7_usd_million")
    else:
        names = ("oda_gni_pct", "gap_to_0_7_pct_points", "gap_to_0_7_usd_million")
    return [_row(names[0], iso3, year, term, ratio, _PCT),
            _row(names[1], iso3, year, term, t - ratio, _PP),
            _row(names[2], iso3, year, term, (t - ratio) * gni / 100, _USD_MILLION)]


def _oda_group_rows(year: Any, sub: pd.DataFrame, term: str) -> list[dict[str, object]]:
    """The group's ratio (total ODA / total GNI), verdict and gaps in one year."""
    t = UN_ODA_TARGET_PCT
    og, yg = float(sub[ODA].sum()), float(sub[GNI].sum())
    ratio = 100 * og / yg
    verdict = f"{term}; recomputed ratio rounded to 2 decimals"
    rows = [_row("oda_gni_pct_published_basis", None, year, verdict, as_published(ratio), _PCT),
            _row("meets_0_7_target", None, year, verdict,
                 float(as_published(ratio) >= t - 1e-9), _MET)]
    rows += _gap_rows("", None, year, term, ratio, yg)
    rows.append(_row("donors_in_group", None, year, term, float(len(sub)), "donors"))
    cg = float(sub[IDRC].fillna(0.0).sum())
    rows += _gap_rows("excl_idrc", None, year, term, 100 * (og - cg) / yg, yg)
    return rows


def _oda_assumptions(data: Dataset, ledger: Ledger, group: str,
                     prelim_src: dict[int, str]) -> list[str]:
    assumptions = [
        "Target: 0.7 % of GNI (UN General Assembly resolution 2626 (XXV), 1970); gap = 0.7 - "
        "ODA/GNI, negative when the donor exceeds the target; in US$ = gap x GNI / 100.",
        "ODA/GNI is recomputed from ODA and GNI (US$ million, current) of the same release "
        "(oda_gni_pct, unrounded; the gaps use it). The target is judged as the OECD does, "
        "on the ratio as published to 2 decimals (oda_gni_pct_published_basis, "
        "meets_0_7_target): the published ratio where the data have it, else the "
        "recomputed ratio rounded half up to 2 decimals (the term says which). So a donor "
        "at 0.6993 % unrounded, published 0.70 %, meets the target (Germany 2016), while "
        "its unrounded gap of 0.0007 pp is still reported beside it.",
        "Excluding in-donor refugee costs: (ODA - in-donor refugee costs) / GNI, only where "
        "the donor has an in-donor refugee cost observation; for the group rows, donors "
        "without one count with none (as in the OECD's totals).",
        f"Group rows ('{group}'): total ODA / total GNI of the donors of the year, not the "
        "mean of donors' ratios.",
        *_dac_notes(data, ledger, prelim_src),
    ]
    if IDRC not in data.indicators:
        assumptions.append("The data contain no in-donor refugee cost observations; the "
                           "group's 'excluding in-donor costs' rows equal the others.")
    return assumptions
