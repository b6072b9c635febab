"""``workbench diagnose SOURCE --period 2026-Q1``: why reps and teams fall short."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.progress import Progress
from workbench.errors import DataError
from workbench.formatting import format_distinct
from workbench.io.results import write_result

__all__ = ["register", "run"]

HELP = "find the drivers of each rep's and team's gap, with revenue at stake"
DESCRIPTION = """\
Diagnose SOURCE (a folder of table files, a .duckdb file or a workbook): for every rep,
team and region, which drivers explain the gap to target or to comparable peers (slow
follow-up, low activity, low stage conversion, small deals, long cycles, low CSAT, weak
products, thin pipeline, cancellations, stalled stages), what each costs in bookings and
how sure we are. A finding is raised only when it is both statistically significant
(Benjamini-Hochberg FDR across all tests) and material.

The analysis window is WINDOW months ending with PERIOD (default: all the history up to
PERIOD, at most 36 months; use --window 12 to judge only the last year). Prints a short
summary; -o writes every finding.

Examples:
  workbench diagnose sample_data --period 2026-Q3
  workbench diagnose sample_data --period 2026-09 --rep R007 --lang zh
  workbench diagnose crm.duckdb --period 2026-Q1 --window 6 -o findings.xlsx
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``diagnose`` sub-command."""
    parser = subparsers.add_parser(
        "diagnose", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", metavar="SOURCE", help="folder of table files, .duckdb file or workbook")
    parser.add_argument("--period", metavar="PERIOD",
                        help="last period analysed: 2026-Q1 or 2026-03 (default: the last full month)")
    parser.add_argument("--window", type=int, metavar="MONTHS",
                        help="months analysed, ending with PERIOD (default: all history, at most 36)")
    parser.add_argument("--rep", metavar="ID", help="only show the findings of this rep")
    parser.add_argument("--team", metavar="TEAM", help="only show this team and its reps")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the evidence (default en)")
    parser.add_argument("--fdr", type=float, default=0.05, help="false-discovery rate (default 0.05)")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="findings printed (default 10)")
    parser.add_argument("--stages", metavar="FILE", help="stage config (stages.csv or stages.toml)")
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
        },
        path,
    )


def summary_text(result, top: int = 10, lang: str = "en") -> str:
    """A short readable summary of a Diagnosis.

    Bookings, targets and attainment are those of the labelled period (the KPI table's);
    findings and their revenue at stake are measured over the analysis window, and say so.
    """
    f = result.findings
    w = result.window
    reps = f.loc[f["entity_type"] == "rep", "entity_id"].nunique()
    lines = [
        f"Diagnosis of {w.period}: findings over the window {w.label} ({w.months} months up to {w.period}): "
        f"{len(f)} findings, {reps} reps with at least one.",
    ]
    company = result.period_figures
    company = company[company["entity_type"] == "company"]
    if len(company):
        c = company.iloc[0]
        att = f"{c.quota_attainment:.0%}" if c.quota_attainment == c.quota_attainment else "n/a (no target)"
        target = f"{c.bookings_target:,.0f}" if c.bookings_target == c.bookings_target else "n/a"
        lines.append(f"Company, {w.period}: bookings {c.bookings:,.0f}, target {target}, attainment {att}.")
    eff = result.follow_up_effect
    if eff is not None:
        coef, lo, hi = format_distinct([eff.coef, eff.ci_low, eff.ci_high], "signed")
        lines.append(
            f"Follow-up effect (window): odds of winning x{eff.odds_ratio_per_doubling:.2f} per doubling of "
            f"follow-up time (log-odds {coef}, 95% CI {lo}..{hi}, {eff.n_deals:,} deals)."
        )
    if len(f):
        lines.append("")
        lines.append(f"Top findings by revenue at stake over the window {w.label}:")
        for row in f.head(top).itertuples(index=False):
            text = row.evidence if lang == "en" else row.evidence_zh
            lines.append(f"  {row.revenue_impact:>12,.0f}  {row.driver:<22} {text}")
    ts = result.team_summary
    if len(ts):
        lines.append("")
        lines.append(f"Teams, {w.period} (attainment of the period; revenue at stake over the window):")
        for row in ts.itertuples(index=False):
            att = f"{row.attainment:.0%}" if row.attainment == row.attainment else "n/a"
            lines.append(
                f"  {row.team:<12} attainment {att:>5}  reps with findings {row.reps_with_findings:>2}/{row.reps:<3}"
                f" top driver {row.top_driver or '-':<22} at stake {row.revenue_at_stake:,.0f}"
            )
    untested = result.not_tested
    if len(untested):
        lines.append("")
        lines.append("Not tested:")
        for (driver, reason), part in untested.groupby(["driver", "reason"], sort=False):
            levels = ", ".join(dict.fromkeys(part["entity_type"]))
            lines.append(f"  {driver:<22} ({levels}): {reason}")
    return "\n".join(lines)


def run(args) -> int:
    """Load, diagnose, print the summary and write the findings; return the exit code."""
    source = Path(args.source).expanduser()
    if not source.exists():
        print(f"workbench diagnose: error: {source}: no such file or folder", file=sys.stderr)
        return 2
    output = Path(args.output).expanduser() if args.output else None
    progress = Progress("workbench diagnose",
                        ["loading data", "diagnosing"] + ([f"writing {output.name}"] if output else []))
    try:
        with progress.stage("loading data"):
            from workbench.diagnose import DiagnosisConfig, diagnose  # imports take a moment: inside the stage
            from workbench.io.load import load

            config = DiagnosisConfig(fdr=float(args.fdr))
            data = load(source, stages=args.stages, cache=not args.no_cache)
        with progress.stage("diagnosing"):
            result = diagnose(data, period=args.period, window=args.window, rep=args.rep, team=args.team,
                              config=config, lang=args.lang)
    except DataError as err:
        print(f"workbench diagnose: {err}", file=sys.stderr)
        return 1
    except ValueError as err:
        print(f"workbench diagnose: error: {err}", file=sys.stderr)
        return 2
    print(summary_text(result, top=args.top, lang=args.lang))
    if args.output:
        try:
            with progress.stage(f"writing {output.name}"):
                _write(result, output)
        except ValueError as err:
            print(f"workbench diagnose: error: {err}", file=sys.stderr)
            return 2
        print(f"\nWrote {len(result.findings)} findings to {args.output}")
    return 0
