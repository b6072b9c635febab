"""What-if levers: what a manager can move, and how far each move shifts bookings, from the data.

Six levers, each declared once in :data:`LEVERS` with its labels (English / 中文), range and
where its effect comes from. :class:`Levers` holds one setting of them; all at zero is the
baseline. :class:`LeverEffects` learns, from the data, how a setting changes each rep's
bookings still to come in the period, split like the pipeline simulation
(:func:`workbench.forecast.simulation.pipeline_draws`) into **open deals** and **deals not
created yet**:

* ``follow_up`` (time to first touch shorter by a share): the diagnosis' follow-up effect
  (:func:`workbench.diagnose.fit_follow_up_effect`, the same regression the diagnosis
  reports) re-predicts the win chance of each rep's decided deals of the window with their
  follow-up hours shortened; the ratio of expected won amounts scales the rep's new deals.
  Open deals were followed up already: unchanged.
* ``stage_conversion`` (relative change of one funnel step's pass rate): the funnel identity
  of the gap decomposition (:mod:`workbench.diagnose.decomposition`) — bookings are
  proportional to every pass rate — with the rep's own shrunk rate (the reverse funnel's,
  :func:`workbench.targets.reverse_funnel`) capped at 100 %. It scales new deals and the win
  chance of open deals that still have to pass the step.
* ``activity`` and ``deal_size`` (relative changes): the same identity, holding decided deals
  per activity at the rep's rate; they scale new deals (open deals' amounts are already set).
* ``cycle`` (relative change of cycle time; negative is faster): for open deals the chance of
  closing in the period under a constant closing rate (the win model's own assumption for
  months from quarters), ``1 - (1 - p) ** (1 / (1 + c))``; for new deals the share of the
  window's won deals whose cycle, scaled by ``1 + c``, still fits in the period after a
  creation date spread evenly over it.
* ``headcount`` (reps added at the period start): each brings the ramp share of its first
  months (:func:`workbench.targets.ramp_curve`) times the average new business of the reps
  the levers apply to.

Every lever at zero gives multipliers of exactly 1, so the projection is the baseline.

Examples
--------
>>> Levers(activity=0.1).is_baseline, Levers().is_baseline
(False, True)
>>> LEVERS["cycle"].label("zh")
'销售周期'
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import MappingProxyType

import numpy as np
import pandas as pd

from workbench.params import check_lang, check_param

__all__ = ["Lever", "LEVERS", "Levers", "LeverEffects", "cycle_share_of_new_deals"]


@dataclass(frozen=True)
class Lever:
    """One lever: key, labels, unit, range of the slider and where its effect comes from."""

    key: str
    label_en: str
    label_zh: str
    unit: str  # "change" (relative, 0.1 = +10 %) or "count"
    minimum: float
    maximum: float
    step: float
    definition: str
    source: str

    def label(self, lang: str = "en") -> str:
        """The label in ``lang`` (``"en"`` or ``"zh"``)."""
        check_lang("Lever.label", lang)
        return self.label_zh if lang == "zh" else self.label_en


#: Every lever, in the order the what-if app shows them.
LEVERS = MappingProxyType({lv.key: lv for lv in [
    Lever("follow_up", "Follow-up faster by", "跟进提速", "change", 0.0, 0.9, 0.05,
          "time from a deal's creation to its first activity, shorter by this share (0.3 = 30 % faster)",
          "the diagnosis' follow-up regression (win ~ log1p(follow-up hours) + amount + product + source) "
          "on the window's decided deals"),
    Lever("stage_conversion", "Conversion at", "阶段转化率", "change", -0.5, 0.5, 0.05,
          "pass rate of one funnel step, changed by this share of itself (capped at 100 %)",
          "the funnel identity of the gap decomposition, with each rep's shrunk pass rate (reverse funnel)"),
    Lever("activity", "Activity volume", "活动量", "change", -0.5, 1.0, 0.05,
          "activities logged, changed by this share; decided deals per activity stay at the rep's rate",
          "the funnel identity of the gap decomposition (bookings proportional to activities)"),
    Lever("deal_size", "Deal size", "平均成交额", "change", -0.5, 0.5, 0.05,
          "average won deal of deals not created yet, changed by this share",
          "the funnel identity of the gap decomposition (bookings proportional to the average won deal)"),
    Lever("cycle", "Cycle time", "销售周期", "change", -0.5, 0.5, 0.05,
          "time from creation to close, changed by this share (negative = faster)",
          "open deals: the win model's chance of closing in the period under a constant closing rate; "
          "new deals: the window's won deals' cycle lengths"),
    Lever("headcount", "Reps added", "新增销售", "count", 0, 10, 1,
          "reps hired at the start of the period into the team, region or company picked",
          "the ramp curve learned from the data's new hires times the average rep's new business"),
]})


@dataclass(frozen=True)
class Levers:
    """One setting of the levers (all zero: the baseline).

    Parameters
    ----------
    follow_up : float
        Share by which time to first touch gets shorter, in [0, 0.9].
    stage_conversion : mapping of str to float
        Funnel step label (e.g. ``"Qualification→Proposal"``, as in the diagnosis) → relative
        change of its pass rate, each in [-0.5, 0.5].
    activity, deal_size, cycle : float
        Relative changes (0.1 = +10 %), within the ranges of :data:`LEVERS`.
    headcount : int
        Reps added at the start of the period, 0-10.
    """

    follow_up: float = 0.0
    stage_conversion: dict = field(default_factory=dict)
    activity: float = 0.0
    deal_size: float = 0.0
    cycle: float = 0.0
    headcount: int = 0

    def __post_init__(self):
        for f in fields(self):
            lever = LEVERS[f.name]
            values = getattr(self, f.name)
            items = values.items() if f.name == "stage_conversion" else [(f.name, values)]
            for name, value in items:
                ok = isinstance(value, (int, float, np.integer, np.floating)) and np.isfinite(value) \
                    and lever.minimum - 1e-12 <= value <= lever.maximum + 1e-12
                if lever.unit == "count":
                    ok = ok and float(value).is_integer()
                what = f.name if f.name != "stage_conversion" else f"stage_conversion[{name}]"
                check_param("Levers", what, value, f"a number from {lever.minimum:g} to {lever.maximum:g}"
                            + (" (whole reps)" if lever.unit == "count" else ""), ok)
        object.__setattr__(self, "stage_conversion", dict(self.stage_conversion))

    @property
    def is_baseline(self) -> bool:
        """Whether every lever is at zero."""
        return (self.follow_up == 0 and self.activity == 0 and self.deal_size == 0 and self.cycle == 0
                and self.headcount == 0 and not any(self.stage_conversion.values()))

    def moved(self) -> dict:
        """The levers away from zero, ``{key: value}`` (stage steps as ``stage_conversion:<step>``)."""
        out = {k: getattr(self, k) for k in ("follow_up", "activity", "deal_size", "cycle", "headcount")
               if getattr(self, k)}
        out.update({f"stage_conversion:{s}": v for s, v in self.stage_conversion.items() if v})
        return out


def cycle_share_of_new_deals(cycle_days, period_days: float, change: float = 0.0) -> float:
    """Share of deals created during a period (evenly) that close within it, cycles scaled by ``1 + change``.

    A deal created at a uniform time in a period of ``L`` days with cycle ``c`` closes inside
    it with chance ``max(0, 1 - c / L)``; averaged over the won deals' cycles.

    >>> cycle_share_of_new_deals([0, 15, 30, 60], 30)
    0.375
    >>> cycle_share_of_new_deals([0, 15, 30, 60], 30, change=-0.5)
    0.5625
    """
    c = np.asarray(cycle_days, dtype=float)
    c = c[np.isfinite(c)]
    if len(c) == 0 or period_days <= 0:
        return float("nan")
    return float(np.clip(1.0 - (1.0 + change) * c / period_days, 0.0, None).mean())


class LeverEffects:
    """How each lever setting changes each rep's bookings still to come, learned from the data.

    Parameters
    ----------
    lookback_months : int
        Months of history (ending with the data's last full month) the rates, follow-up
        effect and cycles are measured on.
    prior_strength : float
        Shrinkage of each rep's pass rates toward the team (as in the reverse funnel).
    ramp_months : int
        Months after which a rep counts as tenured (the ramp curve of added reps).

    Attributes
    ----------
    steps_ : list of str
        The funnel steps whose conversion can be moved (``stage_conversion`` keys).
    pass_rates_ : DataFrame
        Reps × steps: each rep's shrunk pass rate.
    follow_up_ : FollowUpEffect or None
    ramp_share_ : float
        Share of a tenured rep's month an added rep brings in the period (NaN when unknown).
    funnel_ : ReverseFunnel
        The reverse funnel of every rep at the period's target (the activity plan).
    assumptions_ : DataFrame
        ``lever, figure, value, source, figure_zh, source_zh``: every number a lever rests on.
    notes_, notes_zh_ : list of str
        Levers that cannot move here, and why (English, 中文).
    """

    def __init__(self, lookback_months: int = 12, prior_strength: float = 20.0, ramp_months: int = 6):
        self.lookback_months = lookback_months
        self.prior_strength = prior_strength
        self.ramp_months = ramp_months

    # -- fitting -------------------------------------------------------------------------
    def fit(self, data, period, rep_ids, teams, deals: pd.DataFrame, targets: pd.Series) -> "LeverEffects":
        """Learn the effects for ``period``.

        Parameters
        ----------
        data : SalesData
        period : Period
            The period projected (:func:`workbench.periods.parse_period`).
        rep_ids, teams : sequence of str
            The reps of the simulation, in its row order, and their teams.
        deals : DataFrame
            The open deals simulated (``rep_pos``, ``stage``, ``amount``, ``p_won``,
            ``p_close_in_period``, ``p_won_in_period``), from ``pipeline_draws(...)["deals"]``.
        targets : Series
            Each rep's bookings target of the period (NaN when none), indexed by rep id.
        """
        from workbench.diagnose.config import DiagnosisConfig
        from workbench.diagnose.facts import entity_frames, prepare
        from workbench.diagnose.follow_up import fit_follow_up_effect
        from workbench.diagnose.funnel import funnel_steps
        from workbench.targets.funnel import reverse_funnel
        from workbench.targets.ramp import ramp_curve

        self.rep_ids_ = [str(r) for r in rep_ids]
        self.teams_ = np.asarray([str(t) for t in teams])
        self.period_ = period
        self.notes_, self.notes_zh_ = [], []
        assumptions = []

        def note(en: str, zh: str) -> None:
            self.notes_.append(en)
            self.notes_zh_.append(zh)

        rep_pos = {r: i for i, r in enumerate(self.rep_ids_)}
        prep = prepare(data, window=self.lookback_months)
        self.window_ = prep.window.label
        steps = funnel_steps(prep.stages, prep.closed_with_ramp, prep.has_stage_history)
        self.steps_ = [label if label else "win rate" for _, _, label in steps]
        self._step_from = np.array([i for i, _, _ in steps])
        # the reverse funnel of every rep whose team was active in the window: rates and activity plan
        known_teams = set(entity_frames(prep, "team")["entities"].index.astype(str))
        covered = [r for r, t in zip(self.rep_ids_, self.teams_) if t in known_teams]
        plan_targets = pd.DataFrame({"entity_id": covered,
                                     "target": targets.reindex(covered).to_numpy(float) if len(covered) else []})
        self.funnel_ = reverse_funnel(data, plan_targets, period.label, lookback_months=self.lookback_months,
                                      prior_strength=self.prior_strength, prepared=prep)
        rates = np.full((len(self.rep_ids_), len(steps)), np.nan)
        a = self.funnel_.assumptions
        if len(a):
            a = a[a["factor"].isin(["stage_pass_rate", "win_rate"])]
            keyed = a.assign(step=a["detail"].where(a["detail"] != "", "win rate"))
            table = keyed.pivot_table(index="rep_id", columns="step", values="used", aggfunc="first")
            for j, step in enumerate(self.steps_):
                if step in table.columns:
                    for rep, v in table[step].items():
                        rates[rep_pos[str(rep)], j] = v
        self.pass_rates_ = pd.DataFrame(rates, index=self.rep_ids_, columns=self.steps_)
        if not covered:
            note("Conversion: no rep's team was active in the window, so no pass rate is known; "
                 "conversion changes are applied uncapped.",
                 "转化率：窗口期内没有任何销售所在的团队有数据，通过率未知；转化率变化未设上限。")
        # open deals: position, first step still ahead, expected bookings
        self._deal_rep = deals["rep_pos"].to_numpy(int)
        stage_index = {s: i for i, s in enumerate(data.stages)}
        at = deals["stage"].astype(str).map(stage_index).fillna(0).to_numpy(int)
        # a deal at open stage k still passes every step starting at k (and none before it)
        self._deal_first_step = np.searchsorted(self._step_from, at, side="left")
        self._deal_amount = deals["amount"].to_numpy(float)
        self._deal_p_won = deals["p_won"].to_numpy(float)
        self._deal_p_close = deals["p_close_in_period"].to_numpy(float)
        self._deal_expected = deals["p_won_in_period"].to_numpy(float) * self._deal_amount
        # follow-up effect: the diagnosis' regression on the window's decided deals
        config = DiagnosisConfig()
        self.follow_up_ = fit_follow_up_effect(prep.closed, stage_control=config.follow_up_stage_control,
                                               level=config.level)
        if self.follow_up_ is None:
            note("Follow-up speed cannot move: too few decided deals with a known first touch "
                 "to fit the follow-up effect.",
                 "跟进提速无法计算：首次接触时间已知的已决商机太少，无法拟合跟进效应。")
        else:
            usable = prep.closed[prep.closed["follow_up_hours"].notna() & (prep.closed["amount"] > 0)]
            self._fu_rep = usable["rep_id"].astype(str).map(rep_pos).to_numpy(float)
            self._fu_team = usable["rep_id"].astype(str).map(dict(zip(self.rep_ids_, self.teams_))).to_numpy(object)
            self._fu_hours = usable["follow_up_hours"].to_numpy(float)
            self._fu_amount = usable["amount"].to_numpy(float)
            self._fu_eta = self.follow_up_.linear_predictor(usable)
            fu = self.follow_up_
            assumptions.append(("follow_up", "coefficient on log1p(follow-up hours)", fu.coef,
                                f"{fu.n_deals} decided deals over {self.window_}; {fu.level:.0%} CI "
                                f"{fu.ci_low:.3f} to {fu.ci_high:.3f}"
                                + ("" if fu.significant else " (not significant: the effect may be zero)"),
                                "log1p(跟进小时数) 的系数",
                                f"{self.window_} 的 {fu.n_deals} 个已决商机；{fu.level:.0%} 置信区间 "
                                f"{fu.ci_low:.3f} 至 {fu.ci_high:.3f}" + ("" if fu.significant else "（不显著：效应可能为零）")))
        # cycles of the window's won deals
        won = prep.closed_with_ramp[prep.closed_with_ramp["won"]]
        self.won_cycles_ = ((won["closed_at"] - won["created_at"]).dt.total_seconds() / 86400.0).to_numpy(float)
        self.period_days_ = (period.end - period.start).total_seconds() / 86400.0
        self._cycle_base = cycle_share_of_new_deals(self.won_cycles_, self.period_days_)
        assumptions.append(("cycle", "median cycle of won deals (days)",
                            float(np.median(self.won_cycles_)) if len(self.won_cycles_) else np.nan,
                            f"{len(self.won_cycles_)} won deals over {self.window_}",
                            "赢单商机周期中位数（天）", f"{self.window_} 的 {len(self.won_cycles_)} 个赢单商机"))
        assumptions.append(("cycle", "share of new deals closing in the period", self._cycle_base,
                            "created evenly over the period, cycles of the window's won deals",
                            "新商机在本期内成交的比例", "假设商机在期内均匀创建，采用窗口期内赢单商机的周期"))
        # ramp of added reps
        curve = ramp_curve(data, ramp_months=self.ramp_months, before=period.start)
        months = 3 if period.freq == "Q" else 1
        if curve.empty:
            self.ramp_share_ = float("nan")
            note("Reps added cannot be projected: the data's hires give no ramp curve.",
                 "无法预测新增销售：数据中的新员工得不出爬坡曲线。")
        else:
            share = curve.set_index("months_since_hire")["share"]
            self.ramp_share_ = float(np.mean([share.get(m, 1.0) for m in range(months)]))
            assumptions.append(("headcount", "share of a tenured rep's new business in the first period",
                                self.ramp_share_, f"ramp curve of the data's hires (first {self.ramp_months} "
                                "months since hire)", "新员工首期新业务占资深销售的比例",
                                f"数据中新员工的爬坡曲线（入职后前 {self.ramp_months} 个月）"))
        for j, step in enumerate(self.steps_):
            assumptions.append(("stage_conversion", f"median pass rate {step}",
                                float(np.nanmedian(rates[:, j])) if np.isfinite(rates[:, j]).any() else np.nan,
                                f"reps' rates over {self.window_}, shrunk toward the team "
                                f"(prior {self.prior_strength:g} deals)", f"{step} 通过率中位数",
                                f"各销售在 {self.window_} 的通过率，向团队收缩（先验 {self.prior_strength:g} 个商机）"))
        self.assumptions_ = pd.DataFrame(assumptions,
                                         columns=["lever", "figure", "value", "source", "figure_zh", "source_zh"])
        self._follow_cache = {}
        return self

    # -- effects -------------------------------------------------------------------------
    def _step_factors(self, levers: Levers) -> np.ndarray:
        """Reps × steps: new pass rate / old pass rate (capped at a rate of 1)."""
        unknown = set(levers.stage_conversion) - set(self.steps_)
        check_param("LeverEffects", "stage_conversion", sorted(unknown),
                    "steps of this funnel: " + ", ".join(self.steps_), not unknown)
        factors = np.ones((len(self.rep_ids_), len(self.steps_)))
        for j, step in enumerate(self.steps_):
            change = levers.stage_conversion.get(step, 0.0)
            if not change:
                continue
            rate = self.pass_rates_[step].to_numpy(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                capped = np.minimum(1.0, rate * (1.0 + change)) / rate
            factors[:, j] = np.where(np.isfinite(capped) & (rate > 0), capped, 1.0 + change)
        return factors

    def follow_up_ratio(self, faster: float) -> np.ndarray:
        """Per rep: expected won amount with follow-up ``faster`` / today's (team's, then company's, when
        the rep has no such deals)."""
        ones = np.ones(len(self.rep_ids_))
        if not faster or self.follow_up_ is None:
            return ones
        if faster in self._follow_cache:
            return self._follow_cache[faster]
        shift = np.log1p(self._fu_hours * (1.0 - faster)) - np.log1p(self._fu_hours)
        base = self._fu_amount / (1.0 + np.exp(-self._fu_eta))
        moved = self._fu_amount / (1.0 + np.exp(-(self._fu_eta + self.follow_up_.coef * shift)))
        company = moved.sum() / base.sum() if base.sum() > 0 else 1.0
        known = np.isfinite(self._fu_rep)
        n = len(self.rep_ids_)
        rep_base = np.bincount(self._fu_rep[known].astype(int), weights=base[known], minlength=n)
        rep_moved = np.bincount(self._fu_rep[known].astype(int), weights=moved[known], minlength=n)
        codes, names = pd.factorize(pd.Series(self.teams_, dtype=object))
        team_of_deal = pd.Index(names).get_indexer(pd.Series(self._fu_team, dtype=object))
        on_team = team_of_deal >= 0
        team_base = np.bincount(team_of_deal[on_team], weights=base[on_team], minlength=len(names))
        team_moved = np.bincount(team_of_deal[on_team], weights=moved[on_team], minlength=len(names))
        team_ratio = np.where(team_base > 0, team_moved / np.where(team_base > 0, team_base, 1.0), company)
        fallback = team_ratio[codes]
        ratio = np.where(rep_base > 0, rep_moved / np.where(rep_base > 0, rep_base, 1.0), fallback)
        self._follow_cache[faster] = ratio
        return ratio

    def multipliers(self, levers: Levers, applies) -> tuple[np.ndarray, np.ndarray]:
        """Per rep: factors on bookings still to come from open deals and from deals not created yet.

        Parameters
        ----------
        levers : Levers
        applies : array of bool
            The reps the levers apply to (the others keep factors of 1).

        Returns
        -------
        (ndarray, ndarray)
            ``m_pipe``, ``m_new``: exactly 1 for every rep when all levers are at zero.
        """
        n = len(self.rep_ids_)
        m_pipe, m_new = np.ones(n), np.ones(n)
        if levers.is_baseline:
            return m_pipe, m_new
        steps = self._step_factors(levers)
        # new deals pass every step
        m_new = m_new * steps.prod(axis=1) * (1.0 + levers.activity) * (1.0 + levers.deal_size)
        m_new = m_new * self.follow_up_ratio(levers.follow_up)
        if levers.cycle and np.isfinite(self._cycle_base) and self._cycle_base > 0:
            m_new = m_new * cycle_share_of_new_deals(self.won_cycles_, self.period_days_, levers.cycle) / self._cycle_base
        # open deals: the steps still ahead and the chance of closing in the period
        if len(self._deal_rep) and (levers.stage_conversion or levers.cycle):
            suffix = np.cumprod(np.concatenate([steps, np.ones((n, 1))], axis=1)[:, ::-1], axis=1)[:, ::-1]
            p_won = np.minimum(1.0, self._deal_p_won * suffix[self._deal_rep, self._deal_first_step])
            p_close = self._deal_p_close
            if levers.cycle:
                p_close = 1.0 - (1.0 - np.clip(p_close, 0.0, 1.0)) ** (1.0 / (1.0 + levers.cycle))
            moved = np.bincount(self._deal_rep, weights=self._deal_amount * p_won * p_close, minlength=n)
            base = np.bincount(self._deal_rep, weights=self._deal_expected, minlength=n)
            m_pipe = np.where(base > 0, moved / np.where(base > 0, base, 1.0), 1.0)
        applies = np.asarray(applies, dtype=bool)
        return np.where(applies, m_pipe, 1.0), np.where(applies, m_new, 1.0)
