"""Win-probability model for open deals, trained on point-in-time snapshots.

Snapshot method (no leakage)
----------------------------
A closed deal is turned into one training row per month start ``as_of`` at which it was
open (created before ``as_of``, closed on or after it). Every feature is computed *as of*
that date: the stage it had reached (last ``stage_history`` entry before ``as_of``; the
final stage and ``lost_reason`` are never used), its age and days in stage, the
activities logged on it before ``as_of`` (total and last 30 days), the follow-up speed
(hours from creation to first touch, or hours waited so far when untouched), and the
rep's win rate over deals closed before ``as_of``, shrunk toward the company rate
(``(wins + k * p0) / (closed + k)``). Amount, product and source are fixed at creation.
``expected_close`` is not used because CRMs often overwrite it when a deal closes.
Without a ``stage_history`` table the stage a closed deal had at a snapshot is unknown,
so the stage feature is left out (``unknown`` for every deal; the output still shows
each open deal's current stage); missing activities or touch times likewise drop
those features rather than fail.
Each snapshot is one row: the training population is "deals open at a month start",
exactly the population scored later.

Time-based split with a maturity lag. Wins take longer than losses, so deals closed
recently are mostly quick losses; to avoid that censoring bias, every window sits one
sales cycle back (``lag`` = the 90th percentile of closed deals' cycle, in months):
snapshots before ``cal_start`` whose deals closed before ``cal_start + lag`` train a
logistic regression; snapshots in the next ``calibration_months`` calibrate it (the
fitted model is frozen and mapped through an isotonic or sigmoid curve); snapshots in
the last ``holdout_months`` before ``data end − lag`` (the *held-out months*) measure AUC,
Brier score and the calibration table, against a stage-only model on the same rows.

A second model, trained the same way on won deals' snapshots, gives P(closes within
one period of ``as_of`` | won), so ``p_won * p_close_in_period`` is the chance the deal
is won inside the period (wins and losses do not close at the same speed, so the
unconditional close rate would overstate it).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from workbench.errors import DataError, NotFittedError
from workbench.io.load import as_sales_data
from workbench.params import check_param
from workbench.periods import normalize_freq

__all__ = ["WinModel", "deal_snapshots", "calibration_table", "NUMERIC_FEATURES", "CATEGORICAL_FEATURES"]

NUMERIC_FEATURES = ["age_days", "days_in_stage", "log_amount", "rep_win_rate", "log_follow_up_hours", "touched",
                    "log_activities", "log_activities_30d"]
CATEGORICAL_FEATURES = ["stage", "product", "source"]
_LABELS = {
    "age_days": "age {:.0f} d", "days_in_stage": "{:.0f} d in stage", "log_amount": "amount {:,.0f}",
    "rep_win_rate": "rep's past win rate (shrunk) {:.0%}", "log_follow_up_hours": "{:.0f} h to first touch so far",
    "touched": "touched={:.0f}",
    "log_activities": "{:.0f} activities", "log_activities_30d": "{:.0f} activities in 30 d",
}


def _month_starts(ts: pd.Series) -> pd.Series:
    return ts.dt.to_period("M").dt.start_time


def deal_snapshots(data, as_of=None, *, deals: str = "closed", data_end=None, prior_strength: float = 20.0,
                   stages=()) -> pd.DataFrame:
    """Point-in-time feature rows for deals.

    Parameters
    ----------
    data : SalesData or dict of DataFrames
    as_of : date-like, optional
        Score date: one row per deal open at that moment. Without it, one row per deal
        and month start at which it was open (training snapshots).
    deals : {"closed", "all"}
        For training snapshots: closed deals only (win model) or every deal.
    data_end : date-like, optional
        Last moment covered by the data (default: latest timestamp in opportunities).

    Returns
    -------
    DataFrame
        ``opportunity_id, rep_id, as_of, amount, outcome, closed_at, weight`` plus
        the feature columns.
    """
    data = as_sales_data(data, caller="deal_snapshots")
    opps, history, activities = data.opportunities, data.stage_history, data.activities
    if data_end is None:
        data_end = pd.concat([opps["created_at"], opps["closed_at"]]).max()
    data_end = pd.Timestamp(data_end)
    opps = opps[opps["created_at"] <= data_end]
    if as_of is None:
        base = opps if deals == "all" else opps[opps["outcome"].isin(["won", "lost"])]
        last = base["closed_at"].where(base["closed_at"].notna() & (base["closed_at"] <= data_end), data_end)
        first = _month_starts(base["created_at"]) + pd.DateOffset(months=1)
        stop = _month_starts(last)
        n = ((stop.dt.year - first.dt.year) * 12 + (stop.dt.month - first.dt.month) + 1).clip(lower=0)
        # a deal created and closed within one month still gets a snapshot at its creation month end
        quick = n == 0
        rows = base.loc[base.index.repeat(n.where(~quick, 1))].copy()
        offs = np.concatenate([np.arange(k) if k > 0 else np.zeros(1, dtype=int) for k in n.to_numpy()]) \
            if len(base) else np.array([], dtype=int)
        rows["as_of"] = (first.loc[rows.index].dt.to_period("M") + offs).dt.start_time
        q = quick.loc[rows.index].to_numpy()
        if q.any():
            # as_of halfway through the deal's life, so it is open at the snapshot
            life = (last.loc[rows.index] - rows["created_at"]) / 2
            rows.loc[q, "as_of"] = (rows["created_at"] + life)[q]
        rows["weight"] = 1.0
    else:
        t = pd.Timestamp(as_of)
        open_mask = (opps["created_at"] <= t) & (opps["closed_at"].isna() | (opps["closed_at"] > t))
        rows = opps[open_mask].copy()
        rows["as_of"] = t
        rows["weight"] = 1.0
    rows = rows.reset_index(drop=True)
    rows["as_of"] = pd.to_datetime(rows["as_of"]).astype("datetime64[us]")
    for col in ("created_at", "closed_at", "first_touch_at"):
        if col in rows.columns:
            rows[col] = pd.to_datetime(rows[col]).astype("datetime64[us]")
    if rows.empty:
        return rows.assign(**{c: pd.Series(dtype=float) for c in NUMERIC_FEATURES},
                           **{c: pd.Series(dtype=str) for c in CATEGORICAL_FEATURES})
    # stage reached before as_of
    stage_now = rows["stage"].astype(str)
    rows["stage"] = "unknown"
    rows["days_in_stage"] = np.nan
    if history is not None and len(history):
        hist = history[["opportunity_id", "stage", "entered_at"]].dropna().copy()
        hist["entered_at"] = hist["entered_at"].astype("datetime64[us]")
        hist = hist.rename(columns={"stage": "_hstage"}).sort_values("entered_at")
        key = rows[["opportunity_id", "as_of"]].reset_index().sort_values("as_of")
        got = pd.merge_asof(key, hist, left_on="as_of", right_on="entered_at", by="opportunity_id",
                            allow_exact_matches=False).set_index("index").reindex(rows.index)
        has = got["_hstage"].notna()
        rows.loc[has, "stage"] = got.loc[has, "_hstage"].astype(str)
        rows.loc[has, "days_in_stage"] = (rows["as_of"] - got["entered_at"]).dt.total_seconds()[has] / 86400
        # open deals with no history entry: their current stage is the stage as of now
        fill = ~has & rows["outcome"].eq("open") & (rows["as_of"] >= data_end)
        rows.loc[fill, "stage"] = stage_now[fill]
    rows["age_days"] = (rows["as_of"] - rows["created_at"]).dt.total_seconds() / 86400
    rows["days_in_stage"] = rows["days_in_stage"].fillna(rows["age_days"])
    rows["log_amount"] = np.log1p(rows["amount"].astype(float).clip(lower=0))
    for col in ("product", "source"):
        rows[col] = rows[col].astype(object).where(rows[col].notna(), "unknown").astype(str) \
            if col in rows.columns else "unknown"
    # follow-up speed
    if "first_touch_at" in rows.columns and rows["first_touch_at"].notna().any():
        touched = rows["first_touch_at"].notna() & (rows["first_touch_at"] < rows["as_of"])
        until = rows["first_touch_at"].where(touched, rows["as_of"])
        hours = ((until - rows["created_at"]).dt.total_seconds() / 3600).clip(lower=0)
        rows["log_follow_up_hours"] = np.log1p(hours)
        rows["touched"] = touched.astype(float)
    else:
        rows["log_follow_up_hours"] = np.nan
        rows["touched"] = np.nan
    # activities logged on the deal before as_of
    rows["log_activities"] = np.nan
    rows["log_activities_30d"] = np.nan
    if activities is not None and len(activities) and "opportunity_id" in activities.columns:
        acts = activities.dropna(subset=["opportunity_id", "at"])
        codes, uniques = pd.factorize(pd.concat([acts["opportunity_id"], rows["opportunity_id"]]).astype(str))
        a_code, r_code = codes[:len(acts)], codes[len(acts):]
        big = np.int64(10**11)
        a_key = np.sort(a_code.astype(np.int64) * big + acts["at"].astype("datetime64[s]").astype(np.int64).to_numpy())
        r_t = rows["as_of"].astype("datetime64[s]").astype(np.int64).to_numpy()
        r_base = r_code.astype(np.int64) * big
        before = np.searchsorted(a_key, r_base + r_t, "left")
        total = before - np.searchsorted(a_key, r_base + np.iinfo(np.int32).min, "left")
        recent = before - np.searchsorted(a_key, r_base + r_t - 30 * 86400, "left")
        rows["log_activities"] = np.log1p(total)
        rows["log_activities_30d"] = np.log1p(recent)
    # rep's shrunk win rate over deals closed before as_of
    closed = opps[opps["outcome"].isin(["won", "lost"]) & opps["closed_at"].notna()][["rep_id", "closed_at", "outcome"]]
    closed = closed.assign(closed_at=closed["closed_at"].astype("datetime64[us]"),
                           won=(closed["outcome"] == "won").astype(float)).sort_values("closed_at")
    closed["rep_won"] = closed.groupby("rep_id")["won"].cumsum()
    closed["rep_n"] = closed.groupby("rep_id").cumcount() + 1.0
    closed["all_won"] = closed["won"].cumsum()
    closed["all_n"] = np.arange(1, len(closed) + 1, dtype=float)
    key = rows[["rep_id", "as_of"]].reset_index().sort_values("as_of")
    per_rep = pd.merge_asof(key, closed[["rep_id", "closed_at", "rep_won", "rep_n"]], left_on="as_of",
                            right_on="closed_at", by="rep_id", allow_exact_matches=False).set_index("index")
    overall = pd.merge_asof(key, closed[["closed_at", "all_won", "all_n"]], left_on="as_of", right_on="closed_at",
                            allow_exact_matches=False).set_index("index")
    p0 = ((overall["all_won"].fillna(0) + 1) / (overall["all_n"].fillna(0) + 2)).reindex(rows.index)
    won = per_rep["rep_won"].fillna(0).reindex(rows.index)
    n = per_rep["rep_n"].fillna(0).reindex(rows.index)
    rows["rep_win_rate"] = (won + prior_strength * p0) / (n + prior_strength)
    return rows


def calibration_table(y_true, p_pred, n_bins: int = 10, sample_weight=None) -> pd.DataFrame:
    """Observed win rate against predicted probability in equal-width bins.

    >>> calibration_table([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3], n_bins=2)[["n", "mean_predicted", "observed"]]
       n  mean_predicted  observed
    0  2            0.20       0.0
    1  2            0.85       1.0
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(p_pred, dtype=float)
    w = np.ones_like(p) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    bins = np.clip((p * n_bins).astype(int), 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        m = bins == b
        if not m.any():
            continue
        rows.append({"bin": f"{b / n_bins:.1f}-{(b + 1) / n_bins:.1f}", "n": int(m.sum()),
                     "mean_predicted": float(np.average(p[m], weights=w[m])),
                     "observed": float(np.average(y[m], weights=w[m]))})
    return pd.DataFrame(rows, columns=["bin", "n", "mean_predicted", "observed"])


def _preprocessor():
    numeric = make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler())
    categorical = OneHotEncoder(handle_unknown="ignore", min_frequency=5, sparse_output=False)
    return ColumnTransformer([("num", numeric, NUMERIC_FEATURES), ("cat", categorical, CATEGORICAL_FEATURES)])


