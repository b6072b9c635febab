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


def test_a_kept_win_model_scores_what_a_fresh_fit_does(sample_tables, store, monkeypatch):
    from workbench.forecast import WinModel
    from workbench.forecast.win.kept import fitted_win_model, scored_open_deals

    kept, kept_deals = fitted_win_model(sample_tables, freq="M")
    scored = scored_open_deals(sample_tables, freq="M")
    n = _entries(store)
    assert n >= 1
    again, again_deals = fitted_win_model(sample_tables, freq="M")
    assert _entries(store) == n  # read back, not fitted and stored again
    assert again is not kept
    monkeypatch.setenv("WORKBENCH_CACHE_RESULTS", "0")
    fresh = WinModel(freq="M").fit(sample_tables)
    fresh_deals = fresh.predict(sample_tables)
    for deals in (kept_deals, again_deals, scored):
        pd.testing.assert_frame_equal(deals, fresh_deals)
    assert scored.attrs["win_notes"] == fresh.notes_ and scored.attrs["win_notes_zh"] == fresh.notes_zh_
    pd.testing.assert_frame_equal(again.predict(sample_tables), fresh_deals)
    assert again.notes_ == fresh.notes_ and again.notes_zh_ == fresh.notes_zh_
    assert fitted_win_model(sample_tables, freq="Q")[1]["p_won_in_period"].tolist() != \
        fresh_deals["p_won_in_period"].tolist()  # another period length is another fit


def test_the_forecast_panel_keeps_its_win_model(store, monkeypatch):
    from workbench.apps.forecast_outlook import ForecastOutlook
    from workbench.forecast import WinModel
    from workbench.sample import generate_sample

    small = generate_sample(n_reps=6, months=18, seed=3)

    fits = []
    real_fit = WinModel.fit
    monkeypatch.setattr(WinModel, "fit", lambda self, *a, **k: fits.append(1) or real_fit(self, *a, **k))
    first = ForecastOutlook(small, n_windows=1, n_sims=200, snapshots=2).win_model("M")
    n = len(fits)
    assert n >= 1
    again = ForecastOutlook(small, n_windows=1, n_sims=200, snapshots=2).win_model("M")
    assert len(fits) == n  # the second panel fits no win model: every fit was kept
    pd.testing.assert_frame_equal(again[1], first[1])
    panel = ForecastOutlook(small, n_windows=1, n_sims=200, snapshots=2)
    monkeypatch.setenv("WORKBENCH_CACHE_RESULTS", "0")
    fresh = ForecastOutlook(small, n_windows=1, n_sims=200, snapshots=2)
    assert panel.headline.value == fresh.headline.value and panel.odds_html.value == fresh.odds_html.value
    pd.testing.assert_frame_equal(panel.scored_deals("M"), fresh.scored_deals("M"))
