"""The dataset's dictionary-encoded code columns, the vectorised validation and the fast reader.

Independent checks: the codes against ``pandas.factorize`` of the texts; the column rules
against pandera's own validation of ``ObservationSchema`` (the declarative statement of the
rules); the fingerprint against the implementation it replaced (``DataFrame.to_csv`` of the
text frame, written out below); the pyarrow reader against the pandas text reader. All exact.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.data import CODE_COLUMNS, fingerprint_frame, has_areas
from tests.conftest import SYNTHETIC, synthetic_frame


def texts(col: pd.Series) -> pd.Series:
    return col.astype("str")


def assert_canonical_codes(obs: pd.DataFrame) -> None:
    for c in CODE_COLUMNS:
        col = obs[c]
        assert isinstance(col.dtype, pd.CategoricalDtype), c
        present = sorted(set(texts(col).dropna()))
        assert list(col.cat.categories) == present, c
        expected, _ = pd.factorize(texts(col), sort=True)
        np.testing.assert_array_equal(col.cat.codes.to_numpy(), expected, err_msg=c)


def previous_fingerprint(observations: pd.DataFrame) -> str:
    """The fingerprint as burdenshare computed it before the code columns were categorical."""
    text = observations.copy()
    for c in CODE_COLUMNS:
        text[c] = text[c].astype("str")
    text["value"] = [("" if np.isnan(v) else repr(float(v))) for v in text["value"].to_numpy()]
    text["counterpart_iso3"] = text["counterpart_iso3"].fillna("")
    if has_areas(text):
        text["area"] = text["area"].fillna("")
    else:
        text = text.drop(columns="area")
    buf = io.StringIO()
    text.to_csv(buf, index=False, lineterminator="\n")
    return hashlib.sha256(buf.getvalue().encode("utf-8")).hexdigest()


def test_code_columns_of_the_samples_are_categorical_and_equal_a_factorize(
        sample_data: bs.Dataset) -> None:
    assert_canonical_codes(sample_data.observations)


def test_categories_stay_exact_through_select_and_concat(sample_data: bs.Dataset) -> None:
    a = sample_data.select(years=(2019, 2020), iso3=["TUR", "LBN", "DEU"])
    b = sample_data.select(years=(2021, 2022), iso3=["JOR", "DEU"])
    assert_canonical_codes(a.observations)
    assert set(a.observations["iso3"].cat.categories) <= {"TUR", "LBN", "DEU"}
    both = bs.Dataset.concat([a, b])
    assert_canonical_codes(both.observations)
    assert both.fingerprint == previous_fingerprint(both.observations)
    assert len(both) == len(a) + len(b)


def test_a_dataset_built_from_text_columns_is_encoded_once() -> None:
    frame = bs.Dataset.from_frame(synthetic_frame([("AUT", 2020, "refugees", 5.0)]),
                                  [SYNTHETIC]).observations
    plain = frame.assign(**{c: frame[c].astype("str") for c in CODE_COLUMNS})
    ds = bs.Dataset(plain, {SYNTHETIC.id: SYNTHETIC}, fingerprint_frame(plain))
    assert_canonical_codes(ds.observations)
    assert not isinstance(plain["iso3"].dtype, pd.CategoricalDtype)  # the input is not mutated


def test_codes_accessor_returns_read_only_codes_and_their_texts(sample_data: bs.Dataset) -> None:
    codes, names = sample_data.codes("indicator")
    assert names == sample_data.indicators
    assert [names[k] for k in codes[:50]] == texts(
        sample_data.observations["indicator"]).head(50).tolist()
    with pytest.raises(ValueError):
        codes[0] = 1
    with pytest.raises(KeyError, match="not a code column"):
        sample_data.codes("value")


def test_fingerprint_of_the_samples_equals_the_previous_implementation(
        sample_data: bs.Dataset) -> None:
    assert sample_data.fingerprint == previous_fingerprint(sample_data.observations)


def test_fingerprint_writes_awkward_floats_and_quoted_texts_as_csv_and_repr_do() -> None:
    values = [0.0, -0.0, 1e-5, 1e16, 1e22, 0.1 + 0.2, np.nan, -3.5, 123456789012345.6, 5e-324,
              1.7976931348623157e308, 2.0, 1234.5678, 1e15 + 0.5]
    rows = [(code, 2000 + k, "population", 1.0) for k, code in enumerate(
        ["AUT", "DEU", "FRA", "ITA", "ESP", "PRT", "BEL", "NLD", "LUX", "DNK", "SWE", "FIN",
         "NOR", "ISL"])]
    frame = bs.Dataset.from_frame(synthetic_frame(rows), [SYNTHETIC]).observations
    frame = frame.assign(value=values)  # -0.0 and the extremes bypass validation on purpose
    assert fingerprint_frame(frame) == previous_fingerprint(frame)
    with_areas = frame.assign(area=pd.Categorical(['synthetic,"a"', None] * 7))
    assert fingerprint_frame(with_areas) == previous_fingerprint(with_areas)


def write(tmp_path: Path, body: str, header: str = "iso3,year,indicator,value,unit,source"
          ) -> Path:
    p = tmp_path / "synthetic_obs.csv"
    p.write_text(header + "\n" + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    (tmp_path / "sources.json").write_text(
        '{"synthetic_test": {"title": "synthetic", "publisher": "tests"}}', encoding="utf-8")
    return p


def test_pyarrow_reader_equals_the_pandas_text_reader(tmp_path: Path) -> None:
    p = write(tmp_path, """
        NAM,2020,refugees,5,persons,synthetic_test
        NAM,2021,refugees,NA,persons,synthetic_test
        "AUT",2020,refugees,-,persons,synthetic_test
        AUT,2021,refugees,1.5e3,persons,synthetic_test
        SYR,2021,refugees_by_origin,7,persons,synthetic_test
    """, header='iso3,year,indicator,value,unit,source')
    p.write_text(p.read_text().replace("SYR,2021,refugees_by_origin,7,persons,synthetic_test",
                                       "SYR,2021,refugees,7,persons,synthetic_test"))
    fast = bs.read_observations(p)
    raw = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[])
    careful = bs.Dataset.from_frame(raw, fast.sources, origin=str(p))
    pd.testing.assert_frame_equal(fast.observations, careful.observations)
    assert fast.fingerprint == careful.fingerprint
    obs = fast.observations
    assert texts(obs["iso3"]).tolist().count("NAM") == 2  # Namibia's code is text, never NA
    assert obs["value"].isna().sum() == 2                # 'NA' and '-' values are missing


def test_failures_of_a_file_read_by_pyarrow_name_their_lines(tmp_path: Path) -> None:
    p = write(tmp_path, """
        AUT,2020,refugees,1,persons,synthetic_test
        QQQ,2020,refugees,2,persons,synthetic_test
        AUT,2020,refugees,3,persons,synthetic_test
        AUT,1850,refugees,3,persons,synthetic_test
    """)
    with pytest.raises(bs.DataValidationError) as info:
        bs.read_observations(p)
    got = {(int(r.line), r.column, str(r.check).split("(")[0]) for r in
           info.value.failures.itertuples()}
    assert got == {(3, "iso3", "known_code"), (4, "iso3", "unique_key"),
                   (5, "year", "greater_than_or_equal_to")}
    assert "line 4, column 'iso3': 'AUT' repeats the observation on line 2" in str(info.value)


def test_column_rules_report_what_pandera_reports_for_observation_schema() -> None:
    from burdenshare._schema_models import ObservationSchema

    df = pd.DataFrame({
        "iso3": ["TUR", "tr", None, "", "SYR"], "year": [1800, 2200, 2000, 2000, 2020],
        "indicator": ["refugees", "x", None, "population", "refugees"],
        "value": [1.0, 2.0, 3.0, 4.0, 5.0], "unit": ["persons", None, "a", "b", "persons"],
        "source": ["a b", "s", None, "", "synthetic_test"],
        "counterpart_iso3": [None, "x", "SYR", None, None],
        "area": [None, "a b", "ok", "ok", None]})
    df = df.assign(**{c: df[c].astype("str") for c in CODE_COLUMNS})
    with pytest.raises(Exception) as err:  # pandera's SchemaErrors
        ObservationSchema.validate(df, lazy=True)
    cases = err.value.failure_cases  # type: ignore[attr-defined]
    expected = {(int(r.index), r.column, r.check, None if pd.isna(r.failure_case) else
                 r.failure_case) for r in cases.itertuples() if not str(r.check).startswith("dtype")}
    with pytest.raises(bs.DataValidationError) as info:
        bs.Dataset.from_frame(df, [SYNTHETIC])
    f = info.value.failures
    schema_checks = f[~f["check"].isin(
        ["canonical_unit", "known_code", "known_source", "unique_key", "counterpart_forbidden",
         "counterpart_required", "non_negative", "category"])]
    got = {(int(r.line) - 1, r.column, r.check, None if pd.isna(r.value) else r.value)
           for r in schema_checks.itertuples()}
    assert got == expected


def test_object_schemas_equal_the_declared_models() -> None:
    from burdenshare import _schema_models as m

    for model in (m.ObservationSchema, m.EstimateSchema, m.ExclusionSchema):
        declared, used = model.to_schema(), m.OBJECT_SCHEMAS[model.__name__]
        assert list(declared.columns) == list(used.columns)
        for name, col in declared.columns.items():
            twin = used.columns[name]
            assert str(col.dtype) == str(twin.dtype), name
            assert (col.nullable, col.unique, col.required) == (
                twin.nullable, twin.unique, twin.required), name
            assert [str(c) for c in col.checks] == [str(c) for c in twin.checks], name
        assert (declared.strict, declared.unique, declared.ordered, declared.coerce) == (
            used.strict, used.unique, used.ordered, used.coerce)


def test_quick_acceptance_table_equals_the_models_and_defers_doubt_to_pandera(
        sample_data: bs.Dataset) -> None:
    from burdenshare import _schema_models as m
    from burdenshare.schemas import _QUICK, _QUICK_UNIQUE, _quick_accept, validate_lazily

    for name, spec in _QUICK.items():
        used = m.OBJECT_SCHEMAS[name]
        assert list(spec) == list(used.columns)
        for col, (dtype, nullable, checks) in spec.items():
            twin = used.columns[col]
            assert twin.nullable == nullable, col
            assert [c.name for c in twin.checks] == [c for c, _ in checks], col
            assert dtype in str(twin.dtype) or (dtype == "str" and "string" in str(twin.dtype))
        assert list(_QUICK_UNIQUE[name]) == list(used.unique or [])
    res = bs.RefugeesPer1000().estimate(sample_data.select(years=(2024, 2024)))
    assert _quick_accept("EstimateSchema", res.estimates)
    assert _quick_accept("ExclusionSchema", res.excluded)
    bad = res.estimates.copy()
    bad.loc[0, "std_error"] = -1.0
    assert not _quick_accept("EstimateSchema", bad)
    cases = validate_lazily(m.EstimateSchema, bad)  # pandera reports it
    assert cases is not None and set(cases["check"]) == {"greater_than_or_equal_to(0)"}
    newline = res.estimates.assign(quantity=res.estimates["quantity"] + "\n")
    assert not _quick_accept("EstimateSchema", newline)  # doubt: pandera decides
