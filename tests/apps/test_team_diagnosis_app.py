"""The team diagnosis app, served by Voila and driven in headless Chromium."""

from __future__ import annotations

import re


def test_team_diagnosis_app_renders_findings_and_rep_waterfall(voila_server, page):
    page.goto(f"{voila_server}/voila/render/team_diagnosis.ipynb", timeout=150_000)
    table = page.locator("table.wb-findings")
    table.wait_for(timeout=150_000)
    assert table.locator("tbody tr").count() > 0
    assert page.locator(".wb-team-summary").count() == 1
    assert page.locator(".wb-error").count() == 0
    assert page.locator(".vega-embed svg.marks").count() == 0  # no rep chosen yet

    first_entity = table.locator("tbody tr").first.locator("td").first.inner_text()
    rep = re.search(r"R\d+", first_entity).group(0)
    page.locator(".widget-dropdown select").nth(2).select_option(value=None, label=rep)
    page.locator(".vega-embed svg.marks").first.wait_for(timeout=90_000)
    page.wait_for_function(
        "document.querySelectorAll('.vega-embed svg.marks').length === 2", timeout=60_000
    )
    assert f"Rep {rep}" in page.locator(".wb-team-summary").inner_text()
    assert page.locator("table.wb-findings tbody tr td:first-child").all_inner_texts() != []
    assert all(rep in text for text in page.locator("table.wb-findings tbody tr td:first-child").all_inner_texts())
    assert page.locator(".wb-error").count() == 0
