"""Derive burdenshare's embedded sample data from the shared reference data.

Run from anywhere::

    python data_samples/derive.py                # reads ../shared/data next to the repository
    python data_samples/derive.py --shared PATH  # reads another copy of the shared data

The script reads the shared CSV files (see ``shared/data/README.md`` for their provenance),
reshapes them into burdenshare's long observation format
(``iso3,year,indicator,value,unit,source,counterpart_iso3``), writes one file per source into
this folder together with two reference tables, ``sources.json`` and ``README.md``, and checks
its own invariants as it goes (it raises ``DerivationError`` on the first violation and writes
nothing further).

Rules it follows:

* nothing is invented, filled or imputed: an empty source cell produces no observation and a
  zero stays a zero;
* values are parsed as float64 and written with ``repr(float)`` (shortest exact round-trip
  text), so no precision is lost; WDI values are checked to be numerically identical to the
  source text;
* every CSV is read with ``keep_default_na=False, na_values=[""]`` so that codes such as
  Namibia's ISO2 ``NA`` or the UNHCR application code ``NA`` are not taken for missing values;
* output is deterministic: fixed column order, sorted rows, ``\\n`` line endings, UTF-8, gzip
  with ``mtime=0`` and an empty file name in the header.

Only the standard library, pandas and numpy are used.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import io
import json
import shutil
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

#: This folder (outputs are written here) and the repository root.
HERE = Path(__file__).resolve().parent
REPO = Path(__file__).resolve().parents[1]
#: Default location of the shared reference data: ``../shared/data`` next to the repository.
DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

#: How every CSV is read (keeps "NA" strings; only a truly empty cell is missing).
READ = {"keep_default_na": False, "na_values": [""]}

#: Observation columns, in this order (burdenshare.schemas.OBSERVATION_COLUMNS).
COLUMNS = ["iso3", "year", "indicator", "value", "unit", "source", "counterpart_iso3"]
#: Observation key (burdenshare.schemas.OBSERVATION_KEY); must be unique.
KEY = ["iso3", "counterpart_iso3", "year", "indicator", "source"]
#: Sort order of every observation file.
SORT = ["iso3", "year", "indicator", "source"]

#: Canonical unit of every indicator written here. Copied from burdenshare/indicators.py and
#: cross-checked against that file at run time (a mismatch stops the script).
UNITS = {
    "refugees": "persons",
    "asylum_seekers": "persons",
    "oip": "persons",
    "idps": "persons",
    "stateless": "persons",
    "unrwa_refugees": "persons",
    "resettlement_arrivals": "persons",
    "naturalisations": "persons",
    "asylum_applications": "persons",
    "asylum_applications_cases": "cases",
    "asylum_applications_new": "persons",
    "population": "persons",
    "land_area_km2": "km2",
    "surface_area_km2": "km2",
    "gdp_usd_current": "USD current",
    "gdp_per_capita_usd_current": "USD current per person",
    "gdp_ppp_per_capita_intl_current": "international $ current (PPP) per person",
    "gni_atlas_usd_current": "USD current",
    "gni_per_capita_atlas_usd_current": "USD current per person",
    "unemployment_rate": "percent of labour force",
    "oda_received_usd_current": "USD current",
    "wb_income_group": "code",
}
#: Indicators whose values may legitimately be negative (net ODA received can be negative).
MAY_BE_NEGATIVE = {"oda_received_usd_current"}

#: Source ids (keys of sources.json).
SRC_UNHCR = "unhcr_refugee_statistics_2025_12_1"
SRC_UNRWA = "unrwa_via_unhcr_2025_12_1"
SRC_WDI = "wb_wdi_2026_07_01"
SRC_INCOME = "wb_income_history_gapminder_v8"

UNHCR_COMMIT = "0c16a6d0c2f37d8578f9b9e3d1e4459efe850398"
WDI_COMMIT = "4ebec5a2273f531ba238a34dbe440394dc5a6c4b"
FASTTRACK_COMMIT = "10e24e0e54b7c228642260f3b93d3d94131e23a5"

#: Licence and attribution, from shared/data/README.md sections 1, 2 and 4.
SOURCES = {
    SRC_UNHCR: {
        "id": SRC_UNHCR,
        "title": "UNHCR Refugee Population Statistics (Refugee Data Finder)",
        "publisher": "UNHCR",
        "url": "https://www.unhcr.org/refugee-statistics/",
        "licence": "CC BY 4.0",
        "retrieved": "2026-06-25",
        "vintage": "refugees R package 2025.12.1 (Global Trends 2025 release), "
        f"PopulationStatistics/refugees commit {UNHCR_COMMIT} (2026-06-25)",
        "derivation": "unhcr_population.csv.gz reshapes the shared "
        "unhcr_population_by_asylum_year.csv (refugees, asylum_seekers, oip, idps, stateless; "
        "empty oip cells dropped); unhcr_solutions.csv.gz reshapes the non-empty cells of "
        "unhcr_resettlement_naturalisation_by_destination_year.csv; "
        "unhcr_asylum_applications.csv.gz sums the shared unhcr_asylum_applications.csv.gz over "
        "origins, procedures and application types by country of asylum and year, separately "
        "for persons (P) and cases (C), and separately for new applications in persons "
        "(app_type N).",
    },
    SRC_UNRWA: {
        "id": SRC_UNRWA,
        "title": "Palestine refugees registered with UNRWA, as republished in UNHCR's "
        "Refugee Data Finder",
        "publisher": "UNRWA (figures republished by UNHCR)",
        "url": "https://www.unhcr.org/refugee-statistics/",
        "licence": "CC BY 4.0",
        "retrieved": "2026-06-25",
        "vintage": "refugees R package 2025.12.1 (Global Trends 2025 release), data/unrwa.rda, "
        f"PopulationStatistics/refugees commit {UNHCR_COMMIT} (2026-06-25)",
        "derivation": "unhcr_unrwa.csv.gz takes the shared unhcr_unrwa_palestine_refugees.csv "
        "(origin always PSE, one row per field of operation and year) and sums `total` by "
        "coa_iso and year, which is a one-to-one copy; the 2025 row with unknown field (UNK) "
        "is kept.",
    },
    SRC_WDI: {
        "id": SRC_WDI,
        "title": "World Development Indicators",
        "publisher": "World Bank",
        "url": "https://github.com/datasets/world-development-indicators",
        "licence": "CC BY 4.0",
        "retrieved": "2026-07-01",
        "vintage": "WDI via datasets/world-development-indicators commit "
        f"{WDI_COMMIT} (2026-07-01)",
        "derivation": "wdi.csv.gz keeps the economy rows (is_aggregate == False) of ten "
        "indicator codes of the shared wdi_country_year_long.csv.gz, renames the codes to "
        "burdenshare indicator names and copies the values exactly; the aggregate codes and "
        "names go to wb_aggregates.csv.",
    },
    SRC_INCOME: {
        "id": SRC_INCOME,
        "title": "World Bank historical income classification "
        "(Gapminder fasttrack concept ilevels4_wb)",
        "publisher": "Gapminder, based on the World Bank's historical income classification",
        "url": "https://github.com/open-numbers/ddf--gapminder--fasttrack",
        "licence": "CC BY 4.0",
        "retrieved": "2026-07-15",
        "vintage": "Gapminder fasttrack concept ilevels4_wb v8 (July 31 2025), "
        f"open-numbers/ddf--gapminder--fasttrack commit {FASTTRACK_COMMIT} (2026-07-15)",
        "derivation": "wb_income_groups.csv.gz maps wb_income_group of the shared "
        "wb_income_group_by_year.csv to integer codes (Low income 1, Lower middle income 2, "
        "Upper middle income 3, High income 4) per iso3 and year; any other label stops the "
        "derivation.",
    },
}

#: Attribution text per source, printed in README.md.
ATTRIBUTION = {
    SRC_UNHCR: "Source: UNHCR Refugee Data Finder (https://www.unhcr.org/refugee-statistics/), "
    "`refugees` R package 2025.12.1, licensed CC BY 4.0. Reshaped and aggregated by burdenshare.",
    SRC_UNRWA: "Source: UNRWA, Palestine refugees registered with UNRWA, as published in the UNHCR "
    "Refugee Data Finder (https://www.unhcr.org/refugee-statistics/), `refugees` R package "
    "2025.12.1, licensed CC BY 4.0. Reshaped by burdenshare.",
    SRC_WDI: "Source: World Bank, World Development Indicators (via the datasets/"
    "world-development-indicators mirror, 2026-07-01), licensed CC BY 4.0. Reshaped by "
    "burdenshare.",
    SRC_INCOME: "Source: Gapminder, World Bank income groups (fasttrack concept ilevels4_wb v8, "
    "based on the World Bank historical classification by GNI per capita, Atlas method), "
    "licensed CC BY 4.0. Recoded to integers by burdenshare.",
}

#: WDI indicator code -> burdenshare indicator name.
WDI_MAP = {
    "SP.POP.TOTL": "population",
    "AG.LND.TOTL.K2": "land_area_km2",
    "AG.SRF.TOTL.K2": "surface_area_km2",
    "NY.GDP.MKTP.CD": "gdp_usd_current",
    "NY.GDP.PCAP.CD": "gdp_per_capita_usd_current",
    "NY.GDP.PCAP.PP.CD": "gdp_ppp_per_capita_intl_current",
    "NY.GNP.ATLS.CD": "gni_atlas_usd_current",
    "NY.GNP.PCAP.CD": "gni_per_capita_atlas_usd_current",
    "SL.UEM.TOTL.ZS": "unemployment_rate",
    "DT.ODA.ODAT.CD": "oda_received_usd_current",
}

#: World Bank income group label -> code (burdenshare.indicators.INCOME_GROUPS).
INCOME_CODES = {
    "Low income": 1,
    "Lower middle income": 2,
    "Upper middle income": 3,
    "High income": 4,
}

#: UNHCR population columns -> indicator names (the column names are already canonical).
UNHCR_POP_MAP = {c: c for c in ["refugees", "asylum_seekers", "oip", "idps", "stateless"]}
#: UNHCR solutions columns -> indicator names.
UNHCR_SOL_MAP = {
    "resettlement_arrivals": "resettlement_arrivals",
    "naturalisations": "naturalisations",
}

#: Codes that occur in the observations but not in country_codes.csv, with what burdenshare does
#: with them. Any other such code stops the script (a new vintage must be looked at by a human).
CODES_NOT_IN_CODE_TABLE = {
    "UNK": "UNHCR 'unknown' country; burdenshare.countries tags it as entity type 'unknown' "
    "(never ranked or summed with countries)",
    "XKX": "Kosovo (World Bank code, no ISO 3166 code); burdenshare.countries treats it as a "
    "country (World Bank economy without an ISO code)",
    "CHI": "Channel Islands (World Bank economy without an ISO 3166 code); not in "
    "country_codes.csv; burdenshare.countries treats it as a country (World Bank economy "
    "without an ISO code). Beware: `CHI` is also UNHCR's own code for China (ISO `CHN`) in "
    "country_codes.csv's `unhcr_code` column; the `CHI` in wdi.csv.gz is the World Bank's "
    "Channel Islands and must never be converted with the UNHCR-code mapping",
}

#: Expected observation rows per (file, indicator) for the shared data vintage documented in
#: sources.json. The script also recomputes each count independently from the source cells;
#: this table only makes an unnoticed change of vintage or logic fail loudly. Update it (after
#: review) when the shared data are refreshed.
EXPECTED_ROWS = {
    "unhcr_population.csv.gz": {
        "refugees": 7802,
        "asylum_seekers": 7802,
        "oip": 155,
        "idps": 7802,
        "stateless": 7802,
    },
    "unhcr_unrwa.csv.gz": {"unrwa_refugees": 296},
    "unhcr_solutions.csv.gz": {"resettlement_arrivals": 794, "naturalisations": 530},
    "unhcr_asylum_applications.csv.gz": {
        "asylum_applications": 3699,
        "asylum_applications_new": 2752,
        "asylum_applications_cases": 193,
    },
    "wdi.csv.gz": {
        "population": 14292,
        "land_area_km2": 12349,
        "surface_area_km2": 13434,
        "gdp_usd_current": 11762,
        "gdp_per_capita_usd_current": 11762,
        "gdp_ppp_per_capita_intl_current": 6831,
        "gni_atlas_usd_current": 10617,
        "gni_per_capita_atlas_usd_current": 10617,
        "unemployment_rate": 6531,
        "oda_received_usd_current": 8907,
    },
    "wb_income_groups.csv.gz": {"wb_income_group": 7486},
}


class DerivationError(RuntimeError):
    """An invariant of the derivation does not hold; nothing after it is written."""


def require(condition: bool, message: str) -> None:
    """Fail loudly (not with ``assert``, which ``python -O`` would skip)."""
    if not condition:
        raise DerivationError(message)


# --------------------------------------------------------------------------------------------
# Bookkeeping: every output records its inputs and derivation steps for README.md
# --------------------------------------------------------------------------------------------


@dataclass
class Output:
    name: str
    kind: str  # "observations" or "reference"
    sources: list[str]
    inputs: list[str]
    steps: list[str] = field(default_factory=list)
    frame: pd.DataFrame | None = None  # observations as written (for the README statistics)
    rows: int = 0
    sha256: str = ""
    sha256_csv: str = ""  # sha256 of the uncompressed CSV text (independent of zlib)
    size: int = 0

    def step(self, text: str) -> None:
        self.steps.append(text)


OUTPUTS: list[Output] = []
NOTES: list[str] = []  # data surprises found while deriving (printed in README.md)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


# --------------------------------------------------------------------------------------------
# Checks and writers
# --------------------------------------------------------------------------------------------


def check_vocabulary() -> None:
    """Cross-check UNITS against burdenshare/indicators.py (loaded by path; stdlib only)."""
    path = REPO / "burdenshare" / "indicators.py"
    require(path.is_file(), f"{path} not found: derive.py must run inside the repository")
    spec = importlib.util.spec_from_file_location("_burdenshare_indicators_for_derive", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building classes
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    vocab = module.VOCABULARY
    for name, unit in UNITS.items():
        require(name in vocab, f"indicator {name!r} is not in burdenshare/indicators.py")
        require(
            vocab[name].unit == unit,
            f"unit of {name!r}: derive.py says {unit!r}, indicators.py says {vocab[name].unit!r}",
        )
        require(
            not vocab[name].dyadic,
            f"{name!r} is dyadic in indicators.py; derive.py writes it without counterpart",
        )
    require(
        dict(module.INCOME_GROUPS) == {v: k for k, v in INCOME_CODES.items()},
        "INCOME_GROUPS in indicators.py differs from derive.py's INCOME_CODES",
    )


def format_value(v: float) -> str:
    """Full-precision text of a float64: Python's shortest round-trip repr (e.g. ``2940735.0``)."""
    return repr(float(v))


