"""``workbench review SOURCE --period 2026-Q1 --out reviews/``: one HTML review per rep, a team summary, a workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.output import fail, say
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
    parser.add_argument("--lang", choices=["en", "zh"], default="en",
                        help="language of the reviews and of what is printed (default en)")
    parser.add_argument("--team", metavar="TEAM", help="only the reps of this team")
    parser.add_argument("--rep", metavar="ID", help="only this rep (the summary shows the rep's team)")
    parser.add_argument("--stages", metavar="FILE", help="stage config (stages.csv or stages.toml)")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.set_defaults(func=run)
    return parser


def _fail(message: str, code: int, lang: str = "en") -> int:
    return fail("workbench review", message, code, lang)


def run(args) -> int:
    """Load, diagnose, plan, assemble and write the reviews; return the exit code."""
    from workbench.formatting import count_label

    lang = args.lang
    source = Path(args.source).expanduser()
    if not source.exists():
        return _fail(say("cli.no_source", lang, source=source), 2, lang)
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        return _fail(say("cli.review.out_is_file", lang, out=out), 2, lang)
    # the stage names coach() reports, then the review's own, each in ``lang``
    named = {"loading data": say("cli.stage.loading", lang), "diagnosing": say("cli.coach.stage.diagnosing", lang),
             "measuring training effectiveness": say("cli.coach.stage.effectiveness", lang),
             "planning": say("cli.coach.stage.planning", lang),
             "assembling the reviews": say("cli.review.stage.assembling", lang),
             "writing rep reviews": say("cli.review.stage.rep_pages", lang),
             "writing the team summary and workbook": say("cli.review.stage.summary", lang)}
    progress = Progress("workbench review", list(named.values()))

    def stage(name: str):
        return progress.stage(named.get(name, name))

    try:
        with stage("loading data"):
            from workbench.coaching.review import (  # inside the stage: slow imports
                check_review_request,
                periodic_review,
            )
            from workbench.coaching.workflow import coach
            from workbench.io.load import load
            from workbench.reports import workbook_file_name, write_review_pages, write_review_workbook

            data = load(source, stages=args.stages, cache=not args.no_cache)
        check_review_request(data, args.period, team=args.team, rep=args.rep)  # fail fast on a typo
        coaching = coach(data, args.period, stage=stage)  # the plans `workbench coach` shows
        with stage("assembling the reviews"):
            review = periodic_review(data, args.period, coaching=coaching, team=args.team, rep=args.rep)
    except DataError as err:
        return _fail(str(err), 1, lang)
    except ValueError as err:
        return _fail(str(err), 2, lang)
    for note in review.notes:
        print(say("cli.note", lang, text=note), file=sys.stderr)
    try:
        with stage("writing rep reviews"):
            pages = write_review_pages(review, out, lang)
        with stage("writing the team summary and workbook"):
            workbook = write_review_workbook(review, out / workbook_file_name(review.period), lang)
    except OSError as err:
        return _fail(say("cli.review.cannot_write", lang, out=out, reason=err), 1, lang)
    reps = list(pages.reps.values())
    shown = say("cli.list_sep", lang).join(p.name for p in reps[:2]) + (say("cli.list_sep", lang) + "…"
                                                                         if len(reps) > 2 else "")
    print(say("cli.review.written", lang, period=review.period, language=say("cli.review.language", lang), out=out))
    print(say("cli.review.rep_reviews", lang, count=count_label(len(reps), "rep review", lang), files=shown))
    print(say("cli.review.summary_file", lang, name=pages.summary.name))
    print(say("cli.review.workbook_file", lang, name=workbook.name))
    return 0
