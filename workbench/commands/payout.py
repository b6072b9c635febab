"""``workbench payout SOURCE --plan plan.toml --period 2026-Q3``: each rep's payout under a commission plan."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.progress import Progress
from workbench.errors import DataError, PlanError
from workbench.io.results import OUTPUT_SUFFIXES, write_result

__all__ = ["register", "run", "PREVIEW_COLUMNS"]

HELP = "each rep's commission payout for a period under a plan file (TOML), explained line by line"
DESCRIPTION = """\
Compute each rep's payout for one period's actual results under a commission plan.

Attainment is the period's bookings KPI over its bookings target (the same numbers
`workbench kpi` shows). The plan file (TOML) sets the base rate, tiers, accelerator,
decelerator, threshold, cap, product SPIFs, team bonus, draw and clawbacks; see
docs/incentives.md and docs/example_plan.toml. An invalid plan is rejected with the key
to fix (e.g. tiers[1].from).

The output has one row per rep: bookings, target, attainment, the commission by part
(base, tiers, accelerator, decelerator, cap), SPIF, team bonus, clawback, draw top-up,
total payout and the explanation text. With --compare PLAN2 it shows each rep's payout
under both plans and the difference (a workbook also gets both full payout tables).
"""

EPILOG = """\
examples:
  workbench payout sample_data --plan docs/example_plan.toml --period 2026-Q3
  workbench payout sample_data --plan docs/example_plan.toml --period 2026-Q3 --explain R001
  workbench payout sample_data --plan docs/example_plan.toml --period 2026-Q3 -o payouts.xlsx
  workbench payout sample_data --plan docs/example_plan.toml --compare docs/example_plan_flat.toml --period 2026-Q3
  workbench payout sample_data --plan plan.toml --period 2026-Q3 --clawbacks cancelled.csv
"""

#: Columns shown in the preview (the file gets every column).
PREVIEW_COLUMNS = ["rep_id", "name", "team", "bookings", "target", "attainment", "commission", "spif", "team_bonus",
                   "clawback", "draw_top_up", "total_payout"]


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``payout`` sub-command."""
    parser = subparsers.add_parser(
        "payout", help=HELP, description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="SOURCE", help="folder of table files, .duckdb/.sqlite file or workbook")
    parser.add_argument("--plan", metavar="FILE", required=True, help="the commission plan (TOML)")
    parser.add_argument("--period", metavar="PERIOD", required=True,
                        help="the period paid: a quarter (2026-Q3) for a quarterly plan, a month (2026-07) for a "
                             "monthly one")
    parser.add_argument("--compare", metavar="FILE",
                        help="a second plan (TOML): each rep's payout under both plans, and the difference")
    parser.add_argument("--explain", metavar="REP", help="print the line-by-line explanation of this rep's payout")
    parser.add_argument("--lang", choices=["en", "zh"], default="en",
                        help="language of the --explain text (default en); the file has both")
    parser.add_argument("--clawbacks", metavar="FILE",
                        help="cancelled deals (opportunity_id, cancelled_at[, amount]) for the plan's [clawback]")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE: .csv, .parquet or .xlsx (default: print a preview)")
    parser.add_argument("--rows", type=int, default=20, metavar="N",
                        help="rows shown in the preview when there is no -o (default 20)")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.set_defaults(func=run)
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"workbench payout: error: {message}", file=sys.stderr)
    return code


_LENGTH = {"M": "month", "Q": "quarter"}


def _money(value: float) -> str:
    return f"{value:,.0f}"


