"""Company-wide effect of follow-up speed on winning: a statsmodels logistic regression.

``win ~ log1p(follow_up_hours) + log(amount) + product + lead source`` over every deal
decided in the window whose first touch is known. The coefficient on
``log1p(follow_up_hours)`` is the effect: negative means slower follow-up loses deals.
Product and source enter as dummies (rare levels pooled into ``other``); the stage the
deal reached can be added (``DiagnosisConfig.follow_up_stage_control``), but is left out by
default because it lies on the causal path.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["FollowUpEffect", "fit_follow_up_effect"]

_MIN_DEALS = 50
_MIN_LEVEL = 20


@dataclass(frozen=True)
class FollowUpEffect:
    """The fitted follow-up effect.

    Attributes
    ----------
    coef, ci_low, ci_high, p_value : float
        Log-odds change of winning per unit of ``log1p(hours)``, its confidence interval
        and two-sided p-value.
    odds_ratio_per_doubling : float
        Approximate odds ratio of winning when follow-up time doubles (``2 ** coef``).
    n_deals : int
        Deals in the regression.
    curve : DataFrame
        ``follow_up_hours``, ``win_probability``, ``lo``, ``hi``: the predicted win rate of a
        typical deal (other covariates at their mean) across follow-up times.
    """

    coef: float
    ci_low: float
    ci_high: float
    p_value: float
    odds_ratio_per_doubling: float
    n_deals: int
    level: float
    curve: pd.DataFrame = field(repr=False)
    _params: np.ndarray = field(repr=False, default=None)
    _columns: tuple = field(repr=False, default=())
    _levels: dict = field(repr=False, default_factory=dict)

    @property
    def significant(self) -> bool:
        """Whether the confidence interval excludes zero."""
        return bool(self.ci_high < 0 or self.ci_low > 0)

    def linear_predictor(self, deals: pd.DataFrame) -> np.ndarray:
        """Log-odds of winning for each deal (compute once, shift cheaply)."""
        return _design(deals, self._levels, self._columns).to_numpy(float) @ self._params

    def win_probability(self, deals: pd.DataFrame, hours_shift: np.ndarray | float = 0.0) -> np.ndarray:
        """Predicted win probability of ``deals``, with ``log1p(hours)`` shifted by ``hours_shift``."""
        eta = self.linear_predictor(deals) + self.coef * np.asarray(hours_shift, dtype=float)
        return 1.0 / (1.0 + np.exp(-eta))

    def summary(self) -> pd.DataFrame:
        """One-row table of the effect, for reports."""
        return pd.DataFrame(
            [
                {
                    "term": "log1p(follow_up_hours)",
                    "coef": self.coef,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "p_value": self.p_value,
                    "odds_ratio_per_doubling": self.odds_ratio_per_doubling,
                    "n_deals": self.n_deals,
                }
            ]
        )


def _labels(series: pd.Series) -> tuple[np.ndarray, list]:
    """Each value's label as an integer code, and the labels: ``str(value)``, ``"unknown"`` when missing.

    The same labels as ``series.fillna("unknown").astype(str)``, read from the distinct values
    only (one factorisation instead of converting every row to a string).

    >>> codes, labels = _labels(pd.Series(["web", None, "web", 3]))
    >>> codes.tolist(), labels
    ([0, 1, 0, 2], ['web', 'unknown', '3'])
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    names = ["unknown" if pd.isna(u) else str(u) for u in uniques]
    merged, labels = pd.factorize(np.asarray(names, dtype=object))  # e.g. a missing value and "unknown"
    return merged[codes], list(labels)


def _levels(series: pd.Series) -> list:
    codes, labels = _labels(series)
    counts = np.bincount(codes, minlength=len(labels))
    keep = [label for label, count in zip(labels, counts) if count >= _MIN_LEVEL]
    return sorted(keep)[1:]  # first kept level is the baseline


