"""Monte Carlo bookings for a period: open pipeline + deals not created yet + already booked.

For each simulation, every open deal is won within the period with probability
``p_won_in_period`` (from :meth:`WinModel.predict`), independently. Deals not created
yet arrive as a Poisson count per rep, at the rep's historical rate of deals that were
created *and* won within the same period (shrunk toward the team's per-rep rate,
scaled by the share of the period still ahead), with amounts drawn from the rep's past
such deals (the team's, then the company's, when the rep has fewer than five).
Bookings already won in the period before ``as_of`` are added as they are. Rep draws
are summed up the hierarchy so teams, regions and the company stay coherent.

Deals are not independent in reality: a strong or weak month lifts or sinks a team's
deals together, so with ``shock_sd > 0`` every simulation multiplies each team's
bookings still to come by one shared, mean-one log-normal factor (part common to the
company, part the team's own). :func:`~workbench.forecast.backtest_pipeline` calibrates
``shock_sd`` so that P10-P90 covers 80 % of past periods.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.contract import ENTITY_TYPES
from workbench.forecast.hierarchy import hierarchy_tags, summing_matrix
from workbench.io.load import as_sales_data
from workbench.kpi.targets import period_targets
from workbench.params import check_by, check_param
from workbench.periods import parse_period

__all__ = ["simulate_pipeline", "pipeline_draws", "shock_factors", "entity_draws", "summarise_draws"]

_MIN_POOL = 5


def _run_rate(opps, reps, tags, start, end, as_of, history_periods, prior_periods):
    """Per-rep expected count of new in-period wins and the amount pool of each rep."""
    won = opps[(opps["outcome"] == "won") & opps["closed_at"].notna()]
    counts = pd.DataFrame(0.0, index=reps["rep_id"].astype(str), columns=range(history_periods))
    amounts = {r: [] for r in counts.index}
    for k in range(history_periods):
        # calendar-aligned previous periods of the same length
        p_start, p_end = _shift_period(start, end, k + 1)
        inside = won[(won["created_at"] >= p_start) & (won["created_at"] < p_end) &
                     (won["closed_at"] >= p_start) & (won["closed_at"] < p_end)]
        c = inside.groupby(inside["rep_id"].astype(str)).size()
        counts.loc[c.index.intersection(counts.index), k] = c[c.index.intersection(counts.index)]
        for rep, amt in inside.groupby(inside["rep_id"].astype(str))["amount"]:
            if rep in amounts:
                amounts[rep].extend(amt.tolist())
    team_of = dict(zip(tags["rep"].str.split(":", n=1).str[1], tags["team"]))
    rate = counts.mean(axis=1)
    team_rate = rate.groupby(rate.index.map(team_of)).mean()
    shrunk = (counts.sum(axis=1) + prior_periods * rate.index.map(team_of).map(team_rate).to_numpy()) / (
        history_periods + prior_periods)
    remaining = max(0.0, min(1.0, (end - max(as_of, start)) / (end - start)))
    team_pool, all_pool = {}, []
    for rep, amt in amounts.items():
        team_pool.setdefault(team_of[rep], []).extend(amt)
        all_pool.extend(amt)
    pools = {}
    for rep, amt in amounts.items():
        if len(amt) >= _MIN_POOL:
            pools[rep] = np.asarray(amt)
        elif len(team_pool[team_of[rep]]) >= _MIN_POOL:
            pools[rep] = np.asarray(team_pool[team_of[rep]])
        else:
            pools[rep] = np.asarray(all_pool) if all_pool else np.zeros(1)
    return shrunk * remaining, pools


def _shift_period(start, end, k):
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and start.day == 1:
        return start - pd.DateOffset(months=months * k), start - pd.DateOffset(months=months * (k - 1))
    length = end - start
    return start - length * k, start - length * (k - 1)


def simulate_pipeline(deals: pd.DataFrame, data, period, *, as_of=None, n_sims: int = 5000, seed: int = 0,
                      by=ENTITY_TYPES, history_periods: int = 6, prior_periods: float = 2.0,
                      metric: str = "bookings", shock_sd: float = 0.0, shock_company_share: float = 0.5
                      ) -> pd.DataFrame:
    """Bookings distribution per rep, team, region and company for one period.

    Parameters
    ----------
    deals : DataFrame
        Scored open deals from :meth:`WinModel.predict` (``rep_id``, ``amount``,
        ``p_won_in_period``).
    data : SalesData, path or dict of DataFrames
        For the reps, past deals (run rate, booked to date) and ``targets``.
    period : str
        The period label, e.g. ``"2026-11"`` or ``"2026-Q4"``.
    as_of : date-like, optional
        When the deals were scored; defaults to ``deals.attrs["as_of"]`` or the period start.
    n_sims, seed : int
        Number of simulations and the random seed (results are reproducible).
    history_periods : int
        Past periods used for the run rate of deals not yet created.
    shock_sd : float
        Standard deviation (log scale) of a shared period-level shock: in each simulation
        every team's bookings still to come (open deals and deals not created yet) are
        multiplied by one mean-one log-normal factor, so good and bad months hit a
        team's deals together instead of averaging out. 0 (default) treats deals as
        independent, which makes P10-P90 far too narrow;
        :func:`~workbench.forecast.backtest_pipeline` calibrates it on past snapshots
        (``shock_sd_`` in the backtest's ``attrs``).
    shock_company_share : float
        Share (0-1) of the shock's variance common to all teams (the rest is each team's own).

    Returns
    -------
    DataFrame
        ``entity_type, entity_id, period`` (the period start, as in KPI tables),
        ``booked_to_date, expected_pipeline, expected_run_rate, mean, p10, p50, p90,
        target, p_reach_target``. ``target`` is the period's target by the rules of
        :mod:`workbench.kpi.targets` (the ``bookings_target`` KPI: own, else the sum of the
        reps'); ``target`` / ``p_reach_target`` are NaN when it is not known.
    """
    check_param("simulate_pipeline", "shock_sd", shock_sd, "a number >= 0",
                isinstance(shock_sd, (int, float)) and shock_sd >= 0)
    check_param("simulate_pipeline", "shock_company_share", shock_company_share, "a number between 0 and 1",
                isinstance(shock_company_share, (int, float)) and 0 <= shock_company_share <= 1)
    sim = pipeline_draws(deals, data, period, as_of=as_of, n_sims=n_sims, seed=seed, by=by,
                         history_periods=history_periods, prior_periods=prior_periods)
    return summarise_draws(sim, shock_sd=shock_sd, shock_company_share=shock_company_share, seed=seed,
                           metric=metric)


def pipeline_draws(deals: pd.DataFrame, data, period, *, as_of=None, n_sims: int = 5000, seed: int = 0,
                   by=ENTITY_TYPES, history_periods: int = 6, prior_periods: float = 2.0) -> dict:
    """The raw simulation behind :func:`simulate_pipeline`, per rep and before any shock.

    Returns a dict: ``period`` (parsed), ``data``, ``levels``, ``rep_ids``, ``teams``
    (each rep's team), ``S`` (summing matrix, entities x reps), ``booked``, ``pipe`` and
    ``run`` (per rep: booked to date, expected from open deals and from deals not created
    yet), ``draws`` (reps x simulations: bookings still to come in each simulation) and its two
    parts ``pipe_draws`` (open deals) and ``run_draws`` (deals not created yet), with
    ``pipe_draws + run_draws == draws`` exactly; ``deals`` is the open deals simulated, with
    ``rep_pos`` (the rep's row in ``draws``).
    """
    p = parse_period(period)
    start, end = p.start, p.end
    as_of = pd.Timestamp(as_of if as_of is not None else deals.attrs.get("as_of", start))
    as_of = min(max(as_of, start), end)
    data = as_sales_data(data, caller="simulate_pipeline")
    levels = check_by("simulate_pipeline", by)
    if levels[0] != "rep":
        levels = ["rep", *[lv for lv in levels if lv != "rep"]]
    reps, opps = data.reps, data.opportunities
    tags = hierarchy_tags(reps, levels)
    rep_ids = reps["rep_id"].astype(str).tolist()
    rep_index = {r: i for i, r in enumerate(rep_ids)}
    rng = np.random.default_rng(seed)
    n_reps = len(rep_ids)
    # booked before as_of inside the period
    won = opps[(opps["outcome"] == "won") & (opps["closed_at"] >= start) & (opps["closed_at"] < as_of)]
    booked = won.groupby(won["rep_id"].astype(str))["amount"].sum().reindex(rep_ids).fillna(0.0).to_numpy()
    # open pipeline
    d = deals[deals["rep_id"].astype(str).isin(rep_index)]
    idx = d["rep_id"].astype(str).map(rep_index).to_numpy()
    amount = d["amount"].to_numpy(dtype=float)
    prob = d["p_won_in_period"].to_numpy(dtype=float)
    totals = np.zeros((n_reps, n_sims))
    block = max(1, 2_000_000 // max(len(d), 1))
    for s0 in range(0, n_sims, block):
        s1 = min(n_sims, s0 + block)
        wins = rng.random((len(d), s1 - s0)) < prob[:, None]
        np.add.at(totals[:, s0:s1], idx, wins * amount[:, None])
    pipe_draws = totals.copy()
    run_draws = np.zeros_like(totals)
    # deals not created yet
    lam, pools = _run_rate(opps, reps, tags, start, end, as_of, history_periods, prior_periods)
    for i, rep in enumerate(rep_ids):
        counts = rng.poisson(lam.iloc[i], n_sims)
        if counts.sum():
            draws = rng.choice(pools[rep], counts.sum())
            owner = np.repeat(np.arange(n_sims), counts)
            run_draws[i] = np.bincount(owner, weights=draws, minlength=n_sims)
            totals[i] += run_draws[i]
    S = summing_matrix(tags)
    S = S[[f"rep:{r}" for r in rep_ids]]
    pipe = np.zeros(n_reps)
    np.add.at(pipe, idx, amount * prob)
    run = np.array([lam.iloc[i] * pools[r].mean() for i, r in enumerate(rep_ids)])
    return {"period": p, "data": data, "levels": levels, "rep_ids": rep_ids, "teams": reps["team"].astype(str).to_numpy(),
            "S": S, "booked": booked, "pipe": pipe, "run": run, "draws": totals, "pipe_draws": pipe_draws,
            "run_draws": run_draws, "deals": d.assign(rep_pos=idx), "as_of": as_of}


def shock_factors(teams, n_sims: int, shock_sd: float, shock_company_share: float = 0.5, seed: int = 0) -> np.ndarray:
    """Mean-one log-normal period shocks, one per team and simulation, spread to the reps (reps x sims).

    >>> f = shock_factors(["A", "A", "B"], 20000, 0.3, seed=1)
    >>> f.shape, bool((f[0] == f[1]).all()), bool((f[0] == f[2]).all()), round(float(f.mean()), 1)
    ((3, 20000), True, False, 1.0)
    """
    teams = np.asarray(teams)
    if shock_sd <= 0:
        return np.ones((len(teams), n_sims))
    codes, names = pd.factorize(teams)
    rng = np.random.default_rng([seed, 7919])  # its own stream: shock_sd=0 leaves the deal draws as they were
    common = rng.standard_normal(n_sims)
    own = rng.standard_normal((len(names), n_sims))
    z = np.sqrt(shock_company_share) * common + np.sqrt(1 - shock_company_share) * own
    return np.exp(shock_sd * z - shock_sd ** 2 / 2)[codes]


def entity_draws(sim: dict, shock_sd: float = 0.0, shock_company_share: float = 0.5, seed: int = 0,
                 rows=None) -> np.ndarray:
    """Simulated bookings per entity (rows of ``sim["S"]``, or the positions ``rows`` of them)
    x simulation, with the shared shock applied."""
    S = sim["S"].to_numpy() if rows is None else sim["S"].to_numpy()[rows]
    used = S.any(axis=0)
    factors = shock_factors(sim["teams"], sim["draws"].shape[1], shock_sd, shock_company_share, seed)[used]
    totals = sim["draws"][used] * factors + sim["booked"][used, None]
    return S[:, used] @ totals


def summarise_draws(sim: dict, *, shock_sd: float = 0.0, shock_company_share: float = 0.5, seed: int = 0,
                    metric: str = "bookings") -> pd.DataFrame:
    """The :func:`simulate_pipeline` table from :func:`pipeline_draws` and a shock."""
    p, S, levels, data = sim["period"], sim["S"], sim["levels"], sim["data"]
    all_draws = entity_draws(sim, shock_sd, shock_company_share, seed)
    q = np.percentile(all_draws, [10, 50, 90], axis=1)
    uid = S.index.to_series().str.split(":", n=1)
    Sm = S.to_numpy()
    out = pd.DataFrame({
        "entity_type": uid.str[0].to_numpy(), "entity_id": uid.str[1].to_numpy(), "period": p.start,
        "booked_to_date": Sm @ sim["booked"], "expected_pipeline": Sm @ sim["pipe"], "expected_run_rate": Sm @ sim["run"],
        "mean": all_draws.mean(axis=1), "p10": q[0], "p50": q[1], "p90": q[2],
    })
    # the period's target by the one targets rule (workbench.kpi.targets): own, else the reps' sum
    targets = period_targets(data.targets, data.reps, metric, p.freq, by=levels, periods=[p.start])
    target = targets.set_index(["entity_type", "entity_id"])["target"]
    out["target"] = target.reindex(pd.MultiIndex.from_frame(out[["entity_type", "entity_id"]])).to_numpy(float)
    out["p_reach_target"] = np.nan
    has = out["target"].notna().to_numpy()
    out.loc[has, "p_reach_target"] = (all_draws[has] >= out.loc[has, "target"].to_numpy()[:, None]).mean(axis=1)
    order = {lvl: i for i, lvl in enumerate(levels)}
    out = out.sort_values(["entity_type", "entity_id"], key=lambda s: s.map(order) if s.name == "entity_type" else s)
    out.attrs.update(shock_sd=float(shock_sd), shock_company_share=float(shock_company_share))
    return out.reset_index(drop=True)
