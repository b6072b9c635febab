"""Benchmark: diagnose 1,000 reps × 24 months (goal ≤ 5 s on 2 cores).

Generates the data with the sample generator, then times ``diagnose`` end to end with
its per-step timings, and prints a baseline measured in the same run: the same data
reduced to the rep level only (no team / region pass).

Run: ``.venv/bin/python benchmarks/diagnose_bench.py [n_reps] [months]``
"""

from __future__ import annotations

import sys
import time

import workbench
from workbench.diagnose import DiagnosisConfig, diagnose
from workbench.sample import generate_sample


def main(n_reps: int = 1000, months: int = 24) -> None:
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
    for label, total, cpu, result in runs:
        steps = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
        reps = result.findings.loc[result.findings["entity_type"] == "rep", "entity_id"].nunique()
        print(f"{label:<22} wall {total:6.2f} s, cpu {cpu:6.2f} s  ({steps}); "
              f"findings {len(result.findings)}, reps flagged {reps}")
    print(f"goal: <= 5 s for the full diagnosis -> {'met' if runs[-1][1] <= 5 else 'NOT met'} "
          f"(wall clock; compare cpu when the machine is shared)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
