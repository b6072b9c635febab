"""What changed: an entity whose metric moved against its own past, and the month it started.

For every entity (rep, team or region) and metric, the monthly series of the entity's
observations is taken *relative to its peer group in the same month* (a rep against the
other reps of their team, a team or region against the rest of the company): seasonality
and moves of the whole team cancel, so what is left is the entity's own drift. On that
residual series a single mean shift is searched among the months that may start a change
(the last ``change_months`` of the window, with at least :data:`MIN_BEFORE` months of
history before and :data:`MIN_AFTER` after): the start is the month that maximises the
inverse-variance weighted before/after z statistic in the bad direction (the maximum
likelihood change point of a normal mean shift), and the p-value is the chance that the
*largest* of those correlated statistics reaches it under no change — bounded above by
Hunter's (1976) inequality on the chain of neighbouring candidate months,
``P(max z ≥ x) ≤ Φ(−x) + 2 Σ T(x, √((1−ρᵢ)/(1+ρᵢ)))`` with Owen's T
(:func:`scipy.special.owens_t`) and ρᵢ the known correlation of neighbouring statistics
(the Brownian-bridge covariance of weighted cumulative sums). Much tighter than a
Bonferroni bound over the candidates, never below the truth. The engine then applies the
same two-level Benjamini–Hochberg control and materiality test as for every other driver.

Noise model of one entity-month residual: ``σ²/n + τ²`` — ``σ²`` the pooled within-month
variance of single observations (deals, surveys; 0 for one count per month such as
activities), ``n`` the month's observations, ``τ²`` the extra month-to-month variation of
a typical entity around its own mean (method of moments over all entities).

Metrics (``detail``):

=============  ===============================================  ==========  ==============
detail         observation                                      dated by    bad direction
=============  ===============================================  ==========  ==============
prospecting    log prospecting activities (not tied to a deal)  month       lower
               per workday of a month
activities     the same with all activities (when the data      month       lower
               does not tell prospecting apart)
follow_up      log1p hours from creation to first touch          creation    higher
deal_size      log amount relative to the product × source       creation    lower
               typical
win_rate       1 if a deal was won within 90 days of creation    creation    lower
               (deals created at least 90 days before the end)
pace           mean log1p stage days relative to the stage ×     close       higher
               product typical
=============  ===============================================  ==========  ==============

Examples
--------
>>> import numpy as np
>>> from workbench.diagnose.changes import best_split
>>> r = np.array([[0.0] * 12 + [-1.0] * 6])           # one entity: drops by 1 from month 12
>>> weight = np.full_like(r, 25.0)                      # each month measured with sd 0.2
>>> z, start, p = best_split(r, weight, np.arange(9, 16), higher_is_worse=False)
>>> int(start[0]), bool(z[0] > 5), bool(p[0] < 1e-6)
(12, True, True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.diagnose.facts import arrow_codes, stage_centre

__all__ = ["CHANGE_METRICS", "MIN_BEFORE", "MIN_AFTER", "best_split", "max_z_pvalue", "monthly_observations",
           "rep_observations", "evaluate_changes"]

#: ``win_rate`` counts deals won within this many days of their creation (outcomes known for all).
WIN_HORIZON_DAYS = 90
#: Months of data needed before a change and after it.
MIN_BEFORE = 6
MIN_AFTER = 3
#: metric -> (unit, higher_is_worse, log scale)
CHANGE_METRICS = {
    "prospecting": ("activities/day", False, True),
    "activities": ("activities/day", False, True),
    "follow_up": ("hours", True, True),
    "deal_size": ("×", False, True),
    "win_rate": ("rate", False, False),
    "pace": ("×", True, True),
}
_MONTH = "datetime64[M]"


def _month_index(dates, start: pd.Timestamp) -> np.ndarray:
    at = pd.DatetimeIndex(dates).to_numpy().astype(_MONTH).astype(np.int64)
    return at - np.datetime64(start, "M").astype(np.int64)


def _cells(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Integer codes of the pairs of ``a`` and ``b`` (missing values a category of their own)."""
    ca, _ = pd.factorize(a, use_na_sentinel=False)
    cb, ub = pd.factorize(b, use_na_sentinel=False)
    return ca * (len(ub) + 1) + cb


