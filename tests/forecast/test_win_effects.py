"""Item 7: deal age beyond the usual cycle never raises the win probability; the new features."""

import numpy as np
import pandas as pd

from workbench.forecast.win.features import add_cycle_features, cycle_norms
from workbench.forecast.win.model import fit_constrained_logit


def _with_twin_deals(tables, typical_days, old_days=423.0):
    """The sample plus two open deals alike in every way but their age (typical, very old)."""
    data = {k: v.copy() for k, v in tables.items()}
    opps = data["opportunities"]
    end = pd.concat([opps["created_at"], opps["closed_at"]]).max()
    rep = opps["rep_id"].iloc[0]
    twins = []
    for oid, age in (("TWIN_TYPICAL", typical_days), ("TWIN_OLD", old_days)):
        created = end - pd.Timedelta(days=age)
        twins.append({"opportunity_id": oid, "rep_id": rep, "product": opps["product"].iloc[0], "source": "Inbound",
                      "created_at": created, "first_touch_at": created + pd.Timedelta(hours=3),
                      "stage": "Negotiation", "amount": 20_000.0, "outcome": "open"})
    data["opportunities"] = pd.concat([opps, pd.DataFrame(twins)], ignore_index=True)
    stage_entries = [{"opportunity_id": t["opportunity_id"], "stage": s, "entered_at": at}
                     for t in twins for s, at in (("Prospecting", t["created_at"]),
                                                  ("Negotiation", end - pd.Timedelta(days=10)))]
    data["stage_history"] = pd.concat([data["stage_history"], pd.DataFrame(stage_entries)], ignore_index=True)
    acts = [{"activity_id": f"TW{i}{t['opportunity_id']}", "rep_id": rep, "opportunity_id": t["opportunity_id"],
             "type": "call", "at": end - pd.Timedelta(days=d)} for t in twins for i, d in enumerate((3, 12, 25))]
    data["activities"] = pd.concat([data["activities"], pd.DataFrame(acts)], ignore_index=True)
    return data


def test_an_overdue_deal_is_not_more_likely_won_than_the_same_deal_at_typical_age(win_model, sample_tables):
    typical = win_model.norms_["cycle_days"]
    data = _with_twin_deals(sample_tables, typical)
    deals = win_model.predict(data).set_index("opportunity_id")
    old, young = deals.loc["TWIN_OLD"], deals.loc["TWIN_TYPICAL"]
    assert old["p_won"] <= young["p_won"] + 1e-12
    # the old deal's age is never shown as raising its odds
    age_factor = [f for f in old["top_factors"].split("; ") if f.startswith("age ")]
    assert age_factor and age_factor[0].startswith("age 423 d")
    assert float(age_factor[0].rsplit("(", 1)[-1].rstrip(")")) < 0
    overdue = deals["top_factors"].str.extract(r"age (\d+) d \(([\d.]+)× the usual [^)]*\) \(([+-][\d.]+)\)")
    overdue = overdue.dropna().astype(float)
    beyond = overdue[overdue[1] > 1.0]
    assert len(beyond) > 0 and (beyond[2] <= 0).all()


def test_beyond_cycle_effect_is_forced_to_zero_when_the_data_says_old_deals_win():
    rng = np.random.default_rng(0)
    n = 2000
    rows = pd.DataFrame({"age_days": rng.uniform(1, 300, n), "stage": "unknown", "days_in_stage": np.nan})
    rows = add_cycle_features(rows, {"cycle_days": 60.0, "stage_days": {}})
    # the older, the likelier won: an unconstrained model would give 'overdue' a positive weight
    won = (rng.random(n) < 1 / (1 + np.exp(-(rows["age_days"] / 60 - 2)))).astype(int)
    model, kept = fit_constrained_logit(rows, won, ["cycle_progress", "overdue"], [], C=1.0)
    assert "overdue" not in kept and "cycle_progress" in kept
    p = model.predict_proba(rows[kept])[:, 1]
    at_cycle = p[rows["cycle_progress"].to_numpy() == 1.0]
    assert np.ptp(at_cycle) < 1e-12  # flat beyond the usual cycle


def test_cycle_norms_use_only_the_past():
    opps = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-03-01"]),
                         "closed_at": pd.to_datetime(["2026-01-21", "2026-02-10", "2026-06-01"]),
                         "outcome": ["won", "won", "won"]})
    history = pd.DataFrame({"opportunity_id": ["a", "a", "b", "b", "b"],
                            "stage": ["Lead", "Demo", "Lead", "Demo", "Closed Won"],
                            "entered_at": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-01-01", "2026-01-03",
                                                          "2026-05-01"])})
    norms = cycle_norms(opps, history, "2026-03-01")
    assert norms["cycle_days"] == 30.0  # median of 20 and 40 days; the deal won in June is not known yet
    assert norms["stage_days"] == {"Lead": 3.0}  # 4 and 2 days; Demo of 'b' ends after the cut


def test_snapshots_have_days_since_last_activity(sample_tables):
    from workbench.forecast import deal_snapshots

    rows = deal_snapshots(sample_tables, as_of="2026-06-01")
    days = np.expm1(rows["log_days_since_activity"])
    assert days.notna().all() and (days >= 0).all()
    assert (days <= rows["age_days"] + 1e-6).all()
