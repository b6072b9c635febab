"""The training ground truth: what each module really does to its skill's KPI.

Each module has a planted mean gain in skill points (``catalog.MODULE_POINTS``; five
modules add nothing) and every completion draws 0.7-1.3x of it (see
:mod:`workbench.sample.people`). From the completion date the gained points change the
skill's behaviour by multiples of ``catalog.TRAINING_POINT`` (``t``) a point.
:func:`training_effects_table` turns a module's planted points ``g`` into the change
they cause in the skill's KPI (``catalog.SKILL_KPI``, the KPI of the coaching skill
map) in the units and direction
:func:`workbench.coaching.effectiveness.training_effectiveness` reports: a relative
change of the KPI, positive when the KPI moves the good way.

How: the module's trainees' deals, activities and surveys of the year after each
completion are evaluated twice with the generator's own formulas, with every training
gain taken out and with ``g`` points added; the KPI is formed per rep as the KPI table
forms it, the log ratio (with / without) is averaged over the reps, and
``exp(mean) - 1`` is the effect (its negative for a KPI where lower is better):

``follow_up`` → ``follow_up_hours_median``
    The business-hour delay to the first touch is ``1 - t*g`` as long; calendar hours
    come from the simulation's clock (nights and weekends), then the median per rep and
    month and the mean over the rep's months, as the estimator reads the KPI.
``prospecting`` → ``activities_per_workday``
    Prospecting touches are ``1 + t*g`` as many, and with them the outbound deals and
    their activities: the rep's activities grow by ``t*g`` x the share that prospecting
    touches and outbound deals' activities make of them (the steady state).
``discovery``, ``product_knowledge`` → ``win_rate``
    The conversion logit rises by ``3*t*g`` on the first two transitions (discovery) or
    by ``1.5*t*g`` on all four (product knowledge): the ratio of the summed win
    probabilities (the product of the four transition probabilities, with the rep's
    planted multipliers) of the rep's deals.
``negotiation`` → ``avg_deal_size``
    Amounts ``1 + 0.5*t*g`` as large, the third transition's logit ``3*t*g`` higher and
    both late ones lower by the relative-amount effect: the ratio of the win-weighted
    mean amounts.
``closing`` → ``cycle_days_median``
    Every stage lasts ``1 - 0.5*t*g`` as long, so the median won cycle does too (the
    first stage's floor at the first touch and the quarter-end push are left out: both
    are small). Effect: ``0.5*t*g``.
``customer_care`` → ``csat_mean``
    Each answer's mean rises by ``1.5*t*g`` points before noise (sd ``CSAT_NOISE``) and
    rounding to 1-5: the ratio of the summed expected scores, ``E[score | m] = 1 +
    sum_k Phi((m - k - 0.5) / sd)`` for ``k = 1..4``.

A rep's gains add up (capped at 15 points per skill), so a second module of the same
skill adds to the first; the table describes one completion of one module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.sample import catalog as cat
from workbench.sample.pipeline import AMOUNT_LOGIT, Deals
from workbench.sample.roster import World
from workbench.sample.tables import CSAT_NOISE

__all__ = ["training_effects_table", "TRAINING_EFFECT_COLUMNS"]

#: Skills whose KPI is better when lower (hours to first touch, days to win).
_LOWER_IS_BETTER = ("follow_up", "closing")

#: Columns of the ``training_effects`` table.
TRAINING_EFFECT_COLUMNS = ["module_id", "skill", "kpi", "planted_points", "planted_effect"]


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _calendar_hours(world: World, start: np.ndarray, hours: np.ndarray) -> np.ndarray:
    begin = world.clock.timestamps(start)
    return (world.clock.timestamps(start + hours) - begin).astype("timedelta64[m]").astype(float) / 60.0


def _expected_csat(mean: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return 1.0 + sum(ndtr((mean - k - 0.5) / CSAT_NOISE) for k in range(1, 5))


def _per_rep_log_ratio(rep: np.ndarray, after: np.ndarray, before: np.ndarray) -> float:
    """Mean over reps of log(sum after / sum before) of each rep's rows."""
    if not len(rep):
        return float("nan")
    _, rep = np.unique(rep, return_inverse=True)
    ratio = np.bincount(rep, weights=after) / np.bincount(rep, weights=before)
    return float(np.mean(np.log(ratio)))


