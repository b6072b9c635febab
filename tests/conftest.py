"""Fixtures shared by every test folder: headless Chromium for browser tests, and data whose
names are hostile (markup and spreadsheet formulas) for the report tests.

Browser tests fail (not skip) when ``CI=true`` and no Chromium is available, so a CI
machine that lost its browser cannot pass silently.
"""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    """The Chromium the browser tests launch, or None when none is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium (Playwright cannot download its own browser here)."""
    path = chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium); browser tests need it."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


#: Test modules that take most of the suite's time (notebooks, Voila in Chromium, CLI
#: subprocesses). Under pytest-xdist (``make test``) they are queued first, so the workers
#: share them out and the run does not end with one worker on a long test.
HEAVY_FIRST = ("tests/test_notebooks.py", "tests/apps/", "tests/kpi/test_spark.py", "tests/test_readme.py",
               "tests/forecast/test_notebook_small_crm.py")


def pytest_collection_modifyitems(config, items):
    if hasattr(config, "workerinput"):  # a pytest-xdist worker; every worker sorts alike
        items.sort(key=lambda item: not item.nodeid.startswith(HEAVY_FIRST))


#: Names that are markup or spreadsheet formulas, put into the hostile sample below.
HOSTILE = {
    "rep_id": '"><svg onload=alert(3)>',  # replaces R024 (who has findings) everywhere
    "script_name": "<script>alert(1)</script>",  # R002's name (R002 has findings)
    "img_team": "<img src=x onerror=alert(2)>",  # R002's team
    "hyperlink_name": '=HYPERLINK("http://x","y")',  # R005's name (R005 has findings)
    "plus_name": "+1",  # R003
    "minus_name": "-2",  # R004
    "at_name": "@SUM(A1)",  # R006
    "title_prefix": "=<b onmouseover=alert(4)>",  # in front of every training module's title
}


def _rename_rep(tables: dict, old: str, new: str) -> None:
    for name, frame in tables.items():
        if hasattr(frame, "columns") and "rep_id" in frame.columns:
            tables[name] = frame.assign(rep_id=frame["rep_id"].replace(old, new))
    targets = tables["targets"]
    is_rep = (targets["entity_type"] == "rep") & (targets["entity_id"] == old)
    tables["targets"] = targets.assign(entity_id=targets["entity_id"].where(~is_rep, new))


@pytest.fixture(scope="session")
def hostile_sample():
    """A small sample (24 reps, 18 months to 2026-10) whose names are hostile (:data:`HOSTILE`);
    one rep (R020) is hired after 2026-Q1. Copy before changing it."""
    from workbench.sample import generate_sample

    tables = generate_sample(n_reps=24, months=18, seed=5)  # findings for R002, R005, R024, …
    reps = tables["reps"].copy()
    team = reps.loc[reps["rep_id"] == "R002", "team"].iloc[0]
    reps["team"] = reps["team"].replace(team, HOSTILE["img_team"])
    names = {"R002": "script_name", "R005": "hyperlink_name", "R003": "plus_name", "R004": "minus_name",
             "R006": "at_name"}
    for rep_id, key in names.items():
        reps.loc[reps["rep_id"] == rep_id, "name"] = HOSTILE[key]
    reps.loc[reps["rep_id"] == "R020", "hire_date"] = pd.Timestamp("2026-05-04")
    tables["reps"] = reps
    catalog = tables["training_catalog"]
    tables["training_catalog"] = catalog.assign(title=HOSTILE["title_prefix"] + catalog["title"] + "</b>")
    _rename_rep(tables, "R024", HOSTILE["rep_id"])
    return tables


@pytest.fixture(scope="session")
def hostile_names() -> dict:
    """The hostile names of :func:`hostile_sample`, by role."""
    return dict(HOSTILE)


#: The note :func:`win_model_note` adds to every fitted win model.
WIN_MODEL_NOTE = "Left out amount: it alone separates won from lost."


@pytest.fixture
def win_model_note(monkeypatch) -> str:
    """Every ``WinModel.fit`` in the test adds one known note; returns its text."""
    from workbench.forecast import WinModel

    fit = WinModel.fit

    def fit_with_a_note(self, data):
        fitted = fit(self, data)
        fitted.notes_ = [*fitted.notes_, WIN_MODEL_NOTE]
        return fitted

    monkeypatch.setattr(WinModel, "fit", fit_with_a_note)
    return WIN_MODEL_NOTE


@pytest.fixture(autouse=True)
def _no_remembered_results_when_patched(request):
    """A test that patches code (``monkeypatch``) sees that code run, not a result kept from before."""
    if "monkeypatch" in request.fixturenames:
        request.getfixturevalue("monkeypatch").setenv("WORKBENCH_CACHE_RESULTS", "0")
    yield
