"""``workbench kpi SOURCE``: compute the KPI table and write it to CSV, Parquet or Excel."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from workbench.errors import DataError
from workbench.io.results import OUTPUT_SUFFIXES, write_result

__all__ = ["register", "run", "OUTPUT_FORMATS"]

#: File extensions ``-o`` understands.
OUTPUT_FORMATS = OUTPUT_SUFFIXES

HELP = "compute KPIs per rep, team, region or company and month or quarter"
DESCRIPTION = """\
Compute sales KPIs from SOURCE and write them as a table.

SOURCE is what `workbench validate` reads: a folder of reps.csv, opportunities.csv,
activities.parquet, ... files, a .duckdb / .sqlite file or a workbook with one sheet
per table. Only reps and opportunities are required; KPIs whose table is missing
(e.g. activities_per_workday without activities) are skipped with a note.

The output has one row per entity, period and KPI:
  entity_type  rep, team, region or company
  entity_id    the rep id, team name, region name or "company"
  period       first day of the month / quarter (e.g. 2026-03-01)
  metric       stable KPI key, e.g. bookings, win_rate, quota_attainment
  detail       the stage pair for stage_conversion (e.g. "Demo→Proposal"), else empty
  value        the number; empty where it is undefined (e.g. win rate with no closed deal)
With --wide there is one row per entity and period and one column per KPI instead.
Every entity gets a row for every period, so quiet months show 0 bookings.

Run `workbench kpi --list` to see every KPI with its definition.
"""

EPILOG = """\
examples:
  workbench kpi sample_data --by rep --freq M -o kpis.csv
  workbench kpi sample_data --by team,region --freq Q --wide -o team_kpis.xlsx
  workbench kpi sample_data --by company --metrics bookings,win_rate --lang zh
  workbench kpi big_parquet_folder --direct --by rep -o kpis.parquet
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``kpi`` sub-command."""
    parser = subparsers.add_parser(
        "kpi", help=HELP, description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="SOURCE", nargs="?",
                        help="folder of table files, .duckdb/.sqlite file or workbook")
    parser.add_argument("--by", default="rep", metavar="LEVEL",
                        help="rep, team, region or company; several separated by commas (default: rep)")
    parser.add_argument("--freq", default="M", metavar="FREQ",
                        help="M (month), Q (quarter), W (week from Monday) or Y (year) (default: M)")
    parser.add_argument("--metrics", metavar="KEYS",
                        help="only these KPIs, comma separated, e.g. bookings,win_rate (default: all)")
    parser.add_argument("--start", metavar="PERIOD", help="first period to report, e.g. 2026-01 or 2026-Q1")
    parser.add_argument("--end", metavar="PERIOD", help="last period to report")
    parser.add_argument("--wide", action="store_true",
                        help="one row per entity and period, one column per KPI")
    parser.add_argument("--lang", choices=["en", "zh"],
                        help="add KPI labels in English or Chinese (a label column; with --wide, "
                             "labelled column headers)")
    parser.add_argument("--stages", metavar="FILE",
                        help="stage config (stages.csv with stage,order or stages.toml) for stage conversion")
    parser.add_argument("--direct", action="store_true",
                        help="scan a folder of Parquet files directly with DuckDB, without loading it into "
                             "memory or validating rows (for data too big for `validate`)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE: .csv, .parquet or .xlsx (default: print a preview)")
    parser.add_argument("--rows", type=int, default=20, metavar="N",
                        help="rows shown in the preview when there is no -o (default 20)")
    parser.add_argument("--list", action="store_true", help="list every KPI with its unit and definition, then exit")
    parser.set_defaults(func=run)
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"workbench kpi: error: {message}", file=sys.stderr)
    return code


def _list_kpis(lang: str) -> int:
    from workbench.kpi import KPIS

    for kpi in KPIS.values():
        better = "higher is better" if kpi.higher_is_better else "lower is better"
        print(f"{kpi.key}  —  {kpi.label(lang)}  [{kpi.unit}, {better}]")
        print(f"    {kpi.formula}")
    return 0


def _load(args, source: Path):
    if not args.direct:
        from workbench.io.load import load

        return load(source, stages=args.stages)
    from workbench.kpi import kpi_tables_from_parquet

    return kpi_tables_from_parquet(source, stages=args.stages)


def _labelled(kpis, wide: bool, lang: str | None):
    from workbench.kpi import kpi_label, kpi_wide

    if wide:
        table = kpi_wide(kpis)
        if lang:
            table = table.rename(columns={c: kpi_label(c, lang) for c in table.columns[3:]})
        return table
    if lang:
        labels = {(m, d): kpi_label(m, lang, detail=d) for m, d in set(zip(kpis["metric"], kpis["detail"]))}
        kpis = kpis.assign(label=[labels[(m, d)] for m, d in zip(kpis["metric"], kpis["detail"])])
    return kpis


def run(args) -> int:
    """Compute the KPIs and write or preview them; return the exit code."""
    if args.list:
        return _list_kpis(args.lang or "en")
    if not args.source:
        return _fail("SOURCE is required (a folder of table files, a .duckdb file or a workbook); "
                     "see `workbench kpi --help`")
    source = Path(args.source).expanduser()
    if not source.exists():
        return _fail(f"{source}: no such file or folder")
    output = Path(args.output).expanduser() if args.output else None
    if output is not None and output.suffix.lower() not in OUTPUT_FORMATS:
        return _fail(f"cannot write {output.name!r}: the output file must end in .csv, .parquet or .xlsx")
    if args.rows < 0:
        return _fail("--rows must be 0 or more")
    levels = [lv.strip() for lv in args.by.split(",") if lv.strip()]
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None

    from workbench.kpi import compute_kpis
    from workbench.kpi.api import check_arguments

    try:
        check_arguments(levels, args.freq, metrics)  # before loading: fail fast on a typo
    except ValueError as err:
        return _fail(str(err))
    if args.direct and not source.is_dir():
        return _fail(f"--direct needs a folder of Parquet files; {source} is not a folder")
    try:
        data = _load(args, source)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            kpis = compute_kpis(data, by=levels, freq=args.freq, metrics=metrics, start=args.start, end=args.end)
    except DataError as err:
        hint = " (--direct reads Parquet files only; leave it out to read CSV or Excel)" if args.direct else ""
        return _fail(f"{err}{hint}", 1)
    except ValueError as err:
        return _fail(str(err))
    for note in caught:
        print(f"note: {note.message}", file=sys.stderr)
    table = _labelled(kpis, args.wide, args.lang)
    entities = kpis.groupby("entity_type", sort=False)["entity_id"].nunique()
    summary = (f"{len(table):,} rows: {', '.join(f'{n} {lv}' for lv, n in entities.items())} x "
               f"{kpis['period'].nunique()} periods x {kpis['metric'].nunique()} KPIs")
    if output is None:
        import pandas as pd

        with pd.option_context("display.width", 200, "display.max_columns", 12):
            print(table.head(args.rows).to_string(index=False))
        print(f"\n{summary}. Write everything with -o kpis.csv (or .parquet / .xlsx).")
        return 0
    try:
        write_result({"kpis": table}, output)
    except OSError as err:
        return _fail(f"cannot write {output}: {err}", 1)
    print(f"Wrote {summary} to {output}")
    return 0
