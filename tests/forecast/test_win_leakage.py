"""Item 5: a feature that alone separates won from lost is reported and left out."""

import warnings

import numpy as np
import pandas as pd
import pytest

from tests.forecast.small_crm import small_crm
from workbench.errors import LeakageWarning
from workbench.forecast import WinModel
from workbench.forecast.win.leakage import find_leaks


def _hand_made(n=200, zero_share=1.0, seed=0):
    """Snapshots where lost deals' amount is 0 for ``zero_share`` of them; an honest signal next to it."""
    rng = np.random.default_rng(seed)
    won = (np.arange(n) % 4 == 0).astype(int)  # 25 % won
    amount = rng.lognormal(9, 0.5, n)
    zeroed = (won == 0) & (rng.random(n) < zero_share)
    amount[zeroed] = 0.0
    honest = won + rng.normal(0, 1.0, n)  # AUC ~0.76
    rows = pd.DataFrame({"log_amount": np.log1p(amount), "log_activities_30d": honest,
                         "source": np.where(rng.random(n) < 0.5, "Inbound", "Outbound")})
    return rows, won


def test_amount_zero_on_every_lost_deal_is_a_leak():
    rows, won = _hand_made()
    leaks = find_leaks(rows, won, ["log_amount", "log_activities_30d"], ["source"])
    assert list(leaks["feature"]) == ["log_amount"]
    assert leaks["auc"].iloc[0] == 1.0
    assert "deal amount alone separates won from lost" in leaks["reason"].iloc[0]


def test_a_value_found_only_on_lost_deals_is_a_leak_even_when_auc_is_lower():
    rows, won = _hand_made(zero_share=0.3)
    open_rows = pd.DataFrame({"log_amount": np.log1p(np.full(50, 8000.0)), "log_activities_30d": 0.0,
                              "source": "Inbound"})
    leaks = find_leaks(rows, won, ["log_amount"], open_rows=open_rows)
    assert leaks["auc"].iloc[0] < 0.98
    assert leaks["value"].iloc[0] == 0.0 and leaks["outcome"].iloc[0] == "lost"
    assert "amount of 0 occurs only on lost deals" in leaks["reason"].iloc[0]
    # the same value common on open deals is a real state of a deal, not a trace of the outcome
    open_rows["log_amount"] = np.where(np.arange(50) < 20, 0.0, np.log1p(8000.0))
    assert find_leaks(rows, won, ["log_amount"], open_rows=open_rows).empty


def test_no_leak_in_honest_features():
    rows, won = _hand_made()
    assert find_leaks(rows, won, ["log_activities_30d"], ["source"]).empty


@pytest.fixture(scope="module")
def leaky():
    return small_crm(lost_amount_zero=True)


def test_win_model_drops_the_leak_and_says_so(leaky):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = WinModel().fit(leaky)
    assert any(issubclass(w.category, LeakageWarning) and "deal amount" in str(w.message) for w in caught)
    assert "log_amount" not in model.features_
    assert list(model.leaks_["feature"]) == ["log_amount"]
    report = model.report()
    assert report["notes"] == model.notes_
    assert any("deal amount" in note and "left out" in note for note in report["notes"])
    assert report["auc"] < 0.95
    deals = model.predict(leaky)
    assert deals["p_won"].max() < 0.99 and deals["p_won"].std() > 0.05
    assert (deals["amount"] > 0).all()  # the open deals' amounts still drive expected bookings


def test_leakage_keep_reproduces_the_perfect_scores_without_warning(leaky):
    with warnings.catch_warnings():
        warnings.simplefilter("error", LeakageWarning)
        model = WinModel(leakage="keep").fit(leaky)
    assert "log_amount" in model.features_
    assert model.report()["auc"] > 0.99
    assert any("leakage='keep'" in note for note in model.notes_)


def test_leakage_warn_keeps_the_feature_and_warns(leaky):
    with pytest.warns(LeakageWarning, match="not to be trusted"):
        model = WinModel(leakage="warn").fit(leaky)
    assert "log_amount" in model.features_


def test_bad_leakage_parameter():
    with pytest.raises(ValueError, match="The 'leakage' parameter of WinModel"):
        WinModel(leakage="ignore").fit({})


def _hand_made_crm(n=900, seed=3):
    """Reps and opportunities only (no stage history, no activities); lost deals' amounts zeroed."""
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.uniform(0, 700, n), unit="D")
    source = rng.choice(["Inbound", "Outbound", "Referral"], n)
    won = rng.random(n) < np.where(source == "Referral", 0.5, 0.25)
    closed = created + pd.to_timedelta(np.where(won, rng.gamma(4, 15, n), rng.gamma(2, 15, n)), unit="D")
    end = pd.Timestamp("2025-12-31")
    is_open = closed > end
    opps = pd.DataFrame({
        "opportunity_id": [f"D{i:04d}" for i in range(n)], "rep_id": rng.choice(["R1", "R2", "R3"], n),
        "product": "Platform", "source": source, "created_at": created, "stage": "Open",
        "amount": rng.lognormal(9, 0.6, n).round(-1), "closed_at": closed.where(~is_open),
        "outcome": np.where(is_open, "open", np.where(won, "won", "lost"))})
    opps.loc[opps["outcome"] == "lost", "amount"] = 0.0
    opps.loc[opps["outcome"] == "won", "stage"] = "Closed Won"
    opps.loc[opps["outcome"] == "lost", "stage"] = "Closed Lost"
    reps = pd.DataFrame({"rep_id": ["R1", "R2", "R3"], "name": ["A", "B", "C"], "team": "T", "region": "North"})
    return {"reps": reps, "opportunities": opps}


def test_leak_detected_on_a_hand_made_crm_without_history():
    data = _hand_made_crm()
    with pytest.warns(LeakageWarning, match="deal amount"):
        model = WinModel().fit(data)
    assert list(model.leaks_["feature"]) == ["log_amount"]
    assert "log_amount" not in model.features_ and "source" in model.features_
    assert any("no stage history" in note for note in model.notes_)
    deals = model.predict(data)
    assert deals["p_won"].between(0.05, 0.95).all()
