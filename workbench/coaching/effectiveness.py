"""Training effectiveness: did a module move the KPI of the skill it trains?

For every completed module (``training_log`` joined to ``training_catalog``) the skill
map names the KPI that shows the module's skill at work. That KPI's monthly values per
rep come from :func:`workbench.kpi.compute_kpis` (``by="rep", freq="M"``; never
recomputed here), and each completion is a small difference-in-differences:

* **windows**: the ``pre_months`` before the completion month and the ``post_months``
  after it (the completion month itself is part before, part after: left out). For a
  KPI dated at a deal's close (:data:`LAG_MONTHS`: win rate, deal size, cycle) the
  post-window starts two months later: those KPIs reflect the training only once deals
  worked after it close. A window's value is the mean of the rep's monthly KPI values
  in it, and needs values in at least half of its months.
* **controls**: up to ``n_controls`` peers with values in both windows who completed no
  module aimed at the same KPI from the start of the pre-window to the end of the
  post-window, nearest to the trainee on the KPI's level *before* the pre-window,
  preferring the trainee's team, then region (a penalty of ``TEAM_PENALTY`` /
  ``REGION_PENALTY`` robust standard deviations of that level). A trainee without that
  history is matched on team and region alone.
* **effect**: the trainee's change minus the mean change of its controls, on the log
  scale for a KPI that is never negative, so it is a relative change, reported in the
  KPI's **good direction**: follow-up hours 6 % shorter after training is ``+0.06``, a win
  rate 10 % higher is ``+0.10``. A KPI that can be negative is compared in its own units
  (``scale`` ``"absolute"``).

A completion is left out (``used`` False, with its ``reason``) when its windows fall
outside the data, the trainee completed another module aimed at the same KPI within
them (the two effects could not be told apart), the trainee has too few values, or no
peer qualifies. A rep's first months after the hire date (the diagnosis' ``ramp_months``)
count neither for a trainee nor for a control: ramping up is not a training effect.

A module's effect is the mean over its measured completions. Its interval and p-value
come from a cluster bootstrap over reps with a fixed ``seed`` (a rep's draw weighs its
completions and its appearances as a control alike, so peers shared between trainees
are accounted for) and a t critical value with ``n - 1`` degrees of freedom, which keeps
modules with few trainees honest. On simulated data where no module works, about 2 % of
the modules' 90 % intervals exclude 0 (the bootstrap errs on the wide side).

Verdicts (:data:`VERDICTS`): ``works`` (the interval lies above 0), ``worse after
training`` (below 0), ``no measurable effect`` (it covers 0), ``too few trainees``
(fewer than ``min_trainees`` measured completions) and ``no KPI`` (the skill has no KPI
in the skill map, or the KPI's table is missing). ``flagged`` marks the modules not
shown to work (every verdict but ``works`` and ``no KPI``): those a trainer should review.

Why the level is matched *before* the pre-window: peers whose pre-window value happens
to sit close to the trainee's are often peers whose pre-window was unusually high or low;
their next months drift back to their usual level (regression to the mean), and that
drift would read as a training effect. The months before have independent noise.

How much data it takes: on the committed sample (80 reps, 36 months) a module has 4-13
measured trainees and its 90 % interval spans about ±7-20 % for activities, CSAT and
cycle, ±20-50 % for follow-up hours and ±35-130 % for win rate and deal size, so training
effects of a few percent cannot be told from none there (see ``docs/sample_data.md``).

Examples
--------
>>> from workbench.sample import generate_sample
>>> result = training_effectiveness(generate_sample(n_reps=40, months=24, seed=3))
>>> result.modules.columns.tolist()[:6]
['module_id', 'title', 'skill', 'kpi', 'n_trained', 'n_controls']
>>> set(result.modules["verdict"]) <= set(VERDICTS)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.coaching.skills import SkillMap, load_skill_map
from workbench.diagnose.config import DiagnosisConfig
from workbench.diagnose.stats import MAD_TO_SD
from workbench.diagnose.window import data_span
from workbench.errors import DataError
from workbench.kpi import KPIS, compute_kpis
from workbench.kpi.facts import as_sales_input
from workbench.memo import remember
from workbench.params import check_param

__all__ = [
    "TrainingEffectiveness",
    "training_effectiveness",
    "MODULE_COLUMNS",
    "COMPLETION_COLUMNS",
    "VERDICTS",
]

#: Columns of :attr:`TrainingEffectiveness.modules`.
MODULE_COLUMNS = [
    "module_id", "title", "skill", "kpi", "n_trained", "n_controls", "effect", "ci_low", "ci_high",
    "p_value", "verdict", "flagged", "scale",
]
#: Columns of :attr:`TrainingEffectiveness.completions` (the audit trail).
COMPLETION_COLUMNS = [
    "rep_id", "module_id", "skill", "kpi", "completed_at", "pre_start", "post_start", "post_end", "used", "reason",
    "pre_trainee", "post_trainee", "pre_control", "post_control", "n_controls", "controls", "effect",
]
#: Every verdict.
VERDICTS = ("works", "no measurable effect", "worse after training", "too few trainees", "no KPI")

#: Bootstrap draws behind each interval.
N_BOOT = 1000
#: Matching penalty, in robust standard deviations of the pre-window level, for a control
#: from another team of the trainee's region, and from another region.
TEAM_PENALTY = 0.25
REGION_PENALTY = 0.5
#: Months between the completion month and the post-window for KPIs dated at a deal's
#: close: they reflect training only once the deals worked after it start to close (a won
#: deal takes about two months). KPIs dated at the event itself start right after.
LAG_MONTHS = {"win_rate": 2, "avg_deal_size": 2, "cycle_days_median": 2}
_OWNER = "training_effectiveness"


@dataclass(frozen=True)
class TrainingEffectiveness:
    """Measured training effects, computed once by :func:`training_effectiveness`.

    Attributes
    ----------
    modules : pandas.DataFrame
        One row per catalog module, sorted by ``module_id``; columns
        :data:`MODULE_COLUMNS`: ``kpi`` (the skill's KPI from the skill map),
        ``n_trained`` (completions measured), ``n_controls`` (distinct peers used as
        controls), ``effect`` (mean effect in the good direction: a relative change when
        ``scale`` is ``"relative"``, KPI units when ``"absolute"``), ``ci_low`` /
        ``ci_high`` (its interval at ``level``), ``p_value`` (two-sided, against no
        effect), ``verdict`` (one of :data:`VERDICTS`) and ``flagged`` (not shown to
        work: every verdict but ``works`` and ``no KPI``).
    completions : pandas.DataFrame
        The audit trail: one row per ``training_log`` row, columns
        :data:`COMPLETION_COLUMNS`: the windows (``pre_start`` to the completion month and
        ``post_start`` to ``post_end``, ends exclusive; period starts), whether it was ``used`` or else the ``reason``, the
        trainee's and its controls' mean KPI before and after (KPI units), the controls'
        ``rep_id`` (comma-separated) and the completion's own ``effect``.
    level, pre_months, post_months, min_trainees, n_controls, seed
        The settings used.
    """

    modules: pd.DataFrame
    completions: pd.DataFrame
    level: float
    pre_months: int
    post_months: int
    min_trainees: int
    n_controls: int
    seed: int

    def effect(self, module_id: str) -> float:
        """The measured effect of ``module_id`` (NaN when it could not be measured)."""
        row = self.modules.loc[self.modules["module_id"] == module_id, "effect"]
        if row.empty:
            raise KeyError(f"{module_id!r} is not in the training catalog.")
        return float(row.iloc[0])


# --- arguments and inputs ---------------------------------------------------------------


def _check_arguments(pre_months, post_months, level, min_trainees, n_controls, seed) -> None:
    def whole(value, low):
        return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= low

    check_param(_OWNER, "pre_months", pre_months, "an integer >= 1", whole(pre_months, 1))
    check_param(_OWNER, "post_months", post_months, "an integer >= 1", whole(post_months, 1))
    check_param(_OWNER, "level", level, "a float in (0, 1)",
                isinstance(level, (float, int)) and not isinstance(level, bool) and 0 < level < 1)
    check_param(_OWNER, "min_trainees", min_trainees, "an integer >= 2", whole(min_trainees, 2))
    check_param(_OWNER, "n_controls", n_controls, "an integer >= 1", whole(n_controls, 1))
    check_param(_OWNER, "seed", seed, "a non-negative integer", whole(seed, 0))


def _skill_map(skill_map) -> SkillMap:
    if skill_map is None:
        return load_skill_map()
    if isinstance(skill_map, SkillMap):
        return skill_map
    if isinstance(skill_map, (str, Path)):
        return load_skill_map(skill_map)
    check_param(_OWNER, "skill_map", skill_map, "a SkillMap (from load_skill_map) or the path of a skill map file",
                False)
    return None  # pragma: no cover


def _require(sales, table: str, columns: str) -> None:
    if not sales.has(table):
        raise DataError(f"{_OWNER} needs the '{table}' table ({columns}) and the data has none.", file=table)


def _months(opportunities: pd.DataFrame) -> pd.DatetimeIndex:
    """Whole months from the first decided deal (where history starts) to the data's last day."""
    span = data_span(opportunities)
    if pd.isna(span.earliest) or pd.isna(span.latest):
        return pd.DatetimeIndex([])
    first = span.earliest.normalize()
    first = first if first.day == 1 else first + pd.offsets.MonthBegin(1)
    after_last = span.latest.normalize() + pd.Timedelta(days=1)
    stop = after_last if after_last.day == 1 else after_last - pd.offsets.MonthBegin(1)
    return pd.date_range(first, stop - pd.offsets.MonthBegin(1), freq="MS")


def _month_index(dates, first: pd.Timestamp) -> np.ndarray:
    d = pd.DatetimeIndex(dates)
    return ((d.year - first.year) * 12 + (d.month - first.month)).to_numpy(dtype=np.int64)


def _kpi_grids(sales, reps: pd.DataFrame, kpis: list, months: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Per KPI, the reps x months values of ``compute_kpis`` (NaN in a rep's ramp-up months)."""
    if not kpis or not len(months):
        return {}
    table = compute_kpis(sales, by="rep", freq="M", metrics=kpis,
                         start=months[0].strftime("%Y-%m"), end=months[-1].strftime("%Y-%m"))
    position = pd.Series(np.arange(len(reps)), index=reps["rep_id"].to_numpy())
    row = position.reindex(table["entity_id"].to_numpy()).to_numpy(dtype=float)
    col = _month_index(table["period"], months[0])
    known = np.isfinite(row) & (col >= 0) & (col < len(months))
    ready = reps["hire_date"] + pd.DateOffset(months=DiagnosisConfig.ramp_months)
    first_ready = np.where(ready.notna(), _month_index(ready.fillna(months[0]), months[0])
                           + (ready.dt.day.fillna(1).to_numpy() > 1), 0)
    ramping = np.arange(len(months))[None, :] < first_ready[:, None]
    grids = {}
    for kpi in kpis:
        grid = np.full((len(reps), len(months)), np.nan)
        pick = known & (table["metric"].to_numpy() == kpi)
        grid[row[pick].astype(np.int64), col[pick]] = table["value"].to_numpy(dtype=float)[pick]
        grid[ramping] = np.nan
        grids[kpi] = grid
    return grids


def _window_mean(grid: np.ndarray, lo: int, hi: int, min_months: int) -> np.ndarray:
    """Per rep, the mean of the values in months ``[lo, hi)`` (NaN with fewer than ``min_months``)."""
    if lo < 0 or hi <= lo:
        return np.full(len(grid), np.nan)
    block = grid[:, lo:hi]
    present = np.isfinite(block)
    count = present.sum(axis=1)
    total = np.where(present, block, 0.0).sum(axis=1)
    return np.where(count >= min_months, total / np.maximum(count, 1), np.nan)


# --- one difference-in-differences per completion ---------------------------------------


class _Windows:
    """Window means of one KPI around one completion month, for every rep (cached)."""

    def __init__(self, grids, log_scale, pre_months, post_months):
        self.grids, self.log_scale = grids, log_scale
        self.pre_months, self.post_months = pre_months, post_months
        self._cache = {}

    def __call__(self, kpi: str, month: int):
        key = (kpi, month)
        if key not in self._cache:
            grid, pre_n, post_n = self.grids[kpi], self.pre_months, self.post_months
            lo = month - pre_n
            pre = _window_mean(grid, lo, month, (pre_n + 1) // 2)
            start = month + 1 + LAG_MONTHS.get(kpi, 0)
            post = _window_mean(grid, start, start + post_n, (post_n + 1) // 2)
            history = _window_mean(grid, max(lo - pre_n, 0), lo, (min(pre_n, lo) + 1) // 2)
            if self.log_scale[kpi]:
                pre_t, post_t, history_t = (np.log(np.where(x > 0, x, np.nan)) for x in (pre, post, history))
            else:
                pre_t, post_t, history_t = pre, post, history
            self._cache[key] = pre, post, pre_t, post_t, history_t
        return self._cache[key]


def _pick_controls(pool, trainee, level, team, region, n_controls) -> np.ndarray:
    """The ``n_controls`` nearest peers in ``pool`` (level gap in robust sd + team/region penalty)."""
    penalty = np.where(team[pool] == team[trainee], 0.0,
                       np.where(region[pool] == region[trainee], TEAM_PENALTY, REGION_PENALTY))
    distance = penalty
    if np.isfinite(level[trainee]):
        peers = level[pool]
        known = np.isfinite(peers)
        spread = MAD_TO_SD * np.median(np.abs(peers[known] - np.median(peers[known]))) if known.any() else 0.0
        gap = np.abs(peers - level[trainee]) / (spread if spread > 0 else 1.0)
        distance = penalty + np.where(known, gap, np.inf)
    return pool[np.lexsort((pool, distance))[:n_controls]]


@dataclass
class _Measured:
    """Per completion: the audit columns, and what the bootstrap needs."""

    columns: dict
    trainee_change: np.ndarray
    controls: list
    control_change: list


def _measure(comp, c_rep, c_month, grids, log_scale, reps, n_months, pre_months, post_months, n_controls):
    n = len(comp)
    cols = {name: np.full(n, np.nan) for name in ("pre_trainee", "post_trainee", "pre_control", "post_control",
                                                  "effect")}
    cols.update(used=np.zeros(n, dtype=bool), reason=np.full(n, "", dtype=object),
                controls=np.full(n, "", dtype=object), n_controls=np.zeros(n, dtype=np.int64))
    trainee_change = np.full(n, np.nan)
    controls, control_change = [None] * n, [None] * n
    kpis = list(grids)
    took = {}  # took[kpi][rep, m]: completions of modules aimed at kpi in months < m
    for kpi in kpis:
        counts = np.zeros((len(reps), n_months + 1), dtype=np.int64)
        sel = (comp["kpi"] == kpi).to_numpy() & (c_month >= 0) & (c_month < n_months) & (c_rep >= 0)
        np.add.at(counts, (c_rep[sel], c_month[sel] + 1), 1)
        took[kpi] = np.cumsum(counts, axis=1)
    windows = _Windows(grids, log_scale, pre_months, post_months)
    team, region = reps["team"].to_numpy(dtype=object), reps["region"].to_numpy(dtype=object)
    rep_ids = reps["rep_id"].to_numpy(dtype=object)
    kpi_of, reason = comp["kpi"].to_numpy(dtype=object), cols["reason"]
    for i in range(n):
        kpi, r, c = kpi_of[i], c_rep[i], int(c_month[i])
        lo, hi = c - pre_months, c + 1 + LAG_MONTHS.get(kpi, 0) + post_months
        if kpi not in grids:
            continue  # reason set by the caller
        if r < 0:
            reason[i] = "rep not in reps"
            continue
        if lo < 0 or hi > n_months:
            reason[i] = "windows outside the data"
            continue
        pre, post, pre_t, post_t, history_t = windows(kpi, c)
        cols["pre_trainee"][i], cols["post_trainee"][i] = pre[r], post[r]
        if took[kpi][r, hi] - took[kpi][r, lo] > 1:
            reason[i] = f"another module aimed at {kpi} within the windows"
            continue
        if not (np.isfinite(pre[r]) and np.isfinite(post[r])):
            reason[i] = "too few KPI values in a window"
            continue
        if not (np.isfinite(pre_t[r]) and np.isfinite(post_t[r])):
            reason[i] = "the KPI is 0 in a window (no relative change)"
            continue
        eligible = np.isfinite(pre_t) & np.isfinite(post_t) & (took[kpi][:, hi] == took[kpi][:, lo])
        eligible[r] = False
        pool = np.flatnonzero(eligible)
        if not len(pool):
            reason[i] = "no comparable peers without this training"
            continue
        chosen = _pick_controls(pool, r, history_t, team, region, n_controls)
        trainee_change[i] = post_t[r] - pre_t[r]
        control_change[i] = post_t[chosen] - pre_t[chosen]
        controls[i] = chosen
        raw = trainee_change[i] - control_change[i].mean()
        cols["effect"][i] = _good_direction(raw, KPIS[kpi].higher_is_better, log_scale[kpi])
        cols["pre_control"][i], cols["post_control"][i] = pre[chosen].mean(), post[chosen].mean()
        cols["n_controls"][i] = len(chosen)
        cols["controls"][i] = ",".join(rep_ids[chosen])
        cols["used"][i] = True
    return _Measured(cols, trainee_change, controls, control_change)


def _good_direction(raw, higher_is_better: bool, log_scale: bool):
    """A raw difference (log or KPI units) as an effect in the KPI's good direction."""
    value = np.expm1(raw) if log_scale else raw
    return value if higher_is_better else -value


# --- per module --------------------------------------------------------------------------


def _bootstrap(weights, trainees, trainee_change, controls, control_change) -> np.ndarray:
    """The module's mean raw difference under each row of rep ``weights`` (draws x reps).

    A rep's weight multiplies its completions and its appearances as a control alike.
    """
    n, width = len(trainees), max(len(c) for c in controls)
    index = np.zeros((n, width), dtype=np.int64)
    change = np.zeros((n, width))
    present = np.zeros((n, width))
    for i, (reps_i, change_i) in enumerate(zip(controls, control_change)):
        index[i, :len(reps_i)], change[i, :len(reps_i)], present[i, :len(reps_i)] = reps_i, change_i, 1.0
    w_control = weights[:, index] * present  # draws x n x width
    with np.errstate(invalid="ignore", divide="ignore"):
        control_mean = (w_control * change).sum(axis=2) / w_control.sum(axis=2)
        diff = trainee_change[None, :] - control_mean
        w_trainee = np.where(np.isfinite(diff), weights[:, trainees], 0.0)
        return (np.nan_to_num(diff) * w_trainee).sum(axis=1) / w_trainee.sum(axis=1)


def _module_stats(sel, measured: _Measured, c_rep, weights, level, higher_is_better, log_scale) -> dict:
    """Effect, interval and p-value of one module's measured completions ``sel``."""
    from scipy import stats

    n = len(sel)
    out = {"effect": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
    if not n:
        return out
    raw = measured.trainee_change[sel] - np.array([measured.control_change[i].mean() for i in sel])
    mean = float(raw.mean())
    out["effect"] = float(_good_direction(mean, higher_is_better, log_scale))
    if n < 2:
        return out
    draws = _bootstrap(weights, c_rep[sel], measured.trainee_change[sel], [measured.controls[i] for i in sel],
                       [measured.control_change[i] for i in sel])
    se = float(np.nanstd(draws, ddof=1))
    if not np.isfinite(se):
        return out
    if se == 0.0:  # every trainee and control moved exactly alike
        out.update(ci_low=out["effect"], ci_high=out["effect"], p_value=1.0 if mean == 0.0 else 0.0)
        return out
    half = stats.t.ppf((1 + level) / 2, n - 1) * se
    ends = sorted(float(_good_direction(x, higher_is_better, log_scale)) for x in (mean - half, mean + half))
    out.update(ci_low=ends[0], ci_high=ends[1], p_value=float(2 * stats.t.sf(abs(mean) / se, n - 1)))
    return out


def _verdicts(modules: pd.DataFrame, min_trainees: int) -> pd.DataFrame:
    measurable = modules["verdict"].isna()
    enough = measurable & (modules["n_trained"] >= min_trainees)
    verdict = np.select(
        [~measurable, ~enough, modules["ci_low"] > 0, modules["ci_high"] < 0],
        [modules["verdict"], "too few trainees", "works", "worse after training"],
        "no measurable effect",
    )
    return modules.assign(verdict=verdict, flagged=measurable & (verdict != "works"))


# --- entry point -------------------------------------------------------------------------


def training_effectiveness(data, *, skill_map=None, pre_months: int = 6, post_months: int = 6,
                           level: float = 0.90, min_trainees: int = 5, n_controls: int = 5,
                           seed: int = 0) -> TrainingEffectiveness:
    """Difference-in-differences of each module's KPI: trainees against comparable peers.

    The method is described in :mod:`workbench.coaching.effectiveness`.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
        Anything :func:`workbench.io.load.as_sales_data` accepts; it needs
        ``training_log`` and ``training_catalog``, and the tables of the KPIs measured.
    skill_map : SkillMap or path, optional
        The driver → skill map naming each skill's KPI; the shipped default without it.
    pre_months, post_months : int, default 6
        Months compared before and after the completion month.
    level : float, default 0.90
        Level of the intervals.
    min_trainees : int, default 5
        A module with fewer measured completions gets ``too few trainees``.
    n_controls : int, default 5
        Peers compared with each trainee.
    seed : int, default 0
        Seed of the bootstrap: the same data and settings give the same result.

    Returns
    -------
    TrainingEffectiveness
        ``.modules`` (one row per module) and ``.completions`` (the audit trail).

    Raises
    ------
    workbench.errors.DataError
        When ``training_log`` or ``training_catalog`` is missing (the message names it).
    ValueError
        For a parameter out of range.

    Examples
    --------
    >>> from workbench.sample import generate_sample
    >>> result = training_effectiveness(generate_sample(n_reps=40, months=24, seed=3))
    >>> row = result.modules.set_index("module_id").loc["TM05"]
    >>> row["skill"], row["kpi"], row["scale"]
    ('follow_up', 'follow_up_hours_median', 'relative')
    >>> bool(row["ci_low"] <= row["effect"] <= row["ci_high"])
    True
    >>> used = result.completions[result.completions["used"]]
    >>> used[["pre_trainee", "post_trainee", "pre_control", "post_control"]].notna().all().all()
    np.True_
    """
    _check_arguments(pre_months, post_months, level, min_trainees, n_controls, seed)
    skills = _skill_map(skill_map)
    sales = as_sales_input(data, caller=_OWNER)
    # the same data and settings give the same measurement: kept between sessions (workbench.memo)
    return remember(_training_effectiveness, sales, skills=skills, pre_months=pre_months, post_months=post_months,
                    level=level, min_trainees=min_trainees, n_controls=n_controls, seed=seed)


def _training_effectiveness(sales, *, skills, pre_months, post_months, level, min_trainees, n_controls,
                            seed) -> TrainingEffectiveness:
    _require(sales, "training_log", "rep_id, module_id, completed_at")
    _require(sales, "training_catalog", "module_id, title, skill, hours, format")

    catalog = sales.training_catalog.sort_values("module_id", kind="stable", ignore_index=True)
    reps = sales.reps.sort_values("rep_id", kind="stable", ignore_index=True)
    module_skill = dict(zip(catalog["module_id"], catalog["skill"]))
    module_kpi = {m: skills.kpi(s) for m, s in module_skill.items()}
    missing = {k: [t for t in KPIS[k].needs if not sales.has(t)] for k in set(module_kpi.values()) - {None}}
    kpis = sorted(k for k, tables in missing.items() if not tables)
    months = _months(sales.opportunities)
    grids = _kpi_grids(sales, reps, kpis, months)
    log_scale = {k: not (np.nanmin(g) < 0) if np.isfinite(g).any() else True for k, g in grids.items()}

    log = sales.training_log
    comp = log.assign(skill=log["module_id"].map(module_skill).astype(object),
                      kpi=log["module_id"].map(module_kpi).astype(object))
    comp = comp.sort_values(["module_id", "completed_at", "rep_id"], kind="stable", ignore_index=True)
    position = pd.Series(np.arange(len(reps)), index=reps["rep_id"].to_numpy())
    c_rep = position.reindex(comp["rep_id"].to_numpy()).fillna(-1).to_numpy(dtype=np.int64)
    c_month = (_month_index(comp["completed_at"], months[0]) if len(months)
               else np.full(len(comp), -1, dtype=np.int64))
    measured = _measure(comp, c_rep, c_month, grids, log_scale, reps, len(months), pre_months, post_months,
                        n_controls)
    cols = measured.columns
    for i, kpi in enumerate(comp["kpi"]):
        if kpi not in grids:
            cols["reason"][i] = (f"{kpi} needs the {', '.join(missing[kpi])} table" if kpi in missing
                                 else "no KPI for the skill in the skill map")

    weights = np.random.default_rng(seed).poisson(1.0, (N_BOOT, len(reps))).astype(float)
    rows = []
    for module in catalog.itertuples(index=False):
        kpi = module_kpi[module.module_id]
        sel = np.flatnonzero((comp["module_id"] == module.module_id).to_numpy() & cols["used"])
        row = {"module_id": module.module_id, "title": module.title, "skill": module.skill, "kpi": kpi,
               "n_trained": len(sel),
               "n_controls": len(set(np.concatenate([measured.controls[i] for i in sel]).tolist())) if len(sel) else 0,
               "effect": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
        if kpi in grids:
            row.update(_module_stats(sel, measured, c_rep, weights, level, KPIS[kpi].higher_is_better, log_scale[kpi]),
                       scale="relative" if log_scale[kpi] else "absolute", verdict=None)
        else:
            row.update(verdict="no KPI", scale=None)
        rows.append(row)
    # with its columns even for an empty catalog (no module to measure)
    modules = _verdicts(pd.DataFrame(rows) if rows else pd.DataFrame(columns=MODULE_COLUMNS),
                        min_trainees).reindex(columns=MODULE_COLUMNS)
    modules = modules.astype({"n_trained": np.int64, "n_controls": np.int64, "flagged": bool,
                              "effect": float, "ci_low": float, "ci_high": float, "p_value": float})

    lag = np.array([LAG_MONTHS.get(k, 0) for k in comp["kpi"]], dtype=np.int64)
    completions = pd.DataFrame({
        "rep_id": comp["rep_id"].to_numpy(dtype=object),
        "module_id": comp["module_id"].to_numpy(dtype=object),
        "skill": comp["skill"].to_numpy(dtype=object),
        "kpi": comp["kpi"].to_numpy(dtype=object),
        "completed_at": comp["completed_at"].to_numpy(),
        "pre_start": _starts(months, c_month - pre_months),
        "post_start": _starts(months, c_month + 1 + lag),
        "post_end": _starts(months, c_month + 1 + lag + post_months),
        **{name: cols[name] for name in COMPLETION_COLUMNS if name in cols},
    }, columns=COMPLETION_COLUMNS)
    return TrainingEffectiveness(modules, completions, float(level), int(pre_months), int(post_months),
                                 int(min_trainees), int(n_controls), int(seed))


def _starts(months: pd.DatetimeIndex, index: np.ndarray) -> np.ndarray:
    """Period starts of month positions (they may fall outside the data)."""
    if not len(months):
        return np.full(len(index), np.datetime64("NaT"), dtype="datetime64[ns]")
    first = np.datetime64(months[0], "M")
    return (first + index.astype("timedelta64[M]")).astype("datetime64[ns]")