def observations(iso3, year, indicator: str, value, source: str) -> pd.DataFrame:
    """Assemble an observation frame in the fixed column order (counterpart empty)."""
    n = len(iso3)
    return pd.DataFrame(
        {
            "iso3": pd.Series(np.asarray(iso3, dtype=object), dtype="str"),
            "year": pd.Series(np.asarray(year), dtype="int64"),
            "indicator": pd.Series([indicator] * n, dtype="str"),
            "value": pd.Series(np.asarray(value, dtype="float64"), dtype="float64"),
            "unit": pd.Series([UNITS[indicator]] * n, dtype="str"),
            "source": pd.Series([source] * n, dtype="str"),
            "counterpart_iso3": pd.Series([""] * n, dtype="str"),
        }
    )


def validate_observations(df: pd.DataFrame, name: str) -> None:
    """Every invariant an observation file must satisfy."""
    require(list(df.columns) == COLUMNS, f"{name}: columns {list(df.columns)} != {COLUMNS}")
    require(len(df) > 0, f"{name}: no rows")
    bad_iso3 = sorted(set(df["iso3"][~df["iso3"].str.fullmatch(r"[A-Z]{3}")]))
    require(not bad_iso3, f"{name}: iso3 not three upper-case letters: {bad_iso3}")
    require(df["year"].between(1900, 2100).all(), f"{name}: year outside 1900-2100")
    unknown = sorted(set(df["indicator"]) - set(UNITS))
    require(not unknown, f"{name}: indicators not in the vocabulary: {unknown}")
    require(
        (df["unit"] == df["indicator"].map(UNITS)).all(), f"{name}: unit differs from vocabulary"
    )
    require(df["source"].isin(list(SOURCES)).all(), f"{name}: unknown source id")
    require((df["counterpart_iso3"] == "").all(), f"{name}: counterpart_iso3 must be empty")
    values = df["value"].to_numpy(dtype="float64")
    # no missing values are written at all (empty source cells produce no row), and all finite
    require(bool(np.isfinite(values).all()), f"{name}: non-finite or missing value")
    negative = (values < 0) & ~df["indicator"].isin(MAY_BE_NEGATIVE).to_numpy()
    require(
        not negative.any(), f"{name}: negative values in {sorted(set(df['indicator'][negative]))}"
    )
    dup = df.duplicated(KEY, keep=False)
    require(not dup.any(), f"{name}: duplicate keys, e.g. {df[dup].head(4).to_dict('records')}")


