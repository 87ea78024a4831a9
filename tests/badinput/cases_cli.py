"""Usage errors (exit 2) and estimator failures (exit 4) already handled by the CLI."""

from __future__ import annotations

from .case import GOOD_FILES, SOURCES, SYNTHETIC_OBS, Case

_RUN = ["run", "refugees_per_1000", "--data", "synthetic_obs.csv"]

CASES = [
    Case("no-command", "no command given", [], 2, "required: COMMAND", one_line=False),
    Case("unknown-estimator", "unknown estimator name", ["run", "nope", "--out", "x.csv"], 2,
         "unknown estimator 'nope'"),
    Case("unknown-parameter", "a --set parameter the estimator does not have",
         [*_RUN, "--set", "colour=red", "--out", "x.csv"], 2, "has no parameter 'colour'",
         files=GOOD_FILES),
    Case("disallowed-value", "a --set value outside the allowed set",
         [*_RUN, "--set", "who_counts=idps", "--out", "x.csv"], 2, "'idps' is not allowed",
         files=GOOD_FILES),
    Case("set-without-equals", "--set without PARAM=VALUE",
         [*_RUN, "--set", "who_counts", "--out", "x.csv"], 2, "write PARAM=VALUE",
         files=GOOD_FILES),
    Case("compare-unknown-set", "compare: a --set parameter no chosen estimator has",
         ["compare", "refugees_per_1000", "one_in_n", "--set", "colour=red", "--out", "x.csv"],
         2, "no chosen estimator has that parameter"),
    Case("malformed-years", "--years that is not a year or range",
         [*_RUN, "--years", "20x4", "--out", "x.csv"], 2, "--years '20x4'", files=GOOD_FILES),
    Case("reversed-years", "--years with the first year after the last",
         [*_RUN, "--years", "2024-2020", "--out", "x.csv"], 2, "the first year is after the last",
         files=GOOD_FILES),
    Case("unsupported-suffix", "--out with a suffix no writer knows",
         [*_RUN, "--out", "x.txt"], 2, "unsupported suffix '.txt'", files=GOOD_FILES),
    Case("data-and-vintage", "--data and --data-vintage together",
         [*_RUN, "--data-vintage", "latest", "--out", "x.csv"], 2,
         "--data and --data-vintage exclude each other", files=GOOD_FILES),
    Case("unknown-vintage", "a --data-vintage id the store does not hold",
         ["run", "refugees_per_1000", "--data-vintage", "nope", "--data-dir", "store",
          "--out", "x.csv"], 2, "nope", files={"store/": ""}),
    Case("data-list-bad-date", "data list --today that is not a date",
         ["data", "list", "--today", "2024-13-01", "--data-dir", "store"], 2,
         "write a date as YYYY-MM-DD", files={"store/": ""}),
    Case("wdi-version-elsewhere", "data update --wdi-version for a publisher other than the "
         "World Bank", ["data", "update", "unhcr", "--wdi-version", "202607", "--data-dir",
                        "store"], 2, "--wdi-version applies to worldbank only",
         files={"store/": ""}),
    Case("empty-selection", "--years/--countries that select no observation",
         [*_RUN, "--years", "2090", "--out", "x.csv"], 3, "contains no observations",
         files=GOOD_FILES),
    Case("missing-indicator", "an estimator needs an indicator the data lack",
         ["run", "refugees_per_gdp_ppp_pc", "--data", "synthetic_obs.csv", "--out", "x.csv"], 4,
         "needs indicator(s) gdp_ppp_per_capita_intl_current", files=GOOD_FILES),
    Case("missing-denominator", "per-capita data without the default UN WPP population",
         ["run", "refugees_per_1000", "--data", "synthetic_obs.csv", "--out", "x.csv"], 4,
         "population_source=wdi",
         files={"synthetic_obs.csv": SYNTHETIC_OBS.replace(
             "AUT,2020,population_un_wpp,250000,persons,synthetic_test\n", ""),
             "sources.json": SOURCES}),
]
