"""Run every universe of a grid, serially or on Dask, and keep everything (nothing dropped).

Each universe's result is projected to tidy rows (one per country x year of the method's main
quantity, or every estimate row with ``keep="all"``); its excluded observations keep their
``universe_id``; a failure is a manifest row with ``status="failed"`` and the error, never a stop.
Results are identical serially and on Dask: universes are deterministic, seeds are spawned per
universe from the grid's root seed (``numpy.random.SeedSequence(seed).spawn(n)``), and the
output is sorted by ``universe_id``.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._errors import SchedulerError
from .._version import __version__
from ..contract import Estimator, conform
from ..data import Dataset
from ..params import jsonable
from ..registry import get, make
from .grid import METHOD, Grid, GridError, Universe

__all__ = ["Multiverse", "run_multiverse", "open_multiverse", "LONG_COLUMNS", "MANIFEST_FIXED_COLUMNS"]

#: columns of ``Multiverse.long`` (after ``universe_id``)
LONG_COLUMNS = ("universe_id", "method", "family", "estimator", "quantity", "unit", "iso3", "year",
                "term", "estimate", "ci_lower", "ci_upper", "uncertainty_method",
                "higher_means_more_burden")
#: manifest columns besides one column per choice
MANIFEST_FIXED_COLUMNS = ("universe_id", "method", "family", "estimator", "estimator_version",
                          "status", "error", "quantity", "unit", "uncertainty_method",
                          "higher_means_more_burden", "n_rows", "n_rows_other_years",
                          "n_excluded", "year", "data_from_year", "seed", "data_fingerprint",
                          "params_json", "provenance_fingerprint")
_EXCLUDED_COLUMNS = ("universe_id", "iso3", "area", "counterpart_iso3", "year", "indicator",
                     "source", "value", "reason", "detail")


# --------------------------------------------------------------------------- tasks
@dataclass(frozen=True)
class _Task:
    universe_id: int
    method: str
    family: str
    estimator: Any           # class or instance (names resolved on the client)
    params: Mapping[str, Any]
    year: int | None
    data_key: tuple[int | None, int | None]
    seed: int | None
    labels: Mapping[str, str]


def _data_key(year: int | None, lookback: int | None) -> tuple[int | None, int | None]:
    """Years of input kept: ``year - lookback`` .. ``year``, or every year (None, None)."""
    if lookback is None:
        return (None, None)
    if year is None:  # pragma: no cover - Grid._check refuses a lookback without a year
        raise GridError("a lookback needs a year")
    return (year - lookback, year)


class _Planner:
    """Turns universes into tasks, batch by batch (memory stays bounded for large grids).

    Universe *i* gets ``SeedSequence(seed, spawn_key=(i,))``, the *i*-th child that
    ``SeedSequence(seed).spawn(n)`` would give, without building all n children.
    """

    def __init__(self, grid: Grid, seed: int) -> None:
        self.grid = grid
        self.seed = seed
        self.names = list(grid.choice_names()[1:])
        self._cache: dict[str, tuple[Any, frozenset[str], dict[str, Any]]] = {}

    def _method(self, label: str) -> tuple[Any, frozenset[str], dict[str, Any]]:
        if label not in self._cache:
            m = self.grid.method(label)
            cls = m.estimator_class()
            est = m.estimator if not isinstance(m.estimator, str) else cls
            self._cache[label] = (est, m.parameter_names(), m.base_params())
        return self._cache[label]

    def window(self, u: Universe) -> tuple[int | None, tuple[int | None, int | None]]:
        """Report year and data key of a universe."""
        m = self.grid.method(u.method)
        year, lookback = m.year, m.lookback
        if "data.year" in u.choices:
            year = int(u.choices["data.year"])
        if "data.lookback" in u.choices:
            lookback = int(u.choices["data.lookback"])
        return year, _data_key(year, lookback)

    def task(self, u: Universe) -> _Task:
        """Return the task of one universe."""
        est, pnames, base = self._method(u.method)
        m = self.grid.method(u.method)
        params = dict(base)
        for k, v in u.choices.items():
            if k not in ("data.year", "data.lookback"):
                params[k] = v
        s = None
        if "seed" in pnames and "seed" not in u.choices and "seed" not in m.params:
            child = np.random.SeedSequence(self.seed, spawn_key=(u.universe_id,))
            s = int(child.generate_state(1, dtype=np.uint32)[0])
            params["seed"] = s
        elif "seed" in params:
            s = params["seed"]
        year, key = self.window(u)
        return _Task(u.universe_id, u.method, m.family, est, MappingProxyType(params), year, key,
                     s, MappingProxyType(u.labels(self.names)))


def _views(data: Dataset, keys: Iterable[tuple[int | None, int | None]]
           ) -> dict[tuple[int | None, int | None], Dataset]:
    out: dict[tuple[int | None, int | None], Dataset] = {}
    for k in keys:
        if k not in out:
            lo, hi = k  # _data_key gives (None, None) (every year) or (first, last)
            out[k] = data if lo is None or hi is None else data.select(years=(lo, hi))
    return out


def _fingerprint(prov: Mapping[str, Any]) -> str:
    d = {k: v for k, v in prov.items() if k != "created_utc"}
    return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()


# --------------------------------------------------------------------------- one batch (worker)
def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


def _run_batch(tasks: Sequence[_Task], views: Mapping[tuple[int | None, int | None], Dataset],
               keep: str) -> dict[str, Any]:
    """Run a batch of universes; never raises for a universe's failure."""
    longs, excl, manifest, prov = [], [], [], []
    for t in tasks:
        data = views[t.data_key]
        row: dict[str, Any] = {"universe_id": t.universe_id, "method": t.method,
                               "family": t.family, "estimator": "", "estimator_version": "",
                               "status": "ok", "error": "", "quantity": "", "unit": "",
                               "uncertainty_method": "", "higher_means_more_burden": True,
                               "n_rows": 0, "n_rows_other_years": 0, "n_excluded": 0,
                               "year": t.year, "data_from_year": t.data_key[0], "seed": t.seed,
                               "data_fingerprint": data.fingerprint,
                               "params_json": json.dumps(jsonable(dict(t.params)),
                                                         sort_keys=True, default=str),
                               "provenance_fingerprint": "", **t.labels}
        try:
            cls = get(t.estimator)
            row["estimator"] = str(cls.name)
            row["estimator_version"] = str(cls.version)
            res = _build(t.estimator, t.params).estimate(data)
        except Exception as err:  # one failed universe never stops the others
            row["status"] = "failed"
            row["error"] = f"{type(err).__name__}: {err}"
            manifest.append(row)
            continue
        e = res.estimates
        q = res.main_quantity
        row["quantity"] = q
        row["uncertainty_method"] = res.uncertainty_method
        higher = res.higher_means_more_burden
        row["higher_means_more_burden"] = higher
        sub = e if keep == "all" else _country_rows(e, q)
        if t.year is not None:
            in_year = sub["year"] == t.year
            row["n_rows_other_years"] = int((~in_year.fillna(False)).sum())
            sub = sub[in_year.fillna(False).to_numpy()]
        units = sorted(set(sub["unit"])) if len(sub) else sorted(set(e.loc[e["quantity"] == q, "unit"]))
        row["unit"] = units[0] if len(units) == 1 else "; ".join(units)
        row["n_rows"] = len(sub)
        row["n_excluded"] = len(res.excluded)
        out = pd.DataFrame({
            "universe_id": t.universe_id, "method": t.method, "family": t.family,
            "estimator": row["estimator"], "quantity": sub["quantity"].to_numpy(),
            "unit": sub["unit"].to_numpy(), "iso3": sub["iso3"].to_numpy(),
            "year": sub["year"].to_numpy(), "term": sub["term"].to_numpy(),
            "estimate": sub["estimate"].to_numpy(), "ci_lower": sub["ci_lower"].to_numpy(),
            "ci_upper": sub["ci_upper"].to_numpy(), "uncertainty_method": res.uncertainty_method,
            "higher_means_more_burden": higher})
        longs.append(out)
        if len(res.excluded):
            x = res.excluded.copy()
            x.insert(0, "universe_id", t.universe_id)
            excl.append(x)
        pd_ = res.provenance.to_dict()
        pd_["universe_id"] = t.universe_id
        pd_["method"] = t.method
        pd_["choices"] = dict(t.labels)
        row["provenance_fingerprint"] = _fingerprint(pd_)
        prov.append(pd_)
        manifest.append(row)
    return {"long": _typed_long(pd.concat(longs, ignore_index=True) if longs else
                                _empty(LONG_COLUMNS)),
            "excluded": _typed_excluded(pd.concat(excl, ignore_index=True) if excl else
                                        _empty(_EXCLUDED_COLUMNS)),
            "manifest": manifest, "provenance": prov}


