"""Statistics for the diagnosis: peer benchmarks, empirical-Bayes shrinkage, tests, FDR.

Two questions are kept apart on purpose:

* **How good is this rep really?** An empirical-Bayes *shrunken* estimate whose prior is
  the whole population of comparable entities (its spread ``tau2_prior`` is a plain
  method-of-moments estimate, outliers included), so a rep with three deals is pulled
  almost all the way to the benchmark, while a rep with two hundred keeps their own rate.
* **Is this rep outside the normal range of peers?** A one-sided test whose null
  distribution is a *typical* peer: benchmark ± the between-rep spread of typical reps
  (``tau2_null``, a robust MAD estimate that planted outliers cannot inflate) ± the
  sampling noise of the rep's own numbers ± the noise of the benchmark itself. Natural
  differences between reps are therefore not findings; only outliers are.

Rates (win rate, stage conversion, cancellation rate) use the beta-binomial family;
means of per-deal values (log follow-up hours, log deal size, log cycle days, CSAT)
use the normal-normal family.

Examples
--------
>>> import numpy as np
>>> from workbench.diagnose.stats import benjamini_hochberg, loo_median
>>> benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5])).round(3).tolist()
[0.04, 0.053, 0.053, 0.5]
>>> loo_median(np.array([1.0, 2.0, 3.0, 10.0])).tolist()
[3.0, 3.0, 2.0, 2.0]
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

__all__ = [
    "MAD_TO_SD",
    "benjamini_hochberg",
    "loo_median",
    "peer_benchmark",
    "robust_tau2",
    "moment_tau2",
    "normal_outlier_pvalue",
    "normal_shrink",
    "beta_binomial_pvalue",
    "beta_shrink",
    "limit_translation",
    "hierarchical_fdr",
]

#: Factor turning a median absolute deviation into a standard deviation (normal data).
MAD_TO_SD = 1.4826
_TRIM_Z = 2.5


# scipy is imported by the functions that compute a statistic, not with this module: an app
# showing a diagnosis kept from an earlier session draws its first view without it.
@functools.cache
def _trim_factor() -> float:
    """The variance of a standard normal truncated to ±2.5: 1 − 2kφ(k) / (2Φ(k) − 1)."""
    from scipy import stats as sps

    return float(1 - 2 * _TRIM_Z * sps.norm.pdf(_TRIM_Z) / (2 * sps.norm.cdf(_TRIM_Z) - 1))


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN stays NaN.

    A test is a discovery at false-discovery rate ``q`` when its adjusted value is ≤ q.
    """
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    order = np.argsort(pv)
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(ranked, 1.0)
    q[ok] = adjusted
    return q


