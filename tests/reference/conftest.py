"""Fixtures shared by the reference tests: published data shipped in PyPI packages."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def prop99() -> pd.DataFrame:
    """The California Proposition 99 panel (Abadie, Diamond and Hainmueller 2010).

    ``california_prop99.csv`` of the PyPI package ``synthdid-py`` (dev extra), byte-identical to
    the R synthdid package's file: 39 states x 1970-2000, California treated from 1989.
    """
    try:
        path = resources.files("synthdid.data").joinpath("california_prop99.csv")
    except ModuleNotFoundError as err:  # a missing dev extra is an error, not a skip
        raise RuntimeError("the Proposition 99 panel comes from the PyPI package synthdid-py "
                           "(dev extra): pip install -e '.[dev]'") from err
    with resources.as_file(path) as f:
        d = pd.read_csv(f, sep=";")
    assert d.shape[0] == 39 * 31 and int(d["treated"].sum()) == 12  # 39 states x 1970-2000
    return d
