"""Altair's schema library (jsonschema) without the IRI grammar it never uses for a chart.

jsonschema, which Altair imports, checks the ``iri`` and ``iri-reference`` string formats
with ``rfc3987_syntax`` when that package is installed (Jupyter's event system depends on
it), and importing ``rfc3987_syntax`` builds three Earley parsers of the RFC 3987 grammar:
about 1.5 s of CPU in every new kernel, before the first chart. The Vega-Lite schema uses
neither format, so no chart specification ever needs the grammar.

:func:`defer_iri_grammar` puts a stand-in under the name ``rfc3987_syntax`` before jsonschema
is imported. The stand-in imports the real module the first time anything of it is used
(an ``iri`` format check, an attribute) and hands over to it, so every check gives what the
real module gives; only when the grammar is built changes. :mod:`workbench.charts` calls it
on import, before any chart module imports Altair.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import types

__all__ = ["defer_iri_grammar", "IRI_GRAMMAR_MODULE"]

#: The module whose import builds the grammar.
IRI_GRAMMAR_MODULE = "rfc3987_syntax"

_LOCK = threading.Lock()


class _DeferredGrammar(types.ModuleType):
    """Stands in for ``rfc3987_syntax`` until it is used; then imports it and forwards to it."""

    def __init__(self, spec):
        super().__init__(spec.name, "rfc3987_syntax, imported on first use (workbench.charts.schema_formats)")
        self.__spec__ = spec
        self.__path__ = list(spec.submodule_search_locations or ())  # a package, as the real one

    def _real(self) -> types.ModuleType:
        with _LOCK:
            current = sys.modules.get(IRI_GRAMMAR_MODULE)
            if current is not None and current is not self:
                return current
            module = importlib.util.module_from_spec(self.__spec__)
            sys.modules[IRI_GRAMMAR_MODULE] = module  # its own ``from .syntax_helpers import *`` needs it there
            try:
                self.__spec__.loader.exec_module(module)
            except BaseException:
                sys.modules[IRI_GRAMMAR_MODULE] = self
                raise
            return module

    def is_valid_syntax(self, term: str, value: str):
        """What ``rfc3987_syntax.is_valid_syntax`` says (the function jsonschema's format checks call)."""
        return self._real().is_valid_syntax(term, value)

    def __getattr__(self, name: str):
        if name.startswith("__"):  # what the import system and introspection look up: not a use
            raise AttributeError(name)
        return getattr(self._real(), name)


def defer_iri_grammar() -> bool:
    """Let jsonschema be imported without building the RFC 3987 grammar; returns whether it was deferred.

    Does nothing (returns False) when jsonschema or ``rfc3987_syntax`` is imported already,
    or when ``rfc3987_syntax`` is not installed.
    """
    if "jsonschema" in sys.modules or IRI_GRAMMAR_MODULE in sys.modules:
        return False
    spec = importlib.util.find_spec(IRI_GRAMMAR_MODULE)  # finds it without running it
    if spec is None or spec.loader is None:
        return False
    sys.modules[IRI_GRAMMAR_MODULE] = _DeferredGrammar(spec)
    return True
