"""The dataset fingerprint, re-implemented from its description in ``methodology/provenance.md``.

Independent source: a second implementation written from the page (Python's ``csv`` and
``hashlib`` only, no pandas), compared with ``Dataset.fingerprint``. Exact comparison: a
fingerprint either matches or it does not.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math

import pandas as pd
import pytest

import burdenshare as bs

pytestmark = pytest.mark.reference

COLUMNS = ("iso3", "year", "indicator", "value", "unit", "source", "counterpart_iso3")


def fingerprint_from_page(records: list[dict[str, object]]) -> str:
    """methodology/provenance.md, "The dataset fingerprint", steps 1-5."""
    def cp(r: dict[str, object]) -> str:
        v = r.get("counterpart_iso3")
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)

    rows = sorted(records, key=lambda r: (r["iso3"], cp(r), int(r["year"]), r["indicator"],
                                          r["source"]))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(COLUMNS)
    for r in rows:
        v = float(r["value"])
        w.writerow([r["iso3"], int(r["year"]), r["indicator"], "" if math.isnan(v) else repr(v),
                    r["unit"], r["source"], cp(r)])
    return hashlib.sha256(buf.getvalue().encode("utf-8")).hexdigest()


def test_worked_example_of_provenance_md() -> None:
    src = bs.Source(id="synthetic_example", title="worked example", publisher="burdenshare docs")
    df = pd.DataFrame({"iso3": ["DEU", "AUT", "AUT"], "year": [2024, 2024, 2024],
                       "indicator": ["refugees", "population", "refugees"],
                       "value": ["2749266", "9158750", ""], "unit": ["persons"] * 3,
                       "source": ["synthetic_example"] * 3})
    data = bs.Dataset.from_frame(df, {src.id: src})
    text = ("iso3,year,indicator,value,unit,source,counterpart_iso3\n"
            "AUT,2024,population,9158750.0,persons,synthetic_example,\n"
            "AUT,2024,refugees,,persons,synthetic_example,\n"
            "DEU,2024,refugees,2749266.0,persons,synthetic_example,\n")
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert expected == "23349566bffc7bdbd405ed3f65c8875c35f109e1ee10d22f853c2d20f0fdad0d"
    assert data.fingerprint == expected


@pytest.fixture(scope="module")
def sample() -> bs.Dataset:
    return bs.load_sample()


def test_reimplementation_matches_on_the_embedded_samples_in_any_row_order(
        sample: bs.Dataset) -> None:
    data = sample
    records = data.observations.sample(frac=1.0, random_state=7).to_dict("records")
    assert fingerprint_from_page(records) == data.fingerprint


def test_reimplementation_matches_a_selection(sample: bs.Dataset) -> None:
    sub = sample.select(years=(2020, 2024), iso3=["LBN", "JOR", "TUR"])
    assert fingerprint_from_page(sub.observations.to_dict("records")) == sub.fingerprint


def fingerprint_from_page_with_areas(records: list[dict[str, object]]) -> str:
    """provenance.md steps 1-5 when at least one observation has an ``area``: rows sorted by
    iso3, area, counterpart, year, indicator, source (missing area/counterpart as empty), the
    column ``area`` written last."""
    def text(r: dict[str, object], key: str) -> str:
        v = r.get(key)
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)

    rows = sorted(records, key=lambda r: (r["iso3"], text(r, "area"), text(r, "counterpart_iso3"),
                                          int(r["year"]), r["indicator"], r["source"]))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow((*COLUMNS, "area"))
    for r in rows:
        v = float(r["value"])
        w.writerow([r["iso3"], int(r["year"]), r["indicator"], "" if math.isnan(v) else repr(v),
                    r["unit"], r["source"], text(r, "counterpart_iso3"), text(r, "area")])
    return hashlib.sha256(buf.getvalue().encode("utf-8")).hexdigest()


def _synthetic_area_frame() -> pd.DataFrame:
    """NAMED synthetic: two Turkish provinces and the whole of Austria, one year."""
    return pd.DataFrame({
        "iso3": ["TUR", "TUR", "AUT", "TUR"], "year": [2020, 2020, 2020, 2021],
        "indicator": ["refugees", "refugees", "refugees", "population"],
        "value": ["530000", "", "150000", "15840000"], "unit": ["persons"] * 4,
        "source": ["synthetic_test"] * 4, "area": ["TR-34", "TR-27", "", "TR-34"]})


def test_data_without_areas_keep_their_fingerprint() -> None:
    """An all-empty ``area`` column changes nothing: same bytes as the worked example."""
    src = bs.Source(id="synthetic_example", title="worked example", publisher="burdenshare docs")
    df = pd.DataFrame({"iso3": ["DEU", "AUT", "AUT"], "year": [2024, 2024, 2024],
                       "indicator": ["refugees", "population", "refugees"],
                       "value": ["2749266", "9158750", ""], "unit": ["persons"] * 3,
                       "source": ["synthetic_example"] * 3, "area": ["", "", ""]})
    data = bs.Dataset.from_frame(df, {src.id: src})
    assert data.fingerprint == "23349566bffc7bdbd405ed3f65c8875c35f109e1ee10d22f853c2d20f0fdad0d"


def test_reimplementation_matches_with_areas_and_an_area_change_changes_it() -> None:
    src = bs.Source(id="synthetic_test", title="synthetic", publisher="burdenshare tests")
    df = _synthetic_area_frame()
    data = bs.Dataset.from_frame(df, {src.id: src})
    records = data.observations.sample(frac=1.0, random_state=3).to_dict("records")
    assert fingerprint_from_page_with_areas(records) == data.fingerprint
    # hand-written canonical text (sorted: AUT, then TUR with area TR-27 < TR-34, then year)
    text = ("iso3,year,indicator,value,unit,source,counterpart_iso3,area\n"
            "AUT,2020,refugees,150000.0,persons,synthetic_test,,\n"
            "TUR,2020,refugees,,persons,synthetic_test,,TR-27\n"
            "TUR,2020,refugees,530000.0,persons,synthetic_test,,TR-34\n"
            "TUR,2021,population,15840000.0,persons,synthetic_test,,TR-34\n")
    assert data.fingerprint == hashlib.sha256(text.encode("utf-8")).hexdigest()
    changed = bs.Dataset.from_frame(df.assign(area=["TR-35", "TR-27", "", "TR-34"]),
                                    {src.id: src})
    assert changed.fingerprint != data.fingerprint
    assert fingerprint_from_page_with_areas(
        changed.observations.to_dict("records")) == changed.fingerprint
