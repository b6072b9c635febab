"""The pipeline forecast, re-run at past snapshot dates and compared with what was booked.

At each snapshot :func:`backtest_pipeline` goes back to what the CRM showed then
(:func:`~workbench.forecast.data_as_of`), fits :class:`~workbench.forecast.WinModel` and runs
the Monte Carlo (:func:`~workbench.forecast.simulate_pipeline`) exactly as they would
have run, and sets the result against the bookings of the period and the time-series
(run-rate) forecast made at the same moment (the rolling-origin backtest of
:func:`~workbench.forecast.forecast_entities`, one period ahead).

Snapshots sit where the live forecast sits: the live forecast is made at the end of the
data for the next period, so each past snapshot is made the same time before (or into)
its period.

Honest spread. Deals are not independent: a good or bad month lifts or sinks a team's
deals together. The simulation gets a shared period-level shock per team
(``shock_sd``), calibrated conformally on the snapshots: for each snapshot and entity,
the smallest shock that puts the actual bookings inside P10-P90; the calibrated shock is
the (n + 1)-corrected 80 % quantile of those. The P10-P90 reported for each snapshot uses
the shock learned from the *other* snapshots, so the coverage shown is out of sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.commands.progress import Progress
from workbench.contract import ENTITY_TYPES
from workbench.errors import DataError
from workbench.forecast.as_of import data_as_of
from workbench.forecast.headline import HeadlineModel, period_position
from workbench.forecast.hierarchy import hierarchy_tags, summing_matrix
from workbench.forecast.simulation import entity_draws, pipeline_draws
from workbench.io.load import as_sales_data
from workbench.memo import remember
from workbench.messages import message
from workbench.params import check_by, check_param
from workbench.periods import normalize_freq, pandas_freq, period_label

__all__ = ["backtest_pipeline", "backtest_with_run_rate", "calibrate_shock", "pipeline_scores", "BACKTEST_COLUMNS"]

#: Columns of :func:`backtest_pipeline`'s result.
BACKTEST_COLUMNS = [
    "snapshot", "as_of", "period", "position", "entity_type", "entity_id", "booked_actual", "booked_to_date", "share_ahead",
    "expected_pipeline", "expected_run_rate", "pipeline_mean", "pipeline_p10", "pipeline_p50", "pipeline_p90",
    "pipeline_p10_independent", "pipeline_p90_independent", "run_rate", "run_rate_lo_80", "run_rate_hi_80",
    "headline", "headline-lo-80", "headline-hi-80", "headline-lo-95", "headline-hi-95", "note",
    "note_zh",
]
#: Shock standard deviations tried (log scale).
SHOCK_GRID = np.round(np.linspace(0.0, 2.0, 101), 3)
_MIN_SNAPSHOTS = 2
#: The tables the win model and the simulation read.
_NEEDED = ("reps", "opportunities", "stage_history", "activities", "targets")


def _shock_scores(actual: np.ndarray, draws_at) -> np.ndarray:
    """Per entity row: the smallest shock sd that puts ``actual`` inside P10-P90 (inf if none does).

    ``draws_at(sd)`` gives the simulated bookings (rows x simulations) with that shock.
    """
    scores = np.full(len(actual), np.inf)
    for sd in SHOCK_GRID:
        rows = draws_at(sd)
        lo, hi = np.percentile(rows, [10, 90], axis=1)
        inside = (actual >= lo) & (actual <= hi) & ~np.isfinite(scores)
        scores[inside] = sd
        if np.isfinite(scores).all():
            break
    return scores


def calibrate_shock(scores, coverage: float = 0.8) -> float:
    """The conformal shock: the ``ceil((n + 1) * coverage) / n`` quantile of per-row scores.

    >>> calibrate_shock([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    0.8
    >>> calibrate_shock([])
    0.0
    """
    s = np.asarray(scores, dtype=float)
    s = s[~np.isnan(s)]
    if not len(s):
        return 0.0
    level = min(1.0, np.ceil((len(s) + 1) * coverage) / len(s))
    value = float(np.quantile(s, level, method="higher"))
    return float(SHOCK_GRID[-1]) if not np.isfinite(value) else value


def pipeline_scores(backtest: pd.DataFrame) -> pd.DataFrame:
    """Coverage and P50 errors of a :func:`backtest_pipeline` table, per entity level.

    Returns
    -------
    DataFrame
        ``entity_type, snapshots, rows, pipeline_coverage`` (share of actuals inside the
        calibrated P10-P90), ``independent_coverage`` (inside P10-P90 with deals
        independent), ``headline_coverage`` (inside the headline's 80 % interval), and WAPE
        (sum of absolute errors / sum of actuals) and MAE of the ``pipeline`` P50, the
        ``run_rate`` forecast and the ``headline``, on the rows where all three exist.
    """
    rows = []
    for level, g in backtest.groupby("entity_type", sort=False):
        g = g[g["booked_actual"].notna()]
        both = g.dropna(subset=["pipeline_p50", "run_rate", "headline"])
        y = both["booked_actual"]
        row = {"entity_type": level, "snapshots": int(g["snapshot"].nunique()), "rows": len(both)}
        inside = lambda lo, hi, frame=g: float(((frame["booked_actual"] >= frame[lo]) &  # noqa: E731
                                                (frame["booked_actual"] <= frame[hi])).mean()) \
            if frame[lo].notna().any() else float("nan")
        row["pipeline_coverage"] = inside("pipeline_p10", "pipeline_p90")
        row["independent_coverage"] = inside("pipeline_p10_independent", "pipeline_p90_independent")
        row["headline_coverage"] = inside("headline-lo-80", "headline-hi-80")
        for name, col in (("pipeline", "pipeline_p50"), ("run_rate", "run_rate"), ("headline", "headline")):
            err = (both[col] - y).abs()
            row[f"{name}_wape"] = float(err.sum() / y.abs().sum()) if y.abs().sum() > 0 else float("nan")
            row[f"{name}_mae"] = float(err.mean()) if len(err) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def backtest_pipeline(data, freq: str = "M", snapshots: int = 6, by: str = "team", *, n_sims: int = 2000,
                      seed: int = 0, coverage: float = 0.8, shock_company_share: float = 0.5, models=None,
                      method: str = "combine", win_model_params: dict | None = None,
                      progress: bool = False) -> pd.DataFrame:
    """Re-run the pipeline forecast at past snapshots and compare with what was booked.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
    freq : {"M", "Q"}
        The period forecast at each snapshot.
    snapshots : int
        Past periods to re-forecast (the last complete ones), at least 2.
    by : {"rep", "team", "region", "company"}
        Entity level of the rows returned (the simulation runs for all levels).
    n_sims, seed : int
        Monte Carlo simulations per snapshot, and the seed.
    coverage : float
        Target coverage of P10-P90 when calibrating the shared shock (0.8).
    shock_company_share : float
        Share of the shock's variance common to all teams.
    models, method :
        The time-series forecaster's candidates and method (see :class:`Forecaster`).
    win_model_params : dict, optional
        Parameters of the :class:`WinModel` fitted at each snapshot.
    progress : bool
        Show a progress bar on stderr (one step per snapshot).

    Returns
    -------
    DataFrame
        One row per snapshot and entity, :data:`BACKTEST_COLUMNS`: ``snapshot`` (the
        period label), ``as_of`` (when the forecast is made), ``booked_actual``,
        ``booked_to_date`` and ``share_ahead`` at the snapshot, the simulation's expected
        parts and mean, the calibrated ``pipeline_p10/p50/p90`` (shock learned on the
        other snapshots) and the ``*_independent`` P10/P90 (no shock, as before), the
        time-series ``run_rate`` forecast with its 80 % interval, the ``headline`` with
        its intervals (weights learned on the other snapshots), and a ``note`` when the
        pipeline could not be run at a snapshot (with the reason). ``attrs`` hold
        ``shock_sd`` (calibrated on all snapshots), ``shock_company_share``, ``freq``,
        ``by``, ``offset`` (as-of time relative to the period start), ``notes`` and ``notes_zh``
        (the same sentences in Chinese); ``note_zh`` is the rows' ``note`` in Chinese.

    Raises
    ------
    DataError
        When there is no bookings history, or fewer than 2 snapshots could be run.
    """
    return backtest_with_run_rate(data, freq=freq, snapshots=snapshots, by=by, n_sims=n_sims, seed=seed,
                                  coverage=coverage, shock_company_share=shock_company_share, models=models,
                                  method=method, win_model_params=win_model_params, progress=progress)[0]


def backtest_with_run_rate(data, freq="M", snapshots=6, by="team", *, n_sims=2000, seed=0, coverage=0.8,
                           shock_company_share=0.5, models=None, method="combine", win_model_params=None,
                           progress=False):
    """:func:`backtest_pipeline`'s table and the run-rate :class:`EntityForecast` it used.

    The forecast's ``backtest`` holds the one-period-ahead run-rate forecasts made at the
    snapshots, its ``forecast`` the next period's (what the headline would use live).
    """
    check_param("backtest_pipeline", "freq", freq, "'M' or 'Q'", normalize_freq(freq) in ("M", "Q"))
    check_param("backtest_pipeline", "snapshots", snapshots, f"an integer >= {_MIN_SNAPSHOTS}",
                isinstance(snapshots, (int, np.integer)) and snapshots >= _MIN_SNAPSHOTS)
    (by,) = check_by("backtest_pipeline", by)
    data = as_sales_data(data, caller="backtest_pipeline")
    # The same data and arguments give the same backtest: it is kept between sessions (workbench.memo).
    return remember(_backtest_with_run_rate, data, freq=normalize_freq(freq), snapshots=int(snapshots), by=by,
                    n_sims=n_sims, seed=seed, coverage=coverage, shock_company_share=shock_company_share,
                    models=models, method=method, win_model_params=win_model_params,
                    unkeyed={"progress": progress})


def _backtest_with_run_rate(data, *, freq, snapshots, by, n_sims, seed, coverage, shock_company_share, models,
                            method, win_model_params, progress):
    from workbench.forecast.win import WinModel  # scikit-learn: only when the backtest runs
    from workbench.forecast.workflow import forecast_entities

    steps = [f"snapshot {k + 1} of {snapshots}" for k in range(snapshots)]
    bar = Progress("backtest_pipeline", ["run-rate backtest", *steps, "calibrating"], enabled=progress)
    with bar.stage("run-rate backtest"):
        windows = snapshots
        while True:  # fewer windows when the history is too short for all of them
            ef = forecast_entities(data, by=by, freq=freq, h=1, n_windows=windows, models=models, method=method)
            if len(ef.backtest) or windows <= _MIN_SNAPSHOTS or ef.forecast.empty:
                break
            windows = max(_MIN_SNAPSHOTS, windows // 2)
    if ef.forecast.empty:
        raise DataError("backtest_pipeline: no bookings history to forecast.", file="opportunities")
    opps = data.opportunities
    data_end = pd.concat([opps["created_at"], opps["closed_at"]]).max()
    live_start = pd.Timestamp(ef.forecast["period"].min())
    offset = data_end - live_start
    step = pd.tseries.frequencies.to_offset(pandas_freq(freq))
    starts = [live_start - step * k for k in range(snapshots, 0, -1)]
    tags = hierarchy_tags(data.reps, list(ENTITY_TYPES))
    S = summing_matrix(tags)
    rep_cols = [c.split(":", 1)[1] for c in S.columns]
    won = opps[(opps["outcome"] == "won") & opps["closed_at"].notna()]
    bt = ef.backtest
    run_cols = {"forecast": "run_rate", "forecast-lo-80": "run_rate_lo_80", "forecast-hi-80": "run_rate_hi_80"}
    sims, frames, failed = {}, [], []
    for k, start in enumerate(starts):
        end = start + step
        label = period_label(start, freq)
        t = start + offset
        with bar.stage(f"snapshot {k + 1} of {snapshots}"):
            got = won[(won["closed_at"] >= start) & (won["closed_at"] < end)]
            per_rep = got.groupby(got["rep_id"].astype(str))["amount"].sum().reindex(rep_cols).fillna(0.0)
            actual = pd.Series(S.to_numpy() @ per_rep.to_numpy(), index=S.index)
            frame = pd.DataFrame({"uid": S.index})
            parts = frame["uid"].str.split(":", n=1)
            frame = frame.assign(snapshot=label, as_of=t, period=start, position=period_position(start, freq),
                                 entity_type=parts.str[0],
                                 entity_id=parts.str[1], booked_actual=actual.to_numpy())
            frame = frame[frame["entity_type"] == by].reset_index(drop=True)
            rr = bt[bt["ds"] == start].set_index("unique_id") if len(bt) else pd.DataFrame()
            for src, dst in run_cols.items():
                frame[dst] = frame["uid"].map(rr[src]) if src in rr else np.nan
            frame["note"], frame["note_zh"] = "", ""
            try:
                then = data_as_of(data, t, tables=_NEEDED)
                model = WinModel(freq=freq, **(win_model_params or {})).fit(then)
                deals = model.predict(then, as_of=t, factors=False)  # reasons are not scored
                sim = pipeline_draws(deals, then, label, as_of=t, n_sims=n_sims, seed=seed)
            except (DataError, ValueError) as err:
                frame["note"] = message("pkg.forecast.backtest.not_run", "en", snapshot=label, reason=err)
                frame["note_zh"] = message("pkg.forecast.backtest.not_run", "zh", snapshot=label, reason=err)
                failed.append((label, str(err)))
                sim = None
            if sim is not None:
                uids = list(sim["S"].index)
                pos = [uids.index(u) for u in frame["uid"]]
                Sm = sim["S"].to_numpy()[pos]
                frame["booked_to_date"] = Sm @ sim["booked"]
                frame["expected_pipeline"] = Sm @ sim["pipe"]
                frame["expected_run_rate"] = Sm @ sim["run"]
                p = sim["period"]
                ahead = (p.end - min(max(pd.Timestamp(t), p.start), p.end)) / (p.end - p.start)
                frame["share_ahead"] = float(ahead)
                sims[label] = (sim, pos)
            frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    for col in BACKTEST_COLUMNS:
        if col not in table.columns:
            table[col] = np.nan if col not in ("note", "note_zh") else ""
    ran = [label for label in table["snapshot"].unique() if label in sims]
    notes, notes_zh = [], []
    if failed:  # one sentence for all of them; the rows' note column has each reason
        for lang, out in (("en", notes), ("zh", notes_zh)):
            where = failed[0][0] if len(failed) == 1 else \
                message("pkg.forecast.notes.where_range", lang, first=failed[0][0], last=failed[-1][0])
            out.append(message("pkg.forecast.notes.not_rerun", lang, failed=len(failed), snapshots=snapshots,
                               where=where, reason=failed[0][1]))
    if len(ran) < _MIN_SNAPSHOTS:
        raise DataError(f"backtest_pipeline: the pipeline forecast could be re-run at only {len(ran)} of {snapshots} "
                        f"past periods (at least {_MIN_SNAPSHOTS} needed)"
                        + (f"; the first reason: {failed[0][1]}" if failed else "."), file="opportunities")
    with bar.stage("calibrating"):
        # per snapshot, each entity's smallest shock that covers its actual bookings
        scores, draw_cache = {}, {}
        for label in ran:
            sim, pos = sims[label]
            m = (table["snapshot"] == label).to_numpy()
            actual = table.loc[m, "booked_actual"].to_numpy(float)

            def rows(sd, sim=sim, pos=pos):
                return entity_draws(sim, sd, shock_company_share, seed, rows=pos)

            draw_cache[label] = rows
            scores[label] = _shock_scores(actual, rows)
        for label in ran:
            m = (table["snapshot"] == label).to_numpy()
            others = np.concatenate([scores[o] for o in ran if o != label])
            sd = calibrate_shock(others, coverage)
            draws = draw_cache[label](sd)
            table.loc[m, ["pipeline_p10", "pipeline_p50", "pipeline_p90"]] = np.percentile(draws, [10, 50, 90], axis=1).T
            table.loc[m, "pipeline_mean"] = draws.mean(axis=1)
            independent = draw_cache[label](0.0)
            table.loc[m, ["pipeline_p10_independent", "pipeline_p90_independent"]] = \
                np.percentile(independent, [10, 90], axis=1).T
        shock_sd = calibrate_shock(np.concatenate([scores[o] for o in ran]), coverage)
        # the headline of each snapshot with weights learned on the others
        for label in table["snapshot"].unique():
            m = (table["snapshot"] == label).to_numpy()
            train = table[~m]
            if train["snapshot"].nunique() < _MIN_SNAPSHOTS:
                continue
            pred = HeadlineModel().fit(train).predict(table[m])
            for col in ("headline", "headline-lo-80", "headline-hi-80", "headline-lo-95", "headline-hi-95"):
                table.loc[m, col] = pred[col].to_numpy()
    out = table[BACKTEST_COLUMNS].copy()
    if windows < snapshots:
        for lang, out in (("en", notes), ("zh", notes_zh)):
            out.append(message("pkg.forecast.notes.run_rate_windows", lang, windows=windows, snapshots=snapshots))
    out.attrs.update(shock_sd=shock_sd, shock_company_share=float(shock_company_share), freq=freq, by=by,
                     offset=offset, notes=notes, notes_zh=notes_zh, coverage=coverage)
    return out, ef
