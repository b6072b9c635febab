"""``workbench targets SOURCE``: propose targets per rep / team / region with their SMART check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands import engine
from workbench.commands.output import fail, level_label, say, table_text
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

Where the data are aggregated (--engine, as for `workbench kpi`): by default SOURCE is
loaded into memory. With --engine spark (or an ibis backend name or URL), --direct or
--memory-limit, SOURCE is opened in the engine (a Parquet folder read in place, a lake
URL, or without SOURCE the engine's database) and only aggregated tables come back:
the same targets, without moving raw activity rows. --plan reads raw rows, so it needs
SOURCE loaded. docs/scale.md has the details.

Examples:
  workbench targets sample_data --period 2026-11 --probability 0.7 -o targets.csv
  workbench targets sample_data --period 2026-Q1 --by team --company-target 12000000
  workbench targets sample_data --period 2026-11 --by rep --plan -o plan.xlsx
  workbench targets big_parquet_folder --direct --memory-limit 2GB --period 2026-11 --by team -o targets.csv
  workbench targets s3a://sales-lake/crm --engine spark --engine-option master=local[4] --period 2026-Q1
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``targets`` sub-command."""
    parser = subparsers.add_parser(
        "targets", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", metavar="SOURCE", nargs="?",
                        help="folder of table files, .duckdb file or workbook (with --engine: optional)")
    parser.add_argument("--period", required=True, help="target period: a month (2026-11) or quarter (2026-Q1)")
    parser.add_argument("--probability", type=float, default=0.7, metavar="P",
                        help="chance of attainment of each target, 0.01-0.99 (default 0.7)")
    parser.add_argument("--by", default="rep", choices=["rep", "team", "region"], help="entity level (default rep)")
    parser.add_argument("--metric", default="bookings", help="KPI the targets are set on (default bookings)")
    parser.add_argument("--company-target", type=float, default=None, metavar="N",
                        help="allocate this total over the entities in proportion to their forecast")
    parser.add_argument("--plan", action="store_true",
                        help="with --by rep and bookings: add the weekly and daily activity plan per rep")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="language of what is printed (default en)")
    parser.add_argument("--stages", metavar="FILE", help="stage config for the loader")
    engine.add_engine_arguments(parser)
    parser.add_argument("-o", "--output", metavar="FILE", help="write the targets to .csv, .parquet or .xlsx")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    """Load (or aggregate in the engine), propose, print, write; return the exit code."""
    import pandas as pd

    prog, lang = "workbench targets", getattr(args, "lang", "en")
    try:
        source = engine.engine_source(args, prog)
        engine.check_engine_arguments(args, source)
    except ValueError as err:
        return fail(prog, str(err), 2, lang)
    if args.output and Path(args.output).suffix.lower() not in OUTPUT_SUFFIXES:
        return fail(prog, say("cli.targets.bad_output", lang), 2, lang)
    if args.plan and (args.by != "rep" or args.metric != "bookings"):
        return fail(prog, say("cli.targets.plan_needs", lang), 2, lang)
    if args.plan and engine.in_engine(args):  # the reverse funnel reads raw rows, which stay in the engine
        return fail(prog, say("cli.engine.plan_needs_rows", lang, engine=args.engine), 2, lang)
    loading, proposing = say("cli.stage.loading", lang), say("cli.targets.stage.proposing", lang)
    planning = say("cli.targets.stage.planning", lang)
    aggregating = engine.facts_stage(args)
    writing = say("cli.stage.writing", lang, name=Path(args.output).name) if args.output else ""
    stages = ([loading] + ([aggregating] if aggregating else []) + [proposing] + ([planning] if args.plan else [])
              + ([writing] if args.output else []))
    progress = Progress(prog, stages)
    try:
        with engine.engine_notes(args), progress.stage(loading):
            data = engine.open_source(args, source)
        if aggregating:
            with engine.engine_notes(args), progress.stage(aggregating):
                from workbench.kpi import sales_facts

                data = sales_facts(data)  # the small tables the forecast reads; raw activities stay in the engine
        with progress.stage(proposing):
            from workbench.targets import propose_targets

            targets = propose_targets(data, args.period, args.probability, by=args.by, metric=args.metric,
                                      company_target=args.company_target)
        funnel = None
        if args.plan:
            with progress.stage(planning):
                from workbench.targets import reverse_funnel

                funnel = reverse_funnel(data, targets[["entity_id", "target"]], args.period)
    except (DataError, ImportError) as err:
        print(f"{prog}: {engine.engine_failure(err, args)}", file=sys.stderr)
        return 1
    except ValueError as err:  # a usage error (an unknown engine, a probability outside 0..1), as in diagnose
        return fail(prog, str(err), 2, lang)
    _print_targets(targets, args, lang)
    if funnel is not None:
        _print_plan(funnel, lang)
    if args.output:
        sheets = {"targets": targets}
        if funnel is not None:
            sheets["activity_plan"] = funnel.plan
            sheets["activities_by_type"] = funnel.activity_plan
            sheets["assumptions"] = funnel.assumptions
            if Path(args.output).suffix.lower() != ".xlsx":
                sheets = {"targets": targets.merge(funnel.plan.drop(columns=["target", "period"]),
                                                   left_on="entity_id", right_on="rep_id", how="left")}
        with progress.stage(writing):
            written = write_result(sheets, args.output)
        print("\n" + say("cli.targets.written", lang, rows=f"{len(targets):,}", path=written))
    return 0 if len(pd.unique(targets["entity_id"])) else 1


