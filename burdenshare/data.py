"""The input model: :class:`Source` records and the immutable, validated :class:`Dataset`.

A dataset is one long table of observations with the columns
``iso3, year, indicator, value, unit, source, counterpart_iso3, area`` (see
``methodology/indicators.md``), the :class:`Source` record of every ``source`` id it uses, and a
content fingerprint (``methodology/provenance.md``).
"""

from __future__ import annotations

import hashlib
import io as _stdio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, cast

import numpy as np
import pandas as pd

from ._errors import DataValidationError
from .countries import known_codes
from .indicators import VOCABULARY
from .schemas import (
    OBSERVATION_COLUMNS,
    OPTIONAL_OBSERVATION_COLUMNS,
    ObservationSchema,
    validate_lazily,
)

__all__ = ["Source", "Dataset", "fingerprint_frame", "has_areas", "MISSING_TOKENS"]

#: Text that means "no value" in an input file's ``value`` column (UNHCR uses ``-``).
MISSING_TOKENS = frozenset({"", "-", "NA", "N/A", "NaN", "nan", ".."})

_FAILURE_COLUMNS = ["file", "line", "column", "value", "check", "reason"]
_SHOW = 20


@dataclass(frozen=True)
class Source:
    """Where a set of observations comes from.

    Parameters
    ----------
    id : str
        Short identifier used in the ``source`` column (no spaces).
    title : str
        Name of the dataset.
    publisher : str
        Who publishes it (e.g. "UNHCR").
    url : str
        Where it can be obtained.
    licence : str
        Licence and attribution terms (e.g. "CC BY 4.0").
    retrieved : str
        Date the copy was taken (ISO 8601).
    vintage : str
        Release or version of the data (e.g. "refugees R package 2025.12.1").
    derivation : str
        How the observations were derived from the publication.
    """

    id: str
    title: str
    publisher: str
    url: str = ""
    licence: str = ""
    retrieved: str = ""
    vintage: str = ""
    derivation: str = ""

    def to_dict(self) -> dict[str, str]:
        """Return the record as a plain dict (JSON-serialisable)."""
        return asdict(self)


def _canonical(df: pd.DataFrame) -> pd.DataFrame:
    """Return observations in canonical order and dtypes (a new frame)."""
    if "area" not in df.columns:
        df = df.assign(area=pd.Series([None] * len(df), index=df.index, dtype="str"))
    out = df.loc[:, list(OBSERVATION_COLUMNS)].copy()
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    for col in ("iso3", "indicator", "unit", "source", "counterpart_iso3", "area"):
        out[col] = out[col].astype("str")
    out = (
        out.assign(_area=out["area"].fillna(""), _cp=out["counterpart_iso3"].fillna(""))
        .sort_values(["iso3", "_area", "_cp", "year", "indicator", "source"], kind="mergesort")
        .drop(columns=["_area", "_cp"])
        .reset_index(drop=True)
    )
    return out


def has_areas(observations: pd.DataFrame) -> bool:
    """Return True if any observation is for a sub-national area (non-missing ``area``).

    Parameters
    ----------
    observations : pandas.DataFrame

    Returns
    -------
    bool
    """
    return "area" in observations.columns and bool(observations["area"].notna().any())


def fingerprint_frame(observations: pd.DataFrame) -> str:
    r"""Return the sha256 fingerprint of a canonical observation frame.

    The algorithm (also in ``methodology/provenance.md``): rows sorted by
    ``iso3, area, counterpart_iso3, year, indicator, source`` (missing area and counterpart sort
    as empty); columns in the order ``iso3, year, indicator, value, unit, source,
    counterpart_iso3`` and, only when at least one observation has an ``area``, ``area`` last
    (so data without areas keep the fingerprint they had before the column existed);
    ``value`` written with Python's ``repr`` of the float (shortest round-trip form), missing as
    an empty field; CSV with a header line, comma separator, minimal quoting, ``\n`` line ends,
    UTF-8; sha256 of those bytes, as 64 lowercase hex digits.

    Parameters
    ----------
    observations : pandas.DataFrame
        A frame in canonical form (as held by :class:`Dataset`).

    Returns
    -------
    str
    """
    text = observations.copy()
    text["value"] = [("" if np.isnan(v) else repr(float(v))) for v in text["value"].to_numpy()]
    text["counterpart_iso3"] = text["counterpart_iso3"].fillna("")
    if has_areas(text):
        text["area"] = text["area"].fillna("")
    elif "area" in text.columns:
        text = text.drop(columns="area")
    buf = _stdio.StringIO()
    text.to_csv(buf, index=False, lineterminator="\n")
    return hashlib.sha256(buf.getvalue().encode("utf-8")).hexdigest()