def loo_median(values: np.ndarray) -> np.ndarray:
    """Leave-one-out medians: for each element, the median of all the *other* elements.

    Vectorised with one sort (O(n log n)); NaN where fewer than one other value exists.
    """
    v = np.asarray(values, dtype=float)
    n = v.size
    if n < 2:
        return np.full(n, np.nan)
    order = np.argsort(v, kind="mergesort")
    s = v[order]
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(n)
    m = n - 1  # size of each leave-one-out sample

    def kth(pos):  # the pos-th order statistic of s with element `rank` removed
        return np.where(pos < rank, s[np.minimum(pos, n - 1)], s[np.minimum(pos + 1, n - 1)])

    if m % 2 == 1:
        return kth(np.full(n, m // 2))
    return 0.5 * (kth(np.full(n, m // 2 - 1)) + kth(np.full(n, m // 2)))


def peer_benchmark(
    values: pd.Series,
    eligible: pd.Series,
    groups: list[pd.Series],
    min_peers: int,
    pooled: tuple[pd.Series, pd.Series] | None = None,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Leave-one-out peer median of ``values`` within the finest comparable group.

    With ``pooled=(successes, trials)`` the benchmark is instead the peers' pooled rate
    ``Σ successes / Σ trials`` (leave-one-out), which stays informative for rare events
    (a median of cancellation rates is 0 when most reps have none).

    Parameters
    ----------
    values : Series
        One value per entity (index = entity id).
    eligible : Series of bool
        Which entities have enough data to serve as peers.
    groups : list of Series
        Grouping keys from the finest (e.g. team) to the coarsest (e.g. company), each
        indexed like ``values``. An entity is compared with the finest group that holds
        at least ``min_peers`` *other* eligible entities.
    min_peers : int
        Minimum number of peers.

    Returns
    -------
    benchmark, n_peers, peer_sd : Series
        The leave-one-out peer median, how many peers it used, and the robust spread
        (MAD × 1.4826) of those peers' values.
    """
    idx = values.index
    n = len(idx)
    bench = np.full(n, np.nan)
    n_peers = np.zeros(n, dtype=int)
    spread = np.full(n, np.nan)
    todo = np.ones(n, dtype=bool)
    v = values.to_numpy(dtype=float)
    ok = eligible.reindex(idx).fillna(False).to_numpy(dtype=bool) & ~np.isnan(v)
    if pooled is not None:
        k_all = pooled[0].reindex(idx).to_numpy(dtype=float)
        n_all = pooled[1].reindex(idx).to_numpy(dtype=float)
    for level, keys in enumerate(groups):
        if not todo.any():
            break
        last = level == len(groups) - 1
        codes, uniques = pd.factorize(keys.reindex(idx).astype(object).fillna("∅"))
        n_groups = len(uniques)
        # every group's peers at once: their values sorted within the group (one stable sort)
        peers = _GroupedPeers(codes[ok], v[ok], n_groups)
        own_count = ok.astype(int)
        count = peers.size[codes] - own_count  # peers other than the entity itself
        use = todo & (count >= (1 if last else min_peers))
        if not use.any():
            continue
        if pooled is not None:
            full, loo_of = _pooled_loo(codes, ok, k_all, n_all, n_groups, use)
        else:
            full, loo_of = peers.median, peers.loo_median()
        # an eligible entity is compared with the others (leave one out), any other entity with all
        own_loo = np.full(n, np.nan)
        own_loo[np.flatnonzero(ok)] = loo_of
        bench[use] = np.where(ok, own_loo, full[codes])[use]
        n_peers[use] = count[use]
        spread[use] = peers.mad[codes][use]
        todo[use] = False
    return (
        pd.Series(bench, index=idx),
        pd.Series(n_peers, index=idx),
        pd.Series(spread, index=idx),
    )


class _GroupedPeers:
    """The values of every group's peers sorted within their group, with each group's median and
    robust spread (MAD × 1.4826) — the same numbers :func:`numpy.median` gives group by group.

    ``codes`` and ``values`` are the peers' group codes and values (in entity order).
    """

    def __init__(self, codes: np.ndarray, values: np.ndarray, n_groups: int):
        self.codes, self.values = codes, values
        self.size = np.bincount(codes, minlength=n_groups)
        self.offset = np.r_[0, np.cumsum(self.size)[:-1]] if n_groups else np.zeros(0, dtype=int)
        # stable: equal values keep entity order, as a mergesort of each group's values does
        self.order = np.lexsort((values, codes))
        self.sorted = values[self.order]
        self.median = self._medians(self.sorted)
        dev = np.abs(values - self.median[codes])
        self.mad = MAD_TO_SD * self._medians(dev[np.lexsort((dev, codes))])

    def _medians(self, sorted_values: np.ndarray) -> np.ndarray:
        """Per group the median of its sorted values (NaN for an empty group), as ``np.median``:
        the middle value, or the mean of the two middle values."""
        size, offset = self.size, self.offset
        out = np.full(len(size), np.nan)
        some = size > 0
        upper = sorted_values[(offset + size // 2)[some]]
        lower = sorted_values[(offset + (size - 1) // 2)[some]]
        out[some] = np.where(size[some] % 2 == 1, upper, (lower + upper) / 2)
        return out

    def loo_median(self) -> np.ndarray:
        """Each peer's leave-one-out median within its group (:func:`loo_median`, group by group)."""
        n = self.size[self.codes]  # the group's size, per peer (in entity order)
        rank = np.empty(len(self.values), dtype=int)
        rank[self.order] = np.arange(len(self.values)) - self.offset[self.codes[self.order]]
        base = self.offset[self.codes]
        m = n - 1
        s = self.sorted

        def kth(pos):  # the pos-th order statistic of the group with the peer itself removed
            return np.where(pos < rank, s[base + np.minimum(pos, n - 1)], s[base + np.minimum(pos + 1, n - 1)])

        half = np.maximum(m // 2, 0)
        odd = kth(half)
        even = 0.5 * (kth(np.maximum(half - 1, 0)) + kth(half))
        return np.where(n < 2, np.nan, np.where(m % 2 == 1, odd, even))


def _pooled_loo(codes, ok, k_all, n_all, n_groups, use):
    """Per group the peers' pooled rate, and each peer's pooled rate of the others (leave one out)."""
    full = np.full(n_groups, np.nan)
    loo = np.full(len(codes), np.nan)
    for key in np.unique(codes[use]):
        peers_pos = np.flatnonzero(ok & (codes == key))
        if not peers_pos.size:
            continue
        k_sum, n_sum = k_all[peers_pos].sum(), n_all[peers_pos].sum()
        loo[peers_pos] = (k_sum - k_all[peers_pos]) / np.maximum(n_sum - n_all[peers_pos], 1e-9)
        full[key] = k_sum / n_sum if n_sum > 0 else np.nan
    return full, loo[ok]


def _known_pairs(residuals, sampling_var) -> tuple[np.ndarray, np.ndarray]:
    """Residuals and sampling variances as float arrays, without entities missing either."""
    r = np.asarray(residuals, float)
    s2 = np.asarray(sampling_var, float)
    ok = ~np.isnan(r) & ~np.isnan(s2)
    return r[ok], s2[ok]


def robust_tau2(
    residuals: np.ndarray, sampling_var: np.ndarray, higher_is_worse: bool | None = None, trim: bool = True
) -> float:
    """Between-entity variance of *typical* entities: (1.4826·MAD)² minus median sampling variance.

    Robust to a minority of outliers (e.g. reps with a real problem), so they cannot
    widen the null distribution they are tested against. With ``higher_is_worse`` given,
    the spread is read from the *good* side of the median only (a half-MAD): problems,
    and their knock-on effects on other metrics, push entities to the bad side, while
    natural differences are symmetric. The estimate is then refined by trimming entities
    beyond ±2.5 typical standard deviations (on either side) and re-estimating the
    variance of the rest, corrected for the truncation (``trim=False`` skips this, for
    rare-event rates whose noise is too skewed for a normal truncation).

    The 20 outliers at −5 do not widen the spread of the 101 typical values (variance 0.34):

    >>> import numpy as np
    >>> r = np.r_[np.linspace(-1, 1, 101), [-5.0] * 20]
    >>> round(robust_tau2(r, np.zeros_like(r), higher_is_worse=False), 3)
    0.373
    """
    r, s2 = _known_pairs(residuals, sampling_var)
    if len(r) < 3:
        return 0.0
    centre = np.median(r)
    if higher_is_worse is None:
        dev, s2_used = np.abs(r - centre), s2
    else:
        good = r <= centre if higher_is_worse else r >= centre
        dev, s2_used = np.abs(r[good] - centre), s2[good]
    mad = MAD_TO_SD * np.median(dev)
    tau2 = float(max(mad**2 - np.median(s2_used), 0.0))
    # refine by trimming: entities beyond ±2.5 sd of the typical spread (problems on the bad
    # side, knock-on effects of problems on the good side) are left out and the variance of
    # the rest, corrected for the truncation, is re-estimated (a few fixed-point steps)
    k = _TRIM_Z
    for _ in range(3 if trim else 0):
        keep = np.abs(r - centre) <= k * np.sqrt(tau2 + s2)
        if keep.sum() < 5:
            break
        kept = r[keep]
        var = np.mean((kept - np.mean(kept)) ** 2) / _trim_factor()
        tau2 = float(max(var - np.mean(s2[keep]), 0.0))
    return tau2


def moment_tau2(residuals: np.ndarray, sampling_var: np.ndarray) -> float:
    """Between-entity variance of *all* entities (method of moments), the shrinkage prior."""
    r, s2 = _known_pairs(residuals, sampling_var)
    if len(r) < 3:
        return 0.0
    return float(max(np.mean((r - np.mean(r)) ** 2) - np.mean(s2), 0.0))


def normal_outlier_pvalue(y, sampling_var, benchmark, null_var, higher_is_worse: bool):
    """One-sided p-value that ``y`` is this far from ``benchmark`` in the bad direction.

    Null: ``y ~ Normal(benchmark, null_var + sampling_var)``.
    """
    from scipy import stats as sps

    sd = np.sqrt(np.asarray(null_var, float) + np.asarray(sampling_var, float))
    z = (np.asarray(y, float) - np.asarray(benchmark, float)) / np.where(sd > 0, sd, np.nan)
    return sps.norm.sf(z) if higher_is_worse else sps.norm.cdf(z)


def normal_shrink(y, sampling_var, prior_mean, prior_var, level: float = 0.95):
    """Normal-normal posterior mean and credible interval of each entity's true mean."""
    from scipy import stats as sps

    y = np.asarray(y, float)
    s2 = np.asarray(sampling_var, float)
    m = np.asarray(prior_mean, float)
    t2 = np.asarray(prior_var, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(t2 + s2 > 0, t2 / (t2 + s2), 0.0)
    post = m + weight * (y - m)
    post_sd = np.sqrt(weight * s2)
    zc = sps.norm.ppf(0.5 + level / 2)
    return post, post - zc * post_sd, post + zc * post_sd


def _beta_params(mean, tau2):
    mean = np.clip(np.asarray(mean, float), 1e-4, 1 - 1e-4)
    tau2 = np.asarray(tau2, float)
    # tau2 = mean(1-mean)/(a+b+1); tiny tau2 means (almost) a plain binomial
    concentration = np.where(tau2 > 1e-9, mean * (1 - mean) / np.maximum(tau2, 1e-9) - 1, 1e7)
    concentration = np.clip(concentration, 1e-2, 1e7)
    return mean * concentration, (1 - mean) * concentration


def _betabinom_cdf(x, n, a, b) -> np.ndarray:
    """``scipy.stats.betabinom.cdf(x, n, a, b)``, term for term: the same probability terms,
    summed per entity in the same order, but computed for every entity with the same count
    at once instead of one entity at a time (scipy loops over entities in Python).

    >>> from scipy import stats as sps
    >>> x, n, a, b = np.array([0, 2, 3.5, 7, -1]), np.array([5, 5, 9, 7, 4]), 2.0, np.array([3.0, 1, 8, 2, 2])
    >>> bool(np.array_equal(_betabinom_cdf(x, n, a, b), sps.betabinom.cdf(x, n, a, b)))
    True
    """
    from scipy import special

    x, n, a, b = np.broadcast_arrays(np.asarray(x, float), np.asarray(n), np.asarray(a, float),
                                     np.asarray(b, float))
    out = np.zeros(x.shape)
    valid = (n >= 0) & (a > 0) & (b > 0)
    out[x >= n] = 1.0
    out[~valid | np.isnan(x)] = np.nan
    todo = valid & (x >= 0) & (x < n) & np.isfinite(x)
    k = np.floor(x[todo])
    nn, aa, bb = n[todo][:, None], a[todo][:, None], b[todo][:, None]
    cdf = np.empty(k.shape)
    for v in np.unique(k):
        rows = np.flatnonzero(k == v)
        m = np.arange(0, v + 1)[None, :]
        n_r, a_r, b_r = nn[rows], aa[rows], bb[rows]
        combiln = -np.log(n_r + 1) - special.betaln(n_r - m + 1, m + 1)
        cdf[rows] = np.exp(combiln + special.betaln(m + a_r, n_r - m + b_r) - special.betaln(a_r, b_r)).sum(axis=1)
    out[todo] = np.clip(cdf, 0, 1)
    return out


def _betabinom_sf(x, n, a, b) -> np.ndarray:
    """``scipy.stats.betabinom.sf(x, n, a, b)``: one minus :func:`_betabinom_cdf`, as scipy computes it.

    >>> from scipy import stats as sps
    >>> x, n, b = np.array([0, 2, 3.5, 7, -1]), np.array([5, 5, 9, 7, 4]), np.array([3.0, 1, 8, 2, 2])
    >>> bool(np.array_equal(_betabinom_sf(x, n, 2.0, b), sps.betabinom.sf(x, n, 2.0, b)))
    True
    """
    x, n, a, b = np.broadcast_arrays(np.asarray(x, float), np.asarray(n), np.asarray(a, float),
                                     np.asarray(b, float))
    valid = (n >= 0) & (a > 0) & (b > 0)
    inside = valid & (x >= 0) & (x < n) & np.isfinite(x)
    out = np.zeros(x.shape)
    out[~valid | np.isnan(x)] = np.nan
    out[((x < 0) | np.isneginf(x)) & valid] = 1.0
    out[inside] = np.clip(1.0 - _betabinom_cdf(x[inside], n[inside], a[inside], b[inside]), 0, 1)
    return out


def beta_binomial_pvalue(successes, trials, mean, tau2, higher_is_worse: bool):
    """One-sided p-value of a count under BetaBinomial(trials, mean, between-entity var tau2).

    ``higher_is_worse=False`` (e.g. win rates) gives P(K ≤ k); ``True`` gives P(K ≥ k).
    The null already contains the natural spread of typical reps and the small-sample
    noise, so three deals can never make a finding.
    """
    k = np.asarray(successes, float)
    n = np.asarray(trials, float)
    a, b = _beta_params(mean, tau2)
    n_int = n.astype(int)
    if higher_is_worse:
        p = _betabinom_sf(k - 1, n_int, a, b)
    else:
        p = _betabinom_cdf(k, n_int, a, b)
    return np.where(n > 0, p, np.nan)


def beta_shrink(successes, trials, prior_mean, prior_tau2, level: float = 0.95):
    """Beta-binomial posterior mean and credible interval of each entity's true rate."""
    from scipy import stats as sps

    k = np.asarray(successes, float)
    n = np.asarray(trials, float)
    a, b = _beta_params(prior_mean, prior_tau2)
    a_post, b_post = a + k, b + n - k
    post = a_post / (a_post + b_post)
    lo = sps.beta.ppf((1 - level) / 2, a_post, b_post)
    hi = sps.beta.ppf(0.5 + level / 2, a_post, b_post)
    return post, lo, hi


def limit_translation(raw, shrunk, sampling_sd, limit: float = 1.0):
    """Efron–Morris limited translation: shrinkage moves an estimate by at most ``limit`` SEs.

    A normal prior fitted to a population where most entities are typical shrinks a rare
    real outlier almost all the way back; limiting the move to one standard error keeps
    the protection for small samples (their SE is large) without erasing large, well
    measured gaps.

    >>> limit_translation([0.3], [0.6], [0.1]).round(2).tolist()
    [0.4]
    """
    raw = np.asarray(raw, float)
    shrunk = np.asarray(shrunk, float)
    bound = limit * np.asarray(sampling_sd, float)
    move = np.clip(shrunk - raw, -bound, bound)
    return np.where(np.isnan(bound), shrunk, raw + move)


def hierarchical_fdr(p_values, families, q: float):
    """Two-level FDR control (Benjamini & Bogomolov 2014) for entity × driver × detail tests.

    Tests are grouped into families (one per entity × driver; the details of a driver,
    e.g. its stages or products, are the members). Each family gets a Simes p-value;
    Benjamini–Hochberg at level ``q`` selects families; inside each of the ``R`` selected
    families out of ``m``, members are tested by BH at level ``q · R / m``.

    Returns
    -------
    family_q : ndarray
        BH-adjusted Simes p-value of each test's family.
    member_q : ndarray
        Within-family BH-adjusted p-value rescaled to the ``q`` scale (``× m / R``), so a
        test is a discovery when both ``family_q ≤ q`` and ``member_q ≤ q``.

    Examples
    --------
    >>> fq, mq = hierarchical_fdr([0.001, 0.2, 0.5, 0.9], ["a", "a", "b", "c"], 0.05)
    >>> (fq <= 0.05).tolist(), (mq <= 0.05).tolist()
    ([True, True, False, False], [True, False, False, False])
    """
    p = np.asarray(p_values, float)
    if isinstance(families, np.ndarray) and families.dtype.kind in "iu":  # integer family codes
        fam_codes = pd.factorize(families)[0]
    else:  # labels (strings, tuples, ...) hashed as Python objects
        fam_codes = pd.factorize(pd.Series(families, dtype=object))[0]
    family_q = np.full(p.shape, np.nan)
    member_q = np.full(p.shape, np.nan)
    rows = np.flatnonzero(~np.isnan(p))
    if not len(rows):
        return family_q, member_q
    # by family, then p (ties in row order): each family's tests are one run of the sorted arrays
    order = np.lexsort((p[rows], fam_codes[rows]))
    rows = rows[order]
    fam, p_sorted = fam_codes[rows], p[rows]
    starts = np.flatnonzero(np.r_[True, fam[1:] != fam[:-1]])
    family = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(fam)]))  # families in code order
    size = np.diff(np.r_[starts, len(fam)])[family]
    rank = np.arange(len(fam)) - starts[family] + 1
    scaled = p_sorted * size / rank
    simes = np.minimum.reduceat(scaled, starts)
    # within-family BH: running minimum from the largest p down
    adj = pd.Series(scaled[::-1]).groupby(family[::-1]).cummin().to_numpy()[::-1].clip(max=1.0)
    fam_q = benjamini_hochberg(simes)
    m, r = len(simes), int((fam_q <= q).sum())
    scale = m / r if r > 0 else np.inf
    family_q[rows] = fam_q[family]
    member_q[rows] = np.minimum(adj * scale, 1.0)
    return family_q, member_q
