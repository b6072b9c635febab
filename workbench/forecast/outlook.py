"""The headline forecast of the next period, live: backtest, win model, simulation, run-rate, combined.

:func:`forecast_headline` is what the ``workbench forecast`` command and the forecast
outlook app lead with. It backtests the pipeline forecast at past snapshots
(:func:`~workbench.forecast.backtest_pipeline`), scores today's open deals, simulates the
next period with the shared shock calibrated there, takes the time-series (run-rate)
forecast of the same period and combines the two views with the weights the backtest
learned (:class:`~workbench.forecast.HeadlineModel`). Every part that cannot be computed
(too little history for the win model, for a backtest) is left out with a note saying
why, and the headline rests on what remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.errors import DataError
from workbench.forecast.headline import HeadlineModel, explain_views, period_position
from workbench.forecast.pipeline_backtest import backtest_with_run_rate
from workbench.forecast.simulation import simulate_pipeline
from workbench.io.load import as_sales_data
from workbench.memo import remember
from workbench.messages import message
from workbench.params import check_by, check_param
from workbench.periods import normalize_freq, parse_period, period_label

if TYPE_CHECKING:
    from workbench.forecast.win import WinModel

__all__ = ["HeadlineForecast", "forecast_headline", "DEFAULT_SNAPSHOTS", "HEADLINE_TABLE_COLUMNS"]

#: Past periods the headline's weights and intervals are learned on (fewer when the history is shorter).
DEFAULT_SNAPSHOTS = 12
#: Columns of :attr:`HeadlineForecast.table`.
HEADLINE_TABLE_COLUMNS = [
    "entity_type", "entity_id", "period", "headline", "headline-lo-80", "headline-hi-80", "headline-lo-95",
    "headline-hi-95", "from_booked", "from_open_deals", "from_new_deals", "from_run_rate", "pipeline_p10", "pipeline_p50",
    "pipeline_p90", "run_rate", "run_rate_lo_80", "run_rate_hi_80", "w_pipeline", "w_run_rate", "target",
    "headline_p_reach_target", "booked_to_date", "expected_pipeline", "expected_run_rate", "open_deals", "why",
    "why_zh", "headline_basis", "headline_basis_zh",
]


@dataclass(frozen=True)
class HeadlineForecast:
    """Result of :func:`forecast_headline`.

    Attributes
    ----------
    table : DataFrame
        One row per entity of the level asked for, the next period: the headline with
        its 80 % / 95 % intervals and components, both views, the weights, the target,
        the chance of reaching it, and ``why`` (one sentence on why the views differ;
        ``why_zh`` and ``headline_basis_zh`` in Chinese).
    period : str
        The period forecast, e.g. ``"2026-11"``.
    backtest : DataFrame or None
        :func:`backtest_pipeline`'s table (None when it could not run).
    odds : DataFrame or None
        :func:`simulate_pipeline` for every level with the calibrated shock (None when the
        pipeline could not be simulated).
    deals : DataFrame or None
        Today's open deals scored by the win model.
    win_model : WinModel or None
    model : HeadlineModel or None
        The fitted weights (None without a backtest: equal weights then).
    notes : list of str
        Plain sentences: what was left out and why, the win model's own notes.
    notes_zh : list of str
        The same sentences in Chinese, in the same order.
    """

    table: pd.DataFrame
    period: str
    backtest: pd.DataFrame | None = None
    odds: pd.DataFrame | None = None
    deals: pd.DataFrame | None = None
    win_model: WinModel | None = None
    model: HeadlineModel | None = None
    notes: list = field(default_factory=list)
    notes_zh: list = field(default_factory=list)


class _Notes:
    """The headline's notes in English and Chinese, side by side, each said once."""

    def __init__(self):
        self.en, self.zh = [], []

    def add(self, en: str, zh: str) -> None:
        if en not in self.en:
            self.en.append(en)
            self.zh.append(zh)

    def say(self, key: str, **fields) -> None:
        """The catalogue's sentence ``key``; a reason from an error is kept as it was raised."""
        self.add(message(key, "en", **fields), message(key, "zh", **fields))

    def extend(self, en, zh=None) -> None:
        """Sentences written elsewhere, with their Chinese (the English again when there is none)."""
        en = list(en)
        zh = list(zh) if zh is not None and len(zh) == len(en) else en
        for e, z in zip(en, zh):
            self.add(e, z)


def _history_of(data, by: str, freq: str) -> pd.DataFrame:
    from workbench.forecast.series import sales_series

    return sales_series(data, by=by, freq=freq)


