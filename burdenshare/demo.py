"""The demo behind ``make demo``: every built-in on the latest complete year of the embedded
samples, compared, exported as CSV and Excel with provenance, one chart as PNG, and a short
printed summary.
"""

from __future__ import annotations

from pathlib import Path

from .compare import Comparison, compare
from .data import Dataset
from .export import write_comparison, write_result
from .io import load_sample
from .registry import available, make

__all__ = ["run_demo", "latest_complete_year", "demo_dataset"]

#: indicators every built-in needs for the demo year
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
    """The demo's data: the latest complete year, plus earlier area observations.

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
    return Dataset.concat([rest, area]), year


def run_demo(out: Path) -> Comparison:
    """Run the demo and write its outputs into ``out``.

    Parameters
    ----------
    out : Path
        Output folder (created).

    Returns
    -------
    Comparison
    """
    out.mkdir(parents=True, exist_ok=True)
    data, year = demo_dataset(load_sample())
    names = [n for n, info in available().items() if info.builtin]
    comp = compare({n: make(n) for n in names}, data)
    written = write_comparison(comp, out / f"comparison_{year}.csv")
    written += write_comparison(comp, out / f"comparison_{year}.xlsx")
    written += write_result(comp.results["refugees_per_1000"], out / f"refugees_per_1000_{year}.csv")
    chart_note = ""
    try:
        from .charts import ranking_chart, save_chart

        png = out / f"refugees_per_1000_{year}.png"
        save_chart(ranking_chart(comp.results["refugees_per_1000"], year=year,
                                 title=f"Refugees per 1,000 inhabitants, top 20 hosts | {year}"),
                   str(png))
        written.append(png)
    except ImportError as err:  # charts extra not installed
        chart_note = f" (chart skipped: {err}; install burdenshare[charts])"
    _print_summary(comp, year, data, written, chart_note)
    return comp


def _print_summary(comp: Comparison, year: int, data: Dataset, written: list[Path],
                   chart_note: str) -> None:
    from .countries import country_name

    print(f"burdenshare demo: {len(comp.results)} built-in estimators on {year}, the latest year "
          f"with refugees, population, GDP (PPP) per capita and income groups in the embedded "
          f"samples (data fingerprint {data.fingerprint[:12]}).")
    print(comp.summary().to_string(index=False))
    per1000 = comp.results["refugees_per_1000"].estimates
    top = per1000.nlargest(5, "estimate")
    print(f"\nHighest refugees per 1,000 inhabitants, {year}:")
    for r in top.itertuples(index=False):
        print(f"  {country_name(r.iso3):<28} {r.estimate:8.1f}")
    conc = comp.results["hosting_concentration"].estimates
    lmic = conc[conc["quantity"] == "share_hosted_low_and_middle_income"]
    if len(lmic):
        print(f"\nShare of refugees hosted in low- and middle-income countries, {year}: "
              f"{100 * float(lmic['estimate'].iloc[0]):.0f}%")
    agree = comp.agreement()
    print("\nRank agreement between the per-country indices (Spearman):")
    print(agree.round(2).to_string())
    print("\nWritten:" + chart_note)
    for p in written:
        print(f"  {p}")