def check_unhcr_counts(df: pd.DataFrame, name: str) -> None:
    """UNHCR counts are whole numbers, exactly representable, and never 1-4 (masking)."""
    v = df["value"].to_numpy(dtype="float64")
    require(bool((v == np.round(v)).all()), f"{name}: UNHCR count that is not a whole number")
    require(bool((np.abs(v) < 2**53).all()), f"{name}: count too large for exact float64")
    masked = (v > 0) & (v < 5)
    require(not masked.any(), f"{name}: value between 1 and 4 found (README claims none)")


def check_row_counts(out: Output, df: pd.DataFrame, recomputed: dict[str, int]) -> None:
    """Rows per indicator equal the independent recomputation and the pinned expectation."""
    got = df["indicator"].value_counts().to_dict()
    require(got == recomputed, f"{out.name}: rows per indicator {got} != recomputed {recomputed}")
    pinned = EXPECTED_ROWS.get(out.name)
    if pinned is not None:
        require(
            got == pinned,
            f"{out.name}: rows per indicator {got} != pinned {pinned} "
            "(shared data vintage changed? review, then update EXPECTED_ROWS)",
        )


def csv_text(df: pd.DataFrame) -> str:
    """Deterministic CSV text: fixed columns, '\\n' line ends, values via repr(float)."""
    text_frame = df.copy()
    text_frame["value"] = [format_value(v) for v in df["value"].to_numpy(dtype="float64")]
    return text_frame.to_csv(index=False, lineterminator="\n")


def write_bytes(path: Path, text: str) -> bytes:
    """Write UTF-8 text, gzip-compressed with mtime=0 and no file name if the path ends in .gz."""
    raw = text.encode("utf-8")
    if path.suffix == ".gz":
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
            gz.write(raw)
        data = buf.getvalue()
    else:
        data = raw
    path.write_bytes(data)
    return raw


