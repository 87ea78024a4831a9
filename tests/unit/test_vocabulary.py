"""The open indicator vocabulary: Vocabulary values, indicators= on build and read, entry points.

Figures are synthetic (source ids ``synthetic_*``); plugins are fake dist-info folders (the
pandas/xarray trick also used by tests/unit/test_registry.py).
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import indicators
from burdenshare._errors import RegistryWarning
from burdenshare.indicators import (
    VOCABULARY,
    Indicator,
    Vocabulary,
    VocabularyError,
)
from burdenshare.testing import check_estimator

SOURCE = bs.Source(id="synthetic_vocab", title="synthetic vocabulary test", publisher="tests")
REVENUE = Indicator("synthetic_gov_revenue_usd", "USD current",
                    "General government revenue, current US dollars (synthetic).", "money")
BALANCE = Indicator("synthetic_balance_usd", "USD current", "A balance that may be negative.",
                    "money", non_negative=False)


def frame(rows: list[tuple[str, int, str, float, str]]) -> pd.DataFrame:
    """(iso3, year, indicator, value, unit) rows from the synthetic source."""
    return pd.DataFrame([{"iso3": i, "year": y, "indicator": ind, "value": v, "unit": u,
                          "source": SOURCE.id} for i, y, ind, v, u in rows])


def revenue_rows() -> pd.DataFrame:
    return frame([("TUR", 2023, REVENUE.name, 2.0e11, "USD current"),
                  ("TUR", 2023, "refugees", 3.2e6, "persons"),
                  ("DEU", 2023, REVENUE.name, 1.9e12, "USD current"),
                  ("DEU", 2023, "refugees", 2.6e6, "persons")])


# ------------------------------------------------------------------ the Vocabulary value
def test_builtins_are_a_read_only_vocabulary() -> None:
    assert isinstance(VOCABULARY, Vocabulary)
    assert set(VOCABULARY.origins.values()) == {indicators.BUILTIN_ORIGIN}
    with pytest.raises(AttributeError):
        VOCABULARY._items = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        VOCABULARY["x"] = REVENUE  # type: ignore[index]


def test_extended_records_the_origin_and_leaves_the_builtins_alone() -> None:
    vocab = VOCABULARY.extended([REVENUE], origin="my notebook")
    assert vocab.origin(REVENUE.name) == "my notebook"
    assert vocab.origin("refugees") == "burdenshare"
    assert REVENUE.name not in VOCABULARY and len(vocab) == len(VOCABULARY) + 1
    assert vocab.frame().set_index("indicator").loc[REVENUE.name, "origin"] == "my notebook"


def test_an_equal_redefinition_is_accepted_a_different_one_refused() -> None:
    assert VOCABULARY.extended([VOCABULARY["refugees"]]) is VOCABULARY
    clash = Indicator("refugees", "households", "not the built-in", "stock")
    with pytest.raises(VocabularyError, match=r"'refugees'.*clashes with the one from burdenshare"):
        VOCABULARY.extended([clash])


@pytest.mark.parametrize(("bad", "match"), [
    (Indicator("Gov Revenue", "USD", "x", "money"), "not snake_case"),
    (Indicator("gov_revenue", " ", "x", "money"), "unit is empty"),
    (Indicator("gov_revenue", "USD", "x", "cash"), "kind 'cash'"),
    (Indicator("gov_grade", "code", "x", "category"), "needs its categories"),
])
def test_malformed_indicators_are_refused(bad: Indicator, match: str) -> None:
    with pytest.raises(VocabularyError, match=match):
        VOCABULARY.extended([bad])


def test_a_non_indicator_is_refused() -> None:
    with pytest.raises(VocabularyError, match="not a burdenshare.indicators.Indicator"):
        VOCABULARY.extended([("gov_revenue", "USD")])  # type: ignore[list-item]


# ------------------------------------------------------------------ the documented call
def test_unknown_indicator_message_is_unchanged_without_the_call() -> None:
    with pytest.raises(bs.DataValidationError) as err:
        bs.Dataset.from_frame(revenue_rows(), [SOURCE])
    failures = err.value.failures
    row = failures[failures["column"] == "indicator"].iloc[0]
    assert row["check"] == f"isin({sorted(VOCABULARY)!r})"
    assert row["reason"] == "is not an indicator of the vocabulary (see `burdenshare indicators`)"


def test_indicators_given_validate_and_are_recorded() -> None:
    ds = bs.Dataset.from_frame(revenue_rows(), [SOURCE], indicators=[REVENUE])
    assert ds.vocabulary[REVENUE.name] == REVENUE
    assert ds.vocabulary.origin(REVENUE.name) == indicators.GIVEN_ORIGIN
    assert REVENUE.name in ds.indicators


def test_plugin_indicator_rules_unit_and_sign() -> None:
    bad = frame([("TUR", 2023, REVENUE.name, -1.0, "USD million"),
                 ("TUR", 2023, BALANCE.name, -5.0, "USD current")])
    with pytest.raises(bs.DataValidationError) as err:
        bs.Dataset.from_frame(bad, [SOURCE], indicators=[REVENUE, BALANCE])
    checks = set(err.value.failures["check"])
    assert checks == {"canonical_unit", "non_negative"}  # the balance may be negative
    assert f"must be {REVENUE.unit!r}" in str(err.value)


def test_builtin_messages_are_unchanged_with_extra_indicators() -> None:
    bad = frame([("TUR", 2023, "refugees", -1.0, "people")])
    with pytest.raises(bs.DataValidationError) as err:
        bs.Dataset.from_frame(bad, [SOURCE], indicators=[REVENUE])
    reasons = set(err.value.failures["reason"])
    assert reasons == {"is not the unit of 'refugees', which must be 'persons'",
                       "is negative, which 'refugees' cannot be"}


def test_derived_datasets_keep_the_vocabulary() -> None:
    ds = bs.Dataset.from_frame(revenue_rows(), [SOURCE], indicators=[REVENUE])
    sub = ds.select(iso3=["TUR"], indicators=[REVENUE.name])
    assert sub.vocabulary is ds.vocabulary
    other = bs.Dataset.from_frame(frame([("FRA", 2023, BALANCE.name, -3.0, "USD current")]),
                                  [SOURCE], indicators=[BALANCE])
    both = bs.Dataset.concat([ds, other])
    assert {REVENUE.name, BALANCE.name} <= set(both.vocabulary)


def test_select_refuses_names_outside_the_datasets_vocabulary() -> None:
    ds = bs.Dataset.from_frame(revenue_rows(), [SOURCE], indicators=[REVENUE])
    with pytest.raises(bs.DataValidationError, match="unknown indicator"):
        ds.select(indicators=["synthetic_nope"])


def test_concat_refuses_two_definitions_of_one_name() -> None:
    a = bs.Dataset.from_frame(revenue_rows(), [SOURCE], indicators=[REVENUE])
    other = Indicator(REVENUE.name, "USD million current", "another definition", "money")
    b = bs.Dataset.from_frame(frame([("FRA", 2023, REVENUE.name, 1.0, "USD million current")]),
                              [SOURCE], indicators=[other])
    with pytest.raises(VocabularyError, match="clashes"):
        bs.Dataset.concat([a, b])


def test_fingerprint_does_not_depend_on_the_vocabulary() -> None:
    rows = revenue_rows()
    builtin_only = rows[rows["indicator"] == "refugees"]
    plain = bs.Dataset.from_frame(builtin_only, [SOURCE])
    given = bs.Dataset.from_frame(builtin_only, [SOURCE], indicators=[REVENUE])
    assert plain.fingerprint == given.fingerprint and plain == given


def test_read_observations_takes_indicators(tmp_path: Path) -> None:
    path = tmp_path / "revenue.csv"
    revenue_rows().to_csv(path, index=False)
    ds = bs.read_observations(path, {SOURCE.id: SOURCE}, indicators=[REVENUE])
    assert len(ds) == 4 and ds.vocabulary.origin(REVENUE.name) == indicators.GIVEN_ORIGIN
    again = bs.Dataset.from_frame(ds.observations, ds.sources, indicators=ds.vocabulary)
    assert again.fingerprint == ds.fingerprint


# ------------------------------------------------------------------ entry points
PLUGIN = '''
from burdenshare.indicators import Indicator
REVENUE = Indicator("synthetic_gov_revenue_usd", "USD current",
                    "General government revenue, current US dollars (synthetic).", "money")
NOT_AN_INDICATOR = 42
'''


@pytest.fixture()
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    indicators.refresh()
    yield tmp_path
    indicators.refresh()
    for mod in [m for m in sys.modules if m.startswith("synthetic_ind_plugin")]:
        del sys.modules[mod]


def install_plugin(root: Path, dist: str, entries: dict[str, str], module: str = "") -> None:
    info = root / f"{dist}-0.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.0.1\n")
    lines = "\n".join(f"{k} = {v}" for k, v in entries.items())
    (info / "entry_points.txt").write_text(f"[burdenshare.indicators]\n{lines}\n")
    if module:
        (root / f"{dist}.py").write_text(textwrap.dedent(module))


def test_entry_point_indicator_is_listed_without_import_and_used_by_validation(
        plugin_dir: Path) -> None:
    install_plugin(plugin_dir, "synthetic_ind_plugin_a",
                   {REVENUE.name: "synthetic_ind_plugin_a:REVENUE"}, PLUGIN)
    info = indicators.available()[REVENUE.name]
    assert info.distribution == "synthetic_ind_plugin_a" and not info.builtin
    assert "synthetic_ind_plugin_a" not in sys.modules  # listing does not import
    bs.Dataset.from_frame(frame([("TUR", 2023, "refugees", 1.0, "persons")]), [SOURCE])
    assert "synthetic_ind_plugin_a" not in sys.modules  # nor does data without its indicator
    ds = bs.Dataset.from_frame(revenue_rows(), [SOURCE])
    assert ds.vocabulary.origin(REVENUE.name) == (
        "synthetic_ind_plugin_a (entry point synthetic_ind_plugin_a:REVENUE)")


def test_plugin_reusing_a_builtin_name_is_refused_with_a_warning(plugin_dir: Path) -> None:
    install_plugin(plugin_dir, "synthetic_ind_plugin_b", {"refugees": "synthetic_ind_plugin_b:X"})
    with pytest.warns(RegistryWarning, match=r"'refugees' from synthetic_ind_plugin_b.*refused"):
        assert indicators.available()["refugees"].builtin


def test_two_plugins_with_one_name_are_an_error_when_used(plugin_dir: Path) -> None:
    install_plugin(plugin_dir, "synthetic_ind_plugin_c", {REVENUE.name: "synthetic_ind_plugin_c:A"})
    install_plugin(plugin_dir, "synthetic_ind_plugin_d", {REVENUE.name: "synthetic_ind_plugin_d:B"})
    with pytest.raises(bs.RegistryError,
                       match=r"several plugins.*synthetic_ind_plugin_c.*synthetic_ind_plugin_d"):
        bs.Dataset.from_frame(revenue_rows(), [SOURCE])


def test_an_indicator_given_wins_over_a_clashing_plugin_pair(plugin_dir: Path) -> None:
    install_plugin(plugin_dir, "synthetic_ind_plugin_c", {REVENUE.name: "synthetic_ind_plugin_c:A"})
    install_plugin(plugin_dir, "synthetic_ind_plugin_d", {REVENUE.name: "synthetic_ind_plugin_d:B"})
    ds = bs.Dataset.from_frame(revenue_rows(), [SOURCE], indicators=[REVENUE])
    assert ds.vocabulary.origin(REVENUE.name) == indicators.GIVEN_ORIGIN


@pytest.mark.parametrize(("target", "module", "match"), [
    ("synthetic_ind_plugin_e:REVENUE", "raise ImportError('needs a missing library')\n",
     r"synthetic_ind_plugin_e.*ImportError: needs a missing library"),
    ("synthetic_ind_plugin_e:NOT_AN_INDICATOR", PLUGIN, r"synthetic_ind_plugin_e.*not an Indicator"),
])
def test_broken_plugins_name_their_distribution(plugin_dir: Path, target: str, module: str,
                                                match: str) -> None:
    install_plugin(plugin_dir, "synthetic_ind_plugin_e", {REVENUE.name: target}, module)
    with pytest.raises(bs.RegistryError, match=match):
        bs.Dataset.from_frame(revenue_rows(), [SOURCE])


def test_cli_lists_plugin_indicators_with_their_origin(plugin_dir: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from burdenshare.cli import main

    install_plugin(plugin_dir, "synthetic_ind_plugin_a",
                   {REVENUE.name: "synthetic_ind_plugin_a:REVENUE"}, PLUGIN)
    assert main(["indicators"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines()
                if ln.startswith(REVENUE.name))
    assert "USD current" in line and "[synthetic_ind_plugin_a (entry point" in line


# ------------------------------------------------------------------ the conformance kit
def test_check_estimator_reads_the_datasets_vocabulary() -> None:
    class NeedsRevenue(bs.RefugeesPer1000):
        def inputs(self) -> frozenset[str]:
            return frozenset({"refugees", REVENUE.name})

    with_revenue = bs.Dataset.from_frame(revenue_rows(), [SOURCE], indicators=[REVENUE])
    assert check_estimator(NeedsRevenue(), with_revenue, checks=["protocol_members"])
    rows = revenue_rows()
    builtin_only = bs.Dataset.from_frame(rows[rows["indicator"] == "refugees"], [SOURCE])
    with pytest.raises(AssertionError, match="outside the vocabulary"):
        check_estimator(NeedsRevenue(), builtin_only, checks=["protocol_members"])


def test_docstring_examples_of_the_vocabulary_run() -> None:
    import doctest

    result = doctest.testmod(indicators, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_vocabulary_and_indicators_pickle_for_dask_workers() -> None:
    """Dask ships datasets to its workers: the vocabulary survives pickling, origins included."""
    import pickle

    from burdenshare.indicators import VOCABULARY

    again = pickle.loads(pickle.dumps(VOCABULARY))
    assert again == VOCABULARY
    assert dict(again.origins) == dict(VOCABULARY.origins)
    assert dict(again["wb_income_group"].categories) == dict(
        VOCABULARY["wb_income_group"].categories)
