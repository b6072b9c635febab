"""The heavy fits kept between sessions (workbench.memo) give exactly what a fresh fit gives."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.forecast import forecast_entities, forecast_headline
from workbench.forecast.pipeline_backtest import backtest_with_run_rate
from workbench.targets import Levers, WhatIfModel


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("WORKBENCH_CACHE_RESULTS", "1")
    return tmp_path / "cache" / "results"


def _entries(store) -> int:
    return sum(1 for _ in store.rglob("output.pkl"))


def test_a_kept_backtest_equals_a_fresh_one(sample_tables, store, monkeypatch):
    kept, kept_ts = backtest_with_run_rate(sample_tables, snapshots=2, n_sims=200)
    again, _ = backtest_with_run_rate(sample_tables, snapshots=2, n_sims=200)
    assert _entries(store) >= 1
    monkeypatch.setenv("WORKBENCH_CACHE_RESULTS", "0")
    fresh, fresh_ts = backtest_with_run_rate(sample_tables, snapshots=2, n_sims=200)
    pd.testing.assert_frame_equal(again, fresh)
    assert again.attrs["shock_sd"] == fresh.attrs["shock_sd"]
    pd.testing.assert_frame_equal(kept_ts.forecast, fresh_ts.forecast)


def test_a_kept_headline_and_entity_forecast_equal_fresh_ones(sample_tables, store, monkeypatch):
    kept = forecast_headline(sample_tables, snapshots=2, n_sims=200)
    kept_ef = forecast_entities(sample_tables, by="team", h=2, n_windows=1)
    n = _entries(store)
    assert forecast_headline(sample_tables, snapshots=2, n_sims=200).table.equals(kept.table)
    assert _entries(store) == n  # read back, not stored again
    monkeypatch.setenv("WORKBENCH_CACHE_RESULTS", "0")
    pd.testing.assert_frame_equal(kept.table, forecast_headline(sample_tables, snapshots=2, n_sims=200).table)
    pd.testing.assert_frame_equal(kept_ef.forecast,
                                  forecast_entities(sample_tables, by="team", h=2, n_windows=1).forecast)


def test_a_kept_what_if_model_projects_what_a_fresh_one_does(sample_tables, store, monkeypatch):
    levers = Levers(cycle=-0.2, activity=0.1)
    kept = WhatIfModel(n_sims=200, snapshots=2).fit(sample_tables)
    again = WhatIfModel(n_sims=200, snapshots=2).fit(sample_tables)
    monkeypatch.setenv("WORKBENCH_CACHE_RESULTS", "0")
    fresh = WhatIfModel(n_sims=200, snapshots=2).fit(sample_tables)
    for model in (kept, again):
        pd.testing.assert_frame_equal(model.project(levers).table, fresh.project(levers).table)
