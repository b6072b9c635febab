"""``workbench review SOURCE --period 2026-Q1 --out reviews/``: one HTML review per rep, a team summary, a workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.progress import Progress
from workbench.errors import DataError

__all__ = ["register", "run"]

HELP = "write each rep's periodic review (HTML), a team summary and one workbook"
DESCRIPTION = """\
Periodic reviews of PERIOD from SOURCE (a folder of table files, a .duckdb file or a
workbook), written into the folder OUT:

  <PERIOD>_rep_<REP>.html       one page per rep: the period's KPIs against target and
                                against the team median, trend charts of the last 12
                                months, the diagnosis findings with their evidence, the
                                coaching plan (skills, why, modules and when) and awards
  <PERIOD>_team_summary.html    reps x key KPIs, each rep's top skill gap, group sessions
  <PERIOD>_review.xlsx          the same tables, one sheet each

The pages are self-contained (charts drawn as inline SVG, no script, nothing loaded from
the network): open them from disk, mail or print them. --lang zh writes them in
Simplified Chinese. Reps hired after PERIOD ends get no review.

Examples:
  workbench review sample_data --period 2026-Q1 --out reviews
  workbench review sample_data --period 2026-03 --out reviews_zh --lang zh --team "North 1"
  workbench review crm.duckdb --period 2026-Q1 --out reviews --rep R007
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``review`` sub-command."""
    parser = subparsers.add_parser(
        "review", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", metavar="SOURCE", help="folder of table files, .duckdb file or workbook")
    parser.add_argument("--period", metavar="PERIOD", required=True,
                        help="the period reviewed: a quarter (2026-Q1), a month (2026-03) or a year (2026)")
    parser.add_argument("--out", metavar="FOLDER", required=True, help="folder the reviews are written into")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the reviews (default en)")
    parser.add_argument("--team", metavar="TEAM", help="only the reps of this team")
    parser.add_argument("--rep", metavar="ID", help="only this rep (the summary shows the rep's team)")
    parser.add_argument("--stages", metavar="FILE", help="stage config (stages.csv or stages.toml)")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.set_defaults(func=run)
    return parser


def _fail(message: str, code: int) -> int:
    print(f"workbench review: error: {message}", file=sys.stderr)
    return code


def run(args) -> int:
    """Load, diagnose, plan, assemble and write the reviews; return the exit code."""
    source = Path(args.source).expanduser()
    if not source.exists():
        return _fail(f"{source}: no such file or folder", 2)
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        return _fail(f"--out {out}: is a file, not a folder", 2)
    progress = Progress("workbench review", ["loading data", "diagnosing", "measuring training effectiveness",
                                             "planning", "assembling the reviews", "writing rep reviews",
                                             "writing the team summary and workbook"])
    try:
        with progress.stage("loading data"):
            from workbench.coaching.review import (  # inside the stage: slow imports
                check_review_request,
                periodic_review,
            )
            from workbench.coaching.workflow import coach
            from workbench.io.load import load
            from workbench.reports import workbook_file_name, write_review_pages, write_review_workbook

            data = load(source, stages=args.stages, cache=not args.no_cache)
        check_review_request(data, args.period, team=args.team, rep=args.rep)  # fail fast on a typo
        coaching = coach(data, args.period, stage=progress.stage)  # the plans `workbench coach` shows
        with progress.stage("assembling the reviews"):
            review = periodic_review(data, args.period, coaching=coaching, team=args.team, rep=args.rep)
    except DataError as err:
        return _fail(str(err), 1)
    except ValueError as err:
        return _fail(str(err), 2)
    for note in review.notes:
        print(f"note: {note}", file=sys.stderr)
    try:
        with progress.stage("writing rep reviews"):
            pages = write_review_pages(review, out, args.lang)
        with progress.stage("writing the team summary and workbook"):
            workbook = write_review_workbook(review, out / workbook_file_name(review.period), args.lang)
    except OSError as err:
        return _fail(f"cannot write into {out}: {err}", 1)
    reps = list(pages.reps.values())
    shown = ", ".join(p.name for p in reps[:2]) + (", …" if len(reps) > 2 else "")
    print(f"Reviews of {review.period} ({'中文' if args.lang == 'zh' else 'English'}) written to {out}:")
    print(f"  {len(reps)} rep review{'s' if len(reps) != 1 else ''}: {shown}")
    print(f"  team summary: {pages.summary.name}")
    print(f"  workbook:     {workbook.name}")
    return 0