class _Population:
    """Deals, activities and surveys on which a module's effect is evaluated.

    Effects are averaged like the estimator does: a log ratio per rep, then the mean
    over reps, turned into a relative change in the KPI's good direction.
    """

    def __init__(self, world: World, deals: Deals, deal_rows: np.ndarray, activities: tuple,
                 survey_rep: np.ndarray, csat_mean: np.ndarray):
        self.world = world
        self.rep = deals.rep[deal_rows]
        self.created = deals.created[deal_rows]
        self.factor = deals.factor[deal_rows]
        # behaviour as it would be without any training: take the gains out again
        t = cat.TRAINING_POINT
        trained = {skill: deals.trained[deal_rows, j] for j, skill in enumerate(cat.SKILLS)}
        self.follow_up = deals.follow_up[deal_rows] / (1.0 - t * trained["follow_up"])
        self.amount = deals.amount[deal_rows] / (1.0 + 0.5 * t * trained["negotiation"])
        logit = deals.logit[deal_rows].copy()
        logit[:, :2] -= 3.0 * t * trained["discovery"][:, None]
        logit[:, 2] -= 3.0 * t * trained["negotiation"]
        logit[:, 3] -= 3.0 * t * trained["closing"]
        logit -= 1.5 * t * trained["product_knowledge"][:, None]
        self.logit = logit
        self.scaled_activities, self.all_activities = activities  # per rep
        self.survey_rep, self.csat_mean = survey_rep, np.asarray(csat_mean, dtype=float)

    def p_win(self, shift) -> np.ndarray:
        return (_sigmoid(self.logit + shift) * self.factor).prod(axis=1)

    def _follow_up(self, g: float) -> float:
        """Log ratio of the mean monthly median calendar hours to first touch, per rep."""
        t = cat.TRAINING_POINT
        before = _calendar_hours(self.world, self.created, self.follow_up)
        after = _calendar_hours(self.world, self.created, np.maximum(self.follow_up * (1.0 - t * g), 0.1))
        month = np.searchsorted(self.world.month_hours, self.created, side="right")
        frame = pd.DataFrame({"rep": self.rep, "month": month, "before": before, "after": after})
        monthly = frame.groupby(["rep", "month"]).median()
        per_rep = monthly.groupby(level="rep").mean()
        return float(np.mean(np.log(per_rep["after"] / per_rep["before"])))

    def log_ratio(self, skill: str, g: float) -> float:
        """Mean over reps of log(KPI with ``g`` more points / KPI without), in the KPI's own direction."""
        t = cat.TRAINING_POINT
        k = self.logit.shape[1]
        none = np.zeros(k)
        if skill == "follow_up":
            return self._follow_up(g)
        if skill == "prospecting":
            # each rep's prospecting-driven activities grow by t*g; the rest stay
            active = self.all_activities > 0
            share = self.scaled_activities[active] / self.all_activities[active]
            return float(np.mean(np.log1p(t * g * share)))
        if skill in ("discovery", "product_knowledge"):
            shift = none.copy()
            if skill == "discovery":
                shift[:2] = 3.0 * t * g
            else:
                shift[:] = 1.5 * t * g
            return _per_rep_log_ratio(self.rep, self.p_win(shift), self.p_win(none))
        if skill == "negotiation":
            bigger = 1.0 + 0.5 * t * g
            shift = none.copy()
            shift[2] += 3.0 * t * g
            shift[2:] += AMOUNT_LOGIT * np.log(bigger)
            p0, p1 = self.p_win(none), self.p_win(shift)
            won_value = _per_rep_log_ratio(self.rep, self.amount * bigger * p1, self.amount * p0)
            won_count = _per_rep_log_ratio(self.rep, p1, p0)
            return won_value - won_count
        if skill == "closing":
            return float(np.log(1.0 - 0.5 * t * g))
        if skill == "customer_care":
            return _per_rep_log_ratio(self.survey_rep, _expected_csat(self.csat_mean + 1.5 * t * g),
                                      _expected_csat(self.csat_mean))
        raise KeyError(f"no training effect is simulated for skill {skill!r}")

    def effect(self, skill: str, g: float) -> float:
        """The relative change of the skill's KPI in its good direction (+0.06: 6 % better)."""
        if g == 0.0:
            return 0.0
        change = float(np.expm1(self.log_ratio(skill, g)))
        return -change if skill in _LOWER_IS_BETTER else change


