"""The workbench's Voila template (``share/jupyter/voila/templates/workbench``): the app index
``make run`` opens on, and app pages that request nothing outside 127.0.0.1.

The browser tests serve ``apps/`` as ``make run`` does (``JUPYTER_PATH`` and
``JUPYTER_CONFIG_PATH`` of the Makefile) and record every request the page makes; any request
that would leave the machine is aborted and fails the test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbench.sample import write_sample

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "share" / "jupyter" / "voila" / "templates" / "workbench"
APP_NOTEBOOKS = sorted(p.name for p in (ROOT / "apps").glob("*.ipynb"))
#: The environment ``make run`` gives Voila (see the Makefile's VOILA_ENV).
VOILA_ENV = {"JUPYTER_PATH": str(ROOT / "share" / "jupyter"), "JUPYTER_CONFIG_PATH": str(ROOT / "etc" / "jupyter")}
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")


def _listed_apps() -> list[str]:
    return re.findall(r'"notebook": "([^"]+)"', (TEMPLATE / "tree-lab.html").read_text(encoding="utf-8"))


def test_index_lists_every_app_notebook_once():
    assert sorted(_listed_apps()) == APP_NOTEBOOKS
    assert len(set(_listed_apps())) == len(_listed_apps())


def test_templates_link_nothing_outside_the_server():
    for path in TEMPLATE.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path.name


def test_make_run_and_the_fixtures_use_the_workbench_template():
    config = json.loads((ROOT / "etc" / "jupyter" / "voila.json").read_text(encoding="utf-8"))
    assert config["VoilaConfiguration"]["template"] == "workbench"
    assert json.loads((TEMPLATE / "conf.json").read_text(encoding="utf-8"))["base_template"] == "lab"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for name, value in VOILA_ENV.items():
        assert f"{name}=$(CURDIR)/{Path(value).relative_to(ROOT)}" in makefile
    assert re.search(r"--preheat_kernel=.*--pool_size=\$\(POOL_SIZE\)", makefile)


@pytest.fixture(scope="module")
def workbench_voila(serve_voila, tmp_path_factory):
    """``apps/`` served with the workbench template, on a small sample (24 reps, 18 months)."""
    data = tmp_path_factory.mktemp("template") / "data"
    write_sample(data, n_reps=24, months=18, seed=5)
    return serve_voila(ROOT / "apps", {**VOILA_ENV, "WORKBENCH_DATA": str(data), "WORKBENCH_PLANS": str(ROOT / "docs")})


def _record_outside_requests(page) -> list[str]:
    """Abort every request that is not to the local server; returns the list they are recorded in."""
    outside: list[str] = []

    def route(route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("websocket", lambda ws: None if ws.url.startswith(LOCAL) else outside.append(ws.url))
    return outside


def test_index_page_lists_the_five_apps_for_their_users(workbench_voila, page):
    outside = _record_outside_requests(page)
    page.goto(f"{workbench_voila}/", timeout=60_000)
    cards = page.locator("li.wb-app")
    assert cards.count() == 5
    titles = page.locator("li.wb-app h2").all_inner_texts()
    english = ["KPI scorecard", "Forecast outlook", "Team diagnosis", "Coaching", "Targets what-if"]
    assert [t.strip().startswith(e) for t, e in zip(titles, english)] == [True] * 5, titles
    for card in cards.all():
        notebook = card.get_attribute("data-notebook")
        assert card.locator("a").get_attribute("href") == f"/voila/render/{notebook}"
        assert re.match(r"For (managers|trainers|analysts) · 面向", card.locator(".wb-audience").inner_text())
        assert len(card.locator(".wb-summary").inner_text()) > 40  # a sentence, not a file name
    audiences = page.locator(".wb-audience").all_inner_texts()
    assert any("trainers" in a for a in audiences) and any("managers" in a for a in audiences)
    assert "make lab" in page.locator(".wb-analysts").inner_text()
    assert page.locator(".wb-other").count() == 0  # nothing else in apps/
    # the icons draw from Voila's own Font Awesome (no CDN)
    page.wait_for_function("() => document.fonts.check('900 16px \"Font Awesome 5 Free\"')", timeout=30_000)
    icon_font = page.evaluate("() => getComputedStyle(document.querySelector('.wb-app i.fa'), '::before').fontFamily")
    assert "Font Awesome" in icon_font
    assert outside == []


def test_index_link_opens_the_app(workbench_voila, page):
    page.goto(f"{workbench_voila}/", timeout=60_000)
    href = page.locator('li.wb-app[data-notebook="kpi_scorecard.ipynb"] a').get_attribute("href")
    outside = _record_outside_requests(page)
    page.goto(f"{workbench_voila}{href}", timeout=150_000)
    page.locator(".vega-embed svg.marks").first.wait_for(timeout=150_000)  # the chart draws offline
    assert page.locator(".wb-error").count() == 0
    assert page.locator("h1", has_text="KPI scorecard").count() == 1
    sheets = page.evaluate("() => [...document.styleSheets].map(s => s.href).filter(Boolean)")
    assert all(href.startswith("http://127.0.0.1") for href in sheets), sheets
    # an icon as ipywidgets draws one (Button(icon="undo")) gets Voila's own Font Awesome
    page.evaluate("""() => { const i = document.createElement('i'); i.className = 'fa fa-undo wb-probe';
                             document.body.appendChild(i); }""")
    page.wait_for_function("() => document.fonts.check('900 16px \"Font Awesome 5 Free\"')", timeout=30_000)
    probe = page.locator("i.wb-probe")
    assert "Font Awesome" in probe.evaluate("i => getComputedStyle(i, '::before').fontFamily")
    assert probe.evaluate("i => getComputedStyle(i, '::before').content") not in ("none", "normal", '""')
    assert outside == []
