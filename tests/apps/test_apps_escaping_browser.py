"""In a real browser, a team name or rep id that is a script payload shows as text and never runs.

Voila serves the team diagnosis app on the hostile case ``html-script-payloads``
(:mod:`tests.hostile.html_cases`), whose team, rep id, rep name, region, product, loss
reason, competitor, account and module title each set ``window.__xss`` if parsed as markup.
Headless Chromium picks the hostile team and rep; ``window.__xss`` must stay undefined and
the names must read exactly as typed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.hostile.html_cases import PAYLOADS, write_hostile_folder

ROOT = Path(__file__).resolve().parents[2]

#: Elements a payload would create inside the widgets' HTML if it were not escaped.
INJECTED = ".widget-html-content :is(img, script, svg, iframe, [onerror], [onload], [onmouseover])"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def hostile_voila(tmp_path_factory):
    """Voila serving ``apps/`` on the hostile data folder; yields the base URL."""
    runtime = tmp_path_factory.mktemp("voila-hostile")
    write_hostile_folder(runtime / "data")
    port = _free_port()
    env = {**os.environ, "JUPYTER_DATA_DIR": str(runtime / "jdata"), "JUPYTER_RUNTIME_DIR": str(runtime / "rt"),
           "WORKBENCH_DATA": str(runtime / "data")}
    log = open(runtime / "voila.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", str(ROOT / "apps"), "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", f"--Voila.connection_dir_root={runtime}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/voila/static/voila.js", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Voila did not start; log:\n{(runtime / 'voila.log').read_text()[-3000:]}")
        time.sleep(0.3)
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


def test_team_diagnosis_shows_hostile_names_as_text_and_runs_no_script(hostile_voila, page):
    page.goto(f"{hostile_voila}/voila/render/team_diagnosis.ipynb", timeout=150_000)
    page.locator("table.wb-findings").wait_for(timeout=150_000)
    team_table = page.locator("table.wb-team-table")
    assert PAYLOADS["team"] in team_table.inner_text()

    pickers = page.locator(".widget-dropdown select")
    team_picker, rep_picker, lang_picker = pickers.nth(1), pickers.nth(2), pickers.nth(3)
    team_picker.select_option(label=PAYLOADS["team"])
    heading = page.locator(".wb-team-summary h3")
    page.wait_for_function("() => document.querySelector('.wb-team-summary h3')?.textContent.startsWith('Team ')",
                           timeout=60_000)
    assert page.evaluate("window.__xss") is None
    assert heading.inner_text().startswith(f"Team {PAYLOADS['team']} · ")
    rep_picker.select_option(label=PAYLOADS["rep_id"])
    page.wait_for_function("() => document.querySelector('.wb-team-summary h3')?.textContent.startsWith('Rep ')",
                           timeout=60_000)
    assert page.evaluate("window.__xss") is None
    assert heading.inner_text().startswith(f"Rep {PAYLOADS['rep_id']} · ")
    assert PAYLOADS["rep_id"] in page.locator("table.wb-findings").inner_text() or \
        page.locator(".wb-no-findings").count() == 1

    page.locator(".lm-TabBar-tab, .p-TabBar-tab").nth(2).click()  # competition: competitors and loss reasons
    lang_picker.select_option(label="中文")  # every text redrawn
    page.wait_for_function("() => document.querySelector('.wb-team-summary h3')?.textContent.startsWith('销售 ')",
                           timeout=60_000)
    assert page.locator(".wb-error").count() == 0
    assert page.locator(INJECTED).count() == 0
    assert page.evaluate("window.__xss") is None
