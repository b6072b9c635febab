"""Leakage guard: features that (nearly) decide the outcome on their own.

Some CRMs rewrite a deal's fields when it closes — the amount of every lost deal set to
0, a lost reason in a field the model reads. A feature like that separates won from lost
deals in the training snapshots almost perfectly, yet says nothing about open deals, so a
model using it reports a perfect hold-out and scores every open deal as a sure win.
:func:`find_leaks` flags such features on the training snapshots, by two rules:

* **separation**: the feature alone ranks won above lost deals (or the reverse) with an
  AUC of at least ``auc_threshold`` (0.98 by default; no honest single sales signal comes
  close);
* **outcome-only value**: one value of the feature covers at least ``min_share`` of one
  outcome's snapshots and occurs (almost) only with that outcome, and, when open deals
  are given, (almost) never on an open deal — e.g. ``amount = 0`` only on lost deals.

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"log_amount": [0.0, 0.0, 0.0, 8.1, 7.9, 8.5, 9.0, 0.0],
...                      "stage": ["A", "B", "A", "B", "A", "B", "A", "B"]})
>>> won = [0, 0, 0, 1, 1, 1, 1, 0]
>>> find_leaks(rows, won, ["log_amount"], ["stage"], min_rows=2)[["feature", "auc"]]
      feature  auc
0  log_amount  1.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

__all__ = ["find_leaks", "leak_sentence", "FEATURE_NAMES"]

#: How each model feature is named to a sales manager.
FEATURE_NAMES = {
    "log_amount": "deal amount", "amount": "deal amount", "age_days": "deal age", "cycle_progress": "deal age",
    "overdue": "deal age beyond the usual cycle", "days_in_stage": "days in stage",
    "log_stage_velocity": "days in stage against peers", "rep_win_rate": "rep's past win rate",
    "log_follow_up_hours": "time to first touch", "touched": "first touch recorded",
    "log_activities": "activities logged", "log_activities_30d": "activities in the last 30 days",
    "log_days_since_activity": "days since the last activity", "stage": "stage", "product": "product",
    "source": "lead source",
}
_SHOWN = {"log_amount": np.expm1, "log_activities": np.expm1, "log_activities_30d": np.expm1,
          "log_days_since_activity": np.expm1, "log_follow_up_hours": np.expm1}


def _auc(y, score) -> float:
    if len(np.unique(y)) < 2 or len(np.unique(score)) < 2:
        return 0.5
    auc = roc_auc_score(y, score)
    return float(max(auc, 1 - auc))


def find_leaks(rows: pd.DataFrame, won, numeric, categorical=(), *, open_rows: pd.DataFrame | None = None,
               auc_threshold: float = 0.98, purity: float = 0.995, min_share: float = 0.05,
               min_rows: int = 20) -> pd.DataFrame:
    """Features of the training snapshots that alone (nearly) separate won from lost deals.

    Parameters
    ----------
    rows : DataFrame
        Training snapshots (one row per deal and snapshot date) with the feature columns.
    won : array-like of {0, 1}
        Outcome of each row's deal.
    numeric, categorical : list of str
        Feature columns to check; missing values are ignored.
    open_rows : DataFrame, optional
        Snapshots of the deals open now. A value that is common on them is a real state
        of a deal, not a trace of its outcome, so it is not flagged as outcome-only.
    auc_threshold : float
        Single-feature AUC (either direction) from which a feature counts as a leak.
    purity, min_share, min_rows : float, float, int
        The outcome-only rule: at least ``min_rows`` snapshots and ``min_share`` of one
        outcome's snapshots carry the value, and at least ``purity`` of the snapshots
        with that value have that outcome.

    Returns
    -------
    DataFrame
        One row per flagged feature: ``feature``, ``auc`` (single-feature AUC, 0.5-1),
        ``value`` (the outcome-only value, or NaN), ``outcome`` (``won``/``lost`` for
        that value) and ``reason`` (a plain sentence).
    """
    y = np.asarray(won, dtype=int)
    cols = ["feature", "auc", "value", "outcome", "reason"]
    found = []
    if len(y) < 2 or len(np.unique(y)) < 2:
        return pd.DataFrame(columns=cols)
    n_out = {0: int((y == 0).sum()), 1: int((y == 1).sum())}
    for feat in [*numeric, *categorical]:
        if feat not in rows.columns:
            continue
        values = rows[feat]
        known = values.notna().to_numpy()
        if known.sum() < 2:
            continue
        v, yk = values[known], y[known]
        if feat in categorical:
            rate = pd.Series(yk).groupby(v.astype(str).to_numpy()).transform("mean").to_numpy()
            auc = _auc(yk, rate)
        else:
            auc = _auc(yk, v.astype(float).to_numpy())
        name = FEATURE_NAMES.get(feat, feat)
        if auc >= auc_threshold:
            found.append({"feature": feat, "auc": round(auc, 3), "value": np.nan, "outcome": None,
                          "reason": f"the {name} alone separates won from lost deals (AUC {auc:.2f})"})
            continue
        keys = v.astype(str) if feat in categorical else v.astype(float)
        common = keys.value_counts()
        common = common[common >= max(min_rows, min_share * min(n_out.values()))]
        for value in common.index:
            at = (keys == value).to_numpy()
            total = int(at.sum())
            for outcome in (0, 1):
                n_v = int((yk[at] == outcome).sum())
                if n_v / total < purity or n_v < min_share * n_out[outcome]:
                    continue
                if open_rows is not None and len(open_rows) and feat in open_rows.columns:
                    on_open = (open_rows[feat].astype(str) if feat in categorical
                               else open_rows[feat].astype(float)) == value
                    if on_open.mean() >= 0.2 * total / len(yk):
                        continue
                shown = _SHOWN[feat](value) if feat in _SHOWN else value
                label = "won" if outcome == 1 else "lost"
                found.append({"feature": feat, "auc": round(auc, 3), "value": shown, "outcome": label,
                              "reason": f"a {name} of {_fmt(shown)} occurs only on {label} deals "
                                        f"({n_v} of {n_out[outcome]} {label} snapshots)"})
                break
            if found and found[-1]["feature"] == feat:
                break
    return pd.DataFrame(found, columns=cols)


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def leak_sentence(leak: pd.Series, action: str) -> str:
    """One sentence a manager can read about a flagged feature and what was done with it."""
    what = {"drop": "It was left out of the win model (leakage='drop'); fix the CRM export or pass "
                    "leakage='keep' to use it anyway.",
            "warn": "It was kept because leakage='warn': the hold-out scores and the open deals' win "
                    "probabilities are not to be trusted.",
            "keep": "It was kept because leakage='keep'."}[action]
    return (f"Possible leak: {leak['reason']} in the training history, which suggests the CRM rewrites it "
            f"when a deal closes. {what}")