def _design(deals: pd.DataFrame, levels: dict, columns: tuple | None = None) -> pd.DataFrame:
    design = {
        "const": np.ones(len(deals)),
        "log_follow_up": np.log1p(deals["follow_up_hours"].to_numpy(float)),
        "log_amount": np.log(np.clip(deals["amount"].to_numpy(float), 1.0, None)),
    }
    for col, lv in levels.items():
        codes, labels = _labels(deals[col])
        position = {label: i for i, label in enumerate(labels)}
        for v in lv:
            design[f"{col}={v}"] = (codes == position.get(v, -1)).astype(float)
    X = pd.DataFrame(design, index=deals.index)
    if columns is not None:
        X = X.reindex(columns=list(columns), fill_value=0.0)
    return X


def fit_follow_up_effect(closed: pd.DataFrame, *, stage_control: bool = False, level: float = 0.95):
    """Fit the effect on decided deals; ``None`` when there are too few deals to say.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> hours = rng.lognormal(2, 1, 2000)
    >>> p = 1 / (1 + np.exp(-(0.5 - 0.4 * np.log1p(hours))))
    >>> deals = pd.DataFrame({"follow_up_hours": hours, "amount": 1000.0,
    ...     "won": rng.random(2000) < p, "product": "A", "source": "web", "reached": 0})
    >>> effect = fit_follow_up_effect(deals)
    >>> bool(effect.ci_low < -0.4 < effect.ci_high), effect.significant
    (True, True)
    """
    from scipy import stats as sps
    from statsmodels.discrete.discrete_model import Logit  # not statsmodels.api: 4 s to import

    d = closed[closed["follow_up_hours"].notna() & (closed["amount"] > 0)]
    if len(d) < _MIN_DEALS or d["won"].nunique() < 2:
        return None
    levels = {c: _levels(d[c]) for c in ("product", "source") if c in d.columns}
    if stage_control and "reached" in d.columns:
        # stage reached by lost deals only; won deals sit at the end and would separate perfectly
        levels["reached"] = _levels(d["reached"].astype(str))
    X = _design(d, levels)
    X = X.loc[:, (X != 0).any() | (X.columns == "const")]
    y = d["won"].astype(float).to_numpy()
    result = None
    for attempt in (X, X[["const", "log_follow_up", "log_amount"]]):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # the rank check (an SVD of the design) changes no estimate: only degrees of freedom we do not read
                result = Logit(y, attempt.to_numpy(float), check_rank=False).fit(disp=0, maxiter=100)
            if np.all(np.isfinite(result.bse)):
                X = attempt
                break
        except Exception:  # noqa: BLE001 - singular matrix / separation: try a simpler model
            result = None
    if result is None:
        return None
    params = np.asarray(result.params)
    cov = np.asarray(result.cov_params())
    j = list(X.columns).index("log_follow_up")
    z = sps.norm.ppf(0.5 + level / 2)
    coef, se = float(params[j]), float(np.sqrt(cov[j, j]))
    # the curve: a typical deal (covariates at their mean) across follow-up times
    hi_hours = float(np.nanpercentile(d["follow_up_hours"], 95)) if len(d) else 48.0
    grid = np.unique(np.round(np.geomspace(0.25, max(hi_hours, 1.0), 40), 3))
    base = X.mean().to_numpy()
    G = np.tile(base, (grid.size, 1))
    G[:, j] = np.log1p(grid)
    eta = G @ params
    eta_se = np.sqrt(np.einsum("ij,jk,ik->i", G, cov, G))
    sig = lambda t: 1.0 / (1.0 + np.exp(-t))  # noqa: E731
    curve = pd.DataFrame(
        {
            "follow_up_hours": grid,
            "win_probability": sig(eta),
            "lo": sig(eta - z * eta_se),
            "hi": sig(eta + z * eta_se),
        }
    )
    return FollowUpEffect(
        coef=coef,
        ci_low=coef - z * se,
        ci_high=coef + z * se,
        p_value=float(2 * sps.norm.sf(abs(coef / se))) if se > 0 else float("nan"),
        odds_ratio_per_doubling=float(2.0**coef),
        n_deals=int(len(d)),
        level=level,
        curve=curve,
        _params=params,
        _columns=tuple(X.columns),
        _levels=levels,
    )
