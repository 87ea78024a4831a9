"""The vintage store on disk: write a fetched vintage atomically, list, find and read vintages.

Layout (``methodology/data.md``)::

    <root>/vintages/<publisher>/<vintage_id>/observations.csv.gz
                                             sources.json
                                             manifest.json
    <root>/tmp/          work area of writes in progress (never read)
    <root>/.lock         held while a vintage is written (filelock)

A vintage is written into a fresh folder under ``<root>/tmp``, every file is fsync'ed, and the
folder is renamed into place in one ``os.rename``: a vintage is either complete or absent.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import hashlib
import io as _stdio
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import BurdenshareError, DataValidationError, FetchError
from .._version import __version__
from ..data import Dataset, Source
from ..fetch import PUBLISHERS
from ..fetch._types import Fetched

__all__ = [
    "PUBLISHERS",
    "MANIFEST_FORMAT",
    "FetchFailedError",
    "UnknownVintageError",
    "Vintage",
    "default_root",
    "list_vintages",
    "get_vintage",
    "read_vintage",
    "write_vintage",
]

#: Version of the manifest layout written by this module.
MANIFEST_FORMAT = "burdenshare-vintage/1"
#: Seconds a write waits for another write's lock before giving up.
LOCK_TIMEOUT_S = 600.0

_OBS = "observations.csv.gz"
_SOURCES = "sources.json"
_MANIFEST = "manifest.json"


class UnknownVintageError(BurdenshareError, LookupError):
    """A vintage id (or publisher) is not in the store; the message lists the available ids.

    The command line exits with code 2 (usage).
    """

    exit_code = 2


class FetchFailedError(FetchError):
    """``burdenshare data update`` failed: the publisher could not be reached or answered
    something unusable (the clients' :class:`~burdenshare.fetch.FetchError`, chained), or another
    update held the store's lock for too long. Nothing was stored. CLI exit code 5.
    """

    exit_code = 5


def default_root() -> Path:
    """Return the default store folder: the user data directory of ``platformdirs``.

    Returns
    -------
    Path
        E.g. ``~/.local/share/burdenshare`` on Linux. Pass ``root=`` (``--data-dir`` on the
        command line) to use another folder; no environment variable changes it.
    """
    import platformdirs

    return Path(platformdirs.user_data_dir("burdenshare", appauthor=False))


def _root(root: str | Path | None) -> Path:
    return Path(root) if root is not None else default_root()


@dataclass(frozen=True)
class Vintage:
    """One stored vintage of one publisher's data (read from its ``manifest.json``).

    Parameters
    ----------
    id : str
        Vintage id, ``<publisher>-<YYYYMMDDTHHMMSSZ>`` (sortable; ``-2``, ``-3`` appended if two
        are written in the same second).
    publisher : str
        One of :data:`PUBLISHERS`.
    path : Path
        The vintage's folder.
    manifest : Mapping
        The whole manifest (requests, sha256 of every raw response, licence, params, notes, ...).
    """

    id: str
    publisher: str
    path: Path
    manifest: Mapping[str, Any]

    @property
    def created_utc(self) -> str:
        """When the vintage was written (ISO 8601, UTC)."""
        return str(self.manifest.get("created_utc", ""))

    @property
    def fingerprint(self) -> str:
        """Fingerprint of the vintage's observations (:func:`burdenshare.data.fingerprint_frame`)."""
        return str(self.manifest["observations"]["fingerprint"])

    @property
    def indicators(self) -> tuple[str, ...]:
        """Indicators the vintage provides, sorted."""
        return tuple(sorted(self.manifest["observations"]["indicators"]))

    @property
    def observations_path(self) -> Path:
        """Path of ``observations.csv.gz`` (readable with :func:`burdenshare.read_observations`)."""
        return self.path / _OBS

    def summary(self) -> str:
        """One line: id, rows, indicators and years."""
        o = self.manifest["observations"]
        years = o.get("years") or [None, None]
        return (f"{self.id}: {o['rows']:,} rows, {len(o['indicators'])} indicators, "
                f"years {years[0]}-{years[1]}")


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def observations_bytes(observations: pd.DataFrame) -> bytes:
    """Serialise a canonical observation frame as the gzip'ed CSV the readers accept.

    Parameters
    ----------
    observations : pandas.DataFrame
        Canonical frame (as held by :class:`~burdenshare.Dataset`).

    Returns
    -------
    bytes
        Deterministic bytes (gzip header without a time stamp), so equal observations give an
        equal sha256.
    """
    buf = _stdio.StringIO()
    observations.to_csv(buf, index=False, lineterminator="\n")
    return gzip.compress(buf.getvalue().encode("utf-8"), compresslevel=6, mtime=0)


def _indicator_summary(obs: pd.DataFrame) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for ind, g in obs.groupby("indicator", sort=True):
        have = g[g["value"].notna()]
        out[str(ind)] = {
            "rows": len(g),
            "missing_values": int(g["value"].isna().sum()),
            "first_year": int(g["year"].min()),
            "last_year": int(g["year"].max()),
            "last_year_with_value": int(have["year"].max()) if len(have) else -1,
        }
    return out


def _packages() -> dict[str, str]:
    from importlib import metadata

    out = {}
    for name in ("pandas", "numpy", "requests", "wbgapi", "oda_reader", "filelock", "platformdirs"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def _validate(fetched: Fetched) -> Dataset:
    """Validate a fetched vintage; raise DataValidationError naming what failed."""
    problems = []
    if fetched.publisher not in PUBLISHERS:
        problems.append(f"publisher {fetched.publisher!r} is not one of {', '.join(PUBLISHERS)}")
    if not fetched.requests:
        problems.append("no request is recorded (every vintage must name the URLs it came from)")
    for i, r in enumerate(fetched.requests):
        if len(r.sha256) != 64 or any(c not in "0123456789abcdef" for c in r.sha256):
            problems.append(f"request #{i + 1} ({r.url}): sha256 {r.sha256!r} is not 64 lowercase "
                            "hex digits")
    if len(fetched.observations) == 0:
        problems.append("the answer holds no observations")
    if problems:
        raise DataValidationError(f"vintage of {fetched.publisher!r} not stored: "
                                  + "; ".join(problems))
    try:
        return Dataset.from_frame(fetched.observations, fetched.sources,
                                  origin=f"{fetched.publisher} answer")
    except DataValidationError as err:
        raise DataValidationError(f"vintage of {fetched.publisher!r} not stored, it fails "
                                  f"validation: {err}", err.failures) from err


def _new_id(publisher: str, now: _dt.datetime, taken: set[str]) -> str:
    base = f"{publisher}-{now:%Y%m%dT%H%M%SZ}"
    vid, n = base, 1
    while vid in taken:
        n += 1
        vid = f"{base}-{n}"
    return vid


def _lock(root: Path) -> Any:
    from filelock import FileLock

    return FileLock(str(root / ".lock"), timeout=LOCK_TIMEOUT_S)


def write_vintage(fetched: Fetched, *, root: str | Path | None = None,
                  now: _dt.datetime | None = None) -> Vintage:
    """Validate a fetched vintage and write it into the store, atomically and under a lock.

    Parameters
    ----------
    fetched : Fetched
        What a publisher client returned.
    root : str or Path, optional
        Store folder (default :func:`default_root`).
    now : datetime.datetime, optional
        The time stamp of the vintage id (UTC; default: now).

    Returns
    -------
    Vintage

    Raises
    ------
    DataValidationError
        If the observations fail validation (nothing is stored; the message names every
        failure) or the fetch record is incomplete.
    FetchFailedError
        If another write holds the store's lock for longer than :data:`LOCK_TIMEOUT_S`
        (nothing is stored).
    """
    from filelock import Timeout

    data = _validate(fetched)
    base = _root(root)
    (base / "tmp").mkdir(parents=True, exist_ok=True)
    stamp = (now or _utc_now()).astimezone(_dt.UTC).replace(microsecond=0)
    lock = _lock(base)
    try:
        lock.acquire()
    except Timeout as err:
        raise FetchFailedError(f"the vintage store {base} is locked by another update ({lock.lock_file}) "
                               f"for more than {LOCK_TIMEOUT_S:.0f} s; nothing was stored: try "
                               "again when it has finished") from err
    try:
        _remove_leftovers(base / "tmp")
        pub_dir = base / "vintages" / fetched.publisher
        taken = {p.name for p in pub_dir.iterdir()} if pub_dir.is_dir() else set()
        vid = _new_id(fetched.publisher, stamp, taken)
        tmp = Path(tempfile.mkdtemp(prefix=f"{vid}.", dir=base / "tmp"))
        try:
            _write_files(tmp, vid, fetched, data, stamp)
            pub_dir.mkdir(parents=True, exist_ok=True)
            final = pub_dir / vid
            os.rename(tmp, final)  # atomic on one file system: the vintage appears whole
            _fsync_dir(pub_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    finally:
        lock.release()
    return get_vintage(vid, root=base)


def _remove_leftovers(tmp_root: Path) -> None:
    """Remove work folders of writes that were killed (only called while holding the lock, when
    no other write can be in progress).
    """
    for p in tmp_root.iterdir():
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


def _write_files(folder: Path, vid: str, fetched: Fetched, data: Dataset,
                 stamp: _dt.datetime) -> None:
    obs_bytes = observations_bytes(data.observations)
    _fsync_write(folder / _OBS, obs_bytes)
    tag = f"burdenshare store vintage {vid}"
    sources = {k: replace(s, vintage=f"{s.vintage}; {tag}" if s.vintage else tag).to_dict()
               for k, s in sorted(data.sources.items())}
    src_bytes = (json.dumps(sources, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    _fsync_write(folder / _SOURCES, src_bytes)
    obs = data.observations
    manifest = {
        "format": MANIFEST_FORMAT,
        "vintage_id": vid,
        "publisher": fetched.publisher,
        "created_utc": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": "complete",
        "burdenshare_version": __version__,
        "licence": fetched.licence,
        "params": dict(fetched.params),
        "notes": list(fetched.notes),
        "requests": [r.to_dict() for r in fetched.requests],
        "observations": {
            "file": _OBS,
            "sha256": _sha256(obs_bytes),
            "size": len(obs_bytes),
            "rows": len(obs),
            "fingerprint": data.fingerprint,
            "years": [int(obs["year"].min()), int(obs["year"].max())],
            "indicators": _indicator_summary(obs),
        },
        "sources_file": {"file": _SOURCES, "sha256": _sha256(src_bytes)},
        "packages": _packages(),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n"
    _fsync_write(folder / _MANIFEST, text.encode("utf-8"))
    _fsync_dir(folder)


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / _MANIFEST
    if not path.is_file():
        return None
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataValidationError(f"{path}, line {err.lineno}: not valid JSON ({err.msg}); "
                                  "delete the folder or fetch it again") from err
    if not isinstance(man, dict):
        raise DataValidationError(f"{path}: not a vintage manifest (expected a JSON object)")
    return man


def list_vintages(root: str | Path | None = None, *,
                  publisher: str | None = None) -> tuple[Vintage, ...]:
    """Return the stored vintages, by publisher and then oldest to newest.

    Parameters
    ----------
    root : str or Path, optional
        Store folder (default :func:`default_root`).
    publisher : str, optional
        Only this publisher's vintages.

    Returns
    -------
    tuple of Vintage
    """
    base = _root(root) / "vintages"
    if not base.is_dir():
        return ()
    out = []
    for pub_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        if publisher is not None and pub_dir.name != publisher:
            continue
        for folder in sorted(p for p in pub_dir.iterdir() if p.is_dir()):
            man = _read_manifest(folder)
            if man is None or man.get("status") != "complete":
                continue
            out.append(Vintage(id=folder.name, publisher=pub_dir.name, path=folder, manifest=man))
    return tuple(sorted(out, key=lambda v: (v.publisher, v.created_utc, v.id)))


def _available(vintages: Sequence[Vintage]) -> str:
    ids = [v.id for v in vintages]
    return ", ".join(ids) if ids else "none (run `burdenshare data update SOURCE`)"


def get_vintage(vintage_id: str, root: str | Path | None = None) -> Vintage:
    """Return one stored vintage by id.

    Parameters
    ----------
    vintage_id : str
    root : str or Path, optional

    Returns
    -------
    Vintage

    Raises
    ------
    UnknownVintageError
        If no vintage has that id; the message lists the available ids.
    """
    vs = list_vintages(root)
    for v in vs:
        if v.id == vintage_id:
            return v
    if not vs:
        raise UnknownVintageError(f"unknown data vintage {vintage_id!r}: the store {_root(root)} holds "
                                  "no vintage, only 'embedded' is available (run `burdenshare data "
                                  "update SOURCE` to fetch one)")
    raise UnknownVintageError(f"unknown data vintage {vintage_id!r} in {_root(root)}; available: "
                              f"embedded, latest, {_available(vs)}")


def latest(publisher: str, root: str | Path | None = None) -> Vintage:
    """Return the newest stored vintage of ``publisher``.

    Parameters
    ----------
    publisher : str
    root : str or Path, optional

    Returns
    -------
    Vintage

    Raises
    ------
    UnknownVintageError
        If the store holds none.
    """
    vs = list_vintages(root, publisher=publisher)
    if not vs:
        raise UnknownVintageError(f"no stored vintage of {publisher!r} in {_root(root)}; available: "
                                  f"{_available(list_vintages(root))}")
    return vs[-1]


def read_vintage(vintage: str | Vintage, root: str | Path | None = None) -> Dataset:
    """Read one stored vintage's observations (only its own rows) as a :class:`Dataset`.

    Parameters
    ----------
    vintage : str or Vintage
        Vintage id or object.
    root : str or Path, optional

    Returns
    -------
    Dataset
        Its ``origin`` names the vintage; its fingerprint equals the manifest's.

    Raises
    ------
    UnknownVintageError
        If the id is unknown.
    DataValidationError
        If the files were changed after they were written (sha256 or fingerprint differ).
    """
    from ..io import read_observations, read_sources

    v = vintage if isinstance(vintage, Vintage) else get_vintage(vintage, root)
    if v.manifest.get("format") != MANIFEST_FORMAT:
        raise DataValidationError(f"{v.path / _MANIFEST}: format {v.manifest.get('format')!r} is not "
                                  f"{MANIFEST_FORMAT!r}, the one this burdenshare {__version__} "
                                  "reads; update burdenshare or fetch the vintage again")
    raw = v.observations_path.read_bytes()
    want = v.manifest["observations"]["sha256"]
    if _sha256(raw) != want:
        raise DataValidationError(f"{v.observations_path}: sha256 {_sha256(raw)[:12]}… differs from "
                                  f"the manifest's {want[:12]}…; the vintage was changed after it "
                                  "was written: fetch it again")
    sources: Mapping[str, Source] = read_sources(v.path / _SOURCES)
    ds = read_observations(v.observations_path, sources)
    if ds.fingerprint != v.fingerprint:
        raise DataValidationError(f"{v.observations_path}: fingerprint {ds.fingerprint[:12]}… differs "
                                  f"from the manifest's {v.fingerprint[:12]}…")
    return replace(ds, origin=f"stored vintage {v.id}", lineage=(f"stored vintage {v.id}",))
