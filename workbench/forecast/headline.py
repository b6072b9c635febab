"""One headline forecast per entity and period: the pipeline and run-rate views combined.

Two views of the same period's bookings exist: the **pipeline view** (booked so far +
expected wins of the open deals + deals not created yet, from
:func:`~workbench.forecast.simulate_pipeline`) and the **run-rate view** (the time-series
forecast of :func:`~workbench.forecast.forecast_entities`, which knows the history but
not the deals). :class:`HeadlineModel` learns, per entity level, how much to trust each
from a pipeline backtest (:func:`~workbench.forecast.backtest_pipeline`): the bookings
still to come are ``w_pipeline x (pipeline view - booked) + w_run_rate x (run-rate view x
share of the period ahead)``, with non-negative weights fitted by least squares on past
snapshots (they need not add up to 1, so a view that is biased is scaled back). The
headline's 80 % and 95 % intervals are conformal: the point times the spread of past
relative errors, each measured with weights learned without that snapshot.

:func:`explain_views` says in one sentence why the two views differ.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.errors import NotFittedError
from workbench.formatting import format_value
from workbench.messages import message

__all__ = ["HeadlineModel", "explain_views", "period_position", "HEADLINE_COLUMNS"]

#: Columns :meth:`HeadlineModel.predict` adds.
HEADLINE_COLUMNS = ["headline", "headline-lo-80", "headline-hi-80", "headline-lo-95", "headline-hi-95",
                    "from_booked", "from_open_deals", "from_new_deals", "from_run_rate", "w_pipeline", "w_run_rate",
                    "headline_p_reach_target", "headline_basis", "headline_basis_zh"]
_VIEWS = {"both": ("pipeline_rest", "run_rate_rest"), "pipeline": ("pipeline_rest",), "run_rate": ("run_rate_rest",)}
_NEEDS = {"both": ("pipeline_mean", "run_rate"), "pipeline": ("pipeline_mean",), "run_rate": ("run_rate",)}
_MIN_ROWS = 4


def period_position(period, freq: str) -> str:
    """Where a period sits in its cycle: "month 3 of the quarter" for months, "Q4" for quarters.

    Quarter ends pull wins forward (the "hockey stick"), so the views are weighted per position.

    >>> period_position("2026-12-01", "M"), period_position("2026-10-01", "Q")
    ('month 3 of the quarter', 'Q4')
    """
    start = pd.Timestamp(period)
    if freq == "M":
        return message("pkg.forecast.position.month", "en", n=(start.month - 1) % 3 + 1)
    if freq == "Q":
        return f"Q{(start.month - 1) // 3 + 1}"
    return ""


def _position_text(position: str, lang: str) -> str:
    """:func:`period_position`'s words in ``lang`` (the English text is the weights' key)."""
    month = re.fullmatch(r"month (\d) of the quarter", position)
    return message("pkg.forecast.position.month", lang, n=month.group(1)) if month else position


def _rests(frame: pd.DataFrame) -> pd.DataFrame:
    """Bookings still to come by each view: ``pipeline_rest`` and ``run_rate_rest``."""
    booked = frame["booked_to_date"].fillna(0.0).to_numpy(float)
    share = frame["share_ahead"].fillna(1.0).to_numpy(float) if "share_ahead" in frame else np.ones(len(frame))
    pipe = frame["pipeline_mean"].to_numpy(float) - booked
    run = frame["run_rate"].to_numpy(float) * share
    return pd.DataFrame({"pipeline_rest": np.clip(pipe, 0, None), "run_rate_rest": np.clip(run, 0, None)},
                        index=frame.index)


def _view_of(frame: pd.DataFrame) -> np.ndarray:
    has_p = frame["pipeline_mean"].notna().to_numpy()
    has_r = frame["run_rate"].notna().to_numpy()
    return np.where(has_p & has_r, "both", np.where(has_p, "pipeline", np.where(has_r, "run_rate", "none")))


def _conformal(r: np.ndarray, alpha: float) -> tuple[float, float]:
    """Split-conformal lower / upper quantiles of relative errors for a (1 - alpha) interval."""
    n = len(r)
    lo = np.floor((n + 1) * alpha / 2) / n
    hi = np.ceil((n + 1) * (1 - alpha / 2)) / n
    return (float(np.quantile(r, min(max(lo, 0.0), 1.0), method="lower")),
            float(np.quantile(r, min(max(hi, 0.0), 1.0), method="higher")))


class HeadlineModel:
    """Weights of the pipeline and run-rate views, and the headline's intervals, learned per level.

    Parameters
    ----------
    group_by : sequence of str
        Columns whose combinations get their own weights, finest last (default: entity
        level, then the period's position in its cycle, see :func:`period_position`). A
        combination with fewer than 4 backtest rows uses the weights of the coarser
        grouping (dropping the last column), down to one set for all rows.

    Attributes
    ----------
    weights_ : dict
        ``{(group, view): array}``; view "both" holds (pipeline, run-rate) weights,
        "pipeline" and "run_rate" the weight used when only that view is available.
    residuals_ : dict
        ``{entity level: array}`` relative errors ``actual / headline - 1`` of past
        snapshots, each with weights learned without its snapshot.
    n_snapshots_ : int
        Snapshots the weights rest on.

    Examples
    --------
    >>> rows = pd.DataFrame({"snapshot": np.repeat([1, 2, 3, 4, 5, 6], 2), "entity_type": "team",
    ...                      "booked_to_date": 0.0, "pipeline_mean": [200., 100.] * 6,
    ...                      "run_rate": [100., 50.] * 6, "booked_actual": [150., 75.] * 6})
    >>> model = HeadlineModel(group_by=["entity_type"]).fit(rows)
    >>> out = model.predict(rows.head(1))
    >>> round(float(out["headline"].iloc[0]), 6)
    150.0
    >>> bool((out["headline-lo-95"] <= out["headline-lo-80"]).all() and (out["headline-lo-80"] <= out["headline"]).all())
    True
    """

    def __init__(self, group_by=("entity_type", "position")):
        self.group_by = group_by

    def _groups(self, frame: pd.DataFrame) -> list[str]:
        return [c for c in self.group_by if c in frame.columns]

    def _fit_core(self, frame: pd.DataFrame) -> dict:
        from scipy.optimize import nnls

        rests = _rests(frame)
        target = (frame["booked_actual"] - frame["booked_to_date"].fillna(0.0)).to_numpy(float)
        cols = self._groups(frame)
        # the rows each view can learn from, and each row's group key, computed once
        known = frame["booked_actual"].notna().to_numpy()
        usable = {view: np.logical_and.reduce([known, *(frame[c].notna().to_numpy() for c in _NEEDS[view])])
                  for view in _VIEWS}
        views = {view: rests[list(used)] for view, used in _VIEWS.items()}
        row_keys = self._row_keys(frame)
        weights = {}
        for depth in range(len(cols) + 1):
            keys = [k[:depth] for k in row_keys]
            for key in set(keys):
                m = np.array([k == key for k in keys])
                for view in _VIEWS:
                    ok = m & usable[view]
                    if ok.sum() >= _MIN_ROWS:
                        w, _ = nnls(views[view].loc[ok].to_numpy(), target[ok])
                        if w.sum() > 0:
                            weights[(key, view)] = w
        return weights

    def _lookup(self, weights: dict, row_key: tuple, view: str):
        for depth in range(len(row_key), -1, -1):
            w = weights.get((row_key[:depth], view))
            if w is not None:
                return w
        return np.full(len(_VIEWS[view]), 1.0 / len(_VIEWS[view])) if view in _VIEWS else None

    def _row_keys(self, frame: pd.DataFrame) -> list[tuple]:
        cols = self._groups(frame)
        return [tuple(k) for k in frame[cols].astype(str).itertuples(index=False)] if cols else [()] * len(frame)

    def _point(self, frame: pd.DataFrame, weights: dict) -> tuple[np.ndarray, list]:
        rests = _rests(frame).to_numpy()
        keys, view = self._row_keys(frame), _view_of(frame)
        booked = frame["booked_to_date"].fillna(0.0).to_numpy(float)
        out, used = np.full(len(frame), np.nan), []
        for i in range(len(frame)):
            w = self._lookup(weights, keys[i], view[i])
            used.append(w)
            if w is not None:
                x = rests[i, [0, 1]] if view[i] == "both" else rests[i, [0 if view[i] == "pipeline" else 1]]
                out[i] = booked[i] + float(np.dot(w, x))
        return out, used

    def fit(self, backtest: pd.DataFrame) -> "HeadlineModel":
        """Learn the weights and the error spread from backtest rows.

        Parameters
        ----------
        backtest : DataFrame
            One row per snapshot and entity (as :func:`~workbench.forecast.backtest_pipeline`
            returns): ``snapshot, entity_type, booked_to_date, pipeline_mean, run_rate,
            booked_actual``, optionally ``position`` and ``share_ahead`` (share of the
            period still ahead at the snapshot; 1 by default).
        """
        need = {"snapshot", "entity_type", "booked_to_date", "pipeline_mean", "run_rate", "booked_actual"}
        missing = need - set(backtest.columns)
        if missing:
            raise ValueError(f"HeadlineModel.fit needs backtest rows with columns {sorted(need)}; "
                             f"missing {sorted(missing)}.")
        frame = backtest[backtest["booked_actual"].notna()].reset_index(drop=True)
        self.weights_ = self._fit_core(frame)
        snaps = frame["snapshot"].unique()
        self.n_snapshots_ = len(snaps)
        point = np.full(len(frame), np.nan)
        if len(snaps) >= 3:  # each snapshot's error with weights learned without it
            for s in snaps:
                m = (frame["snapshot"] == s).to_numpy()
                point[m] = self._point(frame[m], self._fit_core(frame[~m]))[0]
        else:
            point = self._point(frame, self.weights_)[0]
        actual = frame["booked_actual"].to_numpy(float)
        ok = np.isfinite(point) & (point > 0)
        rel = actual[ok] / point[ok] - 1
        level = frame["entity_type"].astype(str).to_numpy()[ok]
        self.residuals_ = {lv: rel[level == lv] for lv in np.unique(level)}
        self.residuals_["all"] = rel
        return self

    def _basis(self, view: str, w, position: str, lang: str = "en") -> str:
        """Which views, which weights, learned on how many past periods, in ``lang``."""
        if view == "none" or w is None:
            return message("pkg.forecast.basis.none", lang)
        if not self.n_snapshots_:
            return message({"both": "pkg.forecast.basis.equal", "pipeline": "pkg.forecast.basis.pipeline_only",
                            "run_rate": "pkg.forecast.basis.run_rate_only"}[view], lang)
        where = message("pkg.forecast.basis.where", lang, position=_position_text(position, lang)) if position else ""
        learned = message("pkg.forecast.basis.learned", lang, n=self.n_snapshots_, where=where)
        weight = [format_value(x, "", 2, lang=lang) for x in w]
        if view == "both":
            return message("pkg.forecast.basis.both", lang, w_pipeline=weight[0], w_run_rate=weight[1],
                           learned=learned)
        key = "pkg.forecast.basis.pipeline_weighted" if view == "pipeline" else "pkg.forecast.basis.run_rate_weighted"
        return message(key, lang, w=weight[0], learned=learned)

    def _require_fitted(self):
        if not hasattr(self, "weights_"):
            raise NotFittedError("This HeadlineModel instance is not fitted yet; call fit(backtest) first.")

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The headline for each row of ``frame``.

        ``frame`` holds the live views, with the columns of :meth:`fit` except
        ``booked_actual`` and ``snapshot``; ``expected_pipeline`` / ``expected_run_rate``
        split the pipeline's part into open deals and deals not created yet, and
        ``target`` gives ``headline_p_reach_target``.

        Returns
        -------
        DataFrame
            ``frame`` with :data:`HEADLINE_COLUMNS`: the point, its nested 80 % / 95 %
            intervals (each holding the point, never below what is booked), its components
            (``from_booked + from_open_deals + from_new_deals + from_run_rate = headline``:
            the pipeline's expected wins of open deals and of deals not created yet, times
            the pipeline weight, and the run-rate view's bookings still to come, times its
            weight), the weights used and ``headline_basis`` (which views, which weights,
            learned on how many past periods; ``headline_basis_zh`` in Chinese).
        """
        self._require_fitted()
        out = frame.copy()
        point, used = self._point(out, self.weights_)
        view = _view_of(out)
        level = out["entity_type"].astype(str).to_numpy() if "entity_type" in out else np.full(len(out), "all")
        booked = out["booked_to_date"].fillna(0.0).to_numpy(float)
        cols = {c: np.full(len(out), np.nan) for c in HEADLINE_COLUMNS
                if c not in ("headline", "headline_basis", "headline_basis_zh")}
        basis, basis_zh = [], []
        for i in range(len(out)):
            w = used[i]
            if w is not None:
                cols["w_pipeline"][i] = w[0] if view[i] in ("both", "pipeline") else 0.0
                cols["w_run_rate"][i] = w[-1] if view[i] in ("both", "run_rate") else 0.0
            r = self.residuals_.get(level[i])
            if r is None or len(r) < _MIN_ROWS:
                r = self.residuals_.get("all", np.array([]))
            if np.isfinite(point[i]) and len(r) >= 2:
                for lv, alpha in ((80, 0.2), (95, 0.05)):
                    lo, hi = _conformal(r, alpha)
                    cols[f"headline-lo-{lv}"][i] = point[i] * (1 + lo)
                    cols[f"headline-hi-{lv}"][i] = point[i] * (1 + hi)
                if "target" in out and pd.notna(out["target"].iloc[i]):
                    cols["headline_p_reach_target"][i] = float(np.mean(point[i] * (1 + r) >= out["target"].iloc[i]))
            position = out["position"].iloc[i] if "position" in out else ""
            basis.append(self._basis(view[i], w, position))
            basis_zh.append(self._basis(view[i], w, position, "zh"))
        # nested intervals that hold the point and never go below what is already booked
        lo80, hi80 = np.fmin(cols["headline-lo-80"], point), np.fmax(cols["headline-hi-80"], point)
        lo95, hi95 = np.fmin(cols["headline-lo-95"], lo80), np.fmax(cols["headline-hi-95"], hi80)
        cols["headline-lo-80"], cols["headline-lo-95"] = np.fmax(lo80, booked), np.fmax(lo95, booked)
        cols["headline-hi-80"], cols["headline-hi-95"] = hi80, hi95
        rests = _rests(out)
        w_p = np.nan_to_num(cols["w_pipeline"])
        from_pipe = np.where(view == "run_rate", 0.0, w_p * rests["pipeline_rest"].fillna(0.0).to_numpy())
        if {"expected_pipeline", "expected_run_rate"} <= set(out.columns):
            open_, new = out["expected_pipeline"].to_numpy(float), out["expected_run_rate"].to_numpy(float)
            total = open_ + new
            share = np.divide(open_, total, out=np.zeros(len(out)), where=np.isfinite(total) & (total > 0))
        else:
            share = np.zeros(len(out))
        ok = np.isfinite(point)
        cols["from_booked"] = np.where(ok, booked, np.nan)
        cols["from_open_deals"] = np.where(ok, from_pipe * share, np.nan)
        cols["from_new_deals"] = np.where(ok, from_pipe * (1 - share), np.nan)
        cols["from_run_rate"] = point - booked - from_pipe
        out["headline"] = point
        for c in HEADLINE_COLUMNS[1:-2]:
            out[c] = cols[c]
        out["headline_basis"], out["headline_basis_zh"] = basis, basis_zh
        return out


def _amount(value: float) -> str:
    """``1.2 M``, ``345,600``: short for big amounts."""
    if pd.isna(value):
        return "–"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.1f} M"
    return f"{value:,.0f}"


