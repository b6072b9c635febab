"""``workbench coach SOURCE --period 2026-Q3``: coaching plans, mentors, sessions, training effectiveness."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from workbench.commands import engine
from workbench.commands.output import fail, say, table_text, yes_no
from workbench.commands.progress import Progress
from workbench.errors import DataError
from workbench.formatting import count_label, format_value
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

Where the data are aggregated (--engine, as for `workbench kpi`): by default SOURCE is
loaded into memory. With --engine spark (or an ibis backend name or URL), --direct or
--memory-limit, SOURCE is opened in the engine (a Parquet folder read in place, with the
skills and training tables next to it; a lake URL; or without SOURCE the engine's
database) and only aggregated tables come back: the same plans, without moving raw
activity rows. docs/scale.md has the details.

Examples:
  workbench coach sample_data --period 2026-Q3
  workbench coach sample_data --period 2026-Q3 --rep R007 --lang zh
  workbench coach crm_data --period 2026-Q1 --skill-map my_map.toml -o coaching.xlsx
  workbench coach big_parquet_folder --direct --memory-limit 2GB --period 2026-Q3 -o coaching.xlsx
  workbench coach s3a://sales-lake/crm --engine spark --engine-option master=local[4] --period 2026-Q3
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``coach`` sub-command."""
    parser = subparsers.add_parser(
        "coach", help=HELP, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", metavar="SOURCE", nargs="?",
                        help="folder of table files, .duckdb file or workbook (with --engine: optional)")
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
    parser.add_argument("--lang", choices=["en", "zh"], default="en",
                        help="language of what is printed: headings, labels and reasons (default en)")
    parser.add_argument("--stages", metavar="FILE", help="stage config (stages.csv or stages.toml)")
    engine.add_engine_arguments(parser)
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write every table: .xlsx (one sheet each), or .csv / .parquet (the plans)")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the validated-data cache (see docs/data.md, 'Cache')")
    parser.set_defaults(func=run)
    return parser


def _table(frame, top: int, lang: str = "en", headers: dict | None = None) -> str:
    if frame.empty:
        return say("cli.none", lang)
    return table_text(frame, headers or {}, lang, rows=top, max_colwidth=60)


def _headers(*columns) -> dict:
    """Column → its catalogue key ``cli.coach.col.<column>``."""
    return {c: f"cli.coach.col.{c}" for c in columns}


def _verdict(verdict: str, lang: str) -> str:
    return say(f"cli.coach.verdict.{str(verdict).replace(' ', '_').lower()}", lang)


def summary_text(result, top: int = 15, lang: str = "en", skill_map=None) -> str:
    """A readable summary of a :class:`~workbench.coaching.workflow.Coaching` (what ``workbench coach`` prints).

    ``skill_map`` (a :class:`~workbench.coaching.skills.SkillMap`, default the built-in one)
    names the skills of the effectiveness table in ``lang``.
    """
    import pandas as pd

    from workbench.coaching.skills import SkillMap, load_skill_map

    skill_map = skill_map if isinstance(skill_map, SkillMap) else load_skill_map(skill_map)
    plans = result.plans
    skills = plans.skills
    n_reps = skills["rep_id"].nunique()
    lines = [say("cli.coach.header", lang, period=plans.period, window=plans.window,
                 reps=count_label(n_reps, "rep", lang),
                 assumed=format_value(plans.assumptions["assumed_effectiveness"], "rate", lang=lang),
                 hours=f"{plans.assumptions['hours_per_period']:g}"), ""]
    why = "why_zh" if lang == "zh" else "why"
    shown = pd.DataFrame({
        "rep": skills["rep_id"], "rank": skills["rank"], "skill": skills["skill_label"],
        "uplift": [format_value(v, "currency", lang=lang) for v in skills["expected_uplift"]],
        "effectiveness": [f"{format_value(v, 'rate', lang=lang)} {say(f'cli.coach.source.{s}', lang)}" for v, s in
                          zip(skills["effectiveness"], skills["effectiveness_source"])],
        "module": skills["module_id"].fillna("–"), "why": skills[why].str.slice(0, 50 if lang == "zh" else 90),
    })
    lines += [say("cli.coach.skills_heading", lang),
              _table(shown, top, lang, _headers("rep", "rank", "skill", "uplift", "effectiveness", "module", "why")),
              ""]
    pairs = result.mentors.pairs
    mentors = pairs[["mentee_id", "skill_label", "mentor_id", "mentor_score", "same_team"]].assign(
        mentor_score=[format_value(v, "", 1, lang=lang) for v in pairs["mentor_score"]],
        same_team=[yes_no(v, lang) if lang == "zh" else str(bool(v)) for v in pairs["same_team"]])
    lines += [say("cli.coach.mentors_heading", lang),
              _table(mentors, top, lang, _headers("mentee", "skill_label", "mentor", "mentor_score", "same_team")
                     | {"mentee_id": "cli.coach.col.mentee", "mentor_id": "cli.coach.col.mentor"})]
    unmatched = result.mentors.unmatched
    if len(unmatched):
        reasons = say("cli.sep", lang).join(dict.fromkeys(unmatched["reason"].head(3)))
        lines += [say("cli.coach.not_matched", lang, n=len(unmatched), reasons=reasons)]
    sessions = result.sessions[["team", "skill_label", "n_reps", "reps", "module_id"]]
    lines += ["", say("cli.coach.sessions_heading", lang),
              _table(sessions, top, lang, _headers("team", "skill_label", "n_reps", "reps", "module_id"))]
    effect = result.effectiveness.modules
    shown = effect[["module_id", "title", "skill", "n_trained", "effect", "ci_low", "ci_high", "verdict"]].assign(
        effect=[format_value(v, "signed_share", 1, lang=lang) for v in effect["effect"]],
        ci_low=[format_value(v, "signed_share", 1, lang=lang) for v in effect["ci_low"]],
        ci_high=[format_value(v, "signed_share", 1, lang=lang) for v in effect["ci_high"]],
        verdict=[_verdict(v, lang) for v in effect["verdict"]])
    if lang == "zh":
        shown = shown.assign(skill=[skill_map.label(k, lang) for k in effect["skill"]])
    lines += ["", say("cli.coach.effect_heading", lang),
              _table(shown, top, lang, _headers("module_id", "title", "skill", "n_trained", "effect", "ci_low",
                                                "ci_high", "verdict"))]
    return "\n".join(lines)


