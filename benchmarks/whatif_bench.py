"""Benchmark: the what-if and incentive computations behind the targets / what-if app.

One function per measurement, each returning its rows for the result table, so further
measurements (lever recomputes, the app's slider round trip) join the same section:

* :func:`plan_simulation` — a commission plan's payouts for 200 reps × 10,000 bookings
  draws (goal ≤ 2 s), against the same simulation run rep by rep (the baseline), and two
  plans side by side;
* :func:`lever_recompute` — one what-if projection after a lever moves, for a generated
  200-rep org and the app's 2,000 simulations (goal: median ≤ 100 ms), against re-running
  the pipeline simulation for every change (the baseline);
* :func:`app_slider` — in the served what-if app (Voila + headless Chromium, ``sample_data/``),
  a slider key press to the redrawn fan chart (goal: p50 ≤ 150 ms), against rebuilding the
  whole chart for each change (the baseline, timed in the kernel). Skipped with a note when
  Chromium or playwright is missing.

Run: ``.venv/bin/python benchmarks/whatif_bench.py [--reps N] [--draws N]``. The result is
printed as markdown and written to ``docs/benchmarks.md`` (``--no-publish``: print only).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from _report import add_publish_flag, publish, table

from workbench.incentives import compare_plans, load_plan, simulate_payouts
from workbench.targets import Levers, WhatIfModel

ROOT = Path(__file__).resolve().parents[1]
PLAN_GOAL_S = 2.0
LEVER_GOAL_MS = 100.0
SLIDER_GOAL_MS = 150.0


def _timed(fn, repeats: int = 3):
    """Median wall time over ``repeats`` runs, and the last result."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times)


def _synthetic_org(n_reps: int, n_draws: int, seed: int = 11):
    """Targets, teams of ten and log-normal bookings draws around 0.5–1.5 × target."""
    rng = np.random.default_rng(seed)
    targets = rng.uniform(80_000, 200_000, n_reps)
    skill = rng.uniform(0.5, 1.5, n_reps)
    draws = targets[:, None] * skill[:, None] * rng.lognormal(-0.08, 0.4, (n_reps, n_draws))
    rep_ids = [f"R{i:04d}" for i in range(n_reps)]
    teams = [f"Team {i // 10 + 1}" for i in range(n_reps)]
    return draws, targets, rep_ids, teams


def plan_simulation(n_reps: int = 200, n_draws: int = 10_000) -> tuple[list[list], list[str]]:
    """Plan simulation rows: vectorised, rep by rep (baseline) and two plans compared."""
    draws, targets, rep_ids, teams = _synthetic_org(n_reps, n_draws)
    tiered = load_plan(ROOT / "docs" / "example_plan.toml")
    flat = load_plan(ROOT / "docs" / "example_plan_flat.toml")
    kwargs = {"rep_ids": rep_ids, "teams": teams}
    simulate_payouts(tiered, draws[:5, :100], targets[:5], rep_ids=rep_ids[:5], teams=teams[:5])  # warm up
    sim, t_vector = _timed(lambda: simulate_payouts(tiered, draws, targets, **kwargs))

    solo = replace(tiered, team_bonus=None)  # a rep alone cannot reach a team target

    def rep_by_rep():
        return [simulate_payouts(solo, draws[i:i + 1], targets[i:i + 1], rep_ids=rep_ids[i:i + 1])
                for i in range(n_reps)]

    _, t_loop = _timed(rep_by_rep, repeats=1)
    comparison, t_compare = _timed(lambda: compare_plans(tiered, flat, draws, targets, **kwargs))
    cells = f"{n_reps:,} reps × {n_draws:,} draws"
    rows = [
        ["plan simulation, vectorised (tiers, accelerator, threshold, caps, team bonus, draw)", cells,
         f"{t_vector:.3f} s", "1.0×"],
        ["the same plan rep by rep, without the team bonus (baseline)", cells, f"{t_loop:.3f} s",
         f"{t_loop / t_vector:.1f}× slower"],
        ["two plans side by side (`compare_plans`)", cells, f"{t_compare:.3f} s", f"{t_compare / t_vector:.1f}×"],
    ]
    cost = comparison.set_index("metric").loc["cost_of_sales"]
    notes = [
        f"Plan simulation goal ≤ {PLAN_GOAL_S:g} s for 200 reps × 10,000 draws: "
        f"{'met' if t_vector <= PLAN_GOAL_S else 'NOT met'} (median of 3 runs).",
        f"Synthetic org (seed 11): expected cost of sales {cost[tiered.name]:.1%} under "
        f"'{tiered.name}' and {cost[flat.name]:.1%} under '{flat.name}'; "
        f"{sim.by_rep['p_target'].mean():.0%} of reps expected at 100 % of target.",
    ]
    return rows, notes


