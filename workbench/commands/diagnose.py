"""``workbench diagnose SOURCE --period 2026-Q1``: why reps and teams fall short."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from workbench.commands import engine
from workbench.commands.output import fail, pad, say
from workbench.commands.progress import Progress
from workbench.errors import DataError
from workbench.formatting import format_distinct, format_value
from workbench.io.results import write_result

__all__ = ["register", "run"]

HELP = "find the drivers of each rep's and team's gap, with revenue at stake"
DESCRIPTION = """\
Diagnose SOURCE (a folder of table files, a .duckdb file or a workbook): for every rep,
team and region, which drivers explain the gap to target or to comparable peers (slow
follow-up, low activity, low stage conversion, small deals, long cycles, low CSAT, weak
products, thin pipeline, cancellations, stalled stages, team stage bottlenecks), what
changed recently (a rep or team whose metric moved against its own past, and the month
it started), what each costs in bookings and how sure we are. A finding is raised only
when it is both statistically significant (Benjamini-Hochberg FDR across all tests) and
material. Open deals stuck longer than the 90th percentile of their stage are listed
with their value.

The analysis window is WINDOW months ending with PERIOD (default: all the history up to
PERIOD, at most 36 months; use --window 12 to judge only the last year: the history
before a short window still counts, weighted down by half every --half-life months).
Prints a short summary; -o writes every finding and the stuck deals.