def write_observations(out: Output, df: pd.DataFrame, outdir: Path) -> None:
    """Validate, sort, write, re-read and compare one observation file."""
    validate_observations(df, out.name)
    # sort rows by iso3, year, indicator, source (a total order: the key is unique)
    df = df.sort_values(SORT, kind="mergesort").reset_index(drop=True)
    out.step(
        "Rows sorted by iso3, year, indicator, source; columns in the fixed order "
        "`" + ",".join(COLUMNS) + "`; values written as Python `repr(float)` (full precision, "
        "e.g. `2940735.0`); UTF-8, `\\n` line endings"
        + ("; gzip with mtime 0." if out.name.endswith(".gz") else ".")
    )
    path = outdir / out.name
    raw = write_bytes(path, csv_text(df))
    # read the file back exactly as a user would and compare with what was meant to be written
    back = pd.read_csv(
        path,
        dtype={"iso3": str, "indicator": str, "unit": str, "source": str, "counterpart_iso3": str},
        **READ,
    )
    require(list(back.columns) == COLUMNS, f"{out.name}: header changed on re-read")
    require(len(back) == len(df), f"{out.name}: row count changed on re-read")
    require(
        bool((back["value"].to_numpy() == df["value"].to_numpy()).all()),
        f"{out.name}: values changed on re-read",
    )
    for col in ["iso3", "indicator", "unit", "source"]:
        require(
            bool((back[col].to_numpy() == df[col].to_numpy()).all()), f"{out.name}: {col} changed"
        )
    require(
        bool((back["year"].to_numpy() == df["year"].to_numpy()).all()), f"{out.name}: year changed"
    )
    require(
        bool(back["counterpart_iso3"].isna().all()), f"{out.name}: counterpart not empty on re-read"
    )
    out.frame, out.rows = df, len(df)
    out.sha256, out.sha256_csv, out.size = sha256_file(path), sha256_bytes(raw), path.stat().st_size
    print(f"{out.name}: {len(df)} rows, {out.size} bytes")


# --------------------------------------------------------------------------------------------
# Derivations (one function per output file)
# --------------------------------------------------------------------------------------------


def read_csv(shared: Path, name: str, **kwargs) -> pd.DataFrame:
    path = shared / name
    require(path.is_file(), f"input {path} not found (use --shared PATH)")
    return pd.read_csv(path, **READ, **kwargs)


def nonempty_counts(raw: pd.DataFrame, columns: dict[str, str]) -> dict[str, int]:
    """Number of non-empty source cells per column (recomputed from the text, for checks)."""
    counts = {columns[c]: int(raw[c].notna().sum()) for c in columns}
    return {k: v for k, v in counts.items() if v > 0}


def melt_nonempty(df: pd.DataFrame, columns: dict[str, str], source: str) -> pd.DataFrame:
    """Wide country-year table -> observations, one per NON-EMPTY cell (empty = no row)."""
    frames = []
    for col, indicator in columns.items():
        keep = df[col].notna()
        part = df.loc[keep]
        frames.append(observations(part["iso3"], part["year"], indicator, part[col], source))
    return pd.concat(frames, ignore_index=True)


