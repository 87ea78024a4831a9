"""``load(vintage=...)``: the embedded samples, with the indicators of stored vintages replaced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..data import Dataset
from ._store import PUBLISHERS, UnknownVintageError, Vintage, get_vintage, latest, list_vintages, read_vintage

__all__ = ["load", "resolve"]

#: Words ``load`` understands besides vintage ids and publisher keys.
EMBEDDED, LATEST = "embedded", "latest"


def _tokens(vintage: str | Sequence[str] | None) -> list[str]:
    if vintage is None:
        return []
    items = [vintage] if isinstance(vintage, str) else list(vintage)
    out = []
    for it in items:
        out += [t.strip() for t in str(it).split(",") if t.strip()]
    return out


def resolve(vintage: str | Sequence[str] | None, root: str | Path | None = None) -> tuple[Vintage, ...]:
    """Turn a vintage choice into the stored vintages it names (empty = the embedded samples).

    Parameters
    ----------
    vintage : str, sequence of str, or None
        ``None`` or ``"embedded"``: none. ``"latest"``: the newest stored vintage of every
        publisher that has one. A publisher key (``"unhcr"``, ``"worldbank"``, ``"oecd_dac"``):
        its newest vintage. Otherwise vintage ids; several may be given as a sequence or
        comma-separated (``"unhcr-20261207T173000Z,worldbank-20261207T180000Z"``).
    root : str or Path, optional
        Store folder (default: the user data directory).

    Returns
    -------
    tuple of Vintage
        At most one per publisher.

    Raises
    ------
    UnknownVintageError
        For an unknown id, ``"latest"`` with an empty store, or two vintages of one publisher;
        the message lists the available ids.
    """
    toks = _tokens(vintage)
    if not toks or toks == [EMBEDDED]:
        return ()
    if EMBEDDED in toks:
        raise UnknownVintageError(f"data vintage {','.join(toks)!r}: 'embedded' cannot be combined "
                                  "with stored vintages (they always replace parts of the embedded "
                                  "samples)")
    chosen: list[Vintage] = []
    for t in toks:
        if t == LATEST:
            stored = list_vintages(root)
            if not stored:
                raise UnknownVintageError(
                    f"data vintage 'latest': the store {root or 'in the user data directory'} holds "
                    "no vintage; run `burdenshare data update SOURCE` first, or use 'embedded'")
            pubs = sorted({v.publisher for v in stored})
            chosen += [latest(p, root) for p in pubs]
        elif t in PUBLISHERS:
            chosen.append(latest(t, root))
        else:
            chosen.append(get_vintage(t, root))
    by_pub: dict[str, Vintage] = {}
    for v in chosen:
        if v.publisher in by_pub and by_pub[v.publisher].id != v.id:
            raise UnknownVintageError(
                f"data vintage {','.join(toks)!r} names two vintages of {v.publisher!r} "
                f"({by_pub[v.publisher].id}, {v.id}); choose one")
        by_pub[v.publisher] = v
    return tuple(by_pub[p] for p in sorted(by_pub))


def load(vintage: str | Sequence[str] | None = None, *, root: str | Path | None = None) -> Dataset:
    """Return the data to work on: the embedded samples, or them updated by stored vintages.

    Every indicator a stored vintage provides is taken **whole** from that vintage: all
    embedded rows of the indicator are removed (whatever their source or year) and the
    vintage's rows put in their place, so rows of two releases are never mixed. The other
    indicators keep their embedded rows.

    Parameters
    ----------
    vintage : str, sequence of str, or None
        ``None`` or ``"embedded"`` (default): the embedded samples
        (:func:`burdenshare.load_sample`), offline. ``"latest"``, a publisher key or vintage
        ids: see :func:`resolve`.
    root : str or Path, optional
        Store folder (default: the user data directory, ``platformdirs``).

    Returns
    -------
    Dataset
        ``origin`` names the vintages; ``lineage`` says, per vintage, which indicators it
        replaced and how many rows were removed and added; the vintage's :class:`Source`
        records (in ``sources``) name the store vintage id in their ``vintage`` field.

    Raises
    ------
    UnknownVintageError
        Unknown id (the message lists the available ones).
    DataValidationError
        If two vintages provide the same indicator, or a vintage's files were altered.

    Examples
    --------
    >>> import burdenshare as bs
    >>> bs.load().origin
    'burdenshare embedded samples'
    """
    from .._errors import DataValidationError
    from ..io import load_sample

    chosen = resolve(vintage, root)
    base = load_sample()
    if not chosen:
        return base
    parts = [read_vintage(v) for v in chosen]
    provided: dict[str, str] = {}
    for v, ds in zip(chosen, parts):
        for ind in ds.indicators:
            if ind in provided:
                raise DataValidationError(
                    f"indicator {ind!r} is provided by two chosen vintages ({provided[ind]}, {v.id}); "
                    "choose one of them")
            provided[ind] = v.id
    obs = base.observations
    kept = [i for i in base.indicators if i not in provided]
    keep = base.select(indicators=kept) if kept else None
    lineage = [f"embedded samples {base.fingerprint[:12]}"]
    for v, ds in zip(chosen, parts):
        inds = list(ds.indicators)
        old = obs[obs["indicator"].isin(inds)]
        old_src = sorted(set(old["source"]))
        lineage.append(
            f"indicators {', '.join(inds)} replaced whole by stored vintage {v.id} "
            f"(fingerprint {ds.fingerprint[:12]}, {len(ds):,} rows, sources "
            f"{', '.join(sorted(ds.sources))}); {len(old):,} embedded rows removed"
            + (f" (sources {', '.join(old_src)})" if old_src else " (none were embedded)"))
    pieces = ([keep] if keep is not None else []) + parts
    merged = Dataset.concat(pieces)
    origin = "burdenshare embedded samples + " + " + ".join(f"stored vintage {v.id}" for v in chosen)
    return replace(merged, origin=origin, lineage=tuple(lineage))


def describe(vintages: Sequence[Vintage]) -> str:
    """One line naming the vintages (or the embedded samples) a dataset came from.

    Parameters
    ----------
    vintages : sequence of Vintage

    Returns
    -------
    str
    """
    if not vintages:
        return "embedded samples"
    return "embedded samples updated by " + ", ".join(v.id for v in vintages)
