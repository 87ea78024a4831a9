"""Command-line interface ``burdenshare`` (a contract: scripts and checks rely on it).

Exit codes (:data:`EXIT_CODES`): 0 ok, 2 usage (also an unknown data vintage), 3 invalid or
unreadable data, 4 estimator failed, 5 fetch failed (``burdenshare data update``: the publisher
could not be reached or answered something unusable), 6 output or file-system error (the output
could not be written; nothing of it is left). :func:`main` maps every exception to its code
through one table (:func:`exit_code`); user errors print one readable message, never a
traceback (``--debug`` shows it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._errors import (
    BurdenshareError,
    DataValidationError,
    EstimatorError,
    ExportError,
    FetchError,
    OutputError,
    ParameterError,
    RegistryError,
    SchedulerError,
)

EXIT_OK, EXIT_USAGE, EXIT_DATA, EXIT_ESTIMATOR, EXIT_FETCH, EXIT_OUTPUT = 0, 2, 3, 4, 5, 6
#: Exit code -> what it means (the ``--help`` epilog and the README print this table).
EXIT_CODES = {
    EXIT_OK: "ok",
    EXIT_USAGE: "usage: a wrong command, option or parameter (also an unknown data vintage)",
    EXIT_DATA: "invalid or unreadable input data",
    EXIT_ESTIMATOR: "an estimator failed (or the Dask scheduler could not be started)",
    EXIT_FETCH: "fetch failed (burdenshare data update: nothing was stored)",
    EXIT_OUTPUT: "output or file-system error (nothing of the output is left)",
}
#: ``burdenshare data update SOURCE`` choices (= ``burdenshare.store.PUBLISHERS``; a test checks).
_DATA_SOURCES = ("unhcr", "worldbank", "oecd_dac")


class _Usage(Exception):
    pass


class _EstimatorFailed(Exception):
    """An estimator raised while estimating (any exception, chained): exit code 4."""

    def __init__(self, name: str, err: Exception) -> None:
        super().__init__(f"estimator {name} failed: {err}")


def _epilog() -> str:
    rows = "\n".join(f"  {code}  {what}" for code, what in EXIT_CODES.items())
    return f"exit codes:\n{rows}"


def _non_negative(text: str) -> int:
    """The type of ``--seed``: a whole number >= 0 (NumPy seeds cannot be negative)."""
    try:
        value = int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from err
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; a seed is a whole number >= 0")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="burdenshare",
        description="Measure burden- and responsibility-sharing in refugee protection.",
        epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    sub.add_parser("estimators", help="list estimators (name, quantity, unit, summary)")
    sub.add_parser("indicators", help="list the indicator vocabulary")
    v = sub.add_parser("validate", help="check observation files; list every problem")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.add_argument("--sheet", metavar="NAME", help="sheet of the .xlsx files (default: the first)")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--data", action="append", default=[], metavar="FILE",
                        help="observation file (repeatable); default: the embedded samples")
        sp.add_argument("--sheet", metavar="NAME",
                        help="sheet of the .xlsx --data files (default: the first)")
        sp.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                        dest="params", help="estimator parameter (repeatable)")
        sp.add_argument("--countries", metavar="ISO3,...", help="keep only these codes")
        sp.add_argument("--years", metavar="A-B", help="keep only these years (A-B or A)")
        sp.add_argument("--out", required=True, metavar="FILE",
                        help="output file; the suffix picks the format: .csv .parquet .xlsx "
                             ".json (every row) | .md .tex .html (report table: main quantity, "
                             "latest year) | .png .svg .pdf (chart); provenance in or beside each")
        _keep_formulas_option(sp)
        _vintage_options(sp)

    r = sub.add_parser("run", help="run one estimator")
    r.add_argument("name")
    common(r)
    c = sub.add_parser("compare", help="run several estimators on the same data")
    c.add_argument("names", nargs="+", metavar="NAME")
    common(c)
    d = sub.add_parser("demo", help="all built-ins on the latest complete year of the samples")
    d.add_argument("--out", default="demo_output", metavar="DIR")
    _multiverse_parser(sub)
    _data_parser(sub)
    return p


def _multiverse_parser(sub: Any) -> None:
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
    mv.add_argument("--seed", type=_non_negative, metavar="N", help="root seed (default: the grid's)")
    mv.add_argument("--top", type=int, default=10, metavar="K", help="top-k of the rank table")
    mv.add_argument("--no-progress", action="store_true", help="no progress bar")
    _keep_formulas_option(mv)
    _vintage_options(mv)


def _keep_formulas_option(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--keep-formulas", action="store_true",
                    help=".csv/.xlsx: write text as it is (default: text a spreadsheet would run "
                         "as a formula, starting with = + - @ tab or CR, gets a leading ')")


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


# ----------------------------------------------------------------------------- inputs
def _unreadable_reason(err: Exception) -> str:
    """What is wrong with a file that cannot be read, in words."""
    import pandas as pd

    if isinstance(err, IsADirectoryError):
        return "it is a folder, not a file"
    if isinstance(err, pd.errors.EmptyDataError):
        return "the file is empty (not even a header line)"
    if isinstance(err, UnicodeDecodeError):
        return f"not UTF-8 text ({err.reason} at byte {err.start})"
    if isinstance(err, OSError) and err.errno is not None:
        return err.strerror or str(err)
    text = " ".join(str(err).split()) or type(err).__name__
    return f"the file is damaged or not in the format its suffix says ({text})"


def _readable(path: str | Path, read: Callable[[Any], Any]) -> Any:
    """``read(path)``, with a file that cannot be read at all turned into invalid data (exit 3).

    The readers report what they understand (every broken rule, with line and column); what
    they cannot read (an empty file, a folder, a damaged .parquet/.xlsx/.csv.gz, binary text)
    becomes one :class:`DataValidationError` naming the file and the problem.
    """
    import zipfile

    try:
        return read(path)
    except (BurdenshareError, FileNotFoundError):
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as err:
        raise DataValidationError(f"{path}: cannot read it: {_unreadable_reason(err)}") from err


def _sources_beside(path: Path) -> Path | None:
    """The sources.json that ``read_observations`` would use for ``path``, if any."""
    side = [path.with_name(path.name + ".sources.json"), path.with_name("sources.json")]
    return next((p for p in side if p.is_file()), None)


def _read_file(path: str, sheet: str | None = None) -> Any:
    """One observation file, read and validated; unreadable files and sources name themselves."""
    from .io import read_observations, read_sources

    side = _sources_beside(Path(path))
    if side is not None:
        _readable(side, read_sources)
    return _readable(path, lambda p: read_observations(p, sheet=0 if sheet is None else sheet))


def _read_data(args: argparse.Namespace) -> Any:
    """The ``--data`` files, the ``--data-vintage`` or the embedded samples."""
    from .data import Dataset

    if args.data:
        return Dataset.concat([_read_file(f, getattr(args, "sheet", None)) for f in args.data])
    vintage = getattr(args, "data_vintage", None)
    if vintage is None:
        from .io import load_sample

        return load_sample()
    from .store import load

    return load(vintage, root=args.data_dir)


def _load(args: argparse.Namespace) -> Any:
    """The data, narrowed to ``--years`` and ``--countries`` (an empty selection is invalid)."""
    data = _read_data(args)
    years = _years(args.years)
    countries = [c.strip() for c in args.countries.split(",")] if args.countries else None
    if not (years or countries):
        return data
    data = data.select(iso3=countries, years=years)
    if len(data) == 0:
        what = ([f"years {years[0]}-{years[1]}"] if years else [])
        what += [f"countries {','.join(countries)}"] if countries else []
        raise DataValidationError(f"the selection ({'; '.join(what)}) contains no observations")
    return data


def _check_vintage_args(args: argparse.Namespace) -> None:
    if getattr(args, "data_vintage", None) and getattr(args, "data", None):
        raise _Usage("--data and --data-vintage exclude each other: --data replaces the embedded "
                     "samples, --data-vintage updates them")


def _inputs(args: argparse.Namespace) -> list[Path]:
    """Every file the command reads: data files, their sources.json, the grid file."""
    files = [Path(f) for f in getattr(args, "data", []) or []]
    files += [s for s in (_sources_beside(f) for f in files) if s is not None]
    if getattr(args, "grid", None):
        files.append(Path(args.grid))
    return files


def _check_out(args: argparse.Namespace) -> None:
    """Refuse an ``--out`` that is (or whose sidecars or folder would hold) an input file."""
    from .export._files import same_file

    out = Path(args.out)
    for f in _inputs(args):
        sidecar = f.name.startswith(out.name + ".") and same_file(f.parent, out.parent)
        inside = out.resolve() in f.resolve().parents
        if same_file(f, out) or sidecar or inside:
            raise _Usage(f"--out {args.out} would overwrite the input {f}; choose another "
                         "output name (nothing was written)")


def _params(cls: type, items: Sequence[str]) -> dict[str, Any]:
    from .params import parse_param

    out = {}
    for it in items:
        if "=" not in it:
            raise _Usage(f"--set {it!r}: write PARAM=VALUE")
        k, v = it.split("=", 1)
        out[k.strip()] = parse_param(cls, k.strip(), v)
    return out


# ------------------------------------------------------------------------- commands
def _cmd_estimators(args: argparse.Namespace) -> int:
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


def _cmd_indicators(args: argparse.Namespace) -> int:
    from .indicators import VOCABULARY, available, load_plugin

    infos = available()
    w = max(len(n) for n in infos)
    for name, ind in VOCABULARY.items():  # the built-ins first, in their documented order
        flag = " [dyadic]" if ind.dyadic else ""
        print(f"{name:<{w}}  {ind.unit}{flag}")
    for name, info in infos.items():  # then the plugin indicators, with their distribution
        if info.builtin:
            continue
        try:
            plug = load_plugin(name)
            text = plug.unit + (" [dyadic]" if plug.dyadic else "")
        except Exception as err:  # a broken plugin is listed, not fatal
            text = f"(failed to load: {err})"
        print(f"{name:<{w}}  {text}  [{info.origin}]")
    return EXIT_OK


def _print_problems(f: str, err: DataValidationError) -> None:
    """``validate``'s report of one invalid file: every problem with its line and column."""
    failures = err.failures
    if failures is None:
        print(f"{f}: {err}")
        return
    print(f"{f}: {len(failures)} problem(s)")
    r: Any  # pandas-stubs types every itertuples() field as "any scalar"
    for r in failures.itertuples(index=False):
        where = f"line {r.line}" if r.line is not None and r.line == r.line else "file"
        val = "" if r.value is None or r.value != r.value else f" {r.value!r}"
        print(f"  {where}, column '{r.column}':{val} {r.reason} [{r.check}]")


