"""The coaching panel for trainers: skill gaps, a rep's plan and its why, mentors, group
sessions, whether training worked, and recognition.

A trainer picks a period, a team (or all) and a rep, and English or 中文. Everything shown
comes from :mod:`workbench.coaching` (computed once per period and cached; training
effectiveness once for the data): the panel only selects, labels and draws.
"""

from __future__ import annotations

import dataclasses
import time

import ipywidgets as widgets
import pandas as pd

from workbench.apps.common import LazyTabs, SelectionCache, chart_spec, chart_widget, html_table, show_chart
from workbench.apps.selection import SelectionPanel
from workbench.charts.coaching import effectiveness_chart, plan_chart, skill_heatmap_chart
from workbench.coaching import load_skill_map, skill_heatmap
from workbench.coaching.effectiveness import training_effectiveness
from workbench.coaching.workflow import coach
from workbench.formatting import format_value
from workbench.markup import escape_html

__all__ = ["CoachingPanel"]

#: Verdicts of :func:`~workbench.coaching.effectiveness.training_effectiveness` → their word in
#: :mod:`workbench.messages` (``coaching.verdict.<word>``).
_VERDICTS = {"works": "works", "no measurable effect": "no_effect", "too few trainees": "too_few"}


class CoachingPanel(SelectionPanel):
    """A trainer's coaching panel over :mod:`workbench.coaching`.

    Parameters
    ----------
    data : SalesData
        Loaded data (see :func:`workbench.load`); ``skills``, ``training_catalog`` and
        ``training_log`` make the plans, mentors and effectiveness complete.
    lang : {"en", "zh"}
        Initial language.
    period : str, optional
        Initial period (default: the newest complete quarter).
    skill_map : SkillMap or path, optional
        The driver → skill map (default: the shipped one).

    Attributes
    ----------
    period, team, rep, lang : traitlets
        Linked to the pickers; ``team == ""`` means all teams.
    plans, mentors, sessions, awards : cached results for the current period.
    effectiveness : TrainingEffectiveness
        Measured once for the data.

    Notes
    -----
    The panel has no title of its own: the page or notebook around it gives one.
    """

    MESSAGE_PREFIX = "coaching"
    TAB_KEYS = ("tab_gaps", "tab_plan", "tab_mentors", "tab_sessions", "tab_effect", "tab_awards")

    def __init__(self, data, lang: str = "en", period: str | None = None, skill_map=None, **kwargs):
        super().__init__(**kwargs)
        self.data = data
        self.skill_map = skill_map if hasattr(skill_map, "skill_for") else load_skill_map(skill_map)
        self._cache: dict[str, dict] = {}
        self._effectiveness = None
        self.last_compute_seconds = float("nan")
        pickers = self._build_pickers()
        self.gaps_html = widgets.HTML()
        self.plan_html = widgets.HTML(layout=widgets.Layout(overflow="auto"))
        self.mentors_html = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="480px"))
        self.sessions_html = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="480px"))
        self.effect_html = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="480px"))
        self.awards_html = widgets.HTML(layout=widgets.Layout(overflow="auto"))
        self.heatmap = None
        self.plan_chart = None
        self.effect_chart = None
        self.gaps_box = widgets.VBox([self.gaps_html])
        self.plan_box = widgets.VBox([self.plan_html])
        self.effect_box = widgets.VBox([self.effect_html])
        self.tabs = widgets.Tab(children=[self.gaps_box, self.plan_box, self.mentors_html, self.sessions_html,
                                          self.effect_box, self.awards_html])
        self._charts = SelectionCache()  # chart specifications per selection
        # each tab with what it shows depends on: drawn when on screen and that changed
        self.pages = LazyTabs(self.tabs, [
            (lambda: (self.period, self.team, self.lang), self._draw_gaps),
            (lambda: (self.period, self.rep, self.lang), self._draw_plan),
            (lambda: (self.period, self.team, self.lang), self._draw_mentors),
            (lambda: (self.period, self.team, self.lang), self._draw_sessions),
            (lambda: (self.lang,), self._draw_effectiveness),
            (lambda: (self.period, self.lang), self._draw_awards),
        ], on_error=self.error.show)
        self.children = [pickers, self.error, self.status, self.tabs]
        self._start_on(data, lang, period)

    # -- computations (cached) ---------------------------------------------------------
    @property
    def effectiveness(self):
        """Training effectiveness of every module (measured once for the data)."""
        if self._effectiveness is None:
            self._effectiveness = training_effectiveness(self.data, skill_map=self.skill_map)
        return self._effectiveness

    def results(self, period: str) -> dict:
        """Every coaching result of ``period`` (:func:`~workbench.coaching.workflow.coach`, computed once)."""
        self._compute(period)
        return self._cache[period]

    def _is_computed(self, period: str) -> bool:
        return period in self._cache

    def _compute(self, period: str) -> None:
        if period not in self._cache:
            started = time.perf_counter()
            result = coach(self.data, period, effectiveness=self.effectiveness, skill_map=self.skill_map)
            self._cache[period] = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
            self.last_compute_seconds = time.perf_counter() - started

    def _redraw(self, change=None):
        if self._quiet or not self.period:
            return
        try:
            self.error.clear()
            if self._labels_lang != self.lang:
                self._apply_language()
            plans = self.results(self.period)["plans"]
            self.status.value = escape_html(self._t(
                "computed", period=self.period, window=plans.window, reps=plans.skills["rep_id"].nunique(),
                seconds=self.last_compute_seconds))
            self.pages.refresh()  # the open tab; the others when they are opened
        except Exception as exc:
            self.error.show(exc)

    # -- rendering ---------------------------------------------------------------------
    def _labelled(self, skills: pd.DataFrame) -> pd.DataFrame:
        return skills.assign(skill_label=[self.skill_map.label(s, self.lang) for s in skills["skill"]])

    def _table(self, frame: pd.DataFrame, css: str, numeric=(), wrap=()) -> str:
        if frame.empty:
            return f"<p>{escape_html(self._t('none'))}</p>"
        return html_table(frame, css_class=css, numeric=numeric, wrap=wrap, index=False)

    def _chart(self, attr: str, box: widgets.VBox, key: tuple, build, first: widgets.Widget) -> None:
        """Draw ``build()`` (kept per ``key``) in the widget ``attr``, made on first use, below ``first``."""
        spec = self._charts.get((attr, *key), lambda: chart_spec(build()))
        widget = getattr(self, attr)
        if widget is None:
            widget = chart_widget(spec)
            setattr(self, attr, widget)
        else:
            show_chart(widget, spec)
        if tuple(box.children) != (first, widget):
            box.children = [first, widget]

    def _slot(self, n: int) -> str:
        return self._t("slot_1") if n == 1 else self._t("slot_2") if n == 2 else self._t("slot_n", n=n)

    def _draw_gaps(self) -> None:
        r, members = self.results(self.period), self._members()
        skills = r["plans"].skills
        skills = skills[skills["rep_id"].isin(members)]
        with_gap = set(skills["rep_id"])
        shown = members if self.team else with_gap  # the whole company: only reps with a gap

        def heatmap():
            reps = self.data.reps[self.data.reps["rep_id"].astype(str).isin(shown)]
            heat = skill_heatmap(self._labelled(skills), r["scores"], reps)
            heat = heat.assign(skill_label=[self.skill_map.label(s, self.lang) for s in heat["skill"]])
            return skill_heatmap_chart(heat, lang=self.lang)

        key = "heat_team" if self.team else "heat_all"
        self.gaps_html.value = f"<p>{escape_html(self._t(key, shown=len(with_gap), total=len(members)))}</p>"
        self._chart("heatmap", self.gaps_box, (self.period, self.team, self.lang), heatmap, self.gaps_html)

    def _draw_plan(self) -> None:
        r = self.results(self.period)
        if not self.rep:
            self.plan_html.value = f"<p>{escape_html(self._t('pick_rep'))}</p>"
            self.plan_box.children = [self.plan_html]
            return
        skills, modules = r["plans"].for_rep(self.rep)
        head = f"<h4 class='wb-plan-head'>{escape_html(self._t('plan_of', rep=self.rep, period=self.period))}</h4>"
        if skills.empty:
            self.plan_html.value = head + f"<p class='wb-no-plan'>{escape_html(self._t('no_plan', rep=self.rep))}</p>"
            self.plan_box.children = [self.plan_html]
            return
        skills = self._labelled(skills)
        why = skills["why_zh"] if self.lang == "zh" else skills["why"]
        t = self._t
        shown = pd.DataFrame({
            t("rank"): skills["rank"].astype(int),
            t("skill"): skills["skill_label"],
            t("uplift"): [format_value(v, "currency") for v in skills["expected_uplift"]],
            t("stake"): [format_value(v, "currency") for v in skills["revenue_at_stake"]],
            t("effectiveness"): [f"{format_value(v, 'rate')} ({t(src)})" for v, src in
                                 zip(skills["effectiveness"], skills["effectiveness_source"])],
            t("source"): [t(s) for s in skills["source"]],
            t("score"): [format_value(v, "count") for v in skills["skill_score"]],
            t("why"): why.astype(str),
            t("note"): (skills["note_zh"] if self.lang == "zh" else skills["note"]).fillna(""),
        })
        catalog_modules = pd.DataFrame({
            t("skill"): [self.skill_map.label(s, self.lang) for s in modules["skill"]],
            t("module"): modules["module_id"], t("title"): modules["title"],
            t("hours"): [format_value(v, "hours") for v in modules["hours"]],
            t("slot"): [self._slot(int(n)) for n in modules["slot"]],
            t("note"): (modules["note_zh"] if self.lang == "zh" else modules["note"]).fillna(""),
        })
        self.plan_html.value = (
            head + self._table(shown, "wb-plan", numeric=[t("rank"), t("uplift"), t("stake"), t("score")],
                               wrap=[t("why"), t("note")])
            + f"<h4>{escape_html(t('modules'))}</h4>"
            + self._table(catalog_modules, "wb-plan-modules", numeric=[t("hours")], wrap=[t("note")]))
        self._chart("plan_chart", self.plan_box, (self.period, self.rep, self.lang),
                    lambda: plan_chart(skills, self.rep, lang=self.lang), self.plan_html)

    def _draw_mentors(self) -> None:
        r, members = self.results(self.period), self._members()
        pairs, unmatched = r["mentors"].pairs, r["mentors"].unmatched
        pairs = pairs[pairs["mentee_id"].astype(str).isin(members)]
        unmatched = unmatched[unmatched["rep_id"].astype(str).isin(members)]
        t = self._t
        shown = pd.DataFrame({
            t("mentee"): pairs["mentee_id"], t("skill"): [self.skill_map.label(s, self.lang) for s in pairs["skill"]],
            t("mentor"): pairs["mentor_id"], t("mentor_score"): [format_value(v, "count") for v in pairs["mentor_score"]],
            t("same_team"): [t("yes") if v else t("no") for v in pairs["same_team"]],
        })
        left = pd.DataFrame({t("mentee"): unmatched["rep_id"],
                             t("skill"): [self.skill_map.label(s, self.lang) for s in unmatched["skill"]],
                             t("reason"): unmatched[self._zh_column(unmatched, "reason")]})
        self.mentors_html.value = (self._table(shown, "wb-mentors", numeric=[t("mentor_score")])
                                   + (f"<h4>{escape_html(t('unmatched'))}</h4>" + self._table(left, "wb-unmatched",
                                                                                         wrap=[t("reason")])
                                      if len(left) else ""))

    def _zh_column(self, table: pd.DataFrame, column: str) -> str:
        """``<column>_zh`` in Chinese when ``table`` has it, else ``column``."""
        return f"{column}_zh" if self.lang == "zh" and f"{column}_zh" in table else column

    def _draw_sessions(self) -> None:
        sessions = self.results(self.period)["sessions"]
        if self.team:
            sessions = sessions[sessions["team"].astype(str) == self.team]
        t = self._t
        shown = pd.DataFrame({
            t("team"): sessions["team"], t("skill"): [self.skill_map.label(s, self.lang) for s in sessions["skill"]],
            t("n_reps"): sessions["n_reps"], t("reps"): sessions["reps"],
            t("module"): sessions["module_id"].fillna("–"),
            t("uplift"): [format_value(v, "currency") for v in sessions["expected_uplift"]],
            t("reason"): sessions[self._zh_column(sessions, "reason")],
        })
        self.sessions_html.value = self._table(shown, "wb-sessions", numeric=[t("n_reps"), t("uplift")],
                                               wrap=[t("reps"), t("reason")])

    def _draw_effectiveness(self) -> None:
        modules = self.effectiveness.modules
        t = self._t
        verdict = modules["verdict"].map(
            lambda v: self._t(f"verdict.{_VERDICTS[v]}") if v in _VERDICTS else v).astype(object)
        shown = pd.DataFrame({
            t("module"): modules["module_id"], t("title"): modules["title"],
            t("skill"): [self.skill_map.label(s, self.lang) for s in modules["skill"]],
            t("trained"): modules["n_trained"],
            t("effect"): [format_value(v, "signed_share", 1) for v in modules["effect"]],
            t("interval"): [format_value(lo, "signed_share", 1) + " … " + format_value(hi, "signed_share", 1)
                            for lo, hi in zip(modules["ci_low"], modules["ci_high"])],
            t("verdict"): verdict,
        })
        self.effect_html.value = self._table(shown, "wb-effect", numeric=[t("trained"), t("effect"), t("interval")])
        drawable = modules.dropna(subset=["effect"])
        if len(drawable):
            self._chart("effect_chart", self.effect_box, (self.lang,),
                        lambda: effectiveness_chart(drawable.assign(verdict=verdict[drawable.index]), lang=self.lang),
                        self.effect_html)

    def _draw_awards(self) -> None:
        awards = self.results(self.period)["awards"]
        t = self._t
        label = awards["label_zh"] if self.lang == "zh" else awards["label"]
        shown = pd.DataFrame({
            t("award"): label, t("winner"): awards["rep_id"].fillna("–"),
            t("value"): [format_value(v, u) for v, u in zip(awards["value"], awards["unit"])],
            t("basis"): awards["basis_zh" if self.lang == "zh" else "basis"].fillna(""),
            t("runner_up"): awards["runner_up"].fillna("–"),
            t("note"): awards["note_zh" if self.lang == "zh" else "note"].fillna(""),
        })
        self.awards_html.value = self._table(shown, "wb-awards", numeric=[t("value")], wrap=[t("basis"), t("note")])
