"""The KPI scorecard panel: pick an entity level, frequency and period; see every entity's KPIs."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import traitlets

from workbench.apps.common import LANGS, ErrorBox, SelectionCache, chart_spec, chart_widget, html_table, show_chart
from workbench.charts.kpi import kpi_bar_chart, kpi_trend_chart
from workbench.formatting import count_label
from workbench.kpi import compute_kpis
from workbench.kpi.registry import KPIS
from workbench.kpi.scorecard import SCORECARD_METRICS, format_value, scorecard, scorecard_periods
from workbench.markup import escape_html
from workbench.messages import message
from workbench.params import check_lang
from workbench.periods import parse_period, period_label

__all__ = ["KpiScorecard"]

_LEVELS = ("rep", "team", "region", "company")
_FREQS = ("M", "Q")


class KpiScorecard(widgets.VBox):
    """A scorecard of KPIs per rep, team, region or company, with a trend chart.

    Parameters
    ----------
    data : SalesData
        Loaded data (see :func:`workbench.load`).
    lang : {"en", "zh"}
        Label language (the panel has a language picker too).

    Attributes
    ----------
    by, freq, period, metric, lang : traitlets
        Linked to the pickers.

    Notes
    -----
    KPI tables are computed once per (entity level, frequency) and cached; changing the
    period, metric or language only re-draws, and a KPI change (the chart picker) redraws only
    the two charts, in place. Scorecards and chart specifications are kept for the last
    selections, so switching back shows them at once. The period list starts at the first period with a
    closed deal (see :func:`~workbench.kpi.scorecard.scorecard_periods`) and the trend
    chart covers the same periods. The panel has no title of its own: the page or
    notebook around it gives one.
    """

    by = traitlets.Unicode("rep")
    freq = traitlets.Unicode("M")
    period = traitlets.Unicode(None, allow_none=True)  # a period label: 2026-03, 2026-Q1
    metric = traitlets.Unicode("bookings")
    lang = traitlets.Unicode("en")

    def __init__(self, data, lang: str = "en", **kwargs):
        super().__init__(**kwargs)
        check_lang("KpiScorecard", lang)
        self.data = data
        self.lang = lang
        self._cache: dict[tuple[str, str], pd.DataFrame] = {}
        self._selections = SelectionCache()  # scorecards and chart specifications per selection
        self._relabelling = False  # pickers get new labels: their values come and go back, nothing to redraw
        self.by_picker = widgets.Dropdown(options=self._level_options(), value="rep")
        self.freq_picker = widgets.Dropdown(options=self._freq_options(), value="M")
        self.period_picker = widgets.Dropdown(options=[])
        self.metric_picker = widgets.Dropdown(options=self._metric_options(), value="bookings")
        self.lang_picker = widgets.Dropdown(options=LANGS, value=lang)
        for picker, trait in [
            (self.by_picker, "by"),
            (self.freq_picker, "freq"),
            (self.period_picker, "period"),
            (self.metric_picker, "metric"),
            (self.lang_picker, "lang"),
        ]:
            widgets.link((picker, "value"), (self, trait))
        self._label_pickers()
        self.error = ErrorBox()
        self.status = widgets.HTML()
        self.table = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="420px"))
        self.bar = None
        self.trend = None
        self.charts = widgets.VBox()
        self.observe(self._on_by, names=["by", "freq"])
        self.observe(self._redraw, names=["period", "metric"])
        self.observe(self._on_lang, names=["lang"])
        self.children = [
            widgets.HBox([self.by_picker, self.freq_picker, self.period_picker, self.metric_picker, self.lang_picker],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.error,
            self.status,
            self.table,
            self.charts,
        ]
        self._on_by()

    def _label(self, metric: str) -> str:
        return KPIS[metric].label(self.lang)

    # -- words ---------------------------------------------------------------------------
    def _level_options(self) -> list[tuple[str, str]]:
        return [(message(f"app.{level}", self.lang), level) for level in _LEVELS]

    def _freq_options(self) -> list[tuple[str, str]]:
        return [(message(f"app.freq.{freq}", self.lang), freq) for freq in _FREQS]

    def _metric_options(self) -> list[tuple[str, str]]:
        return [(self._label(m), m) for m in SCORECARD_METRICS]

    def _label_pickers(self) -> None:
        """The pickers' descriptions and choices in the current language (the values stay)."""
        for picker, key in [(self.by_picker, "app.level"), (self.freq_picker, "app.frequency"),
                            (self.period_picker, "app.period"), (self.metric_picker, "scorecard.chart"),
                            (self.lang_picker, "app.language")]:
            picker.description = message(key, self.lang)
        self._relabelling = True
        try:
            for picker, options in [(self.by_picker, self._level_options()), (self.freq_picker, self._freq_options()),
                                    (self.metric_picker, self._metric_options())]:
                value = picker.value
                picker.options = options
                picker.value = value
        finally:
            self._relabelling = False

    def _on_lang(self, change=None):
        """Relabel the pickers and re-draw the table and charts from the cached KPIs (nothing is recomputed)."""
        self._label_pickers()
        self._redraw()

    @property
    def kpis(self) -> pd.DataFrame:
        """The tidy KPI table for the current entity level and frequency."""
        key = (self.by, self.freq)
        if key not in self._cache:
            self._cache[key] = compute_kpis(self.data, by=self.by, freq=self.freq)
        return self._cache[key]

    def _on_by(self, change=None):
        if self._relabelling:
            return
        try:
            options = [period_label(p, self.freq) for p in scorecard_periods(self.kpis)]
            with self.hold_trait_notifications():
                self.period_picker.options = options
                if options:
                    self.period_picker.value = options[-1]
            self._redraw()
        except Exception as exc:  # shown to the viewer instead of a hidden traceback
            self.error.show(exc)

    def _redraw(self, change=None):
        """Show the current selection: the table when the level, period or language changed, the charts always.

        A KPI change (the chart picker) touches only the two charts; the table does not depend on it.
        """
        if self._relabelling:
            return
        try:
            self.error.clear()
            if not self.period:
                self.status.value = escape_html(message("scorecard.no_data", self.lang))
                return
            if change is None or change["name"] != "metric":
                self._draw_table()
            self._draw_charts()
        except Exception as exc:
            self.error.show(exc)

    def _scorecard(self) -> pd.DataFrame:
        """Every entity's KPIs in the current period (kept per level, frequency, period and language)."""
        key = ("scorecard", self.by, self.freq, self.period, self.lang)
        return self._selections.get(key, lambda: scorecard(self.kpis, self.period, lang=self.lang))

    def _draw_table(self) -> None:
        table = self._scorecard()
        units = {self._label(m): KPIS[m].unit for m in SCORECARD_METRICS}
        shown = table.copy()
        for column in shown.columns:
            shown[column] = [format_value(v, units.get(column, "")) for v in table[column]]
        self.status.value = (
            f"<b>{escape_html(count_label(len(table), self.by, self.lang))}</b> · {escape_html(self.period)}"
        )
        self.table.value = html_table(shown, css_class="wb-scorecard", numeric=set(shown.columns))

    def _chart_specs(self) -> tuple[dict, dict]:
        """The bar and trend charts' specifications for the current selection (kept per selection)."""
        key = ("charts", self.by, self.freq, self.period, self.metric, self.lang)
        return self._selections.get(key, self._build_charts)

    def _build_charts(self) -> tuple[dict, dict]:
        kpis, table = self.kpis, self._scorecard()
        label = self._label(self.metric)
        bar = kpi_bar_chart(table, label, unit=KPIS[self.metric].unit,
                            reference=1.0 if self.metric == "quota_attainment" else None)
        ranked = table[label].dropna().sort_values(ascending=False, kind="stable")  # ties keep the id order
        entities = ranked.index[:8].tolist()
        shown_periods = pd.to_datetime(kpis["period"]) >= parse_period(self.period_picker.options[0]).start
        trend = kpi_trend_chart(kpis[shown_periods], self.metric, entities=entities, lang=self.lang,
                                freq=self.freq, entity_label=table.index.name)
        return chart_spec(bar), chart_spec(trend)

    def _draw_charts(self) -> None:
        bar, trend = self._chart_specs()
        if self.bar is None:
            self.bar, self.trend = chart_widget(bar), chart_widget(trend)
            self.charts.children = [self.bar, self.trend]
        else:
            show_chart(self.bar, bar)
            show_chart(self.trend, trend)
