"""The time-series Forecaster: candidate models chosen or combined per series by
rolling-origin validation, with calibrated intervals and fallbacks for short series.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsforecast.models import Naive

from workbench.errors import NotFittedError
from workbench.forecast import fallbacks
from workbench.forecast._validate import season_length_for, validate_series
from workbench.forecast.models import DEFAULT_MODELS, build_models, has_native_intervals, is_intermittent
from workbench.messages import message
from workbench.params import check_choice, check_param

__all__ = ["Forecaster", "backtest_note"]

#: Pseudo-count of validation points behind the pooled (all series) evidence: a series'
#: own validation errors weigh ``n / (n + SHRINK_POINTS)`` when ranking candidates and
#: when calibrating its intervals.
SHRINK_POINTS = 12
#: The same for the interval calibration: a series' own conformal factor against its class's.
CALIBRATION_PRIOR_POINTS = 2
#: Series shorter than this many seasons validate candidates refitted before the validation
#: windows; longer ones reuse the full-history parameters (statsforecast ``forward``), half the work.
REFIT_BELOW_SEASONS = 3
#: Share of zero periods from which a series counts as intermittent (lumpy) demand.
INTERMITTENT_SHARE = 0.3


def _arrays(data: pd.DataFrame) -> dict:
    """``unique_id -> y`` arrays of a sorted long frame."""
    return {uid: g.to_numpy(dtype=float) for uid, g in data.groupby("unique_id", sort=True)["y"]}


def backtest_note(n_points: int, windows: int, h: int, n_windows: int, min_history: int, lang: str = "en") -> str:
    """Why a series' backtest rests on fewer windows than asked for ("" when it has them all), in ``lang``.

    >>> backtest_note(10, 0, 3, 3, 12)
    '10 points: too short for a 3-period backtest window after the 12 needed to train'
    >>> backtest_note(10, 1, 3, 3, 6)
    '1 of 3 backtest windows: 10 points, 6 needed to train'
    >>> backtest_note(36, 3, 3, 3, 6)
    ''
    >>> backtest_note(10, 1, 3, 3, 6, lang="zh")
    '3 个回测窗口中只有 1 个：共 10 个数据点，训练需要 6 个'
    """
    if windows >= n_windows:
        return ""
    if windows == 0:
        return message("pkg.forecast.backtest.too_short", lang, n_points=n_points, h=h, min_history=min_history,
                       points=message("pkg.forecast.point" if n_points == 1 else "pkg.forecast.points", lang))
    return message("pkg.forecast.backtest.fewer", lang, windows=windows, n_windows=n_windows, n_points=n_points,
                   min_history=min_history)


class _Rows:
    """Column-wise collector of forecast blocks; one DataFrame at the end (cheaper than one per block)."""

    def __init__(self):
        self.cols, self.n = {}, 0

    def add(self, length, **cols):
        for name, values in cols.items():
            if name not in self.cols:
                self.cols[name] = [np.full(self.n, np.nan)] if self.n else []
            arr = np.full(length, values, dtype=object) if isinstance(values, str) else np.asarray(values)
            self.cols[name].append(np.broadcast_to(arr, (length,)))
        self.n += length

    def frame(self, empty_columns) -> pd.DataFrame:
        if not self.n:
            return pd.DataFrame(columns=empty_columns)
        return pd.DataFrame({name: np.concatenate(parts) for name, parts in self.cols.items()})


def _has_forward(fitted) -> bool:
    return any("forward" in vars(k) for k in type(fitted).__mro__[:-1] if k.__name__ != "_TS")


def _fallback(model):
    """Naive under the candidate's alias, for a series the candidate cannot fit."""
    fb = Naive(alias=model.alias)
    return fb


@dataclass
class _Bucket:
    """Series that share one candidate set (seasonal or not)."""

    seasonal: bool
    models: list
    ids: list
    weights: pd.DataFrame = field(default=None)  # index unique_id, columns aliases
    fitted: dict = field(default=None)  # unique_id -> fitted candidate models, in the order of ``models``
    cv_fitted: dict = field(default=None)  # the same fitted before the validation windows (short series)

    @property
    def aliases(self):
        return [m.alias for m in self.models]

    @property
    def interval_aliases(self):
        return [m.alias for m in self.models if has_native_intervals(m)]