def _cmd_validate(args: argparse.Namespace) -> int:
    """Check every file (an unreadable one does not stop the others); exit 3 if any is bad."""
    bad = 0
    for f in args.files:
        try:
            ds = _read_file(f, args.sheet)
        except (DataValidationError, FileNotFoundError) as err:
            bad += 1
            if isinstance(err, DataValidationError) and err.failures is not None:
                _print_problems(f, err)
            else:
                print(err if str(err).startswith(f) else f"{f}: {err}")
            continue
        print(f"{f}: OK ({len(ds):,} observations, {len(ds.indicators)} indicators, "
              f"fingerprint {ds.fingerprint[:12]})")
    return EXIT_DATA if bad else EXIT_OK


def _estimate(name: str, run: Callable[[], Any]) -> Any:
    """``run()``; any exception it raises is the estimator's failure (exit code 4)."""
    try:
        return run()
    except Exception as err:
        raise _EstimatorFailed(name, err) from err


def _cmd_run(args: argparse.Namespace) -> int:
    from .export import write
    from .registry import get

    cls = get(args.name)
    est = cls(**_params(cls, args.params))
    _check_out(args)
    data = _load(args)
    res = _estimate(args.name, lambda: est.estimate(data))
    paths = write(res, args.out, keep_formulas=args.keep_formulas)
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