def _logit(C):
    return Pipeline([("prep", _preprocessor()), ("clf", LogisticRegression(C=C, max_iter=2000))])


def _stage_only(C):
    return Pipeline([("prep", ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), ["stage"])])),
                     ("clf", LogisticRegression(C=C, max_iter=2000))])


def _safe_auc(y, p, w=None):
    y = np.asarray(y)
    return float(roc_auc_score(y, p, sample_weight=w)) if len(np.unique(y)) == 2 else float("nan")


class WinModel:
    """P(won) and P(closes within the period | won) for open deals, calibrated, with reasons.

    Parameters
    ----------
    freq : {"M", "Q"}
        Period for P(closes in the period): within one month or one quarter of ``as_of``.
    holdout_months, calibration_months : int
        Last months of closed deals kept for evaluation and, before them, for calibration.
    prior_strength : float
        Pseudo-deals pulling a rep's historical win rate toward the company rate.
    C : float
        Inverse regularisation strength of the logistic regressions.
    calibration : {"auto", "isotonic", "sigmoid"}
        ``auto`` uses isotonic with at least 1,000 calibration deals, else sigmoid.
    n_factors : int
        Factors listed in ``top_factors``.

    Attributes
    ----------
    auc_, brier_ : float
        On the snapshots of the held-out months.
    auc_stage_only_, brier_stage_only_ : float
        Same hold-out, a model that knows only the stage.
    calibration_table_ : DataFrame
        Hold-out observed win rate per predicted-probability bin.
    close_auc_ : float
        Hold-out AUC of P(closes within the period).
    split_ : dict
        ``cal_start``, ``test_start``, ``data_end`` and row counts.

    Examples
    --------
    >>> from workbench.forecast import WinModel
    >>> WinModel(freq="Q").freq
    'Q'
    """

    def __init__(self, freq="M", holdout_months=3, calibration_months=3, prior_strength=20.0, C=1.0,
                 calibration="auto", n_factors=3):
        self.freq = freq
        self.holdout_months = holdout_months
        self.calibration_months = calibration_months
        self.prior_strength = prior_strength
        self.C = C
        self.calibration = calibration
        self.n_factors = n_factors

    def _check(self):
        name = type(self).__name__
        check_param(name, "freq", self.freq, "'M' or 'Q'", normalize_freq(self.freq) in ("M", "Q"))
        check_param(name, "calibration", self.calibration, "'auto', 'isotonic' or 'sigmoid'",
                    self.calibration in ("auto", "isotonic", "sigmoid"))
        for p in ("holdout_months", "calibration_months"):
            v = getattr(self, p)
            check_param(name, p, v, "a positive integer", isinstance(v, int) and v > 0)

    def _calibrate(self, model, X, y, w):
        method = self.calibration
        if method == "auto":
            method = "isotonic" if len(np.unique(X.index)) >= 1000 else "sigmoid"
        if len(np.unique(y)) < 2:
            return model, "none"
        cal = CalibratedClassifierCV(FrozenEstimator(model), method=method)
        with warnings.catch_warnings():
            # the weights are meant for the calibration map only; the frozen model is not refitted
            warnings.filterwarnings("ignore", message="Since FrozenEstimator")
            cal.fit(X, y, sample_weight=w)
        return cal, method

    def fit(self, data) -> "WinModel":
        """Train on closed deals with a time-based split; see the module docstring."""
        self._check()
        horizon = 1 if normalize_freq(self.freq) == "M" else 3
        data = as_sales_data(data, caller=f"{type(self).__name__}.fit")
        opps = data.opportunities
        data_end = pd.concat([opps["created_at"], opps["closed_at"]]).max()
        closed_deals = opps[opps["outcome"].isin(["won", "lost"]) & opps["closed_at"].notna()]
        cycle = (closed_deals["closed_at"] - closed_deals["created_at"]).dt.days
        lag = int(max(1, np.ceil(np.nanpercentile(cycle, 90) / 30.44))) if len(cycle) else 1
        lag_off = pd.DateOffset(months=lag)
        last_month = _month_starts(pd.Series([data_end])).iloc[0]
        test_end = last_month - pd.DateOffset(months=lag - 1)
        test_start = test_end - pd.DateOffset(months=self.holdout_months)
        cal_start = test_start - pd.DateOffset(months=self.calibration_months)
        snaps = deal_snapshots(data, deals="all", data_end=data_end, prior_strength=self.prior_strength)
        closed = snaps[snaps["outcome"].isin(["won", "lost"])]
        a, c = closed["as_of"], closed["closed_at"]
        # labels must be known before the next window starts; windows sit one sales cycle (lag) back
        train = closed[(a < cal_start) & (c < cal_start + lag_off)]
        cal = closed[(a >= cal_start) & (a < test_start) & (c < test_start + lag_off)]
        test = closed[(a >= test_start) & (a < test_end)]
        for name, part in (("training", train), ("calibration", cal), ("hold-out", test)):
            if part["outcome"].nunique() < 2:
                raise DataError(
                    f"WinModel: the {name} snapshots (windows split at {cal_start.date()} / {test_start.date()} / "
                    f"{test_end.date()}) need both won and lost deals; the opportunities table has too little closed "
                    f"history. Reduce holdout_months / calibration_months or load more months.",
                    file="opportunities", column="outcome")
        y = lambda part: (part["outcome"] == "won").astype(int).to_numpy()  # noqa: E731
        X = lambda part: part.set_index("opportunity_id")[NUMERIC_FEATURES + CATEGORICAL_FEATURES]  # noqa: E731
        base = _logit(self.C).fit(X(train), y(train))
        self.model_, self.calibration_method_ = self._calibrate(base, X(cal), y(cal), None)
        self.base_model_ = base
        p = self.model_.predict_proba(X(test))[:, 1]
        self.auc_ = _safe_auc(y(test), p)
        self.brier_ = float(brier_score_loss(y(test), p))
        stage = _stage_only(self.C).fit(train[["stage"]], y(train))
        ps = stage.predict_proba(test[["stage"]])[:, 1]
        self.auc_stage_only_ = _safe_auc(y(test), ps)
        self.brier_stage_only_ = float(brier_score_loss(y(test), ps))
        self.calibration_table_ = calibration_table(y(test), p)
        self.test_predictions_ = pd.DataFrame({"opportunity_id": test["opportunity_id"].to_numpy(),
                                               "as_of": test["as_of"].to_numpy(), "won": y(test), "p_won": p,
                                               "p_won_stage_only": ps})
        # P(closes within the period | won): won deals' snapshots, same windows
        won = closed[closed["outcome"] == "won"]
        lab = (won["closed_at"] < won["as_of"] + pd.DateOffset(months=horizon)).astype(int)
        wa = won["as_of"]
        c_train, c_cal, c_test = (wa < cal_start), (wa >= cal_start) & (wa < test_start), \
            (wa >= test_start) & (wa < test_end)
        if lab[c_train].nunique() < 2:
            raise DataError("WinModel: too little won-deal history to learn when deals close.", file="opportunities")
        c_base = _logit(self.C).fit(X(won[c_train]), lab[c_train].to_numpy())
        self.close_model_, _ = self._calibrate(c_base, X(won[c_cal]), lab[c_cal].to_numpy(), None) \
            if lab[c_cal].nunique() == 2 else (c_base, "none")
        self.close_auc_ = _safe_auc(lab[c_test], self.close_model_.predict_proba(X(won[c_test]))[:, 1]) \
            if c_test.any() else float("nan")
        self.split_ = {"cal_start": cal_start, "test_start": test_start, "test_end": test_end,
                       "maturity_months": lag, "data_end": data_end,
                       "train_deals": int(train["opportunity_id"].nunique()),
                       "calibration_deals": int(cal["opportunity_id"].nunique()),
                       "holdout_deals": int(test["opportunity_id"].nunique())}
        self.data_end_ = data_end
        prep = base.named_steps["prep"]
        Z = prep.transform(X(train))
        self._z_mean = Z.mean(axis=0)
        self._feature_of = [n.split("__", 1)[1] for n in prep.get_feature_names_out()]
        return self

    def _require_fitted(self):
        if not hasattr(self, "model_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call fit(data) first.")

    def report(self) -> dict:
        """The hold-out figures as a dict (for printing or a notebook)."""
        self._require_fitted()
        return {"auc": self.auc_, "auc_stage_only": self.auc_stage_only_, "brier": self.brier_,
                "brier_stage_only": self.brier_stage_only_, "close_auc": self.close_auc_,
                "calibration": self.calibration_method_, **self.split_}

    def _factors(self, X: pd.DataFrame) -> list[str]:
        """Top contributions to each deal's log-odds: coefficient × (value − training mean)."""
        prep = self.base_model_.named_steps["prep"]
        coef = self.base_model_.named_steps["clf"].coef_[0]
        contrib = (prep.transform(X) - self._z_mean) * coef
        groups = {}
        for j, name in enumerate(self._feature_of):
            feat = next((c for c in CATEGORICAL_FEATURES if name.startswith(c + "_")), name)
            groups.setdefault(feat, []).append(j)
        feats = list(groups)
        per = np.column_stack([contrib[:, groups[f]].sum(axis=1) for f in feats])
        out = []
        for i in range(len(X)):
            order = np.argsort(-np.abs(per[i]))[: self.n_factors]
            parts = []
            for k in order:
                f = feats[k]
                val = X.iloc[i][f]
                if f in CATEGORICAL_FEATURES:
                    text = f"{f}={val}"
                elif pd.isna(val):
                    text = f"{f} unknown"
                else:
                    shown = np.expm1(val) if f.startswith("log_") else val
                    text = _LABELS[f].format(shown)
                parts.append(f"{text} ({per[i, k]:+.2f})")
            out.append("; ".join(parts))
        return out

    def predict(self, data, as_of=None) -> pd.DataFrame:
        """Score the deals open at ``as_of`` (default: the end of the data).

        Returns
        -------
        DataFrame
            ``opportunity_id, rep_id, stage, amount, p_won, p_close_in_period,
            p_won_in_period`` (= ``p_won * p_close_in_period``), ``expected_bookings`` and
            ``top_factors`` (the features that move this deal's log-odds most, with
            their contribution, e.g. ``stage=Negotiation (+1.10)``).
        """
        self._require_fitted()
        data = as_sales_data(data, caller=f"{type(self).__name__}.predict")
        opps = data.opportunities
        data_end = pd.concat([opps["created_at"], opps["closed_at"]]).max()
        t = pd.Timestamp(as_of) if as_of is not None else data_end
        rows = deal_snapshots(data, as_of=t, data_end=max(t, data_end), prior_strength=self.prior_strength)
        cols = ["opportunity_id", "rep_id", "stage", "amount", "p_won", "p_close_in_period", "p_won_in_period",
                "expected_bookings", "top_factors"]
        if rows.empty:
            return pd.DataFrame(columns=cols)
        X = rows.set_index("opportunity_id")[NUMERIC_FEATURES + CATEGORICAL_FEATURES]
        out = rows[["opportunity_id", "rep_id", "stage", "amount"]].copy()
        if (out["stage"] == "unknown").any():  # no stage history: show the CRM's current stage
            current = opps.set_index("opportunity_id")["stage"].astype(str)
            unknown = out["stage"] == "unknown"
            out.loc[unknown, "stage"] = out.loc[unknown, "opportunity_id"].map(current).to_numpy()
        out["p_won"] = self.model_.predict_proba(X)[:, 1]
        out["p_close_in_period"] = self.close_model_.predict_proba(X)[:, 1]
        out["p_won_in_period"] = out["p_won"] * out["p_close_in_period"]
        out["expected_bookings"] = out["amount"] * out["p_won_in_period"]
        out["top_factors"] = self._factors(X)
        out.attrs["as_of"] = t
        return out[cols].reset_index(drop=True)
