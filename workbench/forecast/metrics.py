"""Forecast accuracy metrics, on arrays and on backtest tables.

Array functions take actuals and forecasts; :func:`evaluate` scores a backtest
(``unique_id, ds, cutoff, y`` plus model columns) per series and model.

* **MASE** — mean absolute error divided by the mean absolute error that the seasonal
  naive forecast (the value one season back) makes *in sample*, over the history before
  the first cutoff (the naive, previous-period forecast when that history is shorter than
  one season). Below 1: errors smaller than that in-sample benchmark error. It is *not*
  a comparison with a "same month last year" forecast of the same held-out periods.
* **WAPE** — sum of absolute errors / sum of actuals.
* **bias** — sum of (forecast − actual) / sum of actuals (> 0: over-forecasting).
* **coverage** — share of actuals inside the interval.
* **Winkler score** — interval width plus ``2/alpha`` times any miss (lower is better).
* **accuracy** — the CRM-style "forecast accuracy" ``max(0, 1 − |actual − forecast| / actual)``,
  averaged over periods with a positive actual.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.messages import message

__all__ = ["mase", "wape", "bias", "coverage", "winkler", "crm_accuracy", "seasonal_scale", "evaluate",
           "accuracy_by_cutoff",
           "summarize"]


def _arr(x):
    return np.asarray(x, dtype=float)


def seasonal_scale(history, season_length: int) -> float:
    """In-sample MAE of the seasonal naive forecast (naive when the history is too short).

    >>> seasonal_scale([1, 2, 3, 5], 1)
    1.3333333333333333
    """
    y = _arr(history)
    m = season_length if len(y) > season_length else 1
    if len(y) <= m:
        return float("nan")
    return float(np.mean(np.abs(y[m:] - y[:-m])))


def mase(actual, forecast, scale: float) -> float:
    """Mean absolute scaled error.

    >>> mase([10, 12], [11, 12], scale=2.0)
    0.25
    """
    if not scale or not np.isfinite(scale):
        return float("nan")
    return float(np.mean(np.abs(_arr(actual) - _arr(forecast))) / scale)


def wape(actual, forecast) -> float:
    """Weighted absolute percentage error.

    >>> wape([10, 30], [12, 27])
    0.125
    """
    a = _arr(actual)
    den = np.sum(np.abs(a))
    return float(np.sum(np.abs(a - _arr(forecast))) / den) if den > 0 else float("nan")


def bias(actual, forecast) -> float:
    """Relative bias: positive when forecasts are too high.

    >>> bias([10, 30], [12, 32])
    0.1
    """
    a = _arr(actual)
    den = np.sum(np.abs(a))
    return float(np.sum(_arr(forecast) - a) / den) if den > 0 else float("nan")


def coverage(actual, lo, hi) -> float:
    """Share of actuals within ``[lo, hi]``.

    >>> coverage([1, 5, 9], [0, 0, 0], [6, 6, 6])
    0.6666666666666666
    """
    a = _arr(actual)
    return float(np.mean((a >= _arr(lo)) & (a <= _arr(hi))))


def winkler(actual, lo, hi, level: float) -> float:
    """Mean Winkler (interval) score for a ``level``% interval.

    >>> winkler([5, 12], [0, 0], [10, 10], 80)
    20.0
    """
    a, lo, hi = _arr(actual), _arr(lo), _arr(hi)
    alpha = 1 - level / 100
    score = (hi - lo) + (2 / alpha) * (np.clip(lo - a, 0, None) + np.clip(a - hi, 0, None))
    return float(np.mean(score))


def crm_accuracy(actual, forecast) -> float:
    """CRM-style forecast accuracy ``max(0, 1 − |actual − forecast| / actual)``, mean over actual > 0.

    >>> crm_accuracy([100, 200, 0], [90, 300, 5])
    0.7
    """
    a, f = _arr(actual), _arr(forecast)
    ok = a > 0
    if not ok.any():
        return float("nan")
    return float(np.mean(np.clip(1 - np.abs(a[ok] - f[ok]) / a[ok], 0, None)))


def evaluate(backtest: pd.DataFrame, history: pd.DataFrame | None = None, *, season_length: int = 12,
             models=None, level: int = 80, id_col: str = "unique_id", time_col: str = "ds",
             target_col: str = "y") -> pd.DataFrame:
    """Score a backtest per series and model.

    Parameters
    ----------
    backtest : DataFrame
        Output of :meth:`Forecaster.backtest` (``cutoff`` and actual columns included).
    history : DataFrame, optional
        The full series, for the MASE scale (the seasonal naive error of each series'
        history up to its first cutoff). Without it MASE is NaN.
    models : list of str, optional
        Model columns to score; defaults to every model column plus ``forecast``.
    level : int
        Interval level used for coverage and Winkler score.

    Returns
    -------
    DataFrame
        ``unique_id, model, mase, wape, bias, coverage, winkler, accuracy, n, windows, note, note_zh``:
        ``n`` held-out periods scored over ``windows`` backtest cutoffs (a score resting on
        one window is a single draw), and ``note`` saying why a score is missing or weaker
        than it looks ("" when there is nothing to say; ``note_zh`` in Chinese). A model is scored on the periods
        it forecast.

    Examples
    --------
    >>> hist = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2026-01-01", periods=5, freq="MS"),
    ...                      "y": [10.0, 12.0, 11.0, 13.0, 12.0]})
    >>> bt = hist.iloc[3:].assign(cutoff=hist["ds"].iloc[2], forecast=[12.0, 12.0])
    >>> row = evaluate(bt, hist, season_length=12).iloc[0]
    >>> float(round(row["mase"], 3)), int(row["windows"])
    (0.333, 1)
    >>> row["note"].split("; ")[0]
    'MASE scaled by the naive (last value) error: under one season of history before the first cutoff'
    """
    bt = backtest.rename(columns={id_col: "unique_id", time_col: "ds", target_col: "y"})
    if models is None:
        skip = {"unique_id", "ds", "cutoff", "y", "note", "note_zh"}
        models = [c for c in bt.columns if c not in skip and "-lo-" not in c and "-hi-" not in c]
    scales, points = {}, {}
    if history is not None:
        hist = history.rename(columns={id_col: "unique_id", time_col: "ds", target_col: "y"})
        first_cut = bt.groupby("unique_id")["cutoff"].min()
        hist = hist.merge(first_cut.rename("first_cutoff"), left_on="unique_id", right_index=True)
        hist = hist[hist["ds"] <= hist["first_cutoff"]].sort_values(["unique_id", "ds"])
        for uid, g in hist.groupby("unique_id"):
            scales[uid] = seasonal_scale(g["y"].to_numpy(), season_length)
            points[uid] = len(g)
    rows = []
    for uid, g in bt.groupby("unique_id", sort=True):
        for model in models:
            if model not in g.columns or g[model].isna().all():
                continue
            part = g[g[model].notna()]
            a = part["y"].to_numpy()
            f = part[model].to_numpy(dtype=float)
            lo_c, hi_c = f"{model}-lo-{level}", f"{model}-hi-{level}"
            has_iv = lo_c in part.columns and hi_c in part.columns and part[lo_c].notna().all()
            scale = scales.get(uid, float("nan"))
            rows.append({
                "unique_id": uid, "model": model,
                "mase": mase(a, f, scale),
                "wape": wape(a, f), "bias": bias(a, f),
                "coverage": coverage(a, part[lo_c], part[hi_c]) if has_iv else float("nan"),
                "winkler": winkler(a, part[lo_c], part[hi_c], level) if has_iv else float("nan"),
                "accuracy": crm_accuracy(a, f), "n": len(a),
                "windows": int(part["cutoff"].nunique()) if "cutoff" in part.columns else 1,
                **dict(zip(("note", "note_zh"), (
                    _score_note(history is not None, points.get(uid, 0), scale, season_length, has_iv, a, lang)
                    for lang in ("en", "zh")))),
            })
    return pd.DataFrame(rows, columns=["unique_id", "model", "mase", "wape", "bias", "coverage", "winkler",
                                       "accuracy", "n", "windows", "note", "note_zh"])


def _score_note(has_history: bool, points: int, scale: float, season_length: int, has_iv: bool, actual,
                lang: str = "en") -> str:
    """Why a score row has NaNs or a weaker MASE than it seems, in ``lang`` ("" when nothing to say)."""
    notes = []
    if not has_history:
        notes.append(message("pkg.forecast.score.no_history", lang))
    elif points < 2:
        notes.append(message("pkg.forecast.score.few_points", lang, n=points,
                             points=message("pkg.forecast.point" if points == 1 else "pkg.forecast.points", lang)))
    elif not np.isfinite(scale) or scale == 0:
        notes.append(message("pkg.forecast.score.zero_scale", lang))
    elif season_length > 1 and points <= season_length:
        notes.append(message("pkg.forecast.score.naive_scale", lang))
    if not has_iv:
        notes.append(message("pkg.forecast.score.no_interval", lang))
    if not (np.asarray(actual) > 0).any():
        notes.append(message("pkg.forecast.score.no_positive", lang))
    return message("pkg.forecast.sep", lang).join(notes)


def summarize(scores: pd.DataFrame) -> pd.DataFrame:
    """Mean of each metric per model across series (NaNs skipped), best MASE first.

    >>> s = pd.DataFrame({"unique_id": ["a", "b"], "model": "forecast", "mase": [0.5, 1.0], "wape": 0.1,
    ...                   "bias": 0.0, "coverage": 0.8, "winkler": 1.0, "accuracy": 0.9, "n": 3})
    >>> summarize(s)["mase"].tolist()
    [0.75]
    """
    out = scores.groupby("model")[["mase", "wape", "bias", "coverage", "winkler", "accuracy"]].mean()
    out["series"] = scores.groupby("model")["unique_id"].nunique()
    return out.sort_values("mase").reset_index()


def accuracy_by_cutoff(backtest: pd.DataFrame, models=None, *, id_col: str = "unique_id",
                       target_col: str = "y") -> pd.DataFrame:
    """WAPE, bias and CRM accuracy per backtest cutoff and model, pooled over series.

    >>> bt = pd.DataFrame({"unique_id": ["a", "a"], "cutoff": pd.to_datetime(["2026-01-01", "2026-02-01"]),
    ...                    "y": [10.0, 20.0], "forecast": [12.0, 15.0]})
    >>> accuracy_by_cutoff(bt)[["model", "wape", "accuracy"]].to_dict("records")
    [{'model': 'forecast', 'wape': 0.2, 'accuracy': 0.8}, {'model': 'forecast', 'wape': 0.25, 'accuracy': 0.75}]
    """
    bt = backtest.rename(columns={id_col: "unique_id", target_col: "y"})
    if models is None:
        skip = {"unique_id", "ds", "cutoff", "y", "note", "note_zh"}
        models = [c for c in bt.columns if c not in skip and "-lo-" not in c and "-hi-" not in c
                  and pd.api.types.is_numeric_dtype(bt[c])]
    rows = []
    for cutoff, g in bt.groupby("cutoff", sort=True):
        for model in models:
            ok = g[model].notna()
            if not ok.any():
                continue
            a, f = g.loc[ok, "y"], g.loc[ok, model]
            rows.append({"cutoff": cutoff, "model": model, "wape": wape(a, f), "bias": bias(a, f),
                         "accuracy": crm_accuracy(a, f)})
    return pd.DataFrame(rows, columns=["cutoff", "model", "wape", "bias", "accuracy"])
