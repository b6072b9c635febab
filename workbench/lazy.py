"""Packages whose names are imported on first use (PEP 562), so importing one is cheap.

A package lists where each public name lives and lets :func:`lazy_attributes` make its
module ``__getattr__`` and ``__dir__``; the first use of a name imports its module and
keeps the name on the package, so later uses cost a plain attribute lookup.

>>> import types, sys
>>> package = types.ModuleType("demo_package")
>>> sys.modules["demo_package"] = package
>>> package.__getattr__, package.__dir__ = lazy_attributes("demo_package", {"sqrt": "math"}, ["sqrt"])
>>> package.sqrt(9.0), "sqrt" in vars(package)
(3.0, True)
>>> del sys.modules["demo_package"]
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Mapping

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, where: Mapping[str, str], names: Iterable[str]) -> tuple:
    """``(__getattr__, __dir__)`` for the module named ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    where : mapping
        Each lazily imported name → the module that defines it.
    names : iterable of str
        The package's ``__all__`` (what ``dir()`` lists besides what is loaded).
    """
    listed = frozenset(names)

    def __getattr__(name: str):
        if name in where:
            value = getattr(importlib.import_module(where[name]), name)
            setattr(sys.modules[package], name, value)  # looked up once
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | listed)

    return __getattr__, __dir__
