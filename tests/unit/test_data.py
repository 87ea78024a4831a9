"""The data layer: validation with located errors, fingerprints, selection, samples."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.data import fingerprint_frame
from tests.conftest import SYNTHETIC, synthetic_dataset, synthetic_frame

HEADER = "iso3,year,indicator,value,unit,source\n"


def write(tmp_path: Path, name: str, body: str) -> Path:
    p = tmp_path / name
    p.write_text(HEADER + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    (tmp_path / "sources.json").write_text(
        '{"synthetic_test": {"title": "synthetic", "publisher": "tests"}}', encoding="utf-8")
    return p


def test_valid_csv_reads_into_dataset(tmp_path: Path) -> None:
    p = write(tmp_path, "refugees.csv", """
        AUT,2020,refugees,1000,persons,synthetic_test
        AUT,2020,population,250000,persons,synthetic_test
    """)
    ds = bs.read_observations(p)
    assert len(ds) == 2
    assert ds.sources["synthetic_test"].publisher == "tests"
    assert ds.observations["value"].tolist() == [250000.0, 1000.0]  # sorted by indicator


def test_every_failure_is_reported_with_file_line_column_value(tmp_path: Path) -> None:
    p = write(tmp_path, "refugees.csv", """
        AUT,2020,refugees,1000,persons,synthetic_test
        AUT,2021,refugees,n/a,persons,synthetic_test
        aut,2020,population,5,persons,synthetic_test
        AUT,20x0,population,5,persons,synthetic_test
        AUT,2020,refugeez,5,persons,synthetic_test
        AUT,2022,population,5,people,synthetic_test
        AUT,2023,refugees,-3,persons,synthetic_test
        QQQ,2020,refugees,5,persons,synthetic_test
        AUT,2020,refugees,7,persons,synthetic_test
        AUT,2024,refugees,7,persons,undocumented
    """)
    with pytest.raises(bs.DataValidationError) as info:
        bs.read_observations(p)
    f = info.value.failures
    got = {(int(r.line), r.column, r.check.split("(")[0].split(":")[0]) for r in f.itertuples()}
    assert (3, "value", "is_number") in got          # 'n/a' is not a number
    assert (4, "iso3", "str_matches") in got         # lower-case code
    assert (5, "year", "is_integer") in got          # '20x0'
    assert (6, "indicator", "isin") in got           # unknown indicator
    assert (7, "unit", "canonical_unit") in got      # 'people' is not 'persons'
    assert (8, "value", "non_negative") in got       # negative count
    assert (9, "iso3", "known_code") in got          # QQQ is no code
    assert (10, "iso3", "unique_key") in got         # repeats line 2
    assert (11, "source", "known_source") in got     # no Source record
    msg = str(info.value)
    assert "refugees.csv, line 3, column 'value': 'n/a' is not a number" in msg
    assert "repeats the observation on line 2" in msg


def test_missing_tokens_stay_missing(tmp_path: Path) -> None:
    p = write(tmp_path, "m.csv", """
        AUT,2020,refugees,,persons,synthetic_test
        AUT,2021,refugees,-,persons,synthetic_test
        AUT,2022,refugees,..,persons,synthetic_test
    """)
    ds = bs.read_observations(p)
    assert ds.observations["value"].isna().all()
    assert len(ds) == 3  # nothing dropped


def test_namibia_na_survives_reading(tmp_path: Path) -> None:
    p = write(tmp_path, "nam.csv", """
        NAM,2020,refugees,5,persons,synthetic_test
    """)
    assert bs.read_observations(p).observations["iso3"].tolist() == ["NAM"]
    from burdenshare.countries import to_iso3
    assert to_iso3(["NA"], scheme="iso2") == ["NAM"]


def test_unknown_and_missing_columns_are_reported(tmp_path: Path) -> None:
    p = tmp_path / "cols.csv"
    p.write_text("iso3,year,indicator,value,source,extra\nAUT,2020,refugees,5,x,1\n", encoding="utf-8")
    with pytest.raises(bs.DataValidationError) as info:
        bs.read_observations(p)
    cols = set(info.value.failures["column"])
    assert {"unit", "extra"} <= cols


def test_counterpart_required_only_for_dyadic_indicators() -> None:
    df = synthetic_frame([("AUT", 2020, "refugees_by_origin", 10.0), ("AUT", 2020, "refugees", 10.0)])
    df["counterpart_iso3"] = [None, "SYR"]
    with pytest.raises(bs.DataValidationError) as info:
        bs.Dataset.from_frame(df, [SYNTHETIC])
    checks = set(info.value.failures["check"])
    assert checks == {"counterpart_required", "counterpart_forbidden"}


def test_income_group_codes_are_checked() -> None:
    with pytest.raises(bs.DataValidationError, match="not a code of 'wb_income_group'"):
        synthetic_dataset([("AUT", 2020, "wb_income_group", 7.0)])


def test_pandera_environment_switch_cannot_disable_validation(tmp_path: Path) -> None:
    p = write(tmp_path, "bad.csv", "aut,2020,refugees,5,persons,synthetic_test\n")
    code = (f"import burdenshare as bs\ntry:\n    bs.read_observations({str(p)!r})\n"
            "except bs.DataValidationError:\n    print('raised')\n")
    env = {**os.environ, "PANDERA_VALIDATION_ENABLED": "False"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "raised"


def test_fingerprint_is_sha256_of_the_documented_canonical_csv() -> None:
    ds = synthetic_dataset([("DEU", 2021, "refugees", 0.1), ("AUT", 2020, "population", np.nan)])
    # written out by hand from methodology/provenance.md: sorted rows, fixed columns,
    # repr floats, missing as empty, "\n" line ends
    canonical = (
        "iso3,year,indicator,value,unit,source,counterpart_iso3\n"
        "AUT,2020,population,,persons,synthetic_test,\n"
        "DEU,2021,refugees,0.1,persons,synthetic_test,\n"
    )
    assert ds.fingerprint == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_fingerprint_ignores_row_order_but_not_values() -> None:
    rows = [("AUT", 2020, "refugees", 5.0), ("DEU", 2020, "refugees", 7.0)]
    a = synthetic_dataset(rows)
    b = synthetic_dataset(rows[::-1])
    c = synthetic_dataset([rows[0], ("DEU", 2020, "refugees", 7.000001)])
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert a == b


def test_select_records_lineage_and_new_fingerprint(sample_data: bs.Dataset) -> None:
    sub = sample_data.select(iso3=["LBN", "JOR"], years=(2020, 2024), indicators=["refugees"])
    assert set(sub.observations["iso3"]) == {"LBN", "JOR"}
    assert sub.years == (2020, 2021, 2022, 2023, 2024)
    assert sub.fingerprint == fingerprint_frame(sub.observations) != sample_data.fingerprint
    assert sub.lineage[-1].endswith(f"of {sample_data.fingerprint[:12]}")
    assert "iso3=JOR,LBN" in sub.lineage[-1]
    assert set(sub.sources) == {"unhcr_refugee_statistics_2025_12_1"}


def test_select_rejects_unknown_codes(sample_data: bs.Dataset) -> None:
    with pytest.raises(bs.DataValidationError, match="QQQ"):
        sample_data.select(iso3=["QQQ"])


def test_concat_refuses_the_same_observation_twice() -> None:
    a = synthetic_dataset([("AUT", 2020, "refugees", 5.0)])
    with pytest.raises(bs.DataValidationError, match="more than one input"):
        bs.Dataset.concat([a, a])


def test_panel_is_entity_time_indexed_and_refuses_ambiguous_sources() -> None:
    df = pd.concat([
        synthetic_frame([("AUT", 2020, "population", 9.0e6)]),
        synthetic_frame([("AUT", 2020, "population", 8.9e6)]).assign(source="synthetic_wpp"),
    ])
    ds = bs.Dataset.from_frame(df, [SYNTHETIC, bs.Source(id="synthetic_wpp", title="t", publisher="p")])
    with pytest.raises(bs.DataValidationError, match="several sources"):
        ds.panel(["population"])
    wide = ds.panel(["population"], source={"population": "synthetic_wpp"})
    assert wide.index.names == ["iso3", "year"]
    assert wide.loc[("AUT", 2020), "population"] == 8.9e6


def test_samples_cover_all_countries_and_years(sample_data: bs.Dataset) -> None:
    cov = sample_data.coverage().set_index("indicator")
    # full coverage, not a toy subset (counts from data_samples/README.md)
    assert cov.loc["refugees", "first_year"] == 1951 and cov.loc["refugees", "last_year"] == 2025
    assert cov.loc["refugees", "observations"] == 7802
    assert cov.loc["population", "observations"] == 14292
    assert cov.loc["refugees", "codes"] >= 190


def test_sample_matches_quality_md_checked_figure(sample_data: bs.Dataset) -> None:
    # shared/data/QUALITY.md §2 (checked against the source files): Türkiye hosted 2,940,735
    # refugees at end-2024; exact, the sample copies the source without rounding
    obs = sample_data.observations
    v = obs[(obs.iso3 == "TUR") & (obs.year == 2024) & (obs.indicator == "refugees")]["value"]
    assert v.tolist() == [2940735.0]


def test_dataset_is_not_a_dataframe_argument() -> None:
    with pytest.raises(TypeError, match="Dataset"):
        bs.RefugeesPer1000().estimate(pd.DataFrame())
