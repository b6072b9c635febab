"""backtest_pipeline and forecast_headline on a small synthetic CRM."""

import numpy as np
import pandas as pd
import pytest

from workbench import DataError, load
from workbench.forecast import backtest_pipeline, forecast_headline, pipeline_scores
from workbench.forecast.pipeline_backtest import BACKTEST_COLUMNS, _shock_scores, calibrate_shock
from workbench.sample import generate_sample

pytestmark = pytest.mark.filterwarnings("ignore:The least populated class")


@pytest.fixture(scope="module")
def data():
    tables = generate_sample(n_reps=8, months=24, seed=5)
    return load({name: frame for name, frame in tables.items() if name != "planted_drivers"})


@pytest.fixture(scope="module")
def backtest(data):
    return backtest_pipeline(data, freq="M", snapshots=3, by="team", n_sims=300, models=["naive", "seasonal_naive"])


def test_one_row_per_snapshot_and_team(backtest, data):
    teams = sorted(data.reps["team"].unique())
    assert list(backtest.columns) == BACKTEST_COLUMNS
    assert len(backtest) == 3 * len(teams)
    assert set(backtest["entity_type"]) == {"team"}
    assert backtest.groupby("snapshot")["entity_id"].apply(sorted).map(lambda ids: ids == teams).all()
    assert backtest["snapshot"].tolist() == sorted(backtest["snapshot"].tolist())
    assert (backtest["note"] == "").all()


def test_actuals_are_the_bookings_of_each_period(backtest, data):
    opps, reps = data.opportunities, data.reps
    row = backtest.iloc[-1]
    start = pd.Timestamp(row["period"])
    end = start + pd.offsets.MonthBegin(1)
    members = reps.loc[reps["team"] == row["entity_id"], "rep_id"]
    won = opps[(opps["outcome"] == "won") & opps["rep_id"].isin(members) & (opps["closed_at"] >= start)
               & (opps["closed_at"] < end)]
    assert row["booked_actual"] == pytest.approx(won["amount"].sum())


def test_forecasts_made_before_the_period(backtest):
    assert (backtest["as_of"] <= backtest["period"] + pd.Timedelta(days=3)).all()
    assert (backtest["pipeline_p10"] <= backtest["pipeline_p50"]).all()
    assert (backtest["pipeline_p50"] <= backtest["pipeline_p90"]).all()
    assert backtest["run_rate"].notna().all() and backtest["headline"].notna().all()
    assert backtest.attrs["shock_sd"] >= 0 and backtest.attrs["by"] == "team"


def test_scores_per_level(backtest):
    scores = pipeline_scores(backtest)
    row = scores.iloc[0]
    assert row["entity_type"] == "team" and row["snapshots"] == 3
    y = backtest["booked_actual"]
    assert row["run_rate_wape"] == pytest.approx((backtest["run_rate"] - y).abs().sum() / y.sum())
    inside = ((y >= backtest["pipeline_p10"]) & (y <= backtest["pipeline_p90"])).mean()
    assert row["pipeline_coverage"] == pytest.approx(inside)


def test_shared_shock_calibrated_on_a_simulated_case():
    # outcomes vary around the simulated mean by a shared 50 % log-normal factor the simulation does not know
    rng = np.random.default_rng(0)
    n = 400
    expected = rng.uniform(50, 150, n)
    base = expected[:, None] * np.ones((n, 2000))
    z = np.random.default_rng([0, 7919]).standard_normal(2000)

    def draws_at(sd):
        return base * np.exp(sd * z - sd ** 2 / 2)[None, :]

    actual = expected * np.exp(0.5 * rng.standard_normal(n) - 0.125)
    sd = calibrate_shock(_shock_scores(actual[:200], lambda s: draws_at(s)[:200]))
    assert 0.4 <= sd <= 0.6
    lo, hi = np.percentile(draws_at(sd)[200:], [10, 90], axis=1)
    assert 0.72 <= np.mean((actual[200:] >= lo) & (actual[200:] <= hi)) <= 0.88


def test_too_few_snapshots_is_refused(data):
    with pytest.raises(ValueError, match="snapshots"):
        backtest_pipeline(data, snapshots=1)
    with pytest.raises(ValueError, match="freq"):
        backtest_pipeline(data, freq="W")


def test_headline_from_the_backtest(data, backtest):
    hf = forecast_headline(data, freq="M", by="team", backtest=backtest, n_sims=300)
    t = hf.table
    assert len(t) == data.reps["team"].nunique()
    assert hf.period == "2026-11" or hf.period.startswith("20")
    assert (t["headline-lo-80"] <= t["headline"]).all() and (t["headline"] <= t["headline-hi-80"]).all()
    assert (t["headline-lo-95"] <= t["headline-lo-80"]).all() and (t["headline-hi-80"] <= t["headline-hi-95"]).all()
    parts = t[["from_booked", "from_open_deals", "from_new_deals", "from_run_rate"]].sum(axis=1)
    assert np.allclose(parts, t["headline"])
    assert t["why"].str.len().gt(20).all()
    assert hf.odds is not None and hf.odds.attrs["shock_sd"] == backtest.attrs["shock_sd"]
    assert "3 past periods" in t["headline_basis"].iloc[0]


def test_headline_without_a_pipeline(data, backtest, monkeypatch):
    def broken(self, data):
        raise DataError("WinModel: too little won-deal history to learn when deals close.")

    monkeypatch.setattr("workbench.forecast.win.model.WinModel.fit", broken)
    hf = forecast_headline(data, freq="M", by="team", backtest=backtest, n_sims=300)
    assert hf.odds is None and hf.deals is None
    assert any("too little won-deal history" in note for note in hf.notes)
    t = hf.table
    assert t["headline"].notna().all()
    assert (t["w_pipeline"] == 0).all()
    assert t["why"].str.startswith("Only the run-rate view").all()
