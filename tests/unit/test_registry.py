"""Registry: built-ins, entry-point plugins (pandas' fake dist-info trick), clear errors."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import registry
from burdenshare._errors import RegistryWarning

#: the built-ins, as the registry finds them in the estimator modules (no list kept here)
BUILTIN_NAMES = set(registry.builtins())


@pytest.fixture()
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.refresh()
    yield tmp_path
    registry.refresh()
    for mod in [m for m in sys.modules if m.startswith("synthetic_plugin")]:
        del sys.modules[mod]


def install_plugin(root: Path, dist: str, entries: dict[str, str], module: str = "") -> None:
    info = root / f"{dist}-0.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.0.1\n")
    lines = "\n".join(f"{k} = {v}" for k, v in entries.items())
    (info / "entry_points.txt").write_text(f"[burdenshare.estimators]\n{lines}\n")
    if module:
        (root / f"{dist}.py").write_text(textwrap.dedent(module))


PLUGIN = '''
from dataclasses import dataclass
from typing import ClassVar
from burdenshare.estimators.relative_burden import RefugeesPer1000

@dataclass(frozen=True, kw_only=True)
class Doubled(RefugeesPer1000):
    name: ClassVar[str] = "synthetic_doubled"
    def _index(self, hosted, capacity):
        return 2000.0 * hosted / capacity
'''


def test_builtins_are_listed_without_importing_plugins() -> None:
    assert len(BUILTIN_NAMES) > 20 and "refugees_per_1000" in BUILTIN_NAMES
    assert BUILTIN_NAMES <= set(bs.available_estimators())
    assert all(bs.available_estimators()[n].builtin for n in BUILTIN_NAMES)


def test_entry_point_plugin_is_found_and_loaded(plugin_dir: Path) -> None:
    install_plugin(plugin_dir, "synthetic_plugin_a", {"synthetic_doubled": "synthetic_plugin_a:Doubled"},
                   PLUGIN)
    info = bs.available_estimators()["synthetic_doubled"]
    assert info.distribution == "synthetic_plugin_a" and not info.builtin
    assert "synthetic_plugin_a" not in sys.modules  # listing does not import
    cls = bs.get_estimator("synthetic_doubled")
    assert cls.__name__ == "Doubled"


def test_broken_plugin_names_its_distribution_and_cause(plugin_dir: Path) -> None:
    install_plugin(plugin_dir, "synthetic_plugin_b", {"synthetic_broken": "synthetic_plugin_b:Nope"},
                   "raise ImportError('needs a library that is not installed')\n")
    with pytest.raises(bs.RegistryError, match=r"synthetic_plugin_b.*ImportError: needs a library"):
        bs.get_estimator("synthetic_broken")


def test_two_plugins_with_one_name_are_an_error(plugin_dir: Path) -> None:
    install_plugin(plugin_dir, "synthetic_plugin_c", {"synthetic_same": "synthetic_plugin_c:A"})
    install_plugin(plugin_dir, "synthetic_plugin_d", {"synthetic_same": "synthetic_plugin_d:B"})
    with pytest.raises(bs.RegistryError, match=r"several plugins.*synthetic_plugin_c.*synthetic_plugin_d"):
        bs.get_estimator("synthetic_same")


def test_plugin_reusing_a_builtin_name_is_ignored_with_a_warning(plugin_dir: Path) -> None:
    install_plugin(plugin_dir, "synthetic_plugin_e", {"one_in_n": "synthetic_plugin_e:X"})
    with pytest.warns(RegistryWarning, match="reuses a built-in name"):
        assert bs.available_estimators()["one_in_n"].builtin


def test_unknown_name_lists_what_exists() -> None:
    with pytest.raises(bs.RegistryError, match=r"unknown estimator 'nope'.*refugees_per_1000"):
        bs.get_estimator("nope")


def test_class_or_instance_pass_through() -> None:
    est = bs.OneInN()
    assert bs.get_estimator(bs.OneInN) is bs.OneInN
    assert bs.get_estimator(est) is bs.OneInN
    assert registry.make(est) is est


def test_non_estimators_are_refused() -> None:
    with pytest.raises(bs.RegistryError, match="lacks"):
        bs.get_estimator(dict)


PROTOCOL_ONLY_COST = '''
from typing import ClassVar
from burdenshare.estimators.unit_cost import HealthInclusionCost

class ProtocolOnlyCost:
    """Follows the Estimator protocol without inheriting EstimatorBase (so: no inputs())."""
    name: ClassVar[str] = "synthetic_protocol_only_cost"
    version: ClassVar[str] = "0.0.1"
    quantity: ClassVar[str] = HealthInclusionCost.quantity
    unit: ClassVar[str] = HealthInclusionCost.unit
    requires: ClassVar[frozenset[str]] = HealthInclusionCost.requires
    reference: ClassVar[str] = "methodology/health_inclusion_cost.md"
    summary: ClassVar[str] = "synthetic: the health inclusion cost, through the protocol only"

    def get_params(self):
        return {}

    def estimate(self, data):
        return HealthInclusionCost().estimate(data)
'''


def test_support_gap_accepts_a_cost_plugin_without_inputs_method(plugin_dir: Path) -> None:
    # a plugin need only follow the Estimator protocol; SupportGap used to call inner.inputs()
    from burdenshare.estimators.composite import SupportGap
    from tests.conftest import synthetic_dataset

    install_plugin(plugin_dir, "synthetic_plugin_cost",
                   {"synthetic_protocol_only_cost": "synthetic_plugin_cost:ProtocolOnlyCost"},
                   PROTOCOL_ONLY_COST)
    data = synthetic_dataset([("JOR", 2020, "refugees", 1000.0),
                              ("JOR", 2020, "gov_health_expenditure_per_capita_usd_current", 50.0),
                              ("JOR", 2020, "oda_received_usd_current", 20000.0)])
    via_plugin = SupportGap(cost="estimator",
                            cost_estimator="synthetic_protocol_only_cost").estimate(data)
    built_in = SupportGap(cost="estimator", cost_estimator="health_inclusion_cost").estimate(data)
    assert len(via_plugin.estimates)
    pd.testing.assert_frame_equal(
        via_plugin.estimates.drop(columns="term"), built_in.estimates.drop(columns="term"))
