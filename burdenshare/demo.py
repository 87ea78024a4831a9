"""The demo behind ``make demo``: every built-in estimator on the embedded real data, family by
family, each on the years its method needs; compared, exported as CSV and Excel with
provenance, one chart as PNG, and a short printed summary.

- relative burden: the latest complete year (refugees, population, GDP (PPP) per capita and
  income groups all observed);
- distribution keys: the European Commission's 2015 key, Grech's key and the 50/50 reference
  key for the 28 EU Member States of 2015, against the actual 2015 asylum applications;
  the generic keys (linear, min-max) on the latest complete year;
- fair shares: resettlement and UNHCR funding against GDP/GNI-proportional shares of the
  group's own total, for the DAC members of the latest year with data;
- contributions: in-donor refugee costs, ODA/GNI against 0.7 %, funding to UNHCR, resettlement,
  the host-cost/support gap and the responsibility balance, in the latest year with DAC data;
- inclusion costs: education and health cost of including refugees in national systems in
  2025 (the year of UNHCR's age bands), with unit costs of the latest year available.
  ``unit_cost`` runs with its default sector table (health, WHO GHED); ``subsistence_cost`` needs
  a user-supplied transfer value and ``pledge_fulfilment`` a pledge file (no invented defaults),
  so the demo lists them as not run;
- host impact (illustrative): the econometric designs on the whole country-year panel,
  unemployment against refugees per 1,000 inhabitants;
- report exports of the relative-burden comparison (Markdown, LaTeX, HTML, SVG chart);
- why methods differ: a small decision grid from ``methodology/grids/latest_year.toml`` with
  the choice that moves each family's ranks most.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .compare import Comparison, compare
from .contract import Estimator
from .data import Dataset
from .export import write_comparison, write_result
from .io import load_sample
from .results import Result

__all__ = ["run_demo", "latest_complete_year", "demo_dataset", "FAMILIES"]

#: indicators every relative-burden built-in needs for the demo year
_CORE = ("refugees", "population", "gdp_ppp_per_capita_intl_current", "wb_income_group")
#: how many earlier years of area are kept so that `refugees_per_1000_km2` can use the latest
#: area observation at or before the demo year (WDI's area series ends before population)
_AREA_LOOKBACK = 5


def latest_complete_year(data: Dataset, indicators: tuple[str, ...] = _CORE) -> int:
    """Return the latest year in which every indicator in ``indicators`` is observed.

    Parameters
    ----------
    data : Dataset
    indicators : tuple of str

    Returns
    -------
    int
    """
    obs = data.observations
    years = None
    for ind in indicators:
        ys = set(obs.loc[(obs["indicator"] == ind) & obs["value"].notna(), "year"])
        years = ys if years is None else years & ys
    if not years:
        raise ValueError(f"no year has all of {indicators}")
    return int(max(years))


def demo_dataset(data: Dataset) -> tuple[Dataset, int]:
    """Return the relative-burden demo data: the latest complete year, plus earlier area.

    Parameters
    ----------
    data : Dataset

    Returns
    -------
    (Dataset, int)
        The selection and its year.
    """
    year = latest_complete_year(data)
    area = data.select(indicators=["land_area_km2"], years=(year - _AREA_LOOKBACK, year))
    rest = data.select(years=(year, year))
    rest = rest.select(indicators=[i for i in rest.indicators if i != "land_area_km2"])
    # the earlier years of area are inputs only: the demo asks for estimates of `year`
    return replace(Dataset.concat([rest, area]), requested_years=(year,)), year


Settings = Mapping[str, Mapping[str, Any]]


def _defaults(year: int) -> Settings:
    return {}


@dataclass(frozen=True)
class Family:
    """One block of the demo: its data, the families of its methods and their demo parameters.

    The methods are the built-ins whose ``labels.family`` is one of ``families`` (from the
    registry: no list of names here), less those the demo cannot run (:data:`NOT_RUN`) and
    those another block runs only by itself (``only``).

    Parameters
    ----------
    key, title : str
        File stem of the block's outputs and its printed heading.
    select : callable
        The block's data and year, from the embedded samples.
    families : tuple of str
        Label families of its methods.
    settings : callable
        Year -> parameters by method, for the methods whose defaults do not fit the demo's
        data (the others run with their defaults); these come first.
    only : bool
        Run only the methods of ``settings`` (a family split over two blocks).
    """

    key: str
    title: str
    select: Callable[[Dataset], tuple[Dataset, int]]
    families: tuple[str, ...]
    settings: Callable[[int], Settings] = _defaults
    only: bool = False

    def estimators(self, year: int) -> dict[str, Estimator]:
        """Return the block's estimators for ``year``, by registry name."""
        from .registry import make

        settings = self.settings(year)
        names = list(settings) if self.only else [*settings, *self._others(settings)]
        return {n: make(n).with_params(**settings.get(n, {})) for n in names}

    def _others(self, settings: Settings) -> list[str]:
        from .labels import default_labels
        from .registry import builtins, get

        skip = {*settings, *NOT_RUN, *_run_alone()}
        return [n for n in builtins() if n not in skip
                and default_labels(get(n)).family in self.families]


