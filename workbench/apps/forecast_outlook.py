"""The forecast outlook panel: "will we hit target?" for a rep, team, region or the company.

For the entity picked, it leads with the headline forecast of the next period
(:func:`~workbench.forecast.forecast_headline`): booked so far + open deals + deals not
created yet, combining the pipeline and run-rate views with weights learned on past
periods, its 80% range, the chance of reaching the target, and one sentence on why the
two views differ. Below, the run-rate view: the bookings forecast as a fan chart (history,
forecast, 80% / 95% intervals) with how accurate it was in its backtest. Then the
pipeline view for the next period: P10 / P50 / P90 bookings from a Monte Carlo of the open
deals (:class:`~workbench.forecast.WinModel`, :func:`~workbench.forecast.simulate_pipeline`,
with the period shock calibrated on past periods) and the entity's biggest open deals
with their win probability and its reasons.
"""

from __future__ import annotations

import time

import ipywidgets as widgets
import pandas as pd
import traitlets

from workbench.apps.common import ErrorBox, chart_widget, html_table
from workbench.charts.forecast import forecast_fan_chart
from workbench.errors import DataError
from workbench.forecast import WinModel, forecast_entities
from workbench.forecast.hierarchy import entity_uid
from workbench.forecast.outlook import DEFAULT_SNAPSHOTS, forecast_headline
from workbench.forecast.pipeline_backtest import backtest_pipeline
from workbench.markup import escape_html
from workbench.periods import period_label

__all__ = ["ForecastOutlook", "accuracy_html", "headline_html"]

_LEVELS = [("Rep", "rep"), ("Team", "team"), ("Region", "region"), ("Company", "company")]
_FREQS = [("Month", "M"), ("Quarter", "Q")]
_MAX_H = {"M": 6, "Q": 4}
_DEFAULT_H = {"M": 3, "Q": 2}
_UNIT = {"M": ("month", "months", "same month last year"), "Q": ("quarter", "quarters", "same quarter last year")}


def _money(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.0f}"


def _pct(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.0%}"


def accuracy_html(row: pd.Series | None, freq: str, h: int, n_cutoffs: int) -> str:
    """The backtest track record of one entity's forecast, in plain words.

    Parameters
    ----------
    row : Series or None
        A row of :attr:`EntityForecast.forecast` (its ``backtest_*`` columns), or None
        when the entity has no forecast.
    freq : {"M", "Q"}
    h : int
        Periods ahead the backtest forecast at each cutoff.
    n_cutoffs : int
        Backtest cutoffs that scored this entity.

    Examples
    --------
    >>> row = pd.Series({"backtest_accuracy": 0.82, "backtest_mase": 0.74, "backtest_coverage": 0.78})
    >>> text = accuracy_html(row, "M", 3, 3)
    >>> "82%" in text and "0.74" in text and "26% smaller" in text and "78%" in text
    True
    >>> short = pd.Series({"backtest_accuracy": 0.7, "backtest_mase": 0.9, "backtest_coverage": 1.0,
    ...                    "backtest_windows": 1, "backtest_note": "1 of 3 backtest windows: 10 points, 6 needed to train"})
    >>> "Re-run at 1 past cutoff, 3 months ahead each (1 of 3 backtest windows" in accuracy_html(short, "M", 3, 3)
    True
    """
    one, many, naive = _UNIT[freq]
    acc, mase, cov = (row.get(c) if row is not None else float("nan")
                      for c in ("backtest_accuracy", "backtest_mase", "backtest_coverage"))
    note = str(row.get("backtest_note") or "") if row is not None else ""
    windows = row.get("backtest_windows") if row is not None else None
    n_cutoffs = int(windows) if windows is not None and pd.notna(windows) else n_cutoffs
    head = '<div class="wb-accuracy"><b>How accurate is this forecast?</b><br>'
    if all(pd.isna(v) for v in (acc, mase, cov)):
        why = f" ({escape_html(note)})" if note else ""
        return head + ("No backtest yet: there is too little history to re-run this forecast on past "
                       f"{many} and compare it with what happened{why}.</div>")
    span = f"{h} {one if h == 1 else many}"
    lines = [f"Re-run at {n_cutoffs} past cutoff{'s' if n_cutoffs != 1 else ''}, {span} ahead each"
             + (f" ({escape_html(note)}):" if note else ":")]
    lines.append(f"CRM-style accuracy <b>{_pct(acc)}</b> (1 − |actual − forecast| / actual, averaged).")
    if pd.isna(mase):
        lines.append("MASE: not available (too little history before the backtest to scale the errors by).")
    else:
        change = abs(1 - mase)
        verdict = (f"errors {change:.0%} smaller than" if mase < 1 else
                   f"errors {change:.0%} larger than" if mase > 1 else "errors as large as")
        lines.append(f"MASE <b>{mase:.2f}</b>: {verdict} the typical in-sample error of the seasonal naive "
                     f"forecast ({naive}) over the history.")
    lines.append(f"80% interval coverage <b>{_pct(cov)}</b>: share of actuals inside the 80% band "
                 "(near 80% means the band can be trusted).")
    return head + "<br>".join(lines) + "</div>"


