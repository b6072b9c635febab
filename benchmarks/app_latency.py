"""How fast the five Voila apps open and answer, in headless Chromium, cold and with preheated kernels.

For each app of ``apps/`` the script measures, in one run and on the same data:

- **first full render, cold**: Voila started as ``make run POOL_SIZE=0`` would (a kernel starts
  when the page opens, imports, loads the data and builds the panel); page open → every chart
  on the page drawn and Voila done. Median of ``--runs`` visits (3).
- **first full render, preheated**: Voila started as ``make run`` does (``--preheat_kernel``), with
  kernels that have already run the app; the same measure. Median of ``--runs`` visits, each
  taking one kernel of a pool of ``--runs`` warmed before the first visit (``make run`` keeps one
  per app and refills it after each visit).
- **control change → updated chart**: on a preheated page, a control of the app (a picker, or a
  lever slider in the what-if app) is changed ``--changes`` times (20), alternately between two
  values; each is timed in the page from the change event to the moment the drawn charts differ.
  p50 and p95. Between changes the page's kernel is idle again.

Goals (issue 13): first render ≤ 8 s cold and ≤ 3 s preheated; update p50 ≤ 150 ms, p95 ≤ 1 s.
Voila is started by the script (``benchmarks/_voila.py``, the template and configuration of
``make run``), one app at a time, so one app's figures do not include another app's pool
warming up; data: ``--data`` (default the repository's ``sample_data/``, 80 reps).

``--profile`` instead times, in a fresh Python process per app, what the first render spends
(imports, load, building the panel) with the functions costing most (cProfile): the part of
the cold render that happens in the kernel.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _report import add_publish_flag, publish, table
from _voila import CHROMIUM_ARGS, ROOT, chromium, serve, stop, wait_until_idle

FIRST_RENDER_GOAL_S = 8.0
PREHEATED_GOAL_S = 3.0
UPDATE_P50_GOAL_MS = 150.0
UPDATE_P95_GOAL_MS = 1000.0


@dataclass(frozen=True)
class AppCase:
    """One app: its notebook, its panel class, the control changed (a dropdown or a slider, by
    label) and what its first view shows: ``min_charts`` drawn charts and the ``ready`` element."""

    notebook: str
    title: str
    panel: str
    control: str
    kind: str = "dropdown"  # or "slider"
    min_charts: int = 1
    ready: str = ""


APPS = (
    AppCase("kpi_scorecard.ipynb", "KPI scorecard", "KpiScorecard", "Chart"),
    # no chart until a rep is picked: the first view is the findings table; a rep change redraws both charts
    AppCase("team_diagnosis.ipynb", "Team diagnosis", "TeamDiagnosis", "Rep", min_charts=0, ready="table.wb-findings"),
    AppCase("coaching.ipynb", "Coaching", "CoachingPanel", "Team"),
    AppCase("forecast_outlook.ipynb", "Forecast outlook", "ForecastOutlook", "Level"),
    AppCase("targets_whatif.ipynb", "Targets what-if", "TargetsWhatIf", "Activity volume", "slider"),
)

# In the page: every chart on the page drawn, and Voila done running the notebook.
_READY = """([minCharts, ready]) => {
  const cells = document.querySelector('#rendered_cells');
  if (!cells || getComputedStyle(cells).display === 'none') return -1;
  if (document.querySelector('.wb-error')) return -2;
  if (ready && !document.querySelector(ready)) return -1;
  const embeds = [...document.querySelectorAll('.vega-embed')];
  if (embeds.length < minCharts || !embeds.every(e => e.querySelector('svg.marks, canvas.marks'))) return -1;
  return embeds.length + 1;
}"""
# What the drawn charts show: paths and texts of every chart.
_CHARTS = """() => [...document.querySelectorAll('.vega-embed svg.marks')].map(svg =>
  [...svg.querySelectorAll('path, text')].map(n => n.getAttribute('d') || n.textContent).join('|')).join('#')"""
# Watch for the charts to differ from ``old`` after the next change / key press; ms in window.__wbLatency.
_WATCH = """old => {
  const charts = """ + _CHARTS + """;
  window.__wbLatency = undefined;
  let t0 = null;
  const start = () => { if (t0 === null) t0 = performance.now(); };
  for (const type of ['keydown', 'change', 'input']) document.addEventListener(type, start, {capture: true, once: true});
  const observer = new MutationObserver(() => {
    if (t0 !== null && charts() !== old) { window.__wbLatency = performance.now() - t0; observer.disconnect(); }
  });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def _kernel_id(page) -> str:
    return page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def close(page, base: str) -> None:
    """Close the page and shut its kernel down (each holds the data; the machine has other work)."""
    try:
        kernel_id = _kernel_id(page)
    except Exception:  # noqa: BLE001 - the page never got a kernel
        page.close()
        return
    page.close(run_before_unload=True)  # Voila's page asks for its kernel's shutdown on unload
    try:
        urllib.request.urlopen(urllib.request.Request(f"{base}/api/kernels/{kernel_id}", method="DELETE"), timeout=30)
    except OSError:
        pass  # already gone


def _kernel_idle(page, base: str, timeout_s: float = 120.0) -> None:
    """Wait until the page's kernel has finished what the last change started."""
    kernel_id = _kernel_id(page)
    deadline = time.monotonic() + timeout_s
    idle_since = None
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/kernels/{kernel_id}", timeout=5) as response:
            idle = json.load(response).get("execution_state") == "idle"
        if not idle:
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since > 0.3:
            return
        time.sleep(0.05)
    raise TimeoutError("the page's kernel stayed busy")


def first_render(browser, base: str, app: AppCase, timeout_s: float) -> tuple[float, object]:
    """Seconds from opening the app's page to every chart drawn; returns them and the open page."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        return _first_render(page, base, app, timeout_s), page
    except Exception:
        close(page, base)
        raise


def _first_render(page, base: str, app: AppCase, timeout_s: float) -> float:
    started = time.perf_counter()
    page.goto(f"{base}/voila/render/{app.notebook}", timeout=timeout_s * 1000)
    deadline = started + timeout_s
    ready_at, count = None, None
    while time.perf_counter() < deadline:
        state = page.evaluate(_READY, [app.min_charts, app.ready])
        now = time.perf_counter()
        if state == -2:
            raise RuntimeError(f"{app.title} shows an error: {page.locator('.wb-error').first.inner_text()[:300]}")
        if state > 0 and state == count:
            if now - ready_at >= 0.5:  # the same charts, all drawn, for half a second
                return ready_at - started
        elif state > 0:
            ready_at, count = now, state
        else:
            ready_at, count = None, None
        page.wait_for_timeout(50)
    raise TimeoutError(f"{app.title} not drawn within {timeout_s:.0f} s")


def _settled(page, timeout_s: float) -> None:
    """Wait until the page shows at least one chart and every chart on it is drawn, for half a second."""
    deadline = time.perf_counter() + timeout_s
    since, count = None, None
    while time.perf_counter() < deadline:
        state = page.evaluate(_READY, [1, ""])
        if state > 0 and state == count:
            if time.perf_counter() - since >= 0.5:
                return
        elif state > 0:
            since, count = time.perf_counter(), state
        else:
            since, count = None, None
        page.wait_for_timeout(50)
    raise TimeoutError(f"the charts were not drawn within {timeout_s:.0f} s")


def update_latency(page, base: str, app: AppCase, n_changes: int) -> list[float]:
    """Milliseconds from each control change to the redrawn charts, ``n_changes`` times."""
    if app.kind == "slider":
        handle = page.locator(".widget-slider", has_text=app.control).locator(".noUi-handle").first
        handle.focus()

        def change(i):
            handle.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
    else:
        select = page.locator(".widget-dropdown", has_text=app.control).locator("select").first
        values = select.evaluate("s => [...s.options].filter(o => !['', '—'].includes(o.textContent.trim()))"
                                 ".map(o => o.value)")
        current = select.evaluate("s => s.value")
        pair = [next(v for v in values if v != current), current] if current in values else values[:2]
        if current not in values:  # e.g. no rep picked yet: pick one first (not timed), so both draw charts
            select.select_option(pair[1])
            _settled(page, 300.0)  # every chart of that first pick drawn, not only the first one
            _kernel_idle(page, base)

        def change(i):
            select.select_option(pair[i % 2])
    samples = []
    for i in range(n_changes):
        page.evaluate(_WATCH, page.evaluate(_CHARTS))
        change(i)
        page.wait_for_function("() => window.__wbLatency !== undefined", timeout=120_000)
        samples.append(float(page.evaluate("() => window.__wbLatency")))
        _kernel_idle(page, base)
    return samples


def measure(apps: tuple[AppCase, ...], data: Path, runs: int, n_changes: int, timeout_s: float,
            checkpoint: Path | None = None, modes: tuple[str, ...] = ("cold", "preheated")) -> dict:
    """Cold and preheated first renders and update latencies, per app notebook.

    One app at a time: Voila serves a folder holding only that app's notebook, first cold,
    then with a preheated pool of one kernel (what ``make run`` keeps for every app), so the
    figures of one app do not wait for, or compete with, the others' pools. After every app
    the results so far are written to ``checkpoint`` (JSON) when given.
    """
    from playwright.sync_api import sync_playwright

    env = {"WORKBENCH_DATA": str(data), "WORKBENCH_PLANS": str(ROOT / "docs")}
    results = {app.notebook: {"first": [], "cold": [], "preheated": [], "updates": [], "errors": []} for app in apps}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        for app in apps:
            with tempfile.TemporaryDirectory(prefix="app_latency_") as tmp:
                served = Path(tmp) / "apps"
                served.mkdir()
                shutil.copy(ROOT / "apps" / app.notebook, served / app.notebook)
                # Preheated: a pool of ``runs`` kernels, warmed together; refills wait an hour, so the
                # visits (each takes a warm kernel, as from make run's pool) and the control changes
                # after them do not compete with a kernel running the app in the background.
                preheated = ("--preheat_kernel=True", f"--pool_size={runs}", "--VoilaKernelManager.fill_delay=3600")
                # A cache folder of its own, empty: the first cold visit is the first open ever of this
                # data (it loads, validates and fits, then keeps them); later visits read them back.
                cached = {**env, "WORKBENCH_CACHE_DIR": str(Path(tmp) / "cache")}
                for mode, args in (("cold", ()), ("preheated", preheated)):
                    if mode not in modes:
                        continue
                    runtime = Path(tmp) / mode
                    runtime.mkdir()
                    proc, base = serve(served, runtime, cached, args)
                    try:
                        _visits(browser, base, runtime, app, mode, runs, n_changes, timeout_s, results[app.notebook])
                    finally:
                        stop(proc)
            if checkpoint is not None:
                checkpoint.write_text(json.dumps(results, indent=1), encoding="utf-8")
        browser.close()
    return results


def _visits(browser, base: str, runtime: Path, app: AppCase, mode: str, runs: int, n_changes: int,
            timeout_s: float, result: dict) -> None:
    if mode == "preheated":  # every pooled kernel done running the app
        waited = wait_until_idle(base, runtime, min_kernels=runs, timeout_s=timeout_s * 3)
        print(f"  [{mode}] pool of {runs} warm after {waited:.0f} s", file=sys.stderr)
    visits = [("first", 0)] if mode == "cold" else []  # the first cold visit fills the empty cache
    for kind, run in visits + [(mode, run) for run in range(runs)]:
        try:
            seconds, page = first_render(browser, base, app, timeout_s)
        except Exception as err:  # noqa: BLE001 - a page that never finishes (Playwright's timeout too)
            result["errors"].append(f"{kind}: {err}")
            print(f"  [{kind}] {app.title}: {err}", file=sys.stderr)
            continue
        result.setdefault(kind, []).append(seconds)
        print(f"  [{mode}] {app.title}: first render {seconds:.1f} s", file=sys.stderr)
        if mode == "preheated" and run == runs - 1 and n_changes:
            try:
                result["updates"] = update_latency(page, base, app, n_changes)
                print(f"  [{mode}] {app.title}: updates p50 {np.percentile(result['updates'], 50):.0f} ms, "
                      f"p95 {np.percentile(result['updates'], 95):.0f} ms: {json.dumps(result['updates'])}",
                      file=sys.stderr)
            except Exception as err:  # noqa: BLE001 - report it, measure the other apps
                result["errors"].append(f"updates: {type(err).__name__}: {err}")
                print(f"  [{mode}] {app.title}: updates failed: {err}", file=sys.stderr)
        close(page, base)


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(apps: tuple[AppCase, ...], results: dict, data_label: str, runs: int, n_changes: int,
           note: str = "") -> str:
    rows = []
    for app in apps:
        r = results[app.notebook]
        if not r["cold"] and not r["preheated"] and not r["errors"]:
            rows.append([app.title, "not measured", "", "", "", "", "", "", "", ""])
            continue
        # a visit that timed out counts as longer than its timeout (it is in the median, as "> N s")
        timed_out = {mode: [float(m) for e in r["errors"] if e.startswith(f"{mode}:")
                            for m in re.findall(r"within (\d+) s", e)] for mode in ("cold", "preheated")}
        cold = statistics.median(r["cold"] + [math.inf] * len(timed_out["cold"]) or [math.nan])
        hot = statistics.median(r["preheated"] + [math.inf] * len(timed_out["preheated"]) or [math.nan])

        def shown(value, mode):
            if math.isnan(value):
                return "not measured"
            if math.isinf(value):
                return f"> {min(timed_out[mode]):.0f} s"
            visits = len(r[mode]) + len(timed_out[mode])
            return f"{value:.1f} s" + ("" if visits == runs else f" (of {visits})")

        ratio = "–" if not (math.isfinite(cold) and math.isfinite(hot)) else f"{cold / hot:.1f}×"
        if math.isinf(cold) and math.isfinite(hot):
            ratio = f"> {min(timed_out['cold']) / hot:.0f}×"
        first = r.get("first") or []
        first_shown = f"{first[0]:.1f} s" if first else ("> timeout" if any(e.startswith("first:") for e in r["errors"])
                                                         else "not measured")
        row = [app.title, first_shown, shown(cold, "cold"), shown(hot, "preheated"), ratio,
               f"{_met(cold <= FIRST_RENDER_GOAL_S)} / {_met(hot <= PREHEATED_GOAL_S)}"]
        if r["updates"]:
            p50, p95 = np.percentile(r["updates"], 50), np.percentile(r["updates"], 95)
            row += [f"{app.control} ({app.kind})", f"{p50:.0f} ms", f"{p95:.0f} ms",
                    f"{_met(p50 <= UPDATE_P50_GOAL_MS)} / {_met(p95 <= UPDATE_P95_GOAL_MS)}"]
        else:
            row += [f"{app.control} ({app.kind})", "–", "–", "not measured"]
        rows.append(row)
    header = ["app", "first open ever (empty cache)", f"first render, cold (median of {runs})",
              f"preheated (median of {runs})", "cold / preheated",
              "goal ≤ 8 s / ≤ 3 s", "control changed", f"update p50 ({n_changes})", "update p95", "goal p50 / p95"]
    raw = "; ".join(f"{app.title} cold " + ", ".join(f"{s:.1f}" for s in results[app.notebook]["cold"])
                    + " / preheated " + ", ".join(f"{s:.1f}" for s in results[app.notebook]["preheated"])
                    for app in apps)
    notes = [f"Voila + headless Chromium, data: {data_label}. First render: page open → every chart on the page "
             "drawn and Voila done. First open ever: a new kernel on data never opened before (an empty cache: it "
             "loads, validates and fits, and keeps them); cold: a new kernel on data opened before (the data and "
             "the fits read back from the cache). Update: the change event in the page → the drawn charts differ "
             "(the page's kernel idle between changes). Preheated: Voila's preheated kernels as `make run` starts them.",
             f"Each visit (s): {raw}."]
    errors = [f"{app.title}: {e}" for app in apps for e in results[app.notebook].get("errors", [])]
    if errors:
        notes.append("Failed: " + "; ".join(errors)[:1000] + ".")
    if note:
        notes.append(note)
    return "\n".join([table(header, rows, align="lrrrrlllrl"), "", *notes])


def profile(app: AppCase, data: Path, top: int = 12, cache_dir: Path | None = None) -> str:
    """In a fresh Python process: seconds for imports, load and panel build, and the costliest functions.

    What a cold visit's kernel does after it started (the notebook's import cell, then ``app(...)``),
    wall and CPU seconds; the CPU seconds depend less on what else the machine runs. The process
    runs twice on one cache folder (``cache_dir``, else a new temporary one): the first fills it
    (the first open ever), the second, reported, reads the data and the kept results back, as
    the cold visits of the browser measure do.
    """
    code = f"""