def _run_alone() -> set[str]:
    """Methods a block runs by itself (``only``), so not with the rest of their family."""
    return {n for fam in FAMILIES if fam.only for n in fam.settings(0)}


def _relative(data: Dataset) -> tuple[Dataset, int]:
    return demo_dataset(data)


def _keys(data: Dataset) -> tuple[Dataset, int]:
    return data.select(years=(2010, 2015)), 2015


def _keys_settings(year: int) -> Settings:
    from .estimators.distribution_keys import EU28_2015

    actual = {"states": EU28_2015, "actual": "asylum_applications", "actual_year": 2015}
    return {
        "eu_relocation_2015": actual,
        "grech_2017": actual,
        "reference_key_50_50": {**actual, "population_year": 2014, "gdp_year": 2013,
                                "key_year": 2015},
    }


def _generic_keys(data: Dataset) -> tuple[Dataset, int]:
    year = latest_complete_year(data, ("population", "gdp_usd_current", "unemployment_rate",
                                       "gdp_ppp_per_capita_intl_current"))
    return data.select(years=(year, year)), year


def _generic_keys_settings(year: int) -> Settings:
    from .estimators.distribution_keys import EU27_2020

    return {
        "linear_key": {"states": EU27_2020, "year": year, "criteria": (
            ("population", 0.4), ("gdp_usd_current", 0.4), ("unemployment_rate", 0.2)),
            "inverted": ("unemployment_rate",)},
        "minmax_key": {"states": EU27_2020, "year": year},
    }


def _fair(data: Dataset) -> tuple[Dataset, int]:
    year = latest_complete_year(data, ("dac_member", "gdp_usd_current", "gni_atlas_usd_current",
                                       "resettlement_arrivals", "unhcr_revenue_earmarked_usd_current"))
    return data.select(years=(year, year)), year


def _fair_settings(year: int) -> Settings:
    return {
        "fair_share_resettlement": {"year": year},
        "fair_share_funding": {"actual": "unhcr_revenue", "year": year},
    }


def _contributions(data: Dataset) -> tuple[Dataset, int]:
    # from the latest year in which every contribution input is observed to the latest year of
    # OECD DAC data (2025, preliminary): methods whose inputs stop earlier list the missing
    # years in their exclusions (year_without_data) and the demo prints them
    first = latest_complete_year(data, ("idrc_usd_million_current", "oda_usd_million_current",
                                        "unhcr_revenue_earmarked_usd_current",
                                        "gov_health_expenditure_per_capita_usd_current",
                                        "oda_received_usd_current"))
    last = latest_complete_year(data, ("idrc_usd_million_current", "oda_usd_million_current",
                                       "gni_usd_million_current"))
    return data.select(years=(min(first, last), last)), last


def _contributions_settings(year: int) -> Settings:
    return {"resettlement_effort": {"year": year}, "support_gap": {"cost": "estimator"}}


_PEOPLE_2025 = ("refugees", "refugees_aged_5_11", "refugees_aged_12_17", "refugees_with_age")
_COST_INPUTS = ("gdp_per_capita_usd_current", "wb_income_group", "gross_enrolment_ratio_primary",
                "gross_enrolment_ratio_secondary", "gov_expenditure_per_student_primary_pct_gdp_pc",
                "gov_expenditure_per_student_secondary_pct_gdp_pc",
                "gov_health_expenditure_per_capita_usd_current",
                # UIS per-student funding to 2023 (issue 14)
                "initial_gov_funding_per_student_primary_pct_gdp_pc",
                "initial_gov_funding_per_student_secondary_pct_gdp_pc")


