"""The input model: :class:`Source` records and the immutable, validated :class:`Dataset`.

A dataset is one long table of observations with the columns
``iso3, year, indicator, value, unit, source, counterpart_iso3, area`` (see
``methodology/indicators.md``), the :class:`Source` record of every ``source`` id it uses, and a
content fingerprint (``methodology/provenance.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, cast

import numpy as np
import pandas as pd

from ._encoding import (
    _canonical_frame,
    _encode,
    _key_arrays,
    _sort_order,
    _with_codes,
    has_areas,
    key_codes,
)
from ._errors import DataValidationError, ParameterError
from ._fingerprint import fingerprint_frame
from ._rules import (
    MISSING_TOKENS,
    _coerce_value,
    _coerce_year,
    _column_rules,
    _cross_checks,
    _missing_text,
    _raise,
    _same_as_previous,
    _Where,
)
from .countries import known_codes
from .indicators import GIVEN_ORIGIN, VOCABULARY, Indicator, Vocabulary, with_plugins
from .schemas import (
    CODE_COLUMNS,
    OBSERVATION_COLUMNS,
    OPTIONAL_OBSERVATION_COLUMNS,
)

__all__ = ["Source", "Dataset", "fingerprint_frame", "has_areas", "key_codes", "MISSING_TOKENS",
           "CODE_COLUMNS"]

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
    vocabulary : Vocabulary
        The indicator vocabulary the observations were validated with, and where each indicator
        came from: the built-ins, those passed with ``indicators=``, and the installed plugin
        indicators the data use (``methodology/plugins.md``). Selections and concatenations
        keep it. It is not part of the fingerprint.
    """

    observations: pd.DataFrame
    sources: Mapping[str, Source]
    fingerprint: str
    origin: str | None = None
    lineage: tuple[str, ...] = field(default=())
    requested_years: tuple[int, ...] | None = None
    vocabulary: Vocabulary = VOCABULARY

    def __post_init__(self) -> None:
        # the code columns are dictionary-encoded once, here: derived immutable data of a
        # frozen value (STYLE.md house rule 4), never re-derived from strings by estimators
        obs = _with_codes(self.observations)
        if obs is not self.observations:
            object.__setattr__(self, "observations", obs)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        sources: Mapping[str, Source] | Iterable[Source] | None = None,
        *,
        origin: str | None = None,
        lines: Sequence[int] | None = None,
        indicators: Vocabulary | Iterable[Indicator] | None = None,
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
        indicators : Vocabulary or iterable of Indicator, optional
            Indicators the data may use besides the built-ins (``methodology/plugins.md``);
            a :class:`~burdenshare.indicators.Vocabulary` (e.g. another dataset's
            ``vocabulary``) is used with the origins it records. Installed plugin indicators
            (entry-point group ``burdenshare.indicators``) are added when the data use them.

        Returns
        -------
        Dataset

        Raises
        ------
        DataValidationError
            Listing every failure (file, line, column, value, rule), not only the first.
        VocabularyError
            An indicator given has the name of another with a different definition.

        Examples
        --------
        >>> import pandas as pd
        >>> from burdenshare import Dataset, Source
        >>> from burdenshare.indicators import Indicator
        >>> revenue = Indicator("gov_revenue_usd_current", "USD current",
        ...                     "General government revenue, current US dollars.", "money")
        >>> df = pd.DataFrame({"iso3": ["TUR"], "year": [2024],
        ...                    "indicator": ["gov_revenue_usd_current"], "value": [1.0],
        ...                    "unit": ["USD current"], "source": ["my_file"]})
        >>> ds = Dataset.from_frame(df, [Source("my_file", "My file", "me")],
        ...                         indicators=[revenue])
        >>> ds.vocabulary.origin("gov_revenue_usd_current")
        'the indicators= argument'
        """
        vocab = _as_vocabulary(indicators)
        canon, used, vocab = _validated(df, sources, origin=origin, lines=lines, vocabulary=vocab)
        return cls(observations=canon, sources=used, fingerprint=fingerprint_frame(canon),
                   origin=origin, vocabulary=vocab)

    @classmethod
    def concat(cls, datasets: Sequence[Dataset]) -> Dataset:
        """Combine datasets into one (duplicate keys across them are an error).

        The parts were validated when they were built; only what combining can break is
        checked again (a source id described differently, an observation in two parts). The
        code columns are re-encoded on the union of the parts' categories.

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
        origins = [d.origin or "<DataFrame>" for d in datasets]
        vocab = datasets[0].vocabulary
        for d in datasets[1:]:
            vocab = vocab.union(d.vocabulary)
        canon = _combine([d.observations for d in datasets], origins)
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
            vocabulary=vocab,
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

    def codes(self, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
        """Return the dictionary encoding of a code column: integer codes and their texts.

        ``observations[column]`` is a pandas categorical whose categories are exactly the
        distinct values present, sorted (so ordering by codes orders the texts); this returns
        ``observations[column].cat.codes`` as a read-only numpy array (-1 = missing, e.g. a
        whole-country ``area``) and the categories as a tuple of ``str``. The codes are computed
        once, when the dataset is built, and equal ``pandas.factorize(texts, sort=True)[0]``.

        Parameters
        ----------
        column : {"iso3", "area", "counterpart_iso3", "indicator", "unit", "source"}

        Returns
        -------
        codes : numpy.ndarray
            One integer per observation (int8/int16/int32, as pandas stores them).
        categories : tuple of str

        Raises
        ------
        KeyError
            If ``column`` is not a code column.

        Examples
        --------
        >>> import burdenshare as bs
        >>> data = bs.load_sample(["unhcr_population.csv.gz"])
        >>> codes, names = data.codes("iso3")
        >>> names[codes[0]] == data.observations["iso3"].iloc[0]
        True
        """
        if column not in CODE_COLUMNS:
            raise KeyError(f"{column!r} is not a code column; code columns: {', '.join(CODE_COLUMNS)}")
        col = self.observations[column]
        codes = col.cat.codes.to_numpy().copy()
        codes.flags.writeable = False
        return codes, tuple(str(c) for c in col.cat.categories)

    @property
    def indicators(self) -> tuple[str, ...]:
        """Indicators present, sorted."""
        return tuple(str(c) for c in self.observations["indicator"].cat.categories)

    @property
    def years(self) -> tuple[int, ...]:
        """Years present, sorted."""
        return tuple(int(y) for y in sorted(self.observations["year"].unique()))

    def coverage(self) -> pd.DataFrame:
        """Return one row per (indicator, source): observations, missing values, years, codes."""
        g = self.observations.groupby(["indicator", "source"], dropna=False, observed=True)
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
            An inclusive range given as a 2-tuple, or the years to keep. Text (``"2020"``) is
            refused with a :class:`~burdenshare.ParameterError`: iterating it would select the
            "years" 2, 0, 2, 0, that is nothing.
        indicators : iterable of str, optional
        areas : iterable of str or None, optional
            Sub-national area codes to keep (``area`` column); ``None`` in the iterable keeps the
            whole-country observations (missing ``area``).

        Returns
        -------
        Dataset
            With a new fingerprint; ``lineage`` records the selection and the parent fingerprint.

        Raises
        ------
        ParameterError
            If ``years`` is text, or holds something that is not a whole number.
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
            years = _checked_years(years)
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
            unknown = [i for i in inds if i not in self.vocabulary]
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
        sub = _with_codes(obs[mask.to_numpy()].reset_index(drop=True))  # only categories in use
        used = [str(c) for c in sub["source"].cat.categories]
        return Dataset(
            observations=sub,
            sources=MappingProxyType({k: self.sources[k] for k in used}),
            fingerprint=fingerprint_frame(sub),
            origin=self.origin,
            lineage=(*self.lineage, f"select({'; '.join(parts)}) of {self.fingerprint[:12]}"),
            requested_years=requested,
            vocabulary=self.vocabulary,
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
        # the wide frame is indexed by text, as before the columns were categorical
        sub = sub.assign(iso3=sub["iso3"].astype("str"), area=sub["area"].astype("str"),
                         indicator=sub["indicator"].astype("str"))
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


def _as_vocabulary(indicators: Vocabulary | Iterable[Indicator] | None) -> Vocabulary:
    """The vocabulary of the built-ins plus ``indicators`` (see :meth:`Dataset.from_frame`).

    Parameters
    ----------
    indicators : Vocabulary or iterable of Indicator, optional

    Returns
    -------
    Vocabulary
    """
    if indicators is None:
        return VOCABULARY
    return VOCABULARY.extended(indicators, origin=GIVEN_ORIGIN)


def _checked_years(years: Any) -> tuple[Any, ...] | list[Any]:
    """``select(years=...)`` as a tuple (a range stays a 2-tuple) or a list; text and values
    that are not whole numbers are refused rather than silently selecting nothing.
    """
    if isinstance(years, (str, bytes)):
        raise ParameterError(
            f"years={years!r} is text; give years as numbers, e.g. years=[{years!s}] "
            "or years=(2015, 2020)")
    items = tuple(years) if isinstance(years, tuple) else list(years)
    for y in items:
        if not _whole_number(y):
            raise ParameterError(f"years: {y!r} is not a whole-number year")
    return items


def _whole_number(y: Any) -> bool:
    if isinstance(y, (bool, np.bool_)):
        return False
    if isinstance(y, (int, np.integer)):
        return True
    return isinstance(y, (float, np.floating)) and bool(np.isfinite(y)) and float(y).is_integer()


def _validated(df: pd.DataFrame, sources: Mapping[str, Source] | Iterable[Source] | None, *,  # noqa: C901 (see pyproject)
               origin: str | None, lines: Sequence[int] | None,
               vocabulary: Vocabulary = VOCABULARY
               ) -> tuple[pd.DataFrame, Mapping[str, Source], Vocabulary]:
    """Validate a long frame lazily; return its canonical frame, the sources it uses and the
    vocabulary it was validated with (``vocabulary`` plus the plugin indicators it uses).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    srcs = _as_source_map(sources)
    file = origin or "<DataFrame>"
    df = df.reset_index(drop=True)
    if lines is not None and len(lines) != len(df):
        raise ValueError("lines must have one entry per row")
    ref = _Where(file, lines)
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
    n = len(df)

    # 2. code columns, dictionary-encoded once (every text rule below runs on the distinct
    # values and reaches the rows through the codes)
    codes: dict[str, np.ndarray] = {}
    cats: dict[str, list[str]] = {}
    for c in CODE_COLUMNS:
        if c not in present:
            codes[c], cats[c] = np.full(n, -1, dtype=np.int32), []
        elif c == "counterpart_iso3":
            codes[c], cats[c] = _encode(df[c], _missing_text)
        elif c == "area":
            codes[c], cats[c] = _encode(df[c], lambda t: t == "")
        else:
            codes[c], cats[c] = _encode(df[c])

    # 3. numbers
    value = _coerce_value(df["value"], fail, ref)
    year = _coerce_year(df["year"], fail, ref)

    # 4. column rules (those of ObservationSchema, same checks and names); plugin indicators
    # are looked up only for names outside the vocabulary given
    vocabulary = with_plugins(vocabulary, cats["indicator"])
    _column_rules(codes, cats, year, ref, fail, vocabulary)

    # 5. cross-column rules; the canonical order doubles as the uniqueness check
    order = _sort_order(_key_arrays(codes, {c: len(cats[c]) for c in cats}, year))
    _cross_checks(codes, cats, year, value, order, srcs, ref, fail, vocabulary)
    if fail:
        _raise(fail)
    canon = _canonical_frame(codes, cats, year, value, order)
    return canon, MappingProxyType({k: srcs[k] for k in cats["source"]}), vocabulary


def _requested_union(datasets: Sequence[Dataset]) -> tuple[int, ...] | None:
    """Years requested by any part of a concatenation (None if no part had explicit years)."""
    asked = [d.requested_years for d in datasets if d.requested_years is not None]
    return tuple(sorted(set().union(*asked))) if asked else None


def _as_source_map(sources: Mapping[str, Source] | Iterable[Source] | None) -> dict[str, Source]:
    if sources is None:
        return {}
    items = dict(sources) if isinstance(sources, Mapping) else {s.id: s for s in sources}
    for k, s in items.items():
        if not isinstance(s, Source):
            raise TypeError(f"sources[{k!r}] is a {type(s).__name__}, not a burdenshare.Source")
        if s.id != k:
            raise ValueError(f"sources key {k!r} does not match the record's id {s.id!r}")
    return items


def _combine(parts: Sequence[pd.DataFrame], origins: Sequence[str]) -> pd.DataFrame:
    """One canonical frame from canonical parts (codes re-encoded on the union of categories);
    an observation key in two parts is an error.
    """
    frames = [_with_codes(f) for f in parts]
    codes: dict[str, np.ndarray] = {}
    cats: dict[str, list[str]] = {}
    for c in CODE_COLUMNS:
        union = sorted(set().union(*(f[c].cat.categories for f in frames)))
        index = pd.Index(union, dtype="str")
        coded = []
        for f in frames:
            lut = np.append(index.get_indexer(f[c].cat.categories), -1).astype(np.int32)
            coded.append(lut[f[c].array.codes])
        codes[c], cats[c] = np.concatenate(coded), union
    year = np.concatenate([f["year"].to_numpy(dtype=np.int64) for f in frames])
    value = np.concatenate([f["value"].to_numpy(dtype=np.float64) for f in frames])
    order = _sort_order(_key_arrays(codes, {c: len(cats[c]) for c in cats}, year))
    same = _same_as_previous(codes, year, order)
    if same.any():
        involved = same | np.append(same[1:], False)
        first = int(order[involved].min())
        area_code = codes["area"][first]
        area = "" if area_code < 0 else f" area={cats['area'][area_code]}"
        raise DataValidationError(
            f"{int(involved.sum())} observations appear in more than one input "
            f"({', '.join(origins)}), e.g. iso3={cats['iso3'][codes['iso3'][first]]}{area} "
            f"year={year[first]} indicator={cats['indicator'][codes['indicator'][first]]} "
            f"source={cats['source'][codes['source'][first]]}"
        )
    return _canonical_frame(codes, cats, year, value, order)
