"""Imports of the optional dependencies, with an error that names the extra.

The core package needs only cffi; features built on numpy, pandas,
matplotlib or Dask import them on first use.  When one is missing, the
``ModuleNotFoundError`` says which feature needed it and which install line
brings it (docs/python.md, "Install").
"""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, feature: str, extra: str) -> ModuleType:
    """Import ``module`` for ``feature``; if it is not installed, raise a
    ``ModuleNotFoundError`` naming the extra ``vnfo[extra]`` that brings it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module.split(".")[0]:
            raise  # the module is there but one of its own imports failed
        raise ModuleNotFoundError(
            f"{feature} needs {module}, which the core vnfo install does not bring: "
            f"pip install \"./bindings/python[{extra}]\"", name=exc.name) from exc
