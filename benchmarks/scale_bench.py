"""Benchmark: the KPI table for 10 M and 100 M activity rows on one machine, three ways.

The same KPI expressions (:mod:`workbench.kpi.expressions`) run on the same Parquet files,
read in place through :func:`workbench.connect`:

* ``duckdb``: DuckDB with its defaults (it may use most of the machine's memory);
* ``duckdb-limited``: DuckDB with ``memory_limit`` (default ``2GB``) and a
  ``temp_directory`` to spill to — the out-of-core set-up of ``docs/scale.md``;
* ``spark``: PySpark in local mode (``local[*]``) through ibis's pyspark backend
  (needs ``pip install '.[spark]'`` and a Java runtime; skipped with a note otherwise).

Data: 2,000 reps, 1 M opportunities (with stage history, orders, surveys, targets and
market sizes, as ``benchmarks/kpi_bench.py`` makes them) and N activities. Activities
are written in chunks of ``--chunk`` rows to ``activities/part-*.parquet``, so the
generator never holds more than one chunk in memory. The data are generated once into
``--cache`` (default ``/tmp/workbench_scale_bench``) and reused by later runs.

Each case runs in its own subprocess and reports its wall and CPU time (connect + KPI
table for every rep x month) and peak memory. The Spark case starts its session (Spark's
JVM) first, as a Spark user connects to a session that is already running; that start is
timed and printed in its own column, and the "with start" ratio adds it back. Peak
memory: the subprocess's VmHWM plus, for Spark, the peak resident memory of the Java
process it starts (sampled with psutil), since Spark's work happens there. The parent prints the cases side by side with ratios to DuckDB's
default and checks that every case gives the same table.

Run: ``.venv/bin/python benchmarks/scale_bench.py`` (``--sizes 10000000`` for the 10 M
case only; ``--no-publish`` to print only). Goals: 100 M rows <= 60 s and <= 4 GB peak
on DuckDB; Spark local mode within 5x DuckDB's wall time at 10 M rows (connect + KPI
table, the session running).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from _report import add_publish_flag, publish, table
from kpi_bench import STAGES, START, US_PER_HOUR, _ids, _ts, compare, generate, peak_rss_mb

BASE = {"reps": 2_000, "opportunities": 1_000_000, "months": 24, "seed": 7}
CASES = ("duckdb", "duckdb-limited", "spark")


# --------------------------------------------------------------------------- data


def base_tables(cache: Path) -> Path:
    """Reps, opportunities and the small tables, generated once into ``cache/base``."""
    folder = cache / "base"
    done = folder / ".complete"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        generate(folder, BASE["reps"], BASE["opportunities"], 0, BASE["months"], BASE["seed"])
        (folder / "activities.parquet").unlink()  # written per size, in chunks
        done.write_text(json.dumps(BASE))
    return folder


def activity_chunks(folder: Path, opportunities: Path, n_activities: int, chunk: int, seed: int) -> None:
    """Write ``n_activities`` activities to ``folder/part-*.parquet``, ``chunk`` rows at a time.

    Same distribution as ``kpi_bench.generate``: 70 % logged on a deal (by the deal's rep,
    hours after its creation), the rest at random times by random reps.
    """
    opps = pq.read_table(opportunities, columns=["rep_id", "created_at"])
    rep_ids = pc.utf8_slice_codeunits(opps.column("rep_id"), 1)  # "R00042" -> 42
    opp_rep = pc.cast(rep_ids, pa.int64()).to_numpy()
    created = (opps.column("created_at").to_numpy().astype("datetime64[us]") - START).astype(np.int64)
    n_opps, n_reps = len(created), BASE["reps"]
    end = (START.astype("datetime64[M]") + BASE["months"]).astype("datetime64[us]")
    span_us = int((end - START).astype(np.int64))
    folder.mkdir(parents=True, exist_ok=True)
    for part, first in enumerate(range(0, n_activities, chunk)):
        n = min(chunk, n_activities - first)
        rng = np.random.default_rng([seed, part])
        on_deal = rng.random(n) < 0.7
        act_opp = rng.integers(0, n_opps, n)
        act_rep = np.where(on_deal, opp_rep[act_opp], rng.integers(0, n_reps, n))
        act_at = np.where(on_deal, created[act_opp] + (rng.exponential(30.0, n) * US_PER_HOUR).astype(np.int64),
                          rng.integers(0, span_us, n))
        act_at = np.minimum(act_at, span_us - 1)
        pq.write_table(pa.table({
            "activity_id": _ids("X", np.arange(first, first + n), 9),
            "rep_id": _ids("R", act_rep, 5),
            "opportunity_id": pc.if_else(pa.array(on_deal), _ids("O", act_opp, 7), pa.scalar(None, pa.string())),
            "account_id": pa.nulls(n, pa.string()),
            "type": pa.array(np.array(["call", "email", "meeting", "demo", "visit", "other"])[rng.integers(0, 6, n)]),
            "at": _ts(act_at),
        }), folder / f"part-{part:04d}.parquet", coerce_timestamps="us")


def dataset(cache: Path, n_activities: int, chunk: int) -> Path:
    """The folder for ``n_activities`` activities: links to the base tables plus an ``activities/`` folder."""
    base = base_tables(cache)
    folder = cache / f"activities_{n_activities}"
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for path in base.glob("*.parquet"):
        link = folder / path.name
        if not link.exists():
            link.symlink_to(path)
    activity_chunks(folder / "activities", base / "opportunities.parquet", n_activities, chunk, BASE["seed"])
    done.write_text(str(n_activities))
    return folder


# --------------------------------------------------------------------------- one case, in a subprocess


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` and its descendants (the JVM Spark starts), in MB."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def _tree_cpu_seconds() -> float:
    """CPU time (user + system) of this process and its live descendants (the JVM Spark starts)."""
    import psutil

    me = psutil.Process()
    total = 0.0
    for proc in [me, *me.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


class TreePeak:
    """Sample the resident memory of this process and its children every 0.1 s; keep the peak."""

    def __init__(self):
        self.peak_mb, self._stop = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(os.getpid()))
            self._stop.wait(0.1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, _tree_rss_mb(os.getpid()))


def case_options(case: str, spill: Path, memory_limit: str, spark_memory: str) -> tuple[str, dict]:
    """Engine name and options of a case."""
    if case == "duckdb":
        return "duckdb", {}
    if case == "duckdb-limited":
        return "duckdb", {"memory_limit": memory_limit, "temp_directory": str(spill)}
    return "spark", {"master": "local[*]", "config": {"spark.driver.memory": spark_memory}}


def child(case: str, folder: Path, out: Path, spill: Path, memory_limit: str, spark_memory: str) -> None:
    """Run one case: connect + the rep x month KPI table; save it; print time and memory as JSON."""
    import pandas  # noqa: F401  (imports are part of the baseline, not of the timing)

    import workbench
    from workbench.kpi import compute_kpis
    from workbench.kpi.backends import spark_session

    engine, options = case_options(case, spill, memory_limit, spark_memory)
    baseline = peak_rss_mb()
    with TreePeak() as tree:
        start = {}
        if engine == "spark":  # a Spark user connects to a running session: its start is timed on its own
            cpu0, t0 = _tree_cpu_seconds(), time.perf_counter()
            engine = spark_session(**options)
            options = {}
            start = {"start_seconds": time.perf_counter() - t0, "start_cpu_seconds": _tree_cpu_seconds() - cpu0}
        cpu0, t0 = _tree_cpu_seconds(), time.perf_counter()
        tables = workbench.connect(folder, engine=engine, stages=STAGES, **options)
        kpis = compute_kpis(tables, by="rep", freq="M")
        seconds, cpu = time.perf_counter() - t0, _tree_cpu_seconds() - cpu0
    kpis.to_parquet(out)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, **start, "peak_mb": max(peak_rss_mb(), tree.peak_mb),
                      "python_peak_mb": peak_rss_mb(), "baseline_mb": baseline, "rows": len(kpis)}))


def measure(case: str, folder: Path, out: Path, args) -> dict:
    """Run ``case`` in a subprocess (its own process group, so a timeout also ends Spark's JVM)."""
    child_process = subprocess.Popen(
        [sys.executable, __file__, "--child", case, "--data", str(folder), "--out", str(out),
         "--memory-limit", args.memory_limit, "--spark-memory", args.spark_memory, "--cache", str(args.cache)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        stdout, stderr = child_process.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child_process.pid, signal.SIGKILL)
        child_process.communicate()
        return {"error": f"stopped after {args.timeout:,} s (--timeout)"}
    if child_process.returncode != 0:
        return {"error": "\n".join(stderr.strip().splitlines()[-15:])}
    return json.loads(stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report


def _spark_available() -> str:
    """Empty when the Spark case can run, else why not."""
    try:
        from workbench.kpi.backends import _require_java, _require_pyspark_backend

        _require_pyspark_backend()
        _require_java()
    except ImportError as err:
        return str(err)
    return ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000000,100000000",
                        help="activity rows per case, comma separated (default 10 M and 100 M)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"which of {', '.join(CASES)} to run (default all)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/workbench_scale_bench"),
                        help="where the generated Parquet data are kept between runs")
    parser.add_argument("--chunk", type=int, default=5_000_000, help="activity rows per Parquet part file")
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB memory_limit of the limited case")
    parser.add_argument("--spark-memory", default="4g", help="spark.driver.memory of the Spark case")
    parser.add_argument("--spark-sizes", help="run the Spark case only at these sizes (default: every size)")
    parser.add_argument("--timeout", type=int, default=3600, help="stop a case after this many seconds (default 3600)")
    add_publish_flag(parser)
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    spill = args.cache / "spill"
    if args.child:
        child(args.child, args.data, args.out, spill, args.memory_limit, args.spark_memory)
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    spark_sizes = [int(s) for s in args.spark_sizes.split(",") if s.strip()] if args.spark_sizes else sizes
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose from {list(CASES)}")
    no_spark = _spark_available() if "spark" in cases else ""
    if no_spark:
        print(f"Spark case skipped: {no_spark}")
        cases = [c for c in cases if c != "spark"]
    spill.mkdir(parents=True, exist_ok=True)
    results, agreement = {}, {}
    load_before = os.getloadavg()[0]
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, load average before the runs: {load_before:.1f}")
    for size in sizes:
        t0 = time.perf_counter()
        folder = dataset(args.cache, size, args.chunk)
        print(f"data for {size:,} activities ready in {time.perf_counter() - t0:.1f} s: {folder}")
        outs = {}
        for case in cases:
            outs[case] = args.cache / f"kpis_{case}_{size}.parquet"
            if case == "spark" and size not in spark_sizes:
                results[size, case] = {"error": "not run (--spark-sizes)"}
                continue
            results[size, case] = measure(case, folder, outs[case], args)
            print(f"  {size:>12,} {case:<15} {json.dumps(results[size, case])[:300]}", flush=True)
        first = next((c for c in cases if "error" not in results[size, c]), None)
        for case in cases:
            if case != first and first is not None and "error" not in results[size, case]:
                agreement[size, case] = compare(outs[case], outs[first])

    header = ["activity rows", "engine", "wall time", "CPU time", "time ÷ DuckDB", "CPU ÷ DuckDB",
              "session start (wall / CPU)", "with start ÷ DuckDB", "peak memory", "memory ÷ DuckDB", "rows"]
    rows = []
    for size in sizes:
        base = results.get((size, "duckdb"), {})
        for case in cases:
            r = results[size, case]
            if "error" in r:
                shown = r["error"] if r["error"].startswith(("not run", "stopped")) else "failed"
                rows.append([f"{size:,}", _label(case, args), shown, *[""] * (len(header) - 3)])
                continue
            start = r.get("start_seconds", 0.0)
            rel_t = f"{r['seconds'] / base['seconds']:.2f}×" if "seconds" in base else ""
            rel_c = f"{r['cpu_seconds'] / base['cpu_seconds']:.2f}×" if "cpu_seconds" in base else ""
            with_start = f"{(r['seconds'] + start) / base['seconds']:.2f}×" if "seconds" in base else ""
            rel_m = f"{r['peak_mb'] / base['peak_mb']:.2f}×" if "peak_mb" in base else ""
            started = f"{start:.1f} s / {r['start_cpu_seconds']:.1f} s" if "start_seconds" in r else "–"
            rows.append([f"{size:,}", _label(case, args), f"{r['seconds']:.1f} s", f"{r['cpu_seconds']:.1f} s",
                         rel_t, rel_c, started, with_start, f"{r['peak_mb']:,.0f} MB", rel_m, f"{r['rows']:,}"])
    goals = {}
    big = max(sizes)
    duck_big = [results.get((big, c)) for c in ("duckdb", "duckdb-limited") if (big, c) in results]
    duck_big = [r for r in duck_big if r and "error" not in r]
    if big >= 100_000_000 and duck_big:
        best = min(duck_big, key=lambda r: r["seconds"])
        leanest = min(duck_big, key=lambda r: r["peak_mb"])
        goals[f"DuckDB {big / 1e6:.0f} M rows ≤ 60 s"] = best["seconds"] <= 60
        goals[f"DuckDB {big / 1e6:.0f} M rows ≤ 4 GB peak"] = leanest["peak_mb"] <= 4096
    small = 10_000_000
    if (small, "spark") in results and (small, "duckdb") in results and "error" not in results[small, "spark"]:
        goals["Spark local ≤ 5× DuckDB at 10 M rows (session running; its start in its own column)"] = (
            results[small, "spark"]["seconds"] <= 5 * results[small, "duckdb"]["seconds"])
    all_agree = all(ok for ok, _ in agreement.values())
    agree_lines = [f"- {size:,} rows, {_label(case, args)} vs DuckDB: {'same table' if ok else 'DIFFERENT'} — {detail}"
                   for (size, case), (ok, detail) in agreement.items()]
    markdown = "\n".join([
        f"Data: {BASE['reps']:,} reps, {BASE['opportunities']:,} opportunities ({BASE['months']} months) and "
        f"N activities in Parquet part files of {args.chunk:,} rows, read in place by each engine "
        f"(`workbench.connect`); the KPI table is every KPI for every rep × month. Wall time: connect + KPI "
        f"table. Spark's session is started first, as a Spark user connects to a session already running: its start "
        f"(the JVM) is timed in its own column and not in the wall time, and \"with start\" adds it back. Peak "
        f"memory: the Python process and (Spark) its Java process. Load average {load_before:.1f} "
        f"before the runs; {os.cpu_count()} cores. When the load average exceeds the cores, other processes "
        f"share them and wall times grow; CPU time (all threads, and Spark's JVM) is what each engine used.",
        "",
        table(header, rows),
        "",
        *agree_lines,
        "",
        ("Spark not run: " + no_spark) if no_spark else "",
        "goals: " + "; ".join(f"{goal}: {'met' if reached else 'NOT met'}" for goal, reached in goals.items()),
    ])
    print()
    print(markdown)
    if not args.no_publish:
        print(f"\nwritten to {publish('scale', markdown)}")
    failed = any("error" in r and not r["error"].startswith("not run") for r in results.values())
    return 0 if all_agree and not failed else 1


def _label(case: str, args) -> str:
    return {"duckdb": "DuckDB (defaults)", "duckdb-limited": f"DuckDB, memory_limit {args.memory_limit}",
            "spark": f"Spark local[*], driver {args.spark_memory}"}[case]


if __name__ == "__main__":
    sys.exit(main())
