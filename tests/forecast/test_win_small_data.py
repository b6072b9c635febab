"""Item 6: short CRM exports fall back (and say so) instead of failing."""

import numpy as np
import pandas as pd
import pytest

from tests.forecast.small_crm import small_crm
from workbench.errors import DataError
from workbench.forecast import WinModel
from workbench.forecast.win.close_timing import EmpiricalCloseTiming


@pytest.fixture(scope="module")
def crm():
    return small_crm()


def test_small_crm_has_the_shape_of_a_short_export(crm):
    opps = crm["opportunities"]
    assert 2000 <= len(opps) <= 5000
    months = (opps["created_at"].max() - opps["created_at"].min()).days / 30.44
    assert months < 14  # ten months plus the deals already open at the start
    closed = opps[opps["closed_at"].notna()]
    assert (closed["closed_at"] <= pd.Timestamp("2026-11-01")).all()
    assert set(opps["outcome"]) == {"won", "lost", "open"}


@pytest.mark.parametrize("freq", ["M", "Q"])
def test_win_model_fits_a_ten_month_crm(crm, freq):
    model = WinModel(freq=freq).fit(crm)
    report = model.report()
    assert report["windows"] == "three windows"
    assert any("windows were cut" in note for note in report["notes"])
    assert 0.5 < report["auc"] <= 1.0
    deals = model.predict(crm)
    opps = crm["opportunities"]
    assert set(deals["opportunity_id"]) == set(opps.loc[opps["outcome"] == "open", "opportunity_id"])
    for col in ("p_won", "p_close_in_period", "p_won_in_period"):
        assert deals[col].between(0, 1).all()


def test_tiny_crm_falls_back_to_merged_windows_and_empirical_timing():
    tiny = small_crm(n_reps=4, months=4)
    model = WinModel(freq="Q").fit(tiny)
    report = model.report()
    assert np.isnan(report["auc"]) and np.isnan(report["brier"]) and np.isnan(report["ece"])
    assert report["close_timing"] == "empirical"
    notes = " ".join(report["notes"])
    assert "not available (NaN)" in notes and "cross-fitting" in notes and "cycle lengths" in notes
    assert model.calibration_table_.empty
    deals = model.predict(tiny)
    assert len(deals) > 0 and deals["p_won_in_period"].between(0, 1).all()


def test_no_won_deal_at_all_is_a_clear_error():
    data = small_crm(n_reps=4, months=4)
    opps = data["opportunities"]
    opps.loc[opps["outcome"] == "won", "outcome"] = "lost"
    with pytest.raises(DataError, match="0 won and .* lost closed deals; a win model needs both"):
        WinModel().fit(data)


def test_empirical_close_timing_by_hand():
    # won cycles 10, 20, 40, 50, 80, 100 days; a 30-day period
    timing = EmpiricalCloseTiming(30).fit([10, 20, 40, 50, 80, 100], min_deals=2)
    p = timing.predict_age([0, 35, 70, 500])
    # age 0: 6 at risk, 2 close by day 30 -> 2.5 / 7; age 35: 4 at risk (40..100), 2 by day 65 -> 2.5 / 5
    # age 70: 2 at risk (80, 100), both by day 100 -> 2.5 / 3; age 500: held at the last age with 2 at risk
    assert np.allclose(p, [2.5 / 7, 2.5 / 5, 2.5 / 3, 2.5 / 3])


def test_monthly_close_timing_falls_back_to_quarterly_when_few_wins_close_within_a_month():
    slow = small_crm(n_reps=3, cycle_scale=6)  # 13 won deals, most taking many months
    model = WinModel(freq="M").fit(slow)
    assert model.close_timing_ == "quarterly"
    assert any("learned for a quarter" in note for note in model.notes_)
    deals = model.predict(slow)
    quarterly = WinModel(freq="Q").fit(slow).predict(slow)
    # a month is never likelier than the quarter it starts
    assert deals["p_close_in_period"].between(0, 1).all()
    assert (deals["p_close_in_period"].to_numpy() <= quarterly["p_close_in_period"].to_numpy() + 1e-9).all()


def _as_known_at(tables, cutoff):
    """The tables as the CRM showed them at ``cutoff``: later deals absent, later closes still open."""
    cutoff = pd.Timestamp(cutoff)
    opps = tables["opportunities"][tables["opportunities"]["created_at"] <= cutoff].copy()
    late = opps["closed_at"] > cutoff
    opps.loc[late, ["outcome", "closed_at", "lost_reason"]] = ["open", pd.NaT, None]
    history = tables["stage_history"]
    history = history[(history["entered_at"] <= cutoff) & history["opportunity_id"].isin(opps["opportunity_id"])]
    last = history.sort_values("entered_at").groupby("opportunity_id")["stage"].last()
    opps.loc[late, "stage"] = opps.loc[late, "opportunity_id"].map(last).to_numpy()
    activities = tables["activities"][tables["activities"]["at"] <= cutoff]
    return {"reps": tables["reps"], "opportunities": opps, "stage_history": history, "activities": activities}


@pytest.mark.parametrize("months_in", [5, 12])
def test_fits_on_the_data_as_known_at_a_past_date(sample_tables, months_in):
    start = sample_tables["opportunities"]["closed_at"].min()
    cutoff = (start + pd.DateOffset(months=months_in)).normalize()
    view = _as_known_at(sample_tables, cutoff)
    model = WinModel().fit(view)
    assert model.data_end_ <= cutoff
    assert model.split_["test_end"] <= cutoff + pd.Timedelta(days=1)
    deals = model.predict(view)
    assert set(deals["opportunity_id"]) == set(view["opportunities"].query("outcome == 'open'")["opportunity_id"])
    assert deals["p_won"].between(0, 1).all()
