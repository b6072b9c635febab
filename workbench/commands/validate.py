"""``workbench validate SOURCE``: load a source and print its data-quality report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.output import fail, say
from workbench.commands.progress import Progress
from workbench.errors import DataError
from workbench.io.results import OUTPUT_SUFFIXES, write_result

__all__ = ["register", "run"]

HELP = "check a data source and print a data-quality report"
DESCRIPTION = """\
Load SOURCE (a folder of reps.csv / opportunities.parquet / ... files, a .duckdb
file or a workbook with one sheet per table; or CRM export files with --preset /
--mapping), validate every row against the data contract and print what was read,
loaded and quarantined, with examples per reason.

Exit status: 0 when the data loaded (even if some rows were quarantined), 1 when a
file-level problem stops loading (missing table or column, undecodable file), 2 on
usage errors.
"""


_PROG = "workbench validate"


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", metavar="SOURCE", help="folder of table files, .duckdb file or workbook")
    parser.add_argument("--quarantine-out", metavar="FILE.csv",
                        help="write every quarantined row (table, file, row, column, value, reason) to this CSV "
                             "(or .xlsx / .parquet); cells a spreadsheet would run as a formula are written inert")
    parser.add_argument("--stages", metavar="FILE",
                        help="stage config (stages.csv with stage,order[,pipeline] or stages.toml)")
    parser.add_argument("--examples", type=int, default=3, metavar="N",
                        help="examples shown per table and reason (default 3)")
    crm = parser.add_mutually_exclusive_group()
    crm.add_argument("--preset", metavar="NAME",
                     help="read SOURCE as a CRM export with this import preset (see `workbench import --list-presets`)")
    crm.add_argument("--mapping", metavar="FILE.toml", help="read SOURCE as a CRM export with this mapping file")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.add_argument("--lang", choices=["en", "zh"], default="en",
                        help="language of the report and the messages (default en); with zh, --quarantine-out "
                             "adds a reason_zh column")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    """Load, print the report; return the exit code."""
    from workbench.io.load import load
    from workbench.io.reasons import with_reason_zh

    lang = getattr(args, "lang", "en") or "en"
    source = Path(args.source).expanduser()
    if not source.exists():
        return fail(_PROG, say("cli.no_source", lang, source=source), 2, lang)
    if args.examples < 0:
        return fail(_PROG, say("cli.validate.examples_negative", lang), 2, lang)
    quarantine_out = Path(args.quarantine_out).expanduser() if args.quarantine_out else None
    if quarantine_out is not None and quarantine_out.suffix.lower() not in OUTPUT_SUFFIXES:
        return fail(_PROG, say("cli.validate.bad_quarantine_out", lang, name=quarantine_out.name), 2, lang)
    loading = say("cli.validate.stage.loading", lang)
    writing = say("cli.stage.writing", lang, name=quarantine_out.name) if quarantine_out else None
    progress = Progress(_PROG, [loading] + ([writing] if quarantine_out else []))
    try:
        with progress.stage(loading):
            if args.preset or args.mapping:
                data = load(source, stages=args.stages, preset=args.preset, mapping=args.mapping, cache=not args.no_cache)
            else:
                data = load(source, stages=args.stages, cache=not args.no_cache)
    except DataError as err:
        print(f"{_PROG}: {err}", file=sys.stderr)
        return 1
    print(data.summary(examples=args.examples, lang=lang))
    if quarantine_out is not None:
        with progress.stage(writing):
            quarantine = data.quarantine if lang == "en" else with_reason_zh(data.quarantine)
            write_result({"quarantine": quarantine}, quarantine_out)
        print("\n" + say("cli.validate.quarantine_written", lang, path=quarantine_out))
    return 0
