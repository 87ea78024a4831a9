"""The relative-burden, key, fair-share and contribution estimators declare their labels."""

from __future__ import annotations

import pytest

from burdenshare.labels import FAMILIES, Labels
from burdenshare.registry import get

METHODS = ["eu_relocation_2015", "grech_2017", "reference_key_50_50", "linear_key", "minmax_key",
           "refugees_per_1000", "refugees_per_gdp_ppp_pc", "refugees_per_1000_km2", "one_in_n",
           "relative_effort", "hosting_concentration", "neighbour_hosting_share",
           "fair_share_funding", "fair_share_resettlement", "unhcr_funding_share",
           "resettlement_effort", "pledge_fulfilment", "in_donor_refugee_costs",
           "oda_gni_commitment"]



@pytest.mark.parametrize("name", METHODS)
def test_labels_are_declared_in_a_builtin_family(name: str) -> None:
    labels = get(name).labels
    assert isinstance(labels, Labels)
    assert labels.family in FAMILIES
    assert labels.title and labels.description and labels.unit


@pytest.mark.parametrize("name", METHODS)
def test_labels_cover_the_main_quantity(name: str) -> None:
    cls = get(name)
    assert cls.labels is not None
    assert cls.quantity in cls.labels.quantities

