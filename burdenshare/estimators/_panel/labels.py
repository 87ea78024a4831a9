"""Display labels shared by the econometric estimators (each declares its own ``Labels``).

The family name and the labels of the diagnostics every fixed-effects design writes; an
estimator adds its own quantities and diagnostics to these.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["DID_DIAGNOSTICS", "FAMILY", "FE_DIAGNOSTICS", "TIMING_DIAGNOSTICS"]

#: the family of every econometric estimator (one of :data:`burdenshare.labels.FAMILIES`)
FAMILY = "Host impact (econometric)"

#: diagnostics of ``panel_fe`` and ``iv_2sls``
FE_DIAGNOSTICS: Mapping[str, str] = MappingProxyType({
    "n_obs": "Observations (unit-years)",
    "n_entities": "Units (countries or sub-national areas)",
    "n_countries": "Countries",
    "n_periods": "Years",
    "n_clusters": "Clusters",
    "t_degrees_of_freedom": "Degrees of freedom of the t quantiles",
    "first_year": "First year",
    "last_year": "Last year",
    "excluded": "Observations excluded",
})

#: diagnostics of the difference-in-differences family
DID_DIAGNOSTICS: Mapping[str, str] = MappingProxyType({
    "n_obs": "Observations (unit-years)",
    "n_clusters": "Clusters",
    "n_countries": "Countries",
    "n_years": "Years",
    "first_panel_year": "First year",
    "last_panel_year": "Last year",
    "vcov": "Standard errors",
    "excluded": "Observations excluded",
})

#: diagnostics of the designs with treatment onsets (``event_study``, ``staggered_did``)
TIMING_DIAGNOSTICS: Mapping[str, str] = MappingProxyType({
    **DID_DIAGNOSTICS,
    "treatment_rule": "Treatment onset rule",
    "n_treated": "Treated units",
    "n_never_treated": "Never-treated units",
    "cohorts": "Cohorts (onset year: units)",
    "pretrend_F": "Pre-trend test F",
    "pretrend_p_value": "Pre-trend test p-value",
})
