"""In a real browser, a team name or rep id that is a script payload shows as text and never runs.

Voila serves the team diagnosis app on the hostile case ``html-script-payloads``
(:mod:`tests.hostile.html_cases`), whose team, rep id, rep name, region, product, loss
reason, competitor, account and module title each set ``window.__xss`` if parsed as markup.
Headless Chromium picks the hostile team and rep; ``window.__xss`` must stay undefined and
the names must read exactly as typed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.html_cases import PAYLOADS, write_hostile_folder

ROOT = Path(__file__).resolve().parents[2]

#: Elements a payload would create inside the widgets' HTML if it were not escaped.
INJECTED = ".widget-html-content :is(img, script, svg, iframe, [onerror], [onload], [onmouseover])"


@pytest.fixture(scope="module")
def hostile_voila(serve_voila, tmp_path_factory):
    """Voila serving ``apps/`` on the hostile data folder; returns the base URL."""
    folder = tmp_path_factory.mktemp("voila-hostile") / "data"
    write_hostile_folder(folder)
    return serve_voila(ROOT / "apps", {"WORKBENCH_DATA": str(folder)})


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
