"""Every example in the library's docstrings runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import bjaikg

MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(bjaikg.__path__, "bjaikg.")
    if not module.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    outcome = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert outcome.failed == 0, f"{name}: {outcome.failed} of {outcome.attempted} examples failed"
