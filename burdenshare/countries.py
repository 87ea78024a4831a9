"""Country identifiers: explicit UNHCR <-> ISO3 conversion and entity tagging.

UNHCR's own three-letter codes differ from ISO 3166-1 alpha-3 for about a hundred entities and
three of them *collide* with another country's ISO3 code: UNHCR ``AUS`` is Austria (ISO ``AUT``),
UNHCR ``ARE`` is Egypt (ISO ``EGY``) and UNHCR ``MAR`` is Martinique (ISO ``MTQ``). Conversion is
therefore always explicit (:func:`to_iso3`, :func:`from_iso3`) and raises on unknown codes; there
is no fuzzy or name-based matching.

Non-country entities (World Bank regions and income groups, UNHCR "Unknown" and "Stateless") are
tagged by :func:`entity_type` and estimators never rank or sum them with countries.

The code table is ``data_samples/country_codes.csv`` (a copy of the shared
``country_codes_iso_unhcr.csv``, built from UNHCR's ``refugees`` R package 2025.12.1 and
``datasets/country-codes``); World Bank aggregate codes are ``data_samples/wb_aggregates.csv``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from ._resources import samples_dir

__all__ = [
    "UNKNOWN",
    "STATELESS",
    "country_table",
    "known_codes",
    "entity_type",
    "is_country",
    "to_iso3",
    "from_iso3",
    "country_name",
]

#: burdenshare's code for "unknown country" (as in UNHCR's data files; the code table says XXX).
UNKNOWN = "UNK"
#: burdenshare's code for "stateless" (ISO-like code used by UNHCR's data files).
STATELESS = "XXA"

_SPECIAL: Mapping[str, str] = MappingProxyType(
    {
        UNKNOWN: "unknown",
        "XXX": "unknown",
        STATELESS: "stateless",
    }
)

#: World Bank economies without an ISO 3166-1 alpha-3 code (WB's own codes).
_WB_ECONOMIES: Mapping[str, str] = MappingProxyType(
    {"XKX": "Kosovo", "CHI": "Channel Islands"}
)

EntityType = Literal["country", "aggregate", "unknown", "stateless"]


@lru_cache(maxsize=1)
def country_table() -> pd.DataFrame:
    """Return the shipped country code table.

    Read with ``keep_default_na=False`` so that Namibia's ISO2 code ``NA`` survives.

    Returns
    -------
    pandas.DataFrame
        One row per entity: ``iso3, iso2, iso_numeric, m49, name_cldr, ..., unhcr_code,
        name_unhcr, unhcr_region``. Empty cells are empty strings.
    """
    path = samples_dir() / "country_codes.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    return df


@lru_cache(maxsize=1)
def _aggregates() -> Mapping[str, str]:
    path = samples_dir() / "wb_aggregates.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    return MappingProxyType(dict(zip(df["code"], df["name"])))


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    t = country_table()
    codes = {c for c in t["iso3"] if c and c not in _SPECIAL}
    codes.update(_WB_ECONOMIES)  # e.g. Kosovo (UNHCR folds it into SRB), Channel Islands
    return frozenset(codes)


def known_codes() -> frozenset[str]:
    """Return every ``iso3`` value burdenshare accepts: countries, aggregates and special codes.

    Returns
    -------
    frozenset of str
    """
    return _countries() | frozenset(_aggregates()) | frozenset(_SPECIAL)


def entity_type(code: str) -> EntityType:
    """Classify an ``iso3`` value.

    Parameters
    ----------
    code : str
        A code from the ``iso3`` column.

    Returns
    -------
    {"country", "aggregate", "unknown", "stateless"}

    Raises
    ------
    KeyError
        If the code is not known at all.
    """
    if code in _countries():
        return "country"
    if code in _SPECIAL:
        return _SPECIAL[code]  # type: ignore[return-value]
    if code in _aggregates():
        return "aggregate"
    raise KeyError(f"unknown code {code!r}: not an ISO3 country, World Bank aggregate or special code")


def is_country(codes: Iterable[str]) -> pd.Series:
    """Test, element-wise, whether each code is a country (not an aggregate, unknown or stateless).

    Parameters
    ----------
    codes : iterable of str

    Returns
    -------
    pandas.Series of bool
    """
    s = codes if isinstance(codes, pd.Series) else pd.Series(list(codes), dtype=object)
    # look each distinct code up once: a panel repeats a few hundred codes many times
    inverse, uniques = pd.factorize(s, use_na_sentinel=False)
    known = _countries()
    hit = np.fromiter((u in known for u in uniques), dtype=bool, count=len(uniques))
    return pd.Series(hit[inverse] if len(s) else np.zeros(0, dtype=bool), index=s.index, dtype=bool)


def _raise_unknown(unknown: list[str], scheme: str) -> None:
    shown = ", ".join(repr(u) for u in unknown[:20])
    more = f" (and {len(unknown) - 20} more)" if len(unknown) > 20 else ""
    raise KeyError(
        f"{len(unknown)} code(s) not in the {scheme} column of the country table: {shown}{more}. "
        "burdenshare converts codes only through its shipped table; fix the codes or map them "
        "yourself explicitly."
    )


def to_iso3(codes: Iterable[str], scheme: Literal["unhcr", "iso2"] = "unhcr") -> list[str]:
    """Convert codes of another scheme to ISO3, raising on any unknown code.

    Parameters
    ----------
    codes : iterable of str
        UNHCR three-letter codes (``scheme="unhcr"``) or ISO 3166-1 alpha-2 codes.
    scheme : {"unhcr", "iso2"}
        The scheme of ``codes``.

    Returns
    -------
    list of str
        ISO3 codes. UNHCR ``UKN`` (unknown) maps to ``UNK`` and ``STA`` (stateless) to ``XXA``.

    Raises
    ------
    KeyError
        Listing every code that is not in the table.

    Examples
    --------
    >>> to_iso3(["AUS", "ARE", "MAR"])  # UNHCR codes: Austria, Egypt, Martinique
    ['AUT', 'EGY', 'MTQ']
    """
    t = country_table()
    column = {"unhcr": "unhcr_code", "iso2": "iso2"}[scheme]
    sub = t[(t[column] != "") & (t["iso3"] != "")]
    mapping = dict(zip(sub[column], sub["iso3"]))
    if scheme == "unhcr":
        mapping["UKN"] = UNKNOWN
    codes = list(codes)
    unknown = sorted({c for c in codes if c not in mapping}, key=str)
    if unknown:
        _raise_unknown(unknown, scheme)
    return [mapping[c] for c in codes]


def from_iso3(codes: Iterable[str], scheme: Literal["unhcr", "iso2"] = "unhcr") -> list[str]:
    """Convert ISO3 codes to another scheme, raising on any unknown code.

    Parameters
    ----------
    codes : iterable of str
    scheme : {"unhcr", "iso2"}

    Returns
    -------
    list of str

    Examples
    --------
    >>> from_iso3(["AUT", "AUS"])  # Austria, Australia
    ['AUS', 'AUL']
    """
    t = country_table()
    column = {"unhcr": "unhcr_code", "iso2": "iso2"}[scheme]
    sub = t[(t[column] != "") & (t["iso3"] != "")]
    mapping = dict(zip(sub["iso3"], sub[column]))
    if scheme == "unhcr":
        mapping[UNKNOWN] = "UKN"
    codes = list(codes)
    unknown = sorted({c for c in codes if c not in mapping}, key=str)
    if unknown:
        _raise_unknown(unknown, "iso3")
    return [mapping[c] for c in codes]


@functools.lru_cache(maxsize=1)
def _display_names() -> dict[str, str]:
    t = country_table()
    names: dict[str, str] = {}
    for c, u, n in zip(t["iso3"], t["name_unhcr"], t["name_cldr"], strict=True):
        names.setdefault(str(c), str(u if isinstance(u, str) and u else n))  # first row wins
    return names


def country_name(code: str) -> str:
    """Return a display name for an ``iso3`` code (UNHCR spelling where available).

    Parameters
    ----------
    code : str

    Returns
    -------
    str
    """
    name = _display_names().get(code)
    if name is not None:
        return name
    if code in _aggregates():
        return _aggregates()[code]
    if code == UNKNOWN:
        return "Unknown"
    if code in _WB_ECONOMIES:
        return _WB_ECONOMIES[code]
    return code


#: UN "more developed regions": all of Europe, Northern America, Australia/New Zealand and Japan
#: (UN Population Division, World Population Prospects; UNSD: "in common practice, Japan in
#: Asia, Canada and the United States of America in Northern America, Australia and New Zealand
#: in Oceania, and Europe are considered developed regions"). Everything else is "developing".
_DEVELOPED_SUBREGIONS = frozenset({"Northern America", "Australia and New Zealand"})


def static_attribute(
    codes: Iterable[str],
    attribute: Literal["un_ldc", "unhcr_region", "un_region", "un_development"],
) -> pd.Series:
    """Return a time-invariant attribute of each code from the country table.

    Parameters
    ----------
    codes : iterable of str
    attribute : {"un_ldc", "unhcr_region", "un_region", "un_development"}
        ``un_ldc`` gives "Least developed countries" or "Other countries" (current UN LDC list,
        not historical); ``un_development`` gives "Developed regions" (Europe, Northern America,
        Australia/New Zealand, Japan) or "Developing regions" (the rest).

    Returns
    -------
    pandas.Series of str
        Empty string where the table has no value.
    """
    t = country_table().set_index("iso3")
    codes = list(codes)
    if attribute == "un_development":
        region = t["un_region"]
        subregion = t["un_subregion"]
        out = []
        for c in codes:
            if c not in region.index or not region.get(c):
                out.append("")
            elif (region[c] == "Europe" or subregion[c] in _DEVELOPED_SUBREGIONS
                  or c == "JPN"):
                out.append("Developed regions")
            else:
                out.append("Developing regions")
        return pd.Series(out, dtype=object)
    col = t[attribute]
    values = [col.get(c, "") if c in col.index else "" for c in codes]
    if attribute == "un_ldc":
        values = ["Least developed countries" if v == "x" else "Other countries" for v in values]
    return pd.Series(values, dtype=object)
