"""``workbench targets SOURCE``: propose targets per rep / team / region with their SMART check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.progress import Progress
from workbench.errors import DataError
from workbench.io.results import OUTPUT_SUFFIXES, write_result

__all__ = ["register", "run"]

HELP = "propose targets per rep, team or region met with a chosen probability, with SMART flags"
DESCRIPTION = """\
Load SOURCE and propose a target per entity for --period (a month such as 2026-11 or a
quarter such as 2026-Q1) that is met with chance --probability: the forecast's
(1 - p) quantile, its level recalibrated on the forecast's own one-period-ahead track
record. Reps hired too recently for a forecast get a ramp target (the data's own new
hires' share of a tenured rep's month). With --company-target the total is allocated
over the entities in proportion to their median forecast instead, the parts adding up
exactly, and each part shows its chance of attainment. Where the data's targets table
already sets a target for the period, it is shown next to the proposal with its chance
of attainment under the same forecast.

Every target gets a SMART check: metric and period named, measurable (a KPI with
history for the entity), attainable (chance of attainment between 30% and 90%).
With --by rep, --plan adds the reverse funnel: deals won, decided deals and activities
per week and per working day the target needs, from the rep's own funnel rates shrunk
toward the team's, and the gap to today's activity level.

Examples:
  workbench targets sample_data --period 2026-11 --probability 0.7 -o targets.csv
  workbench targets sample_data --period 2026-Q1 --by team --company-target 12000000
  workbench targets sample_data --period 2026-11 --by rep --plan -o plan.xlsx
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``targets`` sub-command."""
    parser = subparsers.add_parser(
        "targets", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", metavar="SOURCE", help="folder of table files, .duckdb file or workbook")
    parser.add_argument("--period", required=True, help="target period: a month (2026-11) or quarter (2026-Q1)")
    parser.add_argument("--probability", type=float, default=0.7, metavar="P",
                        help="chance of attainment of each target, 0.01-0.99 (default 0.7)")
    parser.add_argument("--by", default="rep", choices=["rep", "team", "region"], help="entity level (default rep)")
    parser.add_argument("--metric", default="bookings", help="KPI the targets are set on (default bookings)")
    parser.add_argument("--company-target", type=float, default=None, metavar="N",
                        help="allocate this total over the entities in proportion to their forecast")
    parser.add_argument("--plan", action="store_true",
                        help="with --by rep and bookings: add the weekly and daily activity plan per rep")
    parser.add_argument("--stages", metavar="FILE", help="stage config for the loader")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the targets to .csv, .parquet or .xlsx")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    """Load, propose, print, write; return the exit code."""
    import pandas as pd

    prog = "workbench targets"
    source = Path(args.source).expanduser()
    if not source.exists():
        print(f"{prog}: error: {source}: no such file or folder", file=sys.stderr)
        return 2
    if args.output and Path(args.output).suffix.lower() not in OUTPUT_SUFFIXES:
        print(f"{prog}: error: --output must end in .csv, .parquet or .xlsx", file=sys.stderr)
        return 2
    if args.plan and (args.by != "rep" or args.metric != "bookings"):
        print(f"{prog}: error: --plan needs --by rep and --metric bookings", file=sys.stderr)
        return 2
    stages = ["loading data", "forecasting and proposing"] + (["planning activities"] if args.plan else [])
    stages += [f"writing {Path(args.output).name}"] if args.output else []
    progress = Progress(prog, stages)
    try:
        with progress.stage("loading data"):
            from workbench.io.load import load

            data = load(source, stages=args.stages, cache=not args.no_cache)
        with progress.stage("forecasting and proposing"):
            from workbench.targets import propose_targets

            targets = propose_targets(data, args.period, args.probability, by=args.by, metric=args.metric,
                                      company_target=args.company_target)
        funnel = None
        if args.plan:
            with progress.stage("planning activities"):
                from workbench.targets import reverse_funnel

                funnel = reverse_funnel(data, targets[["entity_id", "target"]], args.period)
    except (DataError, ValueError) as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return 1
    _print_targets(targets, args)
    if funnel is not None:
        _print_plan(funnel)
    if args.output:
        sheets = {"targets": targets}
        if funnel is not None:
            sheets["activity_plan"] = funnel.plan
            sheets["activities_by_type"] = funnel.activity_plan
            sheets["assumptions"] = funnel.assumptions
            if Path(args.output).suffix.lower() != ".xlsx":
                sheets = {"targets": targets.merge(funnel.plan.drop(columns=["target", "period"]),
                                                   left_on="entity_id", right_on="rep_id", how="left")}
        with progress.stage(f"writing {Path(args.output).name}"):
            written = write_result(sheets, args.output)
        print(f"\n{len(targets):,} rows written to {written}")
    return 0 if len(pd.unique(targets["entity_id"])) else 1


def _print_targets(targets, args) -> None:
    import pandas as pd

    from workbench.formatting import format_value
    from workbench.kpi.registry import KPIS

    unit = KPIS[args.metric].unit if args.metric in KPIS else ""
    show = pd.DataFrame({
        "entity": targets["entity_id"].astype(str),
        "target": [format_value(v, unit) for v in targets["target"]],
        "P(attain)": [format_value(v, "share") for v in targets["attainment_probability"]],
        "basis": targets["basis"],
        "forecast": [format_value(v, unit) for v in targets["forecast"]],
        "SMART": ["ok" if ok else flags for ok, flags in zip(targets["smart_ok"], targets["smart_flags"])],
    })
    if targets["existing_target"].notna().any():  # the targets table's own target, and its odds
        show.insert(5, "set target", [format_value(v, unit) for v in targets["existing_target"]])
        show.insert(6, "P(set)", [format_value(v, "share") for v in targets["existing_attainment_probability"]])
    how = (f"company target {format_value(args.company_target, unit)} allocated by forecast"
           if args.company_target is not None else f"met with probability {args.probability:.0%}")
    print(f"Targets of {args.metric} for {targets['period'].iloc[0]} per {args.by} ({how}):")
    with pd.option_context("display.width", 200, "display.max_rows", 60, "display.max_colwidth", 60):
        print(show.to_string(index=False))
    flagged = int((~targets["smart_ok"]).sum())
    print(f"{flagged} of {len(targets)} targets flagged by the SMART check." if flagged
          else "Every target passes the SMART check.")


def _print_plan(funnel) -> None:
    import pandas as pd

    plan = funnel.plan
    show = pd.DataFrame({
        "rep": plan["rep_id"], "deals won/week": plan["deals_won_per_week"].round(2),
        "activities/week": plan["activities_per_week"].round(1),
        "activities/day": plan["activities_per_workday"].round(1),
        "today/day": plan["current_activities_per_workday"].round(1), "gap/day": plan["gap_per_workday"].round(1),
        "deals in pipeline by": plan["start_deals_by"].dt.strftime("%Y-%m-%d"),
    })
    print(f"\nActivity plan (rates of {funnel.window}, each shrunk toward the rep's team):")
    with pd.option_context("display.width", 200, "display.max_rows", 60):
        print(show.to_string(index=False))
