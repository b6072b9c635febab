"""``workbench payout SOURCE --plan plan.toml --period 2026-Q3``: each rep's payout under a commission plan."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.output import fail, say, table_text
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
                        help="language of what is printed, --explain included (default en); the file has both")
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


def _fail(message: str, code: int = 2, lang: str = "en") -> int:
    return fail("workbench payout", message, code, lang)


_LENGTH = {"M": "month", "Q": "quarter"}


def _money(value: float, lang: str = "en") -> str:
    from workbench.formatting import format_value

    return format_value(value, "currency", lang=lang)


#: Unit of each printed number column (the file keeps raw numbers).
_UNITS = {"bookings": "currency", "target": "currency", "attainment": "rate1", "commission": "currency",
          "spif": "currency", "team_bonus": "currency", "clawback": "currency", "draw_top_up": "currency",
          "total_payout": "currency", "payout_a": "currency", "payout_b": "currency", "difference": "currency"}


def preview_text(table, rows: int, lang: str = "en") -> str:
    """The first ``rows`` rows of a payout (or comparison) table as printed: amounts with thousands
    separators and attainment as a percentage, headers in ``lang``."""
    from workbench.formatting import format_distinct, format_value

    shown = table.head(rows).copy()
    for column, unit in _UNITS.items():
        if column in shown:
            values = shown[column].tolist()
            # amounts to the cent where cents are paid, so that 1,234.50 does not print as 1,235
            cents = unit == "currency" and any(v == v and round(v, 2) != round(v) for v in values)
            shown[column] = (format_distinct(values, unit, decimals=2, lang=lang) if cents
                             else [format_value(v, unit, lang=lang) for v in values])
    return table_text(shown, {c: f"cli.payout.col.{c}" for c in shown.columns}, lang)


def run(args) -> int:
    """Load the plan and the data, compute the payouts and write or preview them; return the exit code."""
    lang = args.lang
    source = Path(args.source).expanduser()
    if not source.exists():
        return _fail(say("cli.no_source", lang, source=source), lang=lang)
    output = Path(args.output).expanduser() if args.output else None
    if output is not None and output.suffix.lower() not in OUTPUT_SUFFIXES:
        return _fail(say("cli.bad_output", lang, name=output.name), lang=lang)
    if args.rows < 0:
        return _fail(say("cli.rows_negative", lang), lang=lang)
    from workbench.incentives import compute_payouts, explain, load_plan, side_by_side
    from workbench.params import check_period

    try:  # the plans and the period first: fail fast on a typo, before loading the data
        plan = load_plan(Path(args.plan).expanduser())
        other = load_plan(Path(args.compare).expanduser()) if args.compare else None
        if other is not None and other.period != plan.period:
            return _fail(say("cli.payout.compare_period", lang, other=other.name, plan=plan.name,
                             other_length=say(f"cli.payout.{_LENGTH[other.period]}", lang),
                             plan_length=say(f"cli.payout.{_LENGTH[plan.period]}", lang)), lang=lang)
        check_period("workbench payout", args.period, (plan.period,),
                     f"a {'quarter (2026-Q3)' if plan.period == 'Q' else 'month (2026-07)'}, the period of "
                     f"plan '{plan.name}'")
    except PlanError as err:
        return _fail(say("cli.payout.invalid_plan", lang, error=err), lang=lang)
    except ValueError as err:
        return _fail(str(err).replace("The 'period' parameter of workbench payout", "--period"), lang=lang)
    clawbacks_path = Path(args.clawbacks).expanduser() if args.clawbacks else None
    if clawbacks_path is not None and not clawbacks_path.exists():
        return _fail(say("cli.payout.clawbacks_missing", lang, path=clawbacks_path), lang=lang)
    loading, computing = say("cli.stage.loading", lang), say("cli.payout.stage.computing", lang)
    computing_b = say("cli.payout.stage.computing_b", lang)
    writing = say("cli.stage.writing", lang, name=output.name) if output else ""
    stages = [loading, computing] + ([computing_b] if other else []) + ([writing] if output else [])
    progress = Progress("workbench payout", stages)
    try:
        with progress.stage(loading):
            from workbench.io.load import load
            from workbench.io.readers import read_table_file

            data = load(source, cache=not args.no_cache)
            clawbacks = read_table_file(clawbacks_path) if clawbacks_path is not None else None
        with progress.stage(computing):
            payouts = compute_payouts(data, plan, args.period, clawbacks=clawbacks)
        if other is not None:
            with progress.stage(computing_b):
                payouts_b = compute_payouts(data, other, args.period, clawbacks=clawbacks)
    except DataError as err:
        return _fail(str(err), 1, lang)
    except ValueError as err:
        return _fail(str(err), lang=lang)
    if clawbacks is not None and plan.clawback is None:
        print(say("cli.note", lang, text=say("cli.payout.no_clawback_section", lang, plan=plan.name)), file=sys.stderr)
    if payouts["target"].isna().all():
        print(say("cli.note", lang, text=say("cli.payout.no_targets", lang, period=args.period)), file=sys.stderr)
    summary = _summary(payouts, plan, args.period, lang)
    sheets = {"payouts": payouts}
    preview = payouts[PREVIEW_COLUMNS]
    if other is not None:
        comparison = side_by_side(payouts, payouts_b, (plan.name, other.name))
        difference = payouts_b["total_payout"].sum() - payouts["total_payout"].sum()
        summary = "\n".join([summary, _summary(payouts_b, other, args.period, lang),
                             say("cli.payout.difference", lang, b=other.name, a=plan.name,
                                 difference=_money(difference, lang))])
        sheets = {"comparison": comparison, "payouts": payouts, "payouts_b": payouts_b}
        preview = comparison.drop(columns="period")
    if args.explain:
        try:
            for table in [payouts] + ([payouts_b] if other is not None else []):
                print(explain(table, args.explain, lang=lang))
                print()
        except KeyError as err:
            return _fail(err.args[0], lang=lang)
    if output is None:
        if not args.explain:
            print(preview_text(preview, args.rows, lang))
            print()
        hint = say("cli.payout.hint_compare" if other is not None else "cli.payout.hint", lang)
        print(say("cli.payout.hint_explain", lang, summary=summary, hint=hint))
        return 0
    try:
        with progress.stage(writing):
            write_result(sheets, output)
    except OSError as err:
        return _fail(say("cli.cannot_write", lang, path=output, reason=err), 1, lang)
    print(say("cli.payout.wrote", lang, path=output, summary=summary))
    return 0


def _summary(payouts, plan, period, lang: str = "en") -> str:
    """One line: reps, total payout against bookings, reps above the threshold and at 100 %."""
    from workbench.formatting import format_value

    total, bookings = payouts["total_payout"].sum(), payouts["bookings"].sum()
    share = (say("cli.payout.share_of_bookings", lang, share=format_value(total / bookings, "rate1", lang=lang),
                 bookings=_money(bookings, lang)) if bookings > 0 else say("cli.payout.no_bookings", lang))
    return say("cli.payout.summary", lang, reps=len(payouts), period=period, plan=plan.name,
               total=_money(total, lang), share=share, above=int(payouts["threshold_met"].sum()),
               at_target=int((payouts["attainment"] >= 1).sum()))
