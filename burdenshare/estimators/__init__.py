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
        "hosting_concentration": "burdenshare.estimators.hosting_concentration:HostingConcentration",
        "neighbour_hosting_share": "burdenshare.estimators.neighbours:NeighbourHostingShare",
        "eu_relocation_2015": "burdenshare.estimators.eu_relocation_keys:EuRelocation2015",
        "grech_2017": "burdenshare.estimators.eu_relocation_keys:Grech2017",
        "reference_key_50_50": "burdenshare.estimators.distribution_keys:ReferenceKey5050",
        "linear_key": "burdenshare.estimators.distribution_keys:LinearKey",
        "minmax_key": "burdenshare.estimators.distribution_keys:MinmaxKey",
        "fair_share_funding": "burdenshare.estimators.fair_share:FairShareFunding",
        "fair_share_resettlement": "burdenshare.estimators.fair_share:FairShareResettlement",
        "in_donor_refugee_costs": "burdenshare.estimators.contributions_dac:InDonorRefugeeCosts",
        "oda_gni_commitment": "burdenshare.estimators.contributions_dac:OdaGniCommitment",
        "unhcr_funding_share": "burdenshare.estimators.contributions:UnhcrFundingShare",
        "resettlement_effort": "burdenshare.estimators.contributions:ResettlementEffort",
        "pledge_fulfilment": "burdenshare.estimators.contributions:PledgeFulfilment",
        "support_gap": "burdenshare.composite:SupportGap",
        "responsibility_balance": "burdenshare.composite:ResponsibilityBalance",
        "unit_cost": "burdenshare.estimators.unit_cost:UnitCost",
        "education_inclusion_cost": "burdenshare.estimators.unit_cost:EducationInclusionCost",
        "health_inclusion_cost": "burdenshare.estimators.unit_cost:HealthInclusionCost",
        "subsistence_cost": "burdenshare.estimators.unit_cost:SubsistenceCost",
        "did": "burdenshare.estimators.did:DiD",
        "event_study": "burdenshare.estimators.did:EventStudy",
        "staggered_did": "burdenshare.estimators.did:StaggeredDiD",
        "synthetic_control": "burdenshare.estimators.synth:SyntheticControl",
        "panel_fe": "burdenshare.estimators.panel:PanelFE",
        "iv_2sls": "burdenshare.estimators.iv:IV2SLS",
    }
)

__all__ = ["BUILTINS"]
