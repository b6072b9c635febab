"""Every exception and warning type is defined in workbench.errors, and only there."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil

import pytest

import workbench
import workbench.errors
import workbench.io
import workbench.io.crm
import workbench.kpi


def _all_modules():
    """Every module of the package, imported (a module that cannot be imported fails here)."""
    names = ["workbench"] + [info.name for info in pkgutil.walk_packages(workbench.__path__, "workbench.")]
    return [importlib.import_module(name) for name in names]


def _is_error_type(value) -> bool:
    return inspect.isclass(value) and issubclass(value, BaseException)


def _error_types_defined_in(module) -> set[str]:
    """Exception and warning classes defined in ``module``: at its top level, or nested anywhere
    in its source (a class statement whose base resolves, in the module, to an exception type)."""
    found = {f"{module.__name__}.{value.__qualname__}" for value in vars(module).values()
             if _is_error_type(value) and value.__module__ == module.__name__}
    namespace = {**vars(builtins), **vars(module)}
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if not isinstance(node, ast.ClassDef):
            continue
        for base in node.bases:
            if not isinstance(base, (ast.Name, ast.Attribute)):  # a dotted name, nothing that runs code
                continue
            try:
                resolved = eval(compile(ast.Expression(base), module.__name__, "eval"), namespace)
            except (NameError, AttributeError):  # a name local to a function
                continue
            if _is_error_type(resolved):
                found.add(f"{module.__name__}.{node.name}")
    return found


def test_the_walk_sees_the_whole_package():
    names = {module.__name__ for module in _all_modules()}
    assert {"workbench.io.crm.mapping", "workbench.kpi.api", "workbench.apps.kpi_scorecard",
            "workbench.commands.import_"} <= names


def test_no_exception_or_warning_type_is_defined_outside_errors():
    elsewhere = {name for module in _all_modules() if module.__name__ != "workbench.errors"
                 for name in _error_types_defined_in(module)}
    assert not elsewhere, f"define these in workbench/errors.py instead: {sorted(elsewhere)}"


def test_the_check_finds_what_errors_defines():
    assert _error_types_defined_in(workbench.errors) == {f"workbench.errors.{name}" for name in workbench.errors.__all__}


@pytest.mark.parametrize("name", workbench.errors.__all__)
def test_every_error_type_is_documented(name):
    cls = getattr(workbench.errors, name)
    assert _is_error_type(cls) and cls.__module__ == "workbench.errors"
    assert cls.__doc__ and cls.__doc__.strip()


def test_public_paths_name_the_same_classes():
    assert workbench.io.MappingError is workbench.io.crm.MappingError is workbench.errors.MappingError
    assert workbench.io.DataError is workbench.errors.DataError
    assert workbench.kpi.KPIUnavailableWarning is workbench.errors.KPIUnavailableWarning