def _note_html(text: str) -> str:
    return f'<div class="wb-note" style="color:#5f4b00;background:#fff8e1;padding:6px 8px;border-radius:4px">' \
           f"{escape_html(text)}</div>"


def headline_html(row: pd.Series, label: str, period: str, notes=()) -> str:
    """The headline forecast of one entity, its parts and why the two views differ, in plain words.

    Parameters
    ----------
    row : Series
        A row of :attr:`HeadlineForecast.table`.
    label : str
        The entity as shown to the viewer.
    period : str
        The period label, e.g. ``"2026-11"``.
    notes : sequence of str
        Plain sentences to show under it (what was left out and why).

    Examples
    --------
    >>> row = pd.Series({"headline": 390_941.0, "headline-lo-80": 214_571.0, "headline-hi-80": 584_074.0,
    ...                  "from_booked": 0.0, "from_open_deals": 256_000.0, "from_new_deals": 760.0,
    ...                  "from_run_rate": 134_181.0,
    ...                  "target": 571_200.0, "headline_p_reach_target": 0.11,
    ...                  "why": "The pipeline expects 475,305 ...", "headline_basis": "pipeline x 0.54 + run-rate x 0.28"})
    >>> text = headline_html(row, "East 1", "2026-11")
    >>> "390,941" in text and "214,571" in text and "11%" in text and "571,200" in text
    True
    """
    if pd.isna(row.get("headline")):
        return '<div class="wb-headline">' + _note_html(f"No headline forecast for {label} in {period}.") + "</div>"
    parts = (f"booked so far {_money(row['from_booked'])} + open deals {_money(row['from_open_deals'])} "
             f"+ deals not created yet {_money(row['from_new_deals'])} + run-rate {_money(row['from_run_rate'])}")
    if pd.isna(row.get("target")):
        goal = f"No bookings target is set for {period}."
    elif pd.isna(row.get("headline_p_reach_target")):
        goal = f"Target {_money(row['target'])} (no chance given: no past periods to learn the spread from)."
    else:
        goal = (f"Target {_money(row['target'])}: chance of reaching it <b>{_pct(row['headline_p_reach_target'])}</b>.")
    lines = [
        f"<b>{escape_html(label)} · {escape_html(period)}: headline forecast <span class=\"wb-headline-value\">"
        f"{_money(row['headline'])}</span></b> (80% range {_money(row['headline-lo-80'])} – "
        f"{_money(row['headline-hi-80'])})",
        f"= {parts}. {goal}",
        escape_html(row.get("why", "")),
        f"<small>How it is combined: {escape_html(row.get('headline_basis', ''))}.</small>",
    ]
    notes_html = "".join(_note_html(n) for n in notes)
    return '<div class="wb-headline">' + "<br>".join(lines) + notes_html + "</div>"