def derive_unhcr_population(shared: Path, outdir: Path) -> None:
    name = "unhcr_population_by_asylum_year.csv"
    out = Output("unhcr_population.csv.gz", "observations", [SRC_UNHCR], [name])
    # 1. read the country-of-asylum x year stock table
    src = read_csv(shared, name)
    out.step(
        f"Read `{name}` with `keep_default_na=False, na_values=['']` ({len(src)} rows; one row "
        "per country of asylum and year, already summed over origins in the shared data)."
    )
    # 2. the table must be unique on (iso3, year), otherwise melting would create duplicate keys
    require(not src.duplicated(["iso3", "year"]).any(), f"{name}: duplicate (iso3, year)")
    out.step("Checked that (iso3, year) is unique in the source (no de-duplication needed).")
    # 3. keep the five stock columns; each non-empty cell becomes one observation
    out.step(
        "Took columns `refugees`, `asylum_seekers`, `oip`, `idps`, `stateless` as indicators "
        "of the same names (unit `persons`); one observation per non-empty cell. `oip` is empty "
        "before 2018 and for most countries: those cells produce no observation (they are NOT "
        "zeros). Zeros in the other columns are real zeros in the source and are kept."
    )
    require(
        bool(src.loc[src["year"] < 2018, "oip"].isna().all()),
        f"{name}: oip has values before 2018 (README says it is empty before 2018)",
    )
    obs = melt_nonempty(src, UNHCR_POP_MAP, SRC_UNHCR)
    # 4. UNK (unknown country of asylum) rows are kept as they are
    n_unk = int((obs["iso3"] == "UNK").sum())
    out.step(
        f"Rows with iso3 `UNK` (unknown country of asylum) kept unchanged ({n_unk} observations); "
        "burdenshare tags them as non-countries."
    )
    # 5. checks
    raw = pd.read_csv(shared / name, dtype=str, **READ)
    check_row_counts(out, obs, nonempty_counts(raw, UNHCR_POP_MAP))
    check_unhcr_counts(obs, out.name)
    out.step(
        "Checked: rows per indicator = non-empty source cells; all values whole numbers, none "
        "between 1 and 4; no duplicate keys; all values finite and non-negative."
    )
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_unhcr_unrwa(shared: Path, outdir: Path) -> None:
    name = "unhcr_unrwa_palestine_refugees.csv"
    out = Output("unhcr_unrwa.csv.gz", "observations", [SRC_UNRWA], [name])
    # 1. read the UNRWA table (origin x field of operation x year)
    src = read_csv(shared, name)
    out.step(
        f"Read `{name}` ({len(src)} rows: origin x UNRWA field of operation (`coa_iso`) x year)."
    )
    # 2. the origin is always Palestine, so there is no origin dimension to sum over
    origins = sorted(set(src["coo_iso"]))
    require(origins == ["PSE"], f"{name}: origins {origins}, expected only PSE")
    require(src["total"].notna().all(), f"{name}: empty total")
    per_key = src.groupby(["coa_iso", "year"]).size()
    require(int(per_key.max()) == 1, f"{name}: several rows per coa_iso x year")
    out.step(
        "Checked: origin (`coo_iso`) is always `PSE`, `total` is never empty, and there is exactly "
        "one row per `coa_iso` x year, so the sum by `coa_iso` x year is a one-to-one copy."
    )
    # 3. sum by field of operation and year (a copy here, see step 2); min_count=1: no invented 0
    agg = src.groupby(["coa_iso", "year"], as_index=False)["total"].sum(min_count=1)
    require(int(agg["total"].sum()) == int(src["total"].sum()), f"{name}: total changed by the sum")
    obs = observations(agg["coa_iso"], agg["year"], "unrwa_refugees", agg["total"], SRC_UNRWA)
    out.step(
        "`total` summed by `coa_iso` x year into indicator `unrwa_refugees` (unit `persons`); "
        "grand total checked unchanged."
    )
    # 4. note the unknown-field row
    unk = src[src["coa_iso"] == "UNK"]
    if len(unk):
        out.step(
            f"Kept {len(unk)} row(s) with `coa_iso` `UNK` (field of operation unknown): "
            + ", ".join(f"{r.year}: {int(r.total):,}" for r in unk.itertuples())
            + ". They are not part of any field's count."
        )
        NOTES.append(
            "UNRWA: the source has a row with unknown field of operation (`UNK`) for "
            + ", ".join(f"{r.year} ({int(r.total):,} persons)" for r in unk.itertuples())
            + "; it is kept as an `UNK` observation, so per-field counts for those years "
            "exclude it."
        )
        # how much each field changed from the previous year (the UNK row is not attributed)
        for r in unk.itertuples():
            prev = src[(src["year"] == r.year - 1) & (src["coa_iso"] != "UNK")].set_index(
                "coa_iso"
            )["total"]
            cur = src[(src["year"] == r.year) & (src["coa_iso"] != "UNK")].set_index("coa_iso")[
                "total"
            ]
            change = ", ".join(
                f"{c} {int(prev[c]):,} → {int(cur[c]):,}"
                for c in sorted(set(prev.index) & set(cur.index))
            )
            NOTES.append(
                f"UNRWA {r.year - 1} → {r.year} by field: {change}; total "
                f"{int(prev.sum()):,} → {int(cur.sum()) + int(r.total):,} including `UNK`. "
                f"Part of the {r.year} total is not attributed to a field, so per-field {r.year} "
                "values may not be comparable with earlier years."
            )
    missing_first = {c: int(g["year"].min()) for c, g in src.groupby("coa_iso") if c != "UNK"}
    if len(set(missing_first.values())) > 1:
        NOTES.append(
            "UNRWA: first year differs by field of operation: "
            + ", ".join(f"{c} {y}" for c, y in sorted(missing_first.items()))
            + " (no value is filled for the missing years)."
        )
    # 5. checks
    check_row_counts(out, obs, {"unrwa_refugees": len(src)})
    check_unhcr_counts(obs, out.name)
    out.step("Checked: rows = source rows; whole numbers; no duplicate keys; all values finite.")
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_unhcr_solutions(shared: Path, outdir: Path) -> None:
    name = "unhcr_resettlement_naturalisation_by_destination_year.csv"
    out = Output("unhcr_solutions.csv.gz", "observations", [SRC_UNHCR], [name])
    # 1. read the destination x year solutions table
    src = read_csv(shared, name)
    out.step(
        f"Read `{name}` ({len(src)} rows; destination country x year, already summed over "
        "origins in the shared data)."
    )
    require(not src.duplicated(["iso3", "year"]).any(), f"{name}: duplicate (iso3, year)")
    out.step("Checked that (iso3, year) is unique in the source.")
    # 2. one observation per non-empty cell
    obs = melt_nonempty(src, UNHCR_SOL_MAP, SRC_UNHCR)
    out.step(
        "Columns `resettlement_arrivals` and `naturalisations` became indicators of the same names "
        "(unit `persons`, flows during the year); one observation per NON-EMPTY cell "
        f"(empty cells: {int(src['resettlement_arrivals'].isna().sum())} resettlement, "
        f"{int(src['naturalisations'].isna().sum())} naturalisation — no observation, not zero)."
    )
    # 3. checks
    raw = pd.read_csv(shared / name, dtype=str, **READ)
    check_row_counts(out, obs, nonempty_counts(raw, UNHCR_SOL_MAP))
    check_unhcr_counts(obs, out.name)
    out.step(
        "Checked: rows per indicator = non-empty source cells; whole numbers, none between 1 "
        "and 4; no duplicate keys; all values finite and non-negative."
    )
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_unhcr_asylum_applications(shared: Path, outdir: Path) -> None:
    name = "unhcr_asylum_applications.csv.gz"
    out = Output("unhcr_asylum_applications.csv.gz", "observations", [SRC_UNHCR], [name])
    # 1. read; `NA` is a real app_type / dec_level code, so only empty cells are missing
    src = read_csv(
        shared,
        name,
        dtype={
            "app_type": str,
            "dec_level": str,
            "app_pc": str,
            "procedure_type": str,
            "coa_iso": str,
        },
    )
    out.step(
        f"Read `{name}` ({len(src)} rows: origin x asylum x procedure type x application type x "
        "decision level x persons/cases x year) with `keep_default_na=False` so that the code "
        "`NA` survives."
    )
    require(src["applied"].notna().all(), f"{name}: empty `applied` cell")
    require(src["coa_iso"].notna().all(), f"{name}: empty coa_iso")
    procedures = sorted(set(src["procedure_type"]))
    require(procedures == ["G", "J", "U"], f"{name}: procedure types {procedures}")
    labels = sorted(set(src["app_pc"]))
    require(labels == ["C", "P"], f"{name}: app_pc labels {labels}, expected C and P")
    out.step("Checked: `applied` is never empty; `app_pc` is only `P` (persons) or `C` (cases).")
    # 2. sum over origins, procedure types, application types and decision levels, separately for
    #    persons and cases (never P + C)
    frames, recomputed = [], {}
    for pc, indicator in [("P", "asylum_applications"), ("C", "asylum_applications_cases")]:
        part = src[src["app_pc"] == pc]
        agg = part.groupby(["coa_iso", "year"], as_index=False)["applied"].sum(min_count=1)
        require(
            int(agg["applied"].sum()) == int(part["applied"].sum()), f"{name}: {pc} total changed"
        )
        frames.append(
            observations(agg["coa_iso"], agg["year"], indicator, agg["applied"], SRC_UNHCR)
        )
        recomputed[indicator] = int(part[["coa_iso", "year"]].drop_duplicates().shape[0])
    # new applications only (persons): app_type "N"; coded inconsistently across countries
    new = src[(src["app_pc"] == "P") & (src["app_type"] == "N")]
    agg = new.groupby(["coa_iso", "year"], as_index=False)["applied"].sum(min_count=1)
    require(int(agg["applied"].sum()) == int(new["applied"].sum()), f"{name}: N total changed")
    frames.append(observations(agg["coa_iso"], agg["year"], "asylum_applications_new",
                               agg["applied"], SRC_UNHCR))
    recomputed["asylum_applications_new"] = int(new[["coa_iso", "year"]].drop_duplicates().shape[0])
    obs = pd.concat(frames, ignore_index=True)
    out.step(
        "Rows with `app_pc == 'P'` and `app_type == 'N'` (new applications) summed the same way "
        "into `asylum_applications_new` (persons). UNHCR codes application types inconsistently "
        "(e.g. Austria 2010-2013 uses NR/NA, Romania 2010-2012 NR/R), so some country-years have "
        "no such observation: none is invented."
    )
    out.step(
        "Rows with `app_pc == 'P'` summed by `coa_iso` x year over all origins, procedure types "
        "(G, U, J), application types and decision levels into `asylum_applications` (unit "
        "`persons`); rows with `app_pc == 'C'` likewise into `asylum_applications_cases` (unit "
        "`cases`). Persons and cases are never added together; grand totals checked unchanged."
    )
    both = obs.groupby(["iso3", "year"])["indicator"].nunique()
    n_both = int((both > 1).sum())
    out.step(
        f"{n_both} country-years have both a persons and a cases observation (countries reporting "
        "part of their applications in cases); both are kept, side by side."
    )
    out.step(
        "Caveat: the sum includes all application types (new, repeat, appeal, ...), as UNHCR "
        "codes `app_type` inconsistently across countries and years; a person who applies and "
        "appeals in the same year can be counted twice."
    )
    # 3. checks
    check_row_counts(out, obs, recomputed)
    check_unhcr_counts(obs, out.name)
    out.step(
        "Checked: rows per indicator = distinct (coa_iso, year) per P/C; whole numbers, none "
        "between 1 and 4; no duplicate keys; all values finite and non-negative."
    )
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def derive_wdi(shared: Path, outdir: Path) -> None:
    name = "wdi_country_year_long.csv.gz"
    out = Output("wdi.csv.gz", "observations", [SRC_WDI], [name])
    agg_out = Output("wb_aggregates.csv", "reference", [SRC_WDI], [name])
    # 1. read as text, so the source digits can be compared with what is written
    src = read_csv(shared, name, dtype=str)
    out.step(
        f"Read `{name}` as text ({len(src)} rows, 30 WDI indicator codes, economies and World "
        "Bank aggregates)."
    )
    flags = sorted(set(src["is_aggregate"]))
    require(flags == ["False", "True"], f"{name}: is_aggregate values {flags}")
    require(src["value"].notna().all(), f"{name}: empty value cell")
    require(not src.duplicated(["indicator_code", "iso3", "year"]).any(), f"{name}: duplicate keys")
    is_agg = src["is_aggregate"] == "True"
    both = sorted(set(src.loc[is_agg, "iso3"]) & set(src.loc[~is_agg, "iso3"]))
    require(not both, f"{name}: codes flagged both aggregate and economy: {both}")
    out.step(
        "Checked: `is_aggregate` is only True/False and constant per code; `value` is never "
        "empty; (indicator_code, iso3, year) is unique."
    )
    # 2. aggregates (regions, income groups, ...) -> reference table, not observations
    aggs = src.loc[is_agg, ["iso3", "country_name"]].drop_duplicates()
    require(not aggs["iso3"].duplicated().any(), f"{name}: an aggregate code has several names")
    aggs = aggs.rename(columns={"iso3": "code", "country_name": "name"}).sort_values("code")
    agg_out.step(
        f"From `{name}`: distinct (`iso3`, `country_name`) of all rows with `is_aggregate == "
        f"True`, over all 30 indicator codes; renamed to `code,name`; one name per code "
        f"(checked); sorted by code; {len(aggs)} codes."
    )
    # 3. economies only, the ten mapped indicator codes, renamed to burdenshare names
    keep = ~is_agg & src["indicator_code"].isin(list(WDI_MAP))
    part = src.loc[keep].copy()
    out.step(
        "Kept rows with `is_aggregate == False` (economies; aggregates go to `wb_aggregates.csv`) "
        "and indicator codes "
        + ", ".join(f"`{c}`→`{n}`" for c, n in WDI_MAP.items())
        + "; units from burdenshare's vocabulary. All years kept."
    )
    # 4. values: float64 parse; the written repr must be numerically identical to the source text
    text = part["value"].to_numpy(dtype=object)
    values = np.array([float(t) for t in text], dtype="float64")
    exact = [Decimal(t) == Decimal(repr(float(v))) for t, v in zip(text, values)]
    require(all(exact), f"{name}: {exact.count(False)} values not exactly representable as written")
    changed_text = sum(1 for t, v in zip(text, values) if repr(float(v)) != t)
    out.step(
        f"Parsed values as float64 and checked for ALL {len(text)} values that the written text "
        "`repr(float(value))` is numerically identical to the source text (no value has more "
        "significant digits than float64 keeps); "
        f"{changed_text} values differ only in spelling (e.g. source `180` → `180.0`, "
        "`4.03937199083242E-06` → `4.03937199083242e-06`)."
    )
    # one indicator name and unit per row (several indicators in one frame)
    indicators = part["indicator_code"].map(WDI_MAP).to_numpy(dtype=object)
    obs = pd.DataFrame(
        {
            "iso3": pd.Series(part["iso3"].to_numpy(dtype=object), dtype="str"),
            "year": pd.Series(part["year"].astype("int64").to_numpy(), dtype="int64"),
            "indicator": pd.Series(indicators, dtype="str"),
            "value": pd.Series(values, dtype="float64"),
            "unit": pd.Series([UNITS[i] for i in indicators], dtype="str"),
            "source": pd.Series([SRC_WDI] * len(part), dtype="str"),
            "counterpart_iso3": pd.Series([""] * len(part), dtype="str"),
        }
    )
    n_neg = int((obs["value"] < 0).sum())
    out.step(
        f"Negative values kept where the concept allows them: {n_neg} negative "
        "`oda_received_usd_current` (net ODA received can be negative)."
    )
    # 5. checks
    recomputed = {WDI_MAP[c]: int(n) for c, n in part["indicator_code"].value_counts().items()}
    check_row_counts(out, obs, recomputed)
    out.step(
        "Checked: rows per indicator = source economy rows per code; no duplicate keys; all "
        "values finite; no negative value outside net ODA."
    )
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)
    # 6. write the aggregate table (plain CSV: read by burdenshare.countries)
    path = outdir / agg_out.name
    raw = write_bytes(path, aggs.to_csv(index=False, lineterminator="\n"))
    back = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    require(back.equals(aggs.reset_index(drop=True)), f"{agg_out.name}: changed on re-read")
    agg_out.rows, agg_out.sha256, agg_out.sha256_csv = (
        len(aggs),
        sha256_file(path),
        sha256_bytes(raw),
    )
    agg_out.size = path.stat().st_size
    agg_out.step("Written as plain CSV (UTF-8, `\\n`, names containing commas are quoted).")
    OUTPUTS.append(agg_out)
    print(f"{agg_out.name}: {len(aggs)} rows")