def _costs(data: Dataset) -> tuple[Dataset, int]:
    # the people of the year of UNHCR's age bands, with the cost inputs of every earlier year
    # (per-student expenditure ends in 2018, health expenditure in 2022: the estimators use the
    # latest available year and report it)
    year = latest_complete_year(data, ("refugees_aged_5_11",))
    people = data.select(years=(year, year), indicators=_PEOPLE_2025)
    inputs = data.select(years=(1995, year), indicators=_COST_INPUTS)
    # the earlier years of the cost inputs are inputs only: estimates are asked for `year`
    return replace(Dataset.concat([people, inputs]), requested_years=(year,)), year


_PANEL_INDICATORS = ("refugees", "population", "unemployment_rate", "refugees_by_origin",
                     "refugees_from_origin")


def _host_impact(data: Dataset) -> tuple[Dataset, int]:
    # the whole country-year panel: the designs need many years
    sub = data.select(indicators=[i for i in _PANEL_INDICATORS if i in data.indicators])
    return sub, int(sub.observations["year"].max())


#: the demo's blocks, in order
FAMILIES = (
    Family("relative_burden", "Relative burden", _relative, ("Relative burden",)),
    Family("eu_keys_2015", "Distribution keys (EU 2015)", _keys, ("Distribution keys",),
           _keys_settings, only=True),
    Family("generic_keys", "Generic keys", _generic_keys, ("Distribution keys",),
           _generic_keys_settings),
    Family("fair_shares", "Fair shares", _fair, ("Fair shares",), _fair_settings),
    Family("contributions", "Contributions against commitments", _contributions,
           ("Contributions", "Composites"), _contributions_settings),
    Family("inclusion_costs", "Cost of inclusion", _costs, ("Costs of inclusion",)),
    Family("host_impact", "Host impact on unemployment (illustrative country panel)", _host_impact,
           ("Host impact (econometric)",)),
)

#: built-ins the demo does not run, and why
NOT_RUN = {
    "pledge_fulfilment": "needs your pledge file in the documented format (the shipped template "
    "data_samples/pledges_template.csv is empty by design: no pledges are invented)",
    "subsistence_cost": "needs a user-supplied transfer value or poverty line with its source",
}


def run_demo(out: Path) -> dict[str, Comparison]:
    """Run the demo and write its outputs into ``out``.

    Parameters
    ----------
    out : Path
        Output folder (created).

    Returns
    -------
    dict of str to Comparison
        One comparison per family.
    """
    out.mkdir(parents=True, exist_ok=True)
    data = load_sample()
    print(f"burdenshare demo on the embedded real data ({len(data):,} observations, "
          f"fingerprint {data.fingerprint[:12]}).")
    written: list[Path] = []
    comps: dict[str, Comparison] = {}
    for fam in FAMILIES:
        sub, year = fam.select(data)
        comp = compare(fam.estimators(year), sub, on_error="record")
        comps[fam.key] = comp
        written += write_comparison(comp, out / f"{fam.key}.csv")
        written += write_comparison(comp, out / f"{fam.key}.xlsx")
        _print_family(fam, year, comp)
    print("\nNot run: " + "; ".join(f"{k} ({v})" for k, v in NOT_RUN.items()))
    chart_note = ""
    rel = comps["relative_burden"]
    year = int(rel.results["refugees_per_1000"].estimates["year"].max())
    try:
        from .charts import ranking_chart, save_chart

        png = out / f"refugees_per_1000_{year}.png"
        save_chart(ranking_chart(rel.results["refugees_per_1000"], year=year,
                                 title=f"Refugees per 1,000 inhabitants, top 20 hosts | {year}"),
                   str(png))
        written.append(png)
    except ImportError as err:  # charts extra not installed
        chart_note = f" (chart skipped: {err}; install burdenshare[charts])"
    written += _report_exports(comps["relative_burden"], year, out)
    written += _host_impact_charts(comps["host_impact"], out)
    written += _multiverse(data, out)
    print("\nWritten:" + chart_note)
    for p in written:
        print(f"  {p}")
    return comps


def _report_exports(comp: Comparison, year: int, out: Path) -> list[Path]:
    """Report-ready tables (Markdown, LaTeX, HTML) and a method-comparison chart (SVG)."""
    written: list[Path] = []
    for suffix in (".md", ".tex", ".html"):
        written += write_comparison(comp, out / f"relative_burden_{year}{suffix}",
                                    quantity="refugees_per_1000_inhabitants", year=year, top=20)
    try:
        written += write_comparison(comp, out / f"relative_burden_methods_{year}.svg", year=year,
                                    top=15)
    except ImportError as err:  # charts extra not installed
        print(f"(comparison chart skipped: {err})")
    return written


