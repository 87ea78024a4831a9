"""Country identifiers: explicit conversion, the three collisions, aggregates."""

from __future__ import annotations

import pytest

import burdenshare as bs
from burdenshare.countries import entity_type, from_iso3, is_country, to_iso3


@pytest.mark.parametrize(("unhcr", "iso3", "name"), [
    ("AUS", "AUT", "Austria"),      # ISO AUS is Australia
    ("ARE", "EGY", "Egypt"),        # ISO ARE is the United Arab Emirates
    ("MAR", "MTQ", "Martinique"),   # ISO MAR is Morocco
])
def test_unhcr_iso3_collisions_convert_to_the_right_country(unhcr: str, iso3: str, name: str) -> None:
    assert to_iso3([unhcr], scheme="unhcr") == [iso3]
    assert from_iso3([iso3], scheme="unhcr") == [unhcr]


def test_the_colliding_iso3_codes_map_back_to_other_unhcr_codes() -> None:
    assert from_iso3(["AUS", "ARE", "MAR"], scheme="unhcr") == ["AUL", "UAE", "MOR"]


def test_unknown_codes_raise_listing_all_of_them() -> None:
    with pytest.raises(KeyError, match=r"2 code\(s\).*'QQ1'.*'QQ2'"):
        to_iso3(["AUS", "QQ1", "QQ2"], scheme="unhcr")


def test_unknown_and_stateless_have_explicit_codes() -> None:
    assert to_iso3(["UKN", "STA"], scheme="unhcr") == ["UNK", "XXA"]
    assert entity_type("UNK") == "unknown"
    assert entity_type("XXA") == "stateless"


def test_aggregates_are_tagged() -> None:
    assert entity_type("WLD") == "aggregate"
    assert entity_type("HIC") == "aggregate"
    assert entity_type("LDC") == "aggregate"  # World Bank's LDC aggregate, not a country
    assert entity_type("DEU") == "country"
    assert entity_type("XKX") == "country"
    assert is_country(["DEU", "WLD", "UNK", "XXA"]).tolist() == [True, False, False, False]
    with pytest.raises(KeyError):
        entity_type("QQQ")


def test_aggregates_are_never_ranked_or_summed(sample_data: bs.Dataset) -> None:
    data = sample_data.select(years=(2024, 2024))
    res = bs.RefugeesPer1000().estimate(data)
    assert "UNK" not in set(res.estimates["iso3"])
    unk = res.excluded[res.excluded["iso3"] == "UNK"]
    assert set(unk["reason"]) == {"aggregate_entity"}
    conc = bs.HostingConcentration().estimate(data).estimates
    total = conc[(conc.quantity == "hosted")]["estimate"].sum()
    obs = data.observations
    countries = obs[(obs.indicator == "refugees") & is_country(obs["iso3"]).to_numpy()]
    assert total == countries["value"].sum()  # exact: integers summed in float64 < 2**53
