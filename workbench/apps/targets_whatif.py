"""The targets what-if panel: move levers, see the coming period's bookings and the odds of target.

For the region, team or rep picked (the company when none), :class:`TargetsWhatIf` shows the
projection of :class:`~workbench.targets.WhatIfModel` for the lever setting of its sliders
(follow-up speed, conversion at each funnel step, activity volume, deal size, cycle time,
reps added): the projected bookings with their P10–P90 range, the target and the chance of
reaching it against the baseline, the fan chart (:func:`~workbench.charts.targets.whatif_fan`),
the scope and its parts, the weekly and daily activity plan, the payouts under a commission
plan and a second plan for comparison (:func:`~workbench.incentives.simulate_payouts`,
:func:`~workbench.incentives.compare_plans`), and what every lever rests on. English / 中文.

A model is fitted once per period length (month, quarter); a slider change only re-projects
(tens of milliseconds). The chance of reaching target at zero levers is the pipeline view's
— the number the forecast outlook shows as "P(reach target), pipeline alone".
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets

from workbench.apps.common import LANGS, ErrorBox, chart_widget, html_table, show_chart
from workbench.charts.targets import whatif_fan, whatif_fan_frames
from workbench.formatting import natural_key
from workbench.incentives import PAYOUT_FIGURES, compare_simulations, load_plan, payout_label, simulate_payouts
from workbench.io.load import as_sales_data
from workbench.markup import escape_html
from workbench.messages import MESSAGES, message
from workbench.params import check_choice, check_lang
from workbench.targets.levers import LEVERS, Levers

__all__ = ["TargetsWhatIf", "PLANS_ENV_VAR", "plan_files"]

#: Environment variable naming the folder of commission plans (``*.toml``) the app offers.
PLANS_ENV_VAR = "WORKBENCH_PLANS"

_STAGE = "stage_conversion"
_PAYOUT_TAB = 2


#: compare_plans' rows → the payout registry's figure whose label and unit they take.
_COMPARE_FIGURES = {
    "payout_mean": "payout_mean", "payout_p10": "payout_p10", "payout_p50": "payout_p50",
    "payout_p90": "payout_p90", "bookings_mean": "bookings", "cost_of_sales": "cost_of_sales",
    "team_bonus_mean": "team_bonus", "draw_top_up_mean": "draw_top_up", "share_threshold": "p_threshold",
    "share_target": "p_target", "share_capped": "p_capped",
}


def _money(value) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:,.0f}"


def _pct(value) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:.0%}"


def _signed(value) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:+,.0f}"


def _rate(value) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:,.1f}"


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as a Vega-Lite spec holds them (dates as ISO text)."""
    if "date" in frame:
        frame = frame.assign(date=np.datetime_as_string(frame["date"].to_numpy().astype("datetime64[s]"), unit="s"))
    return frame.to_dict("records")


def plan_files(folder=None) -> tuple[list[tuple[Path, object]], list[Path], Path | None]:
    """The commission plans the app offers: every ``*.toml`` that loads as a plan.

    Parameters
    ----------
    folder : path, optional
        Where to look. Default: ``$WORKBENCH_PLANS`` if set, else the first ``docs/`` folder
        holding ``*.toml`` files found walking up from the current directory.

    Returns
    -------
    (plans, skipped, folder)
        ``plans``: ``(path, CommissionPlan)`` pairs sorted by file name; ``skipped``: the
        ``*.toml`` files that are not valid plans; ``folder``: where they were looked for
        (None when no folder was found).
    """
    if folder is None:
        env = os.environ.get(PLANS_ENV_VAR)
        if env:
            folder = Path(env)
        else:
            folder = next((d / "docs" for d in [Path.cwd(), *Path.cwd().parents]
                           if any((d / "docs").glob("*.toml"))), None)
    if folder is None:
        return [], [], None
    folder = Path(folder)
    plans, skipped = [], []
    for path in sorted(folder.glob("*.toml")):
        try:
            plans.append((path, load_plan(path)))
        except Exception:  # a mapping file or a broken plan: listed as skipped, not offered
            skipped.append(path)
    return plans, skipped, folder