class _ByRep:
    """Rows sorted by rep and time, to pick those of a rep within a time span quickly."""

    def __init__(self, rep: np.ndarray, time: np.ndarray):
        self.rep_of = rep
        self.order = np.lexsort((time, rep))
        self.rep, self.time = rep[self.order], time[self.order]

    def rows(self, reps: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Rows of ``reps[i]`` with a time in ``[start[i], stop[i])`` for some ``i`` (sorted, unique)."""
        first = np.searchsorted(self.rep, reps, side="left")
        last = np.searchsorted(self.rep, reps, side="right")
        picked = []
        for a, b, t0, t1 in zip(first, last, start, stop):
            lo, hi = a + np.searchsorted(self.time[a:b], [t0, t1], side="left")
            picked.append(self.order[lo:hi])
        return np.unique(np.concatenate(picked)) if picked else np.array([], dtype=np.int64)


#: The post-training period on which a module's effect is evaluated.
AFTER_DAYS = 365
#: Fewer deals than this after a module's completions: evaluate on the whole window instead.
MIN_DEALS = 200


def _activity_counts(world: World, reps: pd.DataFrame, tables: dict) -> tuple[np.ndarray, np.ndarray]:
    """Per rep and window month: activities that scale with prospecting, and all activities.

    Prospecting touches (no deal) and the activities of outbound deals scale with the
    prospecting rate; inbound deals' activities do not.
    """
    activities, opportunities = tables["activities"], tables["opportunities"]
    outbound = opportunities.loc[opportunities["source"] == cat.OUTBOUND_SOURCE, "opportunity_id"]
    deal = pa.array(activities["opportunity_id"])
    scaled = pc.or_(pc.is_null(deal), pc.is_in(deal, value_set=pa.array(outbound))).to_numpy(zero_copy_only=False)
    rep = pc.index_in(pa.array(activities["rep_id"]), value_set=pa.array(reps["rep_id"])).to_numpy(
        zero_copy_only=False)
    month = _month_of(world, activities["at"])
    n_months = len(world.month_starts) - world.burn_in
    keep = (month >= 0) & (month < n_months) & np.isfinite(rep.astype(float))
    cell = rep[keep].astype(np.int64) * n_months + month[keep]
    shape = (len(reps), n_months)
    size = shape[0] * shape[1]
    return (np.bincount(cell, weights=scaled[keep].astype(float), minlength=size).reshape(shape),
            np.bincount(cell, minlength=size).astype(float).reshape(shape))


def _month_of(world: World, dates) -> np.ndarray:
    """Window month (0 = first) of each date."""
    d = pd.DatetimeIndex(dates)
    return ((d.year - world.window_start.year) * 12 + d.month - world.window_start.month).to_numpy(dtype=np.int64)


def training_effects_table(world: World, deals: Deals, reps: pd.DataFrame, tables: dict[str, pd.DataFrame],
                           csat_mean: np.ndarray) -> pd.DataFrame:
    """One row per module: its skill, KPI, planted points and expected KPI effect.

    The effect is evaluated on what the module's trainees did in the year after each of
    their completions (deals created and surveys answered in the following 365 days,
    activities in the completion month and the 11 after): the module's average effect on
    the people who took it, which is what a difference-in-differences estimates. A
    module completed too rarely (fewer than ``MIN_DEALS`` deals after it) is evaluated
    on the whole window instead.

    Parameters
    ----------
    world, deals
        The simulation's calendar and deals.
    reps : DataFrame
        The reps table (its row order is the simulation's rep position).
    tables : dict of DataFrame
        The generated ``training_log``, ``activities``, ``opportunities`` and ``surveys``.
    csat_mean : array
        Per ``surveys`` row, the answer's mean before training gains, noise and rounding.
    """
    position = pd.Series(np.arange(len(reps)), index=reps["rep_id"].to_numpy())
    log = tables["training_log"]
    csat_mean = np.asarray(csat_mean, dtype=float)
    scaled, every = _activity_counts(world, reps, tables)
    deal_index = _ByRep(deals.rep, deals.created)
    survey_index = _ByRep(position.reindex(tables["surveys"]["rep_id"].to_numpy()).to_numpy(),
                          tables["surveys"]["at"].to_numpy(dtype="datetime64[m]").astype(np.int64))
    in_window = np.flatnonzero((deals.created >= world.window_hours) & (deals.created < world.end_hours))
    everyone = _Population(world, deals, in_window, (scaled.sum(axis=1), every.sum(axis=1)),
                           survey_index.rep_of, csat_mean)

    rows = []
    for module_id, _title, skill, _hours, _format in cat.TRAINING_MODULES:
        points = float(cat.MODULE_POINTS[module_id])
        done = log[log["module_id"] == module_id]
        done_rep = position.reindex(done["rep_id"].to_numpy()).to_numpy()
        start = done["completed_at"].to_numpy(dtype="datetime64[D]")
        stop = start + np.timedelta64(AFTER_DAYS, "D")
        population = everyone
        if points != 0.0:
            deal_rows = deal_index.rows(done_rep, world.clock.hours_at(start), world.clock.hours_at(stop))
            if len(deal_rows) >= MIN_DEALS:
                after = np.zeros(scaled.shape, dtype=bool)
                for r, m in zip(done_rep, _month_of(world, done["completed_at"])):
                    after[r, max(m, 0):m + 12] = True
                trainees = np.unique(done_rep)
                counts = ((scaled * after)[trainees].sum(axis=1), (every * after)[trainees].sum(axis=1))
                minutes = [d.astype("datetime64[m]").astype(np.int64) for d in (start, stop)]
                survey_rows = survey_index.rows(done_rep, *minutes)
                population = _Population(world, deals, deal_rows, counts, survey_index.rep_of[survey_rows],
                                         csat_mean[survey_rows])
        rows.append((module_id, skill, cat.SKILL_KPI[skill], points, population.effect(skill, points)))
    frame = pd.DataFrame(rows, columns=TRAINING_EFFECT_COLUMNS)
    return frame.astype({"module_id": "str", "skill": "str", "kpi": "str"})
