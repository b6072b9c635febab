"""The KPI scorecard panel: pick an entity level, frequency and period; see every entity's KPIs."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import traitlets

from workbench.apps.common import ErrorBox, chart_widget, html_table
from workbench.charts.kpi import kpi_bar_chart, kpi_trend_chart
from workbench.formatting import count_label
from workbench.kpi import compute_kpis
from workbench.kpi.registry import KPIS
from workbench.kpi.scorecard import SCORECARD_METRICS, format_value, scorecard, scorecard_periods
from workbench.markup import escape_html
from workbench.periods import parse_period, period_label

__all__ = ["KpiScorecard"]

_LEVELS = [("Rep", "rep"), ("Team", "team"), ("Region", "region"), ("Company", "company")]
_FREQS = [("Month", "M"), ("Quarter", "Q")]
_NO_DATA = {"en": "No KPIs in the data yet.", "zh": "数据中还没有可计算的指标。"}


class KpiScorecard(widgets.VBox):
    """A scorecard of KPIs per rep, team, region or company, with a trend chart.

    Parameters
    ----------
    data : SalesData
        Loaded data (see :func:`workbench.load`).
    lang : {"en", "zh"}
        Label language.

    Notes
    -----
    KPI tables are computed once per (entity level, frequency) and cached; changing the
    period or metric only re-draws. The period list starts at the first period with a
    closed deal (see :func:`~workbench.kpi.scorecard.scorecard_periods`) and the trend
    chart covers the same periods. The panel has no title of its own: the page or
    notebook around it gives one.
    """

    by = traitlets.Unicode("rep")
    freq = traitlets.Unicode("M")
    period = traitlets.Unicode(None, allow_none=True)  # a period label: 2026-03, 2026-Q1
    metric = traitlets.Unicode("bookings")

    def __init__(self, data, lang: str = "en", **kwargs):
        super().__init__(**kwargs)
        self.data = data
        self.lang = lang
        self._cache: dict[tuple[str, str], pd.DataFrame] = {}
        self.by_picker = widgets.Dropdown(options=_LEVELS, value="rep", description="Level")
        self.freq_picker = widgets.Dropdown(options=_FREQS, value="M", description="Frequency")
        self.period_picker = widgets.Dropdown(options=[], description="Period")
        self.metric_picker = widgets.Dropdown(
            options=[(self._label(m), m) for m in SCORECARD_METRICS], value="bookings", description="Chart"
        )
        for picker, trait in [
            (self.by_picker, "by"),
            (self.freq_picker, "freq"),
            (self.period_picker, "period"),
            (self.metric_picker, "metric"),
        ]:
            widgets.link((picker, "value"), (self, trait))
        self.error = ErrorBox()
        self.status = widgets.HTML()
        self.table = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="420px"))
        self.bar = None
        self.trend = None
        self.charts = widgets.VBox()
        self.observe(self._on_by, names=["by", "freq"])
        self.observe(self._redraw, names=["period", "metric"])
        self.children = [
            widgets.HBox([self.by_picker, self.freq_picker, self.period_picker, self.metric_picker]),
            self.error,
            self.status,
            self.table,
            self.charts,
        ]
        self._on_by()

    def _label(self, metric: str) -> str:
        return KPIS[metric].label_zh if self.lang == "zh" else KPIS[metric].label_en

    @property
    def kpis(self) -> pd.DataFrame:
        """The tidy KPI table for the current entity level and frequency."""
        key = (self.by, self.freq)
        if key not in self._cache:
            self._cache[key] = compute_kpis(self.data, by=self.by, freq=self.freq)
        return self._cache[key]

    def _on_by(self, change=None):
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
        try:
            self.error.clear()
            if not self.period:
                self.status.value = _NO_DATA.get(self.lang, _NO_DATA["en"])
                return
            kpis = self.kpis
            table = scorecard(kpis, self.period, lang=self.lang)
            units = {self._label(m): KPIS[m].unit for m in SCORECARD_METRICS}
            shown = table.copy()
            for column in shown.columns:
                shown[column] = [format_value(v, units.get(column, "")) for v in table[column]]
            self.status.value = (
                f"<b>{escape_html(count_label(len(table), self.by, self.lang))}</b> · {escape_html(self.period)}"
            )
            self.table.value = html_table(shown, css_class="wb-scorecard", numeric=set(shown.columns))
            label = self._label(self.metric)
            bar = kpi_bar_chart(table, label, unit=KPIS[self.metric].unit,
                                reference=1.0 if self.metric == "quota_attainment" else None)
            ranked = table[label].dropna().sort_values(ascending=False, kind="stable")  # ties keep the id order
            entities = ranked.index[:8].tolist()
            shown_periods = pd.to_datetime(kpis["period"]) >= parse_period(self.period_picker.options[0]).start
            trend = kpi_trend_chart(kpis[shown_periods], self.metric, entities=entities, lang=self.lang,
                                    freq=self.freq)
            if self.bar is None:
                self.bar, self.trend = chart_widget(bar), chart_widget(trend)
                self.charts.children = [self.bar, self.trend]
            else:
                self.bar.chart, self.trend.chart = bar, trend
        except Exception as exc:
            self.error.show(exc)
