"""The win model fitted on a dataset and the open deals it scored, kept between sessions.

Fitting :class:`~workbench.forecast.WinModel` on a year of deals takes seconds; the forecast
outlook app needs it on every visit. :func:`fitted_win_model` keeps the fitted model and
its scored deals with :func:`workbench.memo.remember` (keyed on the data's fingerprint,
the model's parameters and the code), so a later visit to the same data reads them back;
what is read back is what a fresh fit gives. :func:`scored_open_deals` keeps the scored
deals alone, with the model's notes: reading them back needs no scikit-learn, so a visit
to data opened before does not load it.

>>> from workbench.sample import generate_sample
>>> model, deals = fitted_win_model(generate_sample(n_reps=6, months=14, seed=3))
>>> type(model).__name__, bool(deals["p_won"].between(0, 1).all())
('WinModel', True)
"""

from __future__ import annotations

import pandas as pd

from workbench.io.load import as_sales_data
from workbench.memo import remember
from workbench.periods import normalize_freq

__all__ = ["fitted_win_model", "scored_open_deals"]


def fitted_win_model(data, freq: str = "M", **params):
    """``WinModel(freq=freq, **params).fit(data)`` and its :meth:`~WinModel.predict` of today's open deals.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
    freq : {"M", "Q"}
        The period the deals' chance of closing in is scored for.
    **params
        Other :class:`~workbench.forecast.WinModel` parameters.

    Returns
    -------
    (WinModel, DataFrame)
        The fitted model and the open deals it scored (with their reasons), from the store
        when the same data and parameters were fitted before (:func:`workbench.memo.remember`).

    Raises
    ------
    DataError, ValueError
        As :meth:`WinModel.fit <workbench.forecast.WinModel.fit>` does (too little history).
    """
    data = as_sales_data(data, caller="fitted_win_model")
    return remember(_fit_and_score, data, freq=normalize_freq(freq), params=dict(sorted(params.items())))


def scored_open_deals(data, freq: str = "M", **params) -> pd.DataFrame:
    """Today's open deals scored by the win model :func:`fitted_win_model` fits, kept on their own.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
    freq : {"M", "Q"}
    **params
        Other :class:`~workbench.forecast.WinModel` parameters.

    Returns
    -------
    DataFrame
        What :meth:`WinModel.predict <workbench.forecast.WinModel.predict>` returns, with the
        model's notes in ``attrs["win_notes"]`` and ``attrs["win_notes_zh"]`` (what
        :func:`~workbench.forecast.forecast_headline` says with them).

    Raises
    ------
    DataError, ValueError
        As :meth:`WinModel.fit <workbench.forecast.WinModel.fit>` does (too little history).
    """
    data = as_sales_data(data, caller="scored_open_deals")
    return remember(_scored, data, freq=normalize_freq(freq), params=dict(sorted(params.items())))


def _scored(data, *, freq: str, params: dict) -> pd.DataFrame:
    model, deals = fitted_win_model(data, freq=freq, **params)
    deals = deals.copy()
    deals.attrs["win_notes"] = list(getattr(model, "notes_", []))
    deals.attrs["win_notes_zh"] = list(getattr(model, "notes_zh_", []))
    return deals


def _fit_and_score(data, *, freq: str, params: dict) -> tuple[object, pd.DataFrame]:
    """What :func:`remember` keeps: the model fitted on ``data`` and its scored open deals."""
    from workbench.forecast.win.model import WinModel

    model = WinModel(freq=freq, **params).fit(data)
    return model, model.predict(data)