import cProfile, io, pstats, sys, time
w0, c0 = time.perf_counter(), time.process_time()
from workbench import load
from workbench.apps import {app.panel}, default_data_source
w1, c1 = time.perf_counter(), time.process_time()
data = load({str(data)!r})
w2, c2 = time.perf_counter(), time.process_time()
prof = cProfile.Profile()
prof.enable()
panel = {app.panel}(data)
prof.disable()
w3, c3 = time.perf_counter(), time.process_time()
heavy = [m for m in ("altair", "jsonschema", "rfc3987_syntax", "ibis", "duckdb", "scipy", "statsmodels", "sklearn",
                     "statsforecast") if m in sys.modules]
print(f"total {{w3 - w0:.1f}} s wall / {{c3 - c0:.1f}} s CPU: imports {{w1 - w0:.1f}} s ({{c1 - c0:.1f}} CPU), "
      f"load {{w2 - w1:.1f}} s ({{c2 - c1:.1f}} CPU), panel {{w3 - w2:.1f}} s ({{c3 - c2:.1f}} CPU); "
      f"imported by then: {{', '.join(heavy)}}")
out = io.StringIO()
stats = pstats.Stats(prof, stream=out).sort_stats("cumulative")
stats.print_stats(r"workbench|sklearn|statsforecast|statsmodels|altair|duckdb|ibis", {top * 3})
lines = [l for l in out.getvalue().splitlines() if l.strip() and (l.strip()[0].isdigit())]
print("\\n".join(lines[:{top * 3}]))
"""
    with tempfile.TemporaryDirectory(prefix="app_latency_cache_") as tmp:
        env = {**os.environ, "WORKBENCH_PLANS": str(ROOT / "docs"), "WORKBENCH_CACHE_DIR": str(cache_dir or tmp)}
        for _ in range(2):  # the first run fills the cache folder; the second is reported
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
            if done.returncode:
                return f"{app.title}: failed\n{done.stderr[-2000:]}"
    return f"## {app.title}\n{done.stdout}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "sample_data",
                        help="data folder (WORKBENCH_DATA); 'small' writes a small sample (24 reps, 18 months)")
    parser.add_argument("--runs", type=int, default=3, help="first renders per app and mode (median)")
    parser.add_argument("--changes", type=int, default=20, help="control changes per app (p50, p95)")
    parser.add_argument("--apps", nargs="*", default=[a.notebook.removesuffix(".ipynb") for a in APPS],
                        help="apps to measure (notebook names without .ipynb)")
    parser.add_argument("--timeout", type=float, default=300.0, help="longest wait for one page (s)")
    parser.add_argument("--profile", action="store_true", help="profile the kernel side of each first render instead")
    parser.add_argument("--modes", nargs="+", choices=["cold", "preheated"], default=["cold", "preheated"],
                        help="what to measure (default both)")
    parser.add_argument("--note", default="", help="a line added under the table (e.g. how the run was split)")
    parser.add_argument("--json", type=Path, help="write the raw results here as they come (JSON)")
    parser.add_argument("--from-json", type=Path, help="report (and publish) results written by --json; no measuring")
    args = add_publish_flag(parser).parse_args()
    apps = tuple(a for a in APPS if a.notebook.removesuffix(".ipynb") in args.apps)
    if str(args.data) == "small":
        from workbench.sample import write_sample

        data = Path(tempfile.mkdtemp(prefix="app_latency_data_"))
        write_sample(data, n_reps=24, months=18, seed=5)
        data_label = "small sample (24 reps, 18 months, `write_sample(n_reps=24, months=18, seed=5)`)"
    else:
        data = args.data.resolve()
        if not (data / "reps.csv").exists() and not any(data.glob("reps.*")):
            from workbench.sample import write_sample

            write_sample(data)
        data_label = f"`{data.relative_to(ROOT) if data.is_relative_to(ROOT) else data}`"
    if args.profile:
        for app in apps:
            print(profile(app, data))
        return
    if args.from_json:  # apps missing there show as not measured
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        empty = {"cold": [], "preheated": [], "updates": [], "errors": ["not measured in this run"]}
        results = {a.notebook: saved.get(a.notebook, empty) for a in apps}
    else:
        results = measure(apps, data, args.runs, args.changes, args.timeout, checkpoint=args.json,
                          modes=tuple(args.modes))
    markdown = report(apps, results, data_label, args.runs, args.changes, args.note)
    print(markdown)
    if not args.no_publish and len(apps) == len(APPS):
        print(f"\nwritten to {publish('app_latency', markdown)}")


if __name__ == "__main__":
    main()