def _estimators(names: Sequence[str], params: Sequence[str]) -> dict[str, Any]:
    """The chosen estimators; a ``--set`` parameter applies to every one that has it."""
    from .registry import get

    classes = {n: get(n) for n in names}
    fields = {n: set(getattr(cls, "__dataclass_fields__", {})) for n, cls in classes.items()}
    for s in params:
        if not any(s.split("=", 1)[0].strip() in f for f in fields.values()):
            raise _Usage(f"--set {s!r}: no chosen estimator has that parameter")
    ests = {}
    for n, cls in classes.items():
        mine = [s for s in params if s.split("=", 1)[0].strip() in fields[n]]
        ests[n] = cls(**_params(cls, mine))
    return ests


def _cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare
    from .export import write

    ests = _estimators(args.names, args.params)
    _check_out(args)
    data = _load(args)
    comp = _estimate(", ".join(args.names), lambda: compare(ests, data))
    paths = write(comp, args.out, keep_formulas=args.keep_formulas)
    print(f"compared {len(comp.results)} methods: {len(comp.long):,} estimates -> "
          f"{', '.join(str(p) for p in paths)}")
    for label, res in comp.results.items():
        _warn_years(str(label), res)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(Path(args.out))
    return EXIT_OK


def _check_multiverse_args(args: argparse.Namespace) -> None:
    out = Path(args.out)
    if out.suffix not in (".parquet", ".csv"):
        raise _Usage(f"--out {args.out}: end it in .parquet (a streamed Parquet dataset folder) "
                     "or .csv")
    if args.workers < 1:
        raise _Usage(f"--workers {args.workers}: at least 1")
    if args.top < 1:
        raise _Usage(f"--top {args.top}: at least 1")
    _check_out(args)