def monthly_observations(frames: dict, start: pd.Timestamp) -> pd.DataFrame:
    """Every observation of every change metric: ``metric, entity, month, y`` (month = index from ``start``).

    ``frames`` are the engine's entity frames (``activity_months``, ``created``,
    ``closed``, ``stage_days``), which reach back into the borrowed history when there is one.
    """
    parts = []
    am = frames.get("activity_months")
    if am is not None and len(am):
        # prospecting (activities not tied to a deal) when the data tells them apart: it moves the
        # month a rep's effort moves, while deal activities follow the pipeline built months before
        split = 0 < am["prospecting"].sum() < am["activities"].sum()
        metric, column = ("prospecting", "prospecting") if split else ("activities", "activities")
        y = np.log((am[column].to_numpy(float) + 0.5) / am["workdays"].to_numpy(float))
        parts.append(pd.DataFrame({"metric": metric, "entity": am["entity"].array,
                                   "month": _month_index(am["month"], start), "y": y}))
    created = frames.get("created")
    if created is not None and len(created):
        # only the columns read below are carried through the row selections
        read = ("entity", "created_at", "closed_at", "follow_up_hours", "amount", "source", "product", "won")
        created = created[[c for c in read if c in created.columns]]
        known = created[created["follow_up_hours"].notna()]
        parts.append(pd.DataFrame({"metric": "follow_up", "entity": known["entity"].array,
                                   "month": _month_index(known["created_at"], start),
                                   "y": np.log1p(known["follow_up_hours"].to_numpy(float))}))
        sized = created[created["amount"] > 0]
        if len(sized):
            log_amount = np.log(sized["amount"].to_numpy(float))
            cell = _cells(sized["source"], sized["product"])
            centre = pd.Series(log_amount).groupby(cell).transform("median").to_numpy()
            parts.append(pd.DataFrame({"metric": "deal_size", "entity": sized["entity"].array,
                                       "month": _month_index(sized["created_at"], start), "y": log_amount - centre}))
        # won within WIN_HORIZON_DAYS of creation, for deals created at least that long before the
        # end: every such deal's outcome is known, so slow reps' recent months are not their quick losses
        end = frames["window"].end if frames.get("window") is not None else created["created_at"].max()
        horizon = pd.Timedelta(days=WIN_HORIZON_DAYS)
        mature = created[created["created_at"] <= end - horizon]
        won_in_time = mature["won"].to_numpy(bool) & ((mature["closed_at"] - mature["created_at"]) <= horizon).to_numpy()
        parts.append(pd.DataFrame({"metric": "win_rate", "entity": mature["entity"].array,
                                   "month": _month_index(mature["created_at"], start), "y": won_in_time.astype(float)}))
    closed = frames.get("closed")
    sd = frames.get("stage_days")
    if sd is not None and len(sd) and closed is not None and len(closed):
        y = np.log1p(sd["days"].to_numpy(float))
        centre = frames.get("stage_centre")  # the same stage and product's typical passage (computed once)
        if centre is None or len(centre) != len(sd):
            centre = stage_centre(sd)
        dev = y - centre
        # one pace per deal: the mean of its stages' deviations (integer deal codes, not string groups)
        deal = frames.get("stage_deal")
        if deal is None or len(deal) != len(sd):
            deal = pd.factorize(sd["opportunity_id"])[0]
        pace = np.bincount(deal, weights=dev) / np.bincount(deal)
        first = np.unique(deal, return_index=True)[1]
        deal_ids = pd.Index(sd["opportunity_id"].array.take(first))  # codes are in order of first appearance
        entity = sd["entity"].array.take(first)
        ids = closed["opportunity_id"]
        # deal ids hashed in Arrow (each id's position among the decided deals); repeated ids by their first row
        position = arrow_codes(deal_ids.to_series(), ids) if _all_distinct(ids) \
            else pd.Index(ids.drop_duplicates()).get_indexer(deal_ids)
        ok = position >= 0
        when = closed["closed_at"].to_numpy()[np.maximum(position, 0)][ok]
        parts.append(pd.DataFrame({"metric": "pace", "entity": entity[ok], "month": _month_index(when, start),
                                   "y": pace[ok]}))
    if not parts:
        return pd.DataFrame(columns=["metric", "entity", "month", "y"])
    out = pd.concat(parts, ignore_index=True)
    return out[out["entity"].notna() & np.isfinite(out["y"])]


