"""Candidate models: short names mapped to statsforecast models, built per season length."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
from statsforecast.models import (
    ADIDA,
    ARIMA,
    IMAPA,
    TSB,
    AutoARIMA,
    AutoETS,
    AutoTheta,
    CrostonOptimized,
    HistoricAverage,
    Naive,
    OptimizedTheta,
    SeasonalNaive,
    SeasonalWindowAverage,
    Theta,
)

__all__ = ["AirlineARIMA", "ModelSpec", "MODEL_SPECS", "DEFAULT_MODELS", "build_models", "has_native_intervals",
           "is_intermittent"]

#: Longest season statsforecast's ETS accepts.
_MAX_ETS_SEASON = 24


class AirlineARIMA(ARIMA):
    """Seasonal ARIMA(0,1,1)(0,1,1) — the "airline" model — fitted fast.

    The two moving-average coefficients are estimated by conditional sum of squares (CSS),
    clipped inside the invertible region, and the exact state-space filter then runs with
    them fixed. statsforecast's default ``CSS-ML`` starts from the same CSS estimates and
    optimises the likelihood again; on real monthly sales series the estimates barely move
    and that second optimisation costs about five times the whole fit. CSS forecasts alone
    are unreliable (no state-space start), hence the filter.

    >>> import numpy as np
    >>> y = 100 + 10 * np.sin(np.arange(48) * np.pi / 6) + np.random.default_rng(0).normal(0, 1, 48)
    >>> fit = AirlineARIMA(season_length=12).fit(y)
    >>> sorted(fit.fixed), bool(np.all(np.abs(list(fit.fixed.values())) < 1))
    (['ma1', 'sma1'], True)
    """

    def __init__(self, season_length: int, alias: str = "ARIMA_Airline"):
        super().__init__(order=(0, 1, 1), seasonal_order=(0, 1, 1), season_length=season_length, method="CSS-ML",
                         alias=alias)

    def fit(self, y, X=None):
        with warnings.catch_warnings():  # scipy's "possible convergence problem" on flat stretches
            warnings.simplefilter("ignore", UserWarning)
            css = ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1), season_length=self.season_length,
                        method="CSS").fit(y)
        self.fixed = {name: float(np.clip(value, -0.99, 0.99)) for name, value in css.model_["coef"].items()}
        return super().fit(y, X)


@dataclass(frozen=True)
class ModelSpec:
    """A candidate model: its column alias, whether it needs a season, and a builder."""

    name: str
    alias: str
    seasonal: bool
    build: Callable[[int], object]
    description: str = ""


def _ets(code: str, alias: str, damped: bool = False):
    return lambda m: AutoETS(season_length=m, model=code, damped=damped, alias=alias)


MODEL_SPECS: dict[str, ModelSpec] = {s.name: s for s in [
    ModelSpec("seasonal_naive", "SeasonalNaive", True, lambda m: SeasonalNaive(m, alias="SeasonalNaive"),
              "same period last season"),
    ModelSpec("naive", "Naive", False, lambda m: Naive(alias="Naive"), "last value"),
    ModelSpec("ets_ana", "ETS_ANA", True, _ets("ANA", "ETS_ANA"), "exponential smoothing, additive season"),
    ModelSpec("ets_aada", "ETS_AAdA", True, _ets("AAA", "ETS_AAdA", True),
              "exponential smoothing, damped trend, additive season"),
    ModelSpec("ets_madm", "ETS_MAdM", True, _ets("MAM", "ETS_MAdM", True),
              "exponential smoothing, multiplicative errors and season, damped trend"),
    ModelSpec("ets_mnm", "ETS_MNM", True, _ets("MNM", "ETS_MNM"),
              "exponential smoothing, multiplicative errors and season, no trend"),
    ModelSpec("airline", "ARIMA_Airline", True,
              lambda m: AirlineARIMA(m, alias="ARIMA_Airline"),
              "seasonal ARIMA(0,1,1)(0,1,1) (the 'airline' model): local level and seasonal pattern"),
    ModelSpec("quarter_profile", "QuarterProfile", False,
              lambda m: AutoETS(season_length=3, model="ANA", alias="QuarterProfile"),
              "monthly only: exponential smoothing with a month-in-quarter pattern (quarter-end push)"),
    ModelSpec("ets_ann", "ETS_ANN", False, lambda m: AutoETS(season_length=1, model="ANN", alias="ETS_ANN"),
              "simple exponential smoothing"),
    ModelSpec("ets_aadn", "ETS_AAdN", False,
              lambda m: AutoETS(season_length=1, model="AAN", damped=True, alias="ETS_AAdN"),
              "exponential smoothing, damped trend, no season"),
    ModelSpec("auto_ets", "AutoETS", False, lambda m: AutoETS(season_length=m, alias="AutoETS"),
              "automatic ETS (slow)"),
    ModelSpec("arima", "AutoARIMA", False, lambda m: AutoARIMA(season_length=m, alias="AutoARIMA"),
              "automatic ARIMA (slow)"),
    ModelSpec("theta", "Theta", False, lambda m: Theta(season_length=m, alias="Theta"), "standard Theta"),
    ModelSpec("optimized_theta", "OptimizedTheta", False,
              lambda m: OptimizedTheta(season_length=m, alias="OptimizedTheta"), "optimized Theta"),
    ModelSpec("auto_theta", "AutoTheta", False, lambda m: AutoTheta(season_length=m, alias="AutoTheta"),
              "automatic Theta"),
    ModelSpec("historic_average", "HistoricAverage", False, lambda m: HistoricAverage(alias="HistoricAverage"),
              "mean of all history"),
    ModelSpec("seasonal_window_average", "SeasonalWindowAverage", True,
              lambda m: SeasonalWindowAverage(m, 2, alias="SeasonalWindowAverage"),
              "mean of the same period in the last two seasons"),
    ModelSpec("croston", "CrostonOptimized", False, lambda m: CrostonOptimized(alias="CrostonOptimized"),
              "Croston's method for intermittent demand"),
    ModelSpec("tsb", "TSB", False, lambda m: TSB(alpha_d=0.1, alpha_p=0.1, alias="TSB"),
              "Teunter-Syntetos-Babai for intermittent demand"),
    ModelSpec("adida", "ADIDA", False, lambda m: ADIDA(alias="ADIDA"), "aggregate-disaggregate intermittent"),
    ModelSpec("imapa", "IMAPA", False, lambda m: IMAPA(alias="IMAPA"), "multiple aggregation intermittent"),
]}

#: The default candidate set: cheap, diverse, chosen per series by rolling-origin validation.
#: The seasonal ARIMA "airline" model and the damped multiplicative ETS are the strongest
#: single models on real monthly sales series (see docs/benchmarks.md); the month-in-quarter
#: profile catches the quarter-end push of monthly bookings, also in series shorter than two
#: years. Theta is left out for speed: its forecast equals simple exponential smoothing with
#: drift (Hyndman & Billah, 2003), which SES (ETS_ANN) and the damped trend (ETS_AAdN) bracket.
DEFAULT_MODELS = ("airline", "ets_madm", "quarter_profile", "ets_ann", "ets_aadn", "seasonal_naive",
                  "seasonal_window_average", "naive", "tsb", "adida")

_NO_NATIVE_INTERVALS = {
    "CrostonClassic", "CrostonOptimized", "CrostonSBA", "TSB", "ADIDA", "IMAPA", "SeasonalWindowAverage",
    "WindowAverage", "SimpleExponentialSmoothing", "SimpleExponentialSmoothingOptimized",
    "SeasonalExponentialSmoothing", "SeasonalExponentialSmoothingOptimized",
}


_INTERMITTENT = {"CrostonClassic", "CrostonOptimized", "CrostonSBA", "TSB", "ADIDA", "IMAPA"}


def is_intermittent(model) -> bool:
    """Whether a model is an intermittent-demand method (a candidate only for lumpy series).

    >>> is_intermittent(TSB(alpha_d=0.1, alpha_p=0.1)), is_intermittent(Naive())
    (True, False)
    """
    return type(model).__name__ in _INTERMITTENT


def has_native_intervals(model) -> bool:
    """Whether a statsforecast model returns ``level=`` intervals without conformal set-up."""
    if getattr(model, "prediction_intervals", None) is not None:
        return True
    return type(model).__name__ not in _NO_NATIVE_INTERVALS


def build_models(models, season_length: int, seasonal: bool) -> list:
    """Instantiate candidate models for one group of series.

    Parameters
    ----------
    models : sequence of str or statsforecast model
        Names from :data:`MODEL_SPECS` or ready model instances.
    season_length : int
        Season length of the data.
    seasonal : bool
        False for series too short for seasonal models: models that need a season are
        dropped and the rest are built with ``season_length=1``.

    Examples
    --------
    >>> [m.alias for m in build_models(["seasonal_naive", "theta"], 12, seasonal=False)]
    ['Theta']
    """
    built = []
    m = season_length if seasonal else 1
    for model in models:
        if isinstance(model, str):
            if model not in MODEL_SPECS:
                raise ValueError(f"Unknown model {model!r}; choose from {sorted(MODEL_SPECS)} "
                                 f"or pass a statsforecast model instance.")
            spec = MODEL_SPECS[model]
            if spec.seasonal and (not seasonal or season_length <= 1):
                continue
            if model.startswith("ets_") and spec.seasonal and season_length > _MAX_ETS_SEASON:
                continue
            if model == "airline" and season_length > _MAX_ETS_SEASON:  # too slow for weekly seasons
                continue
            if model == "quarter_profile" and season_length != 12:  # months only
                continue
            if model == "auto_ets" and m > _MAX_ETS_SEASON:
                m_eff = 1
            else:
                m_eff = m
            built.append(spec.build(m_eff))
        else:
            own = getattr(model, "season_length", 1)
            if not seasonal and own and own > 1:
                continue
            built.append(model)
    aliases = [mod.alias for mod in built]
    dupes = {a for a in aliases if aliases.count(a) > 1}
    if dupes:
        raise ValueError(f"Model aliases must be unique; {sorted(dupes)} appear more than once. "
                         f"Give each model its own alias=.")
    return built