class ForecastOutlook(widgets.VBox):
    """A manager's "will we hit target?" panel over a bookings forecast and the open pipeline.

    Parameters
    ----------
    data : SalesData
        Loaded data (see :func:`workbench.load`).
    by : {"rep", "team", "region", "company"}
        Entity level shown first. Team by default: a rep-level forecast of many reps takes
        seconds and is computed only when the viewer picks it.
    n_windows : int
        Backtest cutoffs behind the accuracy figures.
    n_sims : int
        Monte Carlo simulations of the pipeline.
    top_deals : int
        Open deals listed for the entity.
    snapshots : int
        Past periods the headline's weights and the pipeline's range are learned on.

    Notes
    -----
    The panel has no title of its own: the page or notebook around it gives one.
    Forecasts and headlines are computed once per (entity level, frequency, horizon); the
    pipeline backtest once per (entity level, frequency); the win model and the scored
    deals once per frequency. Changing the entity only re-draws. ``timings_`` records the
    seconds each computation took. When the pipeline cannot be modelled (too little
    closed history) the panel says so in a note and the headline rests on the run-rate.
    """

    by = traitlets.Unicode("team")
    entity = traitlets.Unicode(None, allow_none=True)
    freq = traitlets.Unicode("M")
    horizon = traitlets.Int(3)

    def __init__(self, data, by: str = "team", *, n_windows: int = 3, n_sims: int = 2000,
                 top_deals: int = 10, snapshots: int = DEFAULT_SNAPSHOTS, **kwargs):
        super().__init__(**kwargs)
        self.data = data
        self.n_windows = n_windows
        self.n_sims = n_sims
        self.top_deals = top_deals
        self.snapshots = snapshots
        self.timings_: dict[str, float] = {}
        self._forecasts: dict = {}
        self._win: dict = {}
        self._backtests: dict = {}
        self._headlines: dict = {}
        self._updating = False
        self.by_picker = widgets.Dropdown(options=_LEVELS, value=by, description="Level")
        self.entity_picker = widgets.Dropdown(options=[], description="Entity")
        self.freq_picker = widgets.Dropdown(options=_FREQS, value="M", description="Frequency")
        self.horizon_picker = widgets.Dropdown(options=self._horizons("M"), value=3, description="Horizon")
        self.by = by
        for picker, trait in [(self.by_picker, "by"), (self.entity_picker, "entity"),
                              (self.freq_picker, "freq"), (self.horizon_picker, "horizon")]:
            widgets.link((picker, "value"), (self, trait))
        self.error = ErrorBox()
        self.pipeline_error = ErrorBox()
        self.headline = widgets.HTML()
        self.status = widgets.HTML()
        self.accuracy = widgets.HTML(layout=widgets.Layout(width="360px", padding="0 0 0 12px"))
        self.fan = None
        self.chart_box = widgets.HBox([self.accuracy])
        self.odds_html = widgets.HTML()
        self.deals_html = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="360px"))
        self.observe(self._on_by, names=["by"])
        self.observe(self._on_freq, names=["freq"])
        self.observe(self._on_entity, names=["entity", "horizon"])
        self.children = [
            widgets.HBox([self.by_picker, self.entity_picker, self.freq_picker, self.horizon_picker]),
            self.error,
            self.headline,
            widgets.HTML("<h3>Run-rate view: the bookings forecast</h3>"),
            self.status,
            self.chart_box,
            widgets.HTML("<h3>Pipeline view of the next period</h3>"),
            self.pipeline_error,
            self.odds_html,
            self.deals_html,
        ]
        self._on_by()

    # ---------------------------------------------------------------- computations (cached)
    def forecast_for(self, by: str, freq: str, h: int):
        """The :class:`~workbench.forecast.EntityForecast` of an entity level (computed once)."""
        key = (by, freq, int(h))
        if key not in self._forecasts:
            started = time.perf_counter()
            self._forecasts[key] = forecast_entities(self.data, by=by, freq=freq, h=int(h),
                                                     n_windows=self.n_windows)
            self.timings_[f"forecast {by} {freq} h={h}"] = time.perf_counter() - started
        return self._forecasts[key]

    @property
    def entity_forecast(self):
        """The forecast shown now (entity level, frequency and horizon of the pickers)."""
        return self.forecast_for(self.by, self.freq, self.horizon)

    def win_model(self, freq: str) -> tuple[WinModel, pd.DataFrame]:
        """The fitted win model for ``freq`` and the open deals it scored (computed once)."""
        if freq not in self._win:
            started = time.perf_counter()
            model = WinModel(freq=freq).fit(self.data)
            self._win[freq] = (model, model.predict(self.data))
            self.timings_[f"win model {freq}"] = time.perf_counter() - started
        return self._win[freq]

    def pipeline_backtest(self, by: str, freq: str):
        """:func:`backtest_pipeline` for a level and frequency (computed once; None when it cannot run)."""
        key = (by, freq)
        if key not in self._backtests:
            started = time.perf_counter()
            try:
                self._backtests[key] = (backtest_pipeline(self.data, freq=freq, snapshots=self.snapshots, by=by,
                                                          n_sims=self.n_sims), None)
            except (DataError, ValueError) as err:
                self._backtests[key] = (None, f"No backtest of the pipeline: {str(err).removeprefix('backtest_pipeline: ')}")
            self.timings_[f"pipeline backtest {by} {freq}"] = time.perf_counter() - started
        return self._backtests[key]

    def headline_for(self, by: str, freq: str, h: int):
        """The :class:`~workbench.forecast.HeadlineForecast` of a level (computed once per horizon).

        Its run-rate view is the first period of :meth:`forecast_for`, the forecast drawn below."""
        key = (by, freq, int(h))
        if key not in self._headlines:
            ef = self.forecast_for(by, freq, h)
            backtest, problem = self.pipeline_backtest(by, freq)
            win = deals = None
            try:
                win, deals = self.win_model(freq)
            except (DataError, ValueError):
                pass  # forecast_headline says why in its notes
            started = time.perf_counter()
            hf = forecast_headline(self.data, freq=freq, by=by, run_rate=ef, n_sims=self.n_sims, seed=0,
                                   backtest=backtest if backtest is not None else _empty_backtest(),
                                   win_model=win, deals=deals)
            if problem:
                hf.notes.insert(0, problem)
            self._headlines[key] = hf
            self.timings_[f"headline {by} {freq} h={h}"] = time.perf_counter() - started
        return self._headlines[key]

    def pipeline_odds(self, freq: str, period: str) -> pd.DataFrame:
        """The pipeline simulation (every level) behind the headline of the current level."""
        hf = self.headline_for(self.by, freq, self.horizon)
        if hf.odds is None:
            why = next((n for n in hf.notes if n.startswith("No pipeline view: ")), "no win model for this data.")
            raise DataError(why.removeprefix("No pipeline view: "))
        return hf.odds

    def entity_deals(self, by: str, entity: str, freq: str) -> pd.DataFrame:
        """The entity's open deals, biggest expected bookings first."""
        deals = self.headline_for(by, freq, self.horizon).deals
        if deals is None:
            return pd.DataFrame(columns=["opportunity_id", "rep_id", "stage", "amount", "p_won", "p_won_in_period",
                                         "expected_bookings", "top_factors"])
        reps = self.data.reps
        if by == "company":
            mine = deals
        else:
            column = "rep_id" if by == "rep" else by
            members = set(reps.loc[reps[column].astype(str) == entity, "rep_id"].astype(str))
            mine = deals[deals["rep_id"].astype(str).isin(members)]
        return mine.sort_values("expected_bookings", ascending=False).head(self.top_deals)

    # ---------------------------------------------------------------- pickers
    @staticmethod
    def _horizons(freq: str):
        return list(range(1, _MAX_H[freq] + 1))

    def _entity_options(self, by: str):
        reps = self.data.reps
        if by == "company":
            return [("Company", "company")]
        if by == "rep":
            names = reps["name"].astype(str) if "name" in reps.columns else reps["rep_id"].astype(str)
            pairs = sorted(zip(reps["rep_id"].astype(str), names))
            return [(f"{rid} · {name}" if name != rid else rid, rid) for rid, name in pairs]
        return [(v, v) for v in sorted(reps[by].dropna().astype(str).unique())]

    def _on_by(self, change=None):
        try:
            options = self._entity_options(self.by)
            self._updating = True
            try:
                self.entity_picker.options = options
                self.entity_picker.value = options[0][1] if options else None
            finally:
                self._updating = False
        except Exception as exc:
            self.error.show(exc)
            return
        self._redraw()

    def _on_freq(self, change=None):
        self._updating = True
        try:
            self.horizon_picker.options = self._horizons(self.freq)
            self.horizon_picker.value = _DEFAULT_H[self.freq]
        finally:
            self._updating = False
        self._redraw()

    def _on_entity(self, change=None):
        if not self._updating:
            self._redraw()

    # ---------------------------------------------------------------- drawing
    def _redraw(self, change=None):
        self.error.clear()
        if not self.entity:
            self.status.value = "No entities at this level."
            return
        key = (self.by, self.freq, int(self.horizon))
        if key not in self._forecasts:
            self.status.value = (f'<span class="wb-computing">Computing the {self.by} forecast and its '
                                 "backtest… (once; later changes are instant)</span>")
        try:
            ef = self.entity_forecast
            self._draw_forecast(ef)
        except Exception as exc:  # shown to the viewer instead of a hidden traceback
            self.status.value = ""
            self.headline.value = ""
            self.error.show(exc)
            return
        self._draw_headline(ef)
        self._draw_pipeline(ef)

    def _draw_headline(self, ef):
        label = next((text for text, value in self.entity_picker.options if value == self.entity), self.entity)
        key = (self.by, self.freq, int(self.horizon))
        if key not in self._headlines:
            self.headline.value = ('<span class="wb-computing">Learning the headline from past periods… '
                                   "(once per level)</span>")
        try:
            if ef.forecast.empty:
                self.headline.value = ""
                return
            hf = self.headline_for(self.by, self.freq, self.horizon)
            rows = hf.table[hf.table["entity_id"].astype(str) == str(self.entity)]
            if rows.empty:
                self.headline.value = _note_html(f"No headline forecast for {label} in {hf.period}.")
                return
            self.headline.value = headline_html(rows.iloc[0], str(label), hf.period, hf.notes)
        except Exception as exc:  # the run-rate view below still stands
            self.headline.value = ""
            self.error.show(exc)

    def _draw_forecast(self, ef):
        uid = entity_uid(self.by, self.entity)
        rows = ef.forecast[ef.forecast["unique_id"] == uid]
        one, many, _ = _UNIT[self.freq]
        label = next((text for text, value in self.entity_picker.options if value == self.entity), self.entity)
        if rows.empty:
            self.status.value = f"No bookings history for {escape_html(label)}: nothing to forecast."
            self.accuracy.value = accuracy_html(None, self.freq, int(self.horizon), 0)
            return
        chart = forecast_fan_chart(ef.history, ef.forecast, uid, title=f"{label}: bookings forecast")
        if self.fan is None:
            self.fan = chart_widget(chart)
            self.chart_box.children = [self.fan, self.accuracy]
        else:
            self.fan.chart = chart
        cutoffs = ef.backtest.loc[ef.backtest["unique_id"] == uid, "cutoff"].nunique() if len(ef.backtest) else 0
        self.accuracy.value = accuracy_html(rows.iloc[0], self.freq, int(self.horizon), int(cutoffs))
        first = rows.iloc[0]
        note = f" · {escape_html(first['note'])}" if "note" in rows and pd.notna(first.get("note")) \
            and str(first.get("note")) else ""
        self.status.value = (f"<b>{escape_html(label)}</b> · {escape_html(period_label(first['period'], self.freq))}: forecast "
                             f"<b>{_money(first['forecast'])}</b> (80% range {_money(first['forecast-lo-80'])}"
                             f" – {_money(first['forecast-hi-80'])}) · {int(self.horizon)} "
                             f"{one if int(self.horizon) == 1 else many} ahead{note}")

    def _draw_pipeline(self, ef):
        self.pipeline_error.clear()
        try:
            if ef.forecast.empty:
                raise ValueError("No forecast periods: the data has no bookings history.")
            period = period_label(ef.forecast["period"].min(), self.freq)
            odds = self.pipeline_odds(self.freq, period)
            row = odds[(odds["entity_type"] == self.by) & (odds["entity_id"].astype(str) == self.entity)]
            if row.empty:
                raise ValueError(f"No pipeline simulation for {self.by} {self.entity!r} in {period}.")
            r = row.iloc[0]
            table = pd.DataFrame([{
                "Period": period, "Booked so far": _money(r["booked_to_date"]),
                "Expected from open deals": _money(r["expected_pipeline"]),
                "Expected from deals not created yet": _money(r["expected_run_rate"]),
                "P10": _money(r["p10"]), "P50": _money(r["p50"]), "P90": _money(r["p90"]),
                "Target": _money(r["target"]), "P(reach target), pipeline alone": _pct(r["p_reach_target"]),
            }])
            calibrated = "with a shared period shock calibrated on past periods" if odds.attrs.get("shock_sd") \
                else "treating deals as independent (no backtest to calibrate the range: it is too narrow)"
            self.odds_html.value = (
                f"<p>The open deals and the deals not created yet, simulated {calibrated}: bookings land "
                f"between <b>{_money(r['p10'])}</b> (P10) and <b>{_money(r['p90'])}</b> (P90) in 8 of 10 "
                f"outcomes; P50 {_money(r['p50'])}. The headline above weighs this view against the run-rate.</p>"
                + html_table(table, css_class="wb-odds", numeric=list(table.columns[1:]), index=False))
            deals = self.entity_deals(self.by, self.entity, self.freq)
            if deals.empty:
                self.deals_html.value = "<p>No open deals.</p>"
                return
            shown = pd.DataFrame({
                "Deal": deals["opportunity_id"].astype(str), "Rep": deals["rep_id"].astype(str),
                "Stage": deals["stage"].astype(str), "Amount": [_money(v) for v in deals["amount"]],
                "P(won)": [_pct(v) for v in deals["p_won"]],
                "P(won this period)": [_pct(v) for v in deals["p_won_in_period"]],
                "Expected": [_money(v) for v in deals["expected_bookings"]],
                "Why (top factors)": deals["top_factors"].astype(str),
            })
            self.deals_html.value = (f"<p><b>Top {len(shown)} open deals</b> by expected bookings this period</p>"
                                     + html_table(shown, css_class="wb-deals", numeric=list(shown.columns[3:-1]),
                                                  wrap=[shown.columns[-1]], index=False))
        except (DataError, ValueError) as exc:  # small or thin data: say so plainly, no error box
            self.odds_html.value = ""
            self.deals_html.value = ""
            self.pipeline_error.value = _note_html(f"No pipeline view: {exc}")
        except Exception as exc:
            self.odds_html.value = ""
            self.deals_html.value = ""
            self.pipeline_error.show(exc)


def _empty_backtest() -> pd.DataFrame:
    from workbench.forecast.pipeline_backtest import BACKTEST_COLUMNS

    return pd.DataFrame(columns=BACKTEST_COLUMNS)
