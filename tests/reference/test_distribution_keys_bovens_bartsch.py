"""The min-max key against Bovens & Bartsch's own spreadsheet (a second implementation).

Source: ``Bovens_Bartsch_Distribution_Keys_Refugees.xlsx`` in the public repository
``georgeblck/refugee-distribution`` at commit 16cb1b8 (``METHODS.md`` §C6). Sheet "Raw data",
rows 5-27: GDP per capita at PPP (constant 2011 international $, World Bank 2014, Malta 2013),
job vacancy rate 2015 Q2 (%, Eurostat), population aged 65+ 2014 (%) and total population; sheet
"Quotas", column H "Quotas on our key in %" (the values Excel cached with the formulas
``(x - min)/(max - min)`` per indicator, equal-weight mean = "absorption willingness per
capita", times population, share of the total). The values below were read with
``openpyxl.load_workbook(path, data_only=True)`` and are typed in full precision.

The vocabulary has no job-vacancy rate and no share of the population aged 65+, so two indicators
measured in percent carry those printed values into the estimator here, only to check the
arithmetic; GDP per capita in constant 2011 $ is carried by the current-PPP indicator (a min-max
index does not depend on the unit). No meaning is attached to the carriers' names.
"""

from __future__ import annotations

import pytest

from burdenshare.estimators.distribution_keys import MinmaxKey
from tests.conftest import synthetic_dataset

pytestmark = pytest.mark.reference

#: Excel and numpy evaluate the same double-precision formula; only summation order differs
REL = 1e-12

CARRIERS = {
    "gdp_pc_ppp_2011": "gdp_ppp_per_capita_intl_current",
    "job_vacancy_rate_pct": "gross_enrolment_ratio_primary",
    "population_65_plus_pct": "gross_enrolment_ratio_secondary",
}

#: iso3, GDP per capita PPP, job vacancy rate %, population 65+ %, population, quota % (output)
BOVENS_BARTSCH = [
    ("AUT", 43908.127135774994, 1.8, 18.5971306984829, 8534492, 2.8571655521946595),
    ("BEL", 40823.39248078178, 2.7, 18.0048461107743, 11225207, 4.294987085547406),
    ("BGR", 16363.19175742506, 0.9, 19.7291103227358, 7223938, 1.5376753079810932),
    ("HRV", 20042.49312179153, 1.5, 18.6005954622963, 4236400, 1.0279713680257125),
    ("CYP", 29673.1838497866, 1.0, 12.5597014019753, 1153658, 0.08987708050334456),
    ("CZE", 28715.13872687364, 2.3, 17.5429535565292, 10510566, 3.1999528719633603),
    ("EST", 26611.729772124494, 1.6, 18.5295885209196, 1313645, 0.35156894162634045),
    ("FIN", 38534.98820851481, 1.3, 19.8080902829738, 5463596, 1.6946714968224026),
    ("FRA", 37214.40685941721, 0.6, 18.6690889318142, 66206930, 14.69285295059421),
    ("DEU", 43602.3592467699, 2.7, 21.070280975949, 80889505, 37.85447736973391),
    ("HUN", 23734.785513629893, 1.5, 17.5340612404622, 9861673, 2.2316512379997304),
    ("LVA", 22076.41849237332, 0.5, 19.2601216274228, 1990351, 0.3692916894925239),
    ("LTU", 25813.097163521594, 1.1, 18.6047851102476, 2929323, 0.6662643555239377),
    ("LUX", 91408.36842206134, 1.3, 13.9523476704763, 556074, 0.17445189111904236),
    ("MLT", 28821.624215564967, 3.2, 18.6712247111124, 427404, 0.1730443878075137),
    ("NLD", 45691.392932551345, 1.7, 17.7076918334221, 16854183, 5.215835864222186),
    ("POL", 23975.831896652773, 0.6, 15.018130255603, 37995529, 3.4891638983625093),
    ("PRT", 26184.09946469799, 0.7, 20.3677383066488, 10397393, 2.507718762985881),
    ("ROU", 19098.154235670958, 1.1, 16.927709635584, 19910995, 3.3027083267150723),
    ("SVK", 26470.6094584515, 0.9, 13.4559598706292, 5418506, 0.45194141798955334),
    ("SVN", 28153.03224508827, 1.4, 17.6083749421607, 2062218, 0.4802170757021106),
    ("ESP", 31801.942615241187, 0.7, 18.4415918160846, 46404602, 9.681835857539019),
    ("SWE", 44033.94328709178, 2.0, 19.6316243418311, 9689555, 3.6546752095484685),
]


def test_minmax_key_reproduces_bovens_and_bartschs_quotas() -> None:
    rows = []
    for iso3, gdp, vacancy, ageing, pop, _quota in BOVENS_BARTSCH:
        rows += [(iso3, 2014, CARRIERS["gdp_pc_ppp_2011"], gdp),
                 (iso3, 2014, CARRIERS["job_vacancy_rate_pct"], vacancy),
                 (iso3, 2014, CARRIERS["population_65_plus_pct"], ageing),
                 (iso3, 2014, "population", float(pop))]
    est = MinmaxKey(criteria=tuple((c, 1.0) for c in CARRIERS.values()), inverted=(),
                    year=2014, total=66_089)
    res = est.estimate(synthetic_dataset(rows))
    e = res.estimates
    key = e[e["quantity"] == "key_share"].set_index("iso3")["estimate"]
    assert len(key) == 23
    for iso3, *_inputs, quota in BOVENS_BARTSCH:
        assert key[iso3] * 100 == pytest.approx(quota, rel=REL), iso3
    # their table applies the quotas to 66,089 persons; ours are whole persons summing to it
    alloc = e[e["quantity"] == "allocation"].set_index("iso3")["estimate"]
    assert alloc.sum() == 66_089
    assert alloc["DEU"] == round(37.85447736973391 / 100 * 66_089)