def _select(result, reps, team: str | None, rep: str | None, lang: str = "en"):
    """The part of the results about one team or rep (tables filtered, nothing recomputed)."""
    import dataclasses

    if not team and not rep:
        return result
    members = {str(rep)} if rep else set(reps.loc[reps["team"].astype(str) == str(team), "rep_id"].astype(str))
    if not members:
        raise ValueError(say("cli.coach.no_team", lang, team=team) if team else say("cli.coach.no_rep", lang, rep=rep))
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
    """Load (or aggregate in the engine), coach, print the summary and write the tables; return the exit code."""
    prog, lang = "workbench coach", args.lang
    try:
        source = engine.engine_source(args, prog)
        engine.check_engine_arguments(args, source)
    except ValueError as err:
        return fail(prog, str(err), 2, lang)
    output = Path(args.output).expanduser() if args.output else None
    if output is not None and output.suffix.lower() not in OUTPUT_SUFFIXES:
        return fail(prog, say("cli.bad_output", lang, name=output.name), 2, lang)
    # the stage names coach() reports, in the order it reports them, each in ``lang``
    aggregating = engine.facts_stage(args)
    named = {"loading data": say("cli.stage.loading", lang),
             **({"aggregating": aggregating} if aggregating else {}),
             "diagnosing": say("cli.coach.stage.diagnosing", lang),
             "measuring training effectiveness": say("cli.coach.stage.effectiveness", lang),
             "planning": say("cli.coach.stage.planning", lang)}
    writing = say("cli.stage.writing", lang, name=output.name) if output else ""
    progress = Progress(prog, list(named.values()) + ([writing] if output else []))

    def stage(name: str):
        return progress.stage(named.get(name, name))

    try:
        with engine.engine_notes(args), stage("loading data"):
            from workbench.coaching.skills import load_skill_map
            from workbench.coaching.workflow import coach

            data = engine.open_source(args, source)
            skill_map = load_skill_map(args.skill_map)
        if aggregating:
            with engine.engine_notes(args), stage("aggregating"):
                from workbench.kpi import sales_facts

                data = sales_facts(data)  # the small tables coaching reads; raw activities stay in the engine
        with warnings.catch_warnings(record=True) as caught:  # notes, not raw warnings with a source line
            warnings.simplefilter("always")
            result = coach(data, args.period, skill_map=skill_map, assumed_effectiveness=args.effectiveness,
                           hours_per_period=args.hours, capacity=args.capacity, lang=lang, stage=stage)
        # the workbench's own notes (e.g. a KPI skipped for a missing table); library deprecations are not the user's
        for note in dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, UserWarning)):
            print(say("cli.note", lang, text=note), file=sys.stderr)
        shown = _select(result, data.reps, args.team, args.rep, lang)
    except (DataError, ImportError) as err:
        print(f"{prog}: {engine.engine_failure(err, args)}", file=sys.stderr)
        return 1
    except ValueError as err:
        return fail(prog, str(err), 2, lang)
    print(summary_text(shown, top=args.top, lang=lang, skill_map=skill_map))
    if output is not None:
        with progress.stage(writing):
            written = write_result({
                "plans": shown.plans.skills, "modules": shown.plans.modules,
                "mentors": shown.mentors.pairs, "unmatched": shown.mentors.unmatched,
                "sessions": shown.sessions, "effectiveness": shown.effectiveness.modules,
            }, output)
        print("\n" + say("cli.coach.wrote", lang, path=written))
    return 0
