"""``workbench import``: turn CRM exports into a contract folder plus a quality report."""

from __future__ import annotations

import argparse
import sys

from workbench.commands.progress import Progress
from workbench.errors import DataError

HELP = "import CRM exports (Salesforce, HubSpot, Zoho, Jiandaoyun, or any via a mapping file)"

DESCRIPTION = """\
Import the exports you already have from your CRM and write a folder of contract tables
(reps.csv, opportunities.csv, activities.csv, ...) that every other command reads, plus
quality_report.txt, quarantine.csv (rows rejected, with the reason) and skipped_rows.csv
(footer, summary and blank lines that are not data).

Use a preset for a known CRM, or a mapping file (TOML) for anything else; a mapping can
start from a preset with  extends = "salesforce".  See docs/mapping_example.toml.

Examples:
  workbench import --preset salesforce report1712.csv --activities tasks.csv --out data
  workbench import --preset jiandaoyun 商机.xlsx 跟进记录.xlsx --out data
  workbench import --mapping my_crm.toml export/ --out data
  workbench import --list-presets
"""


def register(subparsers) -> None:
    """Add the ``import`` sub-command."""
    parser = subparsers.add_parser(
        "import",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", help="salesforce, hubspot, zoho or jiandaoyun")
    source.add_argument("--mapping", metavar="FILE.toml", help="your own mapping file")
    source.add_argument("--list-presets", action="store_true", help="list the presets and exit")
    parser.add_argument("files", nargs="*", metavar="FILE", help="export files (CSV/XLSX) or folders of them")
    parser.add_argument("--activities", nargs="+", metavar="FILE", default=[],
                        help="files that are activity / follow-up exports (otherwise told apart by their headers)")
    parser.add_argument("--table", nargs=2, action="append", metavar=("TABLE", "FILE"), default=[],
                        help="force FILE to contract table TABLE (e.g. --table stage_history history.csv); repeatable")
    parser.add_argument("--out", "-o", metavar="DIR", help="folder to write the contract tables and reports to")
    parser.add_argument("--quiet", "-q", action="store_true", help="do not print the report")
    parser.add_argument("--export-date", metavar="YYYY-MM-DD", default=None,
                        help="the day the export was taken, for mapping expressions that read export_date "
                             "(default: the mapping's, else the latest date in the files)")
    parser.set_defaults(func=run)


def run(args) -> int:
    """Run the import; returns 0 on success, 1 on a data or mapping problem, 2 on bad usage."""
    from workbench.io.crm import import_files, load_preset, preset_names

    if args.list_presets:
        for name in preset_names():
            print(f"{name:<12} {load_preset(name).description}")
        return 0
    if not args.preset and not args.mapping:
        print("workbench import: give --preset NAME or --mapping FILE.toml (see --help)", file=sys.stderr)
        return 2
    if not args.files and not args.activities and not args.table:
        print("workbench import: give at least one export file", file=sys.stderr)
        return 2
    if not args.out:
        print("workbench import: give --out DIR, the folder to write the tables to", file=sys.stderr)
        return 2
    progress = Progress("workbench import", ["reading exports", "writing tables"])
    try:
        with progress.stage("reading exports"):
            result = import_files(
                args.files,
                preset=args.preset,
                mapping=args.mapping,
                tables=_forced_tables(args),
                export_date=getattr(args, "export_date", None),
            )
        with progress.stage("writing tables"):
            paths = result.write(args.out)
    except DataError as exc:
        print(f"workbench import: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(result.report)
    print(f"wrote {len(paths)} files to {args.out}")
    return 0


def _forced_tables(args) -> dict | None:
    tables: dict[str, list] = {}
    if args.activities:
        tables["activities"] = list(args.activities)
    for table, path in args.table:
        tables.setdefault(table, []).append(path)
    return tables or None
