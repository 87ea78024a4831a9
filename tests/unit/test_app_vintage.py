"""The comparison app on a stored data vintage, driven in-process (no browser, no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")

import burdenshare as bs  # noqa: E402
from burdenshare import store  # noqa: E402
from burdenshare.app.widgets import ComparisonApp  # noqa: E402
from tests.conftest import synthetic_dataset  # noqa: E402
from tests.unit.test_app_widgets import _cell  # noqa: E402
from tests.unit.test_store import NOW, synthetic_fetched  # noqa: E402

EMBEDDED_ROWS = [
    ("LBN", 2024, "refugees", 1_600_000), ("LBN", 2024, "population_un_wpp", 5_000_000),
    ("LBN", 2024, "gdp_ppp_per_capita_intl_current", 16_000),
    ("DEU", 2024, "refugees", 4_000_000), ("DEU", 2024, "population_un_wpp", 80_000_000),
    ("DEU", 2024, "gdp_ppp_per_capita_intl_current", 64_000),
    ("UGA", 2024, "refugees", 3_000_000), ("UGA", 2024, "population_un_wpp", 50_000_000),
    ("UGA", 2024, "gdp_ppp_per_capita_intl_current", 3_000),
]
VINTAGE_ROWS = [("LBN", 2024, "refugees", 2_000_000.0), ("DEU", 2024, "refugees", 4_000_000.0),
                ("UGA", 2024, "refugees", 1_000_000.0)]


@pytest.fixture
def synthetic_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, store.Vintage]:
    """Synthetic 'embedded samples' and one stored unhcr vintage replacing their refugees."""
    ds = synthetic_dataset(EMBEDDED_ROWS)
    monkeypatch.setattr("burdenshare.io.load_sample", lambda: ds)
    monkeypatch.setattr("burdenshare.app._vintage.sample_dataset", lambda: ds)
    root = tmp_path / "store"
    return root, store.write_vintage(synthetic_fetched(VINTAGE_ROWS), root=root, now=NOW)


def test_app_opens_on_a_stored_vintage(synthetic_store: tuple[Path, store.Vintage],
                                       tmp_path: Path) -> None:
    root, v = synthetic_store
    app = ComparisonApp(vintage=v.id, data_dir=root, export_dir=tmp_path / "exports")
    assert app.vintage.value == v.id
    assert [val for _, val in app.vintage.options] == ["embedded", "latest", v.id]
    assert "bs-vintage" in app.vintage._dom_classes
    # LBN by hand: 2,000,000 (vintage) / 5,000,000 (embedded population) * 1000 = 400
    assert _cell(app, "LBN", "refugees_per_1000") == "400"
    assert any(f"stored vintage {v.id}" in ln for ln in app.data.lineage)


def test_the_dropdown_switches_between_embedded_and_stored(
        synthetic_store: tuple[Path, store.Vintage], tmp_path: Path) -> None:
    root, v = synthetic_store
    app = ComparisonApp(data_dir=root, export_dir=tmp_path / "exports")
    assert app.vintage.value == "embedded"
    assert _cell(app, "LBN", "refugees_per_1000") == "320"  # 1,600,000 / 5,000,000 * 1000
    app.vintage.value = v.id  # what a user's click does
    assert "bs-status-ok" in app.status.value, app.status.value
    assert _cell(app, "LBN", "refugees_per_1000") == "400"
    assert _cell(app, "UGA", "refugees_per_1000") == "20"  # 1,000,000 / 50,000,000 * 1000
    app.vintage.value = "embedded"
    assert _cell(app, "LBN", "refugees_per_1000") == "320"


def test_given_data_and_a_vintage_exclude_each_other(synthetic_store: tuple[Path, store.Vintage]) -> None:
    root, v = synthetic_store
    with pytest.raises(ValueError, match="give data or vintage, not both"):
        ComparisonApp(bs.load(), vintage=v.id, data_dir=root)


def test_multiverse_app_opens_on_a_vintage(synthetic_store: tuple[Path, store.Vintage],
                                           tmp_path: Path) -> None:
    from burdenshare.app.multiverse_app import MultiverseApp

    root, v = synthetic_store
    grid = tmp_path / "g.toml"
    grid.write_text('[grid]\nname = "t"\nseed = 1\n\n[[method]]\nlabel = "per1000"\n'
                    'estimator = "refugees_per_1000"\nyear = 2024\nlookback = 0\n')
    app = MultiverseApp(grid, vintage=v.id, data_dir=root, run=False)
    assert app.data.fingerprint == bs.load(v.id, root=root).fingerprint