Where the data are aggregated (--engine, as for `workbench kpi`): by default SOURCE is
loaded into memory. With --engine spark (or an ibis backend name or URL), --direct or
--memory-limit, SOURCE is opened in the engine (a Parquet folder read in place, a lake
URL, or without SOURCE the engine's database) and only aggregated tables come back:
the same findings, without moving raw activity rows. docs/scale.md has the details.

Examples:
  workbench diagnose sample_data --period 2026-Q3
  workbench diagnose sample_data --period 2026-09 --rep R007 --lang zh
  workbench diagnose crm.duckdb --period 2026-Q1 --window 6 -o findings.xlsx
  workbench diagnose big_parquet_folder --direct --memory-limit 2GB --period 2026-Q3 -o findings.xlsx
  workbench diagnose s3a://sales-lake/crm --engine spark --engine-option master=local[4] --period 2026-Q3
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``diagnose`` sub-command."""
    parser = subparsers.add_parser(
        "diagnose", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", metavar="SOURCE", nargs="?",
                        help="folder of table files, .duckdb file or workbook (with --engine: optional)")
    parser.add_argument("--period", metavar="PERIOD",
                        help="last period analysed: 2026-Q1 or 2026-03 (default: the last full month)")
    parser.add_argument("--window", type=int, metavar="MONTHS",
                        help="months analysed, ending with PERIOD (default: all history, at most 36)")
    parser.add_argument("--rep", metavar="ID", help="only show the findings of this rep")
    parser.add_argument("--team", metavar="TEAM", help="only show this team and its reps")
    parser.add_argument("--lang", choices=["en", "zh"], default="en",
                        help="language of the summary and the evidence (default en)")
    parser.add_argument("--fdr", type=float, default=0.05, help="false-discovery rate (default 0.05)")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="findings printed (default 10)")
    parser.add_argument("--stuck", type=int, default=10, metavar="N", help="stuck deals printed (default 10)")
    parser.add_argument("--half-life", type=float, default=12.0, metavar="MONTHS",
                        help="weight of the history before a short window halves every MONTHS months "
                             "(default 12; 0 = the window only)")
    parser.add_argument("--stages", metavar="FILE", help="stage config (stages.csv or stages.toml)")
    engine.add_engine_arguments(parser)
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write all findings to FILE (.csv, .parquet or .xlsx; .xlsx adds the "
                             "team summary, decomposition, opportunities and competition sheets)")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.set_defaults(func=run)
    return parser


def _write(result, path: Path) -> None:
    write_result(
        {
            "findings": result.findings,
            "team_summary": result.team_summary,
            "decomposition": result.decomposition,
            "opportunities": result.opportunities,
            "competition": result.competition,
            "stuck_deals": result.stuck_deals,
        },
        path,
    )


def summary_text(result, top: int = 10, lang: str = "en", stuck: int = 10) -> str:
    """A short readable summary of a Diagnosis, in ``lang``.

    Bookings, targets and attainment are those of the labelled period (the KPI table's);
    findings and their revenue at stake are measured over the analysis window, and say so.
    Drivers are named by their key in English and by their label in Chinese
    (:data:`workbench.diagnose.DRIVERS`).
    """
    from workbench.diagnose import DRIVERS

    def driver(key) -> str:
        if not key:
            return "-"
        return DRIVERS[key].label_zh if lang == "zh" and key in DRIVERS else str(key)

    f = result.findings
    w = result.window
    reps = f.loc[f["entity_type"] == "rep", "entity_id"].nunique()
    lines = [say("cli.diagnose.header", lang, period=w.period, window=w.label, months=w.months, findings=len(f),
                 reps=reps)]
    history = getattr(result, "history", None)
    if history is not None:
        lines.append(say("cli.diagnose.history", lang, months=history.months, before=history.months - w.months,
                         half_life=format_value(result.config.half_life, "", decimals=0, lang=lang)))
    company = result.period_figures
    company = company[company["entity_type"] == "company"]
    if len(company):
        c = company.iloc[0]
        att = (format_value(c.quota_attainment, "share", lang=lang) if c.quota_attainment == c.quota_attainment
               else say("cli.diagnose.no_target_attainment", lang))
        target = (format_value(c.bookings_target, "currency", lang=lang) if c.bookings_target == c.bookings_target
                  else say("cli.na", lang))
        lines.append(say("cli.diagnose.company", lang, period=w.period,
                         bookings=format_value(c.bookings, "currency", lang=lang), target=target, attainment=att))
    eff = result.follow_up_effect
    if eff is not None:
        coef, lo, hi = format_distinct([eff.coef, eff.ci_low, eff.ci_high], "signed", lang=lang)
        lines.append(say("cli.diagnose.follow_up", lang, odds=format_value(eff.odds_ratio_per_doubling, "", lang=lang),
                         coef=coef, low=lo, high=hi, deals=format_value(eff.n_deals, "count", lang=lang)))
    if len(f):
        lines.append("")
        lines.append(say("cli.diagnose.top_findings", lang, window=w.label))
        for row in f.head(top).itertuples(index=False):
            text = row.evidence if lang == "en" else row.evidence_zh
            amount = pad(format_value(row.revenue_impact, "currency", lang=lang), 12, right=True)
            lines.append(f"  {amount}  {pad(driver(row.driver), 22)} {text}")
    ts = result.team_summary
    if len(ts):
        lines.append("")
        lines.append(say("cli.diagnose.teams", lang, period=w.period))
        for row in ts.itertuples(index=False):
            att = format_value(row.attainment, "share", lang=lang) if row.attainment == row.attainment \
                else say("cli.na", lang)
            lines.append(say("cli.diagnose.team_line", lang, team=pad(row.team, 12), attainment=pad(att, 5, right=True),
                             with_findings=pad(row.reps_with_findings, 2, right=True), reps=pad(row.reps, 3),
                             driver=pad(driver(row.top_driver), 22),
                             at_stake=format_value(row.revenue_at_stake, "currency", lang=lang)))
    deals = getattr(result, "stuck_deals", None)
    if deals is not None and len(deals) and stuck > 0:
        lines.append("")
        end = f"{(w.end - datetime.timedelta(days=1)):%Y-%m-%d}"
        lines.append(say("cli.diagnose.stuck_deals", lang, end=end, n=format_value(len(deals), "count", lang=lang),
                         total=format_value(deals["amount"].sum(), "currency", lang=lang)))
        note = "note_zh" if lang == "zh" else "note"
        for row in deals.head(stuck).itertuples(index=False):
            lines.append("  " + say("cli.diagnose.stuck_line", lang,
                                    amount=pad(format_value(row.amount, "currency", lang=lang), 12, right=True),
                                    deal=row.opportunity_id, rep=row.rep_id, team=row.team, note=getattr(row, note)))
    untested = result.not_tested
    if len(untested):
        lines.append("")
        lines.append(say("cli.diagnose.not_tested", lang))
        column = "reason_zh" if lang == "zh" and "reason_zh" in untested else "reason"
        for (key, reason), part in untested.groupby(["driver", column], sort=False):
            levels = say("cli.list_sep", lang).join(
                dict.fromkeys(say(f"cli.level.{lv}", lang) if lang == "zh" else lv for lv in part["entity_type"]))
            lines.append(f"  {pad(driver(key), 22)} ({levels}): {reason}")
    return "\n".join(lines)


def run(args) -> int:
    """Load (or aggregate in the engine), diagnose, print the summary and write the findings; return the exit code."""
    prog, lang = "workbench diagnose", args.lang
    try:
        source = engine.engine_source(args, prog)
        engine.check_engine_arguments(args, source)
    except ValueError as err:
        return fail(prog, str(err), 2, lang)
    output = Path(args.output).expanduser() if args.output else None
    loading, diagnosing = say("cli.stage.loading", lang), say("cli.diagnose.stage.diagnosing", lang)
    aggregating = engine.facts_stage(args)
    writing = say("cli.stage.writing", lang, name=output.name) if output else ""
    progress = Progress(prog, [loading] + ([aggregating] if aggregating else []) + [diagnosing]
                        + ([writing] if output else []))
    try:
        with engine.engine_notes(args), progress.stage(loading):
            from workbench.diagnose import DiagnosisConfig, diagnose  # imports take a moment: inside the stage

            config = DiagnosisConfig(fdr=float(args.fdr),
                                     half_life=float(args.half_life) if args.half_life and args.half_life > 0 else None)
            data = engine.open_source(args, source)
        if aggregating:
            with engine.engine_notes(args), progress.stage(aggregating):
                from workbench.kpi import sales_facts

                data = sales_facts(data)  # the small tables the diagnosis reads; raw activities stay in the engine
        with progress.stage(diagnosing):
            result = diagnose(data, period=args.period, window=args.window, rep=args.rep, team=args.team,
                              config=config, lang=args.lang)
    except (DataError, ImportError) as err:
        print(f"{prog}: {engine.engine_failure(err, args)}", file=sys.stderr)
        return 1
    except ValueError as err:
        return fail(prog, str(err), 2, lang)
    print(summary_text(result, top=args.top, lang=lang, stuck=args.stuck))
    if args.output:
        try:
            with progress.stage(writing):
                _write(result, output)
        except ValueError as err:
            return fail(prog, str(err), 2, lang)
        print("\n" + say("cli.diagnose.wrote", lang, n=len(result.findings), path=args.output))
    return 0