def derive_income_groups(shared: Path, outdir: Path) -> None:
    name = "wb_income_group_by_year.csv"
    out = Output("wb_income_groups.csv.gz", "observations", [SRC_INCOME], [name])
    # 1. read
    src = read_csv(shared, name)
    out.step(
        f"Read `{name}` ({len(src)} rows: iso3 x calendar year in which the classification "
        "took effect)."
    )
    require(not src.duplicated(["iso3", "year"]).any(), f"{name}: duplicate (iso3, year)")
    require(src["wb_income_group"].notna().all(), f"{name}: empty income group")
    # 2. map labels to codes; any other label stops the script
    other = sorted(set(src["wb_income_group"]) - set(INCOME_CODES))
    require(not other, f"{name}: unexpected income group labels {other}")
    codes = src["wb_income_group"].map(INCOME_CODES).astype("float64")
    obs = observations(src["iso3"], src["year"], "wb_income_group", codes, SRC_INCOME)
    out.step(
        "Mapped `wb_income_group` "
        + ", ".join(f"{k} → {v}" for k, v in INCOME_CODES.items())
        + " into indicator `wb_income_group` (unit `code`); any other label would stop the "
        "derivation (none found). Checked: (iso3, year) unique, no empty label."
    )
    # 3. checks
    check_row_counts(out, obs, {"wb_income_group": len(src)})
    require(obs["value"].isin([1.0, 2.0, 3.0, 4.0]).all(), f"{name}: code outside 1-4")
    write_observations(out, obs, outdir)
    OUTPUTS.append(out)


