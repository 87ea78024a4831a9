"""burdenshare: measure burden- and responsibility-sharing in refugee protection.

The public API is exactly ``__all__``. Only the exceptions and the version are imported with the
package; every other public name loads its module on first use (a module-level ``__getattr__``,
as pyfixest does), so ``import burdenshare`` loads neither scipy, statsmodels nor pandera, and
heavy optional dependencies (altair, ipywidgets, great_tables, vl_convert) are never imported
here. ``dir(burdenshare)`` lists every public name.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from ._errors import (
    BurdenshareError,
    DataValidationError,
    EstimatorError,
    ExportError,
    ParameterError,
    RegistryError,
)
from ._version import __version__

if TYPE_CHECKING:  # the lazy names below, for type checkers and IDEs
    from .compare import Comparison, compare
    from .data import Dataset, Source
    from .estimators.base import Estimator, EstimatorBase
    from .estimators.composite import ResponsibilityBalance, SupportGap
    from .estimators.contributions import (
        PledgeFulfilment,
        ResettlementEffort,
        UnhcrFundingShare,
    )
    from .estimators.contributions_dac import InDonorRefugeeCosts, OdaGniCommitment
    from .estimators.did import DiD, EventStudy, StaggeredDiD, event_study_frame
    from .estimators.distribution_keys import (
        EuRelocation2015,
        Grech2017,
        LinearKey,
        MinmaxKey,
        ReferenceKey5050,
    )
    from .estimators.fair_share import FairShareFunding, FairShareResettlement
    from .estimators.iv import IV2SLS
    from .estimators.neighbours import NeighbourHostingShare
    from .estimators.panel import PanelFE
    from .estimators.relative_burden import (
        HostingConcentration,
        OneInN,
        RefugeesPer1000,
        RefugeesPer1000Km2,
        RefugeesPerGdpPppPerCapita,
        RelativeEffort,
    )
    from .estimators.synth import SyntheticControl
    from .estimators.unit_cost import (
        EducationInclusionCost,
        HealthInclusionCost,
        SubsistenceCost,
        UnitCost,
    )
    from .io import load_sample, read_observations, sample_path
    from .multiverse import Choice, Constraint, Grid, Method, Multiverse, read_grid, run_multiverse
    from .registry import available as available_estimators
    from .registry import get as get_estimator
    from .results import Computation, Provenance, Result
    from .store import load

__all__ = [
    "__version__",
    "BurdenshareError",
    "DataValidationError",
    "EstimatorError",
    "ExportError",
    "ParameterError",
    "RegistryError",
    "Comparison",
    "compare",
    "Dataset",
    "Source",
    "Estimator",
    "EstimatorBase",
    "HostingConcentration",
    "NeighbourHostingShare",
    "OneInN",
    "RefugeesPer1000",
    "RefugeesPer1000Km2",
    "RefugeesPerGdpPppPerCapita",
    "RelativeEffort",
    "EuRelocation2015",
    "Grech2017",
    "ReferenceKey5050",
    "LinearKey",
    "MinmaxKey",
    "FairShareFunding",
    "FairShareResettlement",
    "UnhcrFundingShare",
    "ResettlementEffort",
    "PledgeFulfilment",
    "SupportGap",
    "ResponsibilityBalance",
    "InDonorRefugeeCosts",
    "OdaGniCommitment",
    "UnitCost",
    "EducationInclusionCost",
    "HealthInclusionCost",
    "SubsistenceCost",
    "PanelFE",
    "IV2SLS",
    "DiD",
    "EventStudy",
    "StaggeredDiD",
    "SyntheticControl",
    "event_study_frame",
    "Choice",
    "Constraint",
    "Grid",
    "Method",
    "Multiverse",
    "read_grid",
    "run_multiverse",
    "load",
    "load_sample",
    "read_observations",
    "sample_path",
    "available_estimators",
    "get_estimator",
    "Computation",
    "Provenance",
    "Result",
]

#: public name -> (module, attribute) of everything loaded on first use
_LAZY: dict[str, tuple[str, str]] = {
    "Comparison": (".compare", "Comparison"),
    "compare": (".compare", "compare"),
    "ResponsibilityBalance": (".estimators.composite", "ResponsibilityBalance"),
    "SupportGap": (".estimators.composite", "SupportGap"),
    "Dataset": (".data", "Dataset"),
    "Source": (".data", "Source"),
    "Estimator": (".estimators.base", "Estimator"),
    "EstimatorBase": (".estimators.base", "EstimatorBase"),
    "PledgeFulfilment": (".estimators.contributions", "PledgeFulfilment"),
    "ResettlementEffort": (".estimators.contributions", "ResettlementEffort"),
    "UnhcrFundingShare": (".estimators.contributions", "UnhcrFundingShare"),
    "InDonorRefugeeCosts": (".estimators.contributions_dac", "InDonorRefugeeCosts"),
    "OdaGniCommitment": (".estimators.contributions_dac", "OdaGniCommitment"),
    "DiD": (".estimators.did", "DiD"),
    "EventStudy": (".estimators.did", "EventStudy"),
    "StaggeredDiD": (".estimators.did", "StaggeredDiD"),
    "event_study_frame": (".estimators.did", "event_study_frame"),
    "EuRelocation2015": (".estimators.distribution_keys", "EuRelocation2015"),
    "Grech2017": (".estimators.distribution_keys", "Grech2017"),
    "LinearKey": (".estimators.distribution_keys", "LinearKey"),
    "MinmaxKey": (".estimators.distribution_keys", "MinmaxKey"),
    "ReferenceKey5050": (".estimators.distribution_keys", "ReferenceKey5050"),
    "FairShareFunding": (".estimators.fair_share", "FairShareFunding"),
    "FairShareResettlement": (".estimators.fair_share", "FairShareResettlement"),
    "IV2SLS": (".estimators.iv", "IV2SLS"),
    "NeighbourHostingShare": (".estimators.neighbours", "NeighbourHostingShare"),
    "PanelFE": (".estimators.panel", "PanelFE"),
    "HostingConcentration": (".estimators.relative_burden", "HostingConcentration"),
    "OneInN": (".estimators.relative_burden", "OneInN"),
    "RefugeesPer1000": (".estimators.relative_burden", "RefugeesPer1000"),
    "RefugeesPer1000Km2": (".estimators.relative_burden", "RefugeesPer1000Km2"),
    "RefugeesPerGdpPppPerCapita": (".estimators.relative_burden", "RefugeesPerGdpPppPerCapita"),
    "RelativeEffort": (".estimators.relative_burden", "RelativeEffort"),
    "SyntheticControl": (".estimators.synth", "SyntheticControl"),
    "EducationInclusionCost": (".estimators.unit_cost", "EducationInclusionCost"),
    "HealthInclusionCost": (".estimators.unit_cost", "HealthInclusionCost"),
    "SubsistenceCost": (".estimators.unit_cost", "SubsistenceCost"),
    "UnitCost": (".estimators.unit_cost", "UnitCost"),
    "load": (".store", "load"),
    "load_sample": (".io", "load_sample"),
    "read_observations": (".io", "read_observations"),
    "sample_path": (".io", "sample_path"),
    "Choice": (".multiverse", "Choice"),
    "Constraint": (".multiverse", "Constraint"),
    "Grid": (".multiverse", "Grid"),
    "Method": (".multiverse", "Method"),
    "Multiverse": (".multiverse", "Multiverse"),
    "read_grid": (".multiverse", "read_grid"),
    "run_multiverse": (".multiverse", "run_multiverse"),
    "available_estimators": (".registry", "available"),
    "get_estimator": (".registry", "get"),
    "Computation": (".results", "Computation"),
    "Provenance": (".results", "Provenance"),
    "Result": (".results", "Result"),
}


#: sub-modules reachable as attributes without an explicit import (they were imported eagerly
#: before the names became lazy)
_SUBMODULES = frozenset({"app", "charts", "cli", "compare", "countries", "data",
                         "demo", "estimators", "export", "indicators", "io", "multiverse",
                         "pledges", "registry", "results", "schemas", "store", "testing"})


def __getattr__(name: str) -> Any:
    """Load a public name's module on first use (PEP 562)."""
    import importlib

    target = _LAZY.get(name) or _builtin_class(name)
    if target is None and name in _SUBMODULES:  # e.g. bs.countries.country_name
        return importlib.import_module(f".{name}", __name__)
    if target is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(target[0], __name__), target[1])
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def _builtin_class(name: str) -> tuple[str, str] | None:
    """(module, class) of a built-in estimator class by its class name (from the registry, so a
    new built-in is reachable as ``burdenshare.ClassName`` without being listed here).
    """
    if not name[:1].isupper():
        return None
    from .registry import builtins

    for target in builtins().values():
        module, _, cls = target.partition(":")
        if cls == name:
            return module, cls
    return None


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package's module type: a public name spelled like a sub-module stays the public name.

    Importing ``burdenshare.compare`` (the module) makes Python bind it as the package attribute
    ``compare``, over the function ``burdenshare.compare``; when the names were imported eagerly,
    the ``from .compare import compare`` line re-bound the function afterwards. Here that binding
    is skipped, so the attribute resolves through :func:`__getattr__` to the function, as before.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
