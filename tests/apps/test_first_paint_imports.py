"""What a cold app visit imports: ibis, scipy and the RFC 3987 grammar stay off the first paint.

A new kernel pays for every library the app notebook imports before anything shows. ibis is
needed only where a KPI expression is built, scipy only where a test statistic is computed,
and jsonschema's IRI grammar never for a chart (``workbench.charts.schema_formats``); a
visit to data opened before reads the KPIs and the diagnosis back from the cache. The forecast
and what-if apps fit models (scikit-learn, statsforecast) only when nothing is kept: their
packages import those on first use, and a second visit reads the forecasts, the backtest and
the what-if model back. Each check runs in a fresh Python process, as a kernel starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

#: Modules whose presence means the heavy library was imported.
HEAVY = ("ibis", "scipy", "rfc3987_syntax.syntax_helpers", "sklearn", "statsforecast")

#: The panels whose first paint needs none of them; the forecast and what-if apps need them only to fit
#: a model that is not kept yet (scikit-learn and statsforecast bring scipy with them).
LIGHT_PANELS = ("KpiScorecard", "TeamDiagnosis", "CoachingPanel")
MODEL_PANELS = ("ForecastOutlook", "TargetsWhatIf")


def _imported_after(code: str, env: dict | None = None) -> list[str]:
    """Which of :data:`HEAVY` a fresh interpreter has imported after running ``code``."""
    probe = code + textwrap.dedent(f"""
        import json, sys
        print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_light_apps_import_no_ibis_scipy_or_iri_grammar():
    panels = ", ".join(LIGHT_PANELS)
    code = f"from workbench.apps import app, {panels}\n"
    # what their first paint draws with: the chart modules, offline widgets, the data-source picker
    code += "import workbench.charts.kpi, workbench.charts.coaching, workbench.apps.data_source\n"
    assert _imported_after(code) == []


def test_the_model_apps_import_nothing_heavy_before_they_fit():
    code = f"from workbench.apps import app, {', '.join(MODEL_PANELS)}\n"
    code += "import workbench.charts.forecast, workbench.apps.forecast_outlook, workbench.apps.targets_whatif\n"
    code += "import workbench.forecast, workbench.targets, workbench.forecast.win\n"
    assert _imported_after(code) == []


def test_the_forecast_and_targets_packages_still_give_every_name():
    code = textwrap.dedent("""
        import workbench.forecast, workbench.forecast.win, workbench.targets
        for package in (workbench.forecast, workbench.forecast.win, workbench.targets):
            for name in package.__all__:
                assert getattr(package, name) is not None, name
            assert set(package.__all__) <= set(dir(package))
    """)
    assert set(_imported_after(code)) >= {"sklearn", "statsforecast"}  # imported on first use


def _sample_folder(root, months: int) -> dict:
    """A small sample (6 reps) written under ``root``; the environment that serves it with its own cache folder."""
    from workbench.sample import write_sample

    write_sample(root / "data", n_reps=6, months=months, seed=3)
    return {"WORKBENCH_CACHE_DIR": str(root / "cache"), "WORKBENCH_DATA": str(root / "data")}


@pytest.fixture(scope="module")
def opened_before(tmp_path_factory):
    """A small data folder whose KPIs and diagnosis an earlier session kept (the cache folder)."""
    env = _sample_folder(tmp_path_factory.mktemp("first_paint"), months=14)
    visit = "from workbench.apps import app, KpiScorecard, TeamDiagnosis\napp(KpiScorecard)\napp(TeamDiagnosis)\n"
    first = _imported_after(visit, env)
    assert "ibis" in first  # the first open computes the KPIs with ibis: the check below can fail
    return visit, env


def test_a_cold_visit_to_data_opened_before_needs_no_ibis_or_scipy(opened_before):
    visit, env = opened_before
    assert _imported_after(visit, env) == []


@pytest.fixture(scope="module")
def modelled_before(tmp_path_factory):
    """A small data folder whose forecasts, backtest, win model and what-if model an earlier visit kept."""
    env = _sample_folder(tmp_path_factory.mktemp("first_paint_models"), months=18)
    options = "n_sims=200, snapshots=2"
    visits = {
        "forecast": f"from workbench.apps import app, ForecastOutlook\npage = app(ForecastOutlook, n_windows=1, {options})\n"
                    "assert page.panel.error.value == '', page.panel.error.value\n",
        "what-if": "from workbench.apps import app, TargetsWhatIf\npage = app(TargetsWhatIf, n_sims=200)\n"
                   "assert page.panel.projection is not None, page.panel.error.value\n",
    }
    for code in visits.values():
        first = _imported_after(code, env)
        assert {"sklearn", "statsforecast"} <= set(first)  # the first visit fits: the checks below can fail
    return visits, env


def test_a_second_forecast_visit_imports_nothing_heavy(modelled_before):
    visits, env = modelled_before
    # the headline (its weights learned with scipy's nnls) is kept per dataset and read back whole
    assert _imported_after(visits["forecast"], env) == []


def test_a_second_what_if_visit_imports_nothing_heavy(modelled_before):
    visits, env = modelled_before
    assert _imported_after(visits["what-if"], env) == []
