"""Benchmark: default Forecaster vs statsforecast AutoETS and SeasonalNaive.

1,000 synthetic monthly rep series x 48 months (trend + yearly seasonality + noise,
a share lumpy/intermittent, varied scales, some level shifts; fixed seed), last 6
months held out. Prints wall time, process CPU time (steadier than wall time on a
shared machine), mean MASE and 80% interval coverage side by side, all measured in
this run; each is the best of ``repeats`` interleaved runs. Run:
``python benchmarks/forecast_bench.py [n_series] [repeats]``. The result is printed as
markdown and written to ``docs/benchmarks.md`` (``--no-publish``: print only).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import add_publish_flag, publish, table  # noqa: E402
from _synth import synthetic_rep_series  # noqa: E402
from statsforecast import StatsForecast  # noqa: E402
from statsforecast.models import AutoETS, SeasonalNaive  # noqa: E402

from workbench.forecast import Forecaster  # noqa: E402
from workbench.forecast.metrics import coverage, mase, seasonal_scale  # noqa: E402

H = 6


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


def main(n_series: int = 1000, repeats: int = 2, publish_result: bool = True) -> None:
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
        print(f"\nwritten to {publish('forecast', markdown)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n_series", type=int, nargs="?", default=1000)
    parser.add_argument("repeats", type=int, nargs="?", default=2)
    args = add_publish_flag(parser).parse_args()
    main(args.n_series, args.repeats, publish_result=not args.no_publish)