def copy_country_codes(shared: Path, outdir: Path) -> None:
    name = "country_codes_iso_unhcr.csv"
    out = Output("country_codes.csv", "reference", [], [name])
    # byte-identical copy, verified by hash
    shutil.copyfile(shared / name, outdir / out.name)
    require(
        sha256_file(shared / name) == sha256_file(outdir / out.name), "country_codes copy differs"
    )
    table = pd.read_csv(outdir / out.name, dtype=str, **READ)
    out.rows, out.sha256 = len(table), sha256_file(outdir / out.name)
    out.sha256_csv, out.size = out.sha256, (outdir / out.name).stat().st_size
    out.step(f"Byte-identical copy of shared `{name}` (sha256 verified).")
    empty = table[table["iso3"].isna()]
    if len(empty):
        out.step(
            f"{len(empty)} rows have no iso3 (UNHCR-only codes "
            + ", ".join(f"`{c}`" for c in empty["unhcr_code"])
            + "); kept as in the source."
        )
    OUTPUTS.append(out)
    print(f"{out.name}: {len(table)} rows (copy)")


# --------------------------------------------------------------------------------------------
# Cross-file checks
# --------------------------------------------------------------------------------------------


def check_codes(outdir: Path) -> dict[str, list[str]]:
    """Codes in observations that are not in country_codes.csv (nor wb_aggregates.csv)."""
    table = pd.read_csv(outdir / "country_codes.csv", dtype=str, **READ)
    aggs = pd.read_csv(outdir / "wb_aggregates.csv", dtype=str, keep_default_na=False, na_values=[])
    in_table = set(table["iso3"].dropna())
    clash = sorted(in_table & set(aggs["code"]))
    require(not clash, f"World Bank aggregate codes that are also country codes: {clash}")
    found: dict[str, list[str]] = {}
    for out in OUTPUTS:
        if out.frame is None:
            continue
        for code in sorted(set(out.frame["iso3"]) - in_table):
            found.setdefault(code, []).append(out.name)
    unexpected = sorted(set(found) - set(CODES_NOT_IN_CODE_TABLE))
    require(
        not unexpected,
        f"codes in observations but not in country_codes.csv: {unexpected} "
        f"(in {[found[c] for c in unexpected]}); review and add to CODES_NOT_IN_CODE_TABLE",
    )
    return found


def check_global_keys() -> None:
    """Observation keys are unique across all files, not only within each."""
    allobs = pd.concat([o.frame for o in OUTPUTS if o.frame is not None], ignore_index=True)
    require(not allobs.duplicated(KEY).any(), "duplicate observation keys across files")


# --------------------------------------------------------------------------------------------
# sources.json and README.md
# --------------------------------------------------------------------------------------------


