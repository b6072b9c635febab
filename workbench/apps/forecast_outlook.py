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
from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd
import traitlets

from workbench.apps.common import LANGS, ErrorBox, SelectionCache, chart_spec, chart_widget, html_table, show_chart
from workbench.charts.forecast import forecast_fan_chart
from workbench.errors import DataError
from workbench.forecast import forecast_entities
from workbench.forecast.hierarchy import entity_uid
from workbench.forecast.outlook import DEFAULT_SNAPSHOTS, forecast_headline
from workbench.forecast.pipeline_backtest import backtest_pipeline
from workbench.forecast.win.kept import fitted_win_model, scored_open_deals
from workbench.markup import escape_html
from workbench.memo import remember
from workbench.messages import message
from workbench.params import check_lang
from workbench.periods import period_label

if TYPE_CHECKING:
    from workbench.forecast.win import WinModel

__all__ = ["ForecastOutlook", "accuracy_html", "headline_html"]

_LEVELS = ("rep", "team", "region", "company")
_FREQS = ("M", "Q")
_MAX_H = {"M": 6, "Q": 4}
_DEFAULT_H = {"M": 3, "Q": 2}


def _money(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.0f}"


def _pct(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.0%}"


def accuracy_html(row: pd.Series | None, freq: str, h: int, n_cutoffs: int, lang: str = "en") -> str:
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
    lang : {"en", "zh"}
        Language of the text (its words come from :mod:`workbench.messages`).

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
    >>> "误差比季节性朴素预测（去年同月）在历史上的典型样本内误差小 26%" in accuracy_html(row, "M", 3, 3, lang="zh")
    True
    """
    check_lang("accuracy_html", lang)
    acc, mase, cov = (row.get(c) if row is not None else float("nan")
                      for c in ("backtest_accuracy", "backtest_mase", "backtest_coverage"))
    note = str(row.get("backtest_note") or "") if row is not None else ""
    windows = row.get("backtest_windows") if row is not None else None
    n_cutoffs = int(windows) if windows is not None and pd.notna(windows) else n_cutoffs
    head = f'<div class="wb-accuracy"><b>{escape_html(message("outlook.accuracy_head", lang))}</b><br>'
    if all(pd.isna(v) for v in (acc, mase, cov)):
        why = message("outlook.why", lang, note=escape_html(note)) if note else ""
        return head + message("outlook.no_backtest", lang, units=message(f"outlook.units.{freq}", lang), why=why) \
            + "</div>"
    span = _span(h, freq, lang)
    rerun = (message("outlook.rerun_one", lang, span=span) if n_cutoffs == 1
             else message("outlook.rerun", lang, n=n_cutoffs, span=span))
    lines = [message("outlook.rerun_note", lang, rerun=rerun, note=escape_html(note)) if note
             else message("outlook.rerun_plain", lang, rerun=rerun)]
    lines.append(message("outlook.crm_accuracy", lang, accuracy=_pct(acc)))
    if pd.isna(mase):
        lines.append(message("outlook.mase_missing", lang))
    else:
        key = "outlook.mase_smaller" if mase < 1 else "outlook.mase_larger" if mase > 1 else "outlook.mase_equal"
        lines.append(message(key, lang, mase=f"{mase:.2f}", change=_pct(abs(1 - mase)),
                             naive=message(f"outlook.naive.{freq}", lang)))
    lines.append(message("outlook.coverage", lang, coverage=_pct(cov)))
    return head + "<br>".join(lines) + "</div>"


def _span(h: int, freq: str, lang: str) -> str:
    """``3 months`` / ``1 quarter`` / ``3 个月``."""
    unit = message(f"outlook.unit.{freq}" if int(h) == 1 else f"outlook.units.{freq}", lang)
    return message("outlook.span", lang, h=int(h), unit=unit)


def _note_html(text: str) -> str:
    return f'<div class="wb-note" style="color:#5f4b00;background:#fff8e1;padding:6px 8px;border-radius:4px">' \
           f"{escape_html(text)}</div>"


def _sentence(row: pd.Series, column: str, lang: str) -> str:
    """The row's sentence ``column`` in ``lang`` (``<column>_zh`` in Chinese, when the row has it)."""
    text = row.get(f"{column}_zh") if lang == "zh" else None
    return str(text) if isinstance(text, str) and text else str(row.get(column, "") or "")