def _missing_token(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and v.strip() in MISSING_TOKENS


def _coerce(df: pd.DataFrame, fail: list[dict[str, Any]], row_ref: pd.Series) -> pd.DataFrame:
    """Coerce year and value to numbers, recording every cell that is not one."""
    out = df.copy()
    # value: missing tokens -> NaN; anything else must parse as a float
    raw = out["value"]
    if raw.dtype.kind in "fiu":
        values = raw.astype("float64")
    else:
        obj = raw.astype(object)
        missing = obj.map(_missing_token).astype(bool)
        parsed = pd.to_numeric(obj.where(~missing, None), errors="coerce")
        bad = parsed.isna() & ~missing
        for idx in out.index[bad]:
            fail.append(_f(row_ref[idx], "value", obj[idx], "is_number",
                           "is not a number (write missing values as an empty cell or '-')"))
        values = parsed.astype("float64")
    out["value"] = values
    # year: must be a whole number
    rawy = out["year"]
    if rawy.dtype.kind in "iu":
        years = rawy.astype("int64")
    else:
        obj = rawy.astype(object)
        parsed = pd.to_numeric(obj, errors="coerce")
        whole = parsed.notna() & (parsed == np.floor(parsed.fillna(0)))
        for idx in out.index[~whole]:
            fail.append(_f(row_ref[idx], "year", obj[idx], "is_integer",
                           "is not a whole-number year"))
        years = parsed.where(whole, 2000).astype("int64")  # placeholder only for further checks
    out["year"] = years
    return out


def _f(ref: Any, column: str, value: Any, check: str, reason: str) -> dict[str, Any]:
    file, line = ref
    if isinstance(value, np.generic):
        value = value.item()
    return {"file": file, "line": line, "column": column, "value": value, "check": check,
            "reason": reason}


def _describe(check: str, column: str) -> str:
    if check.startswith("str_matches"):
        if column in ("iso3", "counterpart_iso3"):
            return "is not a three-letter upper-case code"
        if column == "area":
            return "is not an area code (free text without spaces, e.g. 'TR-34' or 'TUR.34_1')"
        return "contains spaces or is empty"
    if check.startswith("isin"):
        return "is not an indicator of the vocabulary (see `burdenshare indicators`)"
    if check.startswith("greater_than_or_equal_to") or check.startswith("less_than_or_equal_to"):
        return f"is outside the allowed range ({check})"
    if check == "not_nullable":
        return "is empty but required"
    if check.startswith("column_in_dataframe"):
        return "column is missing"
    if check.startswith("column_in_schema"):
        return "is not a column of the observation model (allowed: " + ", ".join(
            OBSERVATION_COLUMNS) + ")"
    return check


@dataclass(frozen=True, eq=False)
class Dataset:
    """An immutable, validated long table of observations with its sources and fingerprint.

    Build one with :meth:`from_frame` (or :func:`burdenshare.read_observations` /
    :func:`burdenshare.load_sample`); never mutate ``observations``.

    Parameters
    ----------
    observations : pandas.DataFrame
        Canonical frame: ``iso3, year, indicator, value, unit, source, counterpart_iso3,
        area`` (``area`` missing = the whole country).
    sources : Mapping[str, Source]
        Every source id used in ``observations``.
    fingerprint : str
        sha256 of the canonical serialisation (:func:`fingerprint_frame`).
    origin : str or None
        File(s) the data were read from, for messages.
    lineage : tuple of str
        Operations that produced this dataset from its origin (e.g. ``select(years=2024-2024)
        of <fingerprint>``).
    requested_years : tuple of int or None
        The years asked for by the latest ``select(years=...)`` (None: no explicit years).
        Estimators list each requested year that yields no estimate in ``Result.excluded``
        (reason ``year_without_data``), so that a selection never silently returns fewer years.
    """

    observations: pd.DataFrame
    sources: Mapping[str, Source]
    fingerprint: str
    origin: str | None = None
    lineage: tuple[str, ...] = field(default=())
    requested_years: tuple[int, ...] | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        sources: Mapping[str, Source] | Iterable[Source] | None = None,
        *,
        origin: str | None = None,
        lines: Sequence[int] | None = None,
    ) -> Dataset:
        """Validate a long frame lazily and return a :class:`Dataset`.

        Parameters
        ----------
        df : pandas.DataFrame
            Columns ``iso3, year, indicator, value, unit, source`` and optionally
            ``counterpart_iso3`` and ``area`` (a sub-national unit within ``iso3``, e.g.
            ``TR-34``; empty = the whole country). ``value`` may hold text; missing tokens (``""``, ``"-"``,
            ``"NA"``, ``".."``) become NaN and stay NaN.
        sources : mapping or iterable of Source, optional
            Records for every ``source`` id. Ids without a record are an error.
        origin : str, optional
            File name used in error messages.
        lines : sequence of int, optional
            For each row, its line number in ``origin`` (for messages).

        Returns
        -------
        Dataset

        Raises
        ------
        DataValidationError
            Listing every failure (file, line, column, value, rule), not only the first.
        """
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
        srcs = _as_source_map(sources)
        file = origin or "<DataFrame>"
        df = df.reset_index(drop=True)
        if lines is None:
            line_nums = list(range(1, len(df) + 1))
        else:
            line_nums = list(lines)
            if len(line_nums) != len(df):
                raise ValueError("lines must have one entry per row")
        row_ref = pd.Series([(file, n) for n in line_nums], index=df.index, dtype=object)
        fail: list[dict[str, Any]] = []

        # 1. the set of columns
        present = list(df.columns)
        required = [c for c in OBSERVATION_COLUMNS if c not in OPTIONAL_OBSERVATION_COLUMNS]
        missing_cols = [c for c in required if c not in present]
        extra = [c for c in present if c not in OBSERVATION_COLUMNS]
        for c in missing_cols:
            fail.append({"file": file, "line": None, "column": c, "value": None,
                         "check": "column_present", "reason": "required column is missing"})
        for c in extra:
            fail.append({"file": file, "line": None, "column": str(c), "value": None,
                         "check": "known_column",
                         "reason": "is not a column of the observation model (allowed: "
                         + ", ".join(OBSERVATION_COLUMNS) + ")"})
        if missing_cols or extra:
            _raise(fail)
        if "counterpart_iso3" not in present:
            df = df.assign(counterpart_iso3=pd.Series([None] * len(df), dtype="str"))
        else:
            cp = df["counterpart_iso3"].astype(object)
            df = df.assign(counterpart_iso3=cp.where(~cp.map(_missing_token).astype(bool), None)
                           .astype("str"))
        if "area" not in present:
            df = df.assign(area=pd.Series([None] * len(df), index=df.index, dtype="str"))
        else:
            ar = df["area"].astype(object)
            empty = ar.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                           or (isinstance(v, str) and v == "")).astype(bool)
            df = df.assign(area=ar.where(~empty, None).map(
                lambda v: v if v is None or isinstance(v, str) else str(v)).astype("str"))

        # 2. numbers
        df = _coerce(df, fail, row_ref)
        for col in ("iso3", "indicator", "unit", "source"):
            df[col] = df[col].astype("str")

        # 3. column rules (pandera, lazy)
        cases = validate_lazily(ObservationSchema, df)
        if cases is not None:
            rec: Any  # pandas-stubs types every itertuples() field as "any scalar"
            for rec in cases.itertuples(index=False):
                idx = rec.index
                if idx is None or (isinstance(idx, float) and np.isnan(idx)):
                    ref = (file, None)
                else:
                    ref = row_ref[int(idx)]
                col = rec.column if isinstance(rec.column, str) else str(rec.column)
                if rec.check == "dtype('int64')" or str(rec.check).startswith("dtype"):
                    continue  # dtype failures are already reported cell by cell in step 2
                fail.append(_f(ref, col, rec.failure_case, str(rec.check),
                               _describe(str(rec.check), col)))

        # 4. cross-column rules
        _cross_checks(df, srcs, row_ref, fail)
        if fail:
            _raise(fail)
        canon = _canonical(df)
        used = sorted(set(canon["source"]))
        return cls(
            observations=canon,
            sources=MappingProxyType({k: srcs[k] for k in used}),
            fingerprint=fingerprint_frame(canon),
            origin=origin,
        )

    @classmethod
    def concat(cls, datasets: Sequence[Dataset]) -> Dataset:
        """Combine datasets into one (re-validated: duplicate keys across them are an error).

        Parameters
        ----------
        datasets : sequence of Dataset

        Returns
        -------
        Dataset
        """
        if not datasets:
            raise ValueError("concat needs at least one dataset")
        if len(datasets) == 1:
            return datasets[0]
        srcs: dict[str, Source] = {}
        for d in datasets:
            for k, s in d.sources.items():
                if k in srcs and srcs[k] != s:
                    raise DataValidationError(
                        f"source id {k!r} is described differently in two inputs "
                        f"({d.origin or '<DataFrame>'}); give each source a distinct id"
                    )
                srcs[k] = s
        frame = pd.concat([_canonical(d.observations) for d in datasets], ignore_index=True)
        origins = [d.origin or "<DataFrame>" for d in datasets]
        dup = frame.assign(_cp=frame["counterpart_iso3"].fillna(""),
                           _area=frame["area"].fillna("")).duplicated(
            ["iso3", "_area", "_cp", "year", "indicator", "source"], keep=False)
        if dup.any():
            first = frame[dup].iloc[0]
            area = "" if pd.isna(first.area) else f" area={first.area}"
            raise DataValidationError(
                f"{int(dup.sum())} observations appear in more than one input ({', '.join(origins)}),"
                f" e.g. iso3={first.iso3}{area} year={first.year} indicator={first.indicator} "
                f"source={first.source}"
            )
        canon = _canonical(frame)
        return cls(
            observations=canon,
            sources=MappingProxyType(dict(sorted(srcs.items()))),
            fingerprint=fingerprint_frame(canon),
            origin=" + ".join(origins),
            lineage=tuple(
                f"concat part {i + 1} {d.fingerprint[:12]}"
                + (f" ({'; '.join(d.lineage)})" if d.lineage else "")
                for i, d in enumerate(datasets)),
            requested_years=_requested_union(datasets),
        )

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return len(self.observations)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self.fingerprint == other.fingerprint and dict(self.sources) == dict(other.sources)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        obs = self.observations
        years = f"{obs['year'].min()}-{obs['year'].max()}" if len(obs) else "-"
        areas = (f"{obs['area'].nunique()} sub-national areas, " if has_areas(obs) else "")
        return (
            f"Dataset({len(obs):,} observations, {obs['indicator'].nunique()} indicators, "
            f"{obs['iso3'].nunique()} codes, {areas}years {years}, sources={sorted(self.sources)}, "
            f"fingerprint={self.fingerprint[:12]}…)"
        )

    @property
    def indicators(self) -> tuple[str, ...]:
        """Indicators present, sorted."""
        return tuple(sorted(self.observations["indicator"].unique()))

    @property
    def years(self) -> tuple[int, ...]:
        """Years present, sorted."""
        return tuple(int(y) for y in sorted(self.observations["year"].unique()))

    def coverage(self) -> pd.DataFrame:
        """Return one row per (indicator, source): observations, missing values, years, codes."""
        g = self.observations.groupby(["indicator", "source"], dropna=False)
        return pd.DataFrame(
            {
                "observations": g.size(),
                "missing_values": g["value"].apply(lambda s: int(s.isna().sum())),
                "first_year": g["year"].min(),
                "last_year": g["year"].max(),
                "codes": g["iso3"].nunique(),
            }
        ).reset_index()

    def select(
        self,
        *,
        iso3: Iterable[str] | None = None,
        years: tuple[int, int] | Iterable[int] | None = None,
        indicators: Iterable[str] | None = None,
        areas: Iterable[str | None] | None = None,
    ) -> Dataset:
        """Return a new dataset restricted to some codes, years, indicators and/or areas.

        Parameters
        ----------
        iso3 : iterable of str, optional
            Codes to keep (``iso3`` column).
        years : (first, last) tuple or iterable of int, optional
            An inclusive range given as a 2-tuple, or the years to keep.
        indicators : iterable of str, optional
        areas : iterable of str or None, optional
            Sub-national area codes to keep (``area`` column); ``None`` in the iterable keeps the
            whole-country observations (missing ``area``).

        Returns
        -------
        Dataset
            With a new fingerprint; ``lineage`` records the selection and the parent fingerprint.
        """
        obs = self.observations
        mask = pd.Series(True, index=obs.index)
        parts = []
        if iso3 is not None:
            codes = sorted(set(iso3))
            unknown = [c for c in codes if c not in known_codes()]
            if unknown:
                raise DataValidationError(f"unknown country code(s) in selection: {unknown}")
            mask &= obs["iso3"].isin(codes)
            parts.append("iso3=" + ",".join(codes))
        if years is not None:
            if isinstance(years, tuple) and len(years) == 2:
                lo, hi = int(years[0]), int(years[1])
                if lo > hi:
                    raise ValueError(f"years=({lo}, {hi}): the first year is after the last")
                mask &= obs["year"].between(lo, hi)
                parts.append(f"years={lo}-{hi}")
                requested: tuple[int, ...] | None = tuple(range(lo, hi + 1))
            else:
                ys = sorted({int(y) for y in years})
                mask &= obs["year"].isin(ys)
                parts.append("years=" + ",".join(map(str, ys)))
                requested = tuple(ys)
        else:
            requested = self.requested_years
        if indicators is not None:
            inds = sorted(set(indicators))
            unknown = [i for i in inds if i not in VOCABULARY]
            if unknown:
                raise DataValidationError(f"unknown indicator(s) in selection: {unknown}")
            mask &= obs["indicator"].isin(inds)
            parts.append("indicators=" + ",".join(inds))
        if areas is not None:
            wanted = set(areas)
            national = None in wanted
            codes = sorted(str(a) for a in wanted if a is not None)
            area_col = obs["area"] if "area" in obs.columns else pd.Series(
                [None] * len(obs), index=obs.index, dtype="str")
            present = set(area_col.dropna().unique())
            unknown = [a for a in codes if a not in present]
            if unknown:
                raise DataValidationError(
                    f"area code(s) not in the data: {unknown} (the data have "
                    f"{len(present)} area(s), e.g. {sorted(present)[:5]})")
            mask &= area_col.isin(codes) | (area_col.isna() if national else False)
            parts.append("areas=" + ",".join(codes + (["<country>"] if national else [])))
        sub = obs[mask].reset_index(drop=True)
        used = sorted(set(sub["source"]))
        return Dataset(
            observations=sub,
            sources=MappingProxyType({k: self.sources[k] for k in used}),
            fingerprint=fingerprint_frame(sub),
            origin=self.origin,
            lineage=(*self.lineage, f"select({'; '.join(parts)}) of {self.fingerprint[:12]}"),
            requested_years=requested,
        )

    def panel(self, indicators: Iterable[str], source: Mapping[str, str] | None = None) -> pd.DataFrame:
        """Return a wide (iso3, year) x indicator frame of values (non-dyadic indicators).

        Parameters
        ----------
        indicators : iterable of str
        source : mapping indicator -> source id, optional
            Required for an indicator given by more than one source (no implicit preference).

        Returns
        -------
        pandas.DataFrame
            Indexed by (``iso3``, ``year``), the entity-time index linearmodels expects; when the
            data have sub-national areas, by (``iso3``, ``area``, ``year``) with ``area`` ``""``
            for whole-country rows (never mixed up). Missing observations are NaN.
        """
        inds = list(indicators)
        obs = self.observations[self.observations["indicator"].isin(inds)]
        chosen = []
        for ind in inds:
            rows = obs[obs["indicator"] == ind]
            srcs = sorted(set(rows["source"]))
            want = (source or {}).get(ind)
            if want is not None:
                rows = rows[rows["source"] == want]
            elif len(srcs) > 1:
                raise DataValidationError(
                    f"indicator {ind!r} is given by several sources {srcs}; say which to use")
            chosen.append(rows)
        sub = pd.concat(chosen) if chosen else obs.iloc[0:0]
        index = ["iso3", "year"]
        if has_areas(sub):
            sub = sub.assign(area=sub["area"].fillna(""))
            index = ["iso3", "area", "year"]
        wide = sub.pivot_table(index=index, columns="indicator", values="value",
                               aggfunc="first", dropna=False)
        if len(index) == 3:  # keep the (iso3, area) units that exist, not their cross product
            units = pd.MultiIndex.from_frame(sub[["iso3", "area"]].drop_duplicates())
            # pandas-stubs types the pivot_table index as Index: with three keys it is a MultiIndex
            wide_index = cast(pd.MultiIndex, wide.index)
            wide = wide[wide_index.droplevel("year").isin(units)]
        return wide.reindex(columns=inds)

    def _repr_html_(self) -> str:
        cov = self.coverage()
        return (f"<p><b>burdenshare Dataset</b> — {len(self):,} observations; fingerprint "
                f"<code>{self.fingerprint[:12]}…</code>; sources: "
                f"{', '.join(sorted(self.sources))}</p>" + cov.to_html(index=False))