class TargetsWhatIf(widgets.VBox):
    """A manager's what-if panel: lever sliders → projected bookings, odds of target, activity plan, payouts.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
        The data (see :func:`workbench.load`).
    lang : {"en", "zh"}
        Label language (the panel has a picker too).
    freq : {"M", "Q"}
        Period length shown first: the coming month or quarter.
    shock_sd, headline :
        Passed to :meth:`WhatIfModel.fit <workbench.targets.WhatIfModel.fit>`: a known period
        shock (skips the backtest) or a headline forecast already made (used for its own
        period length). By default the model runs the headline forecast (~30 s per period
        length, once).
    n_sims : int
        Monte Carlo simulations of the bookings.
    plans : path, optional
        Folder of commission plans (``*.toml``); default :func:`plan_files`'.

    Attributes
    ----------
    projection : Projection or None
        The projection shown.
    payouts : dict or None
        The payouts of the projection under the two plans picked (``"a"``, ``"b"``:
        :class:`~workbench.incentives.PlanSimulation`; ``"compared"``: :func:`compare_simulations`'
        table; ``"notes"``), simulated when the payouts tab is shown; None until then.
    sliders : dict of str to slider
        One per lever (``"stage_conversion:<step>"`` for each funnel step).
    n_projections_ : int
        Projections computed (a reset makes exactly one).
    timings_ : dict
        Seconds each fit and the last projection took.

    Notes
    -----
    The panel has no title of its own: the page or notebook around it gives one. The
    payouts are simulated when their tab is shown (four plan simulations cost more than a
    projection); the fan chart of a lever change gets only new data (no new Altair chart).
    """

    region = traitlets.Unicode("")
    team = traitlets.Unicode("")
    rep = traitlets.Unicode("")
    freq = traitlets.Unicode("M")
    lang = traitlets.Unicode("en")

    def __init__(self, data, *, lang: str = "en", freq: str = "M", shock_sd: float | None = None, headline=None,
                 n_sims: int = 2000, plans=None, **kwargs):
        super().__init__(**kwargs)
        check_lang("TargetsWhatIf", lang)
        check_choice("TargetsWhatIf", "freq", freq, ["M", "Q"])
        self.shock_sd = shock_sd
        self.headline_forecast = headline
        self.n_sims = n_sims
        self.projection = None
        self.n_projections_ = 0
        self.timings_: dict[str, float] = {}
        self._models: dict = {}
        self.payouts = None
        self._quiet = False
        self.error = ErrorBox()
        self.status = widgets.HTML()
        self.headline = widgets.HTML()
        picker = {"style": {"description_width": "initial"}, "layout": widgets.Layout(width="auto", margin="2px 14px 2px 0")}
        self.region_picker = widgets.Dropdown(description="Region", **picker)
        self.team_picker = widgets.Dropdown(description="Team", **picker)
        self.rep_picker = widgets.Dropdown(description="Rep", **picker)
        self.freq_picker = widgets.Dropdown(options=self._freq_options(lang), value=freq, description="Period", **picker)
        self.lang_picker = widgets.Dropdown(options=LANGS, value=lang, description="Language", **picker)
        self.sliders: dict[str, widgets.widget_float._Float] = {}
        self.levers_title = widgets.HTML()
        self.levers_help = widgets.HTML()
        self.lever_box = widgets.VBox(layout=widgets.Layout(width="540px"))
        self.reset_button = widgets.Button(icon="undo", layout=widgets.Layout(width="200px"))
        self.reset_button.on_click(lambda _: self.reset())
        self.fan = None
        self._fan_key = None
        self.chart_box = widgets.VBox()
        self.scope_html = widgets.HTML(layout=widgets.Layout(overflow="auto"))
        self.plan_html = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="460px"))
        self.plan_a_picker = widgets.Dropdown(description="Plan", **picker)
        self.plan_b_picker = widgets.Dropdown(description="Compare with", **picker)
        self.payout_html = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="460px"))
        self.details_html = widgets.HTML()
        self.details = widgets.Accordion(children=[self.details_html], selected_index=None)
        self.tabs = widgets.Tab(children=[
            self.scope_html, self.plan_html,
            widgets.VBox([widgets.HBox([self.plan_a_picker, self.plan_b_picker]), self.payout_html])])
        self.children = [
            widgets.HBox([self.region_picker, self.team_picker, self.rep_picker, self.freq_picker, self.lang_picker],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.error, self.status, self.headline,
            widgets.HBox([widgets.VBox([self.levers_title, self.levers_help, self.lever_box, self.reset_button]),
                          self.chart_box], layout=widgets.Layout(flex_flow="row wrap")),
            self.tabs, self.details,
        ]
        try:
            self.data = as_sales_data(data, caller="TargetsWhatIf")
            self._reps = self._read_reps(self.data.reps)
        except Exception as exc:  # shown to the viewer instead of a hidden traceback
            self.data, self._reps = None, pd.DataFrame(columns=["rep_id", "name", "team", "region"])
            self.error.show(exc)
        self._plans, self._skipped, self._plans_folder = plan_files(plans)
        options = [(f"{plan.name} ({path.name})", path.name) for path, plan in self._plans]
        self.plan_a_picker.options = options
        self.plan_b_picker.options = options
        if options:
            self.plan_a_picker.value = options[0][1]
            self.plan_b_picker.value = options[min(1, len(options) - 1)][1]
        self._quiet = True
        try:
            self.lang = lang
            self.freq = freq
            self._set_scope_options()
            for picker, trait in [(self.region_picker, "region"), (self.team_picker, "team"),
                                  (self.rep_picker, "rep"), (self.freq_picker, "freq"), (self.lang_picker, "lang")]:
                widgets.link((picker, "value"), (self, trait))
        finally:
            self._quiet = False
        self.observe(self._on_scope, names=["region", "team", "rep"])
        self.observe(self._on_freq, names=["freq"])
        self.observe(self._on_lang, names=["lang"])
        self.plan_a_picker.observe(self._on_plan, names="value")
        self.plan_b_picker.observe(self._on_plan, names="value")
        self.tabs.observe(self._on_tab, names="selected_index")
        self._apply_language()
        if self.data is not None:
            self._on_freq()

    # ---------------------------------------------------------------- the package, cached
    def model_for(self, freq: str):
        """The fitted :class:`~workbench.targets.WhatIfModel` of a period length (fitted once)."""
        from workbench.periods import parse_period
        from workbench.targets.whatif import WhatIfModel

        if freq not in self._models:
            started = time.perf_counter()
            headline = self.headline_forecast
            if headline is not None and parse_period(headline.period).freq != freq:
                headline = None  # made for the other period length
            self._models[freq] = WhatIfModel(freq=freq, n_sims=self.n_sims).fit(self.data, headline=headline,
                                                                              shock_sd=self.shock_sd)
            self.timings_[f"fit {freq}"] = time.perf_counter() - started
        return self._models[freq]

    @property
    def model(self):
        """The model of the period length picked."""
        return self.model_for(self.freq)

    @property
    def scope(self) -> tuple[str, str]:
        """``(entity_type, entity_id)``: the most specific of rep, team and region picked; else the company."""
        for level in ("rep", "team", "region"):
            if getattr(self, level):
                return level, getattr(self, level)
        return "company", "company"

    @property
    def levers(self) -> Levers:
        """The lever setting of the sliders."""
        values = {key: slider.value for key, slider in self.sliders.items()}
        stages = {k.split(":", 1)[1]: float(v) for k, v in values.items() if k.startswith(f"{_STAGE}:")}
        return Levers(follow_up=float(values.get("follow_up", 0.0)), stage_conversion=stages,
                      activity=float(values.get("activity", 0.0)), deal_size=float(values.get("deal_size", 0.0)),
                      cycle=float(values.get("cycle", 0.0)), headcount=int(values.get("headcount", 0)))

    def reset(self) -> None:
        """Every lever back to zero, then one projection (the baseline)."""
        with self._holding():
            for slider in self.sliders.values():
                slider.value = 0
        self.recompute()

    # ---------------------------------------------------------------- computing
    def recompute(self) -> None:
        """Project the scope with the sliders' levers and redraw (errors go to the error box)."""
        if self.data is None:
            return
        try:
            self.error.clear()
            started = time.perf_counter()
            model = self.model
            self.projection = model.project(self.levers, self.scope, lang=self.lang)
            self.n_projections_ += 1
            self.timings_["project"] = time.perf_counter() - started
            self._draw_main()
            self.payouts = None  # simulated when the payouts tab is shown
            self._draw_details()
        except Exception as exc:  # shown to the viewer instead of a hidden traceback
            self.error.show(exc)

    def _simulate_payouts(self):
        """Plan A per rep and the two plans compared, over the projection's draws per rep."""
        if not self._plans or self.projection is None:
            return None
        plans = {path.name: plan for path, plan in self._plans}
        plan_a, plan_b = plans[self.plan_a_picker.value], plans[self.plan_b_picker.value]
        draws = self.projection.rep_draws
        targets = self._targets("rep").reindex(draws.index.astype(str))
        kwargs = {}
        notes = []
        if self.scope[0] != "rep":
            teams = self._reps.set_index("rep_id")["team"].reindex(draws.index.astype(str)).astype(str)
            kwargs = {"teams": teams.tolist(), "team_targets": self._targets("team").reindex(teams.unique())}
        elif plan_a.team_bonus is not None or plan_b.team_bonus is not None:
            notes.append(self._t("rep_team_bonus"))
        sim_a = simulate_payouts(plan_a, draws, targets, **kwargs)
        sim_b = simulate_payouts(plan_b, draws, targets, **kwargs) if plan_b is not plan_a else sim_a
        compared = compare_simulations(sim_a, sim_b)
        notes += [n for n in compared.attrs.get("notes", []) if not n.startswith("Team bonus left out")]
        return {"a": sim_a, "b": sim_b, "compared": compared, "notes": notes}

    def _targets(self, level: str) -> pd.Series:
        """The period's bookings target of each entity of ``level`` (the baseline's), by entity id."""
        base = self.model.baseline_
        rows = base[base["entity_type"] == level]
        return pd.Series(rows["target"].to_numpy(float), index=rows["entity_id"].astype(str).to_numpy())

    # ---------------------------------------------------------------- drawing
    def _scope_label(self) -> str:
        level, entity = self.scope
        if level == "company":
            return self._t("company")
        return entity

    def _draw_main(self) -> None:
        """The headline and the fan chart (first: what the viewer watches while the rest is drawn)."""
        p = self.projection
        s = p.summary
        self._draw_fan()
        head = self._t("headline", scope=escape_html(self._scope_label()), period=p.period, mean=_money(s["mean"]),
                       p10=_money(s["p10"]), p90=_money(s["p90"]))
        base = self._t("vs_baseline", mean=_money(s["baseline_mean"]), change=_signed(s["change"]))
        if np.isfinite(s["target"]):
            goal = (self._t("target", target=_money(s["target"])) + " · <span class=\"wb-odds\">"
                    + self._t("odds", p=_pct(s["p_reach_target"]), base=_pct(s["baseline_p_reach_target"]))
                    + "</span>")
        else:
            goal = f'<span class="wb-odds">{self._t("no_target", period=p.period)}</span>'
        hires = self._t("hires", n=s["hires"], value=_money(s["hires_mean"])) if s.get("hires") else ""
        self.headline.value = (f'<div class="wb-whatif-headline" style="font-size:1.1em;line-height:1.6">'
                               f'<span class="wb-projection">{head}</span> · {base}<br>{goal}'
                               + (f"<br><small>{hires}</small>" if hires else "") + "</div>")

    def _draw_fan(self) -> None:
        """The fan chart. A new scope, period or language builds it; a lever change swaps only its data.

        Building an Altair chart and validating its spec takes ~0.2 s; the lever sliders must
        answer faster, so for them the drawn spec keeps its layers and gets the new rows of
        :func:`whatif_fan_frames` (the same frames :func:`whatif_fan` draws).
        """
        p = self.projection
        as_of = getattr(self.model, "as_of_", None)
        key = (p.scope, p.period, self.lang, str(as_of))
        if self.fan is None or key != self._fan_key:
            chart = whatif_fan(p, self.lang, as_of=as_of)
            if self.fan is None:
                self.fan = chart_widget(chart)
                self.chart_box.children = [self.fan]
            else:
                show_chart(self.fan, chart)
            self._fan_key = key
            return
        frames = whatif_fan_frames(p, self.lang, as_of=as_of)
        by_layer = [frames["bands"], frames["lines"], frames["target"], frames["target"]]
        spec = dict(self.fan.spec)
        datasets = dict(spec.get("datasets", {}))
        for layer, frame in zip(spec["layer"], by_layer):
            name = layer.get("data", {}).get("name")
            if name is not None:
                datasets[name] = _records(frame)
        spec["datasets"] = datasets
        self.fan.spec = spec

    def _draw_details(self) -> None:
        self._draw_scope_table()
        self._draw_activity_plan()
        self._draw_assumptions()
        self._show_payouts()

    def _draw_scope_table(self) -> None:
        table = self.projection.table
        company = self._t("company")
        shown = pd.DataFrame({
            self._t("entity"): [company if t == "company" else str(e) for t, e in
                                zip(table["entity_type"], table["entity_id"])],
            self._t("col_target"): table["target"].map(_money), self._t("booked"): table["booked_to_date"].map(_money),
            self._t("base_mean"): table["baseline_mean"].map(_money),
            self._t("base_range"): [f"{_money(a)} – {_money(b)}" for a, b in
                                    zip(table["baseline_p10"], table["baseline_p90"])],
            self._t("base_odds"): table["baseline_p_reach_target"].map(_pct),
            self._t("mean"): table["mean"].map(_money),
            self._t("range"): [f"{_money(a)} – {_money(b)}" for a, b in zip(table["p10"], table["p90"])],
            self._t("odds_col"): table["p_reach_target"].map(_pct), self._t("change"): table["change"].map(_signed),
        })
        self.scope_html.value = html_table(shown, css_class="wb-whatif-table", numeric=list(shown.columns[1:]),
                                           index=False)

    def _draw_activity_plan(self) -> None:
        plan, mix = self.projection.activity_plan, self.projection.activity_mix
        if plan.empty or not np.isfinite(plan["activities_per_workday"].to_numpy(float)).any():
            self.plan_html.value = f"<p>{self._t('no_plan')}</p>"
            return
        by_rep = pd.DataFrame({
            self._t("rep"): plan["rep_id"].astype(str), self._t("team"): plan["team"].astype(str),
            self._t("col_target"): plan["target"].map(_money),
            self._t("deals_week"): plan["deals_won_per_week"].map(_rate),
            self._t("acts_week"): plan["activities_per_week"].map(_rate),
            self._t("acts_day"): plan["activities_per_workday"].map(_rate),
            self._t("today_day"): plan["current_activities_per_workday"].map(_rate),
            self._t("gap_day"): plan["gap_per_workday"].map(lambda v: "–" if not np.isfinite(v) else f"{v:+,.1f}"),
        })
        by_type = pd.DataFrame({
            self._t("type"): mix["type"].astype(str), self._t("per_week"): mix["per_week"].map(_rate),
            self._t("per_day"): mix["per_workday"].map(_rate),
            self._t("today_day"): mix["current_per_workday"].map(_rate),
        })
        self.plan_html.value = (
            f"<p>{escape_html(self._t('plan_intro'))}</p><b>{self._t('by_type')}</b>"
            + html_table(by_type, css_class="wb-activity-mix", numeric=list(by_type.columns[1:]), index=False)
            + f"<br><b>{self._t('by_rep')}</b>"
            + html_table(by_rep, css_class="wb-activity-plan", numeric=list(by_rep.columns[2:]), index=False))

    def _show_payouts(self) -> None:
        """Simulate (if not done for this projection) and draw the payouts, when their tab is shown.

        Four plan simulations over every rep's draws take longer than the projection: they
        are left for when the viewer looks at them, so the sliders stay quick.
        """
        if self.tabs.selected_index != _PAYOUT_TAB or self.projection is None:
            return
        if self.payouts is None:
            self.payouts = self._simulate_payouts()
        self._draw_payouts()

    def _draw_payouts(self) -> None:
        if not self._plans:
            where = str(self._plans_folder) if self._plans_folder is not None else "docs/"
            self.payout_html.value = f"<p>{escape_html(self._t('no_plans', where=where, env=PLANS_ENV_VAR))}</p>"
            return
        if self.payouts is None:
            self.payout_html.value = ""
            return
        pay, lang = self.payouts, self.lang
        compared = pay["compared"]
        plan_cols = [c for c in compared.columns if c not in ("metric", "label", "difference")]
        rows = []
        for _, r in compared.iterrows():
            key = _COMPARE_FIGURES.get(r["metric"])
            share = key is not None and PAYOUT_FIGURES[key].unit == "share"
            fmt = _pct if share else _money
            diff = r["difference"]
            rows.append([payout_label(key, lang) if key else r["label"], *[fmt(r[c]) for c in plan_cols],
                         (f"{diff:+.0%}" if share else _signed(diff)) if np.isfinite(diff) else "–"])
        totals = pd.DataFrame(rows, columns=[self._t("figure"), *plan_cols, self._t("difference")])
        a, b = pay["a"].by_rep, pay["b"].by_rep
        name_a, name_b = pay["a"].plan.name, pay["b"].plan.name
        by_rep = pd.DataFrame({
            self._t("rep"): a["rep_id"].astype(str), payout_label("target", lang): a["target"].map(_money),
            payout_label("bookings", lang): a["bookings_mean"].map(_money),
            f"{payout_label('payout_mean', lang)} · {name_a}": a["payout_mean"].map(_money),
            f"{payout_label('payout_p10', lang)} – P90": [f"{_money(x)} – {_money(y)}" for x, y in
                                                       zip(a["payout_p10"], a["payout_p90"])],
            payout_label("p_target", lang): a["p_target"].map(_pct),
            payout_label("cost_of_sales", lang): a["cost_of_sales"].map(lambda v: _pct(v) if np.isfinite(v) else "–"),
            f"{payout_label('payout_mean', lang)} · {name_b}": b["payout_mean"].map(_money),
        })
        notes = list(pay["notes"])
        unit_words = {"M": self._t("month"), "Q": self._t("quarter")}
        for plan in {pay["a"].plan.name: pay["a"].plan, pay["b"].plan.name: pay["b"].plan}.values():
            if plan.freq != self.freq:
                notes.append(self._t("plan_period", plan=plan.name, unit=unit_words.get(plan.freq, plan.freq),
                                     period_unit=unit_words[self.freq]))
        if self._skipped:
            notes.append(self._t("skipped", files=", ".join(p.name for p in self._skipped)))
        notes_html = "".join(f'<div class="wb-note" style="color:#5f4b00">{escape_html(n)}</div>' for n in notes)
        self.payout_html.value = (
            f"<p>{escape_html(self._t('pay_intro'))}</p><b>{self._t('pay_totals')}</b>"
            + html_table(totals, css_class="wb-payout-compare", numeric=list(totals.columns[1:]), index=False)
            + f"<br><b>{escape_html(self._t('pay_by_rep', plan=name_a))}</b>"
            + html_table(by_rep, css_class="wb-payouts", numeric=list(by_rep.columns[1:]), index=False)
            + notes_html)

    def _draw_assumptions(self) -> None:
        a = self.projection.assumptions
        shown = pd.DataFrame({
            self._t("lever"): [LEVERS[k].label(self.lang) if k in LEVERS else k for k in a["lever"]],
            self._t("what"): a["figure_zh" if self.lang == "zh" else "figure"].astype(str),
            self._t("value"): a["value"].map(lambda v: "–" if not np.isfinite(v) else f"{v:,.3g}"),
            self._t("moved"): a["moved"].map(lambda m: "✓" if m else ""),
            self._t("source"): a["source_zh" if self.lang == "zh" else "source"].astype(str),
        })
        model_notes = getattr(self.model, "notes_zh_", self.model.notes_) if self.lang == "zh" else self.model.notes_
        notes = list(dict.fromkeys([*self.projection.notes, *model_notes]))
        notes_html = ("<ul>" + "".join(f"<li>{escape_html(n)}</li>" for n in notes) + "</ul>") if notes else \
            f"<p>{self._t('no_notes')}</p>"
        self.details_html.value = (
            f'<div class="wb-whatif-assumptions"><b>{self._t("assumptions")}</b>'
            + html_table(shown, css_class="wb-assumptions", numeric=[self._t("value")], wrap=[self._t("source")],
                         index=False)
            + f"<b>{self._t('notes')}</b>{notes_html}</div>")

    # ---------------------------------------------------------------- sliders
    def _build_sliders(self, steps) -> None:
        """One slider per lever (one per funnel step for conversion), keeping the values already set."""
        old = {k: s.value for k, s in self.sliders.items()}
        keys = ["follow_up", *[f"{_STAGE}:{s}" for s in steps], "activity", "deal_size", "cycle", "headcount"]
        if list(self.sliders) == keys:
            return
        sliders = {}
        for key in keys:
            lever = LEVERS[key.split(":", 1)[0]]
            common = {"min": lever.minimum, "max": lever.maximum, "step": lever.step, "continuous_update": False,
                      "style": {"description_width": "270px"}, "layout": widgets.Layout(width="530px")}
            if lever.unit == "count":
                slider = widgets.IntSlider(value=int(old.get(key, 0)), **common)
            else:
                slider = widgets.FloatSlider(value=float(old.get(key, 0.0)), readout_format="+.0%", **common)
            slider.observe(self._on_slider, names="value")
            sliders[key] = slider
        self.sliders = sliders
        self.lever_box.children = list(sliders.values())
        self._label_sliders()

    def _label_sliders(self) -> None:
        for key, slider in self.sliders.items():
            lever, _, step = key.partition(":")
            label = LEVERS[lever].label(self.lang)
            slider.description = f"{label} {step}" if step else label
            slider.description_allow_html = False

    @contextmanager
    def _holding(self):
        quiet, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = quiet

    # ---------------------------------------------------------------- pickers
    @staticmethod
    def _read_reps(reps: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame({"rep_id": reps["rep_id"].astype(str)})
        out["name"] = reps["name"].astype(str) if "name" in reps else out["rep_id"]
        out["team"] = reps["team"].astype(str)
        out["region"] = reps["region"].astype(str) if "region" in reps else ""
        return out.sort_values("rep_id", key=lambda s: s.map(natural_key)).reset_index(drop=True)

    def _set_scope_options(self) -> None:
        """Region, team and rep lists, each narrowed to the one above; keeps what is still in them."""
        reps = self._reps
        regions = sorted({r for r in reps["region"] if r}, key=natural_key)
        in_region = reps if not self.region else reps[reps["region"] == self.region]
        teams = sorted(in_region["team"].unique(), key=natural_key)
        team = self.team if self.team in set(teams) else ""
        in_team = in_region if not team else in_region[in_region["team"] == team]
        rep = self.rep if self.rep in set(in_team["rep_id"]) else ""
        with self.hold_trait_notifications():
            self.region_picker.options = [(self._t("all_regions"), ""), *[(r, r) for r in regions]]
            self.region_picker.value = self.region
            self.team_picker.options = [(self._t("all_teams"), ""), *[(t, t) for t in teams]]
            self.team_picker.value = team
            self.rep_picker.options = [(self._t("no_rep"), ""), *[
                (f"{r} · {n}" if n != r else r, r) for r, n in zip(in_team["rep_id"], in_team["name"])]]
            self.rep_picker.value = rep
        self.team, self.rep = team, rep

    def _apply_language(self) -> None:
        with self._holding():
            for picker, key in [(self.region_picker, "region"), (self.team_picker, "team"),
                                (self.rep_picker, "rep"), (self.freq_picker, "period"), (self.lang_picker, "language"),
                                (self.plan_a_picker, "plan_a"), (self.plan_b_picker, "plan_b")]:
                picker.description = self._t(key)
            freq = self.freq
            self.freq_picker.options = self._freq_options(self.lang)
            self.freq_picker.value = freq
            self._set_scope_options()
        self.levers_title.value = f"<h3 style=\"margin:4px 0\">{self._t('levers')}</h3>"
        self.levers_help.value = f"<small>{escape_html(self._t('levers_help'))}</small>"
        self.reset_button.description = self._t("reset")
        self._label_sliders()
        for i, key in enumerate(("tab_scope", "tab_plan", "tab_pay")):
            self.tabs.set_title(i, self._t(key))
        self.details.set_title(0, self._t("details"))

    def _t(self, key: str, **fmt) -> str:
        """The word ``whatif.<key>`` in the panel's language, else the shared ``app.<key>``."""
        own = f"whatif.{key}"
        return message(own if own in MESSAGES else f"app.{key}", self.lang, **fmt)

    @staticmethod
    def _freq_options(lang: str) -> list[tuple[str, str]]:
        return [(message(f"app.freq.{f}", lang), f) for f in ("M", "Q")]

    # ---------------------------------------------------------------- events
    def _on_slider(self, change=None):
        if not self._quiet:
            self.recompute()

    def _on_scope(self, change=None):
        if self._quiet:
            return
        with self._holding():
            self._set_scope_options()
        self.recompute()

    def _on_freq(self, change=None):
        if self._quiet or self.data is None:
            return
        try:
            self.error.clear()
            if self.freq not in self._models:
                what = self._t("month" if self.freq == "M" else "quarter")
                self.status.value = f'<i class="wb-computing">{escape_html(self._t("fitting", what=what))}</i>'
            model = self.model
            self.status.value = ""
            with self._holding():
                self._build_sliders(model.effects_.steps_)
        except Exception as exc:  # shown to the viewer instead of a hidden traceback
            self.status.value = ""
            self.error.show(exc)
            return
        self.recompute()

    def _on_lang(self, change=None):
        self._apply_language()
        if self.projection is not None:
            self.recompute()  # the projection's notes are written in the language asked for

    def _on_tab(self, change=None):
        try:
            self._show_payouts()
        except Exception as exc:  # shown to the viewer instead of a hidden traceback
            self.error.show(exc)

    def _on_plan(self, change=None):
        if self._quiet or self.projection is None:
            return
        try:
            self.payouts = None
            self._show_payouts()
        except Exception as exc:  # shown to the viewer instead of a hidden traceback
            self.error.show(exc)
