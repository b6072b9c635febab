"""The team diagnosis panel: why is my team missing its target, and what is it worth?

A manager picks a period, a team (or all), optionally one of its reps, and a language;
the panel shows the gap to target with the drivers costing the most, the findings behind
it (sorted by revenue at stake), the rep's (or team's) waterfall from target to actual
and funnel against peers, and tabs with market opportunities and competitor losses.

The diagnosis is computed once per period for the whole company
(:func:`workbench.diagnose.diagnose`) and cached; team, rep and language only select and
re-draw (:mod:`workbench.diagnose.selection`), so every number shown is the package's.
"""

from __future__ import annotations

import time

import ipywidgets as widgets
import pandas as pd

from workbench.apps.common import LazyTabs, SelectionCache, chart_spec, chart_widget, html_table, show_chart
from workbench.apps.selection import SelectionPanel
from workbench.diagnose import DRIVERS, diagnose
from workbench.diagnose.selection import driver_totals, headline, select
from workbench.formatting import format_value, is_missing
from workbench.markup import escape_html
from workbench.messages import message

__all__ = ["TeamDiagnosis"]

#: Entity levels whose name is a shared word of :mod:`workbench.messages` (``app.rep``, ...).
_ENTITY_LEVELS = ("rep", "team", "region")


def _html_table(frame: pd.DataFrame, css_class: str, numeric=(), wrap=()) -> str:
    return html_table(frame, css_class=css_class, numeric=numeric, wrap=wrap, index=False)