def _requested_union(datasets: Sequence[Dataset]) -> tuple[int, ...] | None:
    """Years requested by any part of a concatenation (None if no part had explicit years)."""
    asked = [d.requested_years for d in datasets if d.requested_years is not None]
    return tuple(sorted(set().union(*asked))) if asked else None


def _as_source_map(sources: Mapping[str, Source] | Iterable[Source] | None) -> dict[str, Source]:
    if sources is None:
        return {}
    if isinstance(sources, Mapping):
        items = dict(sources)
    else:
        items = {s.id: s for s in sources}
    for k, s in items.items():
        if not isinstance(s, Source):
            raise TypeError(f"sources[{k!r}] is a {type(s).__name__}, not a burdenshare.Source")
        if s.id != k:
            raise ValueError(f"sources key {k!r} does not match the record's id {s.id!r}")
    return items


def _cross_checks(df: pd.DataFrame, srcs: Mapping[str, Source], row_ref: pd.Series,
                  fail: list[dict[str, Any]]) -> None:
    known = known_codes()
    ind = df["indicator"]
    in_vocab = ind.isin(list(VOCABULARY))
    # unit must equal the canonical unit of the indicator
    canon_unit = ind.map(lambda i: VOCABULARY[i].unit if i in VOCABULARY else None)
    bad = in_vocab & (df["unit"] != canon_unit)
    for idx in df.index[bad]:
        fail.append(_f(row_ref[idx], "unit", df.at[idx, "unit"], "canonical_unit",
                       f"is not the unit of {ind[idx]!r}, which must be {canon_unit[idx]!r}"))
    # counterpart present iff dyadic
    dyadic = ind.map(lambda i: VOCABULARY[i].dyadic if i in VOCABULARY else False).astype(bool)
    has_cp = df["counterpart_iso3"].notna()
    for idx in df.index[in_vocab & dyadic & ~has_cp]:
        fail.append(_f(row_ref[idx], "counterpart_iso3", None, "counterpart_required",
                       f"is empty but {ind[idx]!r} links two countries and needs a counterpart"))
    for idx in df.index[in_vocab & ~dyadic & has_cp]:
        fail.append(_f(row_ref[idx], "counterpart_iso3", df.at[idx, "counterpart_iso3"],
                       "counterpart_forbidden", f"must be empty: {ind[idx]!r} is not dyadic"))
    # non-negative
    nonneg = ind.map(lambda i: VOCABULARY[i].non_negative if i in VOCABULARY else False).astype(bool)
    for idx in df.index[nonneg & (df["value"] < 0)]:
        fail.append(_f(row_ref[idx], "value", df.at[idx, "value"], "non_negative",
                       f"is negative, which {ind[idx]!r} cannot be"))
    # categories
    for name in [n for n, i in VOCABULARY.items() if i.categories]:
        sel = (ind == name) & df["value"].notna()
        allowed = set(VOCABULARY[name].categories)
        for idx in df.index[sel & ~df["value"].isin(list(allowed))]:
            fail.append(_f(row_ref[idx], "value", df.at[idx, "value"], "category",
                           f"is not a code of {name!r} (allowed: {sorted(allowed)})"))
    # known codes (format failures were reported by the schema already)
    fmt = df["iso3"].str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool)
    for idx in df.index[fmt & ~df["iso3"].isin(list(known))]:
        fail.append(_f(row_ref[idx], "iso3", df.at[idx, "iso3"], "known_code",
                       "is not an ISO3 country code, World Bank aggregate or special code "
                       "(UNK unknown, XXA stateless); convert UNHCR codes with "
                       "burdenshare.countries.to_iso3"))
    cp = df["counterpart_iso3"]
    for idx in df.index[cp.notna() & ~cp.isin(list(known))]:
        if isinstance(cp[idx], str) and len(cp[idx]) == 3 and cp[idx].isupper():
            fail.append(_f(row_ref[idx], "counterpart_iso3", cp[idx], "known_code",
                           "is not a known code"))
    # sources documented
    for idx in df.index[~df["source"].isin(list(srcs))]:
        fail.append(_f(row_ref[idx], "source", df.at[idx, "source"], "known_source",
                       "has no Source record (give one, or a sources.json beside the file)"))
    # unique key
    key = df.assign(_cp=df["counterpart_iso3"].fillna(""), _area=df["area"].fillna(""))
    dup = key.duplicated(["iso3", "_area", "_cp", "year", "indicator", "source"], keep="first")
    for idx in df.index[dup]:
        first = key.index[(key["iso3"] == key.at[idx, "iso3"]) & (key["_cp"] == key.at[idx, "_cp"])
                          & (key["_area"] == key.at[idx, "_area"])
                          & (key["year"] == key.at[idx, "year"])
                          & (key["indicator"] == key.at[idx, "indicator"])
                          & (key["source"] == key.at[idx, "source"])][0]
        fail.append(_f(row_ref[idx], "iso3", df.at[idx, "iso3"], "unique_key",
                       f"repeats the observation on line {row_ref[first][1]} (same iso3, "
                       "area, counterpart, year, indicator and source)"))


def _raise(fail: list[dict[str, Any]]) -> None:
    failures = pd.DataFrame(fail, columns=_FAILURE_COLUMNS)
    failures["_l"] = pd.to_numeric(failures["line"], errors="coerce").fillna(-1)
    failures = failures.sort_values(["file", "_l", "column"], kind="mergesort").drop(columns="_l")
    failures = failures.reset_index(drop=True)
    lines = []
    r: Any  # pandas-stubs types every itertuples() field as "any scalar"
    for r in failures.head(_SHOW).itertuples(index=False):
        where = f"{r.file}, line {r.line}" if r.line is not None and not pd.isna(r.line) else str(r.file)
        val = "" if r.value is None or (isinstance(r.value, float) and np.isnan(r.value)) else f" {r.value!r}"
        lines.append(f"  {where}, column '{r.column}':{val} {r.reason} [{r.check}]")
    more = f"\n  … and {len(failures) - _SHOW} more" if len(failures) > _SHOW else ""
    msg = f"{len(failures)} problem(s) in the input data:\n" + "\n".join(lines) + more
    raise DataValidationError(msg, failures)