def _country_rows(e: pd.DataFrame, q: str) -> pd.DataFrame:
    iso = e["iso3"]
    term = e["term"]
    is_country = iso.notna() & ~iso.isin(["", "nan", "None", "<NA>"])
    no_term = term.isna() | term.isin(["", "nan", "None", "<NA>"])
    return e[(e["quantity"] == q) & is_country & no_term]


def _build(spec: Any, params: Mapping[str, Any]) -> Estimator:
    """The universe's estimator: a name or class built with ``params``, an instance changed."""
    if isinstance(spec, str | type):
        return conform(get(spec)(**params))
    return make(spec).with_params(**params)


def _clean_text(s: pd.Series) -> pd.Series:
    out = s.astype("object")
    out = out.where(~out.isin(["nan", "None", "<NA>"]) & out.notna(), None)
    return out.astype("str").where(out.notna(), None).astype("string")


def _typed_long(df: pd.DataFrame) -> pd.DataFrame:
    out = df.loc[:, list(LONG_COLUMNS)].copy()
    out["universe_id"] = out["universe_id"].astype("int64")
    for c in ("method", "family", "estimator", "quantity", "unit", "uncertainty_method"):
        out[c] = out[c].astype("string")
    for c in ("iso3", "term"):
        out[c] = _clean_text(out[c])
    out["year"] = out["year"].astype("Int64")
    for c in ("estimate", "ci_lower", "ci_upper"):
        out[c] = out[c].astype("float64")
    out["higher_means_more_burden"] = out["higher_means_more_burden"].astype("bool")
    return out


