"""Benchmark: coaching plans, mentor pairing and training effectiveness for 1,000 reps × 24 months
(goal ≤ 10 s on 2 cores).

Generates the data with the sample generator and validates it once, then times each
coaching step on its own and the whole chain, beside the diagnosis the plans start from
(the baseline every coaching view already pays, measured in the same run).

Run: ``.venv/bin/python benchmarks/coaching_bench.py [n_reps] [months]``. The result is
printed as markdown and written to ``docs/benchmarks.md`` (``--no-publish``: print only).
"""

from __future__ import annotations

import argparse
import time

import workbench
from _report import add_publish_flag, publish, table
from workbench.coaching import coaching_plans, group_sessions, load_skill_map, pair_mentors, recognition
from workbench.coaching.effectiveness import training_effectiveness
from workbench.diagnose import diagnose
from workbench.sample import generate_sample

PERIOD = "2026-Q3"


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def main(n_reps: int = 1000, months: int = 24, publish_result: bool = True) -> None:
    tables = generate_sample(n_reps=n_reps, months=months, seed=11)
    data = workbench.load(tables)  # validated once, as an app or the CLI does
    skill_map = load_skill_map()
    diagnose(data, period=PERIOD, window=3)  # warm imports and the engine
    diagnosis, t_diag, c_diag = _timed(lambda: diagnose(data, period=PERIOD))
    effect, t_eff, c_eff = _timed(lambda: training_effectiveness(data, skill_map=skill_map))
    plans, t_plan, c_plan = _timed(lambda: coaching_plans(data, diagnosis, skill_map=skill_map, effectiveness=effect))
    top = plans.skills[plans.skills["rank"] == 1]
    needs = top[["rep_id", "skill"]].assign(priority=top["expected_uplift"].clip(lower=1.0))
    pairs, t_pair, c_pair = _timed(lambda: pair_mentors(data, needs, period=PERIOD, skill_map=skill_map))
    sessions, t_sess, c_sess = _timed(lambda: group_sessions(plans.skills))
    awards, t_award, c_award = _timed(lambda: recognition(data, PERIOD))
    coaching = t_eff + t_plan + t_pair
    rows = [
        ["diagnosis (baseline: what the plans start from)", f"{t_diag:.2f} s", f"{c_diag:.2f} s",
         f"{len(diagnosis.findings):,} findings"],
        ["training effectiveness", f"{t_eff:.2f} s", f"{c_eff:.2f} s",
         f"{len(effect.modules)} modules, {int(effect.modules['n_trained'].sum()):,} completions measured"],
        ["coaching plans", f"{t_plan:.2f} s", f"{c_plan:.2f} s",
         f"{plans.skills['rep_id'].nunique():,} reps, {len(plans.skills):,} skill gaps, {len(plans.modules):,} modules"],
        ["mentor pairing (assignment)", f"{t_pair:.2f} s", f"{c_pair:.2f} s",
         f"{len(needs):,} needs, {len(pairs.pairs):,} pairs, {len(pairs.unmatched):,} unmatched"],
        ["group sessions", f"{t_sess:.2f} s", f"{c_sess:.2f} s", f"{len(sessions):,} sessions"],
        ["recognition", f"{t_award:.2f} s", f"{c_award:.2f} s", f"{len(awards):,} awards"],
        ["**plans + pairing + effectiveness**", f"**{coaching:.2f} s**", f"{c_eff + c_plan + c_pair:.2f} s", ""],
        ["the same with the diagnosis", f"{coaching + t_diag:.2f} s", f"{c_eff + c_plan + c_pair + c_diag:.2f} s", ""],
    ]
    sizes = {k: len(v) for k, v in tables.items() if k in ("opportunities", "activities", "training_log", "skills")}
    markdown = "\n".join([
        f"{n_reps:,} reps × {months} months from the sample generator (seed 11): "
        + ", ".join(f"{c:,} {n.replace('_', ' ')}" for n, c in sizes.items()) + f"; period {PERIOD}.",
        "",
        table(["step", "wall time", "CPU time", "size"], rows, align="lrrl"),
        "",
        f"Goal ≤ 10 s for plans, pairing and effectiveness (wall clock): {'met' if coaching <= 10 else 'NOT met'}"
        f" ({'met' if coaching + t_diag <= 10 else 'not met'} even with the diagnosis included).",
    ])
    print(markdown)
    if publish_result:
        print(f"\nwritten to {publish('coaching', markdown)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n_reps", type=int, nargs="?", default=1000)
    parser.add_argument("months", type=int, nargs="?", default=24)
    args = add_publish_flag(parser).parse_args()
    main(args.n_reps, args.months, publish_result=not args.no_publish)
