"""``workbench coach SOURCE --period 2026-Q3``: coaching plans, mentors, sessions, training effectiveness."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from workbench.commands.progress import Progress
from workbench.errors import DataError
from workbench.formatting import format_value
from workbench.io.results import OUTPUT_SUFFIXES, write_result

__all__ = ["register", "run", "summary_text"]

HELP = "coaching plans per rep, mentors, group sessions and whether past training worked"
DESCRIPTION = """\
Turn SOURCE's diagnosis into coaching: for every rep, the skills behind their shortfalls
ranked by the revenue coaching could win back (revenue at stake x effectiveness: measured
where past training of the skill was measured, else --effectiveness), with the why (the
finding's evidence), a training module per skill scheduled within --hours per period,
a mentor for each rep's top gap, group sessions where several reps of a team share a gap,
and the measured effect of every training module (difference-in-differences against
untrained peers, with a 90% interval).

SOURCE is what `workbench validate` reads. The skills, training_catalog and training_log
tables make the plans complete; without them the plans still rank the skills.

Examples:
  workbench coach sample_data --period 2026-Q3
  workbench coach sample_data --period 2026-Q3 --rep R007 --lang zh
  workbench coach crm_data --period 2026-Q1 --skill-map my_map.toml -o coaching.xlsx
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``coach`` sub-command."""
    parser = subparsers.add_parser(
        "coach", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", metavar="SOURCE", help="folder of table files, .duckdb file or workbook")
    parser.add_argument("--period", metavar="PERIOD",
                        help="the period the diagnosis ends with: 2026-Q3 or 2026-09 (default: the last full month)")
    parser.add_argument("--team", metavar="TEAM", help="only this team's reps")
    parser.add_argument("--rep", metavar="ID", help="only this rep's plan")
    parser.add_argument("--skill-map", metavar="FILE", help="your driver -> skill map (a copy of the default TOML)")
    parser.add_argument("--effectiveness", type=float, default=0.25, metavar="SHARE",
                        help="share of the revenue at stake training wins back where nothing was measured "
                             "(default 0.25)")
    parser.add_argument("--hours", type=float, default=8.0, metavar="H",
                        help="training hours per rep and period (default 8)")
    parser.add_argument("--capacity", type=int, default=2, metavar="N", help="mentees per mentor (default 2)")
    parser.add_argument("--top", type=int, default=15, metavar="N", help="rows printed per table (default 15)")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="language of labels and reasons")
    parser.add_argument("--stages", metavar="FILE", help="stage config (stages.csv or stages.toml)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write every table: .xlsx (one sheet each), or .csv / .parquet (the plans)")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.set_defaults(func=run)
    return parser


def _table(frame, top: int) -> str:
    import pandas as pd

    if frame.empty:
        return "  (none)"
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 60):
        return frame.head(top).to_string(index=False)


def summary_text(result, top: int = 15, lang: str = "en") -> str:
    """A readable summary of a :class:`~workbench.coaching.workflow.Coaching` (what ``workbench coach`` prints)."""
    import pandas as pd

    plans = result.plans
    skills = plans.skills
    n_reps = skills["rep_id"].nunique()
    lines = [f"Coaching plans for {plans.period} (revenue at stake over the window {plans.window}): "
             f"{n_reps} rep{'' if n_reps == 1 else 's'} with a plan; effectiveness assumed "
             f"{plans.assumptions['assumed_effectiveness']:.0%} where not measured, "
             f"{plans.assumptions['hours_per_period']:g} training hours per period.", ""]
    why = "why_zh" if lang == "zh" else "why"
    shown = pd.DataFrame({
        "rep": skills["rep_id"], "#": skills["rank"], "skill": skills["skill_label"],
        "uplift": [format_value(v, "currency") for v in skills["expected_uplift"]],
        "effectiveness": [f"{format_value(v, 'rate')} {s}" for v, s in
                          zip(skills["effectiveness"], skills["effectiveness_source"])],
        "module": skills["module_id"].fillna("–"), "why": skills[why].str.slice(0, 90),
    })
    lines += ["Skills to coach, by expected uplift:", _table(shown, top), ""]
    pairs = result.mentors.pairs
    lines += ["Mentors for each rep's top gap:",
              _table(pairs[["mentee_id", "skill_label", "mentor_id", "mentor_score", "same_team"]], top)]
    unmatched = result.mentors.unmatched
    if len(unmatched):
        lines += [f"  not matched: {len(unmatched)} (" + "; ".join(dict.fromkeys(unmatched["reason"].head(3))) + ")"]
    lines += ["", "Group sessions:", _table(result.sessions[["team", "skill_label", "n_reps", "reps", "module_id"]], top)]
    effect = result.effectiveness.modules
    shown = effect[["module_id", "title", "skill", "n_trained", "effect", "ci_low", "ci_high", "verdict"]].assign(
        effect=[format_value(v, "signed_share", 1) for v in effect["effect"]],
        ci_low=[format_value(v, "signed_share", 1) for v in effect["ci_low"]],
        ci_high=[format_value(v, "signed_share", 1) for v in effect["ci_high"]])
    lines += ["", "Did past training work? (effect on the skill's KPI against untrained peers, 90% interval)",
              _table(shown, top)]
    return "\n".join(lines)


def _select(result, reps, team: str | None, rep: str | None):
    """The part of the results about one team or rep (tables filtered, nothing recomputed)."""
    import dataclasses

    if not team and not rep:
        return result
    members = {str(rep)} if rep else set(reps.loc[reps["team"].astype(str) == str(team), "rep_id"].astype(str))
    if not members:
        raise ValueError(f"Team {team!r} has no reps in the reps table." if team else f"Rep {rep!r} is not in the reps table.")
    plans = result.plans
    plans = dataclasses.replace(plans, skills=plans.skills[plans.skills["rep_id"].isin(members)].reset_index(drop=True),
                                modules=plans.modules[plans.modules["rep_id"].isin(members)].reset_index(drop=True))
    mentors = result.mentors
    mentors = dataclasses.replace(mentors, pairs=mentors.pairs[mentors.pairs["mentee_id"].isin(members)],
                                  unmatched=mentors.unmatched[mentors.unmatched["rep_id"].isin(members)])
    sessions = result.sessions
    if team:
        sessions = sessions[sessions["team"].astype(str) == str(team)]
    if rep:  # the sessions the rep would join
        sessions = sessions[sessions["reps"].astype(str).str.split(", ").apply(lambda ids: str(rep) in ids)]
    return dataclasses.replace(result, plans=plans, mentors=mentors, sessions=sessions)


def run(args) -> int:
    """Load, coach, print the summary and write the tables; return the exit code."""
    prog = "workbench coach"
    source = Path(args.source).expanduser()
    if not source.exists():
        print(f"{prog}: error: {source}: no such file or folder", file=sys.stderr)
        return 2
    output = Path(args.output).expanduser() if args.output else None
    if output is not None and output.suffix.lower() not in OUTPUT_SUFFIXES:
        print(f"{prog}: error: cannot write {output.name!r}: the output file must end in .csv, .parquet or .xlsx",
              file=sys.stderr)
        return 2
    stages = ["loading data", "diagnosing", "measuring training effectiveness", "planning"]
    progress = Progress(prog, stages + ([f"writing {output.name}"] if output else []))
    try:
        with progress.stage("loading data"):
            from workbench.coaching.workflow import coach
            from workbench.io.load import load

            data = load(source, stages=args.stages, cache=not args.no_cache)
        with warnings.catch_warnings(record=True) as caught:  # notes, not raw warnings with a source line
            warnings.simplefilter("always")
            result = coach(data, args.period, skill_map=args.skill_map, assumed_effectiveness=args.effectiveness,
                           hours_per_period=args.hours, capacity=args.capacity, lang=args.lang, stage=progress.stage)
        # the workbench's own notes (e.g. a KPI skipped for a missing table); library deprecations are not the user's
        for note in dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, UserWarning)):
            print(f"note: {note}", file=sys.stderr)
        shown = _select(result, data.reps, args.team, args.rep)
    except DataError as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return 1
    except ValueError as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    print(summary_text(shown, top=args.top, lang=args.lang))
    if output is not None:
        with progress.stage(f"writing {output.name}"):
            written = write_result({
                "plans": shown.plans.skills, "modules": shown.plans.modules,
                "mentors": shown.mentors.pairs, "unmatched": shown.mentors.unmatched,
                "sessions": shown.sessions, "effectiveness": shown.effectiveness.modules,
            }, output)
        print(f"\nWrote the coaching tables to {written}")
    return 0
