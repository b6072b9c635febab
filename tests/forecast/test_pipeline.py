import numpy as np
import pandas as pd
import pytest

from workbench.errors import NotFittedError
from workbench.forecast import WinModel, compare_win_models, deal_snapshots, expected_calibration_error

#: Expected calibration error allowed on the hold-out (weighted mean |predicted - observed| over bins).
CALIBRATION_TOLERANCE = 0.08


def test_auc_is_reported_and_beats_stage_only(win_model):
    report = win_model.report()
    print({k: report[k] for k in ("auc", "auc_stage_only", "brier", "brier_stage_only", "close_auc")})
    assert 0.6 < report["auc"] <= 1.0
    assert report["auc"] > report["auc_stage_only"]
    assert 0 < report["brier"] < 0.25
    assert report["holdout_deals"] > 100
    assert report["cal_start"] < report["test_start"] < report["test_end"] <= report["data_end"]
    # a full sample needs no fallback and has no leak: nothing to note
    assert report["windows"] == "three windows" and report["close_timing"] == "model"
    assert report["notes"] == [] and report["leaks"] == []
    assert "overdue" in report["features"] and "log_days_since_activity" in report["features"]


def test_calibration_within_tolerance(win_model):
    table = win_model.calibration_table_
    assert list(table.columns) == ["bin", "n", "mean_predicted", "observed"]
    ece = float(np.average((table["mean_predicted"] - table["observed"]).abs(), weights=table["n"]))
    print(table, "ECE", round(ece, 3))
    assert ece <= CALIBRATION_TOLERANCE
    assert win_model.report()["ece"] == pytest.approx(ece)


def test_expected_calibration_error_by_hand():
    # bins of width 0.5: {0.2, 0.4} observed 1/2 (gap 0.2), {0.6, 0.8, 0.9} observed 3/3 (gap 1 - 0.7667)
    ece = expected_calibration_error([0, 1, 1, 1, 1], [0.2, 0.4, 0.6, 0.8, 0.9], n_bins=2)
    assert ece == pytest.approx((2 * 0.2 + 3 * (1 - 2.3 / 3)) / 5)
    assert expected_calibration_error([0, 1], [0.0, 1.0]) == 0.0


def test_compare_with_gradient_boosting_on_the_same_snapshots(win_model, sample_tables):
    scores = compare_win_models(sample_tables).set_index("model")
    print(scores)
    assert list(scores.index) == ["win_model", "hist_gradient_boosting", "stage_only"]
    assert {"auc", "brier", "ece", "n", "deals", "fit_seconds"} <= set(scores.columns)
    assert scores["n"].nunique() == 1 and scores["n"].iloc[0] == len(win_model.test_predictions_)
    assert scores.loc["win_model", "auc"] == pytest.approx(win_model.auc_)
    assert scores.loc["win_model", "auc"] >= scores.loc["hist_gradient_boosting", "auc"]
    assert scores.loc["win_model", "auc"] > scores.loc["stage_only", "auc"]


def test_predict_scores_open_deals_with_reasons(win_model, sample_tables):
    before = sample_tables["opportunities"].copy()
    deals = win_model.predict(sample_tables)
    pd.testing.assert_frame_equal(sample_tables["opportunities"], before)
    opps = sample_tables["opportunities"]
    assert set(deals["opportunity_id"]) == set(opps.loc[opps["outcome"] == "open", "opportunity_id"])
    for col in ("p_won", "p_close_in_period", "p_won_in_period"):
        assert deals[col].between(0, 1).all()
    assert np.allclose(deals["p_won_in_period"], deals["p_won"] * deals["p_close_in_period"])
    assert deals["top_factors"].str.count(r"\(([+-])\d").ge(1).all()
    # later stages are more likely to be won
    by_stage = deals.groupby("stage")["p_won"].mean()
    assert by_stage["Negotiation"] > by_stage["Prospecting"]


def test_snapshots_use_only_the_past(sample_tables):
    snaps = deal_snapshots(sample_tables)
    assert not snaps["stage"].isin(["Closed Won", "Closed Lost"]).any()
    assert (snaps["as_of"] > snaps["created_at"]).all()
    assert (snaps["as_of"] <= snaps["closed_at"]).all()
    assert snaps["outcome"].isin(["won", "lost"]).all()
    # rep win rate shrunk toward the company rate, always a probability
    assert snaps["rep_win_rate"].between(0, 1).all()


def test_predict_before_fit():
    with pytest.raises(NotFittedError, match="WinModel"):
        WinModel().predict({})


def test_bad_parameter():
    with pytest.raises(ValueError, match="The 'calibration' parameter of WinModel"):
        WinModel(calibration="platt").fit({})


def test_predict_without_factors_gives_the_same_probabilities(win_model, sample_tables):
    full = win_model.predict(sample_tables)
    bare = win_model.predict(sample_tables, factors=False)
    text = ["top_factors", "top_factors_zh"]
    pd.testing.assert_frame_equal(full.drop(columns=text), bare.drop(columns=text))
    assert (bare[text] == "").all().all() and (full[text] != "").all().all()
