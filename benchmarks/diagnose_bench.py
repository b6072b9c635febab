"""Benchmark: diagnose 1,000 reps × 24 months (goal ≤ 5 s on 2 cores).

Generates the data with the sample generator, then times ``diagnose`` end to end with
its per-step timings, and prints a baseline measured in the same run: the same data
reduced to the rep level only (no team / region pass).

Run: ``.venv/bin/python benchmarks/diagnose_bench.py [n_reps] [months]``. The result is
printed as markdown and written to ``docs/benchmarks.md`` (``--no-publish``: print only).
"""

from __future__ import annotations

import argparse
import time

import workbench
from _report import add_publish_flag, publish, table
from workbench.diagnose import DiagnosisConfig, diagnose
from workbench.sample import generate_sample


def main(n_reps: int = 1000, months: int = 24, publish_result: bool = True) -> None:
    t0 = time.perf_counter()
    tables = generate_sample(n_reps=n_reps, months=months, seed=11)
    gen = time.perf_counter() - t0
    sizes = {k: len(v) for k, v in tables.items() if k in ("opportunities", "activities", "stage_history")}
    print(f"generated {n_reps} reps x {months} months in {gen:.1f} s: {sizes}")
    t0 = time.perf_counter()
    data = workbench.load(tables)  # validated once, as an app or the CLI does
    print(f"validated into SalesData in {time.perf_counter() - t0:.1f} s (not part of the timings below)")
    diagnose(data, period="2026-10", window=3, config=DiagnosisConfig(by=("rep",)))  # warm imports
    runs = []
    for label, config in (("rep only (baseline)", DiagnosisConfig(by=("rep",))), ("rep+team+region", DiagnosisConfig())):
        t0, c0 = time.perf_counter(), time.process_time()
        result = diagnose(data, period="2026-10", config=config)
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
        runs.append((label, total, cpu, result))
    rows = []
    for label, total, cpu, result in runs:
        steps = ", ".join(f"{k.replace('_', ' ')} {v:.2f} s" for k, v in result.timings.items())
        reps = result.findings.loc[result.findings["entity_type"] == "rep", "entity_id"].nunique()
        rows.append([label, f"{total:.2f} s", f"{cpu:.2f} s", steps, f"{len(result.findings):,}", f"{reps:,}"])
    full = runs[-1][3]
    markdown = "\n".join([
        f"{n_reps:,} reps × {months} months from the sample generator (seed 11): "
        + ", ".join(f"{c:,} {n.replace('_', ' ')}" for n, c in sizes.items())
        + f"; period 2026-10, window {full.window.label} (the default: all history, at most 36 months).",
        "",
        table(["diagnosis", "wall time", "CPU time", "steps", "findings", "reps flagged"], rows, align="lrrlrr"),
        "",
        f"Goal ≤ 5 s for the full diagnosis (wall clock): {'met' if runs[-1][1] <= 5 else 'NOT met'}.",
    ])
    print(markdown)
    if publish_result:
        print(f"\nwritten to {publish('diagnose', markdown)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n_reps", type=int, nargs="?", default=1000)
    parser.add_argument("months", type=int, nargs="?", default=24)
    args = add_publish_flag(parser).parse_args()
    main(args.n_reps, args.months, publish_result=not args.no_publish)
