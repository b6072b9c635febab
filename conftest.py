"""Root pytest configuration.

``--doctest-modules`` (see pyproject.toml) runs the package's docstring examples; test
folders' ``conftest.py`` files are fixtures, not doctest modules, so they are not
collected as such (two of them would clash as top-level ``conftest`` modules).

The validated-data cache (``workbench.io.cache``) of a test run lives in a temporary
folder, never in the home folder: ``WORKBENCH_CACHE_DIR`` is set before anything is
collected (doctests included; subprocesses started by tests inherit it) and the folder is
removed at the end. pytest-xdist workers share their run's folder, so the heavy fits that
``workbench.memo`` keeps (pipeline backtests) are made once per run, not once per worker.
"""

import os
import shutil
import tempfile

collect_ignore_glob = ["tests/conftest.py", "tests/**/conftest.py", "benchmarks/*", "apps/*", "notebooks/*"]

_CACHE_DIR_BEFORE = "_workbench_cache_dir_before"


_RUN_FOLDER = "WORKBENCH_TEST_CACHE_DIR"  # the run's folder, inherited by pytest-xdist workers


def pytest_configure(config):
    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get(_RUN_FOLDER):
        os.environ["WORKBENCH_CACHE_DIR"] = os.environ[_RUN_FOLDER]  # one folder for every worker of the run
        return
    setattr(config, _CACHE_DIR_BEFORE, os.environ.get("WORKBENCH_CACHE_DIR"))
    folder = tempfile.mkdtemp(prefix="workbench-test-cache-")
    config._workbench_cache_dir = folder
    os.environ["WORKBENCH_CACHE_DIR"] = os.environ[_RUN_FOLDER] = folder


def pytest_unconfigure(config):
    folder = getattr(config, "_workbench_cache_dir", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(_RUN_FOLDER, None)
    before = getattr(config, _CACHE_DIR_BEFORE, None)
    if before is None:
        os.environ.pop("WORKBENCH_CACHE_DIR", None)
    else:
        os.environ["WORKBENCH_CACHE_DIR"] = before