def headline_html(row: pd.Series, label: str, period: str, notes=(), lang: str = "en") -> str:
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
        Plain sentences to show under it (what was left out and why), in ``lang``.
    lang : {"en", "zh"}
        Language of the text: in Chinese the row's ``why_zh`` and ``headline_basis_zh``
        sentences are shown (the English ones when the row has none).

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
    >>> "总体预测" in headline_html(row, "East 1", "2026-11", lang="zh")
    True
    """
    check_lang("headline_html", lang)
    if pd.isna(row.get("headline")):
        return '<div class="wb-headline">' + _note_html(
            message("outlook.no_headline", lang, entity=label, period=period)) + "</div>"
    parts = message("outlook.parts", lang, booked=_money(row["from_booked"]), open_deals=_money(row["from_open_deals"]),
                    new_deals=_money(row["from_new_deals"]), run_rate=_money(row["from_run_rate"]))
    if pd.isna(row.get("target")):
        goal = message("outlook.no_target", lang, period=escape_html(period))
    elif pd.isna(row.get("headline_p_reach_target")):
        goal = message("outlook.target_no_chance", lang, target=_money(row["target"]))
    else:
        goal = message("outlook.target_chance", lang, target=_money(row["target"]),
                       chance=_pct(row["headline_p_reach_target"]))
    value = f'<span class="wb-headline-value">{_money(row["headline"])}</span>'
    lines = [
        "<b>" + message("outlook.headline", lang, entity=escape_html(label), period=escape_html(period), value=value)
        + "</b> " + message("outlook.range80", lang, low=_money(row["headline-lo-80"]), high=_money(row["headline-hi-80"])),
        message("outlook.sum", lang, parts=parts, goal=goal),
        escape_html(_sentence(row, "why", lang)),
        f"<small>{message('outlook.basis', lang, basis=escape_html(_sentence(row, 'headline_basis', lang)))}</small>",
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
    lang : {"en", "zh"}
        Label language (the panel has a language picker too).

    Attributes
    ----------
    by, entity, freq, horizon, lang : traitlets
        Linked to the pickers.

    Notes
    -----
    The panel has no title of its own: the page or notebook around it gives one.
    Forecasts and headlines are computed once per (entity level, frequency, horizon); the
    pipeline backtest once per (entity level, frequency); the win model and the scored
    deals once per frequency. Changing the entity or the language only re-draws. ``timings_`` records the
    seconds each computation took. When the pipeline cannot be modelled (too little
    closed history) the panel says so in a note and the headline rests on the run-rate.
    """

    by = traitlets.Unicode("team")
    entity = traitlets.Unicode(None, allow_none=True)
    freq = traitlets.Unicode("M")
    horizon = traitlets.Int(3)
    lang = traitlets.Unicode("en")

    def __init__(self, data, by: str = "team", *, n_windows: int = 3, n_sims: int = 2000,
                 top_deals: int = 10, snapshots: int = DEFAULT_SNAPSHOTS, lang: str = "en", **kwargs):
        super().__init__(**kwargs)
        check_lang("ForecastOutlook", lang)
        self.lang = lang
        self.data = data
        self.n_windows = n_windows
        self.n_sims = n_sims
        self.top_deals = top_deals
        self.snapshots = snapshots
        self.timings_: dict[str, float] = {}
        self._forecasts: dict = {}
        self._win: dict = {}
        self._deals: dict = {}
        self._backtests: dict = {}
        self._headlines: dict = {}
        self._updating = False
        self._relabelling = False  # pickers get new labels: their values come and go back, nothing to redraw
        self.by_picker = widgets.Dropdown(options=self._level_options(), value=by)
        self.entity_picker = widgets.Dropdown(options=[])
        self.freq_picker = widgets.Dropdown(options=self._freq_options(), value="M")
        self.horizon_picker = widgets.Dropdown(options=self._horizons("M"), value=3)
        self.lang_picker = widgets.Dropdown(options=LANGS, value=lang)
        self.by = by
        for picker, trait in [(self.by_picker, "by"), (self.entity_picker, "entity"),
                              (self.freq_picker, "freq"), (self.horizon_picker, "horizon"), (self.lang_picker, "lang")]:
            widgets.link((picker, "value"), (self, trait))
        self.error = ErrorBox()
        self.pipeline_error = ErrorBox()
        self.headline = widgets.HTML()
        self.status = widgets.HTML()
        self.accuracy = widgets.HTML(layout=widgets.Layout(width="360px", padding="0 0 0 12px"))
        self.fan = None
        self._fan_specs = SelectionCache()  # the fan chart's specification per level, entity, horizon, language
        self.chart_box = widgets.HBox([self.accuracy])
        self.odds_html = widgets.HTML()
        self.deals_html = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="360px"))
        self.run_rate_heading = widgets.HTML()
        self.pipeline_heading = widgets.HTML()
        self._label_pickers()
        self.observe(self._on_by, names=["by"])
        self.observe(self._on_freq, names=["freq"])
        self.observe(self._on_entity, names=["entity", "horizon"])
        self.observe(self._on_lang, names=["lang"])
        self.children = [
            widgets.HBox([self.by_picker, self.entity_picker, self.freq_picker, self.horizon_picker, self.lang_picker],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.error,
            self.headline,
            self.run_rate_heading,
            self.status,
            self.chart_box,
            self.pipeline_heading,
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
        """The fitted win model for ``freq`` and the open deals it scored (computed once, kept per dataset)."""
        if freq not in self._win:
            started = time.perf_counter()
            self._win[freq] = fitted_win_model(self.data, freq=freq)  # kept between sessions (workbench.memo)
            self.timings_[f"win model {freq}"] = time.perf_counter() - started
        return self._win[freq]

    def scored_deals(self, freq: str) -> pd.DataFrame:
        """Today's open deals scored by the win model for ``freq``, with its notes (computed once, kept per dataset).

        Read back from the results cache they need no scikit-learn: the headline is drawn from them."""
        if freq not in self._deals:
            started = time.perf_counter()
            self._deals[freq] = scored_open_deals(self.data, freq=freq)
            self.timings_[f"win model {freq}"] = time.perf_counter() - started
        return self._deals[freq]

    def pipeline_backtest(self, by: str, freq: str):
        """:func:`backtest_pipeline` for a level and frequency (computed once; None when it cannot run)."""
        key = (by, freq)
        if key not in self._backtests:
            started = time.perf_counter()
            try:
                self._backtests[key] = (backtest_pipeline(self.data, freq=freq, snapshots=self.snapshots, by=by,
                                                          n_sims=self.n_sims), None)
            except (DataError, ValueError) as err:  # why, in the package's words; the panel words the note
                self._backtests[key] = (None, str(err).removeprefix("backtest_pipeline: "))
            self.timings_[f"pipeline backtest {by} {freq}"] = time.perf_counter() - started
        return self._backtests[key]

    def headline_for(self, by: str, freq: str, h: int):
        """The :class:`~workbench.forecast.HeadlineForecast` of a level (computed once per horizon).

        Its run-rate view is the first period of :meth:`forecast_for`, the forecast drawn below."""
        key = (by, freq, int(h))
        if key not in self._headlines:
            started = time.perf_counter()
            # kept per dataset (workbench.memo): a later visit reads it back without fitting its weights again
            self._headlines[key] = remember(_panel_headline, self.data, by=by, freq=freq, h=int(h),
                                            n_windows=self.n_windows, n_sims=self.n_sims, snapshots=self.snapshots,
                                            unkeyed={"panel": self})
            self.timings_[f"headline {by} {freq} h={h}"] = time.perf_counter() - started
        return self._headlines[key]

    def pipeline_odds(self, freq: str, period: str) -> pd.DataFrame:
        """The pipeline simulation (every level) behind the headline of the current level."""
        hf = self.headline_for(self.by, freq, self.horizon)
        if hf.odds is None:
            at = next((i for i, n in enumerate(hf.notes) if n.startswith("No pipeline view: ")), None)
            if at is None:
                raise DataError(message("pkg.forecast.notes.left_out", self.lang))
            if self.lang == "zh" and len(hf.notes_zh) == len(hf.notes):
                raise DataError(hf.notes_zh[at].removeprefix(message("pkg.forecast.notes.no_pipeline", "zh", reason="")))
            raise DataError(hf.notes[at].removeprefix("No pipeline view: "))
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

    def _level_options(self) -> list[tuple[str, str]]:
        return [(message(f"app.{level}", self.lang), level) for level in _LEVELS]

    def _freq_options(self) -> list[tuple[str, str]]:
        return [(message(f"app.freq.{freq}", self.lang), freq) for freq in _FREQS]

    def _label_pickers(self) -> None:
        """Descriptions, choices and headings in the current language (the values stay)."""
        for picker, key in [(self.by_picker, "app.level"), (self.entity_picker, "app.entity"),
                            (self.freq_picker, "app.frequency"), (self.horizon_picker, "app.horizon"),
                            (self.lang_picker, "app.language")]:
            picker.description = message(key, self.lang)
        self._relabelling = True
        try:
            for picker, options in [(self.by_picker, self._level_options()), (self.freq_picker, self._freq_options())]:
                value = picker.value
                picker.options = options
                picker.value = value
            if self.by == "company" and self.entity_picker.options:
                entity = self.entity_picker.value
                self.entity_picker.options = self._entity_options("company")
                self.entity_picker.value = entity
        finally:
            self._relabelling = False
        self.run_rate_heading.value = f"<h3>{escape_html(message('outlook.run_rate_heading', self.lang))}</h3>"
        self.pipeline_heading.value = f"<h3>{escape_html(message('outlook.pipeline_heading', self.lang))}</h3>"

    def _entity_options(self, by: str):
        reps = self.data.reps
        if by == "company":
            return [(message("app.company", self.lang), "company")]
        if by == "rep":
            names = reps["name"].astype(str) if "name" in reps.columns else reps["rep_id"].astype(str)
            pairs = sorted(zip(reps["rep_id"].astype(str), names))
            return [(f"{rid} · {name}" if name != rid else rid, rid) for rid, name in pairs]
        return [(v, v) for v in sorted(reps[by].dropna().astype(str).unique())]

    def _on_by(self, change=None):
        if self._relabelling:
            return
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
        if self._relabelling:
            return
        self._updating = True
        try:
            self.horizon_picker.options = self._horizons(self.freq)
            self.horizon_picker.value = _DEFAULT_H[self.freq]
        finally:
            self._updating = False
        self._redraw()

    def _on_entity(self, change=None):
        if not self._updating and not self._relabelling:
            self._redraw()

    def _on_lang(self, change=None):
        """Relabel everything and re-draw from the cached forecasts (nothing is recomputed)."""
        self._label_pickers()
        self._redraw()

    def _t(self, key: str, **fields) -> str:
        """The word ``outlook.<key>`` in the panel's language."""
        return message(f"outlook.{key}", self.lang, **fields)

    # ---------------------------------------------------------------- drawing
    def _redraw(self, change=None):
        self.error.clear()
        if not self.entity:
            self.status.value = escape_html(self._t("no_entities"))
            return
        key = (self.by, self.freq, int(self.horizon))
        if key not in self._forecasts:
            level = message(f"chart.entity_type.{self.by}", self.lang)
            self.status.value = f'<span class="wb-computing">{escape_html(self._t("computing", level=level))}</span>'

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
            self.headline.value = f'<span class="wb-computing">{escape_html(self._t("learning"))}</span>'
        try:
            if ef.forecast.empty:
                self.headline.value = ""
                return
            hf = self.headline_for(self.by, self.freq, self.horizon)
            rows = hf.table[hf.table["entity_id"].astype(str) == str(self.entity)]
            if rows.empty:
                self.headline.value = _note_html(self._t("no_headline", entity=label, period=hf.period))
                return
            _, problem = self.pipeline_backtest(self.by, self.freq)
            notes = [self._t("no_pipeline_backtest", reason=problem)] if problem else []
            hf_notes = hf.notes_zh if self.lang == "zh" and len(hf.notes_zh) == len(hf.notes) else hf.notes
            self.headline.value = headline_html(rows.iloc[0], str(label), hf.period, [*notes, *hf_notes],
                                                lang=self.lang)
        except Exception as exc:  # the run-rate view below still stands
            self.headline.value = ""
            self.error.show(exc)

    def _draw_forecast(self, ef):
        uid = entity_uid(self.by, self.entity)
        rows = ef.forecast[ef.forecast["unique_id"] == uid]
        label = next((text for text, value in self.entity_picker.options if value == self.entity), self.entity)
        if rows.empty:
            self.status.value = escape_html(self._t("no_history", entity=label))
            self.accuracy.value = accuracy_html(None, self.freq, int(self.horizon), 0, lang=self.lang)
            return
        chart = self._fan_specs.get(
            (self.by, self.freq, int(self.horizon), uid, label, self.lang, id(ef.forecast)),
            lambda: chart_spec(forecast_fan_chart(ef.history, ef.forecast, uid,
                                                  title=self._t("fan_title", entity=label), lang=self.lang)))
        if self.fan is None:
            self.fan = chart_widget(chart)
            self.chart_box.children = [self.fan, self.accuracy]
        else:
            show_chart(self.fan, chart)
        cutoffs = ef.backtest.loc[ef.backtest["unique_id"] == uid, "cutoff"].nunique() if len(ef.backtest) else 0
        self.accuracy.value = accuracy_html(rows.iloc[0], self.freq, int(self.horizon), int(cutoffs), lang=self.lang)
        first = rows.iloc[0]
        text = _sentence(first, "note", self.lang) if "note" in rows and pd.notna(first.get("note")) else ""
        note = f" · {escape_html(text)}" if text else ""
        self.status.value = self._t(
            "status", entity=f"<b>{escape_html(label)}</b>", period=escape_html(period_label(first["period"], self.freq)),
            value=f"<b>{_money(first['forecast'])}</b>", low=_money(first["forecast-lo-80"]),
            high=_money(first["forecast-hi-80"]), span=_span(int(self.horizon), self.freq, self.lang), note=note)

    def _draw_pipeline(self, ef):
        self.pipeline_error.clear()
        try:
            if ef.forecast.empty:
                raise ValueError(self._t("no_forecast_periods"))
            period = period_label(ef.forecast["period"].min(), self.freq)
            odds = self.pipeline_odds(self.freq, period)
            row = odds[(odds["entity_type"] == self.by) & (odds["entity_id"].astype(str) == self.entity)]
            if row.empty:
                raise ValueError(self._t("no_simulation", level=message(f"chart.entity_type.{self.by}", self.lang),
                                         entity=repr(self.entity), period=period))
            r = row.iloc[0]
            t = self._t
            table = pd.DataFrame([{
                message("app.period", self.lang): period, t("booked"): _money(r["booked_to_date"]),
                t("expected_open"): _money(r["expected_pipeline"]),
                t("expected_new"): _money(r["expected_run_rate"]),
                "P10": _money(r["p10"]), "P50": _money(r["p50"]), "P90": _money(r["p90"]),
                t("target"): _money(r["target"]), t("p_reach"): _pct(r["p_reach_target"]),
            }])
            how = t("calibrated") if odds.attrs.get("shock_sd") else t("independent")
            self.odds_html.value = (
                "<p>" + t("odds", how=how, p10=_money(r["p10"]), p90=_money(r["p90"]), p50=_money(r["p50"])) + "</p>"
                + html_table(table, css_class="wb-odds", numeric=list(table.columns[1:]), index=False))
            deals = self.entity_deals(self.by, self.entity, self.freq)
            if deals.empty:
                self.deals_html.value = f"<p>{escape_html(t('no_open_deals'))}</p>"
                return
            shown = pd.DataFrame({
                t("deal"): deals["opportunity_id"].astype(str), message("app.rep", self.lang): deals["rep_id"].astype(str),
                t("stage"): deals["stage"].astype(str), t("amount"): [_money(v) for v in deals["amount"]],
                t("p_won"): [_pct(v) for v in deals["p_won"]],
                t("p_won_period"): [_pct(v) for v in deals["p_won_in_period"]],
                t("expected"): [_money(v) for v in deals["expected_bookings"]],
                t("why_factors"): deals["top_factors_zh" if self.lang == "zh" and "top_factors_zh" in deals
                                        else "top_factors"].astype(str),
            })
            self.deals_html.value = (f"<p>{t('top_deals', n=len(shown))}</p>"
                                     + html_table(shown, css_class="wb-deals", numeric=list(shown.columns[3:-1]),
                                                  wrap=[shown.columns[-1]], index=False))
        except (DataError, ValueError) as exc:  # small or thin data: say so plainly, no error box
            self.odds_html.value = ""
            self.deals_html.value = ""
            self.pipeline_error.value = _note_html(self._t("no_pipeline", reason=exc))
        except Exception as exc:
            self.odds_html.value = ""
            self.deals_html.value = ""
            self.pipeline_error.show(exc)


def _panel_headline(data, *, by: str, freq: str, h: int, n_windows: int, n_sims: int, snapshots: int,
                    panel: ForecastOutlook):
    """The panel's headline of a level (what :meth:`ForecastOutlook.headline_for` keeps): its run-rate
    view is the first period of the forecast drawn below it, its pipeline view the panel's backtest and
    the kept scored deals (``panel`` computes each once; the other arguments key the result)."""
    ef = panel.forecast_for(by, freq, h)
    backtest, _ = panel.pipeline_backtest(by, freq)
    deals = None
    try:
        deals = panel.scored_deals(freq)
    except (DataError, ValueError):
        pass  # forecast_headline says why in its notes
    return forecast_headline(data, freq=freq, by=by, run_rate=ef, n_sims=n_sims, seed=0,
                             backtest=backtest if backtest is not None else _empty_backtest(), deals=deals)


def _empty_backtest() -> pd.DataFrame:
    from workbench.forecast.pipeline_backtest import BACKTEST_COLUMNS

    return pd.DataFrame(columns=BACKTEST_COLUMNS)
