"""What a cold app visit imports: ibis, scipy and the RFC 3987 grammar stay off the first paint.

A new kernel pays for every library the app notebook imports before anything shows. ibis is
needed only where a KPI expression is built, scipy only where a test statistic is computed,
and jsonschema's IRI grammar never for a chart (``workbench.charts.schema_formats``); a
visit to data opened before reads the KPIs and the diagnosis back from the cache. Each check
runs in a fresh Python process, as a kernel starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

#: Modules whose presence means the heavy library was imported.
HEAVY = ("ibis", "scipy", "rfc3987_syntax.syntax_helpers")

#: The panels whose first paint needs none of them (the forecast and what-if apps fit models: scikit-learn
#: and statsforecast bring scipy with them).
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


def test_the_model_apps_import_no_ibis_or_iri_grammar():
    code = f"from workbench.apps import app, {', '.join(MODEL_PANELS)}\nimport workbench.charts.forecast\n"
    assert [m for m in _imported_after(code) if m != "scipy"] == []


@pytest.fixture(scope="module")
def opened_before(tmp_path_factory):
    """A small data folder whose KPIs and diagnosis an earlier session kept (the cache folder)."""
    root = tmp_path_factory.mktemp("first_paint")
    data, cache = root / "data", root / "cache"
    from workbench.sample import write_sample

    write_sample(data, n_reps=6, months=14, seed=3)
    env = {"WORKBENCH_CACHE_DIR": str(cache), "WORKBENCH_DATA": str(data)}
    visit = "from workbench.apps import app, KpiScorecard, TeamDiagnosis\napp(KpiScorecard)\napp(TeamDiagnosis)\n"
    first = _imported_after(visit, env)
    assert "ibis" in first  # the first open computes the KPIs with ibis: the check below can fail
    return visit, env


def test_a_cold_visit_to_data_opened_before_needs_no_ibis_or_scipy(opened_before):
    visit, env = opened_before
    assert _imported_after(visit, env) == []