def write_sources(outdir: Path) -> str:
    keys = ["id", "title", "publisher", "url", "licence", "retrieved", "vintage", "derivation"]
    for sid, entry in SOURCES.items():
        require(list(entry) == keys and entry["id"] == sid, f"sources.json entry {sid} malformed")
        require(
            all(isinstance(v, str) and v for v in entry.values()),
            f"sources.json {sid}: empty field",
        )
    used = sorted({s for o in OUTPUTS for s in o.sources})
    require(used == sorted(SOURCES), f"sources used {used} != sources described {sorted(SOURCES)}")
    text = json.dumps(SOURCES, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    write_bytes(outdir / "sources.json", text)
    return sha256_file(outdir / "sources.json")


def indicator_table(df: pd.DataFrame) -> list[str]:
    lines = [
        "| indicator | unit | rows | years | iso3 codes | of which not in country_codes.csv |",
        "|---|---|---:|---|---:|---|",
    ]
    for ind, g in df.groupby("indicator", sort=True):
        special = sorted(c for c in set(g["iso3"]) if c in CODES_NOT_IN_CODE_TABLE)
        lines.append(
            f"| `{ind}` | {UNITS[ind]} | {len(g):,} | {g['year'].min()}–{g['year'].max()} | "
            f"{g['iso3'].nunique()} | {', '.join(f'`{c}`' for c in special) or '—'} |"
        )
    return lines


def write_readme(outdir: Path, shared: Path, sources_sha: str, codes: dict[str, list[str]]) -> None:
    total = sum(o.size for o in OUTPUTS) + (outdir / "sources.json").stat().st_size
    L: list[str] = []
    L += [
        "# burdenshare embedded sample data",
        "",
        "**Generated by `data_samples/derive.py` — do not edit by hand; re-run the script.**",
        "",
        "## How to re-run",
        "",
        "```",
        "python data_samples/derive.py                 # reads ../shared/data next to the "
        "repository",
        "python data_samples/derive.py --shared PATH   # or any copy of the shared reference data",
        "```",
        "",
        "Needs only Python 3, pandas and numpy. The script reads the shared reference data "
        "(provenance in `shared/data/README.md`), checks its invariants (row counts per indicator, "
        "unique keys, finite values, units equal to `burdenshare/indicators.py`, exact copies "
        "of WDI "
        "values, UNHCR whole numbers) and stops with `DerivationError` if one fails. Output is "
        "deterministic: sorted rows, fixed columns, `\\n` line endings, gzip with mtime 0 and no "
        "file name. The compressed bytes also depend on the zlib build, so the sha256 of the "
        "uncompressed CSV text is given too.",
        "",
        "## Principles",
        "",
        "* **Nothing is imputed, filled or estimated.** An empty source cell produces no "
        "observation (there are no NaN values in these files); a zero in the source stays a zero.",
        "* Observation files have the header `"
        + ",".join(COLUMNS)
        + "`. `counterpart_iso3` is empty "
        "(none of these indicators is dyadic). `value` is the float64 value written with Python's "
        "`repr(float)` (shortest text that reads back to the same float; integers as e.g. "
        "`2940735.0`, income-group codes as `1.0`–`4.0`). `unit` is the indicator's canonical unit "
        "and `source` a key of `sources.json`.",
        "* **UNHCR counts are confidentiality-rounded at source**: no value between 1 and 4 occurs "
        '(checked), and 5 is very frequent, so a 5 means "1 to 5". Sums over origins inherit this.',
        "* **`UNK` rows (unknown country of asylum / unknown UNRWA field) are kept.** `UNK` is "
        "not an "
        "ISO 3166 code; the library tags it as a non-country (entity type `unknown`) and never "
        "ranks "
        "or sums it with countries.",
        "* Reference tables (`country_codes.csv`, `wb_aggregates.csv`) are not observations.",
        "",
        f"Total size of the files listed below: {total:,} bytes.",
        "",
        "## Sources",
        "",
        f"`sources.json` (sha256 `{sources_sha}`) describes each source id:",
        "",
        "| source id | publisher | licence | vintage |",
        "|---|---|---|---|",
    ]
    for sid, s in SOURCES.items():
        L.append(f"| `{sid}` | {s['publisher']} | {s['licence']} | {s['vintage']} |")
    L.append("")
    for o in OUTPUTS:
        L += [f"## `{o.name}`", ""]
        if o.sources:
            L.append("Source: " + ", ".join(f"`{s}`" for s in o.sources) + ".")
            L.append(
                "Licence: " + "; ".join(SOURCES[s]["licence"] for s in o.sources) + ". "
                "Attribution: " + " ".join(ATTRIBUTION[s] for s in o.sources)
            )
        else:
            L.append(
                "Source: shared reference table built from UNHCR's `refugees` R package 2025.12.1 "
                "(`countries.rda`, CC BY 4.0) and `datasets/country-codes` (commit caa72d1e…); "
                "see `shared/data/README.md`."
            )
        L += [
            "",
            "Input: " + ", ".join(f"`{i}`" for i in o.inputs) + " (shared data).",
            "",
            "Derivation steps:",
            "",
        ]
        L += [f"{k}. {s}" for k, s in enumerate(o.steps, 1)]
        L.append("")
        if o.frame is not None:
            L += indicator_table(o.frame)
            L += [
                "",
                f"Rows: {o.rows:,}; years {o.frame['year'].min()}–{o.frame['year'].max()}; "
                f"{o.frame['iso3'].nunique()} distinct iso3 codes.",
            ]
        else:
            L.append(f"Rows: {o.rows:,}.")
        L += ["", f"Size: {o.size:,} bytes. sha256: `{o.sha256}`"]
        if o.sha256_csv != o.sha256:
            L.append(f"(uncompressed CSV sha256: `{o.sha256_csv}`)")
        L.append("")
    L += [
        "## Codes in the observations that are not in `country_codes.csv`",
        "",
        "| code | files | meaning / library handling |",
        "|---|---|---|",
    ]
    for code in sorted(codes):
        L.append(f"| `{code}` | {', '.join(codes[code])} | {CODES_NOT_IN_CODE_TABLE[code]} |")
    L += ["", "Any other code missing from `country_codes.csv` stops the script.", ""]
    if NOTES:
        L += ["## Notes on the data", ""] + [f"* {n}" for n in NOTES] + [""]
    L += ["## Input files (shared data) and their sha256", "", "| file | sha256 |", "|---|---|"]
    for name in sorted({i for o in OUTPUTS for i in o.inputs}):
        L.append(f"| `{name}` | `{sha256_file(shared / name)}` |")
    L.append("")
    write_bytes(outdir / "README.md", "\n".join(L))


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help=f"folder with the shared reference data (default: {DEFAULT_SHARED})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE,
        help="folder to write into (default: this folder, data_samples/)",
    )
    args = parser.parse_args(argv)
    shared = args.shared.resolve()
    require(shared.is_dir(), f"shared data folder {shared} not found")
    outdir = args.out.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    # step 0: units and names agree with the library's vocabulary
    check_vocabulary()
    # steps 1-6: one derivation per output file (each validates and writes its file)
    copy_country_codes(shared, outdir)
    derive_unhcr_population(shared, outdir)
    derive_unhcr_unrwa(shared, outdir)
    derive_unhcr_solutions(shared, outdir)
    derive_unhcr_asylum_applications(shared, outdir)
    derive_wdi(shared, outdir)
    derive_income_groups(shared, outdir)
    # step 7: cross-file checks (unique keys across files; codes known or explicitly listed)
    check_global_keys()
    codes = check_codes(outdir)
    # step 8: sources.json and README.md (README is generated, so it is always true)
    sources_sha = write_sources(outdir)
    write_readme(outdir, shared, sources_sha, codes)
    total = sum(o.size for o in OUTPUTS)
    print(f"total {total:,} bytes in {len(OUTPUTS)} data files (+ sources.json, README.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