def _print_multiverse(mv: Any, written: Sequence[Path]) -> None:
    """The summary, every failed universe, and what moves the ranks most."""
    print(mv.summary())
    r: Any  # pandas-stubs types every itertuples() field as "any scalar"
    for r in mv.failures.itertuples(index=False):
        print(f"  FAILED universe {r.universe_id} ({r.method}): {r.error}")
    top = mv.drivers(on="rank") if (mv.manifest["status"] == "ok").any() else None
    if top is not None and len(top):
        for r in top[top["scope"] == "overall"].itertuples(index=False):
            print(f"  {r.family} {int(r.year) if r.year == r.year else ''}: ranks move most with "
                  f"{r.top_choice} ({100 * r.top_share:.0f}% of the spread), then "
                  f"{r.second_choice} ({100 * r.second_share:.0f}%)")
    print("Written: " + ", ".join(str(p) for p in written))


def _cmd_multiverse(args: argparse.Namespace) -> int:
    from .export import write
    from .multiverse import read_grid, run_multiverse

    _check_multiverse_args(args)
    out = Path(args.out)
    grid = read_grid(args.grid)
    data = _read_data(args)
    if len(data) == 0:
        raise DataValidationError("the data contain no observations")
    mv = run_multiverse(grid, data, scheduler=args.scheduler, address=args.address,
                        n_workers=args.workers, seed=args.seed,
                        out=out if out.suffix == ".parquet" else None,
                        progress=not args.no_progress)
    written = write(mv, out, top=args.top, keep_formulas=args.keep_formulas)
    _print_multiverse(mv, written)
    if not (mv.manifest["status"] == "ok").any():
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


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "data": _cmd_data,
    "estimators": _cmd_estimators,
    "indicators": _cmd_indicators,
    "validate": _cmd_validate,
    "run": _cmd_run,
    "compare": _cmd_compare,
    "demo": _cmd_demo,
    "multiverse": _cmd_multiverse,
}


def _exit_table() -> tuple[tuple[type[BaseException], int, str], ...]:
    """Exception type -> (exit code, message prefix); the first row that matches wins."""
    from .multiverse.grid import GridError

    return (
        (_Usage, EXIT_USAGE, ""),
        (ParameterError, EXIT_USAGE, ""),
        (RegistryError, EXIT_USAGE, ""),
        (GridError, EXIT_USAGE, ""),
        (ExportError, EXIT_USAGE, ""),
        (OutputError, EXIT_OUTPUT, ""),
        (DataValidationError, EXIT_DATA, "invalid data: "),
        (FileNotFoundError, EXIT_DATA, ""),
        (EstimatorError, EXIT_ESTIMATOR, "estimator failed: "),
        (_EstimatorFailed, EXIT_ESTIMATOR, ""),
        (SchedulerError, EXIT_ESTIMATOR, ""),
        (FetchError, EXIT_FETCH, ""),
    )


def exit_code(err: BaseException) -> tuple[int, str]:
    """The exit code of an exception and the line the CLI prints for it.

    Parameters
    ----------
    err : BaseException

    Returns
    -------
    tuple of (int, str)
        The code (:data:`EXIT_CODES`) and the message (without the ``burdenshare:`` prefix).
        Store errors carry their own ``exit_code`` (an unknown vintage 2, a failed fetch 5);
        any other file-system error is 6; anything unexpected is 1 and asks for a report.
    """
    for kind, code, prefix in _exit_table():
        if isinstance(err, kind):
            return int(getattr(err, "exit_code", code)), f"{prefix}{err}"
    if isinstance(err, BurdenshareError):
        return int(getattr(err, "exit_code", 1)), str(err)
    if isinstance(err, OSError):
        from .export._files import os_reason

        where = f"{err.filename}: " if err.filename else ""
        return EXIT_OUTPUT, f"{where}{os_reason(err)}"
    return 1, (f"unexpected error: {type(err).__name__}: {err} (run with --debug for the "
               "traceback and please report it)")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``burdenshare`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code (:data:`EXIT_CODES`).
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse prints its own message
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    try:
        _check_vintage_args(args)
        return _COMMANDS[args.command](args)
    except Exception as err:  # one table maps every error to its code; --debug shows it
        if args.debug:
            raise
        code, message = exit_code(err)
        print(f"burdenshare: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
