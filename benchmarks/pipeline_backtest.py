"""Benchmark: the pipeline forecast and the headline, re-run at past snapshots of the sample data.

At each of the last ``--snapshots`` complete months, the win model is fitted and the open
pipeline simulated on the data as the CRM showed it then (``workbench.forecast.data_as_of``),
the time-series (run-rate) forecast is made on the history up to then, and the headline
combines the two with weights learned on the *other* snapshots. Against what was actually
booked per team it reports:

- P10-P90 coverage of the pipeline simulation, with deals independent (as before) and with
  the shared period shock calibrated on the other snapshots (goal 75-85 %);
- P50 error (WAPE, MAE) of the pipeline alone, the run-rate alone and the headline
  (goal: headline WAPE <= 0.9 x the better of the two), and the headline's 80 % coverage.

Usage::

    python benchmarks/pipeline_backtest.py                 # sample_data/ (or a generated sample)
    python benchmarks/pipeline_backtest.py --snapshots 6 --by region

The result is printed as markdown and written to docs/benchmarks.md (--no-publish: print only).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import add_publish_flag, publish, table  # noqa: E402
from _win_model_section import section as win_model_section  # noqa: E402

from workbench import load  # noqa: E402
from workbench.forecast import backtest_pipeline, pipeline_scores  # noqa: E402
from workbench.sample import generate_sample  # noqa: E402


def _data():
    folder = ROOT / "sample_data"
    if (folder / "reps.csv").exists():
        return load(folder), "sample_data/"
    tables = generate_sample()
    return load({k: v for k, v in tables.items() if k != "planted_drivers"}), "generate_sample()"


def main(snapshots: int = 12, by: str = "team", n_sims: int = 2000, publish_result: bool = True) -> dict:
    data, source = _data()
    started = time.perf_counter()
    bt = backtest_pipeline(data, freq="M", snapshots=snapshots, by=by, n_sims=n_sims, progress=True)
    seconds = time.perf_counter() - started
    s = pipeline_scores(bt).iloc[0]
    ran = int(bt.loc[bt["note"] == "", "snapshot"].nunique())
    best = min(s["pipeline_wape"], s["run_rate_wape"])
    ratio = s["headline_wape"] / best
    cov_ok = 0.75 <= s["pipeline_coverage"] <= 0.85
    head_ok = ratio <= 0.9
    pct = lambda v: f"{v:.1%}"  # noqa: E731
    rows = [
        ["pipeline, deals independent (before)", pct(s["independent_coverage"]), "", ""],
        ["pipeline, shared period shock (P50)", pct(s["pipeline_coverage"]), f"{s['pipeline_wape']:.3f}",
         f"{s['pipeline_mae']:,.0f}"],
        ["run-rate (time-series forecast)", "", f"{s['run_rate_wape']:.3f}", f"{s['run_rate_mae']:,.0f}"],
        ["headline (weights from the other snapshots)", pct(s["headline_coverage"]), f"{s['headline_wape']:.3f}",
         f"{s['headline_mae']:,.0f}"],
    ]
    markdown = "\n".join([
        f"Data: {source}, {data.reps['team'].nunique()} teams; {by} level, monthly; {ran} past snapshots "
        f"({bt['snapshot'].iloc[0]} to {bt['snapshot'].iloc[-1]}), {s['rows']} {by}-months; {n_sims:,} "
        f"simulations each; calibrated shock sd {bt.attrs['shock_sd']:.2f} (log scale). "
        f"Backtest wall time {seconds:.1f} s.",
        "",
        table(["forecast", "P10-P90 / 80% coverage", "P50 WAPE", "P50 MAE"], rows),
        "",
        f"- Pipeline P10-P90 coverage {pct(s['pipeline_coverage'])} (goal 75-85 %): "
        f"**{'met' if cov_ok else 'NOT met'}**.",
        f"- Headline WAPE / better of pipeline-only and run-rate-only = {s['headline_wape']:.3f} / {best:.3f} = "
        f"**{ratio:.2f}** (goal <= 0.90): **{'met' if head_ok else 'NOT met'}**.",
    ])
    markdown += "\n\n" + win_model_section(data)
    print(markdown)
    if publish_result:
        print(f"\nwritten to {publish('pipeline_backtest', markdown)}")
    return {"coverage": s["pipeline_coverage"], "ratio": ratio, "snapshots": ran}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshots", type=int, default=12, help="past months re-forecast (default 12, at least 6)")
    parser.add_argument("--by", default="team", choices=["rep", "team", "region", "company"])
    parser.add_argument("--sims", type=int, default=2000, help="simulations per snapshot")
    args = add_publish_flag(parser).parse_args()
    main(args.snapshots, args.by, args.sims, publish_result=not args.no_publish)
