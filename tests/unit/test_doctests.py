"""The examples in public docstrings run (numpydoc Examples are doctests)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["burdenshare.countries", "burdenshare.estimators.relative_burden", "burdenshare.data",
           "burdenshare.estimators.unit_cost", "burdenshare.estimators.allocation",
           "burdenshare.estimators.distribution_keys", "burdenshare.estimators.eu_relocation_keys",
           "burdenshare.estimators.fair_share",
           "burdenshare.estimators.contributions", "burdenshare.estimators.contributions_dac",
           "burdenshare.estimators.composite",
           "burdenshare.compare", "burdenshare.io", "burdenshare.testing",
           "burdenshare.export._common", "burdenshare.export._text",
           "burdenshare.estimators.neighbours"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
