"""The KPI scorecard panel, driven through its traitlets without a browser."""

from __future__ import annotations

import pytest

from workbench import DataError, load
from workbench.apps import KpiScorecard
from workbench.sample import generate_sample


@pytest.fixture(scope="module")
def data():
    tables = generate_sample(n_reps=8, months=6, seed=3)
    return load({name: frame for name, frame in tables.items() if name != "planted_drivers"})


def _body_rows(panel) -> int:
    return panel.table.value.split("<tbody>")[1].count("<tr>")


def test_panel_shows_latest_period_for_every_rep(data):
    panel = KpiScorecard(data)
    assert panel.error.value == ""
    assert panel.period == panel.period_picker.options[-1][1]
    assert _body_rows(panel) == len(data.reps)
    assert panel.bar is not None and panel.trend is not None


def test_changing_level_recomputes_and_redraws(data):
    panel = KpiScorecard(data)
    panel.level = "team"
    teams = data.reps["team"].nunique()
    assert _body_rows(panel) == teams
    assert "Team" in panel.table.value
    panel.metric = "win_rate"
    spec = panel.bar.chart.to_dict()
    assert spec["encoding"]["x"]["title"] == "Win rate"


def test_errors_are_shown_not_raised(data, monkeypatch):
    panel = KpiScorecard(data)

    def broken(*args, **kwargs):
        raise DataError("targets.csv: column 'target' expected numbers")

    monkeypatch.setattr("workbench.apps.kpi_scorecard.compute_kpis", broken)
    panel.level = "region"
    assert "wb-error" in panel.error.value
    assert "targets.csv" in panel.error.value
