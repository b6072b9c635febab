"""The KPI scorecard panel, driven through its traitlets without a browser."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
import pytest

from workbench import DataError, load
from workbench.apps import KpiScorecard
from workbench.formatting import format_value, natural_key
from workbench.kpi.registry import KPIS
from workbench.kpi.scorecard import SCORECARD_METRICS, scorecard
from workbench.periods import period_label
from workbench.sample import generate_sample

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data():
    tables = generate_sample(n_reps=8, months=6, seed=3)
    return load({name: frame for name, frame in tables.items() if name != "planted_drivers"})


def _body_rows(panel) -> int:
    return panel.table.value.split("<tbody>")[1].count("<tr>")


def test_panel_shows_latest_period_for_every_rep(data):
    panel = KpiScorecard(data)
    assert panel.error.value == ""
    assert panel.period == panel.period_picker.options[-1]
    assert _body_rows(panel) == len(data.reps)
    assert panel.bar is not None and panel.trend is not None


def test_changing_level_recomputes_and_redraws(data):
    panel = KpiScorecard(data)
    panel.by = "team"
    teams = data.reps["team"].nunique()
    assert _body_rows(panel) == teams
    assert "Team" in panel.table.value
    panel.metric = "win_rate"
    spec = panel.bar.spec
    assert spec["encoding"]["x"]["title"] == "Win rate"


def test_errors_are_shown_not_raised(data, monkeypatch):
    panel = KpiScorecard(data)

    def broken(*args, **kwargs):
        raise DataError("targets.csv: column 'target' expected numbers")

    monkeypatch.setattr("workbench.apps.kpi_scorecard.compute_kpis", broken)
    panel.by = "region"
    assert "wb-error" in panel.error.value
    assert "targets.csv" in panel.error.value


class _Cells(HTMLParser):
    """Rows of (tag, style, text) cells of an HTML table, header rows and body rows apart."""

    def __init__(self):
        super().__init__()
        self.head, self.body, self._section, self._cell = [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody"):
            self._section = self.head if tag == "thead" else self.body
        elif tag == "tr":
            self._section.append([])
        elif tag in ("th", "td"):
            self._cell = [tag, dict(attrs).get("style", ""), ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._section[-1].append(tuple(self._cell))
            self._cell = None


def _cells(panel) -> _Cells:
    parser = _Cells()
    parser.feed(panel.table.value)
    return parser


def test_every_value_sits_under_its_own_header_right_aligned(data):
    panel = KpiScorecard(data)
    cells = _cells(panel)
    assert len(cells.head) == 1  # one header row: the level label heads the entity column
    headers = [text for _, _, text in cells.head[0]]
    table = scorecard(panel.kpis, panel.period)
    assert headers == ["Rep", *table.columns]
    assert all(len(row) == len(headers) for row in cells.body)
    units = {KPIS[m].label_en: KPIS[m].unit for m in SCORECARD_METRICS}
    for row, (entity, values) in zip(cells.body, table.iterrows()):
        assert row[0][2] == entity and "text-align:left" in row[0][1]
        for (tag, style, text), header in zip(row[1:], headers[1:]):
            # the number under a header is that KPI's value from compute_kpis, in its unit
            assert text == format_value(values[header], units[header])
            assert tag == "td" and "text-align:right" in style
    assert all("text-align:right" in style for _, style, _ in cells.head[0][1:])


def test_the_panel_prints_no_title_of_its_own(data):
    panel = KpiScorecard(data)
    html = " ".join(child.value for child in panel.children if isinstance(child, widgets.HTML))
    assert "<h1" not in html and "<h2" not in html and "KPI scorecard" not in html


def test_the_app_page_shows_the_title_once():
    notebook = json.loads((ROOT / "apps" / "kpi_scorecard.ipynb").read_text(encoding="utf-8"))
    titles = [line for cell in notebook["cells"] if cell["cell_type"] == "markdown"
              for line in "".join(cell["source"]).splitlines() if line.startswith("#")]
    assert titles == ["# KPI scorecard"]


@pytest.mark.parametrize(("level", "lang", "text"), [
    ("rep", "en", "8 reps"), ("company", "en", "1 company"), ("rep", "zh", "8 名销售"), ("company", "zh", "1 家公司"),
])
def test_status_line_counts_with_the_right_plural(data, level, lang, text):
    panel = KpiScorecard(data, lang=lang)
    panel.by = level
    status = re.sub(r"<[^>]+>", "", panel.status.value)
    assert status == f"{text} · {panel.period}"
    assert "companys" not in status


def test_period_list_starts_at_the_first_closed_deal_and_the_trend_follows(data):
    panel = KpiScorecard(data)
    first_close = pd.Timestamp(data.opportunities["closed_at"].min()).to_period("M").start_time
    periods = pd.to_datetime(panel.kpis["period"])
    assert periods.min() < first_close  # deals created before any closed: early periods exist
    assert panel.period_picker.options[0] == period_label(first_close, "M")
    assert panel.period_picker.options[-1] == period_label(periods.max(), "M")
    trend = panel.trend.spec
    drawn = {row["period"] for name in trend["datasets"] for row in trend["datasets"][name] if "period" in row}
    assert min(pd.to_datetime(sorted(drawn))) == first_close


def test_quarterly_trend_axis_carries_the_year(data):
    panel = KpiScorecard(data)
    panel.freq = "Q"
    lines = panel.trend.spec["layer"][0]
    assert lines["encoding"]["x"]["axis"]["format"] == "%Y-Q%q"
    assert all(label.startswith("20") and "-Q" in label for label in panel.period_picker.options)
    panel.freq = "M"
    assert panel.trend.spec["layer"][0]["encoding"]["x"]["axis"]["format"] == "%Y-%m"


def test_rep_rows_are_in_natural_id_order(data):
    panel = KpiScorecard(data)
    ids = [row[0][2] for row in _cells(panel).body]
    assert ids == sorted(data.reps["rep_id"], key=natural_key)


def test_a_kpi_change_redraws_only_the_charts_in_place(data):
    panel = KpiScorecard(data)
    bar, trend, table = panel.bar, panel.trend, panel.table.value
    bar_spec, trend_spec = bar.spec, trend.spec
    tables = []
    panel.table.observe(tables.append, names="value")

    panel.metric = "win_rate"
    # the same chart widgets in the same place, drawing the new KPI; the table does not depend on it
    assert panel.bar is bar and panel.trend is trend and panel.charts.children == (bar, trend)
    assert bar.spec["encoding"]["x"]["title"] == "Win rate" and trend.spec != trend_spec
    assert tables == [] and panel.table.value == table
    panel.metric = "bookings"  # back: what was drawn before, kept for the selection
    assert bar.spec == bar_spec and trend.spec == trend_spec and tables == []

    panel.period = panel.period_picker.options[-2]  # a period change redraws the table too
    assert len(tables) == 1 and panel.status.value.endswith(panel.period_picker.options[-2])
    assert panel.bar is bar and bar.spec != bar_spec