def _host_impact_charts(comp: Comparison, out: Path) -> list[Path]:
    """The econometric designs side by side, the event study and the synthetic control (SVG)."""
    written: list[Path] = []
    try:
        from .charts import coefficient_chart
    except ImportError as err:  # charts extra not installed
        print(f"(host-impact charts skipped: {err})")
        return written
    try:  # designs without a whole-panel estimate (event study, synthetic control) are skipped
        written += write_comparison(comp, out / "host_impact_designs.svg",
                                    chart=coefficient_chart(comp))
    except ValueError as err:
        print(f"(host-impact coefficient chart skipped: {err})")
    for key in ("event_study", "synthetic_control"):
        if key in comp.results:  # their default chart is their own (result_chart)
            written += write_result(comp.results[key], out / f"host_impact_{key}.svg")
    return written


def _multiverse(data: Dataset, out: Path) -> list[Path]:
    """A small decision grid from the shipped example: which choice moves each figure most."""
    from .multiverse import example_grid_path, read_grid, run_multiverse

    grid = read_grid(example_grid_path()).subgrid(fix={"data.lookback": 7, "impute": "none"})
    mv = run_multiverse(grid, data, progress=False)
    print(f"\n== Why methods differ (decision grid) ==\n{mv.summary()}")
    drivers = mv.drivers(on="rank")
    overall = drivers[drivers["scope"] == "overall"]
    if len(overall):
        print("Which choice moves the ranks most, per family (Shapley share of rank variance):")
        r: Any  # pandas-stubs types every itertuples() field as "any scalar"
        for r in overall.itertuples(index=False):
            second = (f", then {r.second_choice} {100 * r.second_share:.0f}%"
                      if isinstance(r.second_choice, str) else "")
            print(f"  {r.family:<18} {r.top_choice} {100 * r.top_share:.0f}%{second}")
    paths = [out / "multiverse_long.csv", out / "multiverse_manifest.csv",
             out / "multiverse_attribution.csv", out / "multiverse_rank_distribution.csv"]
    mv.long.to_csv(paths[0], index=False)
    mv.manifest.to_csv(paths[1], index=False)
    mv.attribution(on="rank").to_csv(paths[2], index=False)
    mv.rank_distribution(k=10).to_csv(paths[3], index=False)
    return paths


def _print_relative_burden(comp: Comparison, year: int) -> None:
    """Print the top hosts per 1,000 inhabitants, the hosting shares and rank agreement."""
    from .countries import country_name

    per1000 = comp.results["refugees_per_1000"].estimates
    print("Highest refugees per 1,000 inhabitants:")
    host: Any  # pandas-stubs types every itertuples() field as "any scalar"
    for host in per1000.nlargest(5, "estimate").itertuples(index=False):
        print(f"  {country_name(host.iso3):<28} {host.estimate:8.1f}")
    conc = comp.results["hosting_concentration"].estimates
    lmic = conc[conc["quantity"] == "share_hosted_low_and_middle_income"]
    if len(lmic):
        print("Share hosted in low- and middle-income countries: "
              f"{100 * float(lmic['estimate'].iloc[0]):.0f}%")
    nb = comp.results["neighbour_hosting_share"].estimates
    nb = nb[(nb["quantity"] == "share_hosted_in_neighbouring_countries") & nb["iso3"].isna()]
    if len(nb):
        print("Share hosted in countries bordering the country of origin: "
              f"{100 * float(nb['estimate'].iloc[0]):.0f}%")
    print("Rank agreement between the per-country indices (Spearman):")
    print(comp.agreement().round(2).to_string())


def _print_eu_keys(comp: Comparison, year: int) -> None:
    """Print the key shares against the actual 2015 shares, top five by actual."""
    keys = comp.wide("key_share").droplevel("year")
    actual = comp.wide("actual_share").droplevel("year").iloc[:, 0]
    top = keys.assign(actual_2015=actual).sort_values("actual_2015", ascending=False).head(5)
    print("Key shares vs actual share of 2015 asylum applications (top 5 by actual):")
    print((100 * top).round(2).to_string())


def _print_inclusion_costs(comp: Comparison, year: int) -> None:
    """Print each method's total cost of the year."""
    for label_, r in comp.results.items():
        e = r.estimates
        tot = e[e["iso3"].isna() & (e["quantity"] == r.main_quantity) & (e["year"] == year)]
        if len(tot):
            row = tot.iloc[0]
            print(f"{label_}: {row['estimate'] / 1e9:,.2f} bn ({row['unit']}; {row['term']})")


