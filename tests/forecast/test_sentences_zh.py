"""The forecast's sentences in Chinese: every note, reason and ``why`` has a Chinese twin with
the same numbers and no English words left (ids, names and acronyms aside)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from tests.forecast.helpers import FAST_MODELS, monthly_series
from tests.sentences import CJK, data_words, english_left, nonempty
from workbench import load
from workbench.forecast import Forecaster
from workbench.forecast.headline import HeadlineModel, explain_views
from workbench.forecast.metrics import evaluate
from workbench.forecast.outlook import forecast_headline
from workbench.forecast.pipeline_backtest import BACKTEST_COLUMNS
from workbench.forecast.timeseries import backtest_note
from workbench.forecast.workflow import forecast_entities
from workbench.sample import generate_sample

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _numbers(text: str) -> list[str]:
    """The numbers of a sentence, sorted (Chinese word order differs)."""
    return sorted(NUMBER.findall(text))


def _rows(uid, n, values=None):
    ds = pd.date_range(end="2025-12-01", periods=n, freq="MS")
    return pd.DataFrame({"unique_id": uid, "ds": ds, "y": values if values is not None else np.linspace(800, 1200, n)})


@pytest.fixture(scope="module")
def data():
    return load(generate_sample(n_reps=12, months=24, seed=1))


@pytest.fixture(scope="module")
def fallbacks():
    """Every fallback of the forecaster: too few seasons, a handful of points, borrowed, all zero."""
    df = pd.concat([monthly_series(n_series=3, n_months=36), _rows("rep:short", 15), _rows("rep:few", 3),
                    _rows("rep:new", 2, np.array([100.0, 100.0])), _rows("rep:idle", 24, np.zeros(24))],
                   ignore_index=True)
    groups = {"rep:R00": "team:A", "rep:R01": "team:A", "rep:new": "team:A", "rep:idle": "team:A"}
    return Forecaster(models=FAST_MODELS, level=[80]).fit(df, groups=groups).predict(2)


def test_every_fallback_note_has_a_chinese_twin(fallbacks):
    notes = fallbacks.drop_duplicates("unique_id").set_index("unique_id")
    assert (notes["note"] != "").sum() == 4 and ((notes["note"] != "") == (notes["note_zh"] != "")).all()
    en, zh = nonempty(notes["note"]), nonempty(notes["note_zh"])
    assert all(CJK.search(t) for t in zh)
    assert english_left(zh, en, allowed={"team"}) == []  # "team:A" is the group's id
    for a, b in zip(notes["note"], notes["note_zh"]):
        assert _numbers(a) == _numbers(b)


def test_backtest_and_score_notes_in_chinese():
    pairs = [(backtest_note(10, 0, 3, 3, 12), backtest_note(10, 0, 3, 3, 12, "zh")),
             (backtest_note(1, 0, 3, 3, 12), backtest_note(1, 0, 3, 3, 12, "zh")),
             (backtest_note(10, 1, 3, 3, 6), backtest_note(10, 1, 3, 3, 6, "zh"))]
    ds = pd.date_range("2025-01-01", periods=3, freq="MS")
    backtest = pd.DataFrame({"unique_id": "a", "ds": ds, "cutoff": ds[0], "y": [0.0, 0.0, 0.0],
                             "forecast": [1.0, 2.0, 3.0]})
    history = pd.DataFrame({"unique_id": "a", "ds": [ds[0] - pd.DateOffset(months=1)], "y": [5.0]})
    for hist in (history, None):
        row = evaluate(backtest, hist, season_length=12).iloc[0]
        pairs.append((row["note"], row["note_zh"]))
    en, zh = [p[0] for p in pairs], [p[1] for p in pairs]
    assert all(zh) and all(CJK.search(t) for t in zh)
    assert english_left(zh, en) == []
    assert [_numbers(a) for a in en] == [_numbers(b) for b in zh]


def test_entity_forecast_backtest_notes_in_chinese(data):
    fc = forecast_entities(data, by="rep", freq="M", h=3, models=["naive"], n_windows=12).forecast
    said = fc[fc["backtest_note"] != ""]
    assert len(said) and (said["backtest_note_zh"] != "").all()
    assert english_left(said["backtest_note_zh"].unique(), said["backtest_note"].unique(), data_words(data)) == []


DEALS = pd.DataFrame({"stage": ["Negotiation", "Negotiation", "Demo"], "amount": [600e3, 600e3, 100e3],
                      "expected_bookings": [300e3, 250e3, 10e3]})


@pytest.mark.parametrize(("pipeline", "run_rate", "deals", "history", "unit"), [
    (588_900, 293_880, DEALS, pd.Series([290e3] * 12), "month"),
    (200_000, 293_880, DEALS, None, "month"),
    (200_000, 293_880, DEALS.iloc[2:], pd.Series([290e3]), "quarter"),
    (900_000, 293_880, DEALS.iloc[:1], pd.Series([290e3] * 6), "quarter"),
    (200_000, 293_880, DEALS.iloc[:0], None, "month"),
    (100, 105, None, None, "month"),
    (np.nan, 105, None, None, "month"),
    (100, np.nan, None, None, "month"),
])
def test_why_the_views_differ_in_chinese(pipeline, run_rate, deals, history, unit):
    args = dict(history=history, unit=unit, stages=["Demo", "Negotiation"])
    en, zh = explain_views(pipeline, run_rate, deals, **args), explain_views(pipeline, run_rate, deals, lang="zh", **args)
    assert CJK.search(zh) and english_left([zh], [en], allowed={"demo", "negotiation"}) == []
    assert _numbers(en) == _numbers(zh)


@pytest.mark.parametrize(("weights", "views"), [
    ({"all": {"both": np.array([0.54, 0.28])}}, ("both", "pipeline", "run_rate")),
    ({}, ("both", "pipeline", "run_rate", "none")),
])
def test_headline_basis_in_chinese(weights, views):
    model = HeadlineModel()
    model.weights_, model.residuals_, model.n_snapshots_ = weights, {}, 6 if weights else 0
    en = [model._basis(v, (0.54, 0.28) if v != "none" else None, "month 3 of the quarter") for v in views]
    zh = [model._basis(v, (0.54, 0.28) if v != "none" else None, "month 3 of the quarter", "zh") for v in views]
    assert all(CJK.search(t) for t in zh) and english_left(zh, en) == []
    assert [_numbers(a) for a in en] == [_numbers(b) for b in zh]


def test_headline_table_and_notes_in_chinese(data):
    hf = forecast_headline(data, freq="M", by="team", backtest=pd.DataFrame(columns=BACKTEST_COLUMNS), seed=0,
                           n_sims=200)
    assert len(hf.notes) >= 2 and len(hf.notes_zh) == len(hf.notes)
    en = [*hf.notes, *hf.table["why"], *hf.table["headline_basis"]]
    zh = [*hf.notes_zh, *hf.table["why_zh"], *hf.table["headline_basis_zh"]]
    assert all(CJK.search(t) for t in zh)
    assert english_left(zh, en, data_words(data)) == []
    assert [_numbers(a) for a in hf.table["why"]] == [_numbers(b) for b in hf.table["why_zh"]]


def test_headline_without_the_pipeline_says_so_in_chinese(data):
    hf = forecast_headline(data, freq="M", by="team", backtest=pd.DataFrame(columns=BACKTEST_COLUMNS), seed=0,
                           pipeline=False)
    at = next(i for i, n in enumerate(hf.notes) if n.startswith("No pipeline view: "))
    assert hf.notes_zh[at] == "没有管道视角：调用方未计算（没有赢单模型）。"


@pytest.fixture(scope="module")
def bare_win_model():
    """A win model on data with no stage history and no activity log, on a short history: notes to write."""
    from workbench.forecast import WinModel

    sample = generate_sample(n_reps=12, months=12, seed=1)
    bare = load({k: v for k, v in sample.items() if k not in ("stage_history", "activities")})
    return WinModel(freq="M").fit(bare), bare


def test_win_model_notes_in_chinese(bare_win_model):
    model, data = bare_win_model
    assert len(model.notes_) >= 3 and len(model.notes_zh_) == len(model.notes_)
    assert all(CJK.search(t) for t in model.notes_zh_)
    assert english_left(model.notes_zh_, model.notes_, data_words(data) | {"leakage", "keep", "drop", "warn"}) == []
    for a, b in zip(model.notes_, model.notes_zh_):
        assert _numbers(a) == _numbers(b)


def test_deal_factors_in_chinese(bare_win_model, data):
    from workbench.forecast import WinModel

    for model, frame in (bare_win_model, (WinModel(freq="M").fit(data), data)):
        deals = model.predict(frame)
        assert len(deals) and (deals["top_factors_zh"] != "").all()
        assert english_left(deals["top_factors_zh"], deals["top_factors"], data_words(frame)) == []
        assert [_numbers(a) for a in deals["top_factors"]] == [_numbers(b) for b in deals["top_factors_zh"]]
