"""The panel module of the econometric estimators (``panel_fe``, ``did``, ``event_study``,
``staggered_did``, ``iv_2sls`` and ``synthetic_control``).

- :mod:`.units` — panel units (a country, or a sub-national area ``ISO3/area``): integer
  codes, labels, unit-code parameters, the mixed-level check and fixed-effect singletons;
- :mod:`.variables` — the variables a panel can hold (indicators and derived variables) and
  the parameter fields and checks the designs share;
- :mod:`.grid` — :func:`build_panel`: complete unit-years of derived variables
  (``panel_fe``, ``iv_2sls``), and :func:`settle`;
- :mod:`.builder` — :class:`PanelBuilder`: the unit-year panel of the DiD family and the
  synthetic control, with the design-stage drops (units, event times, singletons).
"""

from __future__ import annotations

from ...data import key_codes
from .builder import PanelBuilder, onset_from_threshold, wald_pvalue
from .grid import PanelFrame, PanelLedger, build_panel, drop_singletons, fe_clusters, settle
from .units import (
    by_value,
    check_codes,
    check_known_units,
    check_levels,
    check_unit_codes,
    country_details,
    dense_codes,
    densify,
    match_codes,
    mixed_levels_error,
    n_distinct,
    singletons,
    unit_codes,
    unit_labels,
    unit_years,
)
from .variables import (
    DERIVED,
    Derived,
    YearWindow,
    check_outcome,
    check_variable,
    check_years,
    outcome_field,
    require,
    variable_inputs,
    variable_spec,
    variable_unit,
    years_field,
)

__all__ = [
    "DERIVED",
    "Derived",
    "PanelBuilder",
    "PanelFrame",
    "PanelLedger",
    "YearWindow",
    "build_panel",
    "by_value",
    "check_codes",
    "check_known_units",
    "check_levels",
    "check_outcome",
    "check_unit_codes",
    "check_variable",
    "check_years",
    "country_details",
    "dense_codes",
    "densify",
    "drop_singletons",
    "fe_clusters",
    "key_codes",
    "match_codes",
    "mixed_levels_error",
    "n_distinct",
    "onset_from_threshold",
    "outcome_field",
    "require",
    "settle",
    "singletons",
    "unit_codes",
    "unit_labels",
    "unit_years",
    "variable_inputs",
    "variable_spec",
    "variable_unit",
    "wald_pvalue",
    "years_field",
]