def _print_synthetic_control(label_: str, r: Result) -> None:
    """Print the mean post-treatment gap and placebo p-value of the synthetic control."""
    e = r.estimates
    att = e[e["quantity"] == "att_post"]
    p = r.diagnostics.get("placebo_p_value")
    if len(att):
        print(f"  {label_:<18} mean post-treatment gap {att['estimate'].iloc[0]:+.3f}"
              f" (placebo p = {float(p):.3f})" if p is not None else "")


def _print_effect(label_: str, r: Result) -> None:
    """Print the first main estimate of one host-impact method."""
    e = r.estimates
    main = e[e["quantity"] == r.main_quantity]
    if label_ in ("event_study", "staggered_did"):
        main = main[main["term"].astype(str).isin(["overall", "e=0"])] if len(main) else main
    for first in main.head(1).itertuples(index=False):
        extra = ""
        if label_ == "iv_2sls" and "first_stage_f" in r.diagnostics:
            extra = f", first-stage F {float(r.diagnostics['first_stage_f']):.2f}"
        print(f"  {label_:<18} {first.term}: {first.estimate:+.4f} (SE {first.std_error:.4f}, "
              f"{r.uncertainty_method}{extra})")


def _print_host_impact(comp: Comparison, year: int) -> None:
    """Print each host-impact method's effect on the unemployment rate."""
    print("Effect on the unemployment rate (percentage points); read methodology/"
          "host_impact_panels.md before any causal reading:")
    for label_, r in comp.results.items():
        if label_ == "synthetic_control":
            _print_synthetic_control(label_, r)
        else:
            _print_effect(label_, r)


def _print_contributions_of_year(comp: Comparison, year: int) -> None:
    """Print the contributions family (the year is not used)."""
    _print_contributions(comp)


_FAMILY_PRINTERS: dict[str, Callable[[Comparison, int], None]] = {
    "relative_burden": _print_relative_burden,
    "eu_keys_2015": _print_eu_keys,
    "inclusion_costs": _print_inclusion_costs,
    "host_impact": _print_host_impact,
    "contributions": _print_contributions_of_year,
}


def _print_family(fam: Family, year: int, comp: Comparison) -> None:
    span = str(year)
    if fam.key == "contributions" and len(comp.long):
        span = f"{int(comp.long['year'].dropna().min())}-{year}"
    print(f"\n== {fam.title}, {span} ==")
    print(comp.summary()[["method", "quantity", "unit", "estimates", "excluded",
                          "uncertainty_method"]].to_string(index=False))
    printer = _FAMILY_PRINTERS.get(fam.key)
    if printer is not None:
        printer(comp, year)
    for k, msg in comp.failures.items():
        print(f"FAILED {k}: {msg}")


def _print_contributions(comp: Comparison) -> None:
    """DAC in-donor refugee costs and ODA/GNI by year, preliminary years labelled; the years
    some methods could not estimate.
    """
    from .provenance import years_without_estimates_line

    idrc = comp.results.get("in_donor_refugee_costs")
    oda = comp.results.get("oda_gni_commitment")
    if idrc is not None:
        e = idrc.estimates[idrc.estimates["iso3"].isna()]
        piv = e.pivot_table(index="year", columns="quantity", values="estimate")
        prelim = idrc.diagnostics.get("preliminary_years", {})
        ratio = None
        if oda is not None:
            o = oda.estimates[oda.estimates["iso3"].isna()
                              & (oda.estimates["quantity"] == "oda_gni_pct")]
            ratio = o.set_index("year")["estimate"]
        print("DAC donors in the data: in-donor refugee costs and ODA/GNI by year:")
        yr: Any  # pandas-stubs types an index label as "any scalar": a year here
        for yr, row in piv.iterrows():
            r = "" if ratio is None or yr not in ratio.index else f", ODA/GNI {ratio[yr]:.2f}%"
            label = "  (OECD preliminary)" if int(yr) in prelim else ""
            print(f"  {int(yr)}  USD {row['idrc_usd_million'] / 1000:6.2f} bn = "
                  f"{row['idrc_share_of_oda_pct']:5.2f}% of ODA{r}{label}")
    for label_, res in comp.results.items():
        line = years_without_estimates_line(str(label_), res)
        if line:
            print(f"  note: {line}")