def _typed_excluded(df: pd.DataFrame) -> pd.DataFrame:
    if "area" not in df.columns:  # results from before sub-national areas: all whole countries
        df = df.assign(area=pd.Series([None] * len(df), index=df.index, dtype="str"))
    out = df.loc[:, list(_EXCLUDED_COLUMNS)].copy()
    out["universe_id"] = out["universe_id"].astype("int64")
    for c in ("iso3", "area", "counterpart_iso3", "indicator", "source", "reason", "detail"):
        out[c] = _clean_text(out[c])
    out["year"] = out["year"].astype("Int64")
    out["value"] = out["value"].astype("float64")
    return out


# --------------------------------------------------------------------------- the sink
class _Sink:
    """Collects batches in memory, or streams them to a Parquet dataset directory."""

    def __init__(self, out: Path | None) -> None:
        self.out = out
        self.long: list[pd.DataFrame] = []
        self.excluded: list[pd.DataFrame] = []
        self.provenance: dict[int, dict[str, Any]] = {}
        # manifest rows are gathered as dicts and packed into a frame every 4,096 rows
        # (columnar: ~0.6 kB per universe; a frame per small batch would cost more)
        self.manifest: list[pd.DataFrame] = []
        self._rows: list[dict[str, Any]] = []
        self.rows = 0
        if out is not None:
            if out.exists():
                if not (out / "manifest.parquet").exists() and any(out.iterdir()):
                    raise GridError(f"{out} exists and is not a multiverse output; choose another "
                                    "--out (nothing is overwritten)")
                shutil.rmtree(out)
            for sub in ("long", "excluded", "provenance"):
                (out / sub).mkdir(parents=True)

    def discard(self) -> None:
        """Remove the output folder of a run that did not finish (it holds no manifest)."""
        if self.out is not None:
            shutil.rmtree(self.out, ignore_errors=True)

    def pack(self) -> None:
        """Move the gathered manifest rows into a frame."""
        if self._rows:
            self.manifest.append(pd.DataFrame(self._rows))
            self._rows = []

    def add(self, index: int, batch: Mapping[str, Any]) -> None:
        self._rows.extend(batch["manifest"])
        if len(self._rows) >= 4096:
            self.pack()
        self.rows += len(batch["long"])
        if self.out is None:
            self.long.append(batch["long"])
            self.excluded.append(batch["excluded"])
            for p in batch["provenance"]:
                self.provenance[int(p["universe_id"])] = p
            return
        name = f"part-{index:06d}"
        batch["long"].to_parquet(self.out / "long" / f"{name}.parquet", index=False)
        batch["excluded"].to_parquet(self.out / "excluded" / f"{name}.parquet", index=False)
        with open(self.out / "provenance" / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for p in batch["provenance"]:
                fh.write(json.dumps(p, sort_keys=True, default=str) + "\n")


# --------------------------------------------------------------------------- the result
@dataclass(frozen=True, eq=False)
class Multiverse:
    """Every universe of a grid: tidy estimates, manifest, exclusions and provenance.

    Attributes
    ----------
    grid : Grid
    manifest : pandas.DataFrame
        One row per universe: ``universe_id``, ``method``, one column per choice (readable
        labels, ``n/a`` where a choice does not apply), ``status`` (``ok``/``failed``),
        ``error``, the main ``quantity`` and ``unit``, row counts, ``seed``, the data
        fingerprint, ``params_json`` and ``provenance_fingerprint``.
    ruled_out : pandas.DataFrame
        Combinations the grid's constraints ruled out, with the rule.
    seed : int
        Root seed.
    data_fingerprint : str
        Fingerprint of the data the grid ran on.
    path : Path or None
        The Parquet dataset directory the results were streamed to (None: in memory).
    """

    grid: Grid
    manifest: pd.DataFrame
    ruled_out: pd.DataFrame
    seed: int
    data_fingerprint: str
    path: Path | None = None
    _long: pd.DataFrame | None = field(default=None, repr=False)
    _excluded: pd.DataFrame | None = field(default=None, repr=False)
    _provenance: Mapping[int, Mapping[str, Any]] | None = field(default=None, repr=False)

    # ---- the tidy frames
    @cached_property
    def long(self) -> pd.DataFrame:
        """Tidy estimates: one row per universe x country x year (see ``LONG_COLUMNS``)."""
        if self._long is not None:
            return self._long
        assert self.path is not None
        return _read_parts(self.path / "long", LONG_COLUMNS)

    @cached_property
    def excluded(self) -> pd.DataFrame:
        """Every observation each universe left out, with ``universe_id`` and the reason."""
        if self._excluded is not None:
            return self._excluded
        assert self.path is not None
        return _read_parts(self.path / "excluded", _EXCLUDED_COLUMNS)

    @property
    def failures(self) -> pd.DataFrame:
        """Manifest rows of the universes that failed (with the error)."""
        return self.manifest[self.manifest["status"] == "failed"].reset_index(drop=True)

    def provenance(self, universe_id: int) -> dict[str, Any]:
        """Return the full provenance of one universe (as a dict).

        Parameters
        ----------
        universe_id : int

        Returns
        -------
        dict
        """
        if self._provenance is not None:
            if universe_id not in self._provenance:
                raise KeyError(f"no provenance for universe {universe_id} (failed or unknown)")
            return dict(self._provenance[universe_id])
        assert self.path is not None
        for f in sorted((self.path / "provenance").glob("*.jsonl")):
            with open(f, encoding="utf-8") as fh:
                for line in fh:
                    d: dict[str, Any] = json.loads(line)
                    if d["universe_id"] == universe_id:
                        return d
        raise KeyError(f"no provenance for universe {universe_id} (failed or unknown)")

    @property
    def choice_names(self) -> tuple[str, ...]:
        """Decisions of the grid (``method`` first)."""
        return self.grid.choice_names()

    def varying(self, manifest: pd.DataFrame | None = None) -> tuple[str, ...]:
        """Decisions with more than one level among the (given) universes."""
        m = self.manifest if manifest is None else manifest
        return tuple(c for c in self.choice_names if c in m and m[c].nunique() > 1)

    def with_choices(self) -> pd.DataFrame:
        """``long`` joined with the choice labels of each universe."""
        cols = ["universe_id", *[c for c in self.choice_names if c != METHOD]]
        return self.long.merge(self.manifest[cols], on="universe_id", how="left")

    # ---- analyses (thin delegations)
    def attribution(self, **kwargs: Any) -> pd.DataFrame:
        """Variance attribution per country and overall; see :func:`attribution`."""
        from .attribution import attribution

        return attribution(self, **kwargs)

    def drivers(self, **kwargs: Any) -> pd.DataFrame:
        """Which choice moves each country most; see :func:`drivers`."""
        from .attribution import drivers

        return drivers(self, **kwargs)

    def ranks(self, **kwargs: Any) -> pd.DataFrame:
        """Ranks per universe and country; see :func:`rank_table`."""
        from .ranks import rank_table

        return rank_table(self, **kwargs)

    def rank_distribution(self, **kwargs: Any) -> pd.DataFrame:
        """Rank distribution, share in the top k and rank set; see :func:`rank_distribution`."""
        from .ranks import rank_distribution

        return rank_distribution(self, **kwargs)

    def curve(self, iso3: str, **kwargs: Any) -> Any:
        """Specification-curve data for one country; see :func:`specification_curve`."""
        from .curve import specification_curve

        return specification_curve(self, iso3, **kwargs)

    def footer(self) -> list[str]:
        """Caption lines for charts and tables: sources (with licence) and provenance."""
        seen: dict[str, str] = {}
        ok = self.manifest.loc[self.manifest["status"] == "ok", "universe_id"]
        by_method = self.manifest.loc[ok.index].drop_duplicates("method")["universe_id"]
        for uid in by_method:
            for src in self.provenance(int(uid)).get("sources", []):
                key = str(src.get("id", ""))
                if key and key not in seen:
                    when = src.get("vintage") or src.get("retrieved") or "vintage n/a"
                    seen[key] = (f"{src.get('publisher', '')}, {src.get('title', '')} "
                                 f"({src.get('licence', '') or 'licence n/a'}, {when})")
        src_line = "Source: " + "; ".join(seen.values()) if seen else "Source: n/a"
        return [src_line, f"burdenshare {__version__}; multiverse {self.grid.name!r}, "
                          f"{len(self.manifest):,} universes, seed {self.seed}; data "
                          f"{self.data_fingerprint[:12]}"]

    def summary(self) -> str:
        """Return a few lines: universes, failures, rows, where the results are."""
        n = len(self.manifest)
        nf = int((self.manifest["status"] == "failed").sum()) if n else 0
        where = f"; streamed to {self.path}" if self.path else ""
        return (f"multiverse {self.grid.name!r}: {n:,} universes ({nf:,} failed, "
                f"{len(self.ruled_out):,} ruled out by constraints), decisions: "
                f"{', '.join(self.varying()) or 'none'}{where}")

    def __repr__(self) -> str:
        return f"<Multiverse {self.summary()}>"


def _read_parts(folder: Path, columns: Sequence[str]) -> pd.DataFrame:
    files = sorted(folder.glob("*.parquet"))
    if not files:
        return _empty(columns)
    frames = [pd.read_parquet(f) for f in files]
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values("universe_id", kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------- the runner
def _progress_bar(total: int, show: bool) -> Any:
    if not show:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is optional
        return None
    return tqdm(total=total, unit="universe", desc="multiverse", file=sys.stderr)


def run_multiverse(
    grid: Grid | str | Path,
    data: Dataset | None = None,
    *,
    scheduler: Literal["serial", "dask"] = "serial",
    address: str | Any | None = None,
    n_workers: int = 2,
    processes: bool = True,
    seed: int | None = None,
    out: str | Path | None = None,
    batch_size: int | None = None,
    keep: Literal["main", "all"] = "main",
    progress: bool = True,
) -> Multiverse:
    """Run every universe of ``grid`` on ``data``.

    Parameters
    ----------
    grid : Grid, str or Path
        A grid built in Python, or a grid file (read with :func:`read_grid`).
    data : Dataset, optional
        Default: the embedded samples (``burdenshare.load_sample()``).
    scheduler : {"serial", "dask"}
        ``dask`` runs batches of universes on a Dask cluster: a local distributed cluster of
        ``n_workers`` (processes unless ``processes=False``) by default, or the cluster at
        ``address`` (a scheduler address or a ``distributed.Client``). Results are identical.
    address : str or distributed.Client, optional
    n_workers : int
        Workers of the local cluster.
    processes : bool
        Local cluster workers as processes (default) or threads.
    seed : int, optional
        Root seed (default: the grid's ``seed``).
    out : str or Path, optional
        Stream results to this Parquet dataset directory (``long/``, ``excluded/``,
        ``provenance/`` parts, ``manifest.parquet``, ``grid.json``) instead of keeping them in
        memory; the returned :class:`Multiverse` reads them back on demand.
    batch_size : int, optional
        Universes per batch (default: about four batches per worker, at most 256 universes).
    keep : {"main", "all"}
        ``main``: country rows of each method's main quantity; ``all``: every estimate row.
    progress : bool
        Show progress (tqdm serially, Dask's progress bar on Dask).

    Returns
    -------
    Multiverse
    """
    if not isinstance(grid, Grid):
        from .grid import read_grid

        grid = read_grid(grid)
    if scheduler not in ("serial", "dask"):
        raise ValueError(f"scheduler={scheduler!r}: choose 'serial' or 'dask'")
    if keep not in ("main", "all"):
        raise ValueError(f"keep={keep!r}: choose 'main' or 'all'")
    if data is None:
        from ..io import load_sample

        data = load_sample()
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a burdenshare Dataset, not {type(data).__name__}")
    root = grid.seed if seed is None else int(seed)
    universes, ruled = grid.enumerate()
    planner = _Planner(grid, root)
    views = _views(data, (planner.window(u)[1] for u in universes))
    outdir = Path(out) if out is not None else None
    sink = _Sink(outdir)
    workers = max(1, n_workers)
    n = len(universes)
    size = batch_size or max(1, min(256, math.ceil(n / (4 * workers)) if n else 1))
    batches = [universes[i:i + size] for i in range(0, n, size)]
    try:
        if scheduler == "serial":
            _run_serial(batches, planner, views, keep, sink, progress=progress)
        else:
            _run_dask(batches, planner, views, keep, sink, address=address, n_workers=workers,
                      processes=processes, progress=progress)
        return _finish(grid, sink, ruled, root, data.fingerprint, outdir)
    except BaseException:
        sink.discard()  # a failed start or run leaves no folder that blocks a rerun
        raise


def _run_serial(batches: Sequence[Sequence[Universe]], planner: _Planner,
                views: Mapping[Any, Dataset], keep: str, sink: _Sink, *, progress: bool) -> None:
    bar = _progress_bar(sum(len(b) for b in batches), progress)
    for i, b in enumerate(batches):
        tasks = [planner.task(u) for u in b]
        sink.add(i, _run_batch(tasks, {t.data_key: views[t.data_key] for t in tasks}, keep))
        if bar is not None:
            bar.update(len(b))
    if bar is not None:
        bar.close()


def _run_dask(batches: Sequence[Sequence[Universe]], planner: _Planner,
              views: Mapping[Any, Dataset], keep: str, sink: _Sink, *, address: Any,
              n_workers: int, processes: bool, progress: bool) -> None:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as err:  # pragma: no cover - the multiverse extra
        raise ImportError("scheduler='dask' needs dask[distributed]: pip install "
                          "'burdenshare[multiverse]'") from err
    client, own_client, own_cluster = _dask_connect(Client, LocalCluster, address,
                                                    n_workers=n_workers, processes=processes)
    try:
        _dask_drive(client, as_completed, batches, planner, views, keep, sink,
                    n_workers=n_workers, progress=progress)
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()


def _dask_connect(client_cls: Any, cluster_cls: Any, address: Any, *, n_workers: int,
                  processes: bool) -> tuple[Any, Any, Any]:
    """Start or reach the Dask scheduler; return the client, and the client and cluster we own."""
    own_client = own_cluster = None
    try:
        if address is None:
            own_cluster = cluster_cls(n_workers=n_workers, threads_per_worker=1,
                                      processes=processes, dashboard_address="127.0.0.1:0",
                                      protocol="tcp://", host="127.0.0.1")
            client = own_client = client_cls(own_cluster)
        elif isinstance(address, str):
            client = own_client = client_cls(address)
        else:
            client = address
    except Exception as err:
        if own_cluster is not None:
            own_cluster.close()
        where = f"at {address}" if isinstance(address, str) else "(a local cluster)"
        raise SchedulerError(f"the Dask scheduler {where} could not be started or reached: "
                             f"{err}; no universe was run") from err
    return client, own_client, own_cluster


def _dask_drive(client: Any, as_completed: Any, batches: Sequence[Sequence[Universe]],
                planner: _Planner, views: Mapping[Any, Dataset], keep: str, sink: _Sink, *,
                n_workers: int, progress: bool) -> None:
    """Run the batches on the Dask client, a bounded window of them in flight."""
    scattered = {k: client.scatter(v, broadcast=True, hash=False) for k, v in views.items()}
    n_live = max(1, len(client.scheduler_info().get("workers", {})) or n_workers)
    window = 4 * n_live  # batches in flight: memory stays bounded, workers stay busy
    index: dict[Hashable, int] = {}

    def submit(i: int) -> Any:
        tasks = [planner.task(u) for u in batches[i]]
        need = {t.data_key: scattered[t.data_key] for t in tasks}
        fut = client.submit(_run_batch, tasks, need, keep, pure=False)
        index[fut.key] = i
        return fut

    nxt = min(window, len(batches))
    pending = as_completed([submit(i) for i in range(nxt)])
    bar = _progress_bar(sum(len(b) for b in batches), progress)
    for fut in pending:
        i = index.pop(fut.key)
        sink.add(i, fut.result())
        fut.release()
        if nxt < len(batches):
            pending.add(submit(nxt))
            nxt += 1
        if bar is not None:
            bar.update(len(batches[i]))
    if bar is not None:
        bar.close()


def _finish(grid: Grid, sink: _Sink, ruled: list[dict[str, Any]], seed: int, fingerprint: str,
            outdir: Path | None) -> Multiverse:
    names = list(grid.choice_names()[1:])
    cols = [*MANIFEST_FIXED_COLUMNS[:2], *names, *MANIFEST_FIXED_COLUMNS[2:]]
    sink.pack()
    manifest = (pd.concat(sink.manifest, ignore_index=True).reindex(columns=cols)
                if sink.manifest else _empty(cols))
    manifest = manifest.sort_values("universe_id", kind="mergesort").reset_index(drop=True)
    for c in ("year", "data_from_year", "seed"):
        manifest[c] = manifest[c].astype("Int64")
    for c in (*names, "method", "family", "estimator", "estimator_version", "status", "error",
              "quantity", "unit", "uncertainty_method", "data_fingerprint", "params_json",
              "provenance_fingerprint"):
        manifest[c] = manifest[c].astype("string")
    manifest["universe_id"] = manifest["universe_id"].astype("int64")
    ruled_df = pd.DataFrame(ruled, columns=[METHOD, *names, "constraint"]) if ruled else \
        _empty([METHOD, *names, "constraint"]).astype("string")
    if outdir is None:
        def cat(frames: list[pd.DataFrame], columns: Sequence[str],
                typed: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
            if not frames:
                return typed(_empty(columns))
            out = pd.concat(frames, ignore_index=True)
            return out.sort_values("universe_id", kind="mergesort").reset_index(drop=True)

        return Multiverse(grid=grid, manifest=manifest, ruled_out=ruled_df, seed=seed,
                          data_fingerprint=fingerprint, path=None,
                          _long=cat(sink.long, LONG_COLUMNS, _typed_long),
                          _excluded=cat(sink.excluded, _EXCLUDED_COLUMNS, _typed_excluded),
                          _provenance=MappingProxyType(dict(sorted(sink.provenance.items()))))
    manifest.to_parquet(outdir / "manifest.parquet", index=False)
    manifest.to_csv(outdir / "manifest.csv", index=False)
    ruled_df.to_csv(outdir / "ruled_out.csv", index=False)
    meta = {"grid": grid.to_dict(), "seed": seed, "data_fingerprint": fingerprint,
            "burdenshare": __version__, "universes": len(manifest),
            "failed": int((manifest["status"] == "failed").sum()), "rows": sink.rows}
    (outdir / "grid.json").write_text(json.dumps(meta, indent=2, sort_keys=True, default=str),
                                      encoding="utf-8")
    return Multiverse(grid=grid, manifest=manifest, ruled_out=ruled_df, seed=seed,
                      data_fingerprint=fingerprint, path=outdir)


def open_multiverse(path: str | Path, grid: Grid) -> Multiverse:
    """Re-open a multiverse streamed to ``path`` (its manifest and lazily its parts).

    Parameters
    ----------
    path : str or Path
    grid : Grid
        The grid it was run from.

    Returns
    -------
    Multiverse
    """
    p = Path(path)
    meta = json.loads((p / "grid.json").read_text(encoding="utf-8"))
    manifest = pd.read_parquet(p / "manifest.parquet")
    ruled = pd.read_csv(p / "ruled_out.csv", dtype="string")
    return Multiverse(grid=grid, manifest=manifest, ruled_out=ruled, seed=int(meta["seed"]),
                      data_fingerprint=str(meta["data_fingerprint"]), path=p)

