"""The package installs with its samples, imports light, and its docs stay true."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import burdenshare as bs
from burdenshare.indicators import VOCABULARY

ROOT = Path(__file__).resolve().parents[2]


def test_import_is_light() -> None:
    code = ("import sys, burdenshare\n"
            "heavy = ['altair', 'ipywidgets', 'great_tables', 'vl_convert', 'openpyxl', 'jupyterlab',"
            " 'scipy', 'statsmodels', 'linearmodels', 'pandera', 'dask']\n"
            "print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lazy_public_names_are_complete_and_compare_stays_the_function() -> None:
    code = ("import burdenshare as bs, burdenshare.compare, json\n"
            "missing = [n for n in bs.__all__ if n not in dir(bs)]\n"
            "print(json.dumps([missing, callable(bs.compare) and bs.compare.__module__,"
            " sorted(n for n in bs.__all__ if getattr(bs, n) is None)]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [[], "burdenshare.compare", []]


@pytest.mark.slow
def test_wheel_ships_samples_and_methodology(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(tmp_path / "dist"), str(ROOT)], check=True)
    (wheel,) = (tmp_path / "dist").glob("burdenshare-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "burdenshare/data_samples/wdi.csv.gz" in names
    assert "burdenshare/data_samples/sources.json" in names
    assert "burdenshare/methodology/refugees_per_1000.md" in names
    # run from the unpacked wheel, far from the source tree
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import burdenshare as bs, json\n"
            "d = bs.load_sample()\n"
            "print(json.dumps([bs.__file__, str(bs.sample_path()), len(d), d.fingerprint]))")
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path, env=env)
    file, samples, n, fp = json.loads(out.stdout)
    assert file.startswith(str(site)) and samples.startswith(str(site))
    assert fp == bs.load_sample().fingerprint and n > 100_000


def test_readme_shows_the_two_commands_first() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = text.index("make demo")
    assert first < text.index("make test") < text.index("## Quickstart")
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_indicators_page_lists_every_indicator() -> None:
    text = (ROOT / "methodology" / "indicators.md").read_text(encoding="utf-8")
    missing = [n for n in VOCABULARY if not re.search(rf"`{n}`", text)]
    assert not missing


def test_every_builtin_has_a_methodology_page_linked_from_the_index() -> None:
    index = (ROOT / "methodology" / "index.md").read_text(encoding="utf-8")
    for name, info in bs.available_estimators().items():
        if info.builtin:
            assert (ROOT / "methodology" / f"{name}.md").exists()
            assert f"{name}.md" in index


def test_sample_readme_checksums_match_files() -> None:
    import hashlib

    readme = (ROOT / "data_samples" / "README.md").read_text(encoding="utf-8")
    for f in bs.io.sample_files():
        digest = hashlib.sha256(f.read_bytes()).hexdigest()
        assert digest in readme, f"{f.name}: sha256 in data_samples/README.md is stale"


SHARED = ROOT.parent / "shared" / "data"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside this checkout")
def test_derive_script_reproduces_the_committed_samples(tmp_path: Path) -> None:
    import gzip

    subprocess.run([sys.executable, str(ROOT / "data_samples" / "derive.py"), "--shared", str(SHARED),
                    "--out", str(tmp_path)], check=True, capture_output=True)
    hand_made = {"pledges_template.csv"}  # an empty input template, not derived data
    for ours in sorted((ROOT / "data_samples").iterdir()):
        if ours.suffix not in (".gz", ".csv", ".json") or ours.name in hand_made:
            continue
        fresh = tmp_path / ours.name
        assert fresh.exists(), ours.name
        read = gzip.decompress if ours.suffix == ".gz" else (lambda b: b)
        # compare content, not gzip bytes (those depend on the zlib build)
        assert read(fresh.read_bytes()) == read(ours.read_bytes()), ours.name
