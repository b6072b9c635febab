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

from workbench.messages import MESSAGES, message

__all__ = ["find_leaks", "leak_sentence", "FEATURE_NAMES", "FEATURE_NAMES_ZH"]

#: How each model feature is named to a sales manager.
FEATURE_NAMES = {feature: MESSAGES[f"pkg.win.feature.{feature}"]["en"] for feature in (
    "log_amount", "amount", "age_days", "cycle_progress", "overdue", "days_in_stage", "log_stage_velocity",
    "rep_win_rate", "log_follow_up_hours", "touched", "log_activities", "log_activities_30d",
    "log_days_since_activity", "stage", "product", "source")}
#: The same names in Chinese.
FEATURE_NAMES_ZH = {feature: MESSAGES[f"pkg.win.feature.{feature}"]["zh"] for feature in FEATURE_NAMES}
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
        that value) and ``reason`` (a plain sentence; ``reason_zh`` in Chinese).
    """
    y = np.asarray(won, dtype=int)
    cols = ["feature", "auc", "value", "outcome", "reason", "reason_zh"]
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
        names = {"en": FEATURE_NAMES.get(feat, feat), "zh": FEATURE_NAMES_ZH.get(feat, feat)}
        if auc >= auc_threshold:
            found.append({"feature": feat, "auc": round(auc, 3), "value": np.nan, "outcome": None,
                          **{column: message("pkg.win.leak.separates", lang, name=names[lang], auc=f"{auc:.2f}")
                             for column, lang in (("reason", "en"), ("reason_zh", "zh"))}})
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
                              **{column: message(f"pkg.win.leak.only_on_{label}", lang, name=names[lang],
                                                 value=_fmt(shown), n=n_v, total=n_out[outcome])
                                 for column, lang in (("reason", "en"), ("reason_zh", "zh"))}})
                break
            if found and found[-1]["feature"] == feat:
                break
    return pd.DataFrame(found, columns=cols)


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def leak_sentence(leak: pd.Series, action: str, lang: str = "en") -> str:
    """One sentence a manager can read about a flagged feature and what was done with it, in ``lang``."""
    reason = leak.get("reason_zh") if lang == "zh" and isinstance(leak.get("reason_zh"), str) else leak["reason"]
    return message("pkg.win.leak", lang, reason=reason, what=message(f"pkg.win.leak.{action}", lang))
