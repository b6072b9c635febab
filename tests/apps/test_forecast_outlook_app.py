"""The forecast outlook app, served by Voila and driven in headless Chromium."""

from __future__ import annotations

import pandas as pd


def _chart_text_contains(page, text: str, timeout: int) -> None:
    page.wait_for_function(
        "t => [...document.querySelectorAll('.vega-embed svg.marks')].some(s => s.textContent.includes(t))",
        arg=text, timeout=timeout,
    )


def test_forecast_app_renders_and_follows_entity_and_level(voila_server, page):
    page.goto(f"{voila_server}/voila/render/forecast_outlook.ipynb", timeout=300_000)  # renders the backtest first
    accuracy = page.locator(".wb-accuracy")
    accuracy.wait_for(timeout=300_000)
    page.locator(".vega-embed svg.marks").first.wait_for(timeout=90_000)
    headline = page.locator(".wb-headline")
    assert headline.is_visible()
    assert "headline forecast" in headline.inner_text() and "80% range" in headline.inner_text()
    text = accuracy.inner_text()
    assert "CRM-style accuracy" in text and "MASE" in text and "80% interval coverage" in text
    assert page.locator("table.wb-odds").is_visible()
    assert page.locator("table.wb-deals tbody tr").count() > 0
    assert page.locator(".wb-error").count() == 0

    teams = sorted(pd.read_csv("sample_data/reps.csv")["team"].unique())
    _chart_text_contains(page, f"{teams[0]}: bookings forecast", 30_000)
    selects = page.locator(".widget-dropdown select")  # level, entity, frequency, horizon
    selects.nth(1).select_option(label=teams[1])
    _chart_text_contains(page, f"{teams[1]}: bookings forecast", 30_000)

    # another level is computed on demand (its forecasts and pipeline backtest); the region level's
    # are what a rep level's would be, at a few entities' cost instead of eighty
    regions = sorted(pd.read_csv("sample_data/reps.csv")["region"].unique())
    selects.nth(0).select_option(label="Region")
    _chart_text_contains(page, f"{regions[0]}: bookings forecast", 120_000)
    assert regions[0] in page.locator(".widget-dropdown select").nth(1).input_value()
    assert page.locator(".wb-accuracy").is_visible()
    assert page.locator(".wb-error").count() == 0
