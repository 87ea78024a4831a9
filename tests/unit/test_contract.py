"""The declared contract: the adapter for bare plugins, the registry as the single list of
built-ins, typed result fields, the parameter specification and the conformance checks of
labels and ``used``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest

import burdenshare as bs
from burdenshare import registry
from burdenshare.contract import CONTRACT_MEMBERS, Conformed, conform
from burdenshare.estimators.base import EstimatorBase, finish_result
from burdenshare.labels import Labels
from burdenshare.params import param_specs, parse_param, value_label
from burdenshare.testing import ConformanceError, check_estimator
from tests.conftest import synthetic_dataset

ROOT = Path(__file__).resolve().parents[2]
DATA = synthetic_dataset([("AUT", 2020, "refugees", 5.0), ("AUT", 2020, "population", 1e6),
                          ("AUT", 2020, "population_un_wpp", 1e6),
                          ("DEU", 2020, "refugees", 50.0), ("DEU", 2020, "population_un_wpp", 8e7)])


class BarePlugin:
    """The minimal members only: no inputs(), labels, with_params or expected_years."""

    name: ClassVar[str] = "synthetic_bare"
    version: ClassVar[str] = "0.1"
    quantity: ClassVar[str] = "refugees_per_1000_inhabitants"
    unit: ClassVar[str] = "per 1,000 inhabitants"
    requires: ClassVar[frozenset[str]] = frozenset({"refugees", "population_un_wpp"})
    reference: ClassVar[str] = "methodology/refugees_per_1000.md"
    summary: ClassVar[str] = "synthetic: refugees per 1,000 through the protocol only"

    def __init__(self, scale: float = 1000.0) -> None:
        self.scale = scale

    def get_params(self) -> dict[str, Any]:
        return {"scale": self.scale}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BarePlugin) and other.scale == self.scale

    def __hash__(self) -> int:
        return hash(self.scale)

    def estimate(self, data: bs.Dataset) -> bs.Result:
        inner = bs.RefugeesPer1000()
        comp = inner._compute(data)
        return finish_result(self, data, comp)


def test_estimator_base_has_the_whole_contract_and_is_not_wrapped() -> None:
    est = bs.OneInN()
    assert conform(est) is est
    assert isinstance(est, bs.Estimator)
    assert all(hasattr(est, m) for m in CONTRACT_MEMBERS)


def test_bare_plugin_is_wrapped_once_with_defaults() -> None:
    full = registry.make(BarePlugin())
    assert isinstance(full, Conformed)
    assert conform(full) is full  # a conformed estimator is not wrapped again
    assert full.inputs() == BarePlugin.requires
    assert full.optional_inputs() == frozenset()
    assert full.expected_years((2019, 2020)) == (2019, 2020)
    assert full.higher_means_more_burden is True and full.labels is None
    assert full.with_params(scale=100.0).get_params() == {"scale": 100.0}
    with pytest.raises(bs.ParameterError, match="no parameter"):
        full.with_params(nope=1)
    assert type(full).name == "synthetic_bare"  # class attributes, as the protocol declares


def test_provenance_names_the_plugins_own_class() -> None:
    res = registry.make(BarePlugin()).estimate(DATA)
    assert res.provenance.estimator_class.endswith(":BarePlugin")
    assert res.main_quantity == "refugees_per_1000_inhabitants"
    assert res.labels.family == "Other"


def test_bare_plugin_passes_the_kit() -> None:
    checks = ["protocol_members", "params_roundtrip", "schema_valid", "labels_complete",
              "used_consistent", "no_silent_drop"]
    assert check_estimator(BarePlugin(), DATA, checks=checks) == checks


def test_no_caller_asks_whether_a_member_exists() -> None:
    """Only the adapter (contract.py) inspects an estimator for members."""
    offenders = []
    for path in sorted((ROOT / "burdenshare").rglob("*.py")):
        if path.name == "contract.py":
            continue
        text = path.read_text(encoding="utf-8")
        for member in ("inputs", "optional_inputs", "with_params", "expected_years",
                       "higher_means_more_burden"):
            if f'hasattr(est, "{member}")' in text or f'"{member}", None)' in text:
                offenders.append(f"{path.name}: {member}")
    assert offenders == []


# --------------------------------------------------------------------------- the registry
def _classes_with_a_name() -> dict[str, str]:
    """Import every public estimator module; every class defined there with a name."""
    found = {}
    for path in sorted((ROOT / "burdenshare" / "estimators").glob("[!_]*.py")):
        module = importlib.import_module(f"burdenshare.estimators.{path.stem}")
        for attr, obj in vars(module).items():
            if (inspect.isclass(obj) and obj.__module__ == module.__name__
                    and issubclass(obj, EstimatorBase) and obj.__dict__.get("name")):
                found[obj.name] = f"{module.__name__}:{attr}"
    return found


def test_the_source_scan_finds_exactly_the_classes_that_set_a_name() -> None:
    assert dict(registry.builtins()) == _classes_with_a_name()
    for name, target in registry.builtins().items():
        assert registry.get(name).name == name, target


def test_a_new_builtin_class_is_reachable_from_the_package() -> None:
    for target in registry.builtins().values():
        cls = target.partition(":")[2]
        assert getattr(bs, cls).__name__ == cls


def test_import_loads_no_estimator_module() -> None:
    code = ("import sys, burdenshare\n"
            "print([m for m in sys.modules if m.startswith('burdenshare.')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert sorted(json.loads(out.stdout.replace("'", '"'))) == ["burdenshare._errors",
                                                                "burdenshare._version"]


def test_composites_live_with_the_estimators() -> None:
    assert registry.builtins()["support_gap"] == "burdenshare.estimators.composite:SupportGap"
    for name in ("support_gap", "responsibility_balance"):
        labels = registry.get(name).labels
        assert isinstance(labels, Labels) and labels.family == "Composites"


# --------------------------------------------------------------------------- results
def test_result_fields_are_typed_and_positional_construction_still_works() -> None:
    res = bs.OneInN().estimate(DATA)
    assert res.main_quantity == bs.OneInN.quantity
    assert res.higher_means_more_burden is False
    again = bs.Result(res.estimates, res.excluded, res.assumptions, res.diagnostics,
                      res.uncertainty_method, res.provenance)
    assert again.main_quantity == res.main_quantity
    assert again.higher_means_more_burden is False
    assert isinstance(again.labels, Labels) and again.labels.title


# --------------------------------------------------------------------------- parameters
def test_one_spec_parses_and_formats_every_builtin_default() -> None:
    for name in registry.builtins():
        cls = registry.get(name)
        for spec in param_specs(cls):
            if spec.default in (None, (), ""):
                continue
            text = spec.format(spec.default)
            assert spec.check(spec.parse(text)) == spec.check(spec.default), (name, spec.name)


def test_spec_text_syntax() -> None:
    specs = {s.name: s for s in param_specs(bs.RelativeEffort)}
    weights = specs["capacity_weights"]
    assert weights.parse("population:0.5,gdp_usd_current:0.5") == (
        ("population", 0.5), ("gdp_usd_current", 0.5))
    assert weights.format((("population", 0.5),)) == "population:0.5"
    assert parse_param(bs.RefugeesPer1000, "scenario_definitions", "refugees;refugees+oip") == (
        ("refugees",), ("refugees", "oip"))
    with pytest.raises(bs.ParameterError, match="no parameter 'nope'"):
        parse_param(bs.OneInN, "nope", "1")
    assert value_label((("population", 0.5),)) == "population:0.5"
    assert value_label(("refugees", "oip")) == "refugees+oip"
    assert value_label(()) == "none"


# --------------------------------------------------------------------------- the kit
def test_kit_checks_declared_labels_cover_every_quantity() -> None:
    @dataclass(frozen=True, kw_only=True)
    class SyntheticLabelled(bs.RefugeesPer1000):
        name: ClassVar[str] = "synthetic_labelled"
        labels: ClassVar[Labels] = Labels(title="t", family="Relative burden", description="d",
                                          unit="u", quantities={})

    with pytest.raises(ConformanceError, match=r"\[labels_complete\].*quantities lacks"):
        check_estimator(SyntheticLabelled(), DATA, checks=["labels_complete"])


def test_kit_checks_used_agrees_with_the_diagnostics() -> None:
    @dataclass(frozen=True, kw_only=True)
    class SyntheticMiscounted(bs.RefugeesPer1000):
        name: ClassVar[str] = "synthetic_miscounted"

        def _compute(self, data):  # type: ignore[no-untyped-def]
            comp = super()._compute(data)
            return bs.Computation(comp.estimates, comp.excluded, comp.assumptions,
                                  {**comp.diagnostics, "used": 1}, comp.uncertainty_method,
                                  used=2)

    with pytest.raises(ConformanceError, match=r"\[used_consistent\].*differs"):
        check_estimator(SyntheticMiscounted(), DATA, checks=["used_consistent"])
