"""The coaching app, served by Voila and driven in headless Chromium."""

from __future__ import annotations


def test_coaching_app_renders_charts_follows_the_rep_and_switches_language(voila_server, page):
    page.goto(f"{voila_server}/voila/render/coaching.ipynb", timeout=180_000)
    page.locator(".vega-embed svg.marks").first.wait_for(timeout=180_000)  # the skill-gap heatmap
    assert page.locator(".wb-error").count() == 0
    assert "Traceback" not in page.content()
    rep_select = page.locator(".widget-dropdown select").nth(2)
    options = rep_select.locator("option").all_inner_texts()
    rep = next(o for o in options if o.startswith("R"))
    rep_select.select_option(label=rep)
    page.get_by_role("tab", name="Rep plan").click()
    page.locator("table.wb-plan").wait_for(timeout=60_000)
    page.wait_for_function(f"document.body.innerText.includes('Coaching plan of {rep}')", timeout=60_000)
    other = next(o for o in options if o.startswith("R") and o != rep)
    rep_select.select_option(label=other)
    page.wait_for_function(f"document.body.innerText.includes('Coaching plan of {other}')", timeout=60_000)
    page.locator(".widget-dropdown select").nth(3).select_option(label="中文")
    page.get_by_role("tab", name="个人计划").wait_for(timeout=30_000)
    assert page.locator(".wb-error").count() == 0
