import numpy as np
import pytest

from workbench.forecast import simulate_pipeline


@pytest.fixture(scope="module")
def simulated(sample_tables, win_model):
    deals = win_model.predict(sample_tables, as_of="2026-10-01")
    return deals, simulate_pipeline(deals, sample_tables, "2026-10", n_sims=2000, seed=3)


def test_quantiles_ordered_and_targets_matched(simulated):
    _, out = simulated
    assert list(out["entity_type"].unique()) == ["rep", "team", "region", "company"]
    assert (out["p10"] <= out["p50"]).all() and (out["p50"] <= out["p90"]).all()
    assert out["p_reach_target"].between(0, 1).all()
    company = out[out["entity_type"] == "company"].iloc[0]
    assert company["target"] > 0


def test_levels_add_up(simulated, sample_tables):
    _, out = simulated
    reps = sample_tables["reps"]
    rep_mean = out[out["entity_type"] == "rep"].set_index("entity_id")["mean"]
    team_mean = out[out["entity_type"] == "team"].set_index("entity_id")["mean"]
    for team, members in reps.groupby("team")["rep_id"]:
        assert np.isclose(rep_mean[members].sum(), team_mean[team])
    assert np.isclose(rep_mean.sum(), out.loc[out["entity_type"] == "company", "mean"].iloc[0])


def test_seeded_and_close_to_expectation(simulated, sample_tables):
    deals, out = simulated
    again = simulate_pipeline(deals, sample_tables, "2026-10", n_sims=2000, seed=3)
    assert np.allclose(again["p50"], out["p50"])
    company = out[out["entity_type"] == "company"].iloc[0]
    expected = company["booked_to_date"] + company["expected_pipeline"] + company["expected_run_rate"]
    assert abs(company["mean"] - expected) / expected < 0.03


def test_actual_bookings_inside_p10_p90(simulated, sample_tables):
    _, out = simulated
    opps = sample_tables["opportunities"]
    won = opps[(opps["outcome"] == "won") & (opps["closed_at"] >= "2026-10-01") & (opps["closed_at"] < "2026-11-01")]
    company = out[out["entity_type"] == "company"].iloc[0]
    assert company["p10"] <= won["amount"].sum() <= company["p90"]
