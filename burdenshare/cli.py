"""Command-line interface ``burdenshare`` (a contract: scripts and checks rely on it).

Exit codes: 0 ok, 2 usage (also an unknown data vintage), 3 invalid data, 4 estimator failed,
5 fetch failed (``burdenshare data update``: the publisher could not be reached or answered
something unusable). User errors print one readable message, never a traceback (``--debug``
shows it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_USAGE, EXIT_DATA, EXIT_ESTIMATOR, EXIT_FETCH = 0, 2, 3, 4, 5
#: ``burdenshare data update SOURCE`` choices (= ``burdenshare.store.PUBLISHERS``; a test checks).
_DATA_SOURCES = ("unhcr", "worldbank", "oecd_dac")


class _Usage(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="burdenshare",
        description="Measure burden- and responsibility-sharing in refugee protection.",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    sub.add_parser("estimators", help="list estimators (name, quantity, unit, summary)")
    sub.add_parser("indicators", help="list the indicator vocabulary")
    v = sub.add_parser("validate", help="check observation files; list every problem")
    v.add_argument("files", nargs="+", metavar="FILE")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--data", action="append", default=[], metavar="FILE",
                        help="observation file (repeatable); default: the embedded samples")
        sp.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                        dest="params", help="estimator parameter (repeatable)")
        sp.add_argument("--countries", metavar="ISO3,...", help="keep only these codes")
        sp.add_argument("--years", metavar="A-B", help="keep only these years (A-B or A)")
        sp.add_argument("--out", required=True, metavar="FILE",
                        help="output file; the suffix picks the format: .csv .parquet .xlsx "
                             ".json (every row) | .md .tex .html (report table: main quantity, "
                             "latest year) | .png .svg .pdf (chart); provenance in or beside each")
        _vintage_options(sp)

    r = sub.add_parser("run", help="run one estimator")
    r.add_argument("name")
    common(r)
    c = sub.add_parser("compare", help="run several estimators on the same data")
    c.add_argument("names", nargs="+", metavar="NAME")
    common(c)
    d = sub.add_parser("demo", help="all built-ins on the latest complete year of the samples")
    d.add_argument("--out", default="demo_output", metavar="DIR")
    mv = sub.add_parser("multiverse", help="run a decision grid (GRID.toml) and attribute the "
                        "spread of each country's figure and rank to the choices")
    mv.add_argument("grid", metavar="GRID.toml", help="grid file (methodology/multiverse.md)")
    mv.add_argument("--out", required=True, metavar="FILE",
                    help="FILE.parquet: a Parquet dataset folder, streamed; FILE.csv: CSV with "
                         "sidecars (FILE.manifest.csv, .excluded.csv, .provenance.jsonl, "
                         ".attribution.csv, .ranks.csv)")
    mv.add_argument("--data", action="append", default=[], metavar="FILE",
                    help="observation file (repeatable); default: the embedded samples")
    mv.add_argument("--scheduler", choices=("serial", "dask"), default="serial")
    mv.add_argument("--address", metavar="ADDR", help="Dask scheduler address (default: a "
                    "local cluster)")
    mv.add_argument("--workers", type=int, default=2, metavar="N",
                    help="workers of the local Dask cluster")
    mv.add_argument("--seed", type=int, metavar="N", help="root seed (default: the grid's)")
    mv.add_argument("--top", type=int, default=10, metavar="K", help="top-k of the rank table")
    mv.add_argument("--no-progress", action="store_true", help="no progress bar")
    _vintage_options(mv)
    _data_parser(sub)
    return p


def _vintage_options(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--data-vintage", metavar="V[,V...]",
                    help="data to use instead of the embedded samples alone: 'embedded' (default), "
                         "'latest' (newest stored vintage of every publisher), a publisher "
                         f"({', '.join(_DATA_SOURCES)}: its newest vintage) or stored vintage ids, "
                         "comma-separated; see `burdenshare data list`")
    sp.add_argument("--data-dir", metavar="DIR",
                    help="vintage store folder (default: the user data directory)")


def _data_parser(sub: Any) -> None:
    d = sub.add_parser("data", help="list, update and compare data vintages (methodology/data.md)")
    dsub = d.add_subparsers(dest="data_command", metavar="ACTION")
    dsub.required = True
    ls = dsub.add_parser("list", help="every source: vintage, retrieval date, licence, last year "
                         "per indicator, and whether a newer release is due")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    ls.add_argument("--today", metavar="YYYY-MM-DD",
                    help="judge staleness at this date (default: today)")
    ls.add_argument("--data-dir", metavar="DIR",
                    help="vintage store folder (default: the user data directory)")
    up = dsub.add_parser("update", help="fetch a new vintage from a publisher into the store")
    up.add_argument("source", choices=_DATA_SOURCES, metavar="SOURCE",
                    help=f"one of {', '.join(_DATA_SOURCES)}")
    up.add_argument("--years", metavar="A-B", help="first and last year to fetch")
    up.add_argument("--wdi-version", metavar="V",
                    help="worldbank only: pin a WDI Database Archives release (e.g. 202607)")
    up.add_argument("--data-dir", metavar="DIR",
                    help="vintage store folder (default: the user data directory)")
    df = dsub.add_parser("diff", help="what changed between two vintages, and estimators on both")
    df.add_argument("a", metavar="A", help="older vintage: 'embedded', a vintage id, a publisher "
                    "or 'latest'")
    df.add_argument("b", metavar="B", help="newer vintage (same choices)")
    df.add_argument("--estimator", action="append", default=[], metavar="NAME",
                    help="run this estimator on both and show the ranks that moved (repeatable)")
    df.add_argument("--years", metavar="A-B", help="compare only these years")
    df.add_argument("--out", metavar="FILE", help="write everything: .xlsx, .csv (with sidecars) "
                    "or .json")
    df.add_argument("--data-dir", metavar="DIR",
                    help="vintage store folder (default: the user data directory)")


def _years(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    parts = text.split("-")
    try:
        if len(parts) == 1:
            y = int(parts[0])
            return (y, y)
        if len(parts) == 2:
            a, b = int(parts[0]), int(parts[1])
            if a > b:
                raise _Usage(f"--years {text}: the first year is after the last")
            return (a, b)
    except ValueError:
        pass
    raise _Usage(f"--years {text!r}: write a year (2024) or a range (2010-2024)")


def _load(args: argparse.Namespace) -> Any:
    from .data import Dataset
    from .io import load_sample, read_observations

    data = (Dataset.concat([read_observations(f) for f in args.data]) if args.data
            else _base_data(args, load_sample))
    years = _years(args.years)
    countries = [c.strip() for c in args.countries.split(",")] if args.countries else None
    if years or countries:
        data = data.select(iso3=countries, years=years)
        if len(data) == 0:
            from ._errors import DataValidationError

            raise DataValidationError(
                "the selection (" + "; ".join(
                    ([f"years {years[0]}-{years[1]}"] if years else [])
                    + ([f"countries {','.join(countries)}"] if countries else []))
                + ") contains no observations")
    return data


def _base_data(args: argparse.Namespace, load_sample: Any) -> Any:
    """The data when no --data file is given: the embedded samples, or a --data-vintage."""
    vintage = getattr(args, "data_vintage", None)
    if vintage is None:
        return load_sample()
    from .store import load

    return load(vintage, root=args.data_dir)


def _check_vintage_args(args: argparse.Namespace) -> None:
    if getattr(args, "data_vintage", None) and getattr(args, "data", None):
        raise _Usage("--data and --data-vintage exclude each other: --data replaces the embedded "
                     "samples, --data-vintage updates them")


def _params(cls: type, items: Sequence[str]) -> dict[str, Any]:
    from .params import parse_param

    out = {}
    for it in items:
        if "=" not in it:
            raise _Usage(f"--set {it!r}: write PARAM=VALUE")
        k, v = it.split("=", 1)
        out[k.strip()] = parse_param(cls, k.strip(), v)
    return out


def _cmd_estimators() -> int:
    from .registry import available, get

    rows = []
    for name, info in available().items():
        try:
            cls = get(name)
            rows.append((name, cls.quantity, cls.unit, cls.summary, info.distribution))
        except Exception as err:  # a broken plugin is listed, not fatal
            rows.append((name, "?", "?", f"(failed to load: {err})", info.distribution))
    w = max(len(r[0]) for r in rows)
    wq = max(len(r[1]) for r in rows)
    for name, q, unit, summary, dist in rows:
        extra = "" if dist == "burdenshare" else f"  [{dist}]"
        print(f"{name:<{w}}  {q:<{wq}}  {summary} ({unit}){extra}")
    return EXIT_OK


def _cmd_indicators() -> int:
    from .indicators import VOCABULARY

    w = max(len(n) for n in VOCABULARY)
    for name, ind in VOCABULARY.items():
        flag = " [dyadic]" if ind.dyadic else ""
        print(f"{name:<{w}}  {ind.unit}{flag}")
    return EXIT_OK


def _cmd_validate(files: Sequence[str]) -> int:
    from ._errors import DataValidationError
    from .io import read_observations

    bad = 0
    for f in files:
        try:
            ds = read_observations(f)
        except DataValidationError as err:
            bad += 1
            failures = err.failures
            if failures is None:
                print(f"{f}: {err}")
                continue
            print(f"{f}: {len(failures)} problem(s)")
            r: Any  # pandas-stubs types every itertuples() field as "any scalar"
            for r in failures.itertuples(index=False):
                where = f"line {r.line}" if r.line is not None and r.line == r.line else "file"
                val = "" if r.value is None or r.value != r.value else f" {r.value!r}"
                print(f"  {where}, column '{r.column}':{val} {r.reason} [{r.check}]")
        else:
            print(f"{f}: OK ({len(ds):,} observations, {len(ds.indicators)} indicators, "
                  f"fingerprint {ds.fingerprint[:12]})")
    return EXIT_DATA if bad else EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    from .export import write_result
    from .registry import get

    cls = get(args.name)
    est = cls(**_params(cls, args.params))
    data = _load(args)
    try:
        res = est.estimate(data)
    except Exception as err:
        return _estimator_failed(args.name, err, args.debug)
    paths = write_result(res, args.out)
    print(f"{args.name}: {len(res.estimates):,} estimates, {len(res.excluded):,} excluded "
          f"observations -> {', '.join(str(p) for p in paths)}")
    _warn_years(args.name, res)
    return EXIT_OK


# --- OECD DAC 2023-2025 (issue 14): never silently fewer years
def _warn_years(name: str, res: Any) -> None:
    """One stderr line per estimator for requested years without estimates (exit code stays 0),
    and one note naming years of preliminary data.
    """
    from .provenance import years_without_estimates_line

    line = years_without_estimates_line(name, res)
    if line:
        print(f"warning: {line}", file=sys.stderr)
    prelim = res.diagnostics.get("preliminary_years")
    if prelim:
        years = ", ".join(str(y) for y in sorted(prelim))
        print(f"note: {name}: {years} from OECD preliminary data (labelled in the term column; "
              "final data follow in December)", file=sys.stderr)


def _cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare
    from .export import write_comparison
    from .registry import get

    # a --set parameter applies to every chosen estimator that has it
    ests = {}
    for n in args.names:
        cls = get(n)
        mine = [s for s in args.params if s.split("=", 1)[0].strip() in
                {f for f in getattr(cls, "__dataclass_fields__", {})}]
        ests[n] = cls(**_params(cls, mine))
    unknown = [s for s in args.params if not any(
        s.split("=", 1)[0].strip() in getattr(get(n), "__dataclass_fields__", {})
        for n in args.names)]
    if unknown:
        raise _Usage(f"--set {unknown[0]!r}: no chosen estimator has that parameter")
    data = _load(args)
    try:
        comp = compare(ests, data)
    except Exception as err:
        return _estimator_failed(", ".join(args.names), err, args.debug)
    paths = write_comparison(comp, args.out)
    print(f"compared {len(comp.results)} methods: {len(comp.long):,} estimates -> "
          f"{', '.join(str(p) for p in paths)}")
    for label, res in comp.results.items():
        _warn_years(str(label), res)
    return EXIT_OK


def _estimator_failed(name: str, err: Exception, debug: bool) -> int:
    if debug:
        raise err
    print(f"burdenshare: estimator {name} failed: {err}", file=sys.stderr)
    return EXIT_ESTIMATOR


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(Path(args.out))
    return EXIT_OK


def _cmd_multiverse(args: argparse.Namespace) -> int:
    from ._errors import DataValidationError
    from .multiverse import GridError, read_grid, run_multiverse

    out = Path(args.out)
    if out.suffix not in (".parquet", ".csv"):
        raise _Usage(f"--out {args.out}: end it in .parquet (a streamed Parquet dataset folder) "
                     "or .csv")
    if args.workers < 1:
        raise _Usage(f"--workers {args.workers}: at least 1")
    if args.top < 1:
        raise _Usage(f"--top {args.top}: at least 1")
    try:
        grid = read_grid(args.grid)
    except GridError as err:
        raise _Usage(str(err)) from err
    from .data import Dataset
    from .io import load_sample, read_observations

    data = (Dataset.concat([read_observations(f) for f in args.data]) if args.data
            else _base_data(args, load_sample))
    if len(data) == 0:
        raise DataValidationError("the data contain no observations")
    try:
        mv = run_multiverse(grid, data, scheduler=args.scheduler, address=args.address,
                            n_workers=args.workers, seed=args.seed,
                            out=out if out.suffix == ".parquet" else None,
                            progress=not args.no_progress)
    except GridError as err:
        raise _Usage(str(err)) from err
    ok = mv.manifest["status"] == "ok"
    written = [out]
    attr = mv.attribution(on="rank") if ok.any() else None
    ranks = mv.rank_distribution(k=args.top) if ok.any() else None
    if out.suffix == ".parquet":
        side = {"attribution": out / "attribution_rank.csv",
                "ranks": out / "rank_distribution.csv"}
    else:
        import json

        stem = str(out)
        mv.long.to_csv(out, index=False)
        mv.manifest.to_csv(f"{stem}.manifest.csv", index=False)
        mv.excluded.to_csv(f"{stem}.excluded.csv", index=False)
        mv.ruled_out.to_csv(f"{stem}.ruled_out.csv", index=False)
        with open(f"{stem}.provenance.jsonl", "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"grid": grid.to_dict(), "seed": mv.seed,
                                 "data_fingerprint": mv.data_fingerprint}, default=str) + "\n")
            for uid in mv.manifest.loc[ok, "universe_id"]:
                fh.write(json.dumps(mv.provenance(int(uid)), sort_keys=True, default=str) + "\n")
        written += [Path(f"{stem}.{x}") for x in ("manifest.csv", "excluded.csv", "ruled_out.csv",
                                                  "provenance.jsonl")]
        side = {"attribution": Path(f"{stem}.attribution.csv"), "ranks": Path(f"{stem}.ranks.csv")}
    if attr is not None and ranks is not None:
        attr.to_csv(side["attribution"], index=False)
        ranks.to_csv(side["ranks"], index=False)
        written += list(side.values())
    print(mv.summary())
    r: Any  # pandas-stubs types every itertuples() field as "any scalar"
    for r in mv.failures.itertuples(index=False):
        print(f"  FAILED universe {r.universe_id} ({r.method}): {r.error}")
    if attr is not None and len(attr):
        top = mv.drivers(on="rank")
        for r in top[top["scope"] == "overall"].itertuples(index=False):
            print(f"  {r.family} {int(r.year) if r.year == r.year else ''}: ranks move most with "
                  f"{r.top_choice} ({100 * r.top_share:.0f}% of the spread), then "
                  f"{r.second_choice} ({100 * r.second_share:.0f}%)")
    print("Written: " + ", ".join(str(p) for p in written))
    if not ok.any():
        print(f"burdenshare: every universe of {args.grid} failed (see the manifest)",
              file=sys.stderr)
        return EXIT_ESTIMATOR
    return EXIT_OK


def _cmd_data(args: argparse.Namespace) -> int:
    if args.data_command == "list":
        return _cmd_data_list(args)
    if args.data_command == "update":
        return _cmd_data_update(args)
    return _cmd_data_diff(args)


def _cmd_data_list(args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    from .store import catalog, catalog_records

    today = None
    if args.today:
        try:
            today = dt.date.fromisoformat(args.today)
        except ValueError as err:
            raise _Usage(f"--today {args.today!r}: write a date as YYYY-MM-DD") from err
    records = catalog_records(catalog(args.data_dir, today=today))
    if args.format == "json":
        print(json.dumps(records, indent=2, ensure_ascii=False))
        return EXIT_OK
    from .store import default_root, list_vintages

    root = args.data_dir or default_root()
    print(f"vintage store: {root} ({len(list_vintages(root))} stored vintages); staleness as of "
          f"{(today or dt.date.today()).isoformat()}")
    for rec in records:
        print(f"[{rec['store_vintage']}] {rec['source']}: {rec['title']}")
        print(f"    publisher: {rec['publisher']}; licence: {rec['licence']}")
        print(f"    vintage: {rec['vintage'] or '-'}; retrieved {rec['retrieved'] or '-'}")
        last = ", ".join(f"{k} {v['last_year']}" for k, v in rec["indicators"].items())
        print(f"    last year: {last}")
        print(f"    {rec['staleness']}")
    return EXIT_OK


def _cmd_data_update(args: argparse.Namespace) -> int:
    from .store import update

    years = _years(args.years)
    if args.wdi_version and args.source != "worldbank":
        raise _Usage(f"--wdi-version applies to worldbank only, not {args.source}")
    v = update(args.source, years=years, wdi_version=args.wdi_version, root=args.data_dir)
    print(f"stored {v.summary()}")
    print(f"    in {v.path}")
    for note in v.manifest.get("notes", []):
        print(f"    note: {note}")
    return EXIT_OK


def _cmd_data_diff(args: argparse.Namespace) -> int:
    from .registry import get
    from .revisions import compare_vintages, write_revisions

    for name in args.estimator:
        get(name)  # an unknown name is a usage error before any data are read
    vc = compare_vintages(args.a, args.b, args.estimator, root=args.data_dir,
                          years=_years(args.years))
    for line in vc.summary_lines():
        print(line)
    summ = vc.data.summary
    if len(summ):
        print(summ.head(30).to_string(index=False))
        if len(summ) > 30:
            print(f"  … {len(summ) - 30} more indicator-years (use --out for all)")
    if args.out:
        paths = write_revisions(vc, args.out)
        print("Written: " + ", ".join(str(p) for p in paths))
    return EXIT_ESTIMATOR if vc.failures and not vc.results_a else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``burdenshare`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code.
    """
    from ._errors import (
        BurdenshareError,
        DataValidationError,
        EstimatorError,
        ExportError,
        ParameterError,
        RegistryError,
    )

    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse prints its own message
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    try:
        _check_vintage_args(args)
        if args.command == "data":
            return _cmd_data(args)
        if args.command == "estimators":
            return _cmd_estimators()
        if args.command == "indicators":
            return _cmd_indicators()
        if args.command == "validate":
            return _cmd_validate(args.files)
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "compare":
            return _cmd_compare(args)
        if args.command == "demo":
            return _cmd_demo(args)
        if args.command == "multiverse":
            return _cmd_multiverse(args)
    except (_Usage, ParameterError, RegistryError, ExportError) as err:
        if args.debug:
            raise
        print(f"burdenshare: {err}", file=sys.stderr)
        return EXIT_USAGE
    except DataValidationError as err:
        if args.debug:
            raise
        print(f"burdenshare: invalid data: {err}", file=sys.stderr)
        return EXIT_DATA
    except FileNotFoundError as err:
        if args.debug:
            raise
        print(f"burdenshare: {err}", file=sys.stderr)
        return EXIT_DATA
    except EstimatorError as err:
        if args.debug:
            raise
        print(f"burdenshare: estimator failed: {err}", file=sys.stderr)
        return EXIT_ESTIMATOR
    except BurdenshareError as err:  # store errors carry their exit code (vintage 2, fetch 5)
        if args.debug:
            raise
        print(f"burdenshare: {err}", file=sys.stderr)
        return int(getattr(err, "exit_code", 1))
    except Exception as err:  # never a traceback for the user; --debug shows it
        if args.debug:
            raise
        print(f"burdenshare: unexpected error: {type(err).__name__}: {err} (run with --debug for "
              "the traceback and please report it)", file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
