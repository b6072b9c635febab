"""``workbench kpi SOURCE``: compute the KPI table and write it to CSV, Parquet or Excel."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from workbench.commands.progress import Progress
from workbench.errors import DataError
from workbench.io.results import OUTPUT_SUFFIXES, write_result

__all__ = ["register", "run", "row_summary", "OUTPUT_FORMATS"]

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
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
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

        return load(source, stages=args.stages, cache=not args.no_cache)
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
    progress = Progress("workbench kpi",
                        ["loading data", "computing KPIs"] + ([f"writing {output.name}"] if output else []))
    try:
        with progress.stage("loading data"):
            data = _load(args, source)
        with progress.stage("computing KPIs"), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            kpis = compute_kpis(data, by=levels, freq=args.freq, metrics=metrics, start=args.start, end=args.end)
    except DataError as err:
        # a missing table (no column named) may just be a CSV or Excel file, which --direct does not read
        missing_table = args.direct and getattr(err, "column", None) is None
        hint = " (--direct reads Parquet files only; leave it out to read CSV or Excel)" if missing_table else ""
        return _fail(f"{err}{hint}", 1)
    except ValueError as err:
        return _fail(str(err))
    for note in caught:
        print(f"note: {note.message}", file=sys.stderr)
    table = _labelled(kpis, args.wide, args.lang)
    summary = row_summary(kpis, wide=args.wide)
    if output is None:
        import pandas as pd

        with pd.option_context("display.width", 200, "display.max_columns", 12):
            print(table.head(args.rows).to_string(index=False))
        print(f"\n{summary}. Write everything with -o kpis.csv (or .parquet / .xlsx).")
        return 0
    try:
        with progress.stage(f"writing {output.name}"):
            write_result({"kpis": table}, output)
    except OSError as err:
        return _fail(f"cannot write {output}: {err}", 1)
    print(f"Wrote {output}: {summary}.")
    return 0


#: What one ``detail`` of a KPI is called in the row summary.
_DETAIL_NOUNS = {"stage_conversion": "stage pair"}


def row_summary(kpis, wide: bool = False) -> str:
    """How the rows of the KPI table add up, in words whose arithmetic holds.

    A long table has one row per entity, period and KPI column; a KPI with details
    (``stage_conversion``: one per stage pair) has one column per detail. A wide table
    (``--wide``, see :func:`workbench.kpi.kpi_wide`) has one row per entity and period.
    Several levels are summed level by level.

    Parameters
    ----------
    kpis : pandas.DataFrame
        Output of :func:`workbench.kpi.compute_kpis` (long, before any ``--wide``).
    wide : bool
        Describe the wide table made from ``kpis`` instead.

    Examples
    --------
    >>> import pandas as pd
    >>> kpis = pd.DataFrame({"entity_type": "rep", "entity_id": ["r1"] * 3 + ["r2"] * 3,
    ...     "period": pd.Timestamp("2026-01-01"), "metric": ["bookings", "stage_conversion",
    ...     "stage_conversion"] * 2, "detail": ["", "A→B", "B→won"] * 2, "value": 1.0})
    >>> row_summary(kpis)
    '6 rows = 2 reps × 1 period × 3 KPI columns (2 KPIs; stage conversion has 2 stage pairs)'
    >>> row_summary(kpis, wide=True)
    '2 rows = 2 reps × 1 period, 3 KPI columns (2 KPIs; stage conversion has 2 stage pairs)'
    """
    from workbench.formatting import count_label
    from workbench.kpi import KPIS

    if kpis.empty:
        return "0 rows"
    detail = kpis["detail"].fillna("").astype(str)
    column = kpis["metric"].astype(str) + "[" + detail + "]"
    noun = "KPI column" if detail.ne("").any() else "KPI"
    terms, total, levels_by_kpi_count = [], 0, {}
    for level, rows in kpis.assign(_column=column).groupby("entity_type", sort=False):
        entities, periods, columns = rows["entity_id"].nunique(), rows["period"].nunique(), rows["_column"].nunique()
        levels_by_kpi_count.setdefault(rows["metric"].nunique(), []).append(level)
        n_rows = len(rows.drop_duplicates(["entity_id", "period"])) if wide else len(rows)
        grid = [count_label(entities, level), count_label(periods, "period")]
        if not wide:
            grid.append(count_label(columns, noun))
        if entities * periods * (1 if wide else columns) == n_rows:
            terms.append(" × ".join(grid))
        else:  # not a full grid: say so rather than print a product that does not hold
            terms.append(f"{count_label(n_rows, f'{level} row')} ({', '.join(grid)}; not every combination has a row)")
        total += n_rows
    text = f"{count_label(total, 'row')} = {' + '.join(terms)}"
    if wide:
        text += f", {count_label(column.nunique(), noun)}"
    if len(levels_by_kpi_count) == 1:
        notes = [count_label(next(iter(levels_by_kpi_count)), "KPI")]
    else:
        notes = [", ".join(f"{count_label(n, 'KPI') if i == 0 else n} per {_and(levels)}"
                           for i, (n, levels) in enumerate(levels_by_kpi_count.items()))]
    for metric, details in detail[detail.ne("")].groupby(kpis["metric"], sort=False):
        name = KPIS[metric].label_en if metric in KPIS else metric
        counted = count_label(details.nunique(), _DETAIL_NOUNS.get(metric, "detail"))
        notes.append(f"{name[:1].lower()}{name[1:]} has {counted}")
    if len(notes) > 1:
        text += f" ({'; '.join(notes)})"
    return text


def _and(words) -> str:
    """``rep``, ``rep and team``, ``rep, team and region``."""
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