class TeamDiagnosis(SelectionPanel):
    """A manager's "why is my team missing target?" panel over :func:`~workbench.diagnose.diagnose`.

    Parameters
    ----------
    data : SalesData or dict of DataFrames
        Loaded data (see :func:`workbench.load`).
    lang : {"en", "zh"}
        Initial language of labels and evidence sentences.
    period : str, optional
        Initial period (default: the newest complete quarter, else month).
    config : DiagnosisConfig, optional
        Passed to :func:`~workbench.diagnose.diagnose`.

    Notes
    -----
    The panel has no title of its own: the page or notebook around it gives one.

    Attributes
    ----------
    period, team, rep, lang : traitlets
        Linked to the dropdowns; ``team == ""`` means all teams, ``rep == ""`` no rep.
    diagnosis : Diagnosis
        The company-wide diagnosis of the current period (computed once, cached).
    selection : Diagnosis
        Its part for the current team / rep.
    last_compute_seconds : float
        Time the last (uncached) diagnosis took.
    """

    MESSAGE_PREFIX = "diagnosis"
    TAB_KEYS = ("tab_findings", "tab_stuck", "tab_opps", "tab_comp")

    def __init__(self, data, lang: str = "en", period: str | None = None, config=None, **kwargs):
        super().__init__(**kwargs)
        self.data = data
        self.config = config
        self._cache: dict[str, object] = {}
        self.last_compute_seconds = float("nan")
        pickers = self._build_pickers()
        self.summary = widgets.HTML()
        self.table = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="460px"))
        self.chart_note = widgets.HTML()
        self.waterfall = None
        self.funnel = None
        self.charts = widgets.HBox()
        self.opportunities_table = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="460px"))
        self.competition_table = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="460px"))
        self.stuck_table = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="460px"))
        self.tabs = widgets.Tab(
            children=[
                widgets.VBox([self.table, self.chart_note, self.charts]),
                self.stuck_table,
                self.opportunities_table,
                self.competition_table,
            ]
        )
        self._selections = SelectionCache()  # team / rep parts of a diagnosis and their charts
        # each tab with what it shows depends on: drawn when on screen and that changed
        shown = lambda: (self.period, self.team, self.rep, self.lang)  # noqa: E731
        self.pages = LazyTabs(self.tabs, [
            (shown, self._draw_findings),
            (shown, lambda: setattr(self.stuck_table, "value", self._stuck_html(self.selection.stuck_deals))),
            (shown, lambda: setattr(self.opportunities_table, "value",
                                    self._opportunities_html(self.selection.opportunities))),
            (shown, lambda: setattr(self.competition_table, "value",
                                    self._competition_html(self.selection.competition))),
        ], on_error=self.error.show)
        self.children = [pickers, self.error, self.status, self.summary, self.tabs]
        periods = self._start_on(data, lang, period)
        if not periods and not self.error.value:
            self.status.value = escape_html(self._t("no_periods"))

    # -- data ---------------------------------------------------------------------------
    @property
    def diagnosis(self):
        """The company-wide diagnosis for the current period (cached per period)."""
        self._compute(self.period)
        return self._cache[self.period]

    def _is_computed(self, period: str) -> bool:
        return period in self._cache

    def _compute(self, period: str) -> None:
        if period not in self._cache:
            t0 = time.perf_counter()
            self._cache[period] = diagnose(self.data, period=period, config=self.config)
            self.last_compute_seconds = time.perf_counter() - t0

    @property
    def selection(self):
        """The diagnosis of the selected team and rep (kept for the last selections)."""
        return self._selections.get(
            ("selection", self.period, self.team, self.rep),
            lambda: select(self.diagnosis, self._reps, team=self.team or None, rep=self.rep or None))

    # -- events -------------------------------------------------------------------------
    def _redraw(self, change=None):
        if self._quiet or not self.period:
            return
        try:
            self.error.clear()
            if self._labels_lang != self.lang:
                self._apply_language()
            full = self.diagnosis
            sel = self.selection
            self.status.value = escape_html(self._t("computed").format(
                window=full.window.label, months=full.window.months, period=full.window.period,
                findings=len(sel.findings), seconds=self.last_compute_seconds,
            ))
            self.summary.value = self._summary_html(sel)
            self.pages.refresh()  # the open tab; the others when they are opened
        except Exception as exc:
            self.error.show(exc)

    def _draw_findings(self) -> None:
        sel = self.selection
        self.table.value = self._findings_html(sel.findings)
        self._draw_charts(sel)

    # -- rendering ----------------------------------------------------------------------
    def _entity_level(self, level: str) -> str:
        """``Rep`` / ``销售``, ``Team`` / ``团队``, ``Region`` / ``区域``; another level as it is."""
        return message(f"app.{level}", self.lang) if level in _ENTITY_LEVELS else level

    def _level_word(self, level: str) -> str:
        """``rep`` / ``销售`` (lower case in English, inside a sentence); another level as it is."""
        return message(f"chart.entity_type.{level}", self.lang) if level in (*_ENTITY_LEVELS, "company") else level

    def _driver_label(self, driver: str) -> str:
        rule = DRIVERS.get(driver)
        if rule is None:
            return driver
        return rule.label_zh if self.lang == "zh" else rule.label_en

    def _summary_html(self, sel) -> str:
        h = headline(sel, team=self.team or None, rep=self.rep or None)
        if h["entity_type"] == "company":
            name = self._t("company")
        else:
            name = f"{self._entity_level(h['entity_type'])} {h['entity_id']}"
        gap = h["gap"]
        gap_color = "#8a1c1c" if not is_missing(gap) and gap < 0 else "#1c6b2a"
        cells = [
            (self._t("bookings"), format_value(h["bookings"], "currency")),
            (self._t("target"), format_value(h["target"], "currency")),
            (self._t("gap"), f'<span style="color:{gap_color}">{format_value(gap, "currency")}</span>'),
            (self._t("attainment"), format_value(h["attainment"], "rate")),
            (self._t("at_stake"), format_value(h["revenue_at_stake"], "currency")),
            (self._t("reps_flagged"), str(h["reps_with_findings"])),
        ]
        stats = "".join(
            f'<div style="margin-right:24px"><div style="color:#666;font-size:90%">{escape_html(k)}</div>'
            f'<div style="font-size:130%;font-weight:600">{v}</div></div>'
            for k, v in cells
        )
        totals = driver_totals(sel.findings).head(3)
        drivers = ("，" if self.lang == "zh" else ", ").join(
            self._t("driver_item", driver=self._driver_label(r.driver),
                    impact=format_value(r.revenue_impact, "currency"), n=r.reps)
            for r in totals.itertuples()
        ) or "–"
        window = sel.window.label if sel.window is not None else ""
        page = (
            f'<div class="wb-team-summary"><h3>{escape_html(name)} · {escape_html(self.period)}</h3>'
            f'<div style="display:flex;flex-wrap:wrap">{stats}</div>'
            f"<p><b>{self._t('top_drivers')}:</b> {escape_html(drivers)} "
            f"<span style='color:#666'>({escape_html(self._t('at_stake_note').format(window=window))})</span></p>"
            + self._not_tested_html(sel.not_tested)
        )
        if not self.rep:
            page += self._team_table_html(sel.team_summary)
        return page + "</div>"

    def _team_table_html(self, summary: pd.DataFrame) -> str:
        if summary.empty:
            return ""
        shown = pd.DataFrame(
            {
                self._t("team"): summary["team"],
                self._t("reps"): summary["reps"],
                self._t("bookings"): [format_value(v, "currency") for v in summary["bookings"]],
                self._t("target"): [format_value(v, "currency") for v in summary["target"]],
                self._t("gap"): [format_value(v, "currency") for v in summary["gap"]],
                self._t("attainment"): [format_value(v, "rate") for v in summary["attainment"]],
                self._t("window_bookings"): [format_value(v, "currency") for v in summary["window_bookings"]],
                self._t("window_gap"): [format_value(v, "currency") for v in summary["window_gap"]],
                self._t("reps_flagged"): summary["reps_with_findings"],
                self._t("top_drivers"): [self._driver_label(d) if d else "–" for d in summary["top_driver"]],
                self._t("at_stake"): [format_value(v, "currency") for v in summary["revenue_at_stake"]],
            }
        )
        return _html_table(shown, "wb-team-table", numeric=list(shown.columns[1:-2]) + [shown.columns[-1]])

    def _not_tested_html(self, not_tested: pd.DataFrame) -> str:
        if not_tested is None or not_tested.empty:
            return ""
        column = "reason_zh" if self.lang == "zh" and "reason_zh" in not_tested else "reason"
        reasons = not_tested.drop_duplicates(["driver", column])
        items = "".join(
            f"<li>{escape_html(self._driver_label(r.driver))} ({escape_html(self._level_word(r.entity_type))}): "
            f"{escape_html(getattr(r, column))}</li>"
            for r in reasons.itertuples()
        )
        return f"<details class='wb-not-tested'><summary>{self._t('not_tested')} ({len(reasons)})</summary><ul>{items}</ul></details>"

    def _findings_html(self, findings: pd.DataFrame) -> str:
        if findings.empty:
            return f"<p class='wb-no-findings'>{self._t('no_findings')}</p>"
        f = findings.sort_values("revenue_impact", ascending=False, na_position="last", kind="stable")
        evidence = f["evidence_zh"] if self.lang == "zh" else f["evidence"]
        shown = pd.DataFrame(
            {
                self._t("entity"): [f"{self._entity_level(t)} {e}" for t, e in zip(f["entity_type"], f["entity_id"])],
                self._t("driver"): [self._driver_label(d) for d in f["driver"]],
                self._t("detail"): f["detail"].fillna("").astype(str),
                self._t("value"): [format_value(v, u) for v, u in zip(f["value"], f["unit"])],
                self._t("benchmark"): [format_value(v, u) for v, u in zip(f["benchmark"], f["unit"])],
                self._t("impact"): [format_value(v, "currency") for v in f["revenue_impact"]],
                self._t("confidence"): [format_value(v, "rate") for v in f["confidence"]],
                self._t("evidence"): evidence.astype(str),
            }
        )
        numeric = [self._t(k) for k in ("value", "benchmark", "impact", "confidence")]
        return _html_table(shown, "wb-findings", numeric=numeric, wrap=[self._t("evidence")])

    def _stuck_html(self, stuck: pd.DataFrame) -> str:
        """Open deals in their stage longer than the stage's 90th percentile, largest first."""
        if stuck is None or stuck.empty:
            return f"<p>{escape_html(self._t('no_stuck'))}</p>"
        shown = pd.DataFrame(
            {
                self._t("stuck_deal"): stuck["opportunity_id"].astype(str),
                self._entity_level("rep"): stuck["rep_id"].astype(str),
                self._entity_level("team"): stuck["team"].astype(str),
                self._t("stuck_stage"): stuck["stage"].astype(str),
                self._t("stuck_days"): [format_value(v, "count") for v in stuck["days_in_stage"]],
                self._t("stuck_p90"): [format_value(v, "count") for v in stuck["stage_p90_days"]],
                self._t("stuck_amount"): [format_value(v, "currency") for v in stuck["amount"]],
                self._t("note"): (stuck["note_zh"] if self.lang == "zh" else stuck["note"]).astype(str),
            }
        )
        return _html_table(shown, "wb-stuck", numeric=list(shown.columns[4:7]), wrap=[self._t("note")])

    def _opportunities_html(self, opps: pd.DataFrame) -> str:
        if opps is None or opps.empty:
            return f"<p>{self._t('no_opps')}</p>"
        shown = pd.DataFrame(
            {
                self._t("segment"): opps["segment"].astype(str),
                self._t("deals"): [format_value(v, "count") for v in opps["deals"]],
                self._t("win_rate"): [format_value(v, "rate") for v in opps["win_rate"]],
                self._t("growth"): [format_value(v, "signed_share") for v in opps["market_growth"]],
                self._t("share_change"): [format_value(v, "pp") for v in opps["share_change"]],
                self._t("potential"): [format_value(v, "currency") for v in opps["potential_revenue"]],
                self._t("note"): (opps["note_zh"] if self.lang == "zh" else opps["note"]).astype(str),
            }
        )
        return _html_table(shown, "wb-opportunities", numeric=list(shown.columns[1:-1]), wrap=[self._t("note")])

    def _competition_html(self, comp: pd.DataFrame) -> str:
        if comp is None or comp.empty:
            return f"<p>{self._t('no_comp')}</p>"
        shown = pd.DataFrame(
            {
                self._t("dimension"): comp["dimension"].astype(str),
                self._t("key"): comp["key"].astype(str),
                self._t("competitor"): comp["competitor"].astype(str),
                self._t("losses"): [format_value(v, "count") for v in comp["losses"]],
                self._t("lost_amount"): [format_value(v, "currency") for v in comp["lost_amount"]],
                self._t("take_rate"): [format_value(v, "rate1") for v in comp["take_rate"]],
                self._t("prev_take_rate"): [format_value(v, "rate1") for v in comp["prev_take_rate"]],
                self._t("change"): [format_value(v, "pp") for v in comp["change"]],
                self._t("top_lost_reason"): comp["top_lost_reason"].fillna("").astype(str),
            }
        )
        return _html_table(shown, "wb-competition", numeric=list(shown.columns[3:-1]))

    def _draw_charts(self, sel) -> None:
        if self.rep:
            entity, entity_type = self.rep, "rep"
        elif self.team:
            entity, entity_type = self.team, "team"
        else:
            self.charts.children = []
            self.chart_note.value = f"<p>{self._t('pick_rep')}</p>"
            return
        try:
            waterfall, funnel = self._selections.get(("charts", self.period, entity_type, entity, self.lang),
                                                     lambda: self._chart_specs(sel, entity, entity_type))
        except ValueError as exc:  # e.g. a rep with no deals in the window
            self.charts.children = []
            self.chart_note.value = f"<p>{escape_html(exc)}</p>"
            return
        self.chart_note.value = ""
        if self.waterfall is None:
            self.waterfall, self.funnel = chart_widget(waterfall), chart_widget(funnel)
        else:
            show_chart(self.waterfall, waterfall)
            show_chart(self.funnel, funnel)
        if tuple(self.charts.children) != (self.waterfall, self.funnel):
            self.charts.children = [self.waterfall, self.funnel]

    def _chart_specs(self, sel, entity: str, entity_type: str) -> tuple[dict, dict]:
        """The waterfall and the funnel of ``entity`` (charts from :mod:`workbench.charts.diagnose`)."""
        from workbench.charts.diagnose import driver_waterfall, funnel_vs_peers

        return (chart_spec(driver_waterfall(sel.decomposition, entity, entity_type, lang=self.lang)),
                chart_spec(funnel_vs_peers(sel.decomposition, entity, entity_type, lang=self.lang)))
