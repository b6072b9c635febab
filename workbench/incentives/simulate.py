"""Plan simulation: payouts over a distribution of bookings, and two plans side by side.

The bookings distribution is a draws matrix, reps × simulations — from the pipeline
forecast (:func:`draws_from_pipeline` over :func:`workbench.forecast.simulation.pipeline_draws`)
or any array of the same shape. Each draw goes through the same rate schedule as actual
payouts (:func:`workbench.incentives.commission.commission`), vectorised over the whole
matrix. The team bonus is paid in the draws where the team's summed bookings reach its
target; the draw guarantee tops each rep up. SPIFs and clawbacks depend on which deals
close and are cancelled, which bookings draws do not carry: they are left out of the
simulation and the result says so in ``notes``.

Examples
--------
>>> import numpy as np
>>> from workbench.incentives.plan import plan_from_dict
>>> plan = plan_from_dict({"name": "Tiered", "threshold": 0.5,
...     "tiers": [{"from": 0.0, "to": 1.0, "rate": 0.05}, {"from": 1.0, "rate": 0.08}]})
>>> draws = np.array([[50.0, 100.0, 150.0], [20.0, 40.0, 60.0]])   # 2 reps × 3 draws
>>> sim = simulate_payouts(plan, draws, targets=[100.0, 80.0], rep_ids=["r1", "r2"])
>>> sim.by_rep[["rep_id", "payout_mean", "payout_p50", "p_threshold"]]
  rep_id  payout_mean  payout_p50  p_threshold
0     r1     5.500000         5.0     1.000000
1     r2     1.666667         2.0     0.666667
>>> sim.tiers[["level", "from", "share_of_reps"]]
       level  from  share_of_reps
0  threshold   0.5       0.833333
1     Tier 1   0.0       0.833333
2     Tier 2   1.0       0.333333
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.incentives.commission import commission
from workbench.incentives.plan import CommissionPlan
from workbench.params import check_param

__all__ = ["PlanSimulation", "simulate_payouts", "compare_plans", "compare_simulations", "draws_from_pipeline"]

_QUANTILES = (10, 50, 90)


@dataclass(frozen=True)
class PlanSimulation:
    """Payouts of one plan over simulated bookings.

    Attributes
    ----------
    plan : CommissionPlan
    by_rep : DataFrame
        ``rep_id, team, target, bookings_mean, attainment_p50, payout_mean, payout_p10, payout_p50,
        payout_p90, p_threshold, p_target, p_capped, cost_of_sales`` (expected payout / expected
        bookings).
    summary : dict
        Company totals: ``payout_mean``, ``payout_p10/p50/p90`` (of the total payout over
        draws), ``bookings_mean``, ``cost_of_sales`` (expected payout / expected bookings),
        ``team_bonus_mean``, ``draw_top_up_mean``, ``n_reps``, ``n_draws``.
    tiers : DataFrame
        ``level, from, share_of_reps``: the expected share of reps whose attainment reaches
        the threshold, each tier's start and (if any) the payout or attainment cap.
    notes : list of str
        What the simulation leaves out (SPIFs, clawbacks) and why.
    total_draws : ndarray
        Total payout in each draw (for histograms).
    """

    plan: CommissionPlan
    by_rep: pd.DataFrame
    summary: dict
    tiers: pd.DataFrame
    notes: list = field(default_factory=list)
    total_draws: np.ndarray = field(default=None, repr=False)


def _as_draws(draws, rep_ids):
    if isinstance(draws, pd.DataFrame):
        ids = draws.index.astype(str).tolist() if rep_ids is None else [str(r) for r in rep_ids]
        matrix = draws.to_numpy(float)
    else:
        matrix = np.asarray(draws, dtype=float)
        ids = [str(r) for r in rep_ids] if rep_ids is not None else [f"rep {i + 1}" for i in range(len(matrix))]
    check_param("simulate_payouts", "draws", f"array of shape {matrix.shape}", "a 2-d array, reps × draws",
                matrix.ndim == 2 and matrix.shape[1] > 0)
    check_param("simulate_payouts", "rep_ids", f"{len(ids)} ids", f"one id per row of draws ({len(matrix)})",
                len(ids) == len(matrix))
    return matrix, ids


def _aligned(values, ids, name):
    if isinstance(values, pd.Series):
        missing = [r for r in ids if r not in values.index.astype(str)]
        check_param("simulate_payouts", name, f"a Series missing {missing[:3]}", "a value for every rep of draws",
                    not missing)
        return values.set_axis(values.index.astype(str)).reindex(ids).to_numpy(float)
    array = np.asarray(values, dtype=float).ravel()
    check_param("simulate_payouts", name, f"{len(array)} values", f"one value per rep ({len(ids)})",
                len(array) == len(ids))
    return array


def simulate_payouts(plan: CommissionPlan, draws, targets, *, rep_ids=None, teams=None,
                     team_targets=None) -> PlanSimulation:
    """Payout distribution per rep and in total for simulated bookings.

    Parameters
    ----------
    plan : CommissionPlan
    draws : ndarray or DataFrame
        Bookings of the period, reps × draws (a DataFrame's index gives the rep ids).
    targets : array-like or Series
        Each rep's target for the period (a Series is aligned on the rep ids); take them
        from the ``bookings_target`` KPI (:func:`workbench.kpi.compute_kpis`) or
        :func:`workbench.kpi.targets.period_targets`.
    rep_ids : sequence, optional
        Ids of the rows of ``draws`` (default: the DataFrame index, else ``rep 1``, …).
    teams : sequence, optional
        Each rep's team; needed for the team bonus.
    team_targets : Series, optional
        Team targets by team; default the sum of the team's reps' targets (the roll-up
        rule of :mod:`workbench.kpi.targets` for a team without its own target).

    Returns
    -------
    PlanSimulation
    """
    matrix, ids = _as_draws(draws, rep_ids)
    target = _aligned(targets, ids, "targets")
    result = commission(plan, matrix, target[:, None])
    payout = result.total
    team_bonus = np.zeros_like(payout)
    notes = []
    if plan.team_bonus is not None:
        if teams is None:
            notes.append("Team bonus left out: no teams were given.")
        else:
            team_codes, team_names = pd.factorize(pd.Series(list(teams), dtype=object).astype(str))
            check_param("simulate_payouts", "teams", f"{len(team_codes)} teams", f"one team per rep ({len(ids)})",
                        len(team_codes) == len(ids))
            n_teams = len(team_names)
            one_hot = np.zeros((n_teams, len(ids)))
            one_hot[team_codes, np.arange(len(ids))] = 1.0
            team_bookings = one_hot @ matrix
            if team_targets is None:
                team_target = one_hot @ np.where(np.isnan(target), 0.0, target)
                team_target[(one_hot @ np.isnan(target)) > 0] = np.nan
            else:
                team_target = _aligned(team_targets, list(team_names), "team_targets")
            with np.errstate(invalid="ignore", divide="ignore"):
                reached = (team_target[:, None] > 0) & (team_bookings >= plan.team_bonus.attainment * team_target[:, None])
            team_bonus = np.where(reached[team_codes], plan.team_bonus.amount, 0.0)
            payout = payout + team_bonus
    draw_top_up = np.zeros_like(payout)
    if plan.draw is not None:
        draw_top_up = np.clip(plan.draw.amount - payout, 0.0, None)
        payout = payout + draw_top_up
    if plan.spifs:
        notes.append("SPIFs left out: bookings draws do not say which products' deals close.")
    if plan.clawback is not None:
        notes.append("Clawbacks left out: bookings draws do not say which deals are cancelled later.")
    q = np.percentile(payout, _QUANTILES, axis=1)
    attained = result.attainment
    known = ~np.isnan(attained)
    with np.errstate(invalid="ignore"):
        p_target = np.where(known, attained >= 1.0, False).mean(axis=1)
    bookings_mean = matrix.mean(axis=1)
    payout_mean = payout.mean(axis=1)
    with warnings.catch_warnings():  # a rep without a target has no attainment: NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        attainment_p50 = np.nanmedian(attained, axis=1)
    by_rep = pd.DataFrame({
        "rep_id": ids, "team": list(teams) if teams is not None else None, "target": target,
        "bookings_mean": bookings_mean, "attainment_p50": attainment_p50,
        "payout_mean": payout_mean, "payout_p10": q[0], "payout_p50": q[1], "payout_p90": q[2],
        "p_threshold": result.paid.mean(axis=1), "p_target": p_target, "p_capped": _capped(plan, result).mean(axis=1),
        "cost_of_sales": np.divide(payout_mean, bookings_mean, out=np.full(len(ids), np.nan), where=bookings_mean > 0),
    })
    if teams is None:
        by_rep = by_rep.drop(columns="team")
    total = payout.sum(axis=0)
    total_q = np.percentile(total, _QUANTILES)
    total_bookings = float(matrix.sum(axis=0).mean())
    summary = {
        "plan": plan.name, "n_reps": len(ids), "n_draws": matrix.shape[1],
        "bookings_mean": total_bookings, "payout_mean": float(total.mean()),
        "payout_p10": float(total_q[0]), "payout_p50": float(total_q[1]), "payout_p90": float(total_q[2]),
        "cost_of_sales": float(total.mean() / total_bookings) if total_bookings > 0 else float("nan"),
        "team_bonus_mean": float(team_bonus.sum(axis=0).mean()), "draw_top_up_mean": float(draw_top_up.sum(axis=0).mean()),
    }
    return PlanSimulation(plan, by_rep, summary, _tier_shares(plan, result, known), notes, total)


def _capped(plan: CommissionPlan, result) -> np.ndarray:
    capped = result.capped
    if plan.cap is not None and plan.cap.attainment is not None:
        capped = capped | (result.paid & (np.nan_to_num(result.attainment) >= plan.cap.attainment))
    return capped


def _tier_shares(plan: CommissionPlan, result, known) -> pd.DataFrame:
    """Expected share of reps reaching the threshold, each tier and the cap."""
    attained = np.where(known, result.attainment, -np.inf)
    rows = []
    if plan.threshold > 0:
        rows.append(("threshold", plan.threshold, float((attained >= plan.threshold).mean())))
    for i, tier in enumerate(plan.tiers):
        start = max(tier.start, plan.threshold)
        rows.append((tier.name or f"Tier {i + 1}", tier.start, float((attained >= start).mean())))
    if plan.accelerator is not None:
        rows.append(("accelerator", plan.accelerator.above, float((attained >= plan.accelerator.above).mean())))
    if plan.cap is not None:
        rows.append(("cap", plan.cap.attainment if plan.cap.attainment is not None else np.nan,
                     float(_capped(plan, result).mean())))
    return pd.DataFrame(rows, columns=["level", "from", "share_of_reps"])


#: Rows of :func:`compare_plans`, with their labels.
_COMPARE_ROWS = [
    ("payout_mean", "Expected total payout"), ("payout_p10", "Total payout P10"),
    ("payout_p50", "Total payout P50"), ("payout_p90", "Total payout P90"),
    ("bookings_mean", "Expected bookings"), ("cost_of_sales", "Cost of sales (payout / bookings)"),
    ("team_bonus_mean", "Expected team bonus"), ("draw_top_up_mean", "Expected draw top-up"),
]


def compare_plans(plan_a: CommissionPlan, plan_b: CommissionPlan, draws, targets, **kwargs) -> pd.DataFrame:
    """Two plans side by side over the same simulated bookings.

    Parameters
    ----------
    plan_a, plan_b : CommissionPlan
    draws, targets, **kwargs
        As for :func:`simulate_payouts` (``rep_ids``, ``teams``, ``team_targets``).

    Returns
    -------
    DataFrame
        One row per figure (``metric``, ``label``), one column per plan (named after the
        plans; ``A: name`` / ``B: name`` when the names are equal) and ``difference`` (B − A).
        The share of reps reaching the threshold, 100 % and the cap follow the totals.

    Examples
    --------
    >>> import numpy as np
    >>> from workbench.incentives.plan import plan_from_dict
    >>> flat = plan_from_dict({"name": "Flat", "base_rate": 0.06})
    >>> tiered = plan_from_dict({"name": "Tiered", "tiers": [{"from": 0.0, "to": 1.0, "rate": 0.05},
    ...                                                       {"from": 1.0, "rate": 0.10}]})
    >>> table = compare_plans(flat, tiered, np.array([[80.0, 120.0]]), [100.0])
    >>> table.set_index("metric").loc["payout_mean", ["Flat", "Tiered", "difference"]].tolist()
    [6.0, 5.5, -0.5]
    """
    return compare_simulations(*(simulate_payouts(plan, draws, targets, **kwargs) for plan in (plan_a, plan_b)))


def compare_simulations(sim_a: PlanSimulation, sim_b: PlanSimulation) -> pd.DataFrame:
    """The :func:`compare_plans` table from two plan simulations already run on the same draws."""
    sims = [sim_a, sim_b]
    names = [sim_a.plan.name, sim_b.plan.name]
    if names[0] == names[1]:
        names = [f"A: {names[0]}", f"B: {names[1]}"]
    rows = [(key, label, sims[0].summary[key], sims[1].summary[key]) for key, label in _COMPARE_ROWS]
    for key, label in (("p_threshold", "Share of reps reaching the threshold"),
                       ("p_target", "Share of reps reaching 100 % of target"),
                       ("p_capped", "Share of reps at the cap")):
        rows.append((f"share_{key.removeprefix('p_')}", label, float(sims[0].by_rep[key].mean()),
                     float(sims[1].by_rep[key].mean())))
    table = pd.DataFrame(rows, columns=["metric", "label", names[0], names[1]])
    table["difference"] = table[names[1]] - table[names[0]]
    table.attrs["notes"] = sorted(set(sims[0].notes) | set(sims[1].notes))
    return table


def draws_from_pipeline(sim: dict, shock_sd: float = 0.0, shock_company_share: float = 0.5,
                        seed: int = 0) -> pd.DataFrame:
    """Per-rep bookings draws (reps × simulations) from :func:`workbench.forecast.simulation.pipeline_draws`.

    Bookings already won in the period plus, in each simulation, what the open pipeline
    and deals not created yet bring (with the shared shock of
    :func:`~workbench.forecast.simulation.entity_draws`), indexed by ``rep_id``.
    """
    from workbench.forecast.simulation import entity_draws

    rows = [sim["S"].index.get_loc(f"rep:{rep}") for rep in sim["rep_ids"]]
    matrix = entity_draws(sim, shock_sd=shock_sd, shock_company_share=shock_company_share, seed=seed, rows=rows)
    return pd.DataFrame(matrix, index=pd.Index(sim["rep_ids"], name="rep_id"))
