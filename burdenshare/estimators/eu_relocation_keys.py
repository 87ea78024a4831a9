"""The European Commission's 2015 relocation key and Grech's (2017) alternative key.

- :class:`EuRelocation2015` (``eu_relocation_2015``): the European Commission's 2015 relocation
  key, uncapped (COM(2015) 286) or capped with a residual (COM(2015) 450/451);
- :class:`Grech2017` (``grech_2017``): Grech's alternative key with modulating factors.

Both are built on population, GDP, unemployment and past asylum effort (:class:`_EffortKey`)
and run on the shared engine of :mod:`burdenshare.estimators._key_engine`; both are also
importable from :mod:`burdenshare.estimators.distribution_keys`. Formulas, sources, assumptions
and validation are in ``methodology/eu_relocation_2015.md`` and ``methodology/grech_2017.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._errors import EstimatorError, ParameterError
from ._key_engine import (
    _FACTOR,
    _SHARE,
    _check_states,
    _inverse_shares,
    _key_labels,
    _KeyBase,
    _Obs,
    _rows,
    _State,
    _union,
)

__all__ = [
    "EuRelocation2015",
    "Grech2017",
    "COM_2015_451_STATES",
    "COM_2015_286_STATES",
    "EU28_2015",
    "EU27_2020",
    "GRECH_2017_STATES",
]

#: The 22 Member States among which COM(2015) 451 (9 Sep 2015) shares 120,000 persons relocated
#: from Italy, Greece and Hungary (shared/data/eu_relocation_2015_allocations.csv).
COM_2015_451_STATES: tuple[str, ...] = (
    "AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "ESP", "EST", "FIN", "FRA", "HRV", "LTU", "LUX",
    "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "SWE",
)
#: The 23 Member States of the COM(2015) 286 Annex I key for Italy (27 May 2015): the above and
#: Hungary.
COM_2015_286_STATES: tuple[str, ...] = tuple(sorted((*COM_2015_451_STATES, "HUN")))
#: The 28 EU Member States of 2015.
EU28_2015: tuple[str, ...] = tuple(sorted((*COM_2015_286_STATES, "DNK", "GBR", "GRC", "IRL",
                                           "ITA")))
#: The 27 EU Member States since 1 February 2020.
EU27_2020: tuple[str, ...] = tuple(c for c in EU28_2015 if c != "GBR")
#: The 32 EU/EFTA States of Grech (2017), Tables 1 and 2.
GRECH_2017_STATES: tuple[str, ...] = tuple(sorted((*EU28_2015, "CHE", "ISL", "LIE", "NOR")))


def _effort(obs: _Obs, st: _State, *, applications: str, years: tuple[int, ...],
            resettlement: bool, missing: str, rule: Literal["positive", "non_negative"]) -> None:
    """Past asylum effort per million inhabitants, averaged over the reference years."""
    rates: list[float] = []
    used: list[int] = []
    for t in range(years[0], years[1] + 1):
        a = obs.get(st.iso3, applications, t)
        p = obs.get(st.iso3, "population", t)
        s = obs.get(st.iso3, "resettlement_arrivals", t) if resettlement else None
        a_nan = (st.iso3, applications, t) in obs.nan
        why = ""
        if a is None and (missing == "average_observed" or a_nan):
            why = obs.absent(st.iso3, applications, t)
        elif p is None:
            why = obs.absent(st.iso3, "population", t)
        elif p[0] <= 0:
            why = f"population {t} is {p[0]:g}"
            st.bad.append((p[1], "non_positive_denominator",
                           f"population {t} is {p[0]:g}, so applications per million are "
                           "undefined"))
        year_rows = [h[1] for h in (a, p, s) if h is not None]
        if why or p is None:
            detail = (f"{st.iso3} {t} is left out of the {years[0]}-{years[1]} effort average: "
                      f"{why}")
            st.spare.extend((r, "missing_counterpart", detail) for r in year_rows)
            continue
        count = (a[0] if a is not None else 0.0) + (s[0] if s is not None else 0.0)
        rates.append(count / p[0] * 1e6)
        used.extend(year_rows)
    if not rates:
        st.problems.append(f"no year of {years[0]}-{years[1]} has both {applications} and "
                           "population")
        return
    x = float(np.mean(rates))
    if rule == "positive" and x <= 0:
        msg = (f"past asylum effort {years[0]}-{years[1]} is zero, so its inverse is "
               "undefined")
        st.bad.extend((r, "non_positive_denominator", msg) for r in used)
        st.problems.append(msg)
        return
    st.values["effort"] = x
    st.values["effort_years_observed"] = float(len(rates))
    st.rows.extend(used)



# --------------------------------------------------------------------------- EU 2015
_EFFORT_DOC = ("past asylum effort: 'computed' from applications (+ resettlement) per million "
               "inhabitants averaged over effort_years, or 'given' by the data's "
               "asylum_effort_per_million of the last effort year")


@dataclass(frozen=True, kw_only=True)
class _EffortKey(_KeyBase):
    """Keys built on population, GDP, unemployment and past asylum effort (EC 2015, Grech)."""

    states: tuple[str, ...] = field(default=(), metadata={
        "doc": "ISO3 codes of the participating States (empty: the method's own group: the "
               "States of COM(2015) 451 or 286 for the EU key, Grech's 32 EU/EFTA States)"})
    population_year: int = field(default=2014, metadata={"doc": "reference year of population"})
    gdp_year: int = field(default=2013, metadata={"doc": "reference year of total GDP"})
    unemployment_year: int = field(default=2014, metadata={
        "doc": "reference year of the unemployment rate"})
    effort_years: tuple[int, ...] = field(default=(2010, 2014), metadata={
        "doc": "first and last year of the past-effort average (two years, e.g. 2010,2014)"})
    effort: Literal["computed", "given"] = field(default="computed",
                                                 metadata={"doc": _EFFORT_DOC})
    effort_applications: Literal["asylum_applications_new", "asylum_applications"] = field(
        default="asylum_applications_new", metadata={
            "doc": "applications counted in the effort: new (UNHCR app_type N) or all"})
    effort_resettlement: bool = field(default=True, metadata={
        "doc": "add resettlement arrivals to the applications in the effort"})
    effort_missing: Literal["average_observed", "count_as_zero"] = field(
        default="average_observed", metadata={
            "doc": "a year without an application observation drops out of the State's average "
                   "(average_observed) or counts as zero applications (count_as_zero)"})
    key_year: int = field(default=2015, metadata={
        "doc": "year the key applies to (the year of its estimates)"})

    _rule: ClassVar[Literal["positive", "non_negative"]] = "positive"

    def _validate_key(self) -> None:
        _check_states("states", self.states)
        if len(self.effort_years) != 2:
            raise ParameterError(f"parameter 'effort_years' = {list(self.effort_years)} must "
                                 "give two years: the first and the last")
        if self.effort_years[0] > self.effort_years[1]:
            raise ParameterError(f"parameter 'effort_years' = {list(self.effort_years)}: the "
                                 "first year is after the last")

    def _uses_effort(self) -> bool:
        return True

    def _uses_unemployment(self) -> bool:
        return True

    def _effort_year_given(self) -> int:
        return self.effort_years[1]

    def _key_year(self) -> int:
        return self.key_year

    def _criteria_inputs(self) -> frozenset[str]:
        out = {"population", "gdp_usd_current"}
        if self._uses_unemployment():
            out.add("unemployment_rate")
        if self._uses_effort():
            if self.effort == "given":
                out.add("asylum_effort_per_million")
            else:
                out.add(self.effort_applications)
                if self.effort_resettlement:
                    out.add("resettlement_arrivals")
        return frozenset(out)

    def optional_inputs(self) -> frozenset[str]:
        """Resettlement arrivals may be absent altogether (none reported counts as none)."""
        if self._uses_effort() and self.effort == "computed" and self.effort_resettlement:
            return frozenset({"resettlement_arrivals"})
        return frozenset()

    def _criteria_years(self) -> dict[str, frozenset[int]]:
        span = range(self.effort_years[0], self.effort_years[1] + 1)
        parts: list[dict[str, Iterable[int]]] = [
            {"population": {self.population_year}, "gdp_usd_current": {self.gdp_year}}]
        if self._uses_unemployment():
            parts.append({"unemployment_rate": {self.unemployment_year}})
        if self._uses_effort():
            if self.effort == "given":
                parts.append({"asylum_effort_per_million": {self._effort_year_given()}})
            else:
                parts.append({"population": span, self.effort_applications: span})
                if self.effort_resettlement:
                    parts.append({"resettlement_arrivals": span})
        return _union(*parts)

    def _gather(self, obs: _Obs, st: _State) -> None:
        obs.need(st, "population", "population", self.population_year, "positive")
        obs.need(st, "gdp", "gdp_usd_current", self.gdp_year, "positive")
        if self._uses_unemployment():
            obs.need(st, "unemployment", "unemployment_rate", self.unemployment_year, self._rule)
        if self._uses_effort():
            if self.effort == "given":
                obs.need(st, "effort", "asylum_effort_per_million", self._effort_year_given(),
                         self._rule)
            else:
                _effort(obs, st, applications=self.effort_applications,
                        years=self.effort_years, resettlement=self.effort_resettlement,
                        missing=self.effort_missing, rule=self._rule)

    def _input_notes(self) -> list[str]:
        notes = [
            f"Population = mid-year total population in {self.population_year}; GDP = total "
            f"GDP at market prices in current US dollars in {self.gdp_year} (only shares "
            "enter the key, so the currency matters only through exchange rates)."]
        if self._uses_unemployment():
            notes.append(f"Unemployment = unemployment rate (% of labour force) in "
                         f"{self.unemployment_year}.")
        if self._uses_effort():
            y0, y1 = self.effort_years
            if self.effort == "given":
                notes.append(f"Past asylum effort = the data's asylum_effort_per_million of "
                             f"{y1}, read as the {y0}-{y1} average.")
            else:
                what = ("new asylum applications (UNHCR application type N)"
                        if self.effort_applications == "asylum_applications_new"
                        else "asylum applications of all types")
                plus = " plus resettlement arrivals" if self.effort_resettlement else ""
                rule = ("a year without an application observation drops out of that State's "
                        "average (diagnostics: effort_years_observed)"
                        if self.effort_missing == "average_observed"
                        else "a year without an application observation counts as zero "
                        "applications")
                notes.append(
                    f"Past asylum effort = mean over {y0}-{y1} of {what}{plus} per million "
                    f"inhabitants of the same year; {rule}; a missing (NaN) count never "
                    "counts as zero"
                    + ("; a year without a resettlement observation counts as no resettlement "
                       "(UNHCR publishes no zero flows)." if self.effort_resettlement else "."))
        return notes

    def _effort_diag(self, table: pd.DataFrame) -> dict[str, Any]:
        if self._uses_effort() and self.effort == "computed":
            n = table["effort_years_observed"].astype(int)
            full = self.effort_years[1] - self.effort_years[0] + 1
            return {"effort_years_observed": {k: int(v) for k, v in n.items() if v < full}}
        return {}


@dataclass(frozen=True, kw_only=True)
class EuRelocation2015(_EffortKey):
    r"""The European Commission's 2015 relocation key (COM(2015) 286; COM(2015) 450/451).

    Over the participating States :math:`I`, with population :math:`P`, total GDP :math:`G`,
    past asylum effort :math:`x` (applications and resettled refugees per million inhabitants,
    period average) and unemployment rate :math:`y`:

    .. math::

        \pi^{pop}_i = P_i/\textstyle\sum_{j\in I} P_j,\quad
        \pi^{GDP}_i = G_i/\textstyle\sum_j G_j,\quad
        \pi^{base}_i = \frac{\alpha_1\pi^{pop}_i + \alpha_2\pi^{GDP}_i}{\alpha_1+\alpha_2},\quad
        \pi^{x}_i = \frac{1/x_i}{\sum_j 1/x_j},\quad
        \pi^{y}_i = \frac{1/y_i}{\sum_j 1/y_j}

    ``variant="uncapped"`` (May 2015):
    :math:`k_i = \alpha_1\pi^{pop}_i + \alpha_2\pi^{GDP}_i + \alpha_3\pi^x_i + \alpha_4\pi^y_i`.
    ``variant="capped"`` (September 2015): the corrective effects are capped,
    :math:`e^x_i = \min(\pi^x_i, c_i)`, :math:`e^y_i = \min(\pi^y_i, c_i)` with
    :math:`c_i = \kappa(\pi^{pop}_i + \pi^{GDP}_i)` (``cap_basis="population_plus_gdp_share"``)
    or :math:`c_i = \kappa\,\pi^{base}_i` (``"base_share"``), and the residual goes by the base
    share:

    .. math::

        q_i = \alpha_1\pi^{pop}_i + \alpha_2\pi^{GDP}_i + \alpha_3 e^x_i + \alpha_4 e^y_i,\qquad
        k_i = q_i + \Bigl(1 - \textstyle\sum_j q_j\Bigr)\pi^{base}_i .

    Defaults: :math:`\alpha = (0.4, 0.4, 0.1, 0.1)`, :math:`\kappa = 0.3`. See
    ``methodology/eu_relocation_2015.md``.

    Parameters
    ----------
    variant : {"capped", "uncapped"}
        September 2015 (COM(2015) 450/451) or May 2015 (COM(2015) 286) formula.
    cap_basis : {"population_plus_gdp_share", "base_share"}
        What the cap multiplies: the sum of population and GDP shares (reproduces the
        Commission's COM(2015) 451 allocations; default) or the base share (reproduces Grech's
        Table 1).
    cap_fraction : float
        :math:`\kappa`.
    weight_population, weight_gdp, weight_effort, weight_unemployment : float
        :math:`\alpha_1..\alpha_4`, summing to 1.
    states : tuple of str
        Participating States; empty: the 22 States of COM(2015) 451 (capped) or the 23 of
        COM(2015) 286 Annex I (uncapped).
    total : int, optional
        Persons to allocate (``allocation``).
    population_year, gdp_year, unemployment_year : int
        Reference years (2014, 2013, 2014).
    effort_years : (int, int)
        Period of the past-effort average (2010-2014).
    effort : {"computed", "given"}
        Compute the effort from the data, or read ``asylum_effort_per_million``.
    effort_applications : {"asylum_applications_new", "asylum_applications"}
    effort_resettlement : bool
    effort_missing : {"average_observed", "count_as_zero"}
    key_year : int
        Year the key applies to (2015).
    actual : str
        Actual figures to compare with the key (``none`` by default).
    actual_year : int, optional
    sources : tuple of (indicator, source) pairs

    References
    ----------
    European Commission, COM(2015) 240 Annex; COM(2015) 286 Annex I; COM(2015) 450 and 451.
    P. Grech (2017), "Undesired properties of the European Commission's refugee distribution
    key", *European Union Politics*, doi:10.1177/1465116516649244.

    Examples
    --------
    >>> import burdenshare as bs
    >>> from burdenshare.estimators.distribution_keys import EuRelocation2015
    >>> res = EuRelocation2015(total=120_000).estimate(bs.load_sample())
    >>> alloc = res.estimates.query("quantity == 'allocation'").set_index("iso3")["estimate"]
    >>> int(alloc.sum()), int(alloc["DEU"])  # COM(2015) 451 published 31,443 for Germany
    (120000, 31485)
    """

    name: ClassVar[str] = "eu_relocation_2015"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[frozenset[str]] = frozenset({"population", "gdp_usd_current",
                                                    "unemployment_rate"})
    reference: ClassVar[str] = "methodology/eu_relocation_2015.md"
    summary: ClassVar[str] = ("European Commission 2015 relocation key (40/40/10/10, capped or "
                              "uncapped)")
    labels = _key_labels(
        "EU relocation key (2015)",
        "Each State's share of the persons relocated under the European Commission's 2015 key "
        "(population, GDP, past asylum effort, unemployment)",
        {"population_share": "Population share", "gdp_share": "GDP share",
         "base_share": "Base share (population and GDP)",
         "uncapped_key_share": "Key share without the cap",
         "effort_inverse_share": "Inverse share of past asylum effort",
         "effort_effect": "Past-asylum-effort effect",
         "unemployment_inverse_share": "Inverse share of unemployment",
         "unemployment_effect": "Unemployment effect"},
        {"residual_share": "Residual share redistributed by the base share",
         "capped_effort": "States whose effort effect is capped",
         "capped_unemployment": "States whose unemployment effect is capped",
         "effort_years_observed": "Years observed in the effort average (where incomplete)"})

    variant: Literal["capped", "uncapped"] = field(default="capped", metadata={
        "doc": "capped (COM(2015) 450/451, September 2015) or uncapped (COM(2015) 286, May "
               "2015)"})
    cap_basis: Literal["population_plus_gdp_share", "base_share"] = field(
        default="population_plus_gdp_share", metadata={
            "doc": "the cap is cap_fraction x (population share + GDP share) or cap_fraction x "
                   "base share"})
    cap_fraction: float = field(default=0.3, metadata={"gt": 0, "doc": "kappa of the cap"})
    weight_population: float = field(default=0.4, metadata={"ge": 0, "doc": "weight of "
                                                                            "population"})
    weight_gdp: float = field(default=0.4, metadata={"ge": 0, "doc": "weight of total GDP"})
    weight_effort: float = field(default=0.1, metadata={
        "ge": 0, "doc": "weight of past asylum effort (applied inversely)"})
    weight_unemployment: float = field(default=0.1, metadata={
        "ge": 0, "doc": "weight of the unemployment rate (applied inversely)"})

    def _validate_key(self) -> None:
        super()._validate_key()
        w = (self.weight_population, self.weight_gdp, self.weight_effort,
             self.weight_unemployment)
        if abs(sum(w) - 1.0) > 1e-9:
            raise ParameterError(f"the four weights must sum to 1; they sum to {sum(w):g}")
        if self.weight_population + self.weight_gdp <= 0:
            raise ParameterError("weight_population + weight_gdp must be above zero (they "
                                 "define the base share)")

    def _uses_effort(self) -> bool:
        return self.weight_effort > 0

    def _uses_unemployment(self) -> bool:
        return self.weight_unemployment > 0

    def _group_text(self) -> str:
        if self.states:
            return f"{len(self.states)} participating States (parameter states)"
        doc = "COM(2015) 451" if self.variant == "capped" else "COM(2015) 286 Annex I"
        return f"{len(self._group())} participating States of {doc}"

    def _group(self) -> tuple[str, ...]:
        if self.states:
            return self.states
        return COM_2015_451_STATES if self.variant == "capped" else COM_2015_286_STATES

    def _key(self, states: list[str], table: pd.DataFrame
             ) -> tuple[np.ndarray, list[dict[str, object]], dict[str, Any], list[str]]:
        wp, wg, we, wu = (self.weight_population, self.weight_gdp, self.weight_effort,
                          self.weight_unemployment)
        pp = table["population"].to_numpy() / table["population"].sum()
        pg = table["gdp"].to_numpy() / table["gdp"].sum()
        base = (wp * pp + wg * pg) / (wp + wg)
        n = len(states)
        ix = _inverse_shares(table["effort"].to_numpy()) if we > 0 else np.zeros(n)
        iy = _inverse_shares(table["unemployment"].to_numpy()) if wu > 0 else np.zeros(n)
        if self.variant == "capped":
            cap = self.cap_fraction * ((pp + pg) if self.cap_basis == "population_plus_gdp_share"
                                       else base)
            ex, ey = np.minimum(ix, cap), np.minimum(iy, cap)
        else:
            ex, ey = ix, iy
        q = wp * pp + wg * pg + we * ex + wu * ey
        residual = 1.0 - float(q.sum())
        key = q + residual * base
        uncapped = wp * pp + wg * pg + we * ix + wu * iy
        y = self.key_year
        rows = (_rows("population_share", states, y, pp, _SHARE)
                + _rows("gdp_share", states, y, pg, _SHARE)
                + _rows("base_share", states, y, base, _SHARE)
                + _rows("uncapped_key_share", states, y, uncapped, _SHARE))
        if we > 0:
            rows += (_rows("effort_inverse_share", states, y, ix, _SHARE)
                     + _rows("effort_effect", states, y, ex, _SHARE))
        if wu > 0:
            rows += (_rows("unemployment_inverse_share", states, y, iy, _SHARE)
                     + _rows("unemployment_effect", states, y, ey, _SHARE))
        # Grech's decomposition (his eq. 10): the key as a convex combination of the population
        # and GDP shares and the renormalised corrective effects
        eff = {"effective_weight_population": wp * (1 + residual / (wp + wg)),
               "effective_weight_gdp": wg * (1 + residual / (wp + wg)),
               "effective_weight_effort": we * float(ex.sum()),
               "effective_weight_unemployment": wu * float(ey.sum())}
        diag: dict[str, Any] = {
            "residual_share": residual,
            **{k: float(v) for k, v in eff.items()},
            "capped_effort": [s for s, a, b in zip(states, ix, ex) if b < a] if we > 0 else [],
            "capped_unemployment": ([s for s, a, b in zip(states, iy, ey) if b < a]
                                    if wu > 0 else []),
            **self._effort_diag(table),
        }
        crit = (f"population ({wp:g}), total GDP ({wg:g}), past asylum effort ({we:g}, "
                f"inversely) and unemployment ({wu:g}, inversely)")
        if self.variant == "capped":
            basis = ("the sum of its population and GDP shares"
                     if self.cap_basis == "population_plus_gdp_share" else "its base share")
            notes = [f"Key = {crit}; each corrective effect is capped at {self.cap_fraction:g} "
                     f"x {basis}, and the residual ({residual:.4f} of the total here) is shared "
                     "in proportion to the base share (Commission, September 2015)."]
        else:
            notes = [f"Key = {crit}, without a cap (Commission, May 2015)."]
        notes += self._input_notes()
        return key, rows, diag, notes


# --------------------------------------------------------------------------- Grech
@dataclass(frozen=True, kw_only=True)
class Grech2017(_EffortKey):
    r"""Grech's alternative distribution key: the base share modulated by linear factors.

    .. math::

        \lambda^{un}_i = \max\Bigl(0,\ 1 + \gamma_{un}\bigl(1 - y_i/\bar y\bigr)\Bigr),\quad
        \lambda^{as}_i = \max\Bigl(0,\ 1 + \gamma_{as}\bigl(1 - x_i/\bar x\bigr)\Bigr),\quad
        k_i = \frac{\lambda^{un}_i\lambda^{as}_i\pi^{base}_i}
                   {\sum_j \lambda^{un}_j\lambda^{as}_j\pi^{base}_j}

    with :math:`\pi^{base}_i = \tfrac12(\pi^{pop}_i + \pi^{GDP}_i)`, :math:`y` the unemployment
    rate, :math:`x` past asylum effort per capita and :math:`\bar y, \bar x` their unweighted
    means over the States (Grech 2017, eqs. 3, 12-14). :math:`\gamma_{as} = 0` gives his
    unemployment-only key :math:`\pi^*` (reported anyway as ``key_share_unemployment_only``).
    See ``methodology/grech_2017.md``.

    Parameters
    ----------
    gamma_unemployment, gamma_asylum : float
        :math:`\gamma_{un}, \gamma_{as}` (Grech: 1/10 each).
    states : tuple of str
        Participating States; empty: Grech's 32 EU/EFTA States.
    total, population_year, gdp_year, unemployment_year, effort_years, effort,
    effort_applications, effort_resettlement, effort_missing, key_year, actual, actual_year,
    sources
        As for :class:`EuRelocation2015`.

    References
    ----------
    P. Grech (2017), *European Union Politics*, doi:10.1177/1465116516649244, section "An
    alternative distribution key" and Table 2.
    """

    name: ClassVar[str] = "grech_2017"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[frozenset[str]] = frozenset({"population", "gdp_usd_current"})
    reference: ClassVar[str] = "methodology/grech_2017.md"
    summary: ClassVar[str] = "Grech's alternative key: base share x modulating factors"
    labels = _key_labels(
        "Grech's alternative key (2017)",
        "Each State's share of a total: the base share modulated by unemployment and past asylum "
        "effort",
        {"population_share": "Population share", "gdp_share": "GDP share",
         "base_share": "Base share (population and GDP)",
         "modulating_factor_unemployment": "Unemployment factor",
         "modulating_factor_asylum": "Past-asylum factor",
         "key_share_unemployment_only": "Key share, unemployment factor only"},
        {"clipped_at_zero": "States whose factor is clipped at zero",
         "effort_years_observed": "Years observed in the effort average (where incomplete)"})

    gamma_unemployment: float = field(default=0.1, metadata={
        "ge": 0, "doc": "strength of the unemployment modulation (Grech: 0.1)"})
    gamma_asylum: float = field(default=0.1, metadata={
        "ge": 0, "doc": "strength of the past-asylum modulation (Grech: 0.1)"})

    _rule: ClassVar[Literal["positive", "non_negative"]] = "non_negative"

    def _uses_effort(self) -> bool:
        return self.gamma_asylum > 0

    def _uses_unemployment(self) -> bool:
        return self.gamma_unemployment > 0

    def _group_text(self) -> str:
        if self.states:
            return f"{len(self.states)} participating States (parameter states)"
        return "32 EU/EFTA States of Grech (2017)"

    def _group(self) -> tuple[str, ...]:
        return self.states or GRECH_2017_STATES

    def _key(self, states: list[str], table: pd.DataFrame
             ) -> tuple[np.ndarray, list[dict[str, object]], dict[str, Any], list[str]]:
        pp = table["population"].to_numpy() / table["population"].sum()
        pg = table["gdp"].to_numpy() / table["gdp"].sum()
        base = 0.5 * (pp + pg)
        n = len(states)
        lu = (_modulating(table["unemployment"].to_numpy(), self.gamma_unemployment)
              if self._uses_unemployment() else np.ones(n))
        la = (_modulating(table["effort"].to_numpy(), self.gamma_asylum)
              if self._uses_effort() else np.ones(n))
        star_w = lu * base
        both_w = lu * la * base
        if star_w.sum() <= 0 or both_w.sum() <= 0:
            raise EstimatorError(f"{self.name}: every modulating factor is zero; lower "
                                 "gamma_unemployment / gamma_asylum")
        star = star_w / star_w.sum()
        key = both_w / both_w.sum()
        y = self.key_year
        rows = (_rows("population_share", states, y, pp, _SHARE)
                + _rows("gdp_share", states, y, pg, _SHARE)
                + _rows("base_share", states, y, base, _SHARE)
                + _rows("modulating_factor_unemployment", states, y, lu, _FACTOR)
                + _rows("modulating_factor_asylum", states, y, la, _FACTOR)
                + _rows("key_share_unemployment_only", states, y, star, _SHARE))
        diag = {"clipped_at_zero": [s for s, a, b in zip(states, lu, la) if a == 0 or b == 0],
                **self._effort_diag(table)}
        notes = [f"Key = base share (1/2 population share + 1/2 GDP share) x unemployment "
                 f"factor (gamma {self.gamma_unemployment:g}) x past-asylum factor (gamma "
                 f"{self.gamma_asylum:g}), renormalised; each factor is 1 at the unweighted "
                 "mean of the States and never below 0.", *self._input_notes()]
        return key, rows, diag, notes


def _modulating(v: np.ndarray, gamma: float) -> np.ndarray:
    mean = float(v.mean())
    if mean <= 0:
        return np.ones(len(v))
    return np.maximum(0.0, 1.0 + gamma * (1.0 - v / mean))

