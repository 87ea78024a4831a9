"""The estimator protocol: explicit, validated, immutable parameters; clear errors."""

from __future__ import annotations

import dataclasses
import json

import pytest

import burdenshare as bs
from burdenshare.params import param_specs, parse_param
from tests.conftest import synthetic_dataset


def test_parameters_are_validated_with_name_value_and_allowed_set() -> None:
    with pytest.raises(bs.ParameterError, match=r"'who_counts'.*'idps' is not allowed; allowed items: "
                       r"'refugees', 'oip', 'asylum_seekers', 'unrwa_refugees'"):
        bs.RefugeesPer1000(who_counts=("idps",))
    with pytest.raises(bs.ParameterError, match=r"'area' = 'sea' is not allowed; choose one of "
                       r"'land_area_km2', 'surface_area_km2'"):
        bs.RefugeesPer1000Km2(area="sea")
    with pytest.raises(bs.ParameterError, match=r"'top_k' = 0 must be at least 1"):
        bs.HostingConcentration(top_k=0)
    with pytest.raises(bs.ParameterError, match=r"'top_k' = 'ten' must be a whole number"):
        bs.HostingConcentration(top_k="ten")
    with pytest.raises(bs.ParameterError, match="needs capacity_weights"):
        bs.RelativeEffort(capacity="composite")


def test_parameters_are_keyword_only_and_frozen() -> None:
    with pytest.raises(TypeError):
        bs.RefugeesPer1000(("refugees",))  # type: ignore[misc]
    est = bs.RefugeesPer1000()
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.who_counts = ("oip",)  # type: ignore[misc]


def test_lists_become_tuples_and_round_trip_through_json() -> None:
    est = bs.RelativeEffort(capacity="composite",
                            capacity_weights=[["population", 0.5], ["gdp_usd_current", 0.5]])
    assert est.capacity_weights == (("population", 0.5), ("gdp_usd_current", 0.5))
    again = bs.RelativeEffort(**json.loads(json.dumps(est.get_params())))
    assert again == est and hash(again) == hash(est)


def test_with_params_returns_a_new_validated_estimator() -> None:
    est = bs.RefugeesPer1000()
    other = est.with_params(who_counts=("refugees", "oip"))
    assert est.who_counts == ("refugees",) and other.who_counts == ("refugees", "oip")
    with pytest.raises(bs.ParameterError, match="no parameter"):
        est.with_params(colour="red")
    with pytest.raises(bs.ParameterError):
        est.with_params(who_counts=("xx",))


@pytest.mark.parametrize(("cls", "name", "text", "value"), [
    (bs.RefugeesPer1000, "who_counts", "refugees,oip", ("refugees", "oip")),
    (bs.RefugeesPer1000, "scenario_definitions", "refugees+oip;refugees+oip+asylum_seekers",
     (("refugees", "oip"), ("refugees", "oip", "asylum_seekers"))),
    (bs.RelativeEffort, "capacity_weights", "population:0.5,gdp_usd_current:0.5",
     (("population", 0.5), ("gdp_usd_current", 0.5))),
    (bs.HostingConcentration, "top_k", "5", 5),
    (bs.RefugeesPer1000, "sources", "population:wb_wdi_2026_07_01",
     (("population", "wb_wdi_2026_07_01"),)),
])
def test_cli_text_is_parsed_by_field_type(cls: type, name: str, text: str, value: object) -> None:
    parsed = parse_param(cls, name, text)
    assert parsed == value
    extra = {"capacity": "composite"} if name == "capacity_weights" else {}
    assert getattr(cls(**{name: parsed}, **extra), name) == value


def test_param_specs_describe_every_field() -> None:
    specs = {s.name: s for s in param_specs(bs.HostingConcentration)}
    assert specs["group_by"].choices == ("wb_income_group", "un_ldc", "un_development",
                                         "unhcr_region", "un_region")
    assert specs["top_k"].bounds == {"ge": 1}
    assert all(s.doc for s in specs.values())


def test_missing_indicator_error_lists_what_the_data_have() -> None:
    data = synthetic_dataset([("AUT", 2020, "refugees", 5.0)])
    with pytest.raises(bs.EstimatorError, match=r"needs indicator\(s\) population.*it has: refugees"):
        bs.RefugeesPer1000().estimate(data)


def test_instance_inputs_follow_parameters() -> None:
    assert bs.RefugeesPer1000(who_counts=("oip",)).inputs() == {"oip", "population_un_wpp"}
    assert bs.RefugeesPer1000(who_counts=("oip",), population_source="wdi").inputs() == {
        "oip", "population"}
    assert bs.RelativeEffort(capacity="gdp_ppp").inputs() == {
        "refugees", "gdp_ppp_per_capita_intl_current", "population_un_wpp"}
    assert "wb_income_group" in bs.HostingConcentration().inputs()
    assert "wb_income_group" not in bs.HostingConcentration(group_by="un_ldc").inputs()


def test_result_displays_itself(recent_data: bs.Dataset) -> None:
    res = bs.RefugeesPer1000().estimate(recent_data.select(years=(2024, 2024)))
    html = res._repr_html_()
    assert "refugees_per_1000" in html and "Data fingerprint" in html and "UNHCR" in html
    text = str(res)
    assert "excluded by reason" in text and "assumes:" in text
    assert res.provenance.to_json().startswith("{")
