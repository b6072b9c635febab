"""``workbench kpi SOURCE``: compute the KPI table and write it to CSV, Parquet or Excel."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from workbench.commands.engine import (
    LIBRARY_CHATTER,
    add_engine_arguments,
    check_engine_arguments,
    engine_failure,
    engine_source,
    open_source,
)
from workbench.commands.output import fail, level_label, numbers, say, table_text
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

Where the KPIs are computed (--engine): DuckDB in this process by default; `spark` runs
the same KPI definitions on Spark (install with pip install '.[spark]'; Java needed), and
any other ibis backend name or connection URL (postgres://..., snowflake://...,
bigquery://...) runs them in that database. A folder of Parquet files is read in place by
the engine; without SOURCE the tables are read by name from the engine's database
(--database). Only the KPI table comes back. docs/scale.md has the details.
"""

EPILOG = """\
examples:
  workbench kpi sample_data --by rep --freq M -o kpis.csv
  workbench kpi sample_data --by team,region --freq Q --wide -o team_kpis.xlsx
  workbench kpi sample_data --by company --metrics bookings,win_rate --lang zh
  workbench kpi big_parquet_folder --direct --by rep -o kpis.parquet
  workbench kpi big_parquet_folder --direct --memory-limit 2GB --temp-directory /tmp/spill -o kpis.parquet
  workbench kpi big_parquet_folder --engine spark --engine-option master=local[4] -o kpis.parquet
  workbench kpi --engine postgres://analyst@db.example.com:5432/crm --database sales -o kpis.parquet
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
                        help="language of what is printed, and KPI labels in the file (a label column; with "
                             "--wide, labelled column headers); default English without labels")
    parser.add_argument("--stages", metavar="FILE",
                        help="stage config (stages.csv with stage,order or stages.toml) for stage conversion")
    add_engine_arguments(parser)
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE: .csv, .parquet or .xlsx (default: print a preview)")
    parser.add_argument("--rows", type=int, default=20, metavar="N",
                        help="rows shown in the preview when there is no -o (default 20)")
    parser.add_argument("--list", action="store_true", help="list every KPI with its unit and definition, then exit")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.set_defaults(func=run)
    return parser


_PROG = "workbench kpi"


def _fail(message: str, code: int = 2, lang: str = "en") -> int:
    return fail(_PROG, message, code, lang)


def _list_kpis(lang: str) -> int:
    from workbench.kpi import KPIS

    for kpi in KPIS.values():
        better = say("cli.kpi.higher_better" if kpi.higher_is_better else "cli.kpi.lower_better", lang)
        print(f"{kpi.key}  —  {kpi.label(lang)}  [{kpi.unit}, {better}]")
        print(f"    {kpi.formula}")
    return 0


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


def _unit(column: str) -> str:
    """The registry unit of a KPI key or wide column (``stage_conversion[A→B]``); plain numbers otherwise."""
    from workbench.kpi import KPIS

    kpi = KPIS.get(str(column).split("[", 1)[0])
    return kpi.unit if kpi is not None else ""


def preview(kpis, wide: bool, freq: str, lang: str | None, rows: int):
    """The first ``rows`` rows of the KPI table as printed: numbers in their unit, words in ``lang``.

    Without ``lang`` (or in English) the columns keep their file names; in Chinese the
    levels and KPIs are named in Chinese and the metric key gives way to the KPI label.
    Each value is written in its KPI's unit (``3,158,400``, ``46%``), never in
    scientific notation; the file (``-o``) keeps the raw numbers.
    """
    import pandas as pd

    from workbench.kpi import kpi_label, kpi_wide
    from workbench.periods import period_label

    words = lang or "en"
    if wide:
        table = kpi_wide(kpis).head(rows)
        shown = table.iloc[:, :3].assign(period=[period_label(p, freq) for p in table["period"]])
        for column in table.columns[3:]:
            header = kpi_label(column, lang) if lang else column
            shown[header] = numbers(table[column], _unit(column), words)
    else:
        head = kpis.head(rows)
        shown = pd.DataFrame({"entity_type": head["entity_type"], "entity_id": head["entity_id"],
                              "period": [period_label(p, freq) for p in head["period"]]})
        if lang != "zh":
            shown["metric"], shown["detail"] = head["metric"], head["detail"]
        if lang:
            shown["label" if lang == "en" else "metric"] = [kpi_label(m, lang, detail=d)
                                                            for m, d in zip(head["metric"], head["detail"])]
        shown["value"] = [numbers([v], _unit(m), words)[0] for v, m in zip(head["value"], head["metric"])]
        shown = shown[[c for c in ("entity_type", "entity_id", "period", "metric", "detail", "label", "value")
                       if c in shown]]
    if lang == "zh":  # the company's id is the word "company": named like the level
        shown["entity_id"] = [level_label(i, "zh") if t == "company" else i
                              for t, i in zip(shown["entity_type"], shown["entity_id"])]
        shown["entity_type"] = [level_label(v, "zh") for v in shown["entity_type"]]
        headers = {c: f"cli.col.{'entity' if c == 'entity_id' else c}" for c in
                   ("entity_type", "entity_id", "period", "metric", "detail", "label", "value")}
        return table_text(shown, headers, "zh")
    return table_text(shown, {}, "en", max_columns=40)


def run(args) -> int:
    """Compute the KPIs and write or preview them; return the exit code."""
    lang = args.lang or "en"
    if args.list:
        return _list_kpis(lang)
    try:
        source = engine_source(args, _PROG)  # a path, a lake URL, or None: the engine's database
    except ValueError as err:
        return _fail(str(err), lang=lang)
    output = Path(args.output).expanduser() if args.output else None
    if output is not None and output.suffix.lower() not in OUTPUT_FORMATS:
        return _fail(say("cli.bad_output", lang, name=output.name), lang=lang)
    if args.rows < 0:
        return _fail(say("cli.rows_negative", lang), lang=lang)
    levels = [lv.strip() for lv in args.by.split(",") if lv.strip()]
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None

    from workbench.kpi import compute_kpis
    from workbench.kpi.api import check_arguments

    try:
        check_arguments(levels, args.freq, metrics)  # before loading: fail fast on a typo
    except ValueError as err:
        return _fail(str(err), lang=lang)
    try:
        check_engine_arguments(args, source)  # before loading: fail fast on a malformed option
    except ValueError as err:
        return _fail(str(err), lang=lang)
    loading, computing = say("cli.stage.loading", lang), say("cli.kpi.stage.computing", lang)
    writing = say("cli.stage.writing", lang, name=output.name) if output else ""
    progress = Progress(_PROG, [loading, computing] + ([writing] if output else []))
    try:
        with progress.stage(loading):
            data = open_source(args, source)
        with progress.stage(computing), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            kpis = compute_kpis(data, by=levels, freq=args.freq, metrics=metrics, start=args.start, end=args.end)
    except (DataError, ImportError) as err:
        return _fail(engine_failure(err, args), 1, lang)
    except ValueError as err:
        return _fail(str(err), lang=lang)
    for note in caught:
        if issubclass(note.category, LIBRARY_CHATTER):
            continue  # an engine's library talking to its developers (pyspark about pandas, py4j's sockets)
        print(say("cli.note", lang, text=note.message), file=sys.stderr)
    summary = row_summary(kpis, wide=args.wide, lang=lang)
    if output is None:
        print(preview(kpis, args.wide, args.freq, args.lang, args.rows))
        print("\n" + say("cli.kpi.preview_hint", lang, summary=summary))
        return 0
    table = _labelled(kpis, args.wide, args.lang)
    try:
        with progress.stage(writing):
            write_result({"kpis": table}, output)
    except OSError as err:
        return _fail(say("cli.cannot_write", lang, path=output, reason=err), 1, lang)
    print(say("cli.kpi.wrote", lang, path=output, summary=summary))
    return 0


#: What one ``detail`` of a KPI is called in the row summary.
_DETAIL_NOUNS = {"stage_conversion": "stage pair"}


def row_summary(kpis, wide: bool = False, lang: str = "en") -> str:
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
    lang : {"en", "zh"}
        Language of the words (the arithmetic is the same).

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
    >>> row_summary(kpis, lang="zh")
    '6 行 = 2 名销售 × 1 个周期 × 3 个指标列（2 项指标；阶段转化率含 2 个阶段组合）'
    """
    from workbench.formatting import count_label
    from workbench.kpi import KPIS

    if kpis.empty:
        return count_label(0, "row", lang)
    detail = kpis["detail"].fillna("").astype(str)
    column = kpis["metric"].astype(str) + "[" + detail + "]"
    noun = "KPI column" if detail.ne("").any() else "KPI"
    terms, total, levels_by_kpi_count = [], 0, {}
    for level, rows in kpis.assign(_column=column).groupby("entity_type", sort=False):
        entities, periods, columns = rows["entity_id"].nunique(), rows["period"].nunique(), rows["_column"].nunique()
        levels_by_kpi_count.setdefault(rows["metric"].nunique(), []).append(level)
        n_rows = len(rows.drop_duplicates(["entity_id", "period"])) if wide else len(rows)
        grid = [count_label(entities, level, lang), count_label(periods, "period", lang)]
        if not wide:
            grid.append(count_label(columns, noun, lang))
        if entities * periods * (1 if wide else columns) == n_rows:
            terms.append(" × ".join(grid))
        else:  # not a full grid: say so rather than print a product that does not hold
            rows_of_level = say("cli.kpi.level_rows", lang, n=f"{n_rows:,}", level=level_label(level, lang),
                                rows=count_label(n_rows, "row", lang).split(" ", 1)[1])
            terms.append(say("cli.kpi.partial_grid", lang, rows=rows_of_level,
                             grid=say("cli.list_sep", lang).join(grid)))
        total += n_rows
    text = f"{count_label(total, 'row', lang)} = {' + '.join(terms)}"
    if wide:
        text += f"{say('cli.list_sep', lang)}{count_label(column.nunique(), noun, lang)}"
    if len(levels_by_kpi_count) == 1:
        notes = [count_label(next(iter(levels_by_kpi_count)), "KPI", lang)]
    else:
        notes = [say("cli.list_sep", lang).join(
            say("cli.kpi.per_level", lang, kpis=count_label(n, "KPI", lang) if i == 0 or lang == "zh" else n,
                levels=_and(levels, lang))
            for i, (n, levels) in enumerate(levels_by_kpi_count.items()))]
    for metric, details in detail[detail.ne("")].groupby(kpis["metric"], sort=False):
        name = KPIS[metric].label(lang) if metric in KPIS else metric
        counted = count_label(details.nunique(), _DETAIL_NOUNS.get(metric, "detail"), lang)
        notes.append(say("cli.kpi.detail_note", lang, name=f"{name[:1].lower()}{name[1:]}", counted=counted))
    if len(notes) > 1:
        text += say("cli.kpi.notes", lang, notes=say("cli.sep", lang).join(notes))
    return text


def _and(words, lang: str = "en") -> str:
    """``rep``, ``rep and team``, ``rep, team and region`` (``销售、团队、区域`` in Chinese)."""
    words = [level_label(w, lang) if lang == "zh" else w for w in words]
    if len(words) == 1:
        return words[0]
    return say("cli.kpi.and", lang, first=say("cli.list_sep", lang).join(words[:-1]), last=words[-1])
