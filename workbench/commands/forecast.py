"""``workbench forecast SOURCE``: forecast a KPI per rep / team / region / company."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.progress import Progress
from workbench.errors import DataError
from workbench.formatting import format_distinct, format_value
from workbench.io.results import OUTPUT_SUFFIXES, write_result
from workbench.periods import period_label

__all__ = ["register", "run"]

HELP = "forecast bookings (or another KPI) per rep, team, region or company, with backtest accuracy"
DESCRIPTION = """\
Load SOURCE, build one series per entity with the KPI engine, backtest the forecaster
on the last --windows x --h periods, forecast --h periods ahead and write one row per
entity and period: the combined `forecast` with its 80% / 95% intervals
(`forecast-lo-80`, `forecast-hi-80`, ...), each candidate model's forecast, a `note`
when a short-history fallback was used, and the entity's backtest accuracy
(backtest_mase, backtest_wape, backtest_bias, backtest_accuracy, backtest_coverage),
the number of backtest windows it rests on (backtest_windows) and why a score is
missing or thin (backtest_note). MASE is the mean absolute error over the mean absolute
in-sample error of the seasonal naive forecast (one season back) on the history: below 1,
the errors are smaller than that in-sample benchmark error.

Examples:
  workbench forecast sample_data --by team --freq M --h 3 -o forecast.csv
  workbench forecast crm.duckdb --by rep --freq Q --h 2 --reconcile mint_shrink -o fc.parquet
  workbench forecast sample_data --by team --h 1 --pipeline-out odds.csv
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``forecast`` sub-command."""
    parser = subparsers.add_parser(
        "forecast", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", metavar="SOURCE", help="folder of table files, .duckdb file or workbook")
    parser.add_argument("--by", default="team", choices=["rep", "team", "region", "company", "all"],
                        help="entity level to forecast (default team), as in `workbench kpi --by`")
    parser.add_argument("--level", dest="by", choices=["rep", "team", "region", "company", "all"],
                        help=argparse.SUPPRESS)  # the earlier name of --by, still accepted
    parser.add_argument("--freq", default="M", choices=["W", "M", "Q"], help="period: week, month, quarter")
    parser.add_argument("--h", type=int, default=3, metavar="N", help="periods ahead (default 3)")
    parser.add_argument("--metric", default="bookings", help="KPI to forecast (default bookings)")
    parser.add_argument("--method", default="combine",
                        help="combine (default), select, or one model alias such as ETS_ANA")
    parser.add_argument("--models", metavar="NAMES",
                        help="comma-separated candidates, e.g. ets_ana,theta,seasonal_naive,tsb")
    parser.add_argument("--reconcile", choices=["bottom_up", "ols", "wls_struct", "mint_shrink"],
                        help="forecast every level and make them add up")
    parser.add_argument("--windows", type=int, default=3, metavar="N", help="backtest windows (default 3)")
    parser.add_argument("--stages", metavar="FILE", help="stage config for the loader")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the forecast to .csv, .parquet or .xlsx")
    parser.add_argument("--pipeline-out", metavar="FILE",
                        help="also score the open deals (calibrated win model) and simulate the first forecast "
                             "period: P10/P50/P90 bookings and the chance of reaching target per entity, "
                             "written to this .csv, .parquet or .xlsx")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    """Load, forecast, print the accuracy and write the output; return the exit code."""
    import pandas as pd

    prog = "workbench forecast"
    source = Path(args.source).expanduser()
    if not source.exists():
        print(f"{prog}: error: {source}: no such file or folder", file=sys.stderr)
        return 2
    if args.h < 1 or args.windows < 1:
        print(f"{prog}: error: --h and --windows must be at least 1", file=sys.stderr)
        return 2
    for opt, value in (("--output", args.output), ("--pipeline-out", args.pipeline_out)):
        if value and Path(value).suffix.lower() not in OUTPUT_SUFFIXES:
            print(f"{prog}: error: {opt} must end in .csv, .parquet or .xlsx", file=sys.stderr)
            return 2
    if args.pipeline_out and args.freq == "W":
        print(f"{prog}: error: --pipeline-out needs --freq M or Q", file=sys.stderr)
        return 2
    stages = ["loading data", "backtesting and forecasting"]
    stages += [f"writing {Path(args.output).name}"] if args.output else []
    stages += ["scoring open deals", "simulating the pipeline", f"writing {Path(args.pipeline_out).name}"] \
        if args.pipeline_out else []
    progress = Progress(prog, stages)
    try:
        with progress.stage("loading data"):
            from workbench.io.load import load

            data = load(source, stages=args.stages)
        models = [m.strip() for m in args.models.split(",") if m.strip()] if args.models else None
        with progress.stage("backtesting and forecasting"):
            from workbench.forecast.workflow import forecast_entities  # a few seconds of imports: inside the stage

            result = forecast_entities(data, by=args.by, freq=args.freq, h=args.h, metric=args.metric,
                                       models=models, method=args.method, reconcile=args.reconcile,
                                       n_windows=args.windows, progress=progress.enabled)
    except (DataError, ValueError) as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return 1
    fc = result.forecast
    with pd.option_context("display.width", 120, "display.max_columns", 12, "display.float_format", "{:,.3f}".format):
        print(f"Backtest ({args.windows} windows of {args.h} periods), mean over {fc['unique_id'].nunique()} series:")
        if len(result.summary):
            print(result.summary[["model", "mase", "wape", "bias", "coverage", "accuracy"]].to_string(index=False))
        else:
            print("  not enough history for a backtest")
    show = _with_intervals(fc.head(30), ["forecast", "forecast-lo-80", "forecast-hi-80"], _metric_unit(args.metric))
    show = show[["entity_type", "entity_id", "period", "forecast", "forecast-lo-80", "forecast-hi-80",
                 "backtest_accuracy", "note"]].assign(period=lambda d: [period_label(p, args.freq) for p in d["period"]])
    with pd.option_context("display.width", 160, "display.max_rows", 30, "display.float_format", "{:,.2f}".format):
        print("\nForecast (80% interval; backtest_accuracy = mean of max(0, 1 - |actual - forecast| / actual)):")
        print(show.to_string(index=False))
    if args.output:
        with progress.stage(f"writing {Path(args.output).name}"):
            written = write_result({"forecast": fc}, args.output)
        _report_written(written, fc)
    if args.pipeline_out:
        from workbench.forecast import WinModel, simulate_pipeline

        period = period_label(fc["period"].min(), args.freq)
        try:
            with progress.stage("scoring open deals"):
                win = WinModel(freq=args.freq).fit(data)
                scored = win.predict(data)
            with progress.stage("simulating the pipeline"):
                odds = simulate_pipeline(scored, data, period, seed=0)
        except (DataError, ValueError) as err:
            print(f"{prog}: pipeline forecast: {err}", file=sys.stderr)
            return 1
        r = win.report()
        last_month = r["test_end"] - pd.DateOffset(months=1)
        print(f"\nWin model, held-out months {r['test_start']:%Y-%m} to {last_month:%Y-%m}: AUC {r['auc']:.3f} "
              f"(stage only {r['auc_stage_only']:.3f}), Brier {r['brier']:.3f}")
        shown = odds if args.by == "all" else odds[odds["entity_type"] == args.by]
        shown = _with_intervals(shown.head(30), ["p10", "p50", "p90"], "currency").assign(
            target=lambda d: [format_value(v, "currency") for v in d["target"]],
            p_reach_target=lambda d: [format_value(v, "share") for v in d["p_reach_target"]])
        with pd.option_context("display.width", 160, "display.max_rows", 30):
            print(f"Pipeline forecast for {period} (Monte Carlo of open deals + deals not created yet):")
            print(shown[["entity_type", "entity_id", "p10", "p50", "p90", "target", "p_reach_target"]]
                  .to_string(index=False))
        with progress.stage(f"writing {Path(args.pipeline_out).name}"):
            written = write_result({"pipeline_odds": odds}, args.pipeline_out)
        _report_written(written, odds)
    return 0


def _metric_unit(metric: str) -> str:
    """The registry unit of the forecast KPI (plain numbers for one the registry does not know)."""
    from workbench.kpi.registry import KPIS

    return KPIS[metric].unit if metric in KPIS else ""


def _with_intervals(frame, columns, unit: str):
    """``frame`` with ``columns`` (a forecast and its bounds, or P10/P50/P90) written as text,
    each row's numbers with the decimals it takes for different numbers to read differently."""
    texts = [format_distinct(values, unit) for values in frame[columns].itertuples(index=False)]
    return frame.assign(**{c: [row[i] for row in texts] for i, c in enumerate(columns)})


def _report_written(path, frame) -> None:
    print(f"\n{len(frame):,} rows written to {path}")
