"""The what-if app's slider round trip in a real browser: slider change → updated fan chart.

:func:`slider_latency` serves ``apps/targets_whatif.ipynb`` with Voila, opens it in headless
Chromium, moves one lever slider ``n_changes`` times with the keyboard (one step each,
alternately up and down) and times each change in the page, from the key press to the
moment the fan chart's SVG shows different paths. Between changes it waits for the rest
of the panel (the tables under the chart) to update, so each change starts with an idle
kernel. The served notebook is the committed one with the period shock given
(``shock_sd``), so the page does not run the pipeline backtest before it is ready; the
slider path is the same.

Used by ``benchmarks/whatif_bench.py``; ``python benchmarks/_whatif_browser.py`` prints the
figures.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from _voila import CHROMIUM_ARGS, ROOT, chromium, serve, stop

CONSTRUCTOR = "TargetsWhatIf(data)"

# In the page: watch for the fan chart's paths to differ from ``old`` after the next key press;
# the elapsed milliseconds land in window.__wbLatency.
_WATCH = """old => {
  const paths = () => [...document.querySelectorAll('.vega-embed svg.marks path')]
    .map(p => p.getAttribute('d')).join('|');
  window.__wbLatency = undefined;
  let t0 = null;
  document.addEventListener('keydown', () => { t0 = performance.now(); }, {capture: true, once: true});
  const check = () => {
    if (t0 !== null && document.querySelector('.vega-embed svg.marks') && paths() !== old) {
      window.__wbLatency = performance.now() - t0;
      observer.disconnect();
      return true;
    }
    return false;
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""
_PATHS = ("() => [...document.querySelectorAll('.vega-embed svg.marks path')]"
          ".map(p => p.getAttribute('d')).join('|')")


def _app_folder(folder: Path, shock_sd: float) -> Path:
    import nbformat

    notebook = nbformat.read(ROOT / "apps" / "targets_whatif.ipynb", as_version=4)
    cells = [c for c in notebook.cells if c.cell_type == "code" and CONSTRUCTOR in c.source]
    if len(cells) != 1:
        raise RuntimeError(f"apps/targets_whatif.ipynb no longer builds the panel with {CONSTRUCTOR}")
    cells[0].source = cells[0].source.replace(CONSTRUCTOR, f"TargetsWhatIf(data, shock_sd={shock_sd!r})")
    apps = folder / "apps"
    apps.mkdir()
    nbformat.write(notebook, apps / "targets_whatif.ipynb")
    return apps


def slider_latency(n_changes: int = 20, *, data=None, shock_sd: float = 0.3, lever: str = "Activity volume",
                   timeout_s: float = 300.0) -> dict:
    """Milliseconds from a lever slider's key press to the redrawn fan chart, in Voila + headless Chromium.

    Parameters
    ----------
    n_changes : int
        Slider changes timed (one keyboard step each, alternately up and down).
    data : path, optional
        Data folder served (``WORKBENCH_DATA``); default the repository's ``sample_data/``
        (80 reps), written with ``workbench.sample.write_sample`` when missing.
    shock_sd : float
        Period shock given to the model (skips the backtest at page start).
    lever : str
        English label of the slider moved (``LEVERS[key].label_en``).
    timeout_s : float
        Longest wait for the page to be ready.

    Returns
    -------
    dict
        ``p50_ms``, ``p90_ms``, ``mean_ms``, ``min_ms``, ``max_ms``, ``samples_ms`` (each change),
        ``n_changes``, ``page_ready_s`` (page open → first chart drawn), ``lever``, ``data``.
    """
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="whatif_browser_") as tmp:
        tmp = Path(tmp)
        if data is None:
            data = ROOT / "sample_data"
            if not (data / "reps.csv").exists():
                from workbench.sample import write_sample

                data = tmp / "sample_data"
                write_sample(data)
        apps = _app_folder(tmp, shock_sd)
        runtime = tmp / "voila"
        runtime.mkdir()
        proc, base = serve(apps, runtime, {"WORKBENCH_DATA": str(data), "WORKBENCH_PLANS": str(ROOT / "docs")})
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
                page = browser.new_page()
                started = time.perf_counter()
                page.goto(f"{base}/voila/render/targets_whatif.ipynb", timeout=timeout_s * 1000)
                page.locator(".wb-whatif-headline").wait_for(timeout=timeout_s * 1000)
                page.locator(".vega-embed svg.marks").first.wait_for(timeout=timeout_s * 1000)
                ready = time.perf_counter() - started
                if page.locator(".wb-error").count():
                    raise RuntimeError(f"the app shows an error: {page.locator('.wb-error').first.inner_text()}")
                handle = page.locator(".widget-slider", has_text=lever).locator(".noUi-handle")
                handle.focus()
                samples = []
                for i in range(n_changes):
                    table = page.locator("table.wb-whatif-table").text_content()
                    page.evaluate(_WATCH, page.evaluate(_PATHS))
                    handle.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                    page.wait_for_function("() => window.__wbLatency !== undefined", timeout=60_000)
                    samples.append(float(page.evaluate("() => window.__wbLatency")))
                    page.wait_for_function(  # the rest of the panel: the kernel is idle again
                        "old => document.querySelector('table.wb-whatif-table').textContent !== old",
                        arg=table, timeout=60_000)
                    page.wait_for_timeout(100)
                browser.close()
        finally:
            stop(proc)
    return {"p50_ms": float(np.percentile(samples, 50)), "p90_ms": float(np.percentile(samples, 90)),
            "mean_ms": statistics.fmean(samples), "min_ms": min(samples), "max_ms": max(samples),
            "samples_ms": samples, "n_changes": n_changes, "page_ready_s": ready, "lever": lever, "data": str(data)}


if __name__ == "__main__":
    result = slider_latency()
    print(f"slider change → updated chart over {result['n_changes']} changes ({result['lever']}, {result['data']}): "
          f"p50 {result['p50_ms']:.0f} ms, p90 {result['p90_ms']:.0f} ms "
          f"(min {result['min_ms']:.0f}, max {result['max_ms']:.0f}); page ready in {result['page_ready_s']:.1f} s")