def run(args) -> int:
    """Load the plan and the data, compute the payouts and write or preview them; return the exit code."""
    source = Path(args.source).expanduser()
    if not source.exists():
        return _fail(f"{source}: no such file or folder")
    output = Path(args.output).expanduser() if args.output else None
    if output is not None and output.suffix.lower() not in OUTPUT_SUFFIXES:
        return _fail(f"cannot write {output.name!r}: the output file must end in .csv, .parquet or .xlsx")
    if args.rows < 0:
        return _fail("--rows must be 0 or more")
    from workbench.incentives import compute_payouts, explain, load_plan, side_by_side
    from workbench.params import check_period

    try:  # the plans and the period first: fail fast on a typo, before loading the data
        plan = load_plan(Path(args.plan).expanduser())
        other = load_plan(Path(args.compare).expanduser()) if args.compare else None
        if other is not None and other.period != plan.period:
            return _fail(f"--compare: plan '{other.name}' pays per {_LENGTH[other.period]} and plan '{plan.name}' "
                         f"per {_LENGTH[plan.period]}; compare plans of the same period length")
        check_period("workbench payout", args.period, (plan.period,),
                     f"a {'quarter (2026-Q3)' if plan.period == 'Q' else 'month (2026-07)'}, the period of "
                     f"plan '{plan.name}'")
    except PlanError as err:
        return _fail(f"invalid plan {err}")
    except ValueError as err:
        return _fail(str(err).replace("The 'period' parameter of workbench payout", "--period"))
    clawbacks_path = Path(args.clawbacks).expanduser() if args.clawbacks else None
    if clawbacks_path is not None and not clawbacks_path.exists():
        return _fail(f"--clawbacks {clawbacks_path}: no such file")
    stages = ["loading data", "computing payouts"] + (["computing the second plan's payouts"] if other else []) \
        + ([f"writing {output.name}"] if output else [])
    progress = Progress("workbench payout", stages)
    try:
        with progress.stage("loading data"):
            from workbench.io.load import load
            from workbench.io.readers import read_table_file

            data = load(source, cache=not args.no_cache)
            clawbacks = read_table_file(clawbacks_path) if clawbacks_path is not None else None
        with progress.stage("computing payouts"):
            payouts = compute_payouts(data, plan, args.period, clawbacks=clawbacks)
        if other is not None:
            with progress.stage("computing the second plan's payouts"):
                payouts_b = compute_payouts(data, other, args.period, clawbacks=clawbacks)
    except DataError as err:
        return _fail(str(err), 1)
    except ValueError as err:
        return _fail(str(err))
    if clawbacks is not None and plan.clawback is None:
        print(f"note: plan '{plan.name}' has no [clawback] section; the clawback list was not applied",
              file=sys.stderr)
    if payouts["target"].isna().all():
        print(f"note: no rep has a bookings target for {args.period}: no commission is paid (check the targets "
              "table and --period)", file=sys.stderr)
    summary = _summary(payouts, plan, args.period)
    sheets = {"payouts": payouts}
    preview = payouts[PREVIEW_COLUMNS]
    if other is not None:
        comparison = side_by_side(payouts, payouts_b, (plan.name, other.name))
        difference = payouts_b["total_payout"].sum() - payouts["total_payout"].sum()
        summary = (f"{summary}\n{_summary(payouts_b, other, args.period)}\n"
                   f"difference ('{other.name}' − '{plan.name}'): {_money(difference)}")
        sheets = {"comparison": comparison, "payouts": payouts, "payouts_b": payouts_b}
        preview = comparison.drop(columns="period")
    if args.explain:
        try:
            for table in [payouts] + ([payouts_b] if other is not None else []):
                print(explain(table, args.explain, lang=args.lang))
                print()
        except KeyError as err:
            return _fail(err.args[0])
    if output is None:
        if not args.explain:
            import pandas as pd

            with pd.option_context("display.width", 200, "display.max_columns", 20):
                print(preview.head(args.rows).round(3).to_string(index=False))
            print()
        hint = ("-o comparison.csv writes this table; -o payouts.xlsx adds both plans' full payout tables"
                if other is not None else "Write every column with -o payouts.csv (or .parquet / .xlsx)")
        print(f"{summary}.\n{hint}; --explain REP shows how a rep's payout adds up.")
        return 0
    try:
        with progress.stage(f"writing {output.name}"):
            write_result(sheets, output)
    except OSError as err:
        return _fail(f"cannot write {output}: {err}", 1)
    print(f"Wrote {output}: {summary}.")
    return 0


def _summary(payouts, plan, period) -> str:
    """One line: reps, total payout against bookings, reps above the threshold and at 100 %."""
    total, bookings = payouts["total_payout"].sum(), payouts["bookings"].sum()
    share = f" = {total / bookings:.1%} of {_money(bookings)} bookings" if bookings > 0 else " (no bookings)"
    return (f"{len(payouts)} reps, {period}, plan '{plan.name}': total payout {_money(total)}{share}; "
            f"{int(payouts['threshold_met'].sum())} reps above the threshold, "
            f"{int((payouts['attainment'] >= 1).sum())} at or above 100 % of target")