def _members(reps: pd.DataFrame, by: str, entity: str) -> set:
    if by == "company":
        return set(reps["rep_id"].astype(str))
    column = "rep_id" if by == "rep" else by
    return set(reps.loc[reps[column].astype(str) == entity, "rep_id"].astype(str))


def forecast_headline(data, freq: str = "M", by: str = "team", *, snapshots: int = DEFAULT_SNAPSHOTS,
                      n_sims: int = 2000, seed: int = 0, run_rate=None, backtest: pd.DataFrame | None = None,
                      win_model: WinModel | None = None, deals: pd.DataFrame | None = None,
                      pipeline: bool = True, progress: bool = False) -> HeadlineForecast:
    """One forecast per entity for the next period: booked + open pipeline + run-rate, combined.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
    freq : {"M", "Q"}
    by : {"rep", "team", "region", "company"}
    snapshots : int
        Past periods to backtest on (at most; fewer run when the history is short).
    n_sims, seed : int
        Monte Carlo simulations and the seed.
    run_rate : EntityForecast, optional
        The time-series forecast already made (:func:`forecast_entities` at this level and
        frequency; its first period is used), so the headline's run-rate view is the one
        shown next to it. Default: the backtest's one-period-ahead forecast.
    backtest : DataFrame, optional
        A :func:`backtest_pipeline` table already computed for ``by`` and ``freq``.
    win_model, deals : optional
        A fitted :class:`WinModel` and the open deals it scored, when already computed.
    pipeline : bool
        False leaves the pipeline view out (when the caller already knows the win model
        cannot be fitted); the headline then rests on the run-rate.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    HeadlineForecast

    Raises
    ------
    DataError
        Only when neither view can be computed (no bookings history at all).
    """
    check_param("forecast_headline", "freq", freq, "'M' or 'Q'", normalize_freq(freq) in ("M", "Q"))
    (by,) = check_by("forecast_headline", by)
    freq = normalize_freq(freq)
    data = as_sales_data(data, caller="forecast_headline")
    if run_rate is None and backtest is None and win_model is None and deals is None:
        # made from the data alone: the same data and arguments give the same forecast (workbench.memo)
        return remember(_forecast_headline, data, freq=freq, by=by, snapshots=snapshots, n_sims=n_sims, seed=seed,
                        run_rate=None, backtest=None, win_model=None, deals=None, pipeline=pipeline,
                        unkeyed={"progress": progress})
    return _forecast_headline(data, freq=freq, by=by, snapshots=snapshots, n_sims=n_sims, seed=seed,
                              run_rate=run_rate, backtest=backtest, win_model=win_model, deals=deals,
                              pipeline=pipeline, progress=progress)


