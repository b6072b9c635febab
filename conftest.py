"""Root pytest configuration.

``--doctest-modules`` (see pyproject.toml) runs the package's docstring examples; test
folders' ``conftest.py`` files are fixtures, not doctest modules, so they are not
collected as such (two of them would clash as top-level ``conftest`` modules).
"""

collect_ignore_glob = ["tests/conftest.py", "tests/**/conftest.py", "benchmarks/*", "apps/*", "notebooks/*"]
