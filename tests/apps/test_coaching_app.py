"""The coaching app, served by Voila and driven in headless Chromium."""

from __future__ import annotations


def test_coaching_app_renders_charts_follows_the_rep_and_switches_language(voila_server, page):
    page.goto(f"{voila_server}/voila/render/coaching.ipynb", timeout=180_000)
    page.locator(".vega-embed svg.marks").first.wait_for(timeout=180_000)  # the skill-gap heatmap
    assert page.locator(".wb-error").count() == 0
    assert "Traceback" not in page.content()
    rep_select = page.locator(".widget-dropdown select").nth(2)
    reps = [o for o in rep_select.locator("option").all_inner_texts() if o.startswith("R")]
    page.get_by_role("tab", name="Rep plan").click()
    for rep in reps[:2]:
        rep_select.select_option(label=rep)
        page.locator("h4.wb-plan-head", has_text=f"Coaching plan of {rep}").wait_for(timeout=60_000)
        assert page.locator("table.wb-plan").count() + page.locator(".wb-no-plan").count() == 1
    assert page.locator(".wb-error").count() == 0
    assert page.locator("table.wb-awards").count() == 0  # a tab is drawn when it is opened
    page.get_by_role("tab", name="Recognition").click()
    page.locator("table.wb-awards").wait_for(timeout=60_000)
    page.get_by_role("tab", name="Rep plan").click()
    page.locator(".widget-dropdown select").nth(3).select_option(label="中文")
    page.get_by_role("tab", name="个人计划").wait_for(timeout=30_000)
    page.locator("h4.wb-plan-head", has_text=f"{reps[1]} 的辅导计划").wait_for(timeout=30_000)
    assert page.locator(".wb-error").count() == 0