def _forecast_headline(data, *, freq, by, snapshots, n_sims, seed, run_rate, backtest, win_model, deals, pipeline,
                       progress) -> HeadlineForecast:
    notes = _Notes()
    live_ts = None
    if backtest is None:
        try:
            backtest, live_ts = backtest_with_run_rate(data, freq=freq, snapshots=snapshots, by=by, n_sims=n_sims,
                                                       seed=seed, progress=progress)
        except (DataError, ValueError) as err:
            notes.say("pkg.forecast.notes.no_backtest", reason=str(err).removeprefix("backtest_pipeline: "))
            backtest = None
    if backtest is not None:
        notes.extend(backtest.attrs.get("notes", []), backtest.attrs.get("notes_zh"))
    fc = run_rate.forecast if run_rate is not None else (live_ts.forecast if live_ts is not None else None)
    if fc is None:
        from workbench.forecast.workflow import forecast_entities

        fc = forecast_entities(data, by=by, freq=freq, h=1).forecast
    if fc.empty:
        raise DataError("forecast_headline: no bookings history to forecast.", file="opportunities")
    start = pd.Timestamp(fc["period"].min())
    period = period_label(start, freq)
    fc = fc[(fc["period"] == start) & (fc["entity_type"] == by)]
    # the pipeline view, today
    odds = None
    try:
        if not pipeline:
            raise DataError(message("pkg.forecast.notes.left_out", "en"))
        if deals is None:
            if win_model is None:
                from workbench.forecast.win import WinModel  # scikit-learn: only when fitting

                win_model = WinModel(freq=freq).fit(data)
            deals = win_model.predict(data)
        if win_model is not None:
            notes.extend(getattr(win_model, "notes_", []), getattr(win_model, "notes_zh_", None))
        elif "win_notes" in deals.attrs:  # kept scored deals (workbench.forecast.win.kept) carry the model's notes
            notes.extend(deals.attrs["win_notes"], deals.attrs.get("win_notes_zh"))
        shock = backtest.attrs.get("shock_sd", 0.0) if backtest is not None else 0.0
        if backtest is None or "shock_sd" not in backtest.attrs:
            notes.say("pkg.forecast.notes.independent")
        odds = simulate_pipeline(deals, data, period, n_sims=n_sims, seed=seed, shock_sd=shock)
    except (DataError, ValueError) as err:
        left_out = str(err) == message("pkg.forecast.notes.left_out", "en")
        notes.add(message("pkg.forecast.notes.no_pipeline", "en", reason=err),
                  message("pkg.forecast.notes.no_pipeline", "zh",
                          reason=message("pkg.forecast.notes.left_out", "zh") if left_out else err))
        deals = None
    reps = data.reps
    entities = (fc["entity_id"].astype(str).tolist() if len(fc) else
                sorted(odds.loc[odds["entity_type"] == by, "entity_id"].astype(str)) if odds is not None else [])
    live = pd.DataFrame({"entity_type": by, "entity_id": entities, "period": start,
                         "position": period_position(start, freq)})
    ts = fc.set_index(fc["entity_id"].astype(str))
    for src, dst in (("forecast", "run_rate"), ("forecast-lo-80", "run_rate_lo_80"),
                     ("forecast-hi-80", "run_rate_hi_80")):
        live[dst] = live["entity_id"].map(ts[src]) if src in ts else np.nan
    if odds is not None:
        o = odds[odds["entity_type"] == by]
        o = o.set_index(o["entity_id"].astype(str))
        for src, dst in (("booked_to_date", "booked_to_date"), ("expected_pipeline", "expected_pipeline"),
                         ("expected_run_rate", "expected_run_rate"), ("mean", "pipeline_mean"),
                         ("p10", "pipeline_p10"), ("p50", "pipeline_p50"), ("p90", "pipeline_p90"),
                         ("target", "target")):
            live[dst] = live["entity_id"].map(o[src])
        p = parse_period(period)
        as_of = min(max(pd.Timestamp(deals.attrs.get("as_of", p.start)), p.start), p.end)
        live["share_ahead"] = float((p.end - as_of) / (p.end - p.start))
    else:
        for col in ("booked_to_date", "expected_pipeline", "expected_run_rate", "pipeline_mean", "pipeline_p10",
                    "pipeline_p50", "pipeline_p90", "target"):
            live[col] = np.nan
        live["booked_to_date"] = 0.0
        live["share_ahead"] = 1.0
    model = None
    if backtest is not None and backtest["snapshot"].nunique() >= 2:
        model = HeadlineModel().fit(backtest)
    else:
        notes.say("pkg.forecast.notes.equal_weights")
        model = HeadlineModel()
        model.weights_, model.residuals_, model.n_snapshots_ = {}, {}, 0
    table = model.predict(live)
    if model.n_snapshots_ == 0:  # no past errors: the wider of the two views' own ranges
        lo = table[["pipeline_p10", "run_rate_lo_80"]].min(axis=1)
        hi = table[["pipeline_p90", "run_rate_hi_80"]].max(axis=1)
        table["headline-lo-80"] = np.fmin(lo, table["headline"])
        table["headline-hi-80"] = np.fmax(hi, table["headline"])
    history = _history_of(data, by, freq) if len(table) else pd.DataFrame(columns=["unique_id", "y"])
    stages = list(data.stages)
    unit = "month" if freq == "M" else "quarter"
    whys, whys_zh, counts = [], [], []
    for _, row in table.iterrows():
        mine = None
        if deals is not None:
            mine = deals[deals["rep_id"].astype(str).isin(_members(reps, by, str(row["entity_id"])))]
        counts.append(len(mine) if mine is not None else np.nan)
        hist = history.loc[history["unique_id"] == f"{by}:{row['entity_id']}", "y"]
        for lang, out in (("en", whys), ("zh", whys_zh)):
            out.append(explain_views(row["pipeline_p50"], row["run_rate"], mine, history=hist, unit=unit,
                                     stages=stages, lang=lang))
    table["open_deals"] = counts
    table["why"], table["why_zh"] = whys, whys_zh
    for col in HEADLINE_TABLE_COLUMNS:
        if col not in table.columns:
            table[col] = np.nan
    return HeadlineForecast(table=table[HEADLINE_TABLE_COLUMNS].reset_index(drop=True), period=period,
                            backtest=backtest, odds=odds, deals=deals, win_model=win_model, model=model,
                            notes=notes.en, notes_zh=notes.zh)