def lever_recompute(n_reps: int = 200, n_draws: int = 10_000, n_sims: int = 2000) -> tuple[list[list], list[str]]:
    """What-if rows: a lever change's recompute vs re-simulating the pipeline, on a generated org."""
    from workbench.forecast.simulation import pipeline_draws, summarise_draws
    from workbench.io.load import as_sales_data
    from workbench.sample import generate_sample

    data = as_sales_data(generate_sample(n_reps=n_reps, months=24, seed=3))
    t0 = time.perf_counter()
    model = WhatIfModel(n_sims=n_sims).fit(data, shock_sd=0.3)  # the shock given: no backtest
    t_fit = time.perf_counter() - t0
    steps = model.effects_.steps_
    settings = [Levers(follow_up=0.05 * (i % 9 + 1), activity=0.05 * (i % 7), deal_size=0.05 * (i % 5 - 2),
                       cycle=-0.05 * (i % 6), stage_conversion={steps[i % len(steps)]: 0.05 * (i % 4 + 1)},
                       headcount=i % 3) for i in range(30)]
    times = {}
    for scope in (("company", "company"), ("team", model.teams_[0])):
        runs = []
        for levers in settings:
            t0 = time.perf_counter()
            model.project(levers, scope)
            runs.append(time.perf_counter() - t0)
        times[scope[0]] = statistics.median(runs) * 1000
    sim_deals = model._sim["deals"]

    def resimulate():
        sim = pipeline_draws(sim_deals, data, model.period_, n_sims=n_sims, seed=0)
        return summarise_draws(sim, shock_sd=0.3, seed=0)

    _, t_resim = _timed(resimulate, repeats=5)
    t_resim *= 1000
    cells = f"{n_reps:,} reps × {n_sims:,} simulations"
    rows = [
        ["what-if: one lever change, whole company (all reps move)", cells, f"{times['company']:.1f} ms", "1.0×"],
        ["what-if: one lever change, one team", cells, f"{times['team']:.1f} ms",
         f"{times['team'] / times['company']:.2f}×"],
        ["re-running the pipeline simulation per change (baseline)", cells, f"{t_resim:.0f} ms",
         f"{t_resim / times['company']:.1f}× slower"],
        ["fitting the what-if model once (lever effects, reverse funnel, simulation)", cells, f"{t_fit:.1f} s", ""],
    ]
    worst = max(times.values())
    notes = [f"Lever recompute goal: median ≤ {LEVER_GOAL_MS:g} ms for a 200-rep org: "
             f"{'met' if worst <= LEVER_GOAL_MS else 'NOT met'} (median of 30 settings moving every lever; "
             f"generated org, seed 3, {len(model.rep_ids_)} reps, {len(model._sim['deals']):,} open deals)."]
    return rows, notes


def app_slider(n_reps: int = 200, n_draws: int = 10_000, n_changes: int = 20) -> tuple[list[list], list[str]]:
    """Browser rows: slider change → redrawn chart in the app, and the kernel's full chart rebuild."""
    try:
        from _whatif_browser import slider_latency
    except ImportError as err:  # playwright missing
        return [], [f"App slider round trip not measured: {err}."]
    try:
        lat = slider_latency(n_changes)
    except Exception as err:  # noqa: BLE001 - no Chromium here: say so instead of failing the whole bench
        return [], [f"App slider round trip not measured: {type(err).__name__}: {err}."]
    from workbench.charts.targets import whatif_fan
    from workbench.io.load import as_sales_data

    model = WhatIfModel().fit(as_sales_data(ROOT / "sample_data"), shock_sd=0.3)
    steps = [Levers(activity=0.05 * (i % 10)) for i in range(n_changes)]

    def rebuild():
        for levers in steps:
            whatif_fan(model.project(levers, ("company", "company")), as_of=model.as_of_).to_dict()

    _, t_rebuild = _timed(rebuild, repeats=1)
    rebuild_ms = t_rebuild / n_changes * 1000
    cells = f"sample_data, {n_changes} changes"
    rows = [
        ["app: slider key press → redrawn fan chart, p50 (Voila + headless Chromium)", cells,
         f"{lat['p50_ms']:.0f} ms", "1.0×"],
        ["app: the same, p90", cells, f"{lat['p90_ms']:.0f} ms", f"{lat['p90_ms'] / lat['p50_ms']:.1f}×"],
        ["kernel: projection + the whole chart rebuilt per change (baseline)", cells, f"{rebuild_ms:.0f} ms",
         f"{rebuild_ms / lat['p50_ms']:.1f}×"],
    ]
    notes = [f"Slider goal: p50 ≤ {SLIDER_GOAL_MS:g} ms in the browser: "
             f"{'met' if lat['p50_ms'] <= SLIDER_GOAL_MS else 'NOT met'} (lever {lat['lever']!r}; the page was ready "
             f"in {lat['page_ready_s']:.0f} s with the period shock given)."]
    return rows, notes


def main(n_reps: int = 200, n_draws: int = 10_000, publish_result: bool = True) -> None:
    rows, notes = [], []
    for measure in (plan_simulation, lever_recompute, app_slider):
        more_rows, more_notes = measure(n_reps, n_draws)
        rows += more_rows
        notes += more_notes
    markdown = "\n".join([table(["step", "size", "wall time", "ratio"], rows, align="llrr"), "", *notes])
    print(markdown)
    if publish_result:
        print(f"\nwritten to {publish('whatif', markdown)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--draws", type=int, default=10_000)
    args = add_publish_flag(parser).parse_args()
    main(args.reps, args.draws, publish_result=not args.no_publish)