def smart_text(target, lang: str = "en") -> str:
    """The SMART verdict of one target row (of :func:`workbench.targets.propose_targets`) in ``lang``.

    English is the check's own ``smart_flags``; Chinese is written from the same
    ``specific`` / ``measurable`` / ``attainment_probability`` columns and thresholds.

    >>> row = {"smart_ok": False, "smart_flags": "too soft: 95% chance of attainment (above 90%)", "specific": True,
    ...        "measurable": True, "metric": "bookings", "attainment_probability": 0.95}
    >>> smart_text(row), smart_text(row, "zh")
    ('too soft: 95% chance of attainment (above 90%)', '过低：达成概率 95%（高于 90%）')
    """
    from workbench.formatting import format_value, is_missing
    from workbench.kpi.registry import KPIS
    from workbench.targets.smart import HIGH_PROBABILITY, LOW_PROBABILITY

    if target["smart_ok"]:
        return say("cli.targets.smart.ok", lang)
    if lang == "en":
        return str(target["smart_flags"])
    metric, p = str(target["metric"]), target["attainment_probability"]
    why = []
    if not target["specific"]:
        why.append(say("cli.targets.smart.not_specific", lang))
    if metric not in KPIS:
        why.append(say("cli.targets.smart.not_kpi", lang, metric=metric))
    elif not target["measurable"]:
        why.append(say("cli.targets.smart.no_history", lang, metric=KPIS[metric].label(lang)))
    share = lambda v: format_value(v, "share", lang=lang)  # noqa: E731
    if is_missing(p):
        why.append(say("cli.targets.smart.unknown", lang))
    elif p < LOW_PROBABILITY:
        why.append(say("cli.targets.smart.stretch", lang, p=share(p), low=share(LOW_PROBABILITY)))
    elif p > HIGH_PROBABILITY:
        why.append(say("cli.targets.smart.soft", lang, p=share(p), high=share(HIGH_PROBABILITY)))
    return say("cli.sep", lang).join(why)


def _print_targets(targets, args, lang: str = "en") -> None:
    import pandas as pd

    from workbench.formatting import format_value
    from workbench.kpi.registry import KPIS

    unit = KPIS[args.metric].unit if args.metric in KPIS else ""
    show = pd.DataFrame({
        "entity": targets["entity_id"].astype(str),
        "target": [format_value(v, unit, lang=lang) for v in targets["target"]],
        "p_attain": [format_value(v, "share", lang=lang) for v in targets["attainment_probability"]],
        "basis": [say(f"cli.targets.basis.{b}", lang) for b in targets["basis"]],
        "forecast": [format_value(v, unit, lang=lang) for v in targets["forecast"]],
        "smart": [smart_text(row, lang) for _, row in targets.iterrows()],
    })
    if targets["existing_target"].notna().any():  # the targets table's own target, and its odds
        show.insert(5, "set_target", [format_value(v, unit, lang=lang) for v in targets["existing_target"]])
        show.insert(6, "p_set", [format_value(v, "share", lang=lang) for v in targets["existing_attainment_probability"]])
    how = (say("cli.targets.how_allocated", lang, target=format_value(args.company_target, unit, lang=lang))
           if args.company_target is not None
           else say("cli.targets.how_probability", lang, probability=format_value(args.probability, "share")))
    metric = KPIS[args.metric].label(lang) if lang == "zh" and args.metric in KPIS else args.metric
    print(say("cli.targets.heading", lang, metric=metric, period=targets["period"].iloc[0],
              level=level_label(args.by, lang) if lang == "zh" else args.by, how=how))
    print(table_text(show, {c: f"cli.targets.col.{c}" for c in show.columns}, lang, max_rows=60, max_colwidth=60))
    flagged = int((~targets["smart_ok"]).sum())
    print(say("cli.targets.flagged", lang, flagged=flagged, total=len(targets)) if flagged
          else say("cli.targets.all_ok", lang))


def _print_plan(funnel, lang: str = "en") -> None:
    import pandas as pd

    from workbench.formatting import format_value

    plan = funnel.plan

    def written(values, decimals: int) -> list[str]:
        return [format_value(v, "", decimals, lang=lang) for v in values]

    show = pd.DataFrame({
        "rep": plan["rep_id"], "deals_week": written(plan["deals_won_per_week"], 2),
        "activities_week": written(plan["activities_per_week"], 1),
        "activities_day": written(plan["activities_per_workday"], 1),
        "today_day": written(plan["current_activities_per_workday"], 1),
        "gap_day": written(plan["gap_per_workday"], 1),
        "deals_by": plan["start_deals_by"].dt.strftime("%Y-%m-%d"),
    })
    print("\n" + say("cli.targets.plan_heading", lang, window=funnel.window))
    print(table_text(show, {c: f"cli.targets.col.{c}" for c in show.columns}, lang, max_rows=60))