def _all_distinct(values: pd.Series) -> bool:
    """Whether no value repeats (a missing value counts as one value), counted in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.count_distinct(pa.array(values, from_pandas=True), mode="all").as_py() == len(values)


def best_split(resid: np.ndarray, weight: np.ndarray, candidates: np.ndarray, higher_is_worse: bool):
    """The month that best splits each row of ``resid`` into a before and a worse after level.

    Parameters
    ----------
    resid, weight : ndarray (entities, months)
        Monthly residuals and their inverse-variance weights (0 = no data that month).
    candidates : ndarray of int
        Months that may start the change.
    higher_is_worse : bool

    Returns
    -------
    z, start, p_value : ndarray
        Per entity the largest before/after z statistic in the bad direction, the month it
        starts at (−1 when no candidate month has data on both sides) and the p-value of
        the maximum (:func:`max_z_pvalue`).
    """
    w = np.asarray(weight, float)
    rw = np.nan_to_num(np.asarray(resid, float)) * w
    cw, crw = np.cumsum(w, axis=1), np.cumsum(rw, axis=1)
    has = np.cumsum(w > 0, axis=1)
    total_w, total_rw, total_has = cw[:, -1:], crw[:, -1:], has[:, -1:]
    c = np.asarray(candidates, int)
    w_before, rw_before, n_before = cw[:, c - 1], crw[:, c - 1], has[:, c - 1]
    w_after, rw_after = total_w - w_before, total_rw - rw_before
    n_after = total_has - n_before
    ok = (n_before >= MIN_BEFORE) & (n_after >= MIN_AFTER) & (w_before > 0) & (w_after > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = rw_after / w_after - rw_before / w_before
        z = shift / np.sqrt(1.0 / w_before + 1.0 / w_after)
    z = z if higher_is_worse else -z
    z = np.where(ok, z, -np.inf)
    best = np.argmax(z, axis=1)
    z_best = z[np.arange(len(z)), best]
    start = np.where(np.isfinite(z_best), c[best], -1)
    z_best = np.where(np.isfinite(z_best), z_best, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        odds = np.where(ok, w_before / w_after, np.nan)  # the bridge's time, as before / after
    return z_best, start, max_z_pvalue(z_best, odds)


def max_z_pvalue(z: np.ndarray, odds: np.ndarray) -> np.ndarray:
    """P(the largest of a chain of correlated standard normals ≥ z), Hunter's upper bound.

    ``odds[:, i]`` is ``W_before / W_after`` of candidate ``i`` (NaN: not a candidate);
    neighbouring before/after statistics have correlation ``√(odds_i / odds_j)`` (i < j).

    >>> from scipy import stats as sps
    >>> float(max_z_pvalue(np.array([3.0]), np.array([[1.0, 1.0]]))[0]) == float(sps.norm.sf(3.0))
    True
    >>> round(float(max_z_pvalue(np.array([3.0]), np.array([[0.5, 2.0]]))[0]), 5)   # ρ = 0.5: about two tests' worth
    0.00262
    """
    from scipy import special  # scipy where a statistic is computed, not when the module is imported
    from scipy import stats as sps

    z = np.asarray(z, float)
    p = sps.norm.sf(z)
    odds = np.asarray(odds, float)
    if odds.ndim != 2 or not len(z):
        return np.minimum(p, 1.0)
    ordered = np.sort(odds, axis=1)  # each row's candidates in order, NaN (not a candidate) last
    valid = (~np.isnan(odds)).sum(axis=1)
    # rows with the same number of candidates at once: each row's terms summed as that row alone would be
    for size in np.unique(valid[(valid >= 2) & ~np.isnan(z)]):
        rows = np.flatnonzero((valid == size) & ~np.isnan(z))
        o = ordered[rows, :size]
        rho = np.sqrt(o[:, :-1] / o[:, 1:])
        a = np.sqrt((1.0 - rho) / (1.0 + rho))
        p[rows] = p[rows] + 2.0 * np.ascontiguousarray(special.owens_t(z[rows, None], a)).sum(axis=1)
    return np.minimum(p, 1.0)


def _peer_key(entities: pd.DataFrame, groups: list, min_others: int = 3) -> pd.Series:
    """Per entity, the finest peer group with at least ``min_others`` other members."""
    key = pd.Series("company", index=entities.index, dtype=object)
    chosen = pd.Series(False, index=entities.index)
    for level, g in enumerate(groups):
        g = g.reindex(entities.index).astype(object).fillna("∅")
        size = g.map(g.value_counts())
        take = ~chosen & (size - 1 >= min_others)
        key[take] = f"{level}:" + g[take].astype(str)
        chosen |= take
    return key


def _robust_excess(dev2: np.ndarray, noise: np.ndarray) -> float:
    """Extra month-to-month variance τ² of a typical entity (rows: entities, columns: months; NaN = no data).

    Each entity's Cochran statistic ``Q = Σ dev² / (noise + τ²)`` is χ² with (months − 1)
    degrees of freedom when τ² is right; τ² is set so that the *median* entity's Q / df
    equals the median of χ²_df / df — a robust Paule–Mandel estimate that the few entities
    that really changed cannot inflate, and that is not misled by skewed single months.

    >>> rng = np.random.default_rng(0)
    >>> d = rng.normal(0, np.sqrt(1.5), (300, 24))
    >>> round(_robust_excess((d - d.mean(axis=1, keepdims=True)) ** 2, np.ones((300, 24))), 1)
    0.5
    """
    have = ~np.isnan(dev2)
    k = have.sum(axis=1)
    use = k >= 3
    if use.sum() < 3:
        return 0.0
    dev2, noise, k = np.where(have, dev2, 0.0)[use], np.where(have, noise, np.inf)[use], k[use]
    from scipy import stats as sps

    df = float(np.median(k)) - 1.0
    target = sps.chi2.median(df) / df

    def median_ratio(tau2):
        return np.median((dev2 / np.maximum(noise + tau2, 1e-12)).sum(axis=1) / (k - 1))

    if median_ratio(0.0) <= target:
        return 0.0
    lo, hi = 0.0, float(np.nanmax(np.where(np.isfinite(noise), noise, 0.0))) + float(dev2.sum(axis=1).max()) + 1e-9
    for _ in range(60):  # bisection: the ratio falls as τ² grows
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if median_ratio(mid) > target else (lo, mid)
    return 0.5 * (lo + hi)


def _series(obs: pd.DataFrame, peer: pd.Series, n_months: int):
    """Residual matrix (entity × month) against peers in the same month, and its weights."""
    ent_code, ent_names = pd.factorize(obs["entity"])
    month = obs["month"].to_numpy()
    y = obs["y"].to_numpy(float)
    n_e = len(ent_names)
    cell = ent_code * n_months + month
    size = n_e * n_months
    cnt = np.bincount(cell, minlength=size).reshape(n_e, n_months).astype(float)
    tot = np.bincount(cell, weights=y, minlength=size).reshape(n_e, n_months)
    sq = np.bincount(cell, weights=y * y, minlength=size).reshape(n_e, n_months)
    peer_code = pd.factorize(peer.reindex(ent_names).fillna("company").to_numpy())[0]
    g_cnt = np.zeros((peer_code.max() + 1, n_months))
    g_tot = np.zeros_like(g_cnt)
    np.add.at(g_cnt, peer_code, cnt)
    np.add.at(g_tot, peer_code, tot)
    other_cnt, other_tot = g_cnt[peer_code] - cnt, g_tot[peer_code] - tot
    with np.errstate(invalid="ignore", divide="ignore"):
        own = tot / cnt
        ref = other_tot / other_cnt
        within = (sq - tot * own) / np.maximum(cnt - 1, 1)
    resid = np.where((cnt > 0) & (other_cnt > 0), own - ref, np.nan)
    multi = cnt > 1
    sigma2 = float(np.nansum(within[multi] * (cnt[multi] - 1)) / max((cnt[multi] - 1).sum(), 1)) if multi.any() else 0.0
    noise = np.where(cnt > 0, sigma2 / np.maximum(cnt, 1), np.nan)
    # extra month-to-month variation of a typical entity around its own level
    have = ~np.isnan(resid)
    k = have.sum(axis=1)
    mean = np.nansum(resid, axis=1) / np.maximum(k, 1)
    dev2 = (resid - mean[:, None]) ** 2
    tau2 = _robust_excess(np.where(have, dev2, np.nan), np.where(have, noise, np.nan))
    var = noise + tau2
    weight = np.where(have & (var > 0), 1.0 / np.where(var > 0, var, 1.0), 0.0)
    return ent_names, resid, weight, own, cnt


def rep_observations(frames: dict, window):
    """``(start, months, observations)`` of :func:`monthly_observations` for the months up to the
    window end (at most 36), computed once per diagnosis on the rep frames and re-keyed per level;
    None without any dated fact."""
    facts = [frames.get(k) for k in ("activity_months", "created", "closed")]
    frames = {**frames, "window": window}
    firsts = [pd.Timestamp(f[c].min()) for f, c in zip(facts, ("month", "created_at", "closed_at"))
              if f is not None and len(f)]
    if not firsts:
        return None
    start = pd.Timestamp(max(min(firsts), window.end - pd.DateOffset(months=36))).to_period("M").start_time
    n_months = (window.end.year - start.year) * 12 + (window.end.month - start.month)
    obs = monthly_observations(frames, start)
    return start, n_months, obs[(obs["month"] >= 0) & (obs["month"] < n_months)].reset_index(drop=True)


def evaluate_changes(frames: dict, window, change_months: int, follow_up_coef: float | None = None) -> pd.DataFrame:
    """Test every entity × metric of ``frames`` for a change against its own past.

    Parameters
    ----------
    frames : dict
        The engine's entity frames of one level (``entities``, ``groups``, the fact frames
        and ``closed_with_ramp`` for the bookings since a change).
    window : Window
        The analysis window: a change may start in its last ``change_months`` months.
    change_months : int
    follow_up_coef : float, optional
        Log-odds of winning per log1p hour of follow-up (the company-wide effect), for the
        revenue impact of slower follow-up.

    Returns
    -------
    DataFrame
        One row per entity × metric with a candidate start: ``entity, detail, n, raw, value,
        benchmark, ci_low, ci_high, gap, p_value, revenue_impact, since``: ``benchmark`` is
        the entity's own level before the change, ``value`` that level moved by the shift
        against its peers (with its 95 % interval ``ci_low``–``ci_high``), ``raw`` its plain
        level since the change.
    """
    from scipy import stats as sps

    pre = frames.get("change_observations")
    if pre is None:
        pre = rep_observations(frames, window)
    if pre is None:
        return pd.DataFrame()
    start, n_months, obs = pre
    if "rep_entity" in frames and frames.get("level", "rep") != "rep":  # rep observations, re-keyed
        rep_entity = frames["rep_entity"]  # looked up by position (Arrow hashing), as Series.map would
        code = arrow_codes(obs["entity"], rep_entity.index.to_series())
        obs = obs.assign(entity=rep_entity.array.take(code, allow_fill=True))
        obs = obs[obs["entity"].notna()]
    if obs.empty or n_months < MIN_BEFORE + MIN_AFTER:
        return pd.DataFrame()
    first_candidate = max(n_months - min(change_months, window.months), MIN_BEFORE)
    candidates = np.arange(first_candidate, n_months - MIN_AFTER + 1)
    if candidates.size == 0:
        return pd.DataFrame()
    peer = _peer_key(frames["entities"], frames["groups"][:-1])
    month_labels = np.asarray(pd.date_range(start, periods=n_months, freq="MS").strftime("%Y-%m"), dtype=object)
    closed = frames["closed_with_ramp"]
    month_of_close = _month_index(closed["closed_at"], start)
    # each closed deal's entity as a code, hashed once for every metric below
    close_code, close_names = pd.factorize(closed["entity"])
    rows = []
    for metric, part in obs.groupby("metric", sort=False):
        unit, higher_is_worse, log_scale = CHANGE_METRICS[metric]
        names, resid, weight, own, cnt = _series(part, peer, n_months)
        z, begin, p_max = best_split(resid, weight, candidates, higher_is_worse)
        found = begin >= 0
        if not found.any():
            continue
        idx = np.flatnonzero(found)
        months = np.arange(n_months)[None, :]
        after = months >= begin[idx, None]
        c = cnt[idx]
        o = np.nan_to_num(own[idx])
        with np.errstate(invalid="ignore", divide="ignore"):
            level_after = (o * c * after).sum(axis=1) / (c * after).sum(axis=1)
            level_before = (o * c * ~after).sum(axis=1) / (c * ~after).sum(axis=1)
            w = weight[idx]
            r = np.nan_to_num(resid[idx])
            shift = (r * w * after).sum(axis=1) / (w * after).sum(axis=1) - \
                (r * w * ~after).sum(axis=1) / (w * ~after).sum(axis=1)
            se = np.sqrt(1.0 / (w * after).sum(axis=1) + 1.0 / (w * ~after).sum(axis=1))
        zc = sps.norm.ppf(0.975)
        lo_shift, hi_shift = shift - zc * se, shift + zc * se
        # value: the earlier level moved by the shift against the peers (what is left once the
        # peer group's own moves are taken out); raw: the entity's plain level since the change
        if log_scale:
            bad = shift if higher_is_worse else -shift
            gap = np.exp(bad) - 1.0 if higher_is_worse else 1.0 - np.exp(-bad)
            ratio = np.exp(shift)
            back = np.expm1 if metric == "follow_up" else np.exp
            bench, raw = back(level_before), back(level_after)
            value = back(level_before + shift)
            lo, hi = back(level_before + lo_shift), back(level_before + hi_shift)
        else:
            gap = (-shift if not higher_is_worse else shift) / np.where(level_before > 0, level_before, np.nan)
            ratio = 1.0 + shift / np.where(level_before > 0, level_before, np.nan)
            bench, raw = level_before, level_after
            value = np.clip(level_before + shift, 0.0, 1.0)
            lo, hi = np.clip(level_before + lo_shift, 0.0, 1.0), np.clip(level_before + hi_shift, 0.0, 1.0)
        p = p_max[idx]
        entity = pd.Index(names[idx])
        e_code = np.append(pd.Index(names).get_indexer(close_names), -1)[close_code]
        # bookings and decided deals of each entity since its change began (window deals)
        since = np.zeros(len(closed), dtype=bool)
        pos = np.full(len(closed), -1)
        known = e_code >= 0
        start_of = np.full(len(names), 10**6)
        start_of[idx] = begin[idx]
        since[known] = month_of_close[known] >= start_of[e_code[known]]
        pos[known] = e_code[known]
        won_amount = np.where(closed["won"].to_numpy() & since, closed["amount"].to_numpy(float), 0.0)
        bookings = np.bincount(np.maximum(pos, 0), weights=won_amount * (pos >= 0), minlength=len(names))[idx]
        decided = np.bincount(np.maximum(pos, 0), weights=since * (pos >= 0), minlength=len(names))[idx]
        if metric in ("activities", "prospecting", "deal_size"):
            impact = bookings * (1.0 / ratio - 1.0)
        elif metric == "pace":
            impact = bookings * (ratio - 1.0)  # Little's law on the slower pace
        elif metric == "win_rate":
            avg = bookings / np.maximum((decided * value), 1e-9)
            impact = decided * (bench - value) * np.where(np.isfinite(avg), avg, 0.0)
        else:  # follow_up: the company-wide effect of follow-up speed on the win odds
            coef = follow_up_coef if follow_up_coef is not None else np.nan
            impact = bookings * np.clip(np.exp(-coef * shift) - 1.0, 0.0, None)
        after_n = (c * after).sum(axis=1)
        rows.append(pd.DataFrame({
            "entity": entity, "detail": metric, "n": after_n, "raw": raw, "value": value, "benchmark": bench,
            "ci_low": np.minimum(lo, hi), "ci_high": np.maximum(lo, hi), "gap": gap, "p_value": p,
            "revenue_impact": impact,
            "since": month_labels[begin[idx]],
            "history_months": (cnt[idx] > 0).sum(axis=1).astype(float),
            # the share of the window the change has lasted: its materiality floor is that share of
            # the window's reference bookings (its impact is counted since the change only)
            "window_share": np.minimum((n_months - begin[idx]) / max(window.months, 1), 1.0),
        }))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