def explain_views(pipeline: float, run_rate: float, open_deals: pd.DataFrame | None = None, *,
                  history: pd.Series | None = None, unit: str = "month", stages=(), tolerance: float = 0.15,
                  lang: str = "en") -> str:
    """One sentence on why the pipeline and run-rate views differ (or that they agree).

    Parameters
    ----------
    pipeline, run_rate : float
        The two views of the period's bookings.
    open_deals : DataFrame, optional
        The entity's scored open deals (``stage``, ``amount``, ``expected_bookings``).
    history : Series, optional
        The entity's past bookings per period (for "from the last 12 months").
    unit : str
        "month" or "quarter".
    stages : sequence of str
        Open stages in funnel order: the most advanced stage holding deals is named.
    tolerance : float
        Views within this share of each other "agree".
    lang : {"en", "zh"}
        Language of the sentence (the amounts are written alike in both).

    Examples
    --------
    >>> deals = pd.DataFrame({"stage": ["Negotiation", "Negotiation", "Demo"], "amount": [600e3, 600e3, 100e3],
    ...                       "expected_bookings": [300e3, 250e3, 10e3]})
    >>> explain_views(588_900, 293_880, deals, history=pd.Series([290e3] * 12), stages=["Demo", "Negotiation"])
    'The pipeline expects 588,900 because 3 open deals worth 1.3 M are in play, 2 of them (1.2 M) in Negotiation; the run-rate expects 293,880 from the last 12 months (average 290,000 a month).'
    >>> explain_views(200_000, 293_880, deals, stages=["Demo", "Negotiation"])
    'The pipeline expects 200,000 only: its 3 open deals worth 1.3 M include 2 (1.2 M) in Negotiation; the run-rate expects 293,880.'
    >>> explain_views(100, 105)
    'The pipeline (100) and run-rate (105) views agree within 15%.'
    >>> explain_views(200_000, 293_880, deals, stages=["Demo", "Negotiation"], lang="zh")
    '管道视角预计 200,000：只有 3 笔在途商机（共 1.3 M），其中 2 笔（1.2 M）处于 Negotiation 阶段；趋势视角预计 293,880。'
    """
    if pd.isna(pipeline) or pd.isna(run_rate):
        return message("pkg.forecast.why.no_pipeline" if pd.isna(pipeline) else "pkg.forecast.why.no_run_rate", lang)
    if abs(pipeline - run_rate) <= tolerance * max(abs(pipeline), abs(run_rate), 1e-9):
        return message("pkg.forecast.why.agree", lang, pipeline=_amount(pipeline), run_rate=_amount(run_rate),
                       tolerance=format_value(tolerance, "share", 0, lang=lang))
    why = ""
    lower = pipeline < run_rate
    if open_deals is not None and len(open_deals):
        n, worth = len(open_deals), float(open_deals["amount"].sum())
        deals_text = message("pkg.forecast.why.deals_one" if n == 1 else "pkg.forecast.why.deals_many", lang, n=n,
                             worth=_amount(worth))
        present = open_deals["stage"].astype(str)
        ranked = [s for s in reversed(list(stages)) if (present == s).any()]
        late = None
        if ranked:
            top = open_deals[present == ranked[0]]
            late = {"n": len(top), "worth": _amount(top["amount"].sum()), "stage": ranked[0]}
        if lower:
            late_text = message("pkg.forecast.why.late", lang, **late) if late else \
                message("pkg.forecast.why.few_late", lang)
            why = message("pkg.forecast.why.lower", lang, deals=deals_text, late=late_text)
        else:
            why = message("pkg.forecast.why.higher_one" if n == 1 else "pkg.forecast.why.higher_many", lang,
                          deals=deals_text)
            if late:
                why += message("pkg.forecast.why.higher_late", lang,
                               late=message("pkg.forecast.why.late_of_them", lang, **late))
    elif open_deals is not None:
        why = message("pkg.forecast.why.no_deals", lang)
    rr = ""
    if history is not None and len(history):
        k = min(len(history), 12 if unit == "month" else 4)
        rr = message("pkg.forecast.why.run_rate_from", lang, k=k,
                     unit=message(f"pkg.forecast.why.unit.{unit}{'s' if k != 1 else ''}", lang),
                     average=_amount(float(history.iloc[-k:].mean())),
                     per=message(f"pkg.forecast.why.unit.{unit}", lang))
    return message("pkg.forecast.why.sentence", lang, pipeline=_amount(pipeline), why=why, run_rate=_amount(run_rate),
                   rr=rr)
