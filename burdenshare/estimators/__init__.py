"""Built-in estimators, by registry name (imported lazily by :mod:`burdenshare.registry`)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: registry name -> "module:Class" of every built-in estimator
BUILTINS: Mapping[str, str] = MappingProxyType(
    {
        "refugees_per_1000": "burdenshare.estimators.relative_burden:RefugeesPer1000",
        "refugees_per_gdp_ppp_pc": "burdenshare.estimators.relative_burden:RefugeesPerGdpPppPerCapita",
        "refugees_per_1000_km2": "burdenshare.estimators.relative_burden:RefugeesPer1000Km2",
        "one_in_n": "burdenshare.estimators.relative_burden:OneInN",
        "relative_effort": "burdenshare.estimators.relative_burden:RelativeEffort",
        "hosting_concentration": "burdenshare.estimators.relative_burden:HostingConcentration",
    }
)

__all__ = ["BUILTINS"]
