"""``workbench forecast SOURCE``: forecast a KPI per rep / team / region / company."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.output import fail, level_label, say, table_text
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

With --freq M or Q it leads with the headline forecast of the next period per entity:
booked so far + open pipeline + deals not created yet, combining the pipeline view
(win model + Monte Carlo of the open deals) and the run-rate view (the time-series
forecast) with weights learned by re-running both at --snapshots past periods; with its
80% interval, its parts, and one sentence on why the two views differ when they do.
--no-headline skips it (and its backtest).

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
                        help="write the pipeline forecast of the first forecast period (calibrated win model and "
                             "Monte Carlo: P10/P50/P90 bookings and the chance of reaching target per entity, "
                             "with the headline columns for the --by level) to this .csv, .parquet or .xlsx")
    parser.add_argument("--snapshots", type=int, default=None, metavar="N",
                        help="past periods the headline's weights and intervals are learned on "
                             "(default 12; fewer when the history is shorter)")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="language of what is printed (default en)")
    parser.add_argument("--no-headline", action="store_true",
                        help="skip the headline forecast and its pipeline backtest")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    """Load, forecast, print the headline and the accuracy, write the outputs; return the exit code.

    Once the time-series forecast has succeeded the exit code is 0: a headline or pipeline
    part that cannot be computed is reported as a warning on stderr and left out.
    """
    import pandas as pd

    prog, lang = "workbench forecast", getattr(args, "lang", "en")
    source = Path(args.source).expanduser()
    if not source.exists():
        return fail(prog, say("cli.no_source", lang, source=source), 2, lang)
    if args.h < 1 or args.windows < 1:
        return fail(prog, say("cli.forecast.h_windows", lang), 2, lang)
    if args.snapshots is not None and args.snapshots < 2:
        return fail(prog, say("cli.forecast.snapshots", lang), 2, lang)
    for opt, value in (("--output", args.output), ("--pipeline-out", args.pipeline_out)):
        if value and Path(value).suffix.lower() not in OUTPUT_SUFFIXES:
            return fail(prog, say("cli.forecast.bad_output", lang, option=opt), 2, lang)
    if args.pipeline_out and args.freq == "W":
        return fail(prog, say("cli.forecast.pipeline_freq", lang), 2, lang)
    headline = args.freq in ("M", "Q") and not args.no_headline and args.metric == "bookings"
    pipeline = headline or bool(args.pipeline_out)
    loading, forecasting = say("cli.stage.loading", lang), say("cli.forecast.stage.forecasting", lang)
    writing = say("cli.stage.writing", lang, name=Path(args.output).name) if args.output else ""
    writing_pipeline = say("cli.stage.writing", lang, name=Path(args.pipeline_out).name) if args.pipeline_out else ""
    stages = [loading, forecasting]
    stages += [say("cli.forecast.stage.pipeline_backtest", lang)] if headline else []
    stages += [say("cli.forecast.stage.scoring", lang), say("cli.forecast.stage.simulating", lang)] if pipeline else []
    stages += [writing] if args.output else []
    stages += [writing_pipeline] if args.pipeline_out else []
    progress = Progress(prog, stages)
    try:
        with progress.stage(loading):
            from workbench.io.load import load

            data = load(source, stages=args.stages, cache=not args.no_cache)
        models = [m.strip() for m in args.models.split(",") if m.strip()] if args.models else None
        with progress.stage(forecasting):
            from workbench.forecast.workflow import forecast_entities  # a few seconds of imports: inside the stage

            result = forecast_entities(data, by=args.by, freq=args.freq, h=args.h, metric=args.metric,
                                       models=models, method=args.method, reconcile=args.reconcile,
                                       n_windows=args.windows, progress=progress.enabled)
    except (DataError, ValueError) as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return 1
    fc = result.forecast
    hf = _headline(args, data, result, models, progress, headline, pipeline) if pipeline else None
    if hf is not None and headline:
        _print_headline(hf, lang)
    print("\n" + say("cli.forecast.backtest_heading", lang, windows=args.windows, h=args.h,
                     series=fc["unique_id"].nunique()))
    if len(result.summary):
        scores = result.summary[["model", "mase", "wape", "bias", "coverage", "accuracy"]]
        scores = scores.assign(**{c: [format_value(v, "", 3, lang=lang) for v in scores[c]]
                                  for c in ("mase", "wape", "bias", "coverage", "accuracy")},
                               # the combination's alias is the word "forecast"; models keep their names
                               model=[say("cli.forecast.combined", lang) if m == "forecast" else m
                                      for m in scores["model"]])
        print(table_text(scores, _headers(scores.columns), lang, width=120))
    else:
        print(say("cli.forecast.no_backtest", lang))
    show = _with_intervals(fc.head(30), ["forecast", "forecast-lo-80", "forecast-hi-80"], _metric_unit(args.metric),
                           lang)
    show = show[["entity_type", "entity_id", "period", "forecast", "forecast-lo-80", "forecast-hi-80",
                 "backtest_accuracy", "note"]].assign(
        note=show["note_zh"] if lang == "zh" and "note_zh" in show else show["note"],
        period=lambda d: [period_label(p, args.freq) for p in d["period"]],
        backtest_accuracy=lambda d: [format_value(v, "", 2, lang=lang) for v in d["backtest_accuracy"]])
    print("\n" + say("cli.forecast.forecast_heading", lang))
    print(table_text(_levels(show, lang), _headers(show.columns), lang, width=160, max_rows=30))
    if args.output:
        with progress.stage(writing):
            written = write_result({"forecast": fc}, args.output)
        _report_written(written, fc, lang)
    if hf is not None and hf.win_model is not None and hasattr(hf.win_model, "auc_"):
        r = hf.win_model.report()
        last_month = r["test_end"] - pd.DateOffset(months=1)
        print("\n" + say("cli.forecast.win_model", lang, start=f"{r['test_start']:%Y-%m}", end=f"{last_month:%Y-%m}",
                         auc=format_value(r["auc"], "", 3), auc_stage=format_value(r["auc_stage_only"], "", 3),
                         brier=format_value(r["brier"], "", 3)))
    if hf is not None and hf.odds is not None:
        odds = hf.odds
        shown = odds if args.by == "all" else odds[odds["entity_type"] == args.by]
        shown = _with_intervals(shown.head(30), ["p10", "p50", "p90"], "currency", lang).assign(
            target=lambda d: [format_value(v, "currency", lang=lang) for v in d["target"]],
            p_reach_target=lambda d: [format_value(v, "share", lang=lang) for v in d["p_reach_target"]])
        shock = say("cli.forecast.shock", lang) if odds.attrs.get("shock_sd") else ""
        print(say("cli.forecast.pipeline_heading", lang, period=hf.period, shock=shock))
        shown = shown[["entity_type", "entity_id", "p10", "p50", "p90", "target", "p_reach_target"]]
        print(table_text(_levels(shown, lang), _headers(shown.columns), lang, width=160, max_rows=30))
    if args.pipeline_out:
        if hf is None or hf.odds is None:
            print(say("cli.warning", lang, command=prog,
                      text=say("cli.forecast.warn_not_written_pipeline", lang, path=args.pipeline_out)),
                  file=sys.stderr)
        else:
            try:
                with progress.stage(writing_pipeline):
                    out = _pipeline_table(hf)
                    written = write_result({"pipeline_odds": out}, args.pipeline_out)
                _report_written(written, out, lang)
            except OSError as err:
                print(say("cli.warning", lang, command=prog,
                          text=say("cli.forecast.warn_not_written", lang, path=args.pipeline_out, reason=err)),
                      file=sys.stderr)
    return 0


def _headers(columns) -> dict:
    """Column → its catalogue key (``cli.col.*`` for the shared ones, ``cli.forecast.col.*`` for the rest)."""
    shared = {"entity_type": "cli.col.entity_type", "entity_id": "cli.col.entity", "period": "cli.col.period"}
    return {c: shared.get(c, f"cli.forecast.col.{c.replace('-', '_').replace(' ', '_')}") for c in columns}


def _levels(frame, lang: str):
    """The entity levels (and the company's id) named in ``lang``."""
    if lang == "en" or "entity_type" not in frame:
        return frame
    ids = [level_label(i, lang) if t == "company" else i for t, i in zip(frame["entity_type"], frame["entity_id"])]
    return frame.assign(entity_type=[level_label(t, lang) for t in frame["entity_type"]], entity_id=ids)


def _headline(args, data, result, models, progress, headline: bool, pipeline: bool):
    """The headline (with its pipeline backtest) or, with --no-headline, the pipeline view alone.

    Never raises: whatever fails is printed as a warning on stderr and None is returned;
    the notes (what was left out and why, the win model's own notes) go to stderr too."""
    prog, lang = "workbench forecast", getattr(args, "lang", "en")
    by = "team" if args.by == "all" else args.by
    try:
        from workbench.forecast import WinModel
        from workbench.forecast.outlook import DEFAULT_SNAPSHOTS, forecast_headline
        from workbench.forecast.pipeline_backtest import backtest_pipeline

        backtest = None
        if headline:
            with progress.stage(say("cli.forecast.stage.pipeline_backtest", lang)):
                try:
                    backtest = backtest_pipeline(data, freq=args.freq, snapshots=args.snapshots or DEFAULT_SNAPSHOTS,
                                                 by=by, models=models, method=args.method)
                except (DataError, ValueError) as err:
                    reason = str(err).removeprefix("backtest_pipeline: ")
                    print(say("cli.warning", lang, command=prog,
                              text=say("cli.forecast.warn_no_pipeline_backtest", lang, reason=reason)), file=sys.stderr)
        win = deals = None
        with progress.stage(say("cli.forecast.stage.scoring", lang)):
            try:
                win = WinModel(freq=args.freq).fit(data)
                deals = win.predict(data)
            except (DataError, ValueError) as err:
                print(say("cli.warning", lang, command=prog, text=say("cli.forecast.warn_no_pipeline", lang, reason=err)),
                      file=sys.stderr)
                win = deals = None
        with progress.stage(say("cli.forecast.stage.simulating", lang)):
            run_rate = result if args.by == by and args.metric == "bookings" else None
            hf = forecast_headline(data, freq=args.freq, by=by, run_rate=run_rate,
                                   backtest=backtest if backtest is not None else _no_backtest(), seed=0,
                                   win_model=win, deals=deals, pipeline=deals is not None) \
                if deals is not None or headline else None
    except Exception as err:  # the forecast above stands; the pipeline part is extra
        print(say("cli.warning", lang, command=prog, text=say("cli.forecast.warn_skipped", lang, reason=err)),
              file=sys.stderr)
        return None
    notes = hf.notes if hf is not None else []
    shown = hf.notes_zh if lang == "zh" and hf is not None and len(hf.notes_zh) == len(notes) else notes
    for note, text in zip(notes, shown):
        if note.startswith("No pipeline view") and deals is None:
            continue  # already said as a warning
        if headline or not note.startswith("The headline"):
            print(say("cli.note", lang, text=text), file=sys.stderr)
    return hf


def _no_backtest():
    """An empty backtest table: the headline then weights the views equally (and says so)."""
    import pandas as pd

    from workbench.forecast.pipeline_backtest import BACKTEST_COLUMNS

    return pd.DataFrame(columns=BACKTEST_COLUMNS)


def _print_headline(hf, lang: str = "en") -> None:
    import pandas as pd

    t = hf.table
    if t.empty:
        return
    rows = _with_intervals(t, ["headline", "headline-lo-80", "headline-hi-80"], "currency", lang)

    def money(column) -> list[str]:
        return [format_value(v, "currency", lang=lang) for v in t[column]]

    table = pd.DataFrame({
        "entity": _levels(t, lang)["entity_id"].astype(str), "headline": rows["headline"],
        "range": rows["headline-lo-80"] + " – " + rows["headline-hi-80"],
        "booked": money("from_booked"), "open_deals": money("from_open_deals"), "new_deals": money("from_new_deals"),
        "run_rate": money("from_run_rate"), "pipeline_view": money("pipeline_p50"), "run_rate_view": money("run_rate"),
        "target": money("target"),
        "p_reach": [format_value(v, "share", lang=lang) for v in t["headline_p_reach_target"]],
    })
    zh = lang == "zh" and "headline_basis_zh" in t
    basis = t["headline_basis_zh" if zh else "headline_basis"].iloc[0]
    print(say("cli.forecast.headline_heading", lang, period=hf.period, basis=basis))
    print(table_text(table, _headers(table.columns), lang, rows=30, max_colwidth=40))
    differ = t[~t["why"].str.contains("agree within")]
    if len(differ):
        print(say("cli.forecast.why_heading", lang))
        for _, row in differ.head(30).iterrows():
            print(f"  {row['entity_id']}: {row['why_zh' if zh else 'why']}")


def _pipeline_table(hf):
    """The pipeline odds of every level with the headline columns joined on the headline's entities."""
    keys = ["entity_type", "entity_id"]
    extra = [c for c in hf.table.columns if c not in hf.odds.columns or c in keys]
    return hf.odds.merge(hf.table[extra], on=keys, how="left")


def _metric_unit(metric: str) -> str:
    """The registry unit of the forecast KPI (plain numbers for one the registry does not know)."""
    from workbench.kpi.registry import KPIS

    return KPIS[metric].unit if metric in KPIS else ""


def _with_intervals(frame, columns, unit: str, lang: str = "en"):
    """``frame`` with ``columns`` (a forecast and its bounds, or P10/P50/P90) written as text,
    each row's numbers with the decimals it takes for different numbers to read differently."""
    texts = [format_distinct(values, unit, lang=lang) for values in frame[columns].itertuples(index=False)]
    return frame.assign(**{c: [row[i] for row in texts] for i, c in enumerate(columns)})


def _report_written(path, frame, lang: str = "en") -> None:
    print("\n" + say("cli.rows_written", lang, rows=f"{len(frame):,}", path=path))
