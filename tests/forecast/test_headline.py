"""HeadlineModel: weights learned from backtest rows, conformal intervals, parts that add up."""

import numpy as np
import pandas as pd
import pytest

from workbench.errors import NotFittedError
from workbench.forecast import HeadlineModel, explain_views
from workbench.forecast.headline import HEADLINE_COLUMNS, period_position


def _rows(n_snapshots=8, n_entities=6, seed=0, noise=0.0):
    rng = np.random.default_rng(seed)
    frames = []
    for s in range(n_snapshots):
        pipe = rng.uniform(100, 200, n_entities)
        run = rng.uniform(100, 200, n_entities)
        actual = 0.3 * pipe + 0.6 * run
        actual = actual * np.exp(rng.normal(0, noise, n_entities)) if noise else actual
        frames.append(pd.DataFrame({"snapshot": f"S{s}", "entity_type": "team",
                                    "entity_id": [f"T{i}" for i in range(n_entities)], "booked_to_date": 0.0,
                                    "pipeline_mean": pipe, "run_rate": run, "booked_actual": actual,
                                    "expected_pipeline": pipe * 0.75, "expected_run_rate": pipe * 0.25,
                                    "position": f"month {s % 3 + 1} of the quarter"}))
    return pd.concat(frames, ignore_index=True)


def test_weights_recover_an_exact_combination():
    rows = _rows()
    model = HeadlineModel(group_by=["entity_type"]).fit(rows)
    assert np.allclose(model.weights_[(("team",), "both")], [0.3, 0.6], atol=1e-6)
    out = model.predict(rows.drop(columns="booked_actual"))
    assert np.allclose(out["headline"], rows["booked_actual"], rtol=1e-6)
    assert model.n_snapshots_ == 8


def test_intervals_nested_hold_the_point_and_parts_add_up():
    rows = _rows(noise=0.3, seed=4)
    live = rows.drop(columns="booked_actual").assign(booked_to_date=20.0, pipeline_mean=rows["pipeline_mean"] + 20,
                                                     target=150.0)
    out = HeadlineModel().fit(rows).predict(live)
    assert set(HEADLINE_COLUMNS) <= set(out.columns)
    assert (out["headline-lo-95"] <= out["headline-lo-80"]).all()
    assert (out["headline-lo-80"] <= out["headline"]).all()
    assert (out["headline"] <= out["headline-hi-80"]).all()
    assert (out["headline-hi-80"] <= out["headline-hi-95"]).all()
    assert (out["headline-lo-95"] >= 20.0).all()  # never below what is booked
    parts = out[["from_booked", "from_open_deals", "from_new_deals", "from_run_rate"]].sum(axis=1)
    assert np.allclose(parts, out["headline"])
    assert np.allclose(out["from_open_deals"], 3 * out["from_new_deals"])  # the pipeline's own split
    assert out["headline_p_reach_target"].between(0, 1).all()


def test_intervals_calibrated_on_a_simulated_case():
    # errors are 30 % log-normal noise: the 80 % interval, learned on 12 snapshots, covers ~80 % of new ones
    train, test = _rows(n_snapshots=12, n_entities=10, seed=1, noise=0.3), _rows(40, 10, seed=2, noise=0.3)
    out = HeadlineModel(group_by=["entity_type"]).fit(train).predict(test.drop(columns="booked_actual"))
    inside = (test["booked_actual"] >= out["headline-lo-80"]) & (test["booked_actual"] <= out["headline-hi-80"])
    assert 0.7 <= inside.mean() <= 0.92
    inside95 = (test["booked_actual"] >= out["headline-lo-95"]) & (test["booked_actual"] <= out["headline-hi-95"])
    assert inside95.mean() >= 0.9


def test_weights_per_position_in_the_quarter():
    rows = _rows(n_snapshots=9)
    quarter_end = rows["position"] == "month 3 of the quarter"
    rows.loc[quarter_end, "booked_actual"] *= 1.5  # quarter ends beat both views
    out = HeadlineModel().fit(rows).predict(rows.drop(columns="booked_actual"))
    assert np.allclose(out["headline"], rows["booked_actual"], rtol=1e-6)
    assert out.loc[quarter_end, "w_run_rate"].min() > out.loc[~quarter_end, "w_run_rate"].max()
    assert "month 3 of the quarter" in out.loc[quarter_end, "headline_basis"].iloc[0]


def test_one_view_missing_uses_the_other():
    rows = _rows()
    live = rows.head(2).drop(columns="booked_actual").assign(pipeline_mean=np.nan)
    out = HeadlineModel(group_by=["entity_type"]).fit(rows).predict(live)
    assert out["headline"].notna().all()
    assert (out["w_pipeline"] == 0).all() and (out["w_run_rate"] > 0).all()
    assert out["headline_basis"].str.startswith("run-rate view only").all()
    assert np.allclose(out["from_run_rate"], out["headline"])


def test_predict_needs_fit_and_fit_needs_columns():
    with pytest.raises(NotFittedError):
        HeadlineModel().predict(_rows())
    with pytest.raises(ValueError, match="run_rate"):
        HeadlineModel().fit(_rows().drop(columns="run_rate"))


def test_explain_views_names_the_late_stage_and_the_history():
    deals = pd.DataFrame({"stage": ["Negotiation"] * 12 + ["Proposal"], "amount": [100_000.0] * 13,
                          "expected_bookings": 1.0})
    text = explain_views(588_900, 293_880, deals, history=pd.Series([300_000.0] * 20), stages=["Proposal", "Negotiation"])
    assert text.startswith("The pipeline expects 588,900 because 13 open deals worth 1.3 M")
    assert "12 of them (1.2 M) in Negotiation" in text
    assert "the run-rate expects 293,880 from the last 12 months (average 300,000 a month)" in text
    assert explain_views(100, 110).endswith("agree within 15%.")
    assert "only the run-rate" in explain_views(np.nan, 100).lower()
    assert period_position("2026-03-01", "M") == "month 3 of the quarter"
