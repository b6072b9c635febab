"""The KPI scorecard app, served by Voila and driven in headless Chromium."""

from __future__ import annotations

import re

import pandas as pd

from workbench.formatting import natural_key


def _column_edges(page) -> list[dict]:
    """For every column of the scorecard: its header's and its first value's box edges, and alignment."""
    return page.evaluate(
        """() => {
            const table = document.querySelector('table.wb-scorecard');
            const headers = [...table.querySelectorAll('thead tr:first-child th')];
            const first = [...table.querySelectorAll('tbody tr:first-child > *')];
            const text = el => { const r = document.createRange(); r.selectNodeContents(el);
                                 return r.getBoundingClientRect(); };
            return headers.map((th, i) => ({
                header: th.innerText, value: first[i].innerText,
                header_left: text(th).left, header_right: text(th).right,
                value_left: text(first[i]).left, value_right: text(first[i]).right,
                cell_left: first[i].getBoundingClientRect().left, cell_right: first[i].getBoundingClientRect().right,
                header_rows: table.querySelectorAll('thead tr').length,
            }));
        }"""
    )


def test_scorecard_app_renders_table_and_charts(voila_server, page):
    page.goto(f"{voila_server}/voila/render/kpi_scorecard.ipynb", timeout=150_000)
    table = page.locator("table.wb-scorecard")
    table.wait_for(timeout=150_000)
    reps = pd.read_csv("sample_data/reps.csv")
    assert table.locator("tbody tr").count() == len(reps)
    page.locator(".vega-embed svg.marks").first.wait_for(timeout=90_000)
    assert page.locator(".vega-embed svg.marks").count() == 2
    assert page.locator(".wb-error").count() == 0

    # the title once: the page's heading, not a second one from the panel
    assert page.locator("h1, h2, h3, h4", has_text="KPI scorecard").count() == 1
    assert page.locator(".widget-html-content", has_text=re.compile(r"^80 reps · 2026-10$")).count() == 1

    # every value under its own header: numbers end where their header ends, ids start where theirs starts
    columns = _column_edges(page)
    assert columns[0]["header_rows"] == 1
    assert columns[0]["header"] == "Rep" and columns[0]["value"] == "R001"
    assert abs(columns[0]["header_left"] - columns[0]["value_left"]) < 2
    for column in columns[1:]:
        assert abs(column["header_right"] - column["value_right"]) < 2, column
        assert column["cell_left"] <= column["header_left"] and column["header_right"] <= column["cell_right"] + 1

    # reps in id order
    ids = table.locator("tbody tr th").all_inner_texts()
    assert ids == sorted(reps["rep_id"], key=natural_key)

    # periods start at the first month a deal closed, not with the early months of pipeline only
    opportunities = pd.read_csv("sample_data/opportunities.csv", parse_dates=["closed_at"])
    first_close = opportunities["closed_at"].min().strftime("%Y-%m")
    options = page.locator(".widget-dropdown select").nth(2).locator("option").all_inner_texts()
    assert options[0] == first_close and options[-1] == "2026-10"


def test_scorecard_app_switches_level(voila_server, page):
    page.goto(f"{voila_server}/voila/render/kpi_scorecard.ipynb", timeout=150_000)
    page.locator("table.wb-scorecard").wait_for(timeout=150_000)
    page.locator(".widget-dropdown select").first.select_option(label="Team")
    teams = pd.read_csv("sample_data/reps.csv")["team"].nunique()
    page.wait_for_function(
        f"document.querySelectorAll('table.wb-scorecard tbody tr').length === {teams}", timeout=30_000
    )
    assert "Team" in page.locator("table.wb-scorecard thead").inner_text()
    assert page.get_by_text(f"{teams} teams ·").count() == 1

    page.locator(".widget-dropdown select").first.select_option(label="Company")
    page.get_by_text("1 company ·").wait_for(timeout=30_000)
    assert page.get_by_text("companys").count() == 0

    # quarters: the axis of the trend chart writes the year with every quarter
    page.locator(".widget-dropdown select").nth(1).select_option(label="Quarter")
    page.wait_for_function(
        "[...document.querySelectorAll('.vega-embed svg text')].some(t => /^\\d{4}-Q[1-4]$/.test(t.textContent))",
        timeout=30_000,
    )
    labels = page.locator(".vega-embed").nth(1).locator("svg g.role-axis-label text").all_text_contents()
    quarter_labels = [label for label in labels if "Q" in label]
    assert quarter_labels and all(re.fullmatch(r"\d{4}-Q[1-4]", label) for label in quarter_labels)
    assert not any(label in {"April", "October", "Q1", "Q2", "Q3", "Q4"} for label in labels)
