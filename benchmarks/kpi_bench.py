"""Benchmark: the full rep-month KPI table on 1 M opportunities and 10 M activities.

Generates 2,000 reps, 1 M opportunities, 10 M activities (plus stage history, orders,
surveys, targets and market sizes) with numpy, writes them as Parquet to a temporary
folder, then computes the rep x month KPI table twice, each in its own subprocess:

* ``engine``: :func:`workbench.kpi.compute_kpis` on
  :func:`workbench.kpi.kpi_tables_from_parquet` — DuckDB scans the Parquet files
  directly, aggregates, and only the finished table crosses into pandas;
* ``pandas``: a straightforward pandas implementation of the same KPI definitions
  (written out plainly below), reading the columns it needs with ``pd.read_parquet``.

Each subprocess reports its wall time (from reading the data to the finished tidy table)
and its peak resident memory (the kernel's high-water mark VmHWM of the subprocess,
which includes the Python interpreter and imported libraries — the import baseline is
printed too; ``ru_maxrss`` is not used because Linux carries the parent's peak across
exec into the child). The parent prints both side by side with the ratios and checks that the two
tables agree (same rows, values equal within 1e-9 relative / 1e-6 absolute, NaN in the
same places).

Run: ``.venv/bin/python benchmarks/kpi_bench.py`` (``--help`` for sizes). Goal: engine
<= 3 s and <= 1.5 GB on 2 cores, >= 2x faster than pandas. The result table is printed as
markdown and written to ``docs/benchmarks.md`` (``--no-publish``: print only).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from _report import add_publish_flag, publish, table

STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation"]
START = np.datetime64("2024-01-01T00:00:00", "us")
US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000


# --------------------------------------------------------------------------- data


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    text = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(pa.scalar(prefix), text, "")


def _ts(values_us: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    arr = (START + values_us.astype("timedelta64[us]")).astype("datetime64[us]")
    return pa.array(arr, type=pa.timestamp("us"), mask=None if valid is None else ~valid)


def generate(folder: Path, n_reps: int, n_opps: int, n_activities: int, months: int, seed: int) -> dict:
    """Write the synthetic contract tables to ``folder`` as Parquet; return row counts."""
    rng = np.random.default_rng(seed)
    end = (START.astype("datetime64[M]") + months).astype("datetime64[us]")
    span_us = int((end - START).astype(np.int64))
    counts = {}

    def write(name, table):
        pq.write_table(table, folder / f"{name}.parquet", coerce_timestamps="us")
        counts[name] = table.num_rows

    # reps: 10 per team, 25 per region; a tenth hired during the span
    rep_no = np.arange(n_reps)
    hired_late = rng.random(n_reps) < 0.1
    hire_us = np.where(hired_late, rng.integers(0, span_us // 2, n_reps), -rng.integers(1, 1000, n_reps) * US_PER_DAY)
    write("reps", pa.table({
        "rep_id": _ids("R", rep_no, 5),
        "name": _ids("Rep ", rep_no, 5),
        "team": _ids("T", rep_no // 10, 3),
        "region": _ids("G", rep_no // 250, 2),
        "manager_id": _ids("M", rep_no // 10, 3),
        "hire_date": _ts(hire_us),
    }))

    # opportunities
    opp_rep = rng.integers(0, n_reps, n_opps)
    created = rng.integers(0, span_us, n_opps)
    roll = rng.random(n_opps)
    outcome = np.where(roll < 0.3, "won", np.where(roll < 0.75, "lost", "open"))
    cycle = (rng.gamma(2.0, 20.0, n_opps) * US_PER_DAY).astype(np.int64)
    closed = created + cycle
    is_closed = (outcome != "open") & (closed < span_us)
    outcome = np.where(is_closed, outcome, "open")
    touched = rng.random(n_opps) < 0.6
    touch = created + (rng.exponential(18.0, n_opps) * US_PER_HOUR).astype(np.int64)
    amount = np.round(rng.lognormal(9.0, 0.8, n_opps), 2)
    account = rng.integers(0, n_opps // 4, n_opps)
    has_account = rng.random(n_opps) < 0.95
    reached = np.where(outcome == "won", 4, rng.integers(1, 5, n_opps))  # open stages entered
    stage_now = np.array(STAGES + ["Closed Won", "Closed Lost"])[
        np.where(outcome == "won", 4, np.where(outcome == "lost", 5, reached - 1))]
    write("opportunities", pa.table({
        "opportunity_id": _ids("O", np.arange(n_opps), 7),
        "rep_id": _ids("R", opp_rep, 5),
        "account_id": pc.if_else(pa.array(has_account), _ids("A", account, 7), pa.scalar(None, pa.string())),
        "product": pa.array(np.array(["Core", "Plus", "Suite"])[rng.integers(0, 3, n_opps)]),
        "source": pa.array(np.array(["web", "referral", "outbound"])[rng.integers(0, 3, n_opps)]),
        "created_at": _ts(created),
        "first_touch_at": _ts(touch, touched),
        "stage": pa.array(stage_now),
        "amount": pa.array(amount),
        "expected_close": _ts(created + 30 * US_PER_DAY),
        "closed_at": _ts(closed, is_closed),
        "outcome": pa.array(outcome),
        "lost_reason": pa.nulls(n_opps, pa.string()),
        "competitor": pa.nulls(n_opps, pa.string()),
    }))

    # stage history: each deal enters its first `reached` open stages, days apart
    n_entries = reached
    hist_opp = np.repeat(np.arange(n_opps), n_entries)
    first_row = np.repeat(np.cumsum(n_entries) - n_entries, n_entries)
    stage_idx = np.arange(len(hist_opp)) - first_row
    entered = created[hist_opp] + stage_idx * (cycle[hist_opp] // 5)
    write("stage_history", pa.table({
        "opportunity_id": _ids("O", hist_opp, 7),
        "stage": pa.array(np.array(STAGES)[stage_idx]),
        "entered_at": _ts(entered),
    }))

    # activities: 70 % logged on a deal of the same rep's book (any deal), at random times
    on_deal = rng.random(n_activities) < 0.7
    act_opp = rng.integers(0, n_opps, n_activities)
    act_rep = np.where(on_deal, opp_rep[act_opp], rng.integers(0, n_reps, n_activities))
    act_at = np.where(on_deal, created[act_opp] + (rng.exponential(30.0, n_activities) * US_PER_HOUR).astype(np.int64),
                      rng.integers(0, span_us, n_activities))
    act_at = np.minimum(act_at, span_us - 1)
    write("activities", pa.table({
        "activity_id": _ids("X", np.arange(n_activities), 8),
        "rep_id": _ids("R", act_rep, 5),
        "opportunity_id": pc.if_else(pa.array(on_deal), _ids("O", act_opp, 7), pa.scalar(None, pa.string())),
        "account_id": pa.nulls(n_activities, pa.string()),
        "type": pa.array(np.array(["call", "email", "meeting", "demo", "visit", "other"])[
            rng.integers(0, 6, n_activities)]),
        "at": _ts(act_at),
    }))

    # orders and surveys
    n_orders, n_surveys = n_opps // 2, n_opps // 5
    write("orders", pa.table({
        "order_id": _ids("D", np.arange(n_orders), 7),
        "rep_id": _ids("R", rng.integers(0, n_reps, n_orders), 5),
        "account_id": _ids("A", rng.integers(0, n_opps // 4, n_orders), 7),
        "product": pa.nulls(n_orders, pa.string()),
        "ordered_at": _ts(rng.integers(0, span_us, n_orders)),
        "amount": pa.array(np.round(rng.lognormal(7.0, 0.5, n_orders), 2)),
        "status": pa.array(np.array(["completed", "cancelled", "pending"])[
            rng.choice(3, n_orders, p=[0.8, 0.1, 0.1])]),
    }))
    write("surveys", pa.table({
        "survey_id": _ids("S", np.arange(n_surveys), 7),
        "rep_id": _ids("R", rng.integers(0, n_reps, n_surveys), 5),
        "account_id": pa.nulls(n_surveys, pa.string()),
        "at": _ts(rng.integers(0, span_us, n_surveys)),
        "score": pa.array(rng.integers(1, 6, n_surveys).astype(float)),
    }))

    # monthly bookings targets for every rep (one month in 50 left without a target)
    month_labels = [str(m) for m in np.arange(START.astype("datetime64[M]"), end.astype("datetime64[M]"))]
    t_rep = np.repeat(rep_no, months)
    t_month = np.tile(np.arange(months), n_reps)
    keep = rng.random(len(t_rep)) > 0.02
    write("targets", pa.table({
        "entity_type": pa.array(np.full(keep.sum(), "rep")),
        "entity_id": _ids("R", t_rep[keep], 5),
        "period": pa.array(np.array(month_labels)[t_month[keep]]),
        "metric": pa.array(np.full(keep.sum(), "bookings")),
        "target": pa.array(np.round(rng.uniform(5e4, 2e5, keep.sum()), 0)),
    }))
    regions = np.unique(rep_no // 250)
    write("market", pa.table({
        "period": pa.array(np.repeat(month_labels, len(regions))),
        "region": _ids("G", np.tile(regions, months), 2),
        "product": pa.nulls(months * len(regions), pa.string()),
        "market_size": pa.array(rng.uniform(5e7, 1e8, months * len(regions))),
    }))
    return counts


# --------------------------------------------------------------------------- engine run


def run_engine(folder: Path) -> "pd.DataFrame":  # noqa: F821
    from workbench.kpi import compute_kpis, kpi_tables_from_parquet

    tables = kpi_tables_from_parquet(folder, stages=STAGES)
    return compute_kpis(tables, by="rep", freq="M")


# --------------------------------------------------------------------------- pandas run


def run_pandas(folder: Path) -> "pd.DataFrame":  # noqa: F821
    """The same rep-month KPIs, written plainly in pandas."""
    import pandas as pd

    def read(name, columns):
        return pd.read_parquet(folder / f"{name}.parquet", columns=columns)

    def month(s):
        return s.dt.to_period("M").dt.start_time.astype("datetime64[us]")

    reps = read("reps", ["rep_id", "hire_date"])
    opps = read("opportunities", ["opportunity_id", "rep_id", "account_id", "created_at", "first_touch_at",
                                  "amount", "closed_at", "outcome"])
    acts = read("activities", ["rep_id", "opportunity_id", "at"])
    hist = read("stage_history", ["opportunity_id", "stage", "entered_at"])
    orders = read("orders", ["rep_id", "ordered_at", "status"])
    surveys = read("surveys", ["rep_id", "at", "score"])
    targets = read("targets", ["entity_type", "entity_id", "period", "metric", "target"])

    dates = [opps.created_at, opps.closed_at, acts["at"], hist.entered_at, orders.ordered_at, surveys["at"]]
    first = min(d.min() for d in dates).to_period("M").start_time
    last = max(d.max() for d in dates).to_period("M").start_time
    periods = pd.date_range(first, last, freq="MS").astype("datetime64[us]")
    ends = (periods + pd.offsets.MonthBegin(1)).astype("datetime64[us]")
    rep_ids = np.sort(reps.rep_id.unique())
    index = pd.MultiIndex.from_product([rep_ids, periods], names=["entity_id", "period"])
    out = pd.DataFrame(index=index)

    # closed deals
    closed = opps[opps.closed_at.notna() & opps.outcome.isin(["won", "lost"])].copy()
    closed["period"] = month(closed.closed_at)
    closed["won"] = closed.outcome == "won"
    won = closed[closed.won].copy()
    won["cycle_days"] = (won.closed_at - won.created_at).dt.total_seconds() / 86400
    g = won.groupby(["rep_id", "period"])
    out["bookings"] = g.amount.sum().reindex(index, fill_value=0.0).to_numpy()
    out["deals_won"] = g.size().reindex(index, fill_value=0).to_numpy()
    lost = closed[~closed.won].groupby(["rep_id", "period"]).size().reindex(index, fill_value=0).to_numpy()
    out["cycle_days_median"] = g.cycle_days.median().reindex(index).to_numpy()
    prev = out.groupby(level="entity_id").bookings.shift(1)
    prev_year = out.groupby(level="entity_id").bookings.shift(12)
    out["bookings_growth_pop"] = out.bookings / prev.replace(0, np.nan) - 1
    out["bookings_growth_yoy"] = out.bookings / prev_year.replace(0, np.nan) - 1
    t = targets[(targets.entity_type == "rep") & (targets.metric == "bookings")].copy()
    t["period"] = pd.to_datetime(t.period, format="%Y-%m").astype("datetime64[us]")
    t = t.groupby(["entity_id", "period"]).target.sum()
    target_now = t.reindex(index).to_numpy()
    target_next = t.reindex(pd.MultiIndex.from_arrays(
        [index.get_level_values(0), index.get_level_values(1) + pd.offsets.MonthBegin(1)])).to_numpy()
    out["bookings_target"] = target_now  # monthly rep targets: the month's target as given
    out["quota_attainment"] = out.bookings / np.where(target_now == 0, np.nan, target_now)
    out["win_rate"] = out.deals_won / (out.deals_won + lost).replace(0, np.nan)
    out["avg_deal_size"] = out.bookings / out.deals_won.replace(0, np.nan)

    # created deals and follow-up speed
    first_act = acts[acts.opportunity_id.notna()].groupby("opportunity_id")["at"].min()
    created = opps.copy()
    created["period"] = month(created.created_at)
    touch = created.first_touch_at.fillna(created.opportunity_id.map(first_act))
    hours = ((touch - created.created_at).dt.total_seconds() / 3600).clip(lower=0)
    created["hours"] = hours
    created["known"] = hours.notna()
    created["within_24h"] = hours <= 24
    g = created.groupby(["rep_id", "period"])
    out["follow_up_hours_median"] = g.hours.median().reindex(index).to_numpy()
    known = g.known.sum().reindex(index, fill_value=0)
    within_24h = g.within_24h.sum().reindex(index, fill_value=0)
    out["touched_within_24h_share"] = (within_24h / known.replace(0, np.nan)).to_numpy()
    out["pipeline_created"] = g.amount.sum().reindex(index, fill_value=0.0).to_numpy()

    # activities per working day per active rep
    acts["period"] = month(acts["at"])
    n_acts = acts.groupby(["rep_id", "period"]).size().reindex(index, fill_value=0).to_numpy()
    workdays = np.busday_count(periods.to_numpy().astype("datetime64[D]"), ends.to_numpy().astype("datetime64[D]"))
    hire = reps.set_index("rep_id").hire_date.reindex(index.get_level_values(0)).to_numpy()
    period_end = np.tile(ends.to_numpy(), len(rep_ids))
    active = pd.isna(hire) | (hire < period_end)
    out["activities_per_workday"] = n_acts / (np.tile(workdays, len(rep_ids)) * np.where(active, 1.0, np.nan))

    # stage conversion
    rank = {s: i for i, s in enumerate(STAGES)}
    h = hist[hist.stage.isin(STAGES)].copy()
    h["stage_index"] = h.stage.map(rank).astype(int)
    h = h.groupby(["opportunity_id", "stage_index"], as_index=False).entered_at.min()
    deal = opps.set_index("opportunity_id")
    h["reached"] = h.groupby("opportunity_id").stage_index.transform("max")
    h["won"] = h.opportunity_id.map(deal.outcome).to_numpy() == "won"
    h.loc[h.won, "reached"] = len(STAGES)
    h["rep_id"] = h.opportunity_id.map(deal.rep_id)
    h["period"] = month(h.entered_at)
    h["converted"] = h.reached > h.stage_index
    g = h.groupby(["rep_id", "period", "stage_index"])
    entered, converted = g.size(), g.converted.sum()
    for i, (a, b) in enumerate(zip(STAGES, STAGES[1:] + ["won"])):
        n = entered.xs(i, level="stage_index").reindex(index, fill_value=0)
        c = converted.xs(i, level="stage_index").reindex(index, fill_value=0)
        out[f"stage_conversion[{a}→{b}]"] = (c / n.replace(0, np.nan)).to_numpy()

    # open pipeline at each month end, coverage against next month's target
    open_amount = []
    for end in ends:
        is_open = (opps.created_at < end) & (opps.closed_at.isna() | (opps.closed_at >= end))
        open_amount.append(opps[is_open].groupby("rep_id").amount.sum().rename(end))
    open_pipe = pd.concat(open_amount, axis=1).reindex(rep_ids).fillna(0.0)
    out["open_pipeline"] = open_pipe.to_numpy().reshape(-1)
    out["pipeline_coverage"] = out.open_pipeline / np.where(target_next == 0, np.nan, target_next)

    # orders, surveys
    orders["period"] = month(orders.ordered_at)
    g = orders.groupby(["rep_id", "period"])
    done = g.status.apply(lambda s: (s == "completed").sum()).reindex(index, fill_value=0)
    cancelled = g.status.apply(lambda s: (s == "cancelled").sum()).reindex(index, fill_value=0)
    out["order_completion_rate"] = (done / (done + cancelled).replace(0, np.nan)).to_numpy()
    surveys["period"] = month(surveys["at"])
    g = surveys.groupby(["rep_id", "period"])
    out["csat_mean"] = g.score.mean().reindex(index).to_numpy()
    out["csat_responses"] = g.size().reindex(index, fill_value=0).to_numpy()

    # new accounts: first won deal of each account
    firsts = (won[won.account_id.notna()].sort_values(["closed_at", "opportunity_id"])
              .drop_duplicates("account_id"))
    out["new_accounts"] = firsts.groupby(["rep_id", "period"]).size().reindex(index, fill_value=0).to_numpy()

    metric_order = ["bookings", "bookings_growth_pop", "bookings_growth_yoy", "bookings_target", "quota_attainment",
                    "deals_won", "win_rate", "avg_deal_size", "cycle_days_median", "follow_up_hours_median",
                    "touched_within_24h_share", "activities_per_workday"]
    stage_cols = [c for c in out.columns if c.startswith("stage_conversion[")]
    metric_order += stage_cols + ["pipeline_created", "open_pipeline", "pipeline_coverage",
                                  "order_completion_rate", "csat_mean", "csat_responses", "new_accounts"]
    wide = out[metric_order].astype(float).reset_index()
    long = wide.melt(id_vars=["entity_id", "period"], var_name="column", value_name="value")
    split = long.column.str.extract(r"^([a-z_0-9]+)(?:\[(.*)\])?$")
    long = long.assign(entity_type="rep", metric=split[0], detail=split[1].fillna(""))
    return long[["entity_type", "entity_id", "period", "metric", "detail", "value"]]


# --------------------------------------------------------------------------- harness


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    Linux's VmHWM (reset at exec); ``ru_maxrss`` would also count the parent's memory at
    fork time, because Linux carries it across exec.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, folder: Path, out: Path) -> None:
    """Run one implementation, save its table, print timing and memory as JSON."""
    import pandas  # noqa: F401  (imports are part of the baseline, not of the timing)

    if kind == "engine":
        import ibis

        import workbench.kpi  # noqa: F401

        ibis.duckdb  # noqa: B018  (loads the backend module: import time, not compute time)
    baseline = peak_rss_mb()
    usage0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    table = run_engine(folder) if kind == "engine" else run_pandas(folder)
    seconds = time.perf_counter() - t0
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    peak = peak_rss_mb()
    table.to_parquet(out)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak, "baseline_mb": baseline,
                      "rows": len(table)}))


def measure(kind: str, folder: Path, out: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--data", str(folder), "--out", str(out)],
        capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"the {kind} run failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def compare(engine_file: Path, pandas_file: Path) -> tuple[bool, str]:
    import pandas as pd

    keys = ["entity_id", "period", "metric", "detail"]
    a = pd.read_parquet(engine_file).sort_values(keys).reset_index(drop=True)
    b = pd.read_parquet(pandas_file).sort_values(keys).reset_index(drop=True)
    if len(a) != len(b):
        return False, f"row counts differ: engine {len(a):,}, pandas {len(b):,}"
    for k in keys:
        if not (a[k].astype(str).to_numpy() == b[k].astype(str).to_numpy()).all():
            return False, f"column {k} differs"
    x, y = a["value"].to_numpy(float), b["value"].to_numpy(float)
    close = np.isclose(x, y, rtol=1e-9, atol=1e-6, equal_nan=True)
    if not close.all():
        bad = a[~close].assign(pandas=y[~close])
        summary = bad.groupby("metric").size().to_dict()
        return False, f"{(~close).sum():,} values differ by metric {summary}; e.g.\n{bad.head(5)}"
    return True, f"{len(a):,} rows, {np.isnan(x).sum():,} NaN in the same places, values within 1e-9 relative"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=2_000)
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=10_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the Parquet data here and keep it")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each implementation N times and report the fastest run (default 1)")
    add_publish_flag(parser)
    parser.add_argument("--child", choices=["engine", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.data, args.out)
        return 0

    with tempfile.TemporaryDirectory(prefix="kpi_bench_") as tmp:
        folder = args.keep or Path(tmp) / "data"
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        counts = generate(folder, args.reps, args.opportunities, args.activities, args.months, args.seed)
        print(f"generated in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{n} {c:,}" for n, c in counts.items()))
        load_before = os.getloadavg()[0]
        print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, load average before the runs: "
              f"{load_before:.1f}")
        runs = max(1, args.repeat)
        engine = min((measure("engine", folder, Path(tmp) / "engine.parquet") for _ in range(runs)),
                     key=lambda r: r["seconds"])
        pandas_ = min((measure("pandas", folder, Path(tmp) / "pandas.parquet") for _ in range(runs)),
                      key=lambda r: r["seconds"])
        ok, detail = compare(Path(tmp) / "engine.parquet", Path(tmp) / "pandas.parquet")
    ratio = {k: pandas_[k] / engine[k] for k in ("seconds", "cpu_seconds", "peak_mb")}
    goals = {"engine ≤ 3 s wall": engine["seconds"] <= 3, "≤ 1.5 GB": engine["peak_mb"] <= 1536,
             "≥ 2× faster than pandas": pandas_["seconds"] >= 2 * engine["seconds"]}
    markdown = "\n".join([
        f"Data: {args.reps:,} reps, " + ", ".join(f"{c:,} {n.replace('_', ' ')}" for n, c in counts.items()
                                                    if n != "reps")
        + f" ({args.months} months of deals), Parquet; load average {load_before:.1f} before the runs"
        + (f"; fastest of {runs} runs each" if runs > 1 else "") + ".",
        "",
        table(["rep × month KPI table", "engine (DuckDB via ibis)", "pandas", "pandas ÷ engine"], [
            ["wall time", f"{engine['seconds']:.2f} s", f"{pandas_['seconds']:.2f} s", f"{ratio['seconds']:.1f}×"],
            ["CPU time, all threads", f"{engine['cpu_seconds']:.2f} s", f"{pandas_['cpu_seconds']:.2f} s",
             f"{ratio['cpu_seconds']:.1f}×"],
            ["peak memory (RSS)", f"{engine['peak_mb']:,.0f} MB", f"{pandas_['peak_mb']:,.0f} MB",
             f"{ratio['peak_mb']:.1f}×"],
            ["of which imports", f"{engine['baseline_mb']:,.0f} MB", f"{pandas_['baseline_mb']:,.0f} MB", ""],
            ["rows", f"{engine['rows']:,}", f"{pandas_['rows']:,}", ""],
        ]),
        "",
        f"agree: {'yes' if ok else 'NO'} — {detail}",
        "",
        "goals: " + "; ".join(f"{goal}: {'met' if reached else 'NOT met'}" for goal, reached in goals.items()),
    ])
    print()
    print(markdown)
    if not args.no_publish:
        print(f"\nwritten to {publish('kpi', markdown)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
