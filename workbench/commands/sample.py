"""``workbench sample``: write the realistic sample dataset to a folder."""

from __future__ import annotations

import argparse
import sys
import time

from workbench.commands.progress import Progress

__all__ = ["register", "run"]

HELP = "write a realistic simulated sales dataset (with planted underperformance drivers)"

DESCRIPTION = """\
Simulate a B2B sales team and write every table of the data contract to a folder:
reps, opportunities, stage_history, activities, orders, targets, surveys, skills,
training_catalog, training_log and market, plus stages.csv (the funnel),
planted_drivers.csv (which reps were given which underperformance driver: the
ground truth for checking a diagnosis) and training_effects.csv (what each training
module really does to its skill's KPI: the ground truth for training effectiveness).

Tables are written as CSV (UTF-8, ISO dates); activities and stage_history as
Parquet to keep the folder small. The same options always write the same bytes.
"""

EPILOG = """\
examples:
  workbench sample --out sample_data                 the committed default dataset
  workbench sample --out big --reps 1000 --months 24 --seed 1
  workbench sample --out clean --no-drivers          nobody underperforms by design
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``sample`` sub-command."""
    parser = subparsers.add_parser(
        "sample", help=HELP, description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write (created if missing)")
    parser.add_argument("--reps", type=int, default=80, metavar="N", help="number of sales reps (default 80)")
    parser.add_argument("--months", type=int, default=36, metavar="M",
                        help="months of history ending on --end (default 36)")
    parser.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")
    parser.add_argument("--end", default="2026-10-31", metavar="DATE",
                        help="last day of the data; open deals are open as of this day (default 2026-10-31)")
    parser.add_argument("--no-drivers", action="store_true",
                        help="plant no underperformance drivers (planted_drivers.csv is empty)")
    parser.add_argument("--late-drivers", type=float, default=0.0, metavar="SHARE",
                        help="share of reps who slip 6-9 months before the end (planted_changes.csv; default 0)")
    parser.add_argument("--bottlenecks", type=int, default=0, metavar="N",
                        help="teams slow at one stage (planted_bottlenecks.csv; default 0)")
    parser.set_defaults(func=run)
    return parser


def _size(n_bytes: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n_bytes < 1024 or unit == "MB":
            return f"{n_bytes:,.0f} {unit}" if unit == "B" else f"{n_bytes:,.1f} {unit}"
        n_bytes /= 1024
    return ""  # pragma: no cover


def run(args) -> int:
    """Generate and write the sample; print one line per file."""
    from workbench.sample import generate_sample
    from workbench.sample.writer import write_tables

    started = time.perf_counter()
    progress = Progress("workbench sample", ["simulating", "writing tables"])
    try:
        with progress.stage("simulating"):
            tables = generate_sample(n_reps=args.reps, months=args.months, seed=args.seed, end=args.end,
                                     planted=not args.no_drivers, late_drivers=args.late_drivers,
                                     bottlenecks=args.bottlenecks)
    except ValueError as exc:
        print(f"workbench sample: error: {exc}", file=sys.stderr)
        return 2
    with progress.stage("writing tables"):
        paths = write_tables(tables, args.out)
    total = 0
    print(f"Wrote {len(paths)} files to {args.out}:")
    for name, path in paths.items():
        size = path.stat().st_size
        total += size
        print(f"  {path.name:<24} {len(tables[name]):>9,} rows {_size(size):>10}")
    n_planted = tables["planted_drivers"]["rep_id"].nunique()
    print(f"  total {_size(total)}; {len(tables['reps'])} reps, {n_planted} with planted drivers; "
          f"{time.perf_counter() - started:.1f} s")
    return 0
