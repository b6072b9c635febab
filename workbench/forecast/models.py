"""Candidate models: short names mapped to statsforecast models, built per season length."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from statsforecast.models import (
    ADIDA, IMAPA, TSB, AutoARIMA, AutoETS, AutoTheta, CrostonOptimized, HistoricAverage, Naive,
    OptimizedTheta, SeasonalNaive, SeasonalWindowAverage, Theta,
)

__all__ = ["ModelSpec", "MODEL_SPECS", "DEFAULT_MODELS", "build_models", "has_native_intervals"]

#: Longest season statsforecast's ETS accepts.
_MAX_ETS_SEASON = 24


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
#: Theta is left out for speed: its forecast equals simple exponential smoothing with drift
#: (Hyndman & Billah, 2003), which SES (ETS_ANN) and the damped trend (ETS_AAdN) bracket.
DEFAULT_MODELS = ("ets_ana", "ets_ann", "ets_aadn", "seasonal_naive", "seasonal_window_average", "naive", "tsb",
                  "adida")

_NO_NATIVE_INTERVALS = {
    "CrostonClassic", "CrostonOptimized", "CrostonSBA", "TSB", "ADIDA", "IMAPA", "SeasonalWindowAverage",
    "WindowAverage", "SimpleExponentialSmoothing", "SimpleExponentialSmoothingOptimized",
    "SeasonalExponentialSmoothing", "SeasonalExponentialSmoothingOptimized",
}


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