class Forecaster:
    """Forecast many sales series at once, choosing or combining models per series.

    Candidate models (statsforecast) are fitted once per series and scored by
    rolling-origin validation (``n_windows`` windows of ``cv_h`` periods; the fitted
    models re-run on the history before each window, or — for series shorter than
    three seasons — candidates refitted before the windows). The ``forecast`` column is
    the inverse-error weighted mean of each series' ``top_k`` best models, ranked on
    their validation errors shrunk toward the ranking over all series
    (``method="combine"``), the single best (``"select"``), or one named model.
    Its intervals are the weighted model interval widths around that point, rescaled
    per series and level so that they cover the series' validation actuals at the
    nominal rate (split-conformal, shrunk toward the pooled factor of the series'
    class; ``calibrate=False`` turns it off). The 95% interval contains the 80% one.

    Short and odd series take fallbacks, told in the ``note`` column: fewer than two
    seasons → non-seasonal models; fewer than ``min_history`` points → shrunk toward
    the group's members (when ``groups`` are given to ``fit``) or naive with a wide
    interval; all-zero history → zero with an upper bound. Sales cannot go below zero:
    with ``nonnegative=True`` every point and bound is clipped at 0.

    Parameters
    ----------
    models : sequence of str or statsforecast models, optional
        Candidates; names from :data:`workbench.forecast.models.MODEL_SPECS`. Defaults
        to :data:`~workbench.forecast.models.DEFAULT_MODELS`.
    season_length : int, optional
        Periods per season; by default 52 (weekly), 12 (monthly), 4 (quarterly), 1 (yearly),
        7 (daily), 5 (business days).
    freq : str, optional
        Any regular pandas frequency (``"W-FRI"``, ``"W-SUN"``, ``"MS"``, ``"ME"``,
        ``"QS-FEB"``, ``"D"``, ``"B"``...), a period name (``"W"``, ``"M"``, ``"Q"``, ``"Y"``:
        the anchor is read from the dates) or None (inferred). Forecasts keep the
        input's dates: weeks ending on Friday are forecast as Fridays.
    level : sequence of int
        Interval coverage levels in percent.
    method : {"combine", "select"} or a model alias
    top_k : int
        Models combined per series with ``method="combine"``.
    n_windows, cv_h : int
        Rolling-origin validation windows and their length (default ``min(season, 6)``). By
        default 3 windows for series shorter than three seasons (validated on candidates
        refitted before the windows) and 2 for longer ones (validated on the fitted
        candidates re-run on the shorter history, statsforecast ``forward``).
    min_history : int
        Series with fewer points use the short-history fallbacks.
    calibrate : bool
        Rescale the combined intervals on validation errors.
    nonnegative : bool
        Clip forecasts and bounds at 0.
    allow_negative : bool
        Accept negative values in the history (otherwise they are an error).
    n_jobs : int
        Processes statsforecast may use.
    id_col, time_col, target_col : str
        Column names of the input.

    Attributes
    ----------
    freq_, season_length_ : str, int
        The pandas frequency alias of the dates (e.g. ``"W-FRI"``) and the season length.
    weights_ : DataFrame
        ``unique_id, model, weight`` of the combination per series.
    cv_ : DataFrame
        Validation forecasts (``unique_id, ds, cutoff, y``, models, ``forecast``).
    interval_scale_ : dict
        Calibration factor applied to the combined interval widths, per level (pooled).
    interval_scale_by_class_ : dict
        The factors used for ``intermittent`` (≥ 30% zero periods) and ``regular`` series;
        each is fitted on its own validation errors when it has at least 30 of them.
    interval_scale_by_series_ : DataFrame
        The factor used per series (rows) and level (columns): the series' own conformal
        factor shrunk toward its class's (see ``CALIBRATION_PRIOR_POINTS``).
    validation_windows_ : dict
        Validation windows used per series.
    demand_class_ : Series
        ``intermittent`` or ``regular`` per series.
    notes_ : Series
        The fallback applied per series ("" when none).
    notes_zh_ : Series
        The same in Chinese (the ``note_zh`` column of the forecasts).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from workbench.forecast import Forecaster
    >>> rng = np.random.default_rng(0)
    >>> ds = pd.date_range("2023-01-01", periods=36, freq="MS")
    >>> df = pd.DataFrame({"unique_id": "rep_1", "ds": ds,
    ...                    "y": 100 + 20 * np.sin(np.arange(36) * np.pi / 6) + rng.normal(0, 5, 36)})
    >>> fc = Forecaster(models=["seasonal_naive", "theta"], level=[80]).fit(df).predict(3)
    >>> list(fc.columns)
    ['unique_id', 'ds', 'SeasonalNaive', 'SeasonalNaive-lo-80', 'SeasonalNaive-hi-80', 'Theta', 'Theta-lo-80', 'Theta-hi-80', 'forecast', 'forecast-lo-80', 'forecast-hi-80', 'note', 'note_zh']
    >>> bool((fc["forecast-lo-80"] <= fc["forecast"]).all() and (fc["forecast"] <= fc["forecast-hi-80"]).all())
    True
    """

    def __init__(self, models=None, season_length=None, freq=None, level=(80, 95), method="combine",
                 top_k=3, n_windows=None, cv_h=None, min_history=6, calibrate=True, nonnegative=True,
                 allow_negative=False, n_jobs=1, id_col="unique_id", time_col="ds", target_col="y"):
        self.models = models
        self.season_length = season_length
        self.freq = freq
        self.level = level
        self.method = method
        self.top_k = top_k
        self.n_windows = n_windows
        self.cv_h = cv_h
        self.min_history = min_history
        self.calibrate = calibrate
        self.nonnegative = nonnegative
        self.allow_negative = allow_negative
        self.n_jobs = n_jobs
        self.id_col = id_col
        self.time_col = time_col
        self.target_col = target_col

    # ------------------------------------------------------------------ checks
    def _check_params(self):
        name = type(self).__name__
        lv = list(self.level) if np.ndim(self.level) else [self.level]
        check_param(name, "level", self.level, "a sequence of integers between 1 and 99",
                    len(lv) > 0 and all(isinstance(v, (int, np.integer)) and 0 < v < 100 for v in lv))
        check_param(name, "top_k", self.top_k, "a positive integer", isinstance(self.top_k, int) and self.top_k > 0)
        check_param(name, "n_windows", self.n_windows, "None or a positive integer",
                    self.n_windows is None or (isinstance(self.n_windows, int) and self.n_windows > 0))
        check_param(name, "min_history", self.min_history, "an integer >= 1",
                    isinstance(self.min_history, int) and self.min_history >= 1)
        check_param(name, "season_length", self.season_length, "None or a positive integer",
                    self.season_length is None or (isinstance(self.season_length, int) and self.season_length > 0))
        check_param(name, "method", self.method, "'combine', 'select' or a model alias",
                    isinstance(self.method, str))
        return sorted(int(v) for v in lv)

    def _require_fitted(self):
        if not hasattr(self, "buckets_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call fit(df) first.")

    # ------------------------------------------------------------------ fit
    def fit(self, df: pd.DataFrame, groups=None) -> "Forecaster":
        """Validate the history, score the candidates per series and calibrate intervals.

        Parameters
        ----------
        df : DataFrame
            Long format: id, period-start date and value columns.
        groups : mapping or Series, optional
            ``unique_id -> group`` (e.g. rep -> team); new series with fewer than
            ``min_history`` points borrow strength from their group's members.
        """
        levels = self._check_params()
        data, freq = validate_series(df, id_col=self.id_col, time_col=self.time_col, target_col=self.target_col,
                                     freq=self.freq, allow_negative=self.allow_negative, owner=type(self).__name__)
        self.levels_ = levels
        self.validation_windows_ = {}
        self.freq_ = freq
        m = self.season_length or season_length_for(freq)
        self.season_length_ = m
        self.cv_h_ = self.cv_h or (min(m, 6) if m > 1 else 3)
        self.history_ = data
        self.groups_ = None if groups is None else pd.Series(dict(groups) if not isinstance(groups, pd.Series)
                                                             else groups).astype(str)
        stats = data.groupby("unique_id", sort=True)["y"].agg(n="size", total=lambda s: float(np.abs(s).sum()))
        zero = stats.index[stats["total"] == 0]
        short = stats.index[(stats["total"] > 0) & (stats["n"] < self.min_history)]
        rest = stats.loc[(stats["total"] > 0) & (stats["n"] >= self.min_history)]
        seasonal_ids = list(rest.index[rest["n"] >= 2 * m]) if m > 1 else []
        seasonal_set = set(seasonal_ids)
        nonseasonal_ids = [i for i in rest.index if i not in seasonal_set]
        notes = pd.Series("", index=stats.index, dtype=object)
        notes_zh = pd.Series("", index=stats.index, dtype=object)
        notes[zero], notes_zh[zero] = fallbacks.NOTES["zero"], fallbacks.NOTES_ZH["zero"]
        for uid in short:
            notes[uid] = fallbacks.NOTES["naive"].format(n=int(stats.loc[uid, "n"]))
            notes_zh[uid] = fallbacks.NOTES_ZH["naive"].format(n=int(stats.loc[uid, "n"]))
        if m > 1:
            notes[nonseasonal_ids] = fallbacks.NOTES["nonseasonal"]
            notes_zh[nonseasonal_ids] = fallbacks.NOTES_ZH["nonseasonal"]
        self.zero_ids_, self.short_ids_ = list(zero), list(short)
        models = list(self.models) if self.models is not None else list(DEFAULT_MODELS)
        self.buckets_ = []
        cv_frames = []
        for seasonal, ids in ((True, seasonal_ids), (False, nonseasonal_ids)):
            if not ids:
                continue
            built = build_models(models, m, seasonal=seasonal) or [Naive(alias="Naive")]
            bucket = _Bucket(seasonal, built, ids)
            part = data[data["unique_id"].isin(ids)]
            min_train = 2 * m if seasonal else max(3, self.min_history - 2)
            # validation windows as long as cv_h, shortened for series that cannot afford them
            n_win = self._windows_for(stats.loc[ids, "n"])
            window = ((stats.loc[ids, "n"] - min_train) // n_win).clip(upper=self.cv_h_)
            self.validation_windows_ = {**getattr(self, "validation_windows_", {}), **n_win.to_dict()}
            self._fit_candidates(bucket, part, window)
            cv = self._cross_validate(part, bucket, window)
            weights = pd.DataFrame(1.0 / len(built), index=pd.Index(ids, name="unique_id"), columns=bucket.aliases)
            bucket.weights = weights
            if len(cv):
                fitted_w = self._weights_from_cv(cv, bucket)
                weights.loc[fitted_w.index] = fitted_w.to_numpy()
                cv_frames.append((cv, bucket))
            validated = set(cv["unique_id"])
            for uid in (i for i in ids if i not in validated):
                notes[uid] = "; ".join(filter(None, [notes[uid], fallbacks.NOTES["unvalidated"]]))
                notes_zh[uid] = "；".join(filter(None, [notes_zh[uid], fallbacks.NOTES_ZH["unvalidated"]]))
            bucket.weights = weights
            self.buckets_.append(bucket)
        self.notes_, self.notes_zh_ = notes, notes_zh
        # combine validation forecasts and calibrate the interval widths
        combined = [self._combine(cv, b, cv["unique_id"]) for cv, b in cv_frames]
        # calibration uses cross-fitted combinations: each window combined with weights learned
        # on the other windows, so the selection step does not make the errors look small
        honest = [self._cross_fitted(cv, b).assign(unique_id=cv["unique_id"].to_numpy())
                  for cv, b in cv_frames]
        zero_share = data.groupby("unique_id")["y"].agg(lambda s: float((s == 0).mean()))
        self.demand_class_ = pd.Series(np.where(zero_share >= INTERMITTENT_SHARE, "intermittent", "regular"),
                                       index=zero_share.index)
        self.interval_scale_ = {lev: 1.0 for lev in levels}
        self.interval_scale_by_class_ = {}
        self.interval_scale_by_series_ = pd.DataFrame(columns=levels, dtype=float)
        if combined:
            comb = pd.concat(combined, ignore_index=True)
            if self.calibrate:
                scores = pd.concat(honest, ignore_index=True)
                self.interval_scale_ = self._calibration(scores, levels)
                # lumpy and smooth series miss their model intervals differently: one factor each
                # when there are enough validation points, else the pooled factor
                cls = scores["unique_id"].map(self.demand_class_)
                for name in ("intermittent", "regular"):
                    part = scores[(cls == name).to_numpy()]
                    self.interval_scale_by_class_[name] = (self._calibration(part, levels) if len(part) >= 30
                                                           else dict(self.interval_scale_))
                self.interval_scale_by_series_ = self._series_calibration(scores, levels)
            all_cv = pd.concat([cv for cv, _ in cv_frames], ignore_index=True)
            comb = self._apply_scale(comb, levels, all_cv["unique_id"])
            self.cv_ = pd.concat([all_cv.drop(columns="window"),
                                  comb[[c for c in comb.columns if c.startswith("forecast")]]], axis=1)
        else:
            self.cv_ = pd.DataFrame(columns=["unique_id", "ds", "cutoff", "y", "forecast"])
        self.weights_ = pd.concat(
            [b.weights.rename_axis("unique_id").reset_index().melt(id_vars="unique_id", var_name="model",
                                                                   value_name="weight") for b in self.buckets_]
            or [pd.DataFrame(columns=["unique_id", "model", "weight"])], ignore_index=True)
        self.weights_ = self.weights_[self.weights_["weight"] > 0].sort_values(
            ["unique_id", "weight"], ascending=[True, False]).reset_index(drop=True)
        return self

    # ------------------------------------------------------------------ engine
    # Each candidate is fitted once per series on the whole history. Validation windows reuse
    # those parameters (statsforecast's ``forward``: states re-run on the truncated history),
    # models without ``forward`` are refitted on each truncated history (they are the cheap ones).
    # That halves the work of fitting once per window and once more for the forecast.
    def _fit_candidates(self, bucket, data, window):
        """Fit every candidate on each series' history.

        Series shorter than ``REFIT_BELOW_SEASONS`` seasons also get candidates fitted on the history
        before their validation windows (``bucket.cv_fitted``): on short series, parameters
        that have seen the validation windows flatter the richer models.
        """
        bucket.fitted, bucket.cv_fitted = {}, {}
        for uid, y in _arrays(data).items():
            lumpy = float(np.mean(y == 0)) >= INTERMITTENT_SHARE
            bucket.fitted[uid] = self._fit_one(bucket, y, lumpy)
            w = int(window.get(uid, 0))
            if w >= 1 and self._refits(len(y)):
                bucket.cv_fitted[uid] = self._fit_one(bucket, y[:len(y) - self.validation_windows_[uid] * w], lumpy)

    def _refits(self, n_points) -> bool:
        return n_points < REFIT_BELOW_SEASONS * max(self.season_length_, 4)

    def _windows_for(self, n_points: pd.Series) -> pd.Series:
        """Validation windows per series: ``n_windows``, or by default 3 for series validated on
        refitted candidates (short: every error counts) and 2 for the rest (reused parameters)."""
        if self.n_windows is not None:
            return pd.Series(self.n_windows, index=n_points.index)
        return pd.Series(np.where([self._refits(n) for n in n_points], 3, 2), index=n_points.index)

    @staticmethod
    def _fit_one(bucket, y, lumpy):
        row = []
        for mo in bucket.models:
            # intermittent-demand methods are candidates only for lumpy series (>= 30% zero periods)
            if is_intermittent(mo) and not lumpy:
                row.append(None)
                continue
            try:
                row.append(mo.new().fit(y=y))
            except Exception:  # noqa: BLE001 - a candidate that cannot fit one series takes the fallback
                row.append(_fallback(mo).fit(y=y))
        return row

    def _candidate_forecasts(self, bucket, uid, y, h, forward):
        """Point and interval forecasts of every candidate for one series: ``{column: array}``."""
        out = {}
        fits = bucket.cv_fitted.get(uid, bucket.fitted[uid]) if forward else bucket.fitted[uid]
        for mo, fit in zip(bucket.models, fits):
            lev = self.levels_ if has_native_intervals(mo) else None
            kw = {"level": lev} if lev else {}
            if fit is None:  # not a candidate for this series
                out[mo.alias] = np.full(h, np.nan)
                for lv in lev or ():
                    out[f"{mo.alias}-lo-{lv}"] = out[f"{mo.alias}-hi-{lv}"] = np.full(h, np.nan)
                continue
            try:
                if not forward:
                    res = fit.predict(h=h, **kw)
                elif _has_forward(fit):
                    res = fit.forward(y=y, h=h, **kw)
                else:
                    res = mo.new().forecast(y=y, h=h, **kw)
            except Exception:  # noqa: BLE001 - same fallback as in fit
                res = _fallback(mo).forecast(y=y, h=h, **kw)
            out[mo.alias] = np.asarray(res["mean"], dtype=float)
            for lv in lev or ():
                out[f"{mo.alias}-lo-{lv}"] = np.asarray(res[f"lo-{lv}"], dtype=float)
                out[f"{mo.alias}-hi-{lv}"] = np.asarray(res[f"hi-{lv}"], dtype=float)
        return out

    def _forecast_bucket(self, bucket, data, h) -> pd.DataFrame:
        offset = pd.tseries.frequencies.to_offset(self.freq_)
        rows = _Rows()
        last = data.groupby("unique_id")["ds"].max()
        for uid, y in _arrays(data).items():
            cols = self._candidate_forecasts(bucket, uid, y, h, forward=False)
            rows.add(h, unique_id=uid, ds=fallbacks.future_dates(last[uid], h, offset), **cols)
        return rows.frame(["unique_id", "ds"])

    def _cross_validate(self, data, bucket, window) -> pd.DataFrame:
        """Validation forecasts: ``n_windows`` consecutive windows of ``window[uid]`` periods at each series' end."""
        rows = _Rows()
        for uid, g in data.groupby("unique_id", sort=True):
            w = int(window.get(uid, 0))
            if w < 1:
                continue
            y, ds = g["y"].to_numpy(), g["ds"].to_numpy()
            n = len(y)
            n_win = self.validation_windows_[uid]
            for i in range(n_win):
                cut = n - (n_win - i) * w
                cols = self._candidate_forecasts(bucket, uid, y[:cut], w, forward=True)
                rows.add(w, unique_id=uid, ds=ds[cut:cut + w], cutoff=ds[cut - 1], y=y[cut:cut + w], window=i, **cols)
        return rows.frame(["unique_id", "ds", "cutoff", "y", "window", *bucket.aliases])

    def _weights_from_cv(self, cv, bucket, k=None) -> pd.DataFrame:
        """Combination weights per series from the validation errors.

        A series' few validation errors rank the candidates noisily, so each candidate's
        relative error (its MAE over the series' mean candidate MAE) is shrunk toward the
        candidate's median relative error across the bucket's series, with the weight
        ``n / (n + SHRINK_POINTS)`` for ``n`` validation points. The ``top_k`` best by that
        shrunk error are averaged with inverse-error weights.
        """
        err = cv[bucket.aliases].sub(cv["y"], axis=0).abs()
        mae = err.groupby(cv["unique_id"]).mean().reindex(columns=bucket.aliases)
        mae = mae.where(np.isfinite(mae), np.inf).fillna(np.inf)
        if self.method in ("combine", "select"):
            k = 1 if self.method == "select" else min(k or self.top_k, len(bucket.aliases))
        else:
            check_choice(type(self).__name__, "method", self.method, ["combine", "select", *bucket.aliases])
            w = pd.DataFrame(0.0, index=mae.index, columns=mae.columns)
            w[self.method] = 1.0
            return w
        raw = mae.to_numpy()
        finite = np.isfinite(raw)
        scale = cv["y"].abs().groupby(cv["unique_id"]).mean().reindex(mae.index).to_numpy()[:, None]
        tiny = 1e-6 * (scale + 1.0)
        typical = np.array([np.mean(r[f]) if f.any() else np.nan for r, f in zip(raw, finite)])[:, None]
        rel = np.where(finite, (raw + tiny) / (np.nan_to_num(typical) + tiny), np.nan)
        worst = float(np.nanmax(rel)) if np.isfinite(rel).any() else 1.0
        pooled = np.array([np.median(c[np.isfinite(c)]) if np.isfinite(c).any() else worst for c in rel.T])
        n = cv.groupby("unique_id").size().reindex(mae.index).to_numpy(dtype=float)[:, None]
        share = n / (n + SHRINK_POINTS)
        shrunk = np.where(finite, share * np.nan_to_num(rel) + (1 - share) * pooled[None, :], np.inf)
        rank = pd.DataFrame(shrunk).rank(axis=1, method="first").to_numpy()
        inv = np.where((rank <= k) & finite, 1.0 / np.maximum(shrunk, 1e-12), 0.0)
        total = inv.sum(axis=1, keepdims=True)
        inv = np.where(total > 0, inv / np.where(total > 0, total, 1.0), 1.0 / inv.shape[1])
        return pd.DataFrame(inv, index=mae.index, columns=mae.columns)

    def _cross_fitted(self, cv, bucket, k=None) -> pd.DataFrame:
        """Combined validation forecasts where each window uses weights from the other windows.

        Rows come back in the order of ``cv``.
        """
        windows = cv["window"].unique()
        if len(windows) < 2:
            return self._combine(cv, bucket, cv["unique_id"]).assign(y=cv["y"].to_numpy())
        parts = []
        for win in windows:
            held = (cv["window"] == win).to_numpy()
            other = _Bucket(bucket.seasonal, bucket.models, bucket.ids,
                            self._weights_from_cv(cv[~held], bucket, k))
            other.weights = other.weights.reindex(bucket.weights.index).fillna(bucket.weights)
            part = cv[held]
            parts.append(self._combine(part, other, part["unique_id"]).assign(y=part["y"].to_numpy()))
        return pd.concat(parts).loc[cv.index]

    def _combine(self, frame, bucket, ids) -> pd.DataFrame:
        """Weighted point and weighted interval widths around it, for each row of ``frame``."""
        w = bucket.weights.reindex(ids.to_numpy()).to_numpy()
        f = frame[bucket.aliases].to_numpy(dtype=float)
        ok = np.isfinite(f)
        wf = np.where(ok, w, 0.0)
        tot = wf.sum(axis=1)
        fill = np.where(ok, f, 0.0)
        eq = np.nanmean(np.where(ok, f, np.nan), axis=1) if ok.any() else np.full(len(f), np.nan)
        point = np.where(tot > 0, (wf * fill).sum(axis=1) / np.where(tot > 0, tot, 1), eq)
        out = {"forecast": point}
        iv = bucket.interval_aliases
        if iv:
            idx = [bucket.aliases.index(a) for a in iv]
            wi = wf[:, idx]
            wi = np.where(wi.sum(axis=1, keepdims=True) > 0, wi, ok[:, idx].astype(float))
            wi = wi / np.maximum(wi.sum(axis=1, keepdims=True), 1e-12)
            for lev in self.levels_:
                lo = frame[[f"{a}-lo-{lev}" for a in iv]].to_numpy(dtype=float)
                hi = frame[[f"{a}-hi-{lev}" for a in iv]].to_numpy(dtype=float)
                pts = f[:, idx]
                down = np.clip(pts - lo, 0, None)
                up = np.clip(hi - pts, 0, None)
                # a model whose interval failed (NaN) gives no width: its weight goes to the others
                has = np.isfinite(down) & np.isfinite(up)
                wl = np.where(has, wi, 0.0)
                wl = np.where(wl.sum(axis=1, keepdims=True) > 0, wl / np.maximum(wl.sum(axis=1, keepdims=True), 1e-12),
                              has / np.maximum(has.sum(axis=1, keepdims=True), 1))
                out[f"forecast-lo-{lev}"] = point - (wl * np.nan_to_num(down)).sum(axis=1)
                out[f"forecast-hi-{lev}"] = point + (wl * np.nan_to_num(up)).sum(axis=1)
        else:
            for lev in self.levels_:
                out[f"forecast-lo-{lev}"] = point
                out[f"forecast-hi-{lev}"] = point
        return pd.DataFrame(out, index=frame.index)

    @staticmethod
    def _calibration(comb: pd.DataFrame, levels, min_points: int = 5) -> dict:
        """Split-conformal factor per level: the level-quantile of error / interval half-width."""
        scale = {}
        e = (comb["y"] - comb["forecast"]).to_numpy()
        for lev in levels:
            up = (comb[f"forecast-hi-{lev}"] - comb["forecast"]).to_numpy()
            down = (comb["forecast"] - comb[f"forecast-lo-{lev}"]).to_numpy()
            half = np.where(e >= 0, up, down)
            ok = half > 1e-9 * (np.abs(comb["forecast"].to_numpy()) + 1)
            score = np.abs(e[ok]) / half[ok]
            if len(score) < min_points:
                scale[lev] = 1.0
                continue
            q = min(1.0, np.ceil((len(score) + 1) * lev / 100) / len(score))
            scale[lev] = float(np.clip(np.quantile(score, q), 0.2, 10.0))
        return scale

    def _series_calibration(self, scores: pd.DataFrame, levels) -> pd.DataFrame:
        """Conformal factor per series and level, from the series' own validation errors.

        The factor is the split-conformal quantile of the series' errors over its interval
        half-widths. ``n`` errors support levels up to ``n / (n + 1)`` (a dozen errors cannot
        give a 95% quantile): above that the series' quantile at the highest supported level
        is carried up by the ratio between the two levels' quantiles in the series' class.
        The result is shrunk toward the class's factor with the weight
        ``n / (n + CALIBRATION_PRIOR_POINTS)`` on the log scale.
        """
        e_all = (scores["y"] - scores["forecast"]).to_numpy()
        point = scores["forecast"].to_numpy()
        ratio = {}
        for lev in levels:
            up = (scores[f"forecast-hi-{lev}"] - scores["forecast"]).to_numpy()
            down = (scores["forecast"] - scores[f"forecast-lo-{lev}"]).to_numpy()
            half = np.where(e_all >= 0, up, down)
            ok = half > 1e-9 * (np.abs(point) + 1)
            ratio[lev] = np.where(ok, np.abs(e_all) / np.where(ok, half, 1.0), np.nan)
        cls_of_row = scores["unique_id"].map(self.demand_class_).to_numpy()
        pools = {name: {lev: ratio[lev][(cls_of_row == name) & np.isfinite(ratio[lev])] for lev in levels}
                 for name in pd.unique(cls_of_row)}
        rows = {}
        for uid, idx in scores.groupby("unique_id", sort=True).indices.items():
            name = cls_of_row[idx[0]]
            pooled = self.interval_scale_by_class_.get(name, self.interval_scale_)
            rows[uid] = {}
            for lev in levels:
                own = ratio[lev][idx]
                own = own[np.isfinite(own)]
                n = len(own)
                if n == 0:
                    rows[uid][lev] = pooled.get(lev, 1.0)
                    continue
                usable = min(lev / 100, n / (n + 1))
                q_own = np.quantile(own, min(1.0, np.ceil((n + 1) * usable - 1e-9) / n))
                pool = pools[name][lev]
                if usable < lev / 100 and len(pool) >= 5:
                    q_own *= pooled.get(lev, 1.0) / max(np.quantile(pool, usable), 1e-12)
                share = n / (n + CALIBRATION_PRIOR_POINTS)
                rows[uid][lev] = float(np.clip(np.exp(share * np.log(max(q_own, 1e-6))
                                                      + (1 - share) * np.log(pooled.get(lev, 1.0))), 0.2, 10.0))
        return pd.DataFrame.from_dict(rows, orient="index", columns=levels, dtype=float)

    def _apply_scale(self, frame: pd.DataFrame, levels, ids: pd.Series) -> pd.DataFrame:
        out = frame.copy()
        cls = ids.map(self.demand_class_).to_numpy()
        by_series = getattr(self, "interval_scale_by_series_", None)
        for lev in levels:
            pooled = self.interval_scale_.get(lev, 1.0)
            s = np.full(len(out), pooled)
            for name, scales in self.interval_scale_by_class_.items():
                s[cls == name] = scales.get(lev, pooled)
            if by_series is not None and lev in by_series.columns and len(by_series):
                own = by_series[lev].reindex(ids.to_numpy()).to_numpy(dtype=float)
                s = np.where(np.isfinite(own), own, s)
            out[f"forecast-lo-{lev}"] = out["forecast"] - s * (out["forecast"] - out[f"forecast-lo-{lev}"])
            out[f"forecast-hi-{lev}"] = out["forecast"] + s * (out[f"forecast-hi-{lev}"] - out["forecast"])
        # separately calibrated levels must stay nested: a 95% interval contains the 80% one
        for inner, outer in zip(levels[:-1], levels[1:]):
            out[f"forecast-lo-{outer}"] = np.minimum(out[f"forecast-lo-{outer}"], out[f"forecast-lo-{inner}"])
            out[f"forecast-hi-{outer}"] = np.maximum(out[f"forecast-hi-{outer}"], out[f"forecast-hi-{inner}"])
        return out

    # ------------------------------------------------------------------ predict
    def predict(self, h: int) -> pd.DataFrame:
        """Forecast ``h`` periods ahead for every series seen in ``fit``.

        Returns
        -------
        DataFrame
            ``unique_id``, ``ds``, one column per model (with ``-lo-<L>`` / ``-hi-<L>``
            for models that have intervals), ``forecast`` with its interval columns,
            and ``note`` (the fallback applied, "" when none). Columns use the names
            given by ``id_col`` / ``time_col``.
        """
        self._require_fitted()
        check_param(type(self).__name__, "h", h, "a positive integer", isinstance(h, (int, np.integer)) and h > 0)
        levels = self.levels_
        data = self.history_
        parts = []
        for bucket in self.buckets_:
            fc = self._forecast_bucket(bucket, data[data["unique_id"].isin(bucket.ids)], int(h))
            comb = self._apply_scale(self._combine(fc, bucket, fc["unique_id"]), levels, fc["unique_id"])
            parts.append(pd.concat([fc, comb], axis=1))
        main = pd.concat(parts, ignore_index=True) if parts else None
        offset = pd.tseries.frequencies.to_offset(self.freq_)
        last = data.groupby("unique_id")["ds"].max()
        extra = []
        groups = self.groups_
        for uid in self.short_ids_:
            hist = data.loc[data["unique_id"] == uid, "y"].to_numpy()
            dates = fallbacks.future_dates(last[uid], int(h), offset)
            group = None if groups is None else groups.get(uid)
            members = [] if group is None else [i for i in groups.index[groups == group]
                                                if i != uid and i not in self.short_ids_ and i not in self.zero_ids_]
            member_rows = main[main["unique_id"].isin(members) & main["ds"].isin(dates)] \
                if members and main is not None else None
            if member_rows is not None and member_rows["ds"].nunique() == len(dates):
                extra.append(fallbacks.borrow_from_group(uid, hist, group, member_rows, levels, self.min_history))
            else:
                extra.append(fallbacks.naive_wide(uid, hist, dates, levels, self.nonnegative))
        for uid in self.zero_ids_:
            hist = data.loc[data["unique_id"] == uid, "y"].to_numpy()
            dates = fallbacks.future_dates(last[uid], int(h), offset)
            # typical non-zero period of the group's members, else of every series fitted
            group = None if groups is None else groups.get(uid)
            peers = data[data["y"] > 0]
            if group is not None and peers["unique_id"].isin(groups.index[groups == group]).any():
                peers = peers[peers["unique_id"].isin(groups.index[groups == group])]
            typical = float(peers["y"].median()) if len(peers) else None
            extra.append(fallbacks.zero_forecast(uid, hist, dates, levels, typical))
        out = pd.concat(([main] if main is not None else []) + extra, ignore_index=True)
        for column, notes in (("note", self.notes_), ("note_zh", self.notes_zh_)):
            if column not in out.columns or not extra:
                out[column] = out["unique_id"].map(notes).fillna("")
            else:
                out[column] = out[column].fillna(out["unique_id"].map(notes)).fillna("")
        if self.nonnegative:
            num = [c for c in out.columns if c not in ("unique_id", "ds", "note", "note_zh")]
            out[num] = out[num].clip(lower=0)
        order = self._column_order(out)
        out = out[order].sort_values(["unique_id", "ds"]).reset_index(drop=True)
        return out.rename(columns={"unique_id": self.id_col, "ds": self.time_col})

    def _column_order(self, out):
        aliases = []
        for b in self.buckets_:
            aliases += [a for a in b.aliases if a not in aliases]
        cols = ["unique_id", "ds"]
        for a in aliases + ["forecast"]:
            cols.append(a)
            for lev in self.levels_:
                for side in ("lo", "hi"):
                    c = f"{a}-{side}-{lev}"
                    if c in out.columns:
                        cols.append(c)
        return cols + ["note", "note_zh"]

    # ------------------------------------------------------------------ backtest
    def backtest(self, df: pd.DataFrame, h: int, n_windows: int = 3, step_size: int | None = None,
                 groups=None, progress: bool = False) -> pd.DataFrame:
        """Refit on data up to each cutoff and forecast the next ``h`` periods.

        Cutoffs are the period starts ``h + step_size * i`` periods before the last
        date (``step_size`` defaults to ``h``), so windows do not overlap by default.
        Returns the :meth:`predict` columns plus ``cutoff`` (the last period used for
        fitting) and ``y`` (the actual), only for periods that have an actual.
        Score it with :func:`workbench.forecast.metrics.evaluate`.

        A series is backtested only at cutoffs where it has at least ``min_history``
        points to train on: below that the forecast is a short-history fallback (naive
        with a wide interval), and scoring it would report an accuracy the model never
        had. A series with no such cutoff has no backtest rows
        (:func:`backtest_note` says why); when no series has one, ``ValueError``.
        """
        self._check_params()
        data, freq = validate_series(df, id_col=self.id_col, time_col=self.time_col, target_col=self.target_col,
                                     freq=self.freq, allow_negative=self.allow_negative, owner=type(self).__name__)
        step = step_size or h
        dates = np.sort(data["ds"].unique())
        cutoffs = [dates[-1 - h - step * i] for i in range(n_windows) if h + step * i < len(dates)]
        cutoffs = sorted(cutoffs)
        if not cutoffs:
            raise ValueError(f"Too little history for a backtest with h={h}: the data span {len(dates)} periods.")
        iterator = cutoffs
        if progress:
            from tqdm.auto import tqdm
            iterator = tqdm(cutoffs, desc="backtest", unit="cutoff", delay=2)
        frames = []
        for cutoff in iterator:
            train = data[data["ds"] <= cutoff]
            if train.empty:
                continue
            model = copy.deepcopy(self)
            model.id_col, model.time_col, model.target_col, model.freq = "unique_id", "ds", "y", freq
            model.fit(train, groups=groups)
            fc = model.predict(h)
            trained = train.groupby("unique_id").size()
            fc = fc[fc["unique_id"].map(trained).fillna(0).to_numpy() >= self.min_history]
            fc = fc.merge(data, on=["unique_id", "ds"], how="inner")
            fc.insert(2, "cutoff", pd.Timestamp(cutoff))
            frames.append(fc)
        out = pd.concat(frames, ignore_index=True)
        if out.empty:
            longest = int(data.groupby("unique_id").size().max())
            raise ValueError(backtest_note(longest, 0, h, n_windows, self.min_history)
                             + f"; pass a smaller h or min_history to {type(self).__name__}.")
        return out.rename(columns={"unique_id": self.id_col, "ds": self.time_col, "y": self.target_col})
