"""What-if projection: move levers and see the period's bookings distribution and the odds of target.

The baseline is the pipeline view of the headline forecast
(:func:`workbench.forecast.forecast_headline`): the Monte Carlo of open deals and deals not
created yet (:func:`workbench.forecast.simulation.pipeline_draws`) with the shared period
shock the pipeline backtest calibrated, the same simulations, seed and shock — so the baseline's
chance of reaching target is the number the forecast outlook shows as "P(reach target),
pipeline alone". A lever setting (:class:`~workbench.targets.levers.Levers`) scales, rep by
rep, the two parts of the bookings still to come by the factors
:class:`~workbench.targets.levers.LeverEffects` learned from the data; bookings already won
stay as they are. The levers apply to the reps of the entity picked (a rep, team, region or
the company); every lever at zero returns the baseline exactly.

Examples
--------
>>> from workbench.sample import generate_sample
>>> model = WhatIfModel(n_sims=500).fit(generate_sample(n_reps=12, months=18, seed=3), shock_sd=0.3)
>>> base = model.project(Levers(), scope=("team", model.teams_[0]))
>>> faster = model.project(Levers(cycle=-0.3, activity=0.2), scope=("team", model.teams_[0]))
>>> bool(faster.summary["mean"] > base.summary["mean"])
True
>>> base.summary["mean"] == base.summary["baseline_mean"]
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.contract import ENTITY_TYPES
from workbench.errors import DataError
from workbench.forecast.simulation import entity_draws, pipeline_draws, shock_factors, summarise_draws
from workbench.io.load import as_sales_data
from workbench.memo import remember
from workbench.params import check_choice, check_lang, check_param
from workbench.periods import normalize_freq
from workbench.targets.levers import LEVERS, LeverEffects, Levers

__all__ = ["WhatIfModel", "Projection", "PROJECTION_COLUMNS"]

#: Columns of :attr:`Projection.table`.
PROJECTION_COLUMNS = [
    "entity_type", "entity_id", "period", "target", "booked_to_date",
    "baseline_mean", "baseline_p10", "baseline_p50", "baseline_p90", "baseline_p_reach_target",
    "mean", "p10", "p50", "p90", "p_reach_target", "change",
]
_CHILD = {"company": "region", "region": "team", "team": "rep", "rep": None}
_FAN_QUANTILES = (10, 25, 50, 75, 90)


@dataclass(frozen=True)
class Projection:
    """The bookings of one entity and its parts for one lever setting.

    Attributes
    ----------
    period : str
        The period projected, e.g. ``"2026-11"``.
    scope : tuple of str
        ``(entity_type, entity_id)`` the levers apply to.
    levers : Levers
    table : DataFrame
        :data:`PROJECTION_COLUMNS`, the scope first, then the entities one level below it
        (a team's reps, a region's teams, the company's regions).
    summary : dict
        The scope's row as a dict, plus ``hires`` (the reps added) and ``hires_mean`` (what they bring).
    draws, baseline_draws : ndarray
        The scope's bookings in each simulation, with the levers and at the baseline.
    rep_draws : DataFrame
        Bookings per rep of the scope (rows) and simulation (columns) with the levers: the
        input of :func:`workbench.incentives.simulate_payouts`.
    activity_plan : DataFrame
        Per rep of the scope: the reverse funnel at the period's target with the levers'
        rates: ``rep_id, team, target, deals_won_per_week, activities_per_week,
        activities_per_workday, current_activities_per_workday, gap_per_workday`` (today's
        level moved by the activity lever).
    activity_mix : DataFrame
        ``type, per_week, per_workday, current_per_workday``: the scope's plan by activity type.
    assumptions : DataFrame
        ``lever, figure, value, source``: what each lever rests on.
    notes : list of str
    """

    period: str
    scope: tuple
    levers: Levers
    table: pd.DataFrame
    summary: dict
    draws: np.ndarray = field(repr=False)
    baseline_draws: np.ndarray = field(repr=False)
    rep_draws: pd.DataFrame = field(repr=False)
    activity_plan: pd.DataFrame = field(repr=False)
    activity_mix: pd.DataFrame = field(repr=False)
    assumptions: pd.DataFrame = field(repr=False)
    notes: list = field(default_factory=list)

    def fan(self) -> pd.DataFrame:
        """Quantiles of the scope's bookings at the period end, what-if and baseline.

        ``scenario`` (``"what-if"`` / ``"baseline"``), ``quantile`` (10, 25, 50, 75, 90), ``bookings``,
        ``booked_to_date``: the input of :func:`workbench.charts.targets.whatif_fan`.
        """
        rows = []
        for name, draws in (("what-if", self.draws), ("baseline", self.baseline_draws)):
            for q, v in zip(_FAN_QUANTILES, np.percentile(draws, _FAN_QUANTILES)):
                rows.append((name, q, float(v)))
        out = pd.DataFrame(rows, columns=["scenario", "quantile", "bookings"])
        out["booked_to_date"] = float(self.summary["booked_to_date"])
        return out


class WhatIfModel:
    """Baseline bookings distribution of the coming period and the levers' effects, per rep.

    Parameters
    ----------
    freq : {"M", "Q"}
        Month or quarter projected (the one after the data's last complete period).
    n_sims, seed : int
        Monte Carlo simulations and seed (the headline forecast's, by default).
    snapshots : int
        Past periods the shared shock is calibrated on, when it is not given.
    lookback_months, prior_strength, ramp_months :
        See :class:`~workbench.targets.levers.LeverEffects`.

    Attributes
    ----------
    period_ : str
    as_of_ : Timestamp
        When the bookings to date were counted (the period start when nothing is booked yet).
    shock_sd_ : float
        The shared period shock used (from the pipeline backtest unless given).
    baseline_ : DataFrame
        :func:`workbench.forecast.simulate_pipeline`'s table for every entity.
    effects_ : LeverEffects
    teams_, regions_, rep_ids_ : list of str
    notes_, notes_zh_ : list of str
        What was left out or fell back to (the headline's, the win model's and the levers'
        notes), in English and in Chinese, in the same order.
    """

    def __init__(self, freq: str = "M", *, n_sims: int = 2000, seed: int = 0, snapshots: int | None = None,
                 lookback_months: int = 12, prior_strength: float = 20.0, ramp_months: int = 6):
        self.freq = freq
        self.n_sims = n_sims
        self.seed = seed
        self.snapshots = snapshots
        self.lookback_months = lookback_months
        self.prior_strength = prior_strength
        self.ramp_months = ramp_months

    def fit(self, data, *, headline=None, deals: pd.DataFrame | None = None, shock_sd: float | None = None,
            progress: bool = False) -> "WhatIfModel":
        """Simulate the baseline and learn the levers' effects.

        Parameters
        ----------
        data : SalesData, path or dict of DataFrames
        headline : HeadlineForecast, optional
            The headline forecast already made at the team level (:func:`forecast_headline`):
            its period, scored open deals and calibrated shock are used, so the baseline is its
            pipeline view. Made here when neither it nor ``shock_sd`` is given.
        deals : DataFrame, optional
            Open deals scored by :meth:`WinModel.predict` (with ``shock_sd``; default: a win model
            fitted here).
        shock_sd : float, optional
            The shared shock, when it is known (skips the backtest).
        progress : bool
            Show progress bars on stderr.

        Notes
        -----
        A model fitted from the data alone (no ``headline``, ``deals`` or ``shock_sd``) is kept
        between sessions by :func:`workbench.memo.remember`: the same data and settings are
        fitted once.
        """
        data = as_sales_data(data, caller="WhatIfModel")
        if headline is None and deals is None and shock_sd is None:
            # fitted from the data alone: the same data and settings give the same model (workbench.memo)
            fitted = remember(_fitted_model, data, settings=self._settings(), unkeyed={"progress": progress})
            self.__dict__.update(fitted.__dict__)
            return self
        return self._fit(data, headline=headline, deals=deals, shock_sd=shock_sd, progress=progress)

    def _settings(self) -> dict:
        return {name: getattr(self, name) for name in ("freq", "n_sims", "seed", "snapshots", "lookback_months",
                                                        "prior_strength", "ramp_months")}

    def _fit(self, data, *, headline, deals, shock_sd, progress) -> "WhatIfModel":
        from workbench.forecast.outlook import DEFAULT_SNAPSHOTS, forecast_headline
        from workbench.forecast.series import next_period
        from workbench.forecast.win import WinModel
        from workbench.kpi.targets import period_targets

        freq = normalize_freq(self.freq)
        check_param("WhatIfModel", "freq", self.freq, "'M' or 'Q'", freq in ("M", "Q"))
        data = as_sales_data(data, caller="WhatIfModel")
        self.notes_, self.notes_zh_ = [], []
        if headline is None and shock_sd is None:
            headline = forecast_headline(data, freq=freq, by="team", n_sims=self.n_sims, seed=self.seed,
                                         snapshots=self.snapshots or DEFAULT_SNAPSHOTS, progress=progress)
        if headline is not None:
            period = headline.period
            deals = headline.deals if deals is None else deals
            bt = headline.backtest
            shock_sd = shock_sd if shock_sd is not None else (bt.attrs.get("shock_sd", 0.0) if bt is not None else 0.0)
            self.notes_.extend(headline.notes)
            self.notes_zh_.extend(headline.notes_zh if len(headline.notes_zh) == len(headline.notes) else headline.notes)
            if deals is None:
                raise DataError("WhatIfModel: the headline forecast has no pipeline view to move levers on: "
                                + "; ".join(n for n in headline.notes if "pipeline" in n.lower()), file="opportunities")
        else:
            period = next_period(data, freq).label
            if deals is None:
                model = WinModel(freq=freq).fit(data)
                deals = model.predict(data)
                self.notes_.extend(model.notes_)
                self.notes_zh_.extend(getattr(model, "notes_zh_", model.notes_))
        self.shock_sd_ = float(shock_sd)
        self.shock_company_share_ = 0.5
        sim = pipeline_draws(deals, data, period, n_sims=self.n_sims, seed=self.seed)
        self._sim = {k: v for k, v in sim.items() if k != "data"}  # the model is kept on disk: not the data again
        self.period_ = sim["period"].label
        self.as_of_ = pd.Timestamp(sim["as_of"])
        self.baseline_ = summarise_draws(sim, shock_sd=self.shock_sd_, shock_company_share=self.shock_company_share_,
                                         seed=self.seed)
        self._baseline_draws = entity_draws(sim, self.shock_sd_, self.shock_company_share_, self.seed)
        self._uids = list(sim["S"].index)
        self._row = {uid: i for i, uid in enumerate(self._uids)}
        keyed = self.baseline_.set_index(self.baseline_["entity_type"] + ":" + self.baseline_["entity_id"].astype(str))
        self._baseline_rows = keyed.reindex(self._uids).reset_index(drop=True)  # in the rows' order of S
        self._S = sim["S"].to_numpy()
        self._F = shock_factors(sim["teams"], self.n_sims, self.shock_sd_, self.shock_company_share_, self.seed)
        self._pipe, self._new = sim["pipe_draws"], sim["run_draws"]
        self.rep_ids_ = list(sim["rep_ids"])
        reps = data.reps.assign(rep_id=data.reps["rep_id"].astype(str)).set_index("rep_id").reindex(self.rep_ids_)
        self.teams_ = sorted(reps["team"].astype(str).unique())
        self.regions_ = sorted(reps["region"].astype(str).unique()) if "region" in reps else []
        targets = period_targets(data.targets, data.reps, "bookings", freq, by="rep", periods=[sim["period"].start])
        rep_targets = targets.set_index(targets["entity_id"].astype(str))["target"].reindex(self.rep_ids_)
        self.effects_ = LeverEffects(self.lookback_months, self.prior_strength, self.ramp_months).fit(
            data, sim["period"], self.rep_ids_, sim["teams"], sim["deals"], rep_targets)
        said = dict(zip([*self.notes_, *self.effects_.notes_], [*self.notes_zh_, *self.effects_.notes_zh_]))
        self.notes_, self.notes_zh_ = list(said), list(said.values())  # each said once, in both languages
        self._prepare_fast()
        return self

    # -- projection ----------------------------------------------------------------------
    def _scope_row(self, scope) -> int:
        check_param("WhatIfModel.project", "scope", scope, "a pair (entity_type, entity_id)",
                    isinstance(scope, (tuple, list)) and len(scope) == 2)
        level, entity = scope
        check_choice("WhatIfModel.project", "scope level", level, ENTITY_TYPES)
        uid = f"{level}:{entity}"
        if uid not in self._row:
            known = [u.split(":", 1)[1] for u in self._uids if u.startswith(f"{level}:")]
            raise ValueError(f"WhatIfModel.project: no {level} {entity!r} in the data; {level}s: "
                             + ", ".join(known[:8]) + (" …" if len(known) > 8 else ""))
        return self._row[uid]

    def _rows_below(self, row: int, level: str) -> list[int]:
        cache = self.__dict__.setdefault("_below_cache", {})
        if row not in cache:
            cache[row] = self._find_rows_below(row, level)
        return cache[row]

    def _find_rows_below(self, row: int, level: str) -> list[int]:
        child = _CHILD[level]
        if child is None:
            return []
        members = self._S[row] > 0
        out = []
        for i, uid in enumerate(self._uids):
            if uid.startswith(f"{child}:") and (self._S[i] > 0).any() and not (self._S[i] > members).any():
                out.append(i)
        return out

    def project(self, levers: Levers | None = None, scope=("company", "company"), lang: str = "en") -> Projection:
        """The scope's bookings distribution with ``levers`` applied to its reps.

        Parameters
        ----------
        levers : Levers, optional
            Default: all at zero (the baseline).
        scope : (entity_type, entity_id)
            ``("team", "East")``, ``("rep", "R007")``, ``("region", "North")`` or
            ``("company", "company")``.
        lang : {"en", "zh"}
            Language of the projection's notes.

        Returns
        -------
        Projection
        """
        if not hasattr(self, "effects_"):
            raise RuntimeError("WhatIfModel is not fitted yet: call fit(data) first.")
        levers = levers if levers is not None else Levers()
        check_param("WhatIfModel.project", "levers", levers, "a Levers", isinstance(levers, Levers))
        level = scope[0] if isinstance(scope, (tuple, list)) and scope else None
        row = self._scope_row(scope)
        members = self._S[row] > 0
        rows = [row, *self._rows_below(row, level)]
        check_lang("WhatIfModel.project", lang)
        notes = []

        def note(en: str, zh: str) -> None:
            notes.append(zh if lang == "zh" else en)

        hires = int(levers.headcount)
        if level == "rep" and hires:
            note("Reps added apply to a team, region or the company, not to one rep: left out.",
                 "新增销售适用于团队、区域或公司，不适用于单个销售：已忽略。")
            hires = 0
        if hires and not np.isfinite(self.effects_.ramp_share_):
            note("Reps added left out: the data's hires give no ramp curve.",
                 "已忽略新增销售：数据中的新员工得不出爬坡曲线。")
            hires = 0
        if levers.follow_up and self.effects_.follow_up_ is None:
            note("Follow-up speed left out: the follow-up effect could not be fitted.",
                 "已忽略跟进提速：无法拟合跟进效应。")
        m_pipe, m_new = self.effects_.multipliers(levers, members)
        if levers.follow_up or levers.activity or levers.deal_size or hires:
            new, pipe = self._sim["run"][members].sum(), self._sim["pipe"][members].sum()
            share = new / (new + pipe) if new + pipe > 0 else float("nan")
            cycles = self.effects_.won_cycles_
            if np.isfinite(share) and share < 0.2:
                monthly = self.period_[4:6] != "-Q"
                note(f"Follow-up speed, activity, deal size and reps added act on deals not created yet, which make "
                     f"{share:.0%} of the bookings still expected in {self.period_}"
                     + (f" (won deals take {np.median(cycles):.0f} days from creation to close at the median)"
                        if len(cycles) else "")
                     + ": their effect shows mostly in later periods" + ("; a quarter shows more of it." if monthly else "."),
                     f"跟进速度、活动量、平均成交额和新增销售作用于尚未创建的商机，它们只占 {self.period_} 预计待签约额的 "
                     f"{share:.0%}" + (f"（赢单商机从创建到成交的中位数为 {np.median(cycles):.0f} 天）" if len(cycles) else "")
                     + "：其效果主要体现在之后的周期" + ("；按季度查看能看到更多。" if monthly else "。"))
        if levers.is_baseline:
            draws = self._baseline_draws[rows]
            rep_totals = self._baseline_draws[[self._row[f"rep:{r}"] for r, m in zip(self.rep_ids_, members) if m]]
        else:
            rep_totals = self._rep_totals(m_pipe, m_new, members)
            draws = self._S[rows][:, members] @ rep_totals
        hires_draws = np.zeros(self.n_sims)
        if hires:
            per_rep_new = (self._new[members] * m_new[members, None] * self._F[members]).mean(axis=0)
            hires_draws = hires * self.effects_.ramp_share_ * per_rep_new
            draws = draws.copy()
            draws[0] = draws[0] + hires_draws
        table = self._table(rows, draws)
        summary = table.iloc[0].to_dict()
        summary.update(hires=hires, hires_mean=float(hires_draws.mean()))
        rep_ids = [r for r, m in zip(self.rep_ids_, members) if m]
        plan, mix = self._activity_plan(levers, rep_ids, members)
        return Projection(
            period=self.period_, scope=(str(scope[0]), str(scope[1])), levers=levers, table=table, summary=summary,
            draws=draws[0], baseline_draws=self._baseline_draws[row],
            rep_draws=pd.DataFrame(rep_totals, index=pd.Index(rep_ids, name="rep_id")),
            activity_plan=plan, activity_mix=mix, assumptions=self._assumptions(levers),
            notes=[*notes, *(self.effects_.notes_zh_ if lang == "zh" else self.effects_.notes_)])

    def _rep_totals(self, m_pipe, m_new, members) -> np.ndarray:
        """Bookings per rep of the scope and simulation: booked + the parts still to come, scaled, times the shock
        (the arithmetic of :func:`~workbench.forecast.simulation.entity_draws`)."""
        to_come = self._pipe[members] * m_pipe[members, None] + self._new[members] * m_new[members, None]
        return to_come * self._F[members] + self._sim["booked"][members, None]

    def _prepare_fast(self) -> None:
        """Arrays of everything a projection reads, so a lever change costs numpy work only."""
        b = self._baseline_rows
        self._base = {c: b[c].to_numpy(float) for c in ("target", "booked_to_date", "mean", "p10", "p50", "p90",
                                                           "p_reach_target")}
        self._base_ids = (b["entity_type"].to_numpy(object), b["entity_id"].astype(str).to_numpy(object))
        plan = self.effects_.funnel_.plan.set_index("rep_id").reindex(self.rep_ids_)
        self._plan = {c: plan[c].to_numpy(float) for c in ("activities", "weeks", "workdays", "target",
                                                             "current_activities_per_workday", "deals_won_per_week")}
        self._plan_team = np.asarray(self._sim["teams"], dtype=object)
        mix = self.effects_.funnel_.activity_plan
        self._mix_types = sorted(mix["type"].unique()) if len(mix) else []
        self._mix = {}
        for col in ("per_week", "per_workday", "current_per_workday"):
            wide = (mix.pivot_table(index="rep_id", columns="type", values=col, aggfunc="sum")
                    .reindex(index=self.rep_ids_, columns=self._mix_types) if len(mix) else pd.DataFrame())
            self._mix[col] = wide.to_numpy(float) if len(mix) else np.zeros((len(self.rep_ids_), 0))
        self._rates_known = np.isfinite(self.effects_.pass_rates_.to_numpy(float)).all(axis=1)
        a = self.effects_.assumptions_.copy()
        a.insert(1, "label", a["lever"].map(lambda k: LEVERS[k].label_en))
        self._assumption_rows = a

    def _table(self, rows, draws) -> pd.DataFrame:
        rows = np.asarray(rows)
        base = {k: v[rows] for k, v in self._base.items()}
        q = np.percentile(draws, [10, 50, 90], axis=1)
        target = base["target"]
        known = np.isfinite(target)
        reach = np.full(len(rows), np.nan)
        reach[known] = (draws[known] >= target[known, None]).mean(axis=1)
        mean = draws.mean(axis=1)
        return pd.DataFrame({
            "entity_type": self._base_ids[0][rows], "entity_id": self._base_ids[1][rows], "period": self.period_,
            "target": target, "booked_to_date": base["booked_to_date"],
            "baseline_mean": base["mean"], "baseline_p10": base["p10"], "baseline_p50": base["p50"],
            "baseline_p90": base["p90"], "baseline_p_reach_target": base["p_reach_target"],
            "mean": mean, "p10": q[0], "p50": q[1], "p90": q[2], "p_reach_target": reach,
            "change": mean - base["mean"],
        }, columns=PROJECTION_COLUMNS)

    def _activity_plan(self, levers: Levers, rep_ids, members):
        """The reverse funnel of the scope's reps with the levers' rates and today's level moved."""
        pos = np.flatnonzero(members)
        plan = {k: v[pos] for k, v in self._plan.items()}
        steps = self.effects_._step_factors(levers)[pos]
        # the rep's win chance per decided deal moves by the capped step factors and the follow-up effect
        win = np.where(self._rates_known[pos], steps.prod(axis=1), 1.0)
        efficiency = win * (1.0 + levers.deal_size) * self.effects_.follow_up_ratio(levers.follow_up)[pos]
        needed = plan["activities"] / efficiency
        current = plan["current_activities_per_workday"] * (1.0 + levers.activity)
        per_workday = needed / plan["workdays"]
        out = pd.DataFrame({
            "rep_id": rep_ids, "team": self._plan_team[pos], "target": plan["target"],
            "deals_won_per_week": plan["deals_won_per_week"] / (1.0 + levers.deal_size),
            "activities_per_week": needed / plan["weeks"], "activities_per_workday": per_workday,
            "current_activities_per_workday": current, "gap_per_workday": per_workday - current,
        })
        scale = (1.0 / efficiency)[:, None]
        mix = pd.DataFrame({
            "type": self._mix_types,
            "per_week": np.nansum(self._mix["per_week"][pos] * scale, axis=0),
            "per_workday": np.nansum(self._mix["per_workday"][pos] * scale, axis=0),
            "current_per_workday": np.nansum(self._mix["current_per_workday"][pos], axis=0) * (1.0 + levers.activity),
        }, columns=["type", "per_week", "per_workday", "current_per_workday"])
        mix = mix.sort_values("per_workday", ascending=False, kind="stable").reset_index(drop=True)
        return out, mix

    def _assumptions(self, levers: Levers) -> pd.DataFrame:
        a = self._assumption_rows.copy()
        moved = {k.split(":", 1)[0] for k in levers.moved()}
        a.insert(2, "moved", [k in moved for k in a["lever"]])
        return a


def _fitted_model(data, *, settings: dict, progress: bool) -> WhatIfModel:
    """A :class:`WhatIfModel` with ``settings`` fitted on ``data`` alone (what :func:`remember` keeps)."""
    return WhatIfModel(**settings)._fit(data, headline=None, deals=None, shock_sd=None, progress=progress)
