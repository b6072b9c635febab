"""Benchmark: the sample-data generator against reading the same data back.

For each size it times

- ``generate_sample`` (the whole simulation, in memory),
- ``write_tables`` (CSV + Parquet files), and
- baseline: plain ``pandas.read_csv`` / ``read_parquet`` of the files just written,

and prints them side by side, so "generating the data costs about as much as reading
it" can be checked on any machine. Usage::

    python benchmarks/sample_bench.py                 # 80 x 36 (default) and 1,000 x 24
    python benchmarks/sample_bench.py --reps 2000 --months 24

The result is printed as markdown and written to docs/benchmarks.md (--no-publish: print only).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from _report import add_publish_flag, publish, table
from workbench.sample import generate_sample
from workbench.sample.writer import write_tables


def read_back(folder: Path) -> int:
    rows = 0
    for path in sorted(folder.iterdir()):
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        rows += len(frame)
    return rows


def run(n_reps: int, months: int) -> list:
    t0 = time.perf_counter()
    tables = generate_sample(n_reps=n_reps, months=months, seed=1)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_tables(tables, tmp)
        t2 = time.perf_counter()
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        rows = read_back(Path(tmp))
        t3 = time.perf_counter()
    row = [f"{n_reps:,} reps × {months} months", f"{rows:,}", f"{size / 2**20:.1f} MB", f"{t1 - t0:.2f} s",
           f"{t2 - t1:.2f} s", f"{t3 - t2:.2f} s"]
    print(" | ".join(row))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, nargs="*", default=[80, 1000])
    parser.add_argument("--months", type=int, nargs="*", default=[36, 24])
    args = add_publish_flag(parser).parse_args()
    months = args.months if len(args.months) == len(args.reps) else [args.months[0]] * len(args.reps)
    rows = [run(n_reps, m) for n_reps, m in zip(args.reps, months)]
    markdown = "\n".join([
        "`generate_sample` (seed 1) and `write_tables` (CSV, activities and stage history as Parquet), against "
        "reading the files back with plain `pandas.read_csv` / `read_parquet` (baseline).",
        "",
        table(["size", "rows", "on disk", "generate", "write", "read back (baseline)"], rows),
    ])
    print()
    print(markdown)
    if not args.no_publish:
        print(f"\nwritten to {publish('sample', markdown)}")


if __name__ == "__main__":
    main()
