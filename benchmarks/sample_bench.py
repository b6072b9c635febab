"""Benchmark: the sample-data generator against reading the same data back.

For each size it times

- ``generate_sample`` (the whole simulation, in memory),
- ``write_tables`` (CSV + Parquet files), and
- baseline: plain ``pandas.read_csv`` / ``read_parquet`` of the files just written,

and prints them side by side, so "generating the data costs about as much as reading
it" can be checked on any machine. Usage::

    python benchmarks/sample_bench.py                 # 80 x 36 (default) and 1,000 x 24
    python benchmarks/sample_bench.py --reps 2000 --months 24
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from workbench.sample import generate_sample
from workbench.sample.writer import write_tables


def read_back(folder: Path) -> int:
    rows = 0
    for path in sorted(folder.iterdir()):
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        rows += len(frame)
    return rows


def run(n_reps: int, months: int) -> None:
    t0 = time.perf_counter()
    tables = generate_sample(n_reps=n_reps, months=months, seed=1)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_tables(tables, tmp)
        t2 = time.perf_counter()
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        rows = read_back(Path(tmp))
        t3 = time.perf_counter()
    print(f"{n_reps:>6,} reps x {months:>2} months: {rows:>10,} rows, {size / 2**20:6.1f} MB | "
          f"generate {t1 - t0:6.2f} s | write {t2 - t1:6.2f} s | baseline read_csv/read_parquet {t3 - t2:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, nargs="*", default=[80, 1000])
    parser.add_argument("--months", type=int, nargs="*", default=[36, 24])
    args = parser.parse_args()
    months = args.months if len(args.months) == len(args.reps) else [args.months[0]] * len(args.reps)
    for n_reps, m in zip(args.reps, months):
        run(n_reps, m)


if __name__ == "__main__":
    main()
