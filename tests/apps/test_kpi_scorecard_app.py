"""The KPI scorecard app, served by Voila and driven in headless Chromium."""

from __future__ import annotations

import pandas as pd


def test_scorecard_app_renders_table_and_charts(voila_server, page):
    page.goto(f"{voila_server}/voila/render/kpi_scorecard.ipynb", timeout=150_000)
    table = page.locator("table.wb-scorecard")
    table.wait_for(timeout=150_000)
    reps = pd.read_csv("sample_data/reps.csv")
    assert table.locator("tbody tr").count() == len(reps)
    page.locator(".vega-embed svg.marks").first.wait_for(timeout=90_000)
    assert page.locator(".vega-embed svg.marks").count() == 2
    assert page.locator(".wb-error").count() == 0


def test_scorecard_app_switches_level(voila_server, page):
    page.goto(f"{voila_server}/voila/render/kpi_scorecard.ipynb", timeout=150_000)
    page.locator("table.wb-scorecard").wait_for(timeout=150_000)
    page.locator(".widget-dropdown select").first.select_option(label="Team")
    teams = pd.read_csv("sample_data/reps.csv")["team"].nunique()
    page.wait_for_function(
        f"document.querySelectorAll('table.wb-scorecard tbody tr').length === {teams}", timeout=30_000
    )
    assert "Team" in page.locator("table.wb-scorecard thead").inner_text()
