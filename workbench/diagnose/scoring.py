"""Score one metric for every entity against its peers: benchmark, shrinkage, p-value.

Two families share one recipe (see :mod:`workbench.diagnose.stats`):

``score_rates``
    counts ``successes`` out of ``trials`` (win rate, stage conversion, cancellations):
    beta-binomial test and shrinkage.
``score_means``
    per-observation values ``y`` already on the scale where differences are compared
    (log hours, log deal size, CSAT points): normal-normal test and shrinkage.

Both return one row per entity × detail with ``raw``, ``value`` (shrunken), ``benchmark``,
``ci_low``/``ci_high``, ``n``, ``p_value`` and ``n_peers``, all on the metric's own scale.

Borrowed history: observations with a ``weight`` column (``score_means``), or counts that
are weighted sums with ``trials_sq`` = Σ weight² over the trials (``score_rates``), are
scored on their *effective sample size* ``(Σw)²/Σw²`` — older months count less, and the
test is as sure as that many current observations would make it. ``n`` is then the
effective sample size and ``n_window`` the observations inside the window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.diagnose import stats

__all__ = ["score_rates", "score_means", "SCORE_COLUMNS"]

SCORE_COLUMNS = [
    "entity", "detail", "n", "raw", "value", "benchmark", "ci_low", "ci_high",
    "p_value", "n_peers", "sampling_var",
]
_MEDIAN_VAR = np.pi / 2  # variance of a sample median relative to the mean's (normal data)


def _empty():
    return pd.DataFrame(columns=SCORE_COLUMNS)


def score_rates(
    counts: pd.DataFrame,
    groups: list[pd.Series],
    *,
    higher_is_worse: bool,
    min_peers: int,
    min_observations: int,
    level: float,
) -> pd.DataFrame:
    """Score rates ``successes / trials`` per ``entity`` × ``detail``.

    An optional ``expected`` column in ``counts`` replaces the peer benchmark by an
    entity-specific expectation (e.g. a product benchmark adjusted to the rep's overall
    level); the between-entity spread is then estimated around it.
    """
    if counts.empty:
        return _empty()
    out = []
    for detail, grp in counts.groupby("detail", sort=False):
        # per entity as plain arrays (the same arithmetic as on Series, without their per-operation cost);
        # Series only where values meet the peer groups by entity
        grp = grp.set_index("entity")
        index = grp.index
        n = grp["trials"].to_numpy(float)
        k = grp["successes"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = k / _positive(n)
            expected_successes = grp["expected_successes"].to_numpy(float) if "expected_successes" in grp else None
            if "trials_sq" in grp.columns:  # history-weighted counts: on the effective sample size
                scale = _fill(n / _positive(grp["trials_sq"].to_numpy(float)), 1.0)
                n, k = n * scale, k * scale
                if expected_successes is not None:
                    expected_successes = expected_successes * scale
            eligible = n >= min_observations
            # the median of peers' rates resists peers with a problem of their own; for rare
            # events (most peers with no event at all) the pooled rate is used instead
            overall = np.nansum(k[eligible]) / max(np.nansum(n[eligible]), 1)
            events = pd.Series(n[eligible] * min(overall, 1 - overall)).median() if eligible.any() else 0
            pooled = (pd.Series(k, index=index), pd.Series(n, index=index)) if not events >= 5 else None
            peers_eligible = pd.Series(eligible, index=index)
            if expected_successes is not None:
                # mix-adjusted: peers' observed / expected ratio, applied to this entity's mix
                expected_rate = expected_successes / _positive(n)
                ratio = k / _positive(expected_successes)
                ratio_bench, n_peers, ratio_sd = stats.peer_benchmark(
                    pd.Series(ratio, index=index), peers_eligible, groups, min_peers,
                    pooled=(pooled[0], pd.Series(expected_successes, index=index)) if pooled is not None else None,
                )
                bench = ratio_bench.to_numpy() * expected_rate
                peer_sd = ratio_sd.to_numpy() * expected_rate
            else:
                bench, n_peers, peer_sd = (
                    v.to_numpy() for v in stats.peer_benchmark(pd.Series(rate, index=index), peers_eligible, groups,
                                                                min_peers, pooled=pooled))
            n_peers = n_peers.to_numpy() if isinstance(n_peers, pd.Series) else n_peers
            if "expected" in grp.columns:
                expected = grp["expected"].to_numpy(float)
                bench = np.where(np.isnan(expected), bench, expected)
            bench = np.clip(bench, 1e-3, 1 - 1e-3)
            sampling = bench * (1 - bench) / _positive(n)
            resid = (rate - bench)[eligible]
            # spread of typical entities on the arcsine-root scale, where binomial noise is
            # symmetric with variance 1/(4n) whatever the rate; back on the rate scale by the
            # delta method (d rate / d asin√rate = 2√(p(1-p)))
            resid_as = (np.arcsin(np.sqrt(np.clip(rate, 0, 1))) - np.arcsin(np.sqrt(bench)))[eligible]
            tau2_as = stats.robust_tau2(resid_as, 0.25 / n[eligible], higher_is_worse, trim=pooled is None)
            tau2_null = tau2_as * 4 * bench * (1 - bench)
            tau2_prior = np.maximum(stats.moment_tau2(resid, sampling[eligible]), tau2_null)
            # a pooled rate is about as precise as a mean of the peers' rates, a median less so
            factor = 1.0 if pooled is not None else _MEDIAN_VAR
            v_bench = _fill(factor * (peer_sd**2) / _positive(n_peers), 0.0)
        p = stats.beta_binomial_pvalue(k, n, bench, tau2_null + v_bench, higher_is_worse)
        post, lo, hi = stats.beta_shrink(k, n, bench, tau2_prior, level)
        limited = stats.limit_translation(rate, post, np.sqrt(sampling))
        lo, hi, post = lo + (limited - post), hi + (limited - post), limited
        out.append(
            pd.DataFrame(
                {
                    "entity": index,
                    "detail": detail,
                    "n": n,
                    "successes": k,
                    "raw": rate,
                    "value": post,
                    "benchmark": bench,
                    "ci_low": lo,
                    "ci_high": hi,
                    "p_value": np.where(n_peers > 0, p, np.nan),
                    "n_peers": n_peers,
                    "sampling_var": sampling,
                    **({"n_window": grp["n_window"].to_numpy(float)} if "n_window" in grp.columns else {}),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def _positive(values: np.ndarray) -> np.ndarray:
    """``values`` as floats, NaN where not positive (a zero denominator gives NaN, never inf)."""
    values = np.asarray(values, dtype=float)
    return np.where(values > 0, values, np.nan)


def _fill(values: np.ndarray, fill: float) -> np.ndarray:
    """``values`` with NaN replaced by ``fill``."""
    return np.where(np.isnan(values), fill, values)


def _weighted_stats(observations: pd.DataFrame) -> pd.DataFrame:
    """Per detail × entity: weighted mean of ``y``, effective sample size ``(Σw)²/Σw²``, weighted
    variance, and the observations inside the window (weight 1)."""
    w = observations["weight"].to_numpy(float)
    y = observations["y"].to_numpy(float)
    frame = pd.DataFrame({"detail": observations["detail"].array, "entity": observations["entity"].array, "w": w,
                          "wy": w * y, "wyy": w * y * y, "ww": w * w, "inside": (w >= 1.0).astype(float)})
    g = frame.groupby(["detail", "entity"]).sum()
    mean = g["wy"] / g["w"]
    n_eff = g["w"] ** 2 / g["ww"]
    var = (g["wyy"] / g["w"] - mean**2).clip(lower=0) * n_eff / (n_eff - 1).where(n_eff > 1)
    return pd.DataFrame({"mean": mean, "count": n_eff, "var": var, "n_window": g["inside"]})


def score_means(
    observations: pd.DataFrame,
    groups: list[pd.Series],
    *,
    higher_is_worse: bool,
    min_peers: int,
    min_observations: int,
    level: float,
) -> pd.DataFrame:
    """Score the mean of ``y`` per ``entity`` × ``detail`` (normal-normal).

    Sampling variance of an entity's mean is the pooled within-entity variance divided by
    its number of observations; entities with a single observation per detail (e.g. one
    pipeline snapshot) get the between-entity spread only.
    """
    if observations.empty:
        return _empty()
    weighted = "weight" in observations.columns
    # every detail's per-entity statistics in one grouping (each group's sums run over its own rows
    # in order, so they are the numbers a grouping of each detail on its own gives)
    if weighted:
        stats_of = _weighted_stats(observations)
    else:
        stats_of = observations.groupby(["detail", "entity"])["y"].agg(["mean", "count", "var"])
    if "sampling_var" in observations.columns:  # known measurement noise of single observations
        noise_of = observations.groupby(["detail", "entity"])["sampling_var"].mean()
    present = set(stats_of.index.get_level_values("detail"))
    out = []
    for detail in observations["detail"].dropna().unique():  # in order of first appearance
        # a detail whose every row lacks an entity has no statistics: an empty frame, as its own grouping gives
        agg = stats_of.loc[detail] if detail in present else stats_of.iloc[:0].droplevel("detail")
        n = agg["count"].astype(float)
        mean = agg["mean"]
        dof = (n - 1).clip(lower=0)
        within = float((agg["var"].fillna(0) * dof).sum() / dof.sum()) if dof.sum() > 0 else 0.0
        sampling = within / n
        if "sampling_var" in observations.columns:
            sampling = noise_of.loc[detail] / n
        eligible = n >= min_observations
        if not eligible.any():
            eligible = n >= 1
        bench, n_peers, peer_sd = stats.peer_benchmark(
            mean, eligible, groups, min_peers
        )
        resid = (mean - bench)[eligible]
        tau2_null = stats.robust_tau2(resid.to_numpy(), sampling[eligible].to_numpy(), higher_is_worse)
        tau2_prior = max(stats.moment_tau2(resid.to_numpy(), sampling[eligible].to_numpy()), tau2_null)
        v_bench = (_MEDIAN_VAR * (peer_sd**2) / n_peers.where(n_peers > 0)).fillna(0.0)
        p = stats.normal_outlier_pvalue(mean, sampling, bench, tau2_null + v_bench, higher_is_worse)
        post, lo, hi = stats.normal_shrink(mean, sampling, bench, tau2_prior, level)
        limited = stats.limit_translation(mean, post, np.sqrt(sampling))
        lo, hi, post = lo + (limited - post), hi + (limited - post), limited
        out.append(
            pd.DataFrame(
                {
                    "entity": mean.index,
                    "detail": detail,
                    "n": n.to_numpy(),
                    "raw": mean.to_numpy(),
                    "value": post,
                    "benchmark": bench.to_numpy(),
                    "ci_low": lo,
                    "ci_high": hi,
                    "p_value": np.where(n_peers.to_numpy() > 0, p, np.nan),
                    "n_peers": n_peers.to_numpy(),
                    "sampling_var": sampling.to_numpy(),
                    **({"n_window": agg["n_window"].to_numpy(float)} if weighted else {}),
                }
            )
        )
    return pd.concat(out, ignore_index=True)
