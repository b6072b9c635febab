"""The win model: P(won) and P(closes within the period | won) for open deals, with reasons.

How it is built (see the modules for the details):

* :mod:`~workbench.forecast.win.snapshots` — closed deals as point-in-time snapshots, so
  every feature is what was known on the snapshot date;
* :mod:`~workbench.forecast.win.features` — age against the usual won cycle (never raising
  the odds beyond it) and days in stage against peers;
* :mod:`~workbench.forecast.win.windows` — training, calibration and hold-out windows one
  sales cycle back, shrunk or merged when the history is short;
* :mod:`~workbench.forecast.win.leakage` — features that alone separate won from lost are
  reported and left out;
* :mod:`~workbench.forecast.win.close_timing` — when won deals close, with fallbacks.

A logistic regression on the snapshots gives P(won); a monotone map learned on the
calibration window (isotonic or sigmoid) calibrates it. Everything the model had to give up
or work around is written in ``notes_`` as plain sentences.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from workbench.errors import DataError, LeakageWarning, NotFittedError
from workbench.forecast.win.calibration import (
    CalibratedWinModel,
    calibration_table,
    expected_calibration_error,
    fit_calibration_map,
)
from workbench.forecast.win.close_timing import EmpiricalCloseTiming, MonthFromQuarter
from workbench.forecast.win.features import NONPOSITIVE_FEATURES, add_cycle_features, cycle_norms
from workbench.forecast.win.leakage import FEATURE_NAMES, FEATURE_NAMES_ZH, find_leaks, leak_sentence
from workbench.forecast.win.snapshots import CATEGORICAL_FEATURES, deal_snapshots
from workbench.forecast.win.windows import plan_windows
from workbench.io.load import as_sales_data
from workbench.messages import message
from workbench.params import check_param
from workbench.periods import normalize_freq

__all__ = ["WinModel", "NUMERIC_FEATURES", "CATEGORICAL_FEATURES"]

#: Numeric features the win model may use (those with no data, or flagged as leaks, are left out).
NUMERIC_FEATURES = ["cycle_progress", "overdue", "log_stage_velocity", "log_amount", "rep_win_rate",
                    "log_follow_up_hours", "touched", "log_activities", "log_activities_30d",
                    "log_days_since_activity"]
_AGE = ("cycle_progress", "overdue")
_DAYS_PER_MONTH = 30.44
#: Won-deal snapshots (each label) the close-timing regression needs.
_MIN_CLOSE_ROWS = 20
#: Calibration deals from which ``calibration="auto"`` uses an isotonic map instead of a sigmoid.
#: Isotonic steps tie deals (lowering AUC) and follow noise below that; measured on the sample
#: (1,876 calibration deals): hold-out ECE 0.036 isotonic against 0.020 sigmoid.
_ISOTONIC_DEALS = 10_000


def _preprocessor(numeric, categorical):
    parts = []
    if numeric:
        parts.append(("num", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                           StandardScaler()), list(numeric)))
    if categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore", min_frequency=5, sparse_output=False),
                      list(categorical)))
    return ColumnTransformer(parts)


def _logit(numeric, categorical, C):
    return Pipeline([("prep", _preprocessor(numeric, categorical)), ("clf", LogisticRegression(C=C, max_iter=2000))])


def _stage_only(C):
    return Pipeline([("prep", ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), ["stage"])])),
                     ("clf", LogisticRegression(C=C, max_iter=2000))])


def _safe_auc(y, p, w=None):
    y = np.asarray(y)
    return float(roc_auc_score(y, p, sample_weight=w)) if len(np.unique(y)) == 2 else float("nan")


def _won(part: pd.DataFrame) -> np.ndarray:
    return (part["outcome"] == "won").astype(int).to_numpy()


def fit_constrained_logit(X, y, numeric, categorical, C, nonpositive=NONPOSITIVE_FEATURES):
    """A logistic regression whose ``nonpositive`` features may only lower the odds.

    A feature of ``nonpositive`` that gets a positive coefficient is taken out and the
    model refitted (its effect is then zero). Returns the fitted pipeline and the numeric
    features it kept.
    """
    numeric = list(numeric)
    while True:
        model = _logit(numeric, categorical, C).fit(X[numeric + list(categorical)], y)
        names = list(model.named_steps["prep"].get_feature_names_out())
        coef = model.named_steps["clf"].coef_[0]
        bad = [f for f in nonpositive if f"num__{f}" in names and coef[names.index(f"num__{f}")] > 0]
        if not bad:
            return model, numeric
        numeric = [f for f in numeric if f not in bad]


class WinModel:
    """P(won) and P(closes within the period | won) for open deals, calibrated, with reasons.

    Parameters
    ----------
    freq : {"M", "Q"}
        Period for P(closes in the period): within one month or one quarter of ``as_of``.
    holdout_months, calibration_months : int
        Last months of closed deals kept for evaluation and, before them, for calibration
        (cut down, then merged, when the history is too short; see ``notes_``).
    prior_strength : float
        Pseudo-deals pulling a rep's historical win rate toward the company rate.
    C : float
        Inverse regularisation strength of the logistic regressions.
    calibration : {"auto", "isotonic", "sigmoid"}
        ``auto`` uses a sigmoid (Platt scaling of the log-odds, which keeps the model's ranking),
        and isotonic only from 10,000 calibration deals.
    n_factors : int
        Factors listed in ``top_factors``.
    leakage : {"drop", "warn", "keep"}
        What to do with a feature that alone (nearly) separates won from lost deals in the
        training snapshots (:func:`~workbench.forecast.win.leakage.find_leaks`): leave it
        out (default), keep it with a warning, or keep it silently (still noted).

    Attributes
    ----------
    auc_, brier_, ece_ : float
        On the snapshots of the held-out months (NaN when the history had no room for them).
    auc_stage_only_, brier_stage_only_ : float
        Same hold-out, a model that knows only the stage.
    calibration_table_ : DataFrame
        Hold-out observed win rate per predicted-probability bin.
    close_auc_ : float
        Hold-out AUC of P(closes within the period | won) (NaN for the fallbacks).
    close_timing_ : str
        ``model``, ``pooled``, ``quarterly`` or ``empirical`` (see
        :mod:`~workbench.forecast.win.close_timing`).
    features_ : list of str
        The features the win model uses.
    leaks_ : DataFrame
        Features flagged as leaks (:func:`~workbench.forecast.win.leakage.find_leaks`).
    norms_ : dict
        The usual won cycle (days) and median days per stage the features are relative to.
    notes_ : list of str
        Plain sentences about what the model left out or fell back to; empty when none.
    notes_zh_ : list of str
        The same sentences in Chinese, in the same order.
    split_ : dict
        ``cal_start``, ``test_start``, ``test_end``, the windows' mode and row counts.

    Examples
    --------
    >>> from workbench.forecast import WinModel
    >>> WinModel(freq="Q").freq
    'Q'
    """

    def __init__(self, freq="M", holdout_months=3, calibration_months=3, prior_strength=20.0, C=1.0,
                 calibration="auto", n_factors=3, leakage="drop"):
        self.freq = freq
        self.holdout_months = holdout_months
        self.calibration_months = calibration_months
        self.prior_strength = prior_strength
        self.C = C
        self.calibration = calibration
        self.n_factors = n_factors
        self.leakage = leakage

    def _check(self):
        name = type(self).__name__
        check_param(name, "freq", self.freq, "'M' or 'Q'", normalize_freq(self.freq) in ("M", "Q"))
        check_param(name, "calibration", self.calibration, "'auto', 'isotonic' or 'sigmoid'",
                    self.calibration in ("auto", "isotonic", "sigmoid"))
        check_param(name, "leakage", self.leakage, "'drop', 'warn' or 'keep'",
                    self.leakage in ("drop", "warn", "keep"))
        for p in ("holdout_months", "calibration_months"):
            v = getattr(self, p)
            check_param(name, p, v, "a positive integer", isinstance(v, int) and v > 0)

    # ------------------------------------------------------------------ fit
    def fit(self, data) -> "WinModel":
        """Train on closed deals with a time-based split; see :mod:`workbench.forecast.win.model`.

        Uses only what ``data`` holds (its own last timestamp is "now"), so a view of the
        data as known at a past date fits the model as it would have been fitted then.

        Raises
        ------
        DataError
            When the history has no won or no lost deal at all.
        """
        self._check()
        name = type(self).__name__
        horizon = 1 if normalize_freq(self.freq) == "M" else 3
        data = as_sales_data(data, caller=f"{name}.fit")
        opps = data.opportunities
        data_end = pd.concat([opps["created_at"], opps["closed_at"]]).max()
        closed_deals = opps[opps["outcome"].isin(["won", "lost"]) & opps["closed_at"].notna()]
        n_won = int((closed_deals["outcome"] == "won").sum())
        if n_won == 0 or n_won == len(closed_deals):
            raise DataError(
                f"{name}: the opportunities table has {n_won:,} won and {len(closed_deals) - n_won:,} lost closed "
                "deals; a win model needs both won and lost deals to learn from. Load more history.",
                file="opportunities", column="outcome")
        cycle = (closed_deals["closed_at"] - closed_deals["created_at"]).dt.days
        lag = int(max(1, np.ceil(np.nanpercentile(cycle, 90) / _DAYS_PER_MONTH)))
        snaps = deal_snapshots(data, deals="all", data_end=data_end, prior_strength=self.prior_strength)
        closed = snaps[snaps["outcome"].isin(["won", "lost"])]
        train, cal, test, plan = plan_windows(closed, data_end, lag, self.holdout_months, self.calibration_months)
        notes, notes_zh = list(plan.notes), list(plan.notes_zh)

        def say(key, **fields):
            notes.append(message(key, "en", **fields))
            notes_zh.append(message(key, "zh", **fields))

        if data.stage_history is None or not len(data.stage_history):
            say("pkg.win.no_stage_history")
        if data.activities is None or not len(data.activities):
            say("pkg.win.no_activities")
        self.norms_ = cycle_norms(opps, data.stage_history, min(plan.train_end, data_end))
        train, cal, test = (add_cycle_features(part, self.norms_) for part in (train, cal, test))
        # the deals open now: a value common on them is a state of a deal, not a trace of its outcome
        open_rows = add_cycle_features(deal_snapshots(data, as_of=data_end, data_end=data_end,
                                                      prior_strength=self.prior_strength), self.norms_)
        # features with data, then the leakage guard on the training snapshots
        numeric = [f for f in NUMERIC_FEATURES if train[f].notna().any() and train[f].nunique() > 1]
        categorical = [f for f in CATEGORICAL_FEATURES if train[f].nunique() > 1]
        self.leaks_ = find_leaks(train, _won(train), numeric, categorical, open_rows=open_rows)
        for _, leak in self.leaks_.iterrows():
            sentence = leak_sentence(leak, self.leakage)
            notes.append(sentence)
            notes_zh.append(leak_sentence(leak, self.leakage, "zh"))
            if self.leakage != "keep":
                warnings.warn(sentence, LeakageWarning, stacklevel=2)
        if self.leakage == "drop":
            numeric = [f for f in numeric if f not in set(self.leaks_["feature"])]
            categorical = [f for f in categorical if f not in set(self.leaks_["feature"])]
        base, numeric = fit_constrained_logit(train, _won(train), numeric, categorical, self.C)
        self.constrained_ = [f for f in NONPOSITIVE_FEATURES if f in NUMERIC_FEATURES and f not in numeric
                             and train[f].notna().any() and train[f].nunique() > 1
                             and f not in set(self.leaks_["feature"])]
        self.numeric_, self.categorical_ = numeric, categorical
        self.features_ = numeric + categorical
        self.base_model_ = base
        self.model_, self.calibration_method_ = self._calibrate(base, train, cal, numeric, categorical)
        # hold-out figures
        self._holdout(train, test)
        if not len(test):
            self.test_predictions_ = pd.DataFrame(columns=["opportunity_id", "as_of", "won", "p_won",
                                                           "p_won_stage_only"])
        # when won deals close
        for key, fields in self._fit_close_timing(closed, plan, horizon):
            period = fields.pop("period", None)  # "month" or "quarter", in each language
            notes.append(message(key, "en", **fields, **({"period": period} if period else {})))
            notes_zh.append(message(key, "zh", **fields,
                                    **({"period": message(f"pkg.win.period.{period}", "zh")} if period else {})))
        self.split_ = {"cal_start": plan.cal_start, "test_start": plan.test_start, "test_end": plan.test_end,
                       "maturity_months": plan.lag, "windows": plan.mode, "data_end": data_end,
                       "train_deals": int(train["opportunity_id"].nunique()),
                       "calibration_deals": int(cal["opportunity_id"].nunique()),
                       "holdout_deals": int(test["opportunity_id"].nunique())}
        self.data_end_ = data_end
        self.plan_ = plan
        self.notes_, self.notes_zh_ = notes, notes_zh
        self._design = {"train": train, "cal": cal, "test": test}
        prep = base.named_steps["prep"]
        self._z_mean = prep.transform(train[self.features_]).mean(axis=0)
        self._feature_of = [n.split("__", 1)[1] for n in prep.get_feature_names_out()]
        return self

    def _calibrate(self, model, train, cal, numeric, categorical):
        """Calibrate on the calibration window, or by cross-fitting on the training deals."""
        method = self.calibration
        feats = numeric + categorical
        if len(cal):
            if method == "auto":
                method = "isotonic" if cal["opportunity_id"].nunique() >= _ISOTONIC_DEALS else "sigmoid"
            raw = model.predict_proba(cal[feats])[:, 1]
            return CalibratedWinModel(model, fit_calibration_map(raw, _won(cal), method), method), method
        y, groups = _won(train), train["opportunity_id"].to_numpy()
        deals = train.drop_duplicates("opportunity_id")
        n_splits = int(min(3, (deals["outcome"] == "won").sum(), (deals["outcome"] == "lost").sum()))
        if n_splits < 2:
            return CalibratedWinModel(model, fit_calibration_map([], [], "none"), "none"), "none"
        if method == "auto":
            method = "isotonic" if len(deals) >= _ISOTONIC_DEALS else "sigmoid"
        oof = np.full(len(train), np.nan)
        for fit_idx, out_idx in GroupKFold(n_splits=n_splits).split(train, y, groups):
            if len(np.unique(y[fit_idx])) < 2:
                continue
            part, _ = fit_constrained_logit(train.iloc[fit_idx], y[fit_idx], numeric, categorical, self.C)
            oof[out_idx] = part.predict_proba(train.iloc[out_idx][feats])[:, 1]
        ok = ~np.isnan(oof)
        return CalibratedWinModel(model, fit_calibration_map(oof[ok], y[ok], method), method), f"{method} (cross-fitted)"

    def _holdout(self, train, test):
        nan = float("nan")
        if not len(test):
            self.auc_ = self.brier_ = self.ece_ = self.auc_stage_only_ = self.brier_stage_only_ = nan
            self.calibration_table_ = calibration_table([], [])
            return
        y = _won(test)
        p = self.model_.predict_proba(test[self.features_])[:, 1]
        self.auc_ = _safe_auc(y, p)
        self.brier_ = float(brier_score_loss(y, p))
        self.ece_ = expected_calibration_error(y, p)
        stage = _stage_only(self.C).fit(train[["stage"]], _won(train))
        ps = stage.predict_proba(test[["stage"]])[:, 1]
        self.auc_stage_only_ = _safe_auc(y, ps)
        self.brier_stage_only_ = float(brier_score_loss(y, ps))
        self.calibration_table_ = calibration_table(y, p)
        self.test_predictions_ = pd.DataFrame({"opportunity_id": test["opportunity_id"].to_numpy(),
                                               "as_of": test["as_of"].to_numpy(), "won": y, "p_won": p,
                                               "p_won_stage_only": ps})

    def _fit_close_timing(self, closed, plan, horizon) -> list[tuple[str, dict]]:
        """P(closes within the period | won): regression, pooled regression or empirical cycles.

        Returns the notes to write, as catalogue keys with their fields."""
        won = add_cycle_features(closed[closed["outcome"] == "won"], self.norms_)
        lab = (won["closed_at"] < won["as_of"] + pd.DateOffset(months=horizon)).astype(int).to_numpy()
        wa = won["as_of"]
        numeric = [f for f in NUMERIC_FEATURES if won[f].notna().any()]
        feats = numeric + self.categorical_
        c_train = (wa < plan.cal_start).to_numpy()
        c_cal = ((wa >= plan.cal_start) & (wa < plan.test_start)).to_numpy()
        c_test = ((wa >= plan.test_start) & (wa < plan.test_end)).to_numpy()
        self.close_auc_ = float("nan")

        def enough(mask):
            return mask.any() and min((lab[mask] == 1).sum(), (lab[mask] == 0).sum()) >= _MIN_CLOSE_ROWS

        period = "month" if horizon == 1 else "quarter"
        if enough(c_train):
            base = _logit(numeric, self.categorical_, self.C).fit(won.loc[c_train, feats], lab[c_train])
            model = base
            if len(np.unique(lab[c_cal])) == 2:
                raw = base.predict_proba(won.loc[c_cal, feats])[:, 1]
                model = CalibratedWinModel(base, fit_calibration_map(raw, lab[c_cal], "sigmoid"), "sigmoid")
            if c_test.any():
                self.close_auc_ = _safe_auc(lab[c_test], model.predict_proba(won.loc[c_test, feats])[:, 1])
            self.close_model_, self.close_timing_, self._close_features = model, "model", feats
            return []
        all_rows = np.ones(len(won), dtype=bool)
        if enough(all_rows):
            self.close_model_ = _logit(numeric, self.categorical_, self.C).fit(won[feats], lab)
            self.close_timing_, self._close_features = "pooled", feats
            return [("pkg.win.close_pooled", {"period": period})]
        if horizon == 1:
            quarter = (won["closed_at"] < won["as_of"] + pd.DateOffset(months=3)).astype(int).to_numpy()
            if min((quarter == 1).sum(), (quarter == 0).sum()) >= _MIN_CLOSE_ROWS:
                model = _logit(numeric, self.categorical_, self.C).fit(won[feats], quarter)
                self.close_model_, self.close_timing_ = MonthFromQuarter(model), "quarterly"
                self._close_features = feats
                return [("pkg.win.close_quarterly", {})]
        cycles = (closed.loc[closed["outcome"] == "won"].drop_duplicates("opportunity_id")
                  .pipe(lambda d: (d["closed_at"] - d["created_at"]).dt.total_seconds() / 86400))
        self.close_model_ = EmpiricalCloseTiming(horizon * _DAYS_PER_MONTH).fit(cycles)
        self.close_timing_, self._close_features = "empirical", None
        return [("pkg.win.close_empirical", {"period": period, "n": f"{len(cycles):,}"})]

    def _require_fitted(self):
        if not hasattr(self, "model_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call fit(data) first.")

    def report(self) -> dict:
        """The hold-out figures, the windows and the notes as a dict (for printing or a notebook).

        Keys: ``auc``, ``auc_stage_only``, ``brier``, ``brier_stage_only``, ``ece``,
        ``close_auc``, ``calibration``, ``close_timing``, ``features``, ``leaks`` (feature
        names), the :attr:`split_` entries, ``notes`` (list of sentences) and ``notes_zh``.
        """
        self._require_fitted()
        return {"auc": self.auc_, "auc_stage_only": self.auc_stage_only_, "brier": self.brier_,
                "brier_stage_only": self.brier_stage_only_, "ece": self.ece_, "close_auc": self.close_auc_,
                "calibration": self.calibration_method_, "close_timing": self.close_timing_,
                "features": list(self.features_), "leaks": list(self.leaks_["feature"]), **self.split_,
                "notes": list(self.notes_), "notes_zh": list(getattr(self, "notes_zh_", self.notes_))}

    # ------------------------------------------------------------------ predict
    def _factors(self, rows: pd.DataFrame) -> tuple[list[str], list[str]]:
        """Top contributions to each deal's log-odds: coefficient × (value − training mean).

        Deal age is one factor (``cycle_progress`` + ``overdue``). For a deal older than the
        usual cycle it is measured against the same deal at the usual cycle, so it is never
        positive.
        """
        X = rows[self.features_]
        prep = self.base_model_.named_steps["prep"]
        coef = self.base_model_.named_steps["clf"].coef_[0]
        contrib = (prep.transform(X) - self._z_mean) * coef
        groups: dict = {}
        for j, feat in enumerate(self._feature_of):
            feat = next((c for c in CATEGORICAL_FEATURES if feat.startswith(c + "_")), feat)
            groups.setdefault("age" if feat in _AGE else feat, []).append(j)
        feats = list(groups)
        per = np.column_stack([contrib[:, groups[f]].sum(axis=1) for f in feats])
        if "age" in groups:
            k = feats.index("age")
            over = rows["overdue"].to_numpy(dtype=float) > 0
            if over.any():
                j_over = [j for j in groups["age"] if self._feature_of[j] == "overdue"]
                beyond = np.zeros(len(rows))
                if j_over:
                    scale = prep.named_transformers_["num"][-1].scale_[self.numeric_.index("overdue")]
                    beyond = coef[j_over[0]] * rows["overdue"].to_numpy(dtype=float) / scale
                per[over, k] = np.minimum(beyond[over], 0.0)
        out, out_zh = [], []
        for i in range(len(rows)):
            order = np.argsort(-np.abs(per[i]))[: self.n_factors]
            for lang, texts in (("en", out), ("zh", out_zh)):
                texts.append(message("pkg.forecast.sep", lang).join(
                    f"{self._factor_text(rows.iloc[i], feats[k], lang)} ({per[i, k]:+.2f})" for k in order))
        return out, out_zh

    def _factor_text(self, row, feat, lang: str = "en") -> str:
        """One factor of a deal in words, in ``lang`` (numbers written alike in both)."""
        if feat in CATEGORICAL_FEATURES:
            name = feat if lang == "en" else FEATURE_NAMES_ZH.get(feat, feat)
            return message("pkg.win.factor.category", lang, feature=name, value=row[feat])
        if feat == "age":
            return message("pkg.win.factor.age", lang, days=f"{row['age_days']:.0f}",
                           ratio=f"{row['age_days'] / self.norms_['cycle_days']:.1f}",
                           cycle=f"{self.norms_['cycle_days']:.0f}")
        val = row[feat]
        if pd.isna(val):
            names = FEATURE_NAMES if lang == "en" else FEATURE_NAMES_ZH
            return message("pkg.win.factor.unknown", lang, feature=names.get(feat, feat))
        if feat == "log_stage_velocity":
            return message("pkg.win.factor.velocity", lang, days=f"{row['days_in_stage']:.0f}",
                           ratio=f"{np.expm1(val):.1f}")
        formats = {"log_amount": "{:,.0f}", "rep_win_rate": "{:.0%}", "log_follow_up_hours": "{:.0f}",
                   "touched": "{:.0f}", "log_activities": "{:.0f}", "log_activities_30d": "{:.0f}",
                   "log_days_since_activity": "{:.0f}"}
        value = formats[feat].format(np.expm1(val) if feat.startswith("log_") else val)
        return message(f"pkg.win.factor.{feat}", lang, value=value)

    def predict(self, data, as_of=None, *, factors: bool = True) -> pd.DataFrame:
        """Score the deals open at ``as_of`` (default: the end of the data).

        Parameters
        ----------
        data : SalesData, path or dict of DataFrames
        as_of : date-like, optional
        factors : bool
            Write ``top_factors`` and ``top_factors_zh`` (the slow part of scoring); backtests
            that need only the probabilities pass False and get empty columns.

        Returns
        -------
        DataFrame
            ``opportunity_id, rep_id, stage, amount, p_won, p_close_in_period,
            p_won_in_period`` (= ``p_won * p_close_in_period``), ``expected_bookings`` and
            ``top_factors`` (the features that move this deal's log-odds most, with
            their contribution, e.g. ``stage=Negotiation (+1.10)``; ``top_factors_zh`` in
            Chinese); ``attrs["as_of"]``.
        """
        self._require_fitted()
        data = as_sales_data(data, caller=f"{type(self).__name__}.predict")
        opps = data.opportunities
        data_end = pd.concat([opps["created_at"], opps["closed_at"]]).max()
        t = pd.Timestamp(as_of) if as_of is not None else data_end
        rows = deal_snapshots(data, as_of=t, data_end=max(t, data_end), prior_strength=self.prior_strength)
        cols = ["opportunity_id", "rep_id", "stage", "amount", "p_won", "p_close_in_period", "p_won_in_period",
                "expected_bookings", "top_factors", "top_factors_zh"]
        if rows.empty:
            out = pd.DataFrame(columns=cols)
            out.attrs["as_of"] = t
            return out
        rows = add_cycle_features(rows, self.norms_)
        out = rows[["opportunity_id", "rep_id", "stage", "amount"]].copy()
        if (out["stage"] == "unknown").any():  # no stage history: show the CRM's current stage
            current = opps.set_index("opportunity_id")["stage"].astype(str)
            unknown = out["stage"] == "unknown"
            out.loc[unknown, "stage"] = out.loc[unknown, "opportunity_id"].map(current).to_numpy()
        out["p_won"] = self.model_.predict_proba(rows[self.features_])[:, 1]
        close_in = rows if self._close_features is None else rows[self._close_features]
        out["p_close_in_period"] = self.close_model_.predict_proba(close_in)[:, 1]
        out["p_won_in_period"] = out["p_won"] * out["p_close_in_period"]
        out["expected_bookings"] = out["amount"] * out["p_won_in_period"]
        out["top_factors"], out["top_factors_zh"] = self._factors(rows) if factors else ("", "")
        out = out[cols].reset_index(drop=True)
        out.attrs["as_of"] = t
        return out
