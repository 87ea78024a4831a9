"""burdenshare: measure burden- and responsibility-sharing in refugee protection.

The public API is exactly ``__all__``. Heavy optional dependencies (altair, ipywidgets,
great_tables, vl_convert) are never imported here.
"""

from __future__ import annotations

from ._errors import (
    BurdenshareError,
    DataValidationError,
    EstimatorError,
    ExportError,
    ParameterError,
    RegistryError,
)
from ._version import __version__
from .compare import Comparison, compare
from .composite import ResponsibilityBalance, SupportGap
from .data import Dataset, Source
from .estimators.base import Estimator, EstimatorBase
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
